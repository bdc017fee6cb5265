// Exact bounds by searching the tree of generations, best first, with probability-mass accounting.
//
// Every node is a generated prefix x₁…x_k with its probability under the target sampler
// m(x) = Π p(x_i | prompt, x_<i) (the sampler's own distribution: `Sampler.distribution`).
// The whole tree's mass is 1 and every leaf is settled one of two ways:
//   event     the event holds on the prefix (the event is monotone: it stays true on extensions),
//   no event  an end-of-generation token, or the horizon reached, without the event.
// Then at any time, with E the settled event mass and N the settled no-event mass,
//   E ≤ P(event) ≤ 1 − N,
// the gap being the mass of the prefixes not settled yet. Expanding the heaviest unsettled node
// first (one forward pass: its children's probabilities) shrinks the gap fastest. Children are
// taken most likely first, `childrenPerVisit` at a time: the rest of a node's children stay one
// frontier item (their summed mass), expanded again when it is the heaviest. A node one token
// short of the horizon settles all its children at once: each is decided by its token alone. The search stops
// when the frontier is empty (the bounds meet) or after `budget` forward passes.
//
// Arithmetic: masses are products and sums of doubles; the bounds are widened by a relative
// 1e-12 so the rounding of those (a few hundred operations per item) cannot push the truth out.
// Rule events are not supported (they need activations of every leaf, not just its prefix).

import Foundation
import Models

/// Bounds from the tree search, averaged over the prompts.
public struct ExactResult: Sendable, Codable {
    public var lower: Double
    public var upper: Double
    /// Forward passes spent, all prompts.
    public var expansions: Int
    /// Whether every prompt's tree was exhausted (lower = upper up to rounding).
    public var complete: Bool
    public var perPrompt: [Interval]

    enum CodingKeys: String, CodingKey { case lower, upper, expansions, complete, perPrompt = "per_prompt" }
}

public final class ExactSearch {
    public let model: LanguageModel
    public let event: RiskEvent
    public let settings: RiskSettings
    /// Forward passes per prompt at most.
    public let budget: Int
    /// Children materialised per visit of a node.
    public let childrenPerVisit: Int

    public init(model: LanguageModel, event: RiskEvent, settings: RiskSettings, budget: Int, childrenPerVisit: Int = 64) throws {
        try settings.validate()
        guard event.rules.isEmpty else {
            throw RiskError.unsupported("--method exact decides events from tokens and text only, not rule: clauses")
        }
        guard budget >= 1 else { throw RiskError.invalidOption("the budget must be ≥ 1") }
        guard childrenPerVisit >= 1 else { throw RiskError.invalidOption("children per visit must be ≥ 1") }
        self.model = model
        self.event = event
        self.settings = settings
        self.budget = budget
        self.childrenPerVisit = childrenPerVisit
    }

    /// A frontier item: the children of `prefix` from rank `from` on (all of them for a fresh
    /// node), `prefixMass` the prefix's probability, `mass` the children's total (the heap key).
    struct Item {
        var prefix: [Int]
        var from: Int
        var prefixMass: Double
        var mass: Double
        var order: Int
    }

    /// A max-heap by mass (ties: the earlier item first, so the order is reproducible).
    struct Frontier {
        var items: [Item] = []
        func before(_ a: Item, _ b: Item) -> Bool { a.mass != b.mass ? a.mass > b.mass : a.order < b.order }
        mutating func push(_ x: Item) {
            items.append(x)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard before(items[i], items[parent]) else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }
        mutating func pop() -> Item? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && before(items[l], items[best]) { best = l }
                if r < items.count && before(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
            return top
        }
        var totalMass: Double { items.reduce(0) { $0 + $1.mass } }
    }

