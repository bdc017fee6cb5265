// Importance sampling: draw from a proposal that makes the event common, reweight by the exact
// ratio of sequence probabilities.
//
// Target p: the model with the target sampler. Proposal q: the same model steered toward the
// event (a `SteeringPlan`: control vectors, probe directions, SAE latents), and/or with the
// event's tokens boosted (`ProposalBoost`), and/or sampled at another temperature; the proposal
// never truncates (no top-k/top-p/min-p), so every sequence
// the target can produce, the proposal can too. Each sample is drawn from the defensive mixture
// m = α p + (1 − α) q (with probability α the whole sample comes from the target), and weighted
//   w = p(x) / m(x) = 1 / (α + (1 − α) · q(x)/p(x)) ≤ 1/α,
// with p(x), q(x) the products of the per-token probabilities of the sampled sequence under each
// sampler (`Sampler.distribution`, the exact distributions the samplers draw from). A sample
// stops at the event (the event is monotone, so the prefix decides it), at end of generation, or
// at the horizon. mean(w · 1[event]) is unbiased for P(event); see `ImportanceInterval` for the
// interval. Steered samples run two sessions (the target's logits are needed for p(x)), one
// sample at a time; boosted and temperature-only proposals read both distributions from one
// forward pass, and their samples decode in batches like plain Monte Carlo's.

import Foundation
import Kernels
import Models
import Steering

/// One importance sample.
public struct ImportanceSample: Sendable, Equatable {
    public var tokens: [Int]
    /// log p(tokens | prompt) under the target sampler.
    public var logTarget: Double
    /// log q(tokens | prompt) under the proposal sampler.
    public var logProposal: Double
    public var weight: Double
    public var event: Bool
    /// Drawn from the target (the defensive share) rather than the proposal.
    public var fromTarget: Bool
}

public final class ImportanceSampler {
    public let model: LanguageModel
    public let event: RiskEvent
    public let settings: RiskSettings
    /// The proposal's sampler settings (seed unused).
    public let proposal: SamplingOptions
    public let steering: SteeringPlan?
    /// Logit boost of the event's tokens in the proposal.
    public let boost: ProposalBoost?
    /// α: the share of samples drawn from the target.
    public let defensive: Double
    /// Samples decoded together (unsteered proposals).
    public let batch: Int

    public init(model: LanguageModel, event: RiskEvent, settings: RiskSettings, proposalTemperature: Float? = nil,
                steering: SteeringPlan? = nil, boost: ProposalBoost? = nil, defensive: Double = 0.1, batch: Int = 16) throws {
        try settings.validate()
        guard event.rules.isEmpty else { throw RiskError.unsupported("--method is decides events from tokens and text only, not rule: clauses") }
        guard settings.sampling.temperature > 0 else { throw RiskError.invalidOption("importance sampling needs a target temperature > 0") }
        guard defensive > 0, defensive <= 1 else { throw RiskError.invalidOption("the defensive share must be in (0, 1]") }
        guard batch >= 1, batch <= 256 else { throw RiskError.invalidOption("the batch must be in 1...256") }
        var q = settings.sampling
        q.temperature = proposalTemperature ?? q.temperature
        q.topK = 0
        q.topP = 1
        q.minP = 0
        try q.validate()
        guard q.temperature > 0 else { throw RiskError.invalidOption("the proposal temperature must be > 0") }
        if let last = boost?.tokens.last, last >= model.config.vocab {
            throw RiskError.invalidOption("boosted token \(last) is outside the vocabulary (\(model.config.vocab) tokens)")
        }
        self.model = model
        self.event = event
        self.settings = settings
        proposal = q
        self.steering = steering
        self.boost = boost
        self.defensive = defensive
        self.batch = batch
    }

    /// The weights' bound 1/α.
    public var weightBound: Double { 1 / defensive }

    /// Whether the steering plan has conditions (state across positions: each sample then runs
    /// its prompt through the plan itself instead of copying the prompt's cache).
    var conditional: Bool { steering?.spec.edits.contains { $0.condition != nil } ?? false }

    public func run(prompts: [[Int]], samplesPerPrompt: Int, progress: ((Int, Int) -> Void)? = nil) throws -> ImportanceSummary {
        let all = try samples(prompts: prompts, samplesPerPrompt: samplesPerPrompt, progress: progress).flatMap { $0 }
        return ImportanceInterval.summarize(weights: all.map(\.weight), hits: all.map(\.event), bound: weightBound,
                                            confidence: settings.confidence)
    }

