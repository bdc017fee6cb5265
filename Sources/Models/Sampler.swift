// Choosing the next token from logits: greedy, temperature, top-k, top-p, min-p, repetition
// penalty, with a seeded generator so a run can be repeated exactly.
//
// Order of operations (fixed): repetition penalty on the logits of recently seen tokens →
// greedy if temperature is 0 → divide by temperature → top-k → softmax → top-p → min-p →
// renormalise → draw with the seeded generator.

import Kernels

/// Settings for choosing tokens.
public struct SamplingOptions: Sendable, Codable, Equatable {
    /// 0 means greedy (always the most likely token; ties go to the lowest id).
    public var temperature: Float = 0
    /// Keep the k most likely tokens (0 = all).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches p (1 = all).
    public var topP: Float = 1
    /// Drop tokens less likely than minP × the most likely one (0 = keep all).
    public var minP: Float = 0
    /// Divide positive logits (multiply negative ones) of recent tokens by this (1 = off).
    public var repetitionPenalty: Float = 1
    /// How many recent tokens the penalty looks at.
    public var repetitionWindow: Int = 64
    public var seed: UInt64 = 0

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0,
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    /// Throws a message naming the first out-of-range setting.
    public func validate() throws {
        func fail(_ m: String) -> ModelError { .invalidOption(m) }
        guard temperature >= 0, temperature.isFinite else { throw fail("temperature must be ≥ 0") }
        guard topK >= 0 else { throw fail("top-k must be ≥ 0") }
        guard topP > 0, topP <= 1 else { throw fail("top-p must be in (0, 1]") }
        guard minP >= 0, minP <= 1 else { throw fail("min-p must be in [0, 1]") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else { throw fail("repetition penalty must be > 0") }
        guard repetitionWindow >= 0 else { throw fail("repetition window must be ≥ 0") }
    }
}

/// Picks tokens; holds the generator state so successive draws continue one stream.
public struct Sampler {
    public let options: SamplingOptions
    private var rng: SplitMix64
    private var candidates: [(id: Int, logit: Float)] = []
    private var work: [Float] = []

    public init(options: SamplingOptions) {
        self.options = options
        rng = SplitMix64(seed: options.seed)
    }

    /// The index of the largest value; ties go to the lowest index.
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }

    /// Chooses the next token from `logits` [V], given the tokens seen so far.
    public mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        logits.withUnsafeBufferPointer { sample($0, history: history) }
    }

    /// Chooses the next token from a view of logits [V] (e.g. `InferenceSession.step`'s), given
    /// the tokens seen so far. Greedy choice without a penalty reads the view in place; otherwise
    /// the logits are copied into a buffer the sampler keeps, so decoding allocates nothing.
    public mutating func sample(_ view: UnsafeBufferPointer<Float>, history: [Int]) -> Int {
        if options.temperature == 0 && options.repetitionPenalty == 1 { return Sampler.argmax(view) }
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: view)
        defer { work.removeAll(keepingCapacity: true) }
        return sampleWork(history: history)
    }

    /// The distribution `sample` draws from at these logits [V], given the tokens seen so far:
    /// the candidate ids with their probabilities (normalised, most likely first), computed by the
    /// same operations in the same order as a draw — what exact sequence probabilities under the
    /// sampler (importance weights, tree search over generations) need. Greedy settings give the
    /// chosen token with probability 1. Leaves the generator untouched.
    public mutating func distribution(_ view: UnsafeBufferPointer<Float>, history: [Int]) -> [(id: Int, probability: Double)] {
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: view)
        defer { work.removeAll(keepingCapacity: true) }
        penalize(history: history)
        if options.temperature == 0 { return [(work.withUnsafeBufferPointer { Sampler.argmax($0) }, 1)] }
        let probs = truncatedWeights()
        let total = probs.reduce(0, +)
        return (0..<probs.count).map { (candidates[$0].id, probs[$0] / total) }
    }

    private mutating func sampleWork(history: [Int]) -> Int {
        penalize(history: history)
        if options.temperature == 0 {
            return work.withUnsafeBufferPointer { Sampler.argmax($0) }
        }
        let probs = truncatedWeights()
        let total = probs.reduce(0, +)
        var r = rng.nextUnit() * total
        for i in 0..<probs.count {
            r -= probs[i]
            if r < 0 { return candidates[i].id }
        }
        return candidates[probs.count - 1].id
    }

    /// The repetition penalty, applied to `work` in place.
    private mutating func penalize(history: [Int]) {
        if options.repetitionPenalty != 1 {
            for id in Set(history.suffix(options.repetitionWindow)) where id >= 0 && id < work.count {
                let v = work[id]
                work[id] = v > 0 ? v / options.repetitionPenalty : v * options.repetitionPenalty
            }
        }
    }

    /// Temperature, top-k, softmax, top-p and min-p over `work`: fills `candidates` (most likely
    /// first) and returns the kept candidates' unnormalised weights, in that order.
    private mutating func truncatedWeights() -> [Double] {
        candidates.removeAll(keepingCapacity: true)
        for (i, v) in work.enumerated() { candidates.append((i, v / options.temperature)) }
        // Sort by logit, ties by id, so the order is total and reproducible.
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
        if options.topK > 0 && options.topK < candidates.count {
            candidates.removeSubrange(options.topK...)
        }
        let top = candidates[0].logit
        var probs = candidates.map { Double(fexp($0.logit - top)) }
        let total = probs.reduce(0, +)
        var keep = probs.count
        if options.topP < 1 {
            var cumulative = 0.0
            for i in 0..<probs.count {
                cumulative += probs[i] / total
                if cumulative >= Double(options.topP) { keep = i + 1; break }
            }
        }
        if options.minP > 0 {
            let floor = Double(options.minP) * probs[0]
            var i = 1
            while i < keep && probs[i] >= floor { i += 1 }
            keep = i
        }
        probs.removeSubrange(keep...)
        return probs
    }
}
