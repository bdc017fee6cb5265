// Importance sampling: draw from a proposal that makes the event common, reweight by the exact
// ratio of sequence probabilities.
//
// Target p: the model with the target sampler. Proposal q: the same model steered toward the
// event (a `SteeringPlan`: control vectors, probe directions, SAE latents), and/or sampled at a
// higher temperature; the proposal never truncates (no top-k/top-p/min-p), so every sequence
// the target can produce, the proposal can too. Each sample is drawn from the defensive mixture
// m = α p + (1 − α) q (with probability α the whole sample comes from the target), and weighted
//   w = p(x) / m(x) = 1 / (α + (1 − α) · q(x)/p(x)) ≤ 1/α,
// with p(x), q(x) the products of the per-token probabilities of the sampled sequence under each
// sampler (`Sampler.distribution`, the exact distributions the samplers draw from). A sample
// stops at the event (the event is monotone, so the prefix decides it), at end of generation, or
// at the horizon. mean(w · 1[event]) is unbiased for P(event); see `ImportanceInterval` for the
// interval. Steered samples run two sessions (the target's logits are needed for p(x)); a
// temperature-only proposal reads both distributions from one forward pass.

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
    /// α: the share of samples drawn from the target.
    public let defensive: Double

    public init(model: LanguageModel, event: RiskEvent, settings: RiskSettings, proposalTemperature: Float? = nil,
                steering: SteeringPlan? = nil, defensive: Double = 0.1) throws {
        try settings.validate()
        guard event.rules.isEmpty else { throw RiskError.unsupported("--method is decides events from tokens and text only, not rule: clauses") }
        guard settings.sampling.temperature > 0 else { throw RiskError.invalidOption("importance sampling needs a target temperature > 0") }
        guard defensive > 0, defensive <= 1 else { throw RiskError.invalidOption("the defensive share must be in (0, 1]") }
        var q = settings.sampling
        q.temperature = proposalTemperature ?? q.temperature
        q.topK = 0
        q.topP = 1
        q.minP = 0
        try q.validate()
        guard q.temperature > 0 else { throw RiskError.invalidOption("the proposal temperature must be > 0") }
        self.model = model
        self.event = event
        self.settings = settings
        proposal = q
        self.steering = steering
        self.defensive = defensive
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
            let s = InferenceSession(model: model.transformer, contextLength: context, maxBatch: 64, threads: settings.threads)
            s.editor = editor
            return s
        }
        let targetPrompt = session(nil), target = session(nil)
        let proposalPrompt = steering.map { session($0) }, proposalSession = steering.map { session($0) }
        var out: [[ImportanceSample]] = []
        var done = 0
        for (p, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw ModelError.emptyInput }
            targetPrompt.rewind(to: 0)
            let firstP = Array(try targetPrompt.forwardLast(prompt))
            var firstQ: [Float]?
            if let proposalPrompt, !conditional {
                steering?.reset()
                proposalPrompt.rewind(to: 0)
                firstQ = Array(try proposalPrompt.forwardLast(prompt))
            }
            var row: [ImportanceSample] = []
            for i in 0..<samplesPerPrompt {
                row.append(try sample(prompt: prompt, seed: settings.sampleSeed(prompt: p, sample: i),
                                      target: target, targetPrompt: targetPrompt, firstP: firstP,
                                      proposalSession: proposalSession, proposalPrompt: proposalPrompt, firstQ: firstQ))
                done += 1
                progress?(done, prompts.count * samplesPerPrompt)
            }
            out.append(row)
        }
        return out
    }

    func sample(prompt: [Int], seed: UInt64, target: InferenceSession, targetPrompt: InferenceSession, firstP: [Float],
                proposalSession: InferenceSession?, proposalPrompt: InferenceSession?, firstQ: [Float]?) throws -> ImportanceSample {
        var rng = SplitMix64(seed: seed)
        let fromTarget = rng.nextUnit() < defensive
        var pSampler = Sampler(options: settings.sampling), qSampler = Sampler(options: proposal)
        try target.copyPrefix(from: targetPrompt, count: prompt.count)
        var pLogits = firstP, qLogits = firstQ ?? firstP
        if let proposalSession, let proposalPrompt {
            if conditional {
                steering?.reset()
                proposalSession.rewind(to: 0)
                qLogits = Array(try proposalSession.forwardLast(prompt))
            } else {
                try proposalSession.copyPrefix(from: proposalPrompt, count: prompt.count)
            }
        }
        var history = prompt, generated: [Int] = []
        var logP = 0.0, logQ = 0.0
        var hit = false
        while generated.count < settings.horizon {
            let pd = pLogits.withUnsafeBufferPointer { pSampler.distribution($0, history: history) }
            let qd = qLogits.withUnsafeBufferPointer { qSampler.distribution($0, history: history) }
            let token = Self.draw(fromTarget ? pd : qd, u: rng.nextUnit())
            logP += Self.logProbability(of: token, in: pd)
            logQ += Self.logProbability(of: token, in: qd)
            if model.endOfGeneration.contains(token) { break }
            generated.append(token)
            history.append(token)
            if event.matches(text: event.readsText ? model.tokenizer.decode(generated) : "", tokens: generated) { hit = true; break }
            if generated.count >= settings.horizon { break }
            pLogits = Array(try target.step(token))
            if let proposalSession {
                qLogits = Array(try proposalSession.step(token))
            } else {
                qLogits = pLogits
            }
        }
        return ImportanceSample(tokens: generated, logTarget: logP, logProposal: logQ,
                                weight: Self.weight(logTarget: logP, logProposal: logQ, defensive: defensive),
                                event: hit, fromTarget: fromTarget)
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
