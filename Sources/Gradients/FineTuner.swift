// LoRA fine-tuning: Adam over an adapter's parameters, batch after batch, with optional concept
// edits (`ConceptEdit`) active for the whole run.
//
// Per epoch e the examples are shuffled with a generator seeded by (seed, e); a batch's
// gradient is the mean over its scored tokens (every example's loss sum divided by the batch's
// scored-token count), computed example by example in order. With the same data, options and
// seed the adapter is the same bits for any thread count (every kernel is; the order of the
// examples is fixed).

import Foundation
import Kernels
import Models

public struct FineTuneOptions: Sendable {
    public var lora: LoRAConfig
    public var learningRate: Float = 1e-3
    public var epochs = 1
    public var batchSize = 4
    public var seed: UInt64 = 1
    public var threads = 1
    public var edits: [ConceptEdit] = []
    /// Stop after this many optimiser steps (nil: every batch of every epoch), e.g. to time a few steps.
    public var maxSteps: Int?

    public init(lora: LoRAConfig) { self.lora = lora }

    func validate() throws {
        guard learningRate.isFinite && learningRate > 0 else { throw GradientsError.invalidOption("the learning rate must be positive") }
        guard epochs >= 1 && epochs <= 10_000 else { throw GradientsError.invalidOption("epochs must be in 1...10000") }
        guard batchSize >= 1 else { throw GradientsError.invalidOption("the batch size must be at least 1") }
        if let maxSteps, maxSteps < 1 { throw GradientsError.invalidOption("the step limit must be at least 1") }
    }
}

/// One optimiser step's record.
public struct FineTuneStep: Sendable, Codable, Equatable {
    public var step: Int
    public var epoch: Int
    /// Mean −log p per scored token of the batch, before the update.
    public var loss: Double
    /// Scored tokens and all tokens of the batch.
    public var scoredTokens: Int
    public var tokens: Int
    public var seconds: Double
}

public final class FineTuner {
    public let model: DenseTransformer
    public let options: FineTuneOptions
    public private(set) var adapter: LoRAAdapter
    private var adam: Adam
    private let backprop: TransformerBackprop

    /// A fresh adapter (A random from the seed, B zero), or `initial` to continue one.
    public init(model: DenseTransformer, options: FineTuneOptions, initial: LoRAAdapter? = nil) throws {
        try options.validate()
        self.model = model
        self.options = options
        adapter = try initial ?? LoRAAdapter(model: model.config, lora: options.lora, seed: options.seed)
        adam = Adam(count: adapter.parameterCount, learningRate: options.learningRate)
        backprop = TransformerBackprop(model: model, threads: options.threads, adapter: adapter, edits: options.edits)
    }

    /// The batches of epoch `e`: indices into the data set, shuffled by (seed, e).
    public func batches(count: Int, epoch e: Int) -> [[Int]] {
        var order = Array(0..<count)
        var rng = Xoshiro256(seed: options.seed, stream: UInt64(e) &+ 0x46696E65)   // "Fine"
        rng.shuffle(&order)
        return stride(from: 0, to: count, by: options.batchSize).map { Array(order[$0..<min(count, $0 + options.batchSize)]) }
    }

    /// One Adam step on `examples`; returns the batch's mean loss per scored token before the step.
    public func step(_ examples: [TrainingExample]) throws -> (loss: Double, scored: Int) {
        let scored = examples.reduce(0) { $0 + $1.scoredCount }
        guard scored > 0 else { return (0, 0) }
        var grad = [Float](repeating: 0, count: adapter.parameterCount)
        var loss = 0.0
        backprop.adapter = adapter
        for e in examples {
            loss += try backprop.backward(e, lossScale: 1 / Float(scored), loraGradient: &grad).loss
        }
        adam.step(parameters: &adapter.parameters, gradient: grad, pool: backprop.pool)
        return (loss / Double(scored), scored)
    }

    /// Runs every epoch over `data` (or the first `maxSteps` steps), calling `progress` after each step.
    public func train(_ data: FineTuneDataset, progress: (FineTuneStep) -> Void = { _ in }) throws -> LoRAAdapter {
        var n = 0
        for e in 0..<options.epochs {
            for batch in batches(count: data.examples.count, epoch: e) {
                if let limit = options.maxSteps, n >= limit { return adapter }
                let examples = batch.map { data.examples[$0] }
                let clock = ContinuousClock(), start = clock.now
                let (loss, scored) = try step(examples)
                n += 1
                progress(FineTuneStep(step: n, epoch: e + 1, loss: loss, scoredTokens: scored,
                                      tokens: examples.reduce(0) { $0 + $1.tokens.count }, seconds: (clock.now - start).seconds))
            }
        }
        return adapter
    }

    /// Mean −log p per scored token of `data` under the current adapter, without edits (what the
    /// adapted model does at inference) or, with `withEdits`, with the training run's edits.
    public func evaluate(_ data: FineTuneDataset, withEdits: Bool = false) throws -> Double {
        let plain = TransformerBackprop(model: model, threads: options.threads, adapter: adapter, edits: withEdits ? options.edits : [])
        var loss = 0.0, count = 0
        for e in data.examples {
            let r = try plain.loss(e)
            loss += r.loss
            count += r.scoredTokens
        }
        return count == 0 ? 0 : loss / Double(count)
    }
}
