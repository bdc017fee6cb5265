import XCTest
import Kernels
@testable import SAE

final class TrainingTests: XCTestCase {
    /// Data from 96 known directions in 48 dimensions, 3 per row; a TopK SAE with as many latents
    /// and k = 3 should find them.
    func testSyntheticDictionaryRecovery() throws {
        let data = SyntheticActivations(rows: 24_000, width: 48, atoms: 96, perRow: 3, noise: 0.01, offset: 0.5, seed: 7)
        var config = SAETrainingConfig(latents: 96, architecture: .topK(k: 3))
        config.batchSize = 256
        config.epochs = 16
        config.learningRate = 4e-3
        config.deadAfterTokens = 5_000
        config.progressEvery = 250
        let pool = ThreadPool(threads: 2)
        var reports: [SAETrainingProgress] = []
        let result = try withMatrixView(Array(data.data[0..<(20_000 * 48)]), cols: 48) {
            try SAETrainer(config).train($0, pool: pool) { reports.append($0) }
        }
        let sae = result.sae
        let eval = try withMatrixView(Array(data.data[(20_000 * 48)...]), cols: 48) { try sae.evaluate($0, pool: pool) }
        print("recovery: \(eval); \(Int(result.activationsPerSecond)) act/s; last \(reports.last!)")
        XCTAssertGreaterThan(eval.explainedVariance, 0.9)
        XCTAssertLessThanOrEqual(eval.meanL0, 3)

        // Decoder rows stay unit norm.
        for i in 0..<sae.latents {
            let n = sae.wDec[(i * 48)..<((i + 1) * 48)].reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertEqual(n, 1, accuracy: 1e-5)
        }
        // Most learned rows match a true direction (and most true directions are found).
        var matchedRows = 0
        var found = Set<Int>()
        for i in 0..<sae.latents {
            let row = sae.wDec[(i * 48)..<((i + 1) * 48)]
            let cos = (0..<96).map { cosine(row, data.direction($0)) }
            let best = cos.indices.max { cos[$0] < cos[$1] }!
            if cos[best] > 0.9 { matchedRows += 1; found.insert(best) }
        }
        print("recovery: \(matchedRows)/\(sae.latents) decoder rows with cosine > 0.9; \(found.count)/96 directions found")
        XCTAssertGreaterThanOrEqual(Double(matchedRows) / Double(sae.latents), 0.8)
        XCTAssertGreaterThanOrEqual(Double(found.count) / 96, 0.8)
        XCTAssertEqual(sae.metadata.extra["training"].map { _ in true }, true)
    }

    /// Same data and seed ⇒ the same bytes, on one thread or two, for every architecture.
    func testDeterministicAcrossThreadCounts() throws {
        let data = SyntheticActivations(rows: 1_200, width: 40, atoms: 30, perRow: 3, offset: 0.3, seed: 3)
        for arch in [SAEArchitecture.topK(k: 4), .relu, .jumpReLU] {
            var config = SAETrainingConfig(latents: 70, architecture: arch)
            config.batchSize = 150     // 3 tiles of 64 rows, the last one partial
            config.epochs = 3
            config.deadAfterTokens = 300   // AuxK runs
            config.l1Coefficient = 0.05
            config.l0Coefficient = 0.01
            let run: (Int) throws -> SparseAutoencoder = { threads in
                try withMatrixView(data.data, cols: 40) { try SAETrainer(config).train($0, pool: ThreadPool(threads: threads)).sae }
            }
            let one = try run(1), two = try run(2), three = try run(3)
            for other in [two, three] {
                XCTAssertEqual(bits(one.wEncT), bits(other.wEncT), "\(arch)")
                XCTAssertEqual(bits(one.wDec), bits(other.wDec), "\(arch)")
                XCTAssertEqual(bits(one.bEnc), bits(other.bEnc), "\(arch)")
                XCTAssertEqual(bits(one.bDec), bits(other.bDec), "\(arch)")
                XCTAssertEqual(one.threshold.map(bits), other.threshold.map(bits), "\(arch)")
                XCTAssertEqual(one.normalization, other.normalization)
            }
            // A different seed gives different weights.
            config.seed = 1
            let reseeded = try withMatrixView(data.data, cols: 40) { try SAETrainer(config).train($0, pool: ThreadPool(threads: 1)).sae }
            XCTAssertNotEqual(bits(one.wDec), bits(reseeded.wDec))
        }
    }

    func testReLUAndJumpReLUTrain() throws {
        let data = SyntheticActivations(rows: 6_000, width: 32, atoms: 48, perRow: 3, noise: 0.01, seed: 5)
        let pool = ThreadPool(threads: 2)
        for arch in [SAEArchitecture.relu, .jumpReLU] {
            var config = SAETrainingConfig(latents: 96, architecture: arch)
            config.batchSize = 200
            config.epochs = 6
            config.learningRate = 3e-3
            config.l1Coefficient = 0.3
            config.l0Coefficient = 0.1
            config.sparsityWarmupSteps = 30
            var reports: [SAETrainingProgress] = []
            config.progressEvery = 30
            let sae = try withMatrixView(data.data, cols: 32) { try SAETrainer(config).train($0, pool: pool) { reports.append($0) } }.sae
            let eval = try withMatrixView(data.data, cols: 32) { try sae.evaluate($0, pool: pool) }
            print("\(arch): \(eval); first \(reports.first!); last \(reports.last!)")
            XCTAssertGreaterThan(eval.explainedVariance, 0.8, "\(arch)")
            XCTAssertLessThan(eval.meanL0, 40, "\(arch)")
            XCTAssertLessThan(reports.last!.mse, reports.first!.mse)
            if arch == .jumpReLU { XCTAssertTrue(sae.threshold!.allSatisfy { $0 >= 0 }) }
        }
    }

    func testConfigurationErrors() throws {
        let x = [Float](repeating: 1, count: 10 * 4)
        func expectInvalid(_ change: (inout SAETrainingConfig) -> Void) {
            var c = SAETrainingConfig(latents: 8, architecture: .topK(k: 2))
            c.batchSize = 5
            change(&c)
            XCTAssertThrowsError(try withMatrixView(x, cols: 4) { try SAETrainer(c).train($0, pool: ThreadPool(threads: 1)) }) {
                guard case SAEError.invalidConfiguration = $0 else { return XCTFail("\($0)") }
            }
        }
        expectInvalid { $0.architecture = .topK(k: 9) }
        expectInvalid { $0.batchSize = 11 }
        expectInvalid { $0.learningRate = -1 }
        expectInvalid { $0.beta2 = 1 }
        var nan = x
        nan[17] = .nan
        var small = SAETrainingConfig(latents: 8, architecture: .topK(k: 2))
        small.batchSize = 5
        XCTAssertThrowsError(try withMatrixView(nan, cols: 4) { try SAETrainer(small).train($0, pool: ThreadPool(threads: 1)) }) {
            XCTAssertEqual($0 as? SAEError, .nonFinite(what: "training row 4", index: 16))
        }
    }
}

final class SAEDataAdviceTests: XCTestCase {
    func testWarnsWhenRowsOrStepsAreTooFew() {
        XCTAssertNil(SAEDataAdvice.warning(rows: 50 * 4096, latents: 4096, steps: 2000))
        XCTAssertTrue(SAEDataAdvice.warning(rows: 10_000, latents: 4096, steps: 2000)?.contains("10000 rows for 4096 latents") == true)
        XCTAssertTrue(SAEDataAdvice.warning(rows: 50 * 4096, latents: 4096, steps: 3)?.contains("only 3 steps") == true)
    }
}
