import XCTest
import Foundation
import Kernels
@testable import SAE

/// Measurements, not checks: skipped unless OVERSEER_SAE_BENCH is set (to the number of
/// training rows, default 200000). `OVERSEER_SAE_BENCH=200000 swift test --filter SAETests.BenchmarkTests`
final class BenchmarkTests: XCTestCase {
    func testTrainingThroughput() throws {
        guard let setting = ProcessInfo.processInfo.environment["OVERSEER_SAE_BENCH"] else {
            throw XCTSkip("set OVERSEER_SAE_BENCH=<rows> to measure training throughput")
        }
        let rows = Int(setting) ?? 200_000
        let threads = Int(ProcessInfo.processInfo.environment["OVERSEER_SAE_BENCH_THREADS"] ?? "") ?? 2
        let m = try SAEBenchmark.training(rows: rows, width: 576, latents: 4096, k: 32, threads: threads) { p in
            if p.step % 10 == 0 { print(p) }
        }
        print("SAE bench: \(m)")
    }
}

extension BenchmarkTests {
    func testEncodeThroughput() throws {
        guard ProcessInfo.processInfo.environment["OVERSEER_SAE_BENCH"] != nil else { throw XCTSkip("set OVERSEER_SAE_BENCH") }
        let data = SyntheticActivations(rows: 8192, width: 576, atoms: 8192, perRow: 16, seed: 1)
        var config = SAETrainingConfig(latents: 4096, architecture: .topK(k: 32))
        config.batchSize = 4096
        config.maxSteps = 1
        let pool = Kernels.ThreadPool(threads: 2)
        let sae = try withMatrixView(data.data, cols: 576) { try SAETrainer(config).train($0, pool: pool).sae }
        let warm = try withMatrixView(data.data, cols: 576) { try SAEBenchmark.tokenEncode(sae, on: $0) }
        let cold = try withMatrixView(data.data, cols: 576) { try SAEBenchmark.tokenEncode(sae, on: $0, rows: 100, evictBytes: 96 << 20) }
        print(String(format: "SAE bench: one-token encode, 576 → 4096: warm cache F32 %.0f µs, Q8_0 %.0f µs; after reading 96 MB F32 %.0f µs, Q8_0 %.0f µs",
                     warm.f32, warm.q8_0, cold.f32, cold.q8_0))
        for threads in [1, 2] {
            let p = Kernels.ThreadPool(threads: threads)
            let start = ContinuousClock.now
            let codes = try withMatrixView(data.data, cols: 576) { try sae.encodeBatch($0, pool: p) }
            let s = (ContinuousClock.now - start).seconds
            print(String(format: "SAE bench: encodeBatch %d rows, %d threads: %.0f rows/s (%.1f GFLOP/s), L0 %.1f",
                         codes.rows, threads, Double(codes.rows) / s, Double(codes.rows) * 2 * 4096 * 576 / s / 1e9, codes.meanL0))
        }
    }
}

extension BenchmarkTests {
    func testSelectionSpeed() throws {
        guard ProcessInfo.processInfo.environment["OVERSEER_SAE_BENCH"] != nil else { throw XCTSkip("set OVERSEER_SAE_BENCH") }
        print(String(format: "SAE bench: selectTopK(4096, 32): %.2f µs per row", SAEBenchmark.selection()))
    }
}