    public func run(prompts: [[Int]]) throws -> ExactResult {
        guard !prompts.isEmpty else { throw RiskError.invalidOption("no prompts") }
        var per: [Interval] = []
        var spent = 0
        var complete = true
        for prompt in prompts {
            let (bounds, passes, done) = try search(prompt)
            per.append(bounds)
            spent += passes
            complete = complete && done
        }
        let n = Double(prompts.count)
        return ExactResult(lower: per.reduce(0) { $0 + $1.lower } / n, upper: min(1, per.reduce(0) { $0 + $1.upper } / n),
                           expansions: spent, complete: complete, perPrompt: per)
    }

    /// Bounds for one prompt, forward passes spent, whether the tree was exhausted.
    func search(_ prompt: [Int]) throws -> (Interval, Int, Bool) {
        guard !prompt.isEmpty else { throw ModelError.emptyInput }
        let context = prompt.count + settings.horizon
        guard context <= model.config.contextLength else {
            throw ModelError.contextExceeded(limit: model.config.contextLength, requested: context)
        }
        let session = InferenceSession(model: model.transformer, contextLength: context, maxBatch: 64, threads: settings.threads)
        var sampler = Sampler(options: settings.sampling)
        var cached: [Int] = []          // generated tokens whose keys and values follow the prompt in the cache
        _ = try session.forward(prompt, logits: .none)
        var eventMass = 0.0, noEventMass = 0.0
        var frontier = Frontier()
        var order = 0
        frontier.push(Item(prefix: [], from: 0, prefixMass: 1, mass: 1, order: order))
        var passes = 0
        while passes < budget, let item = frontier.pop() {
            // The prefix's next-token distribution. The cache holds the prompt and `cached`; keep
            // the common part, run the rest (at least the prefix's last token, for its logits).
            let logits: UnsafeBufferPointer<Float>
            if item.prefix.isEmpty {
                session.rewind(to: prompt.count - 1)
                logits = try session.forwardLast([prompt[prompt.count - 1]])
            } else {
                var common = 0
                while common < min(cached.count, item.prefix.count - 1) && cached[common] == item.prefix[common] { common += 1 }
                session.rewind(to: prompt.count + common)
                logits = try session.forwardLast(Array(item.prefix[common...]))
            }
            cached = item.prefix
            passes += 1
            let dist = sampler.distribution(logits, history: prompt + item.prefix)
            if item.prefix.count + 1 >= settings.horizon {
                // The last level: every child is settled by its token alone, so settle them all
                // now (no child needs a forward pass of its own).
                for (token, p) in dist[item.from...] {
                    let mass = item.prefixMass * p
                    if !model.endOfGeneration.contains(token) && holds(item.prefix + [token]) {
                        eventMass += mass
                    } else {
                        noEventMass += mass
                    }
                }
                continue
            }
            let end = min(dist.count, item.from + childrenPerVisit)
            for rank in item.from..<end {
                let (token, p) = dist[rank]
                let mass = item.prefixMass * p
                guard mass > 0 else { continue }
                if model.endOfGeneration.contains(token) { noEventMass += mass; continue }
                let child = item.prefix + [token]
                if holds(child) { eventMass += mass; continue }
                if child.count >= settings.horizon { noEventMass += mass; continue }
                order += 1
                frontier.push(Item(prefix: child, from: 0, prefixMass: mass, mass: mass, order: order))
            }
            if end < dist.count {
                let rest = dist[end...].reduce(0) { $0 + $1.probability }
                order += 1
                frontier.push(Item(prefix: item.prefix, from: end, prefixMass: item.prefixMass, mass: item.prefixMass * rest, order: order))
            }
        }
        let slack = 1e-12
        let lower = max(0, eventMass * (1 - slack) - slack * 1e-3)
        let upper = min(1, (1 - noEventMass) * (1 + slack) + slack * 1e-3)
        return (Interval(lower: lower, upper: max(lower, upper)), passes, frontier.items.isEmpty)
    }

    func holds(_ generated: [Int]) -> Bool {
        event.matches(text: event.readsText ? model.tokenizer.decode(generated) : "", tokens: generated)
    }
}
