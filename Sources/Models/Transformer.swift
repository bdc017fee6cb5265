// A loaded model: configuration, weights, and whatever keeps the weights' memory alive.

import Kernels

/// A model ready to run. Immutable and shareable; per-run state lives in `InferenceSession`.
public final class Transformer: @unchecked Sendable {
    // @unchecked Sendable: immutable; `owner` only keeps the weights' mapping alive and is never touched.
    public let config: ModelConfig
    /// The weights in the architecture-neutral view (every projection optional), for code that
    /// treats all families alike. The forward pass reads the family's own weights, `family`.
    public let weights: TransformerWeights
    /// The family's weights, with nothing optional that the family always has; they run the
    /// forward pass.
    let family: any FamilyWeights
    /// Keeps the memory behind `weights` (a memory-mapped file) alive.
    let owner: AnyObject?

    /// A model from weights in the neutral view (e.g. rebuilt with an adapter merged in): the
    /// architecture's family checks that everything it needs is there (`missingTensor` if not).
    public init(config: ModelConfig, weights: TransformerWeights, owner: AnyObject?) throws {
        try config.validate()
        let family = try ArchitectureRegistry.family(for: config.architecture).weights(neutral: weights, config: config)
        self.config = config
        self.weights = family.neutral
        self.family = family
        self.owner = owner
    }

    init(config: ModelConfig, family: any FamilyWeights, owner: AnyObject?) throws {
        try config.validate()
        self.config = config
        self.weights = family.neutral
        self.family = family
        self.owner = owner
    }
}

/// Which positions of a forward pass need logits.
public enum LogitsSelection: Sendable {
    case none
    case last
    case all
}