    /// Every sample, [prompt][sample].
    public func samples(prompts: [[Int]], samplesPerPrompt: Int, progress: ((Int, Int) -> Void)? = nil) throws -> [[ImportanceSample]] {
        guard samplesPerPrompt >= 1 else { throw RiskError.invalidOption("samples must be ≥ 1") }
        guard !prompts.isEmpty else { throw RiskError.invalidOption("no prompts") }
        let context = (prompts.map(\.count).max() ?? 0) + settings.horizon + 1
        guard context <= model.config.contextLength else {
            throw ModelError.contextExceeded(limit: model.config.contextLength, requested: context)
        }
        func session(_ editor: SteeringPlan?) -> InferenceSession {
            let s = InferenceSession(model: model.transformer, contextLength: context, maxBatch: max(64, batch), threads: settings.threads)
            s.editor = editor
            return s
        }
        // Unsteered proposals read both distributions from the target's logits, so samples can
        // decode together; a steered proposal needs its own session with the plan as editor
        // (batched decoding runs no editors), so those samples run one at a time.
        let batched = steering == nil && BatchedDecode.supports(model.transformer)
        let targetPrompt = session(nil)
        var free = (0..<(batched ? batch : 1)).map { _ in session(nil) }
        let proposalPrompt = steering.map { session($0) }, proposalSession = steering.map { session($0) }
        var out: [[ImportanceSample]] = []
        var done = 0
        let total = prompts.count * samplesPerPrompt
        for (p, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw ModelError.emptyInput }
            targetPrompt.rewind(to: 0)
            let firstP = Array(try targetPrompt.forwardLast(prompt))
            if batched {
                out.append(try batchedRow(prompt: p, tokens: prompt, count: samplesPerPrompt, promptSession: targetPrompt,
                                          firstP: firstP, free: &free) {
                    done += 1
                    progress?(done, total)
                })
                continue
            }
            var firstQ: [Float]?
            if let proposalPrompt, !conditional {
                steering?.reset()
                proposalPrompt.rewind(to: 0)
                firstQ = Array(try proposalPrompt.forwardLast(prompt))
            }
            var row: [ImportanceSample] = []
            for i in 0..<samplesPerPrompt {
                row.append(try sample(prompt: prompt, seed: settings.sampleSeed(prompt: p, sample: i),
                                      target: free[0], targetPrompt: targetPrompt, firstP: firstP,
                                      proposalSession: proposalSession, proposalPrompt: proposalPrompt, firstQ: firstQ))
                done += 1
                progress?(done, total)
            }
            out.append(row)
        }
        return out
    }

    /// One sample between tokens: its generator, whether it draws from the target (the
    /// defensive share) or the proposal, the tokens so far and their two log-probabilities.
    struct Walk {
        var rng: SplitMix64
        let fromTarget: Bool
        var pSampler: Sampler
        var qSampler: Sampler
        var history: [Int]
        var generated: [Int] = []
        var logP = 0.0, logQ = 0.0
        var hit = false
    }

    func startWalk(prompt: [Int], seed: UInt64) -> Walk {
        var rng = SplitMix64(seed: seed)
        let fromTarget = rng.nextUnit() < defensive
        return Walk(rng: rng, fromTarget: fromTarget, pSampler: Sampler(options: settings.sampling), qSampler: Sampler(options: proposal),
                    history: prompt)
    }

    /// Draws the walk's next token from the target's logits [V] and the proposal's [V] before the
    /// boost (nil: the target's, for unsteered proposals). Returns the token whose forward pass
    /// the walk needs next, or nil when the sample has ended (end of generation, the event, the
    /// horizon).
    func advance(_ w: inout Walk, pLogits: UnsafeBufferPointer<Float>, qLogits: UnsafeBufferPointer<Float>?) -> Int? {
        let pd = w.pSampler.distribution(pLogits, history: w.history)
        let qd: [(id: Int, probability: Double)]
        if let boost {
            var boosted = Array(qLogits ?? pLogits)
            boost.apply(to: &boosted)
            qd = boosted.withUnsafeBufferPointer { w.qSampler.distribution($0, history: w.history) }
        } else {
            qd = w.qSampler.distribution(qLogits ?? pLogits, history: w.history)
        }
        let token = Self.draw(w.fromTarget ? pd : qd, u: w.rng.nextUnit())
        w.logP += Self.logProbability(of: token, in: pd)
        w.logQ += Self.logProbability(of: token, in: qd)
        if model.endOfGeneration.contains(token) { return nil }
        w.generated.append(token)
        w.history.append(token)
        if event.matches(text: event.readsText ? model.tokenizer.decode(w.generated) : "", tokens: w.generated) {
            w.hit = true
            return nil
        }
        return w.generated.count >= settings.horizon ? nil : token
    }

    func finish(_ w: Walk) -> ImportanceSample {
        ImportanceSample(tokens: w.generated, logTarget: w.logP, logProposal: w.logQ,
                         weight: Self.weight(logTarget: w.logP, logProposal: w.logQ, defensive: defensive),
                         event: w.hit, fromTarget: w.fromTarget)
    }

    /// The samples of one prompt, decoded together as in `MonteCarloEstimator`: up to `batch`
    /// sessions (each starting from a copy of the prompt's cache) advance one token per forward
    /// pass, and a finished sample's session takes the next waiting one. Batched decoding gives
    /// each sequence the logits it gets alone, so the samples are those of one-at-a-time decoding.
    func batchedRow(prompt p: Int, tokens prompt: [Int], count: Int, promptSession: InferenceSession, firstP: [Float],
                    free: inout [InferenceSession], finished: () -> Void) throws -> [ImportanceSample] {
        var out = [ImportanceSample?](repeating: nil, count: count)
        /// A sample in flight; `logits` nil until its first forward pass (the prompt's logits).
        struct Active {
            let index: Int
            let session: InferenceSession
            var walk: Walk
            var logits: UnsafeBufferPointer<Float>?
        }
        var active: [Active] = []
        var next = 0
        while next < count || !active.isEmpty {
            while next < count, let session = free.popLast() {
                try session.copyPrefix(from: promptSession, count: prompt.count)
                active.append(Active(index: next, session: session,
                                     walk: startWalk(prompt: prompt, seed: settings.sampleSeed(prompt: p, sample: next))))
                next += 1
            }
            var stepping: [Int] = [], tokens: [Int] = []
            for k in active.indices {
                let logits = active[k].logits
                let token = firstP.withUnsafeBufferPointer { first in advance(&active[k].walk, pLogits: logits ?? first, qLogits: nil) }
                if let token {
                    stepping.append(k)
                    tokens.append(token)
                } else {
                    out[active[k].index] = finish(active[k].walk)
                    finished()
                }
            }
            if stepping.count == 1 {
                active[stepping[0]].logits = try active[stepping[0]].session.step(tokens[0])
            } else if !stepping.isEmpty {
                let views = try BatchedDecode.step(stepping.map { active[$0].session }, tokens: tokens, sinks: stepping.map { _ in nil })
                for (k, v) in zip(stepping, views) { active[k].logits = v }
            }
            let continuing = Set(stepping)
            for k in active.indices where !continuing.contains(k) { free.append(active[k].session) }
            active = stepping.map { active[$0] }
        }
        return out.map { $0! }
    }

    /// One sample decoded alone: the target's session and, when steered, the proposal's.
    func sample(prompt: [Int], seed: UInt64, target: InferenceSession, targetPrompt: InferenceSession, firstP: [Float],
                proposalSession: InferenceSession?, proposalPrompt: InferenceSession?, firstQ: [Float]?) throws -> ImportanceSample {
        var walk = startWalk(prompt: prompt, seed: seed)
        try target.copyPrefix(from: targetPrompt, count: prompt.count)
        var pLogits = firstP, qLogits = firstQ
        if let proposalSession, let proposalPrompt {
            if conditional {
                steering?.reset()
                proposalSession.rewind(to: 0)
                qLogits = Array(try proposalSession.forwardLast(prompt))
            } else {
                try proposalSession.copyPrefix(from: proposalPrompt, count: prompt.count)
            }
        }
        while true {
            let token = pLogits.withUnsafeBufferPointer { pv in
                if let qLogits { return qLogits.withUnsafeBufferPointer { advance(&walk, pLogits: pv, qLogits: $0) } }
                return advance(&walk, pLogits: pv, qLogits: nil)
            }
            guard let token else { break }
            pLogits = Array(try target.step(token))
            if let proposalSession { qLogits = Array(try proposalSession.step(token)) }
        }
        return finish(walk)
    }

    /// p/(αp + (1−α)q) from log p and log q.
    public static func weight(logTarget: Double, logProposal: Double, defensive a: Double) -> Double {
        if logTarget == -.infinity { return 0 }
        if logProposal == -.infinity { return 1 / a }
        let ratio = logProposal - logTarget
        // q/p beyond e^700 makes the weight 0 to double precision.
        return ratio > 700 ? 0 : 1 / (a + (1 - a) * dexp(ratio))
    }

    /// Inverse-CDF draw in the distribution's order.
    static func draw(_ dist: [(id: Int, probability: Double)], u: Double) -> Int {
        var r = u
        for (id, p) in dist {
            r -= p
            if r < 0 { return id }
        }
        return dist[dist.count - 1].id
    }

    static func logProbability(of token: Int, in dist: [(id: Int, probability: Double)]) -> Double {
        guard let p = dist.first(where: { $0.id == token })?.probability, p > 0 else { return -.infinity }
        return dlog(p)
    }
}
