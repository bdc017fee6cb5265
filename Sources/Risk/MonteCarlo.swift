// Plain Monte Carlo: draw generations with the target's own sampler, count the event.
//
// Cost model. For each prompt the prompt is run once; every sample's session starts from a copy
// of that cache (`InferenceSession.copyPrefix`) and from the prompt's last logits, so a sample
// costs only its own tokens. Samples are decoded together: up to `batch` sessions advance one
// token per forward pass (`BatchedDecode.step`, the building block of `serve --batch`), and a
// finished sample's session takes the next waiting sample at once (continuous batching).
// When a bundle watches the samples (a halting supervisor S, or an event given as a bundle rule),
// each sample runs its prompt itself so the bundle sees the prompt's activations too.
//
// Reproducibility. Sample i of prompt j draws with the seed `RiskSettings.sampleSeed(j, i)`,
// batched decoding computes each sequence's logits to the bit as a lone step would, and the
// tallies are kept per sample index: the result is the same bits for any batch size and thread
// count, and sample i is exactly what `generate` gives with that seed.
//
// With S. Attaching S never changes the tokens, so each sample answers three questions at once
// (paired estimates): did the event occur within the horizon (without S); did it occur in the
// text S would have released (sync gate: the token at the first halt verdict's position and
// everything after it are withheld); did S halt. Timing verdicts (a missed deadline) are not
// modelled: only the bundle's rules decide.

import Foundation
import Models
import Supervisor
import Taps

/// One sample's outcome.
public struct SampleOutcome: Sendable, Equatable {
    public var tokens: [Int]
    /// The event occurred within the horizon (no supervisor).
    public var event: Bool
    /// The event occurred in the released text (with S); nil without S.
    public var releasedEvent: Bool?
    /// S halted within the horizon; nil without S.
    public var halted: Bool?
}

/// Counts over all prompts and samples, and their Clopper–Pearson intervals.
public struct MonteCarloResult: Sendable, Codable {
    public struct Estimate: Sendable, Codable {
        public var events: Int
        public var samples: Int
        public var estimate: Double
        public var interval: Interval

        /// k events in n samples with their Clopper–Pearson interval.
        static func tally(_ k: Int, _ n: Int, confidence: Double) -> Estimate {
            Estimate(events: k, samples: n, estimate: n > 0 ? Double(k) / Double(n) : 0,
                     interval: BinomialInterval.clopperPearson(events: k, trials: n, confidence: confidence))
        }
    }
    /// P(event) without S.
    public var event: Estimate
    /// P(event in the released text) with S.
    public var releasedEvent: Estimate?
    /// P(S halts).
    public var halt: Estimate?
    /// Per prompt: events (without S) out of samples.
    public var perPrompt: [Int]
    public var generatedTokens: Int

    enum CodingKeys: String, CodingKey {
        case event, halt
        case releasedEvent = "released_event", perPrompt = "events_per_prompt", generatedTokens = "generated_tokens"
    }
}

/// Delivers each tap to every sink that asked for it.
final class FanOutSink: TapSink {
    let sinks: [TapSink]
    let points: Set<TapPoint>
    init(_ sinks: [TapSink]) {
        self.sinks = sinks
        points = sinks.reduce(into: Set<TapPoint>()) { $0.formUnion($1.points) }
    }
    func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        for s in sinks where s.points.contains(point) { s.receive(point, position: position, values: values) }
    }
}

/// Watches one sample with a bundle: the first generated index a rule (or any halt) fires at.
struct BundleWatch {
    let run: SupervisedRun
    /// Rule ids that count; nil: any verdict whose action is halt.
    let rules: Set<String>?
    var seen = 0
    /// First generated-token index (position − prompt length, at least 0) of a matching verdict.
    private(set) var firstIndex: Int?

