// `overseer sae bench`: SAE training and encoding speed on synthetic activations — measurements,
// not tests (they used to be opt-in test cases). Nothing here asserts; it prints what it timed.

import ArgumentParser
import Foundation
import Kernels
import SAE

extension SAECommand {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time SAE training, one-token encoding and batch encoding on synthetic activations.")
        @Option(help: "Synthetic training rows (width 576, like SmolLM2's residual stream).") var rows = 200_000
        @Option(help: "Latents.") var latents = 4096
        @Option(help: "Active latents per row (TopK).") var k = 32
        @OptionGroup var threads: ThreadsOption

        func validate() throws {
            guard rows >= 4096 else { throw ValidationError("--rows must be at least 4096 (one batch)") }
            guard latents >= 1, latents <= 1 << 20 else { throw ValidationError("--latents must be in 1...1048576") }
            guard k >= 1, k <= latents else { throw ValidationError("--k must be in 1...latents") }
        }

        func run() throws {
            let training = try SAEBenchmark.training(rows: rows, width: 576, latents: latents, k: k, threads: threads.threads) { p in
                if p.step % 10 == 0 { log("  \(p)") }
            }
            print("training: \(training)")

            let data = SyntheticActivations(rows: 8192, width: 576, atoms: 8192, perRow: 16, seed: 1)
            var config = SAETrainingConfig(latents: latents, architecture: .topK(k: k))
            config.batchSize = 4096
            config.maxSteps = 1
            let pool = ThreadPool(threads: threads.threads)
            let sae = try withMatrixView(data.data, cols: 576) { try SAETrainer(config).train($0, pool: pool).sae }
            let warm = try withMatrixView(data.data, cols: 576) { try SAEBenchmark.tokenEncode(sae, on: $0) }
            let cold = try withMatrixView(data.data, cols: 576) {
                try SAEBenchmark.tokenEncode(sae, on: $0, rows: 100, evictBytes: 96 << 20)
            }
            print(String(format: "one-token encode, 576 → %d: warm cache F32 %.0f µs, Q8_0 %.0f µs; after reading 96 MB F32 %.0f µs, Q8_0 %.0f µs",
                         latents, warm.f32, warm.q8_0, cold.f32, cold.q8_0))
            for t in Set([1, threads.threads]).sorted() {
                let p = ThreadPool(threads: t)
                let start = ContinuousClock.now
                let codes = try withMatrixView(data.data, cols: 576) { try sae.encodeBatch($0, pool: p) }
                let s = (ContinuousClock.now - start).seconds
                print(String(format: "encodeBatch %d rows, %d threads: %.0f rows/s (%.1f GFLOP/s), L0 %.1f", codes.rows, t,
                             Double(codes.rows) / s, Double(codes.rows) * 2 * Double(latents) * 576 / s / 1e9, codes.meanL0))
            }
            print(String(format: "selectTopK(%d, %d): %.2f µs per row", latents, k, SAEBenchmark.selection(n: latents, k: k)))
        }
    }
}
