// Synthetic activations and measurements (training throughput, Q8_0 vs F32 encoder error), for
// tests and for a `bench` command to call.
//
// Legend: N = rows, D = width, M = dictionary atoms, s = atoms per row.
//
// The data imitates what an SAE is meant for: each row is a sparse non-negative combination of
// s random unit directions out of M, plus Gaussian noise, a shared offset (residual streams are
// not centred) and, optionally, a few "massive activation" dimensions much larger than the rest,
// which is what stresses per-block 8-bit quantization. Everything comes from the project's seeded
// generators (Kernels/Random.swift), so a seed gives the same rows on every machine.

import Foundation
import Kernels

/// Sparse-dictionary activations [N, D] with their true directions [M, D].
public struct SyntheticActivations: Sendable {
    public let rows: Int
    public let width: Int
    public let data: [Float]          // [N, D]
    public let directions: [Float]    // [M, D], unit rows

    /// - Parameters:
    ///   - outlierDimensions: this many dimensions (the first ones) get `outlierScale` times the
    ///     typical magnitude added to every row, with a little per-row variation.
    public init(rows: Int, width: Int, atoms: Int, perRow: Int, noise: Float = 0.05, offset: Float = 0.3,
                outlierDimensions: Int = 0, outlierScale: Float = 20, seed: UInt64) {
        var g = SplitMix64(seed: seed)
        var dirs = [Float](repeating: 0, count: atoms * width)
        for a in 0..<atoms {
            var n2: Float = 0
            for j in 0..<width { let v = Float(g.nextGaussian()); dirs[a * width + j] = v; n2 += v * v }
            let n = n2.squareRoot()
            for j in 0..<width { dirs[a * width + j] /= n }
        }
        let bias = (0..<width).map { _ in offset * Float(g.nextGaussian()) / Float(width).squareRoot() * 4 }
        var x = [Float](repeating: 0, count: rows * width)
        var chosen = [Int](repeating: 0, count: perRow)
        x.withUnsafeMutableBufferPointer { x in
            dirs.withUnsafeBufferPointer { d in
                for r in 0..<rows {
                    let row = x.baseAddress! + r * width
                    var c = 0
                    while c < perRow {
                        let a = g.nextInt(below: atoms)
                        if !chosen[0..<c].contains(a) { chosen[c] = a; c += 1 }
                    }
                    for a in chosen.sorted() {
                        let coefficient = 0.5 + 1.5 * Float(g.nextUnit())
                        for j in 0..<width { row[j] = row[j].addingProduct(coefficient, d[a * width + j]) }
                    }
                    for j in 0..<width { row[j] += noise * Float(g.nextGaussian()) + bias[j] }
                    for j in 0..<min(outlierDimensions, width) { row[j] += outlierScale * (1 + 0.1 * Float(g.nextGaussian())) }
                }
            }
        }
        self.rows = rows
        self.width = width
        data = x
        directions = dirs
    }
}

public enum SAEBenchmark {
    /// One training run's figures.
    public struct Training: Sendable, CustomStringConvertible {
        public var rows: Int, width: Int, latents: Int, k: Int, batchSize: Int, threads: Int
        public var steps: Int
        public var seconds: Double
        public var activationsPerSecond: Double
        /// On 10% of extra rows from the same distribution, not trained on.
        public var heldOut: SAEEvaluation

        public var description: String {
            String(format: "train %d×%d → %d latents, k %d, batch %d, %d threads: %d steps in %.1f s, %.0f activations/s; held-out EV %.4f, L0 %.1f, dead %.4f",
                   rows, width, latents, k, batchSize, threads, steps, seconds, activationsPerSecond,
                   heldOut.explainedVariance, heldOut.meanL0, heldOut.deadFraction)
        }
    }

    /// Trains a TopK SAE for one epoch on synthetic rows and reports the throughput.
    ///
    /// ```swift
    /// print(try SAEBenchmark.training(rows: 200_000, width: 576, latents: 4096, k: 32, threads: 2))
    /// ```
    public static func training(rows: Int = 200_000, width: Int = 576, latents: Int = 4096, k: Int = 32,
                                batchSize: Int = 4096, threads: Int = 2, seed: UInt64 = 0,
                                progress: ((SAETrainingProgress) -> Void)? = nil) throws -> Training {
        let heldOutRows = max(1, rows / 10)
        let synthetic = SyntheticActivations(rows: rows + heldOutRows, width: width, atoms: 2 * latents, perRow: 16, seed: seed)
        var config = SAETrainingConfig(latents: latents, architecture: .topK(k: k))
        config.batchSize = batchSize
        config.seed = seed
        config.progressEvery = 10
        let pool = ThreadPool(threads: threads)
        return try synthetic.data.withUnsafeBufferPointer { buf in
            let all = try MatrixView(buf, rows: rows + heldOutRows, cols: width)
            let result = try SAETrainer(config).train(try all.rows(0..<rows), pool: pool, progress: progress)
            let eval = try result.sae.evaluate(try all.rows(rows..<(rows + heldOutRows)), pool: pool)
            return Training(rows: rows, width: width, latents: latents, k: k, batchSize: batchSize, threads: threads,
                            steps: result.steps, seconds: result.seconds, activationsPerSecond: result.activationsPerSecond,
                            heldOut: eval)
        }
    }

    /// Microseconds per `selectTopK` of k out of n normal values (the TopK activation's cost).
    public static func selection(n: Int = 4096, k: Int = 32, rows: Int = 2000, seed: UInt64 = 3) -> Double {
        var g = SplitMix64(seed: seed)
        let values = (0..<(n * rows)).map { _ in Float(g.nextGaussian()) }
        var out = [Int32](repeating: 0, count: k), hv = [Float](repeating: 0, count: k), hi = [Int32](repeating: 0, count: k)
        let start = ContinuousClock.now
        var check = 0
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    check &+= selectTopK(v.baseAddress! + r * n, count: n, k: k, into: o.baseAddress!, scratchValues: &hv, scratchIndices: &hi)
                }
            }
        }
        precondition(check == rows * k)
        return (ContinuousClock.now - start).seconds / Double(rows) * 1e6
    }

    /// Microseconds per single-row encode (one token, one thread, as a detector runs it) with the
    /// F32 encoder and with the Q8_0 encoder, over `rows` rows of x. With `evictBytes` > 0 a
    /// buffer of that size is read between tokens, as the model's own weights are during
    /// generation, so the encoder comes from memory instead of the cache (the eviction itself is
    /// not timed).
    public static func tokenEncode(_ sae: SparseAutoencoder, on x: MatrixView, rows: Int = 200,
                                   evictBytes: Int = 0) throws -> (f32: Double, q8_0: Double) {
        let q8 = try QuantizedSAEEncoder(sae)
        let n = min(rows, x.rows)
        let evict = [Float](repeating: 1, count: evictBytes / 4)
        var sink: Float = 0
        func time(_ encode: (UnsafeBufferPointer<Float>) throws -> SparseCode) rethrows -> Double {
            var total: Double = 0
            for r in 0..<n {
                if !evict.isEmpty { evict.withUnsafeBufferPointer { e in for j in stride(from: 0, to: e.count, by: 16) { sink += e[j] } } }
                let start = ContinuousClock.now
                sink += Float(try encode(UnsafeBufferPointer(start: x.row(r), count: x.cols)).count)
                total += (ContinuousClock.now - start).seconds
            }
            return total / Double(n) * 1e6
        }
        let f32 = try time { try sae.encode($0) }
        let q = try time { try q8.encode($0) }
        precondition(sink.isFinite)
        return (f32, q)
    }
}