    init(_ supervisor: Supervisor, prompt: [Int], options: GenerationOptions, session: InferenceSession, rules: Set<String>?) {
        run = supervisor.attach(promptTokens: prompt, options: options, session: session)
        self.rules = rules
    }

    /// Reads the verdicts made since the last call.
    mutating func update(promptCount: Int) {
        let fresh = run.progress(fromPosition: Int.max, fromVerdict: seen).verdicts
        seen += fresh.count
        for v in fresh where firstIndex == nil {
            let matches = rules.map { v.rule.map($0.contains) ?? false } ?? (v.action == .halt)
            // A rule event counts on generated tokens only; a halt in the prompt withholds everything.
            if matches && (rules == nil || v.position >= promptCount) { firstIndex = max(0, v.position - promptCount) }
        }
    }
}

/// Plain Monte Carlo estimates of P(event), with and without a supervisor.
///
/// ```swift
/// let mc = try MonteCarloEstimator(model: lm, event: RiskEvent([.text(" sorry")]),
///                                  settings: RiskSettings(horizon: 32, sampling: SamplingOptions(temperature: 1)))
/// let r = try mc.run(prompts: [ids], samplesPerPrompt: 1000)
/// print(r.event.estimate, r.event.interval)
/// ```
public final class MonteCarloEstimator {
    public let model: LanguageModel
    public let event: RiskEvent
    public let settings: RiskSettings
    /// The halting supervisor S (sync gate semantics); nil for P(event) alone.
    public let supervisor: Supervisor?
    /// The bundle deciding `rule:` clauses of the event.
    public let eventBundle: Supervisor?
    /// Samples decoded together.
    public let batch: Int

    public init(model: LanguageModel, event: RiskEvent, settings: RiskSettings, supervisor: Supervisor? = nil,
                eventBundle: Supervisor? = nil, batch: Int = 16) throws {
        try settings.validate()
        guard batch >= 1, batch <= 256 else { throw RiskError.invalidOption("the batch must be in 1...256") }
        if !event.rules.isEmpty {
            guard let eventBundle else { throw RiskError.invalidEvent("rule: clauses need an event bundle") }
            let known = Set(eventBundle.policy.rules.map(\.id))
            for r in event.rules where !known.contains(r) {
                throw RiskError.invalidEvent("the event bundle '\(eventBundle.policy.bundleName)' has no rule '\(r)' (it has \(known.sorted().joined(separator: ", ")))")
            }
        }
        for s in [supervisor, eventBundle].compactMap({ $0 }) {
            guard case .sync = s.options.mode, s.options.receipts == nil else {
                throw RiskError.unsupported("risk runs bundles in sync mode without receipts")
            }
        }
        self.model = model
        self.event = event
        self.settings = settings
        self.supervisor = supervisor
        self.eventBundle = event.rules.isEmpty ? nil : eventBundle
        self.batch = batch
    }

    /// Whether samples need the prompt's activations (a bundle watches them).
    var watched: Bool { supervisor != nil || eventBundle != nil }

    /// One sample in flight.
    final class Chain {
        let prompt: Int, index: Int
        let session: InferenceSession
        var sampler: Sampler
        var history: [Int]
        var generated: [Int] = []
        var logits: UnsafeBufferPointer<Float>
        /// The prompt's logits [V] (shared prefill), read for the first token instead of `logits`.
        var firstLogits: [Float]?
        var halt: BundleWatch?
        var rule: BundleWatch?
        var sink: TapSink?
        /// First generated index at which the event holds.
        var eventIndex: Int?
        var done = false
        init(prompt: Int, index: Int, session: InferenceSession, sampler: Sampler, history: [Int], logits: UnsafeBufferPointer<Float>) {
            self.prompt = prompt
            self.index = index
            self.session = session
            self.sampler = sampler
            self.history = history
            self.logits = logits
        }
    }

