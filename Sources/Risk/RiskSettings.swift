// Settings shared by the estimators, and the per-sample seeds that make a run reproducible.

import Foundation
import Kernels
import Models

/// How samples are drawn: the target sampler, the horizon, the seed.
public struct RiskSettings: Sendable {
    /// Generated tokens per sample at most (an end-of-generation token ends a sample earlier).
    public var horizon: Int
    /// The target's sampler. Its `seed` is not used: every sample gets its own (`sampleSeed`).
    public var sampling: SamplingOptions
    public var seed: UInt64
    public var confidence: Double
    /// Threads of each session's pool (results do not depend on it).
    public var threads: Int

    public init(horizon: Int, sampling: SamplingOptions, seed: UInt64 = 0, confidence: Double = 0.95, threads: Int = 1) {
        self.horizon = horizon
        self.sampling = sampling
        self.seed = seed
        self.confidence = confidence
        self.threads = threads
    }

    /// Throws a message naming the first bad setting.
    public func validate() throws {
        guard horizon >= 1 else { throw RiskError.invalidOption("the horizon must be ≥ 1 token") }
        guard confidence > 0, confidence < 1 else { throw RiskError.invalidOption("the confidence must be in (0, 1)") }
        guard threads >= 1 else { throw RiskError.invalidOption("threads must be ≥ 1") }
        try sampling.validate()
    }

    /// The seed of sample `sample` of prompt `prompt`: a fixed function of the run's seed and the
    /// two indices, so a sample draws the same tokens whatever the batch size, the thread count
    /// or the order samples are scheduled in.
    public func sampleSeed(prompt: Int, sample: Int) -> UInt64 {
        var g = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: prompt) &* 0xD1B5_4A32_D192_ED03))
        var h = SplitMix64(seed: g.next() ^ (UInt64(truncatingIfNeeded: sample) &* 0x8CB9_2BA7_2F3D_8DD7))
        return h.next()
    }

    /// The sampler options of one sample.
    public func sampling(prompt: Int, sample: Int) -> SamplingOptions {
        var s = sampling
        s.seed = sampleSeed(prompt: prompt, sample: sample)
        return s
    }
}
