// What a fine-tuning batch teaches: the update direction −∂L/∂h at residual taps, projected onto
// known concepts and ranked against random directions.
//
// Legend: d = dModel, K = null directions per tap, B = batches.
//
// For a batch with mean loss L (per scored token) and a concept with unit directions u_i at taps
// p_i, the score is   S = Σ_i Σ_tokens (−∂L/∂h_{p_i,t}) · u_i   — how hard gradient descent on
// this batch pushes the stream along the concept (positive: taught; negative: untaught). The
// sum over tokens is a dot product with the batch's token-summed gradient G_p [d], so one
// backward pass scores every concept. The null: K random unit directions per tap (seeded,
// Gaussian then normalised), scored the same way; a concept's z is S / sd(null) and its rank is
// 1 + the number of null directions scoring higher (1 = above all of them). Over a run the
// per-batch G_p are summed and scored again, which ranks the concepts most taught and untaught.

import Foundation
import Kernels
import Taps

public struct TeachOptions: Sendable {
    public var batchSize = 4
    public var nullDirections = 64
    public var seed: UInt64 = 1
    public var threads = 1
    public init() {}
}

/// One concept's score against its null.
public struct ConceptScore: Sendable, Codable, Equatable {
    public var concept: String
    /// Σ over tokens of (−∂L/∂h)·u, summed over the concept's taps.
    public var score: Double
    /// score / sd(null scores).
    public var z: Double
    /// 1 + null directions scoring higher (1 … K+1).
    public var rank: Int
    /// Over a run only: each component's share, z against the null at its own tap — where (at
    /// which layer) the concept is taught most, e.g. to choose the taps `finetune` edits.
    public var taps: [TapScore]?

    public init(concept: String, score: Double, z: Double, rank: Int, taps: [TapScore]? = nil) {
        self.concept = concept
        self.score = score
        self.z = z
        self.rank = rank
        self.taps = taps
    }
}

/// One component of a concept score: (−Σ_tokens ∂L/∂h)·u at one tap, and its z against that tap's null.
public struct TapScore: Sendable, Codable, Equatable {
    /// The tap's name, e.g. `blocks.12.hook_resid_post`.
    public var point: String
    public var score: Double
    public var z: Double
}

public struct TeachBatch: Sendable, Codable, Equatable {
    public var batch: Int
    /// Mean −log p per scored token.
    public var loss: Double
    public var scoredTokens: Int
    public var scores: [ConceptScore]
}

public struct TeachReport: Sendable, Codable, Equatable {
    public var concepts: [String]
    public var nullDirections: Int
    public var seed: UInt64
    public var batches: [TeachBatch]
    /// Scores of the whole run, sorted by z, highest first.
    public var run: [ConceptScore]
    /// Concepts with positive run z, most taught first; negative z, most untaught first.
    public var mostTaught: [String]
    public var mostUntaught: [String]
}

public final class ConceptTeacher {
    public let backprop: TransformerBackprop
    public let concepts: [Concept]
    public let options: TeachOptions
    let points: [TapPoint]
    /// Null directions per tap [K][d], unit length.
    let nulls: [TapPoint: [[Float]]]

    public init(model: DenseTransformer, concepts: [Concept], options: TeachOptions, adapter: LoRAAdapter? = nil) throws {
        guard !concepts.isEmpty else { throw GradientsError.concept("no concepts to project onto") }
        guard options.nullDirections >= 2 else { throw GradientsError.invalidOption("the null needs at least 2 random directions") }
        guard options.batchSize >= 1 else { throw GradientsError.invalidOption("the batch size must be at least 1") }
        for c in concepts {
            for comp in c.components where (comp.point.layer ?? 0) >= model.config.layers {
                throw GradientsError.concept("\(c.name) is at \(comp.point), past the model's \(model.config.layers) layers")
            }
        }
        backprop = TransformerBackprop(model: model, threads: options.threads, adapter: adapter)
        self.concepts = concepts
        self.options = options
        points = Array(Set(concepts.flatMap { $0.components.map(\.point) })).sorted()
        let d = model.config.dModel
        var nulls: [TapPoint: [[Float]]] = [:]
        for (i, p) in points.enumerated() {
            var rng = Xoshiro256(seed: options.seed, stream: 0x54656163 &+ UInt64(i))   // "Teac"
            nulls[p] = (0..<options.nullDirections).map { _ in
                let v = (0..<d).map { _ in rng.nextGaussian() }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return v.map { Float($0 / norm) }
            }
        }
        self.nulls = nulls
    }

