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

    /// Q8_0 against F32 on realistic rows: SmolLM2's width (576), 4096 latents, k = 32; rows are
    /// sparse combinations of the SAE's own directions plus noise, an offset and four "massive"
    /// dimensions 20× the typical size (as residual streams have); b_dec is the data mean, as a
    /// trained SAE's would be. Stated tolerance: pre-activations within 1.5% (relative, Frobenius)
    /// and 2% of the largest activation (max), latents kept by both within 2% of the largest
    /// activation, under one latent of the 32 switched per row on average, and only latents
    /// near the cut (below 40% of the largest activation) ever switch.
    func testQ8EncoderIsCloseToF32OnRealisticRows() throws {
        let d = 576, l = 4096, n = 192
        let data = SyntheticActivations(rows: n, width: d, atoms: l, perRow: 16, noise: 0.05, offset: 0.3,
                                        outlierDimensions: 4, outlierScale: 20, seed: 12)
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += data.data[r * d + j] / Float(n) } }
        var g = NormalSampler(seed: 13)
        let enc = data.directions.map { $0 + 0.01 * g.next() }
        let sae = try SparseAutoencoder(architecture: .topK(k: 32), wEncT: enc, bEnc: [Float](repeating: -0.05, count: l),
                                        wDec: data.directions, bDec: mean)
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
}
