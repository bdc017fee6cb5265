import XCTest
import Kernels
@testable import SAE

final class EncodeTests: XCTestCase {
    /// D = 2, L = 3, worked by hand:
    ///   u = x − b_dec = [1.5, 2] − [0.5, 0] = [1, 2]
    ///   pre = [1·1 + 0·2 + 0, 0·1 + 1·2 − 1, 1·1 + 1·2 + 0.5] = [1, 1, 3.5]
    func tiny(_ architecture: SAEArchitecture, threshold: [Float]? = nil,
              normalization: InputNormalization = .none) throws -> SparseAutoencoder {
        try SparseAutoencoder(architecture: architecture, wEncT: [1, 0, 0, 1, 1, 1], bEnc: [0, -1, 0.5],
                              wDec: [1, 0, 0, 1, 0.5, 0.5], bDec: [0.5, 0], threshold: threshold,
                              normalization: normalization)
    }

    func testHandComputedTinyExample() throws {
        let x: [Float] = [1.5, 2]
        let relu = try tiny(.relu)
        XCTAssertEqual(try relu.preActivations(x.withUnsafeBufferPointer { $0 }), [1, 1, 3.5])
        XCTAssertEqual(try relu.encodeDense(x), [1, 1, 3.5])
        // x̂ = 1·[1,0] + 1·[0,1] + 3.5·[0.5,0.5] + [0.5,0] = [3.25, 2.75]
        XCTAssertEqual(try relu.reconstruct(x), [3.25, 2.75])

        // TopK(2): 3.5 first; 1 and 1 tie, the lower index (0) wins.
        let top = try tiny(.topK(k: 2))
        XCTAssertEqual(try top.encode(x), SparseCode(indices: [0, 2], values: [1, 3.5]))
        XCTAssertEqual(try top.reconstruct(x), [1 + 1.75 + 0.5, 1.75])

        // JumpReLU: pre > max(θ, 0) → [1 > 1.5, 1 > 0.5, 3.5 > 0] = [no, yes, yes]
        let jump = try tiny(.jumpReLU, threshold: [1.5, 0.5, -2])
        XCTAssertEqual(try jump.encodeDense(x), [0, 1, 3.5])

        // Normalisation s = 2: u = [3, 4] − [0.5, 0] = [2.5, 4], pre = [2.5, 3, 7],
        // x̂ = ([2.5 + 3.5, 3 + 3.5] + [0.5, 0]) · 0.5 = [3.25, 3.25]
        let scaled = try tiny(.relu, normalization: .expectedAverageOnlyIn(scale: 2))
        XCTAssertEqual(try scaled.encodeDense(x), [2.5, 3, 7])
        XCTAssertEqual(try scaled.reconstruct(x), [3.25, 3.25])

        // Without apply_b_dec_to_input: u = x.
        let raw = try SparseAutoencoder(architecture: .relu, wEncT: [1, 0, 0, 1, 1, 1], bEnc: [0, -1, 0.5],
                                        wDec: [1, 0, 0, 1, 0.5, 0.5], bDec: [0.5, 0], applyBDecToInput: false)
        XCTAssertEqual(try raw.encodeDense(x), [1.5, 1, 4])
    }

    func testShapes() throws {
        let sae = try randomSAE(inputWidth: 48, latents: 200, architecture: .topK(k: 7), seed: 1)
        XCTAssertEqual(sae.wEnc.count, 48 * 200)
        XCTAssertEqual(sae.wEnc[3 * 200 + 5], sae.wEncT[5 * 48 + 3])   // W_enc [D, L] is W_encᵀ transposed
        let x = NormalSampler(seed: 2).unitVectors(1, 48)
        let code = try sae.encode(x)
        XCTAssertLessThanOrEqual(code.count, 7)
        XCTAssertEqual(code.indices, code.indices.sorted())
        XCTAssertEqual(try sae.decode(code).count, 48)
        XCTAssertThrowsError(try sae.decode(SparseCode(indices: [200], values: [1])))
        XCTAssertThrowsError(try sae.decode(dense: [1, 2]))
        XCTAssertEqual(try sae.encodeDense(x).count, 200)
        XCTAssertThrowsError(try sae.encode([Float](repeating: 0, count: 47))) {
            XCTAssertEqual($0 as? SAEError, .shapeMismatch(what: "input row", expected: [48], found: [47]))
        }
    }

