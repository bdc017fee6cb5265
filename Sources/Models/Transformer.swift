// A loaded model: configuration, weights, and whatever keeps the weights' memory alive.

import Kernels

/// A model ready to run. Immutable and shareable; per-run state lives in `InferenceSession`.
public final class Transformer: @unchecked Sendable {
    // @unchecked Sendable: immutable; `owner` only keeps the weights' mapping alive and is never touched.
    public let config: ModelConfig
    public let weights: TransformerWeights
    /// Keeps the memory behind `weights` (a memory-mapped file) alive.
    let owner: AnyObject?

    public init(config: ModelConfig, weights: TransformerWeights, owner: AnyObject?) throws {
        try config.validate()
        self.config = config
        self.weights = weights
        self.owner = owner
    }
}

/// Which positions of a forward pass need logits.
public enum LogitsSelection: Sendable {
    case none
    case last
    case all
}