    /// −Σ_tokens ∂L/∂h [d] at each concept tap for one batch (L the batch's mean loss per scored token).
    public func batchGradients(_ examples: [TrainingExample]) throws -> (g: [TapPoint: [Double]], loss: Double, scored: Int) {
        let d = backprop.model.config.dModel
        let scored = examples.reduce(0) { $0 + $1.scoredCount }
        var sums = Dictionary(uniqueKeysWithValues: points.map { ($0, [Double](repeating: 0, count: d)) })
        guard scored > 0 else { return (sums, 0, 0) }
        var none: [Float] = []
        var loss = 0.0
        for e in examples {
            let r = try backprop.backward(e, lossScale: 1 / Float(scored), taps: Set(points), loraGradient: &none)
            loss += r.loss
            for p in points {
                let g = r.taps[p]!
                for t in 0..<e.tokens.count { for i in 0..<d { sums[p]![i] -= Double(g[t * d + i]) } }
            }
        }
        return (sums, loss / Double(scored), scored)
    }

    /// Each concept's score, z and rank for token-summed update directions `g` (with the
    /// per-tap scores when `perTap`).
    public func score(_ g: [TapPoint: [Double]], perTap: Bool = false) -> [ConceptScore] {
        func dot(_ a: [Double], _ u: [Float]) -> Double {
            var s = 0.0
            for i in a.indices { s += a[i] * Double(u[i]) }
            return s
        }
        let K = options.nullDirections
        // Null scores per tap, [K].
        var nullAt: [TapPoint: [Double]] = [:]
        for p in points { nullAt[p] = nulls[p]!.map { dot(g[p]!, $0) } }
        func sd(_ null: [Double]) -> Double {
            let mean = null.reduce(0, +) / Double(K)
            return (null.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(K - 1)).squareRoot()
        }
        return concepts.map { c in
            var s = 0.0
            var null = [Double](repeating: 0, count: K)
            var taps: [TapScore] = []
            for comp in c.components {
                let part = dot(g[comp.point]!, comp.direction)
                s += part
                for k in 0..<K { null[k] += nullAt[comp.point]![k] }
                if perTap {
                    let d = sd(nullAt[comp.point]!)
                    taps.append(TapScore(point: comp.point.description, score: part, z: d > 0 ? part / d : 0))
                }
            }
            let d = sd(null)
            return ConceptScore(concept: c.name, score: s, z: d > 0 ? s / d : 0, rank: 1 + null.filter { $0 > s }.count,
                                taps: perTap ? taps : nil)
        }
    }

    /// Scores every batch of `data` (in order, `batchSize` examples each) and the whole run.
    public func run(_ data: FineTuneDataset, progress: (TeachBatch) -> Void = { _ in }) throws -> TeachReport {
        let d = backprop.model.config.dModel
        var total = Dictionary(uniqueKeysWithValues: points.map { ($0, [Double](repeating: 0, count: d)) })
        var batches: [TeachBatch] = []
        for (b, start) in stride(from: 0, to: data.examples.count, by: options.batchSize).enumerated() {
            let examples = Array(data.examples[start..<min(data.examples.count, start + options.batchSize)])
            let (g, loss, scored) = try batchGradients(examples)
            for p in points { for i in 0..<d { total[p]![i] += g[p]![i] } }
            let batch = TeachBatch(batch: b + 1, loss: loss, scoredTokens: scored, scores: score(g))
            batches.append(batch)
            progress(batch)
        }
        let run = score(total, perTap: true).sorted { $0.z > $1.z || ($0.z == $1.z && $0.concept < $1.concept) }
        return TeachReport(concepts: concepts.map(\.name), nullDirections: options.nullDirections, seed: options.seed,
                           batches: batches, run: run, mostTaught: run.filter { $0.z > 0 }.map(\.concept),
                           mostUntaught: run.filter { $0.z < 0 }.reversed().map(\.concept))
    }
}