    func testTopKTiesLowerIndexWinsAndExactlyKActive() throws {
        // All pre-activations equal: the k lowest indices win.
        let d = 4, l = 10
        let enc = [Float](repeating: 0.25, count: l * d)
        let sae = try SparseAutoencoder(architecture: .topK(k: 3), wEncT: enc, bEnc: [Float](repeating: 0, count: l),
                                        wDec: enc, bDec: [Float](repeating: 0, count: d))
        XCTAssertEqual(try sae.encode([1, 1, 1, 1]).indices, [0, 1, 2])
        // Ties in the middle of the order: values 5, 7, 7, 7, 2 → top 3 = {1, 2, 3}; top 2 = {1, 2}.
        let pre: [Float] = [5, 7, 7, 7, 2, 7, 1, 0, -1, 6]
        XCTAssertEqual(selectTopKReference(pre, k: 2), [1, 2])
        XCTAssertEqual(selectTopKReference(pre, k: 5), [1, 2, 3, 5, 9])
        var out = [Int32](repeating: 0, count: 5), hv = [Float](repeating: 0, count: 5), hi = [Int32](repeating: 0, count: 5)
        for k in 1...5 {
            let n = selectTopK(pre, count: pre.count, k: k, into: &out, scratchValues: &hv, scratchIndices: &hi)
            XCTAssertEqual(out[0..<n].map(Int.init), selectTopKReference(pre, k: k), "k = \(k)")
        }
        // Random rows with positive pre-activations: exactly k active, and the selection agrees
        // with sorting on rows full of ties (values rounded to a few levels).
        var g = NormalSampler(seed: 3)
        for trial in 0..<200 {
            let values = (0..<300).map { _ in (g.next() * 2).rounded() }
            let k = 1 + trial % 40
            var o = [Int32](repeating: 0, count: k), v = [Float](repeating: 0, count: k), i = [Int32](repeating: 0, count: k)
            let n = selectTopK(values, count: values.count, k: k, into: &o, scratchValues: &v, scratchIndices: &i)
            XCTAssertEqual(n, k)
            XCTAssertEqual(o.map(Int.init), selectTopKReference(values, k: k))
        }
        // Long rows take the bounded path; ties, NaNs and −∞ included.
        for trial in 0..<60 {
            var values = (0..<4096).map { _ in (g.next() * 3).rounded() }
            if trial % 5 == 0 { for j in stride(from: trial, to: 4096, by: 97) { values[j] = .nan } }
            if trial % 7 == 0 { for j in 0..<4096 where j % 3 != 0 { values[j] = -.infinity } }
            let k = [1, 8, 32, 64, 100][trial % 5]
            var o = [Int32](repeating: 0, count: k), v = [Float](repeating: 0, count: k), i = [Int32](repeating: 0, count: k)
            let n = selectTopK(values, count: values.count, k: k, into: &o, scratchValues: &v, scratchIndices: &i)
            XCTAssertEqual(n, k)
            XCTAssertEqual(o.map(Int.init), selectTopKReference(values, k: k), "trial \(trial)")
        }
        let positive = try randomSAE(inputWidth: 32, latents: 128, architecture: .topK(k: 16), seed: 4)
        let biased = try SparseAutoencoder(architecture: .topK(k: 16), wEncT: positive.wEncT,
                                           bEnc: [Float](repeating: 100, count: 128), wDec: positive.wDec, bDec: positive.bDec)
        for r in 0..<20 { XCTAssertEqual(try biased.encode(NormalSampler(seed: UInt64(r)).unitVectors(1, 32)).count, 16) }
    }

