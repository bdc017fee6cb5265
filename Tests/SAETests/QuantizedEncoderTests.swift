import XCTest
import Kernels
@testable import SAE

final class QuantizedEncoderTests: XCTestCase {
    /// Our weight quantizer writes the same Q8_0 blocks as the Kernels' activation quantizer
    /// (the layout the integer dot product reads).
    func testReferenceQuantizerMatchesKernelsBlocks() {
        var g = NormalSampler(seed: 4)
        var x = (0..<(32 * 9)).map { _ in g.next() * 3 }
        for j in 64..<96 { x[j] = 0 }                   // an all-zero block: d = 0, q = 0
        x[100] = 1e-8; x[130] = -40                       // tiny and large values
        let ours = try! quantizeQ8_0Reference(x)
        var theirs = [UInt8](repeating: 0, count: 9 * 34)
        x.withUnsafeBufferPointer { xp in theirs.withUnsafeMutableBytes { quantizeRowQ8_0(xp.baseAddress!, $0.baseAddress!, count: 288) } }
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(ours.count, 9 * 34)
        // Dequantized, every weight is within half a step of the original.
        var back = [Float](repeating: 0, count: 288)
        ours.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { dequantizeRow(.q8_0, from: b.baseAddress!, into: $0.baseAddress!, count: 288) } }
        for b in 0..<9 {
            let amax = x[(b * 32)..<((b + 1) * 32)].map(abs).max()!
            for j in (b * 32)..<((b + 1) * 32) { XCTAssertLessThanOrEqual(abs(back[j] - x[j]), amax / 127 * 0.5 + amax * 1e-3) }
        }
    }

    /// The matmul path equals the scalar Q8_0 dot reference, bit for bit, batched or not.
    func testQ8PreActivationsMatchScalarReference() throws {
        let sae = try randomSAE(inputWidth: 96, latents: 70, architecture: .topK(k: 5), seed: 2,
                                normalization: .expectedAverageOnlyIn(scale: 0.8))
        let q8 = try QuantizedSAEEncoder(sae)
        XCTAssertEqual(q8.byteCount, 70 * 3 * 34)
        let x = NormalSampler(seed: 6).unitVectors(70, 96).map { $0 * 4 }
        let pool = ThreadPool(threads: 2)
        let batch = try withMatrixView(x, cols: 96) { try q8.preActivations($0, pool: pool) }
        let codes = try withMatrixView(x, cols: 96) { try q8.encodeBatch($0, pool: pool) }
        for r in 0..<70 {
            let row = Array(x[(r * 96)..<((r + 1) * 96)])
            var u = [Float](repeating: 0, count: 96)
            for j in 0..<96 { u[j] = row[j] * 0.8 - sae.bDec[j] }
            let rows = QuantizedRows(for: .q8_0, count: 96, capacity: 1)
            u.withUnsafeBufferPointer { rows.load($0.baseAddress!, tokens: 1) }
            let reference = (0..<70).map { i in dotReference(.q8_0, q8.weights.row(i), rows.row(0), n: 96) + sae.bEnc[i] }
            XCTAssertEqual(bits(Array(batch[(r * 70)..<((r + 1) * 70)])), bits(reference))
            XCTAssertEqual(bits(try q8.preActivations(row.withUnsafeBufferPointer { $0 })), bits(reference))
            XCTAssertEqual(codes.code(r), try sae.code(fromPreActivations: reference))
        }
        XCTAssertThrowsError(try QuantizedSAEEncoder(try randomSAE(inputWidth: 40, latents: 8, architecture: .relu, seed: 1)))
    }

    /// `n` rows of SmolLM2's width (576) and a TopK(32) SAE of 4096 latents close to their atoms
    /// (see the Q8_0 test below); returns the rows, the SAE and its W_encᵀ.
    func realisticRows(_ n: Int) throws -> (SyntheticActivations, SparseAutoencoder, [Float]) {
        let d = 576, l = 4096
        let data = SyntheticActivations(rows: n, width: d, atoms: l, perRow: 16, noise: 0.05, offset: 0.3,
                                        outlierDimensions: 4, outlierScale: 20, seed: 12)
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += data.data[r * d + j] / Float(n) } }
        var g = NormalSampler(seed: 13)
        let enc = data.directions.map { $0 + 0.01 * g.next() }
        let sae = try SparseAutoencoder(architecture: .topK(k: 32), wEncT: enc, bEnc: [Float](repeating: -0.05, count: l),
                                        wDec: data.directions, bDec: mean)
        return (data, sae, enc)
    }

    /// Q8_0 against F32 on realistic rows: SmolLM2's width (576), 4096 latents, k = 32; rows are
    /// sparse combinations of the SAE's own directions plus noise, an offset and four "massive"
    /// dimensions 20× the typical size (as residual streams have); b_dec is the data mean, as a
    /// trained SAE's would be. Stated tolerance: pre-activations within 1.5% (relative, Frobenius)
    /// and 2% of the largest activation (max), latents kept by both within 2% of the largest
    /// activation, under one latent of the 32 switched per row on average, and only latents
    /// near the cut (below 40% of the largest activation) ever switch.
    func testQ8EncoderIsCloseToF32OnRealisticRows() throws {
        let (data, sae, enc) = try realisticRows(192)
        let d = sae.inputWidth, l = sae.latents
        let q8 = try QuantizedSAEEncoder(sae)
        XCTAssertEqual(q8.byteCount, l * d / 32 * 34)   // 2.5 MB instead of 9.4 MB
        let report = try withMatrixView(data.data, cols: d) { try EncoderComparison.measure(q8, on: $0) }
        print("Q8_0 vs F32 encoder (D 576, L 4096, k 32, b_dec = mean): \(report)")
        XCTAssertLessThan(report.relativePreActivationError, 0.015)
        XCTAssertLessThan(report.maxAbsPreActivationError, 0.02 * report.maxActivation)
        XCTAssertLessThan(report.maxAbsSharedError, 0.02 * report.maxActivation)
        XCTAssertLessThan(report.maxSwitchedActivation, 0.4 * report.maxActivation)
        XCTAssertLessThan(report.meanSymmetricDifference, 1)
        XCTAssertGreaterThan(report.meanSetOverlap, 0.98)

        // Without b_dec removing the offset and the massive dimensions, the input blocks holding
        // them lose precision; reported, not asserted.
        let raw = try SparseAutoencoder(architecture: .topK(k: 32), wEncT: enc, bEnc: sae.bEnc, wDec: data.directions,
                                        bDec: [Float](repeating: 0, count: d))
        let rawReport = try withMatrixView(data.data, cols: d) { try EncoderComparison.measure(try QuantizedSAEEncoder(raw), on: $0) }
        print("Q8_0 vs F32 encoder (same, b_dec = 0, massive dimensions left in): \(rawReport)")
    }

    /// Q4_1 blocks from our quantizer dequantize (with Kernels' Q4_1 reader) to within half a
    /// step of every weight, plus the f16 rounding of the scale and minimum.
    func testQ4_1QuantizerRoundTrips() throws {
        var g = NormalSampler(seed: 5)
        var x = (0..<(32 * 7)).map { _ in g.next() * 2 + 0.5 }
        for j in 32..<64 { x[j] = 1.25 }                  // a constant block: d = 0, every weight is m
        x[70] = -30; x[71] = 25                            // one wide block
        let q = try quantizeQ4_1Reference(x)
        XCTAssertEqual(q.count, 7 * 20)
        var back = [Float](repeating: 0, count: x.count)
        q.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { dequantizeRow(.q4_1, from: b.baseAddress!, into: $0.baseAddress!, count: x.count) } }
        for b in 0..<7 {
            let block = x[(b * 32)..<((b + 1) * 32)]
            let step = (block.max()! - block.min()!) / 15
            let slack = step * 0.5 + (abs(block.min()!) + 15 * step) * 2e-3
            for j in block.indices { XCTAssertLessThanOrEqual(abs(back[j] - x[j]), slack, "weight \(j)") }
        }
        XCTAssertEqual(Array(back[32..<64]), [Float](repeating: 1.25, count: 32))
        XCTAssertThrowsError(try quantizeQ4_1Reference([Float](repeating: 0, count: 40)))
    }

    /// The Q4_1 matmul path equals the scalar Q4_1 × Q8_1 dot reference, bit for bit, for one
    /// row, a batch and a pool; the encoder stores 20 bytes per 32 weights.
    func testQ4_1PreActivationsMatchScalarReference() throws {
        let sae = try randomSAE(inputWidth: 64, latents: 300, architecture: .topK(k: 8), seed: 8)
        let q4 = try QuantizedSAEEncoder(sae, type: .q4_1)
        XCTAssertEqual(q4.type, .q4_1)
        XCTAssertEqual(q4.byteCount, 300 * 2 * 20)
        let x = NormalSampler(seed: 9).unitVectors(9, 64).map { $0 * 3 }
        let batch = try withMatrixView(x, cols: 64) { try q4.preActivations($0, pool: ThreadPool(threads: 2)) }
        for r in 0..<9 {
            let row = Array(x[(r * 64)..<((r + 1) * 64)])
            var u = [Float](repeating: 0, count: 64)
            for j in 0..<64 { u[j] = row[j] - sae.bDec[j] }
            let rows = QuantizedRows(for: .q4_1, count: 64, capacity: 1)
            u.withUnsafeBufferPointer { rows.load($0.baseAddress!, tokens: 1) }
            let reference = (0..<300).map { i in dotReference(.q4_1, q4.weights.row(i), rows.row(0), n: 64) + sae.bEnc[i] }
            XCTAssertEqual(bits(Array(batch[(r * 300)..<((r + 1) * 300)])), bits(reference))
            let pool = ThreadPool(threads: 2)
            XCTAssertEqual(bits(try q4.preActivations(row.withUnsafeBufferPointer { $0 }, pool: pool)), bits(reference))
            XCTAssertEqual(try q4.encode(row), try sae.code(fromPreActivations: reference))
        }
        XCTAssertThrowsError(try QuantizedSAEEncoder(sae, type: .q4_0)) {
            XCTAssertTrue("\($0)".contains("Q8_0 or Q4_1"), "\($0)")
        }
    }

    /// Q4_1 against F32 on the realistic rows of the Q8_0 test: coarser, and stated so. A Q4_1
    /// step is about 8.5 times a Q8_0 step (range / 15 against max / 127), so the tolerance is
    /// that many times Q8_0's: pre-activations within 12% (relative), most of the active set kept
    /// (overlap > 0.85), only latents near the cut switching. The report prints beside Q8_0's.
    func testQ4_1EncoderErrorOnRealisticRows() throws {
        let (data, sae, _) = try realisticRows(96)
        let d = sae.inputWidth, l = sae.latents
        let q4 = try QuantizedSAEEncoder(sae, type: .q4_1)
        XCTAssertEqual(q4.byteCount, l * d / 32 * 20)
        let report = try withMatrixView(data.data, cols: d) { try EncoderComparison.measure(q4, on: $0) }
        print("Q4_1 vs F32 encoder (D 576, L 4096, k 32, b_dec = mean): \(report)")
        XCTAssertLessThan(report.relativePreActivationError, 0.12)
        XCTAssertLessThan(report.maxSwitchedActivation, 0.5 * report.maxActivation)
        XCTAssertGreaterThan(report.meanSetOverlap, 0.85)

        // Several encoders at once (F32 computed once per row): the same reports as one at a time.
        let q8 = try QuantizedSAEEncoder(sae)
        let both = try withMatrixView(data.data, cols: d) { try EncoderComparison.measure([q8, q4], on: $0) }
        XCTAssertEqual(both, [try withMatrixView(data.data, cols: d) { try EncoderComparison.measure(q8, on: $0) }, report])
        let other = try QuantizedSAEEncoder(try randomSAE(inputWidth: d, latents: 64, architecture: .relu, seed: 3))
        XCTAssertThrowsError(try withMatrixView(data.data, cols: d) { try EncoderComparison.measure([q4, other], on: $0) })
    }
}