    /// Draws `samplesPerPrompt` samples for each prompt. `progress` gets (samples done, total).
    public func run(prompts: [[Int]], samplesPerPrompt: Int, progress: ((Int, Int) -> Void)? = nil) throws -> MonteCarloResult {
        let outcomes = try samples(prompts: prompts, samplesPerPrompt: samplesPerPrompt, progress: progress)
        return summarize(outcomes, prompts: prompts.count)
    }

    /// Tallies per-sample outcomes ([prompt][sample]) into estimates.
    public func summarize(_ outcomes: [[SampleOutcome]], prompts: Int) -> MonteCarloResult {
        let all = outcomes.flatMap { $0 }
        let c = settings.confidence
        var r = MonteCarloResult(event: .tally(all.filter(\.event).count, all.count, confidence: c),
                                 perPrompt: outcomes.map { $0.filter(\.event).count },
                                 generatedTokens: all.reduce(0) { $0 + $1.tokens.count })
        if supervisor != nil {
            r.releasedEvent = .tally(all.filter { $0.releasedEvent == true }.count, all.count, confidence: c)
            r.halt = .tally(all.filter { $0.halted == true }.count, all.count, confidence: c)
        }
        return r
    }

    /// Every sample's outcome, [prompt][sample].
    public func samples(prompts: [[Int]], samplesPerPrompt: Int, progress: ((Int, Int) -> Void)? = nil) throws -> [[SampleOutcome]] {
        guard samplesPerPrompt >= 1 else { throw RiskError.invalidOption("samples must be ≥ 1") }
        guard !prompts.isEmpty else { throw RiskError.invalidOption("no prompts") }
        let longest = prompts.map(\.count).max() ?? 0
        let context = longest + settings.horizon + 1
        guard context <= model.config.contextLength else {
            throw ModelError.contextExceeded(limit: model.config.contextLength, requested: context)
        }
        let promptSession = InferenceSession(model: model.transformer, contextLength: context, maxBatch: 64, threads: settings.threads)
        let B = BatchedDecode.supports(model.transformer) ? batch : 1
        var free = (0..<B).map { _ in
            InferenceSession(model: model.transformer, contextLength: context, maxBatch: max(B, 16), threads: settings.threads)
        }
        var outcomes = prompts.map { _ in [SampleOutcome?](repeating: nil, count: samplesPerPrompt) }
        let total = prompts.count * samplesPerPrompt
        var done = 0
        for (p, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw ModelError.emptyInput }
            var promptLogits: [Float] = []
            if !watched {
                promptSession.rewind(to: 0)
                promptLogits = Array(try promptSession.forwardLast(prompt))
            }
            var next = 0
            var active: [Chain] = []
            while next < samplesPerPrompt || !active.isEmpty {
                while next < samplesPerPrompt, let session = free.popLast() {
                    active.append(try start(prompt: p, tokens: prompt, index: next, session: session,
                                            promptSession: promptSession, promptLogits: promptLogits))
                    next += 1
                }
                var stepping: [Chain] = [], tokens: [Int] = []
                for chain in active {
                    if let token = draw(chain, promptCount: prompt.count) {
                        stepping.append(chain)
                        tokens.append(token)
                    }
                }
                if !stepping.isEmpty {
                    let views: [UnsafeBufferPointer<Float>]
                    if stepping.count == 1 {
                        views = [try stepping[0].session.step(tokens[0], sink: stepping[0].sink)]
                    } else {
                        views = try BatchedDecode.step(stepping.map(\.session), tokens: tokens, sinks: stepping.map(\.sink))
                    }
                    for (chain, v) in zip(stepping, views) { observe(chain, logits: v, promptCount: prompt.count) }
                }
                active.removeAll { chain in
                    guard chain.done else { return false }
                    outcomes[chain.prompt][chain.index] = outcome(chain)
                    free.append(chain.session)
                    done += 1
                    progress?(done, total)
                    return true
                }
            }
        }
        return outcomes.map { $0.map { $0! } }
    }

    /// A new sample in `session`: the prompt's cache copied (or run, when a bundle watches).
    func start(prompt p: Int, tokens prompt: [Int], index: Int, session: InferenceSession,
               promptSession: InferenceSession, promptLogits: [Float]) throws -> Chain {
        let sampling = settings.sampling(prompt: p, sample: index)
        let options = GenerationOptions(maxTokens: settings.horizon, sampling: sampling)
        var halt = supervisor.map { BundleWatch($0, prompt: prompt, options: options, session: session, rules: nil) }
        var rule = eventBundle.map { BundleWatch($0, prompt: prompt, options: options, session: session, rules: Set(event.rules)) }
        let sinks: [TapSink] = [halt?.run, rule?.run].compactMap { $0 }
        let sink: TapSink? = sinks.isEmpty ? nil : (sinks.count == 1 ? sinks[0] : FanOutSink(sinks))
        let logits: UnsafeBufferPointer<Float>
        if watched {
            session.rewind(to: 0)
            logits = try session.forwardLast(prompt, sink: sink)
            halt?.update(promptCount: prompt.count)
            rule?.update(promptCount: prompt.count)
        } else {
            try session.copyPrefix(from: promptSession, count: prompt.count)
            logits = UnsafeBufferPointer(start: nil, count: 0)
        }
        let chain = Chain(prompt: p, index: index, session: session, sampler: Sampler(options: sampling), history: prompt, logits: logits)
        chain.halt = halt
        chain.rule = rule
        chain.sink = sink
        if !watched { chain.firstLogits = promptLogits }
        // A halt on the prompt itself releases nothing; the sample still runs for P(event) without S.
        return chain
    }

    /// Draws the chain's next token; nil when the sample ended (end of generation) without a
    /// forward pass to run.
    func draw(_ chain: Chain, promptCount: Int) -> Int? {
        let token: Int
        if let first = chain.firstLogits {
            token = chain.sampler.sample(first, history: chain.history)
            chain.firstLogits = nil
        } else {
            token = chain.sampler.sample(chain.logits, history: chain.history)
        }
        if model.endOfGeneration.contains(token) { chain.done = true; return nil }
        chain.generated.append(token)
        chain.history.append(token)
        if chain.eventIndex == nil && matchesText(chain.generated) { chain.eventIndex = chain.generated.count - 1 }
        let last = chain.generated.count >= settings.horizon
        // The token's forward pass: for the next token's logits, and for the bundles to judge it.
        if (last || settleEarly(chain)) && chain.sink == nil { chain.done = true; return nil }
        return token
    }

    /// After the forward pass of the chain's last token.
    func observe(_ chain: Chain, logits: UnsafeBufferPointer<Float>, promptCount: Int) {
        chain.logits = logits
        chain.halt?.update(promptCount: promptCount)
        chain.rule?.update(promptCount: promptCount)
        if chain.eventIndex == nil, let i = chain.rule?.firstIndex { chain.eventIndex = i }
        if chain.generated.count >= settings.horizon || settleEarly(chain) { chain.done = true }
    }

    /// Whether the rest of the sample cannot change its outcome: the event happened, and without
    /// S nothing else is asked; with S, S has also halted.
    func settleEarly(_ chain: Chain) -> Bool {
        guard chain.eventIndex != nil else { return false }
        return supervisor == nil || chain.halt?.firstIndex != nil
    }

    func matchesText(_ generated: [Int]) -> Bool {
        event.matches(text: event.readsText ? model.tokenizer.decode(generated) : "", tokens: generated)
    }

    func outcome(_ chain: Chain) -> SampleOutcome {
        var o = SampleOutcome(tokens: chain.generated, event: chain.eventIndex != nil)
        if let halt = chain.halt {
            let h = halt.firstIndex
            o.halted = h != nil
            o.releasedEvent = chain.eventIndex.map { e in h.map { e < $0 } ?? true } ?? false
        }
        return o
    }
}