    /// The fast paths (tiled batch, per-row SIMD, threads) give the scalar reference's bits.
    func testFastEncodeMatchesReferenceBitForBit() throws {
        let pool = ThreadPool(threads: 2)
        for (d, l, arch) in [(64, 96, SAEArchitecture.topK(k: 8)), (37, 50, .relu), (576, 130, .jumpReLU), (20, 33, .topK(k: 33))] {
            let sae = try randomSAE(inputWidth: d, latents: l, architecture: arch, seed: UInt64(d),
                                    normalization: .expectedAverageOnlyIn(scale: 1.7))
            let n = 131   // not a multiple of the 64-row tile or of 2
            let x = NormalSampler(seed: 9).unitVectors(n, d).map { $0 * 5 }
            let batch = try withMatrixView(x, cols: d) { try sae.encodeBatch($0, pool: pool) }
            let batch1 = try withMatrixView(x, cols: d) { try sae.encodeBatch($0) }
            XCTAssertEqual(batch, batch1)
            XCTAssertEqual(batch.rows, n)
            for r in 0..<n {
                let row = Array(x[(r * d)..<((r + 1) * d)])
                let reference = sae.encodeReference(row)
                XCTAssertEqual(bits(try sae.encodeDense(row)), bits(reference), "\(arch) row \(r)")
                XCTAssertEqual(bits(try sae.encodeDense(row, pool: pool)), bits(reference))
                XCTAssertEqual(bits(try batch.code(r).dense(latents: l)), bits(reference))
                XCTAssertEqual(bits(try sae.decode(batch.code(r))), bits(try sae.decodeReference(reference)))
            }
        }
    }

    func testTiledDotMatchesDotF32() {
        var g = NormalSampler(seed: 11)
        for (rows, lat, n) in [(5, 9, 576), (2, 2, 17), (1, 3, 15), (64, 17, 33)] {
            let w = (0..<(lat * n)).map { _ in g.next() }, x = (0..<(rows * n)).map { _ in g.next() }
            var out = [Float](repeating: .nan, count: rows * lat)
            dotTile(w, latents: 0..<lat, x, rows: rows, n: n, into: &out, outStride: lat)
            for t in 0..<rows {
                for i in 0..<lat {
                    let f = w.withUnsafeBufferPointer { w in x.withUnsafeBufferPointer { x in dotF32(w.baseAddress! + i * n, x.baseAddress! + t * n, n: n) } }
                    let r = w.withUnsafeBufferPointer { w in x.withUnsafeBufferPointer { x in dotReference(w.baseAddress! + i * n, x.baseAddress! + t * n, n: n) } }
                    XCTAssertEqual(out[t * lat + i].bitPattern, f.bitPattern)
                    XCTAssertEqual(f.bitPattern, r.bitPattern)
                }
            }
        }
    }

    func testCodesRejectMalformedRows() throws {
        var codes = SparseCodes(latents: 10)
        try codes.append(SparseCode(indices: [1, 4], values: [0.5, 2]))
        for bad in [SparseCode(indices: [4, 1], values: [1, 1]), SparseCode(indices: [10], values: [1]),
                    SparseCode(indices: [-1], values: [1]), SparseCode(indices: [2], values: [0]),
                    SparseCode(indices: [2, 3], values: [1])] {
            XCTAssertThrowsError(try codes.append(bad), "\(bad)")
        }
        XCTAssertThrowsError(try codes.append(contentsOf: SparseCodes(latents: 11)))
        XCTAssertEqual(codes.rows, 1)
        XCTAssertEqual(codes.column(4), [2])
        XCTAssertThrowsError(try SparseCode(indices: [12], values: [1]).dense(latents: 10))
    }

    func testInvalidWeightsAreTypedErrors() {
        XCTAssertThrowsError(try SparseAutoencoder(architecture: .topK(k: 4), wEncT: [1, 2], bEnc: [0, 0], wDec: [1, 2], bDec: [0])) {
            XCTAssertEqual($0 as? SAEError, .invalidConfiguration("k = 4 must be in 1...2 (d_sae)"))
        }
        XCTAssertThrowsError(try SparseAutoencoder(architecture: .relu, wEncT: [1, .nan], bEnc: [0, 0], wDec: [1, 2], bDec: [0])) {
            XCTAssertEqual($0 as? SAEError, .nonFinite(what: "W_enc", index: 1))
        }
        XCTAssertThrowsError(try SparseAutoencoder(architecture: .jumpReLU, wEncT: [1, 2], bEnc: [0, 0], wDec: [1, 2], bDec: [0]))
        XCTAssertThrowsError(try SparseAutoencoder(architecture: .relu, wEncT: [1, 2, 3], bEnc: [0, 0], wDec: [1, 2], bDec: [0]))
        XCTAssertThrowsError(try SparseAutoencoder(architecture: .relu, wEncT: [1, 2], bEnc: [0, 0], wDec: [1, 2], bDec: [0],
                                                   normalization: .expectedAverageOnlyIn(scale: 0)))
    }
}
