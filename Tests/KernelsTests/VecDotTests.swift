// Every fast path against the scalar reference, to the bit, on random data: `dot` and `dot4`
// against `dotReference`, and the threaded `matmul` (one product or a fused group) against
// `matmulReference`, for every weight type, odd row counts, several token counts (tiles of four
// and remainders) and 1, 2 and 3 threads.
import TestSupport
import XCTest
@testable import Kernels

final class VecDotTests: XCTestCase {
    /// Types with an integer kernel plus float and dequantized paths.
    static let types: [TensorType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q6_K, .q5_K, .q2_K, .q3_K, .f16, .bf16, .f32]

    typealias Rng = SeededGenerator

    /// Offsets of the f16 scale fields in a block, which must hold finite values.
    static func halfFields(_ type: TensorType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q6_K: return [208]
        case .q2_K: return [80, 82]
        case .q3_K: return [108]
        default: return []
        }
    }

    /// `rows` random weight rows of `n` elements: random quants (all byte values, so Q8_0 sees
    /// -128), random finite scales, some negative.
    static func randomWeights(_ type: TensorType, rows: Int, n: Int, rng: inout Rng) -> [UInt8] {
        let rowBytes = type.rowBytes(n)!
        var bytes = [UInt8](repeating: 0, count: rows * rowBytes)
        switch type {
        case .f32:
            for i in 0..<(rows * n) {
                let v = (rng.uniform() - 0.5) * 2
                withUnsafeBytes(of: v.bitPattern.littleEndian) { for k in 0..<4 { bytes[4 * i + k] = $0[k] } }
            }
        case .f16, .bf16:
            for i in 0..<(rows * n) {
                let v = (rng.uniform() - 0.5) * 2
                let bits = type == .f16 ? Float16(v).bitPattern : UInt16(v.bitPattern >> 16)
                bytes[2 * i] = UInt8(bits & 0xFF)
                bytes[2 * i + 1] = UInt8(bits >> 8)
            }
        default:
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
            let blocks = rows * n / type.blockSize
            for b in 0..<blocks {
                for f in halfFields(type) {
                    var v = 0.001 + rng.uniform() * 0.05
                    if f == 2 && (type == .q4_1 || type == .q5_1) && rng.next() % 2 == 0 { v = -v }
                    let bits = Float16(v).bitPattern
                    bytes[b * type.bytesPerBlock + f] = UInt8(bits & 0xFF)
                    bytes[b * type.bytesPerBlock + f + 1] = UInt8(bits >> 8)
                }
            }
        }
        return bytes
    }

    /// Random activations [tokens, n]; one block of token 0 is all zeros (scale 0), one value is
    /// much larger than the rest (so a block saturates at ±127).
    static func randomActivations(tokens: Int, n: Int, rng: inout Rng) -> [Float] {
        var x = (0..<(tokens * n)).map { _ in (rng.uniform() - 0.5) * 4 }
        for i in 0..<min(32, n) { x[i] = 0 }
        if n > 40 { x[40] = 50 }
        return x
    }

    func withWeights<R>(_ type: TensorType, rows: Int, n: Int, seed: UInt64,
                        _ body: (TensorView) throws -> R) rethrows -> R {
        var rng = Rng(seed: seed)
        let bytes = Self.randomWeights(type, rows: rows, n: n, rng: &rng)
        return try bytes.withUnsafeBytes { raw in
            try body(TensorView(name: "w", type: type, shape: [n, rows], data: raw.baseAddress!, byteCount: raw.count))
        }
    }

    func quantized(_ type: TensorType, tokens: Int, n: Int, seed: UInt64) -> QuantizedRows {
        var rng = Rng(seed: seed ^ 0xABCD)
        let x = Self.randomActivations(tokens: tokens, n: n, rng: &rng)
        let rows = QuantizedRows(for: type, count: n, capacity: tokens)
        x.withUnsafeBufferPointer { rows.load($0.baseAddress!, tokens: tokens) }
        return rows
    }

    static func rowLengths(_ type: TensorType) -> [Int] {
        type.blockSize == 256 ? [256, 768, 2304, 2560] : [32, 96, 256, 288, 576, 1536]
    }

    func assertSameBits(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let bad = zip(a, b).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
        if let first = bad.first {
            XCTFail("\(message): \(bad.count) of \(a.count) differ; first at \(first.offset): "
                    + "\(first.element.0) vs \(first.element.1)", file: file, line: line)
        }
    }

    func testDotMatchesReference() {
        for type in Self.types {
            for n in Self.rowLengths(type) {
                withWeights(type, rows: 5, n: n, seed: UInt64(n) &* 31 &+ UInt64(type.rawValue)) { w in
                    let x = quantized(type, tokens: 4, n: n, seed: UInt64(n))
                    var fast: [Float] = [], fast4: [Float] = [], reference: [Float] = []
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
                        for r in 0..<w.rows {
                            for t in 0..<4 {
                                fast.append(dot(type, w.row(r), x.row(t), n: n, scratch: scratch.baseAddress!))
                                reference.append(dotReference(type, w.row(r), x.row(t), n: n))
                            }
                            let v = dot4(type, w.row(r), x.row(0), aStride: x.rowBytes, n: n, scratch: scratch.baseAddress!)
                            fast4 += [v[0], v[1], v[2], v[3]]
                        }
                    }
                    XCTAssertTrue(reference.contains { $0 != 0 && $0.isFinite }, "\(type) n=\(n): degenerate")
                    assertSameBits(fast, reference, "dot \(type) n=\(n)")
                    assertSameBits(fast4, reference, "dot4 \(type) n=\(n)")
                }
            }
        }
    }

    func testMatmulMatchesReferenceForAnyThreadsAndTokens() {
        let pools = [1, 2, 3].map { ThreadPool(threads: $0) }
        for type in Self.types {
            let n = type.blockSize == 256 ? 512 : 288
            for rows in [1, 7, 33, 100] {
                withWeights(type, rows: rows, n: n, seed: UInt64(rows) &+ UInt64(type.rawValue) << 8) { w in
                    for tokens in [1, 3, 4, 5, 9] {
                        let x = quantized(type, tokens: tokens, n: n, seed: UInt64(tokens &* rows))
                        var expected = [Float](repeating: .nan, count: tokens * rows)
                        expected.withUnsafeMutableBufferPointer { matmulReference(w, x, into: $0.baseAddress!) }
                        for pool in pools {
                            var got = [Float](repeating: .nan, count: tokens * rows)
                            got.withUnsafeMutableBufferPointer { matmul(w, x, into: $0.baseAddress!, pool: pool) }
                            assertSameBits(got, expected, "matmul \(type) rows=\(rows) tokens=\(tokens) threads=\(pool.threadCount)")
                        }
                    }
                }
            }
        }
    }

    /// Every kernel path this CPU runs (`KernelPath.available`: the Swift kernels and the C
    /// AVX-512 / AVX-VNNI variants) against the scalar reference, to the bit: single rows, tiles
    /// of four, threaded matmuls with remainders, row lengths with partial groups of blocks.
    func testEveryKernelPathMatchesReference() {
        let saved = KernelPath.current
        defer { KernelPath.current = saved }
        let paths = KernelPath.available
        XCTAssertTrue(paths.contains(.swift))
        let pool = ThreadPool(threads: 2)
        for path in paths {
            KernelPath.current = path
            for type in [TensorType.q4_0, .q4_1, .q8_0, .q5_0] {
                for n in [32, 96, 256, 288, 544, 576, 1536, 2080, 8224] {
                    withWeights(type, rows: 7, n: n, seed: UInt64(n) &* 131 &+ UInt64(type.rawValue)) { w in
                        for tokens in [1, 4, 6, 9] {
                            let x = quantized(type, tokens: tokens, n: n, seed: UInt64(n &+ tokens))
                            var expected = [Float](repeating: .nan, count: tokens * w.rows)
                            expected.withUnsafeMutableBufferPointer { matmulReference(w, x, into: $0.baseAddress!) }
                            // (token 0's first block is all zeros, so a one-block, one-token case is zero)
                            XCTAssertTrue(n == 32 && tokens == 1 || expected.contains { $0 != 0 && $0.isFinite },
                                          "\(type) n=\(n) tokens=\(tokens): degenerate")
                            var got = [Float](repeating: .nan, count: tokens * w.rows)
                            got.withUnsafeMutableBufferPointer { matmul(w, x, into: $0.baseAddress!, pool: pool) }
                            assertSameBits(got, expected, "\(path) matmul \(type) n=\(n) tokens=\(tokens)")
                            var single: [Float] = [], four: [Float] = []
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
                                for t in 0..<tokens {
                                    for r in 0..<w.rows {
                                        single.append(dot(type, w.row(r), x.row(t), n: n, scratch: scratch.baseAddress!))
                                    }
                                }
                                if tokens >= 4 {
                                    for r in 0..<w.rows {
                                        let v = dot4(type, w.row(r), x.row(0), aStride: x.rowBytes, n: n,
                                                     scratch: scratch.baseAddress!)
                                        four += [v[0], v[1], v[2], v[3]]
                                    }
                                }
                            }
                            assertSameBits(single, expected, "\(path) dot \(type) n=\(n) tokens=\(tokens)")
                            if tokens >= 4 {
                                let firstFour = (0..<w.rows).flatMap { r in (0..<4).map { expected[$0 * w.rows + r] } }
                                assertSameBits(four, firstFour, "\(path) dot4 \(type) n=\(n)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testKernelPathFromEnvironmentNames() {
        for path in KernelPath.allCases { XCTAssertEqual(KernelPath(rawValue: path.rawValue), path) }
        XCTAssertTrue(KernelPath.automatic.isAvailable)
        XCTAssertEqual(KernelPath.available.first, KernelPath.automatic)
    }

    /// The small-batch (decode) chunk plan: every row of the group in exactly one chunk, chunk
    /// boundaries in order, each chunk within one grain of rows of an equal share of the bytes.
    func testSmallBatchPlanCoversEveryRowOnceInEqualBytes() {
        let n = 576
        withWeights(.q4_1, rows: 576, n: n, seed: 1) { wq in
            withWeights(.q4_1, rows: 192, n: n, seed: 2) { wk in
                withWeights(.q8_0, rows: 65, n: n, seed: 3) { wv in
                    let x1 = quantized(.q4_1, tokens: 1, n: n, seed: 9)
                    let x8 = quantized(.q8_0, tokens: 1, n: n, seed: 9)
                    let a = MatMulTask(wq, x1, into: UnsafeMutablePointer(bitPattern: 64)!)
                    let b = MatMulTask(wk, x1, into: UnsafeMutablePointer(bitPattern: 64)!)
                    let c = MatMulTask(wv, x8, into: UnsafeMutablePointer(bitPattern: 64)!)
                    let total = 576 * wq.rowStride + 192 * wk.rowStride + 65 * wv.rowStride
                    for chunks in [1, 2, 3, 4, 8, 16, 33, 200] {
                        let plan = MatMulPlan(a, b, c, chunks: chunks)
                        XCTAssertEqual(plan.chunks, min(chunks, 36 + 12 + 5), "chunks capped at the grains")
                        XCTAssertEqual(plan.boundary(0), 0)
                        XCTAssertEqual(plan.boundary(plan.chunks), 576 + 192 + 65)
                        for i in 0..<plan.chunks {
                            let lo = plan.boundary(i), hi = plan.boundary(i + 1)
                            XCTAssertLessThanOrEqual(lo, hi, "chunks=\(chunks) i=\(i)")
                            func bytes(_ row: Int) -> Int {   // bytes of the rows before `row`
                                if row <= 576 { return row * wq.rowStride }
                                if row <= 768 { return 576 * wq.rowStride + (row - 576) * wk.rowStride }
                                return 576 * wq.rowStride + 192 * wk.rowStride + (row - 768) * wv.rowStride
                            }
                            let share = Double(total) / Double(plan.chunks)
                            let slack = Double(MatMulPlan.grain * wv.rowStride)
                            XCTAssertEqual(Double(bytes(hi) - bytes(lo)), share, accuracy: 2 * slack,
                                           "chunks=\(chunks) i=\(i) rows \(lo)..<\(hi)")
                        }
                    }
                }
            }
        }
    }

    /// The small-batch plan computes the same bits as the reference for any chunk count and
    /// thread count, one product or a group with different row counts and types.
    func testSmallBatchPlanSameBitsForAnyChunkCount() {
        let n = 288
        let pools = [2, 3].map { ThreadPool(threads: $0) }
        withWeights(.q4_1, rows: 100, n: n, seed: 4) { wa in
            withWeights(.q4_1, rows: 33, n: n, seed: 5) { wb in
                withWeights(.q8_0, rows: 17, n: n, seed: 6) { wc in
                    for tokens in 1...MatMulPlan.smallBatch {
                        let x1 = quantized(.q4_1, tokens: tokens, n: n, seed: UInt64(tokens))
                        let x8 = quantized(.q8_0, tokens: tokens, n: n, seed: UInt64(tokens))
                        let expected = [(wa, x1), (wb, x1), (wc, x8)].map { w, x in
                            var e = [Float](repeating: .nan, count: tokens * w.rows)
                            e.withUnsafeMutableBufferPointer { matmulReference(w, x, into: $0.baseAddress!) }
                            return e
                        }
                        for pool in pools {
                            for chunks in [1, 2, 3, 5, 8, 13] {
                                var outA = [Float](repeating: .nan, count: expected[0].count)
                                var outB = [Float](repeating: .nan, count: expected[1].count)
                                var outC = [Float](repeating: .nan, count: expected[2].count)
                                var alone = [Float](repeating: .nan, count: expected[0].count)
                                outA.withUnsafeMutableBufferPointer { oa in
                                    outB.withUnsafeMutableBufferPointer { ob in
                                        outC.withUnsafeMutableBufferPointer { oc in
                                            let a = MatMulTask(wa, x1, into: oa.baseAddress!)
                                            let b = MatMulTask(wb, x1, into: ob.baseAddress!)
                                            let c = MatMulTask(wc, x8, into: oc.baseAddress!)
                                            let plan = MatMulPlan(a, b, c, chunks: chunks)
                                            pool.parallelFor(plan.chunks) { plan.run(chunk: $0, a, b, c) }
                                        }
                                    }
                                }
                                alone.withUnsafeMutableBufferPointer { o in
                                    let t = MatMulTask(wa, x1, into: o.baseAddress!)
                                    let single = MatMulPlan(t, nil, nil, chunks: chunks)
                                    pool.parallelFor(single.chunks) { single.run(chunk: $0, t, nil, nil) }
                                }
                                assertSameBits(alone, expected[0], "one product tokens=\(tokens) chunks=\(chunks)")
                                let out = [outA, outB, outC]
                                for (i, got) in out.enumerated() {
                                    assertSameBits(got, expected[i], "group part \(i) tokens=\(tokens) chunks=\(chunks) threads=\(pool.threadCount)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func testFusedMatmulGroupMatchesSeparateProducts() {
        let pool = ThreadPool(threads: 3)
        let n = 576
        withWeights(.q4_1, rows: 576, n: n, seed: 1) { wq in
            withWeights(.q4_1, rows: 192, n: n, seed: 2) { wk in
                withWeights(.q8_0, rows: 65, n: n, seed: 3) { wv in
                    for tokens in [1, 6] {
                        let x1 = quantized(.q4_1, tokens: tokens, n: n, seed: 9)
                        let x8 = quantized(.q8_0, tokens: tokens, n: n, seed: 9)
                        var q = [Float](repeating: .nan, count: tokens * 576)
                        var k = [Float](repeating: .nan, count: tokens * 192)
                        var v = [Float](repeating: .nan, count: tokens * 65)
                        q.withUnsafeMutableBufferPointer { q in
                            k.withUnsafeMutableBufferPointer { k in
                                v.withUnsafeMutableBufferPointer { v in
                                    matmul(MatMulTask(wq, x1, into: q.baseAddress!), MatMulTask(wk, x1, into: k.baseAddress!),
                                           MatMulTask(wv, x8, into: v.baseAddress!), pool: pool)
                                }
                            }
                        }
                        for (w, x, got) in [(wq, x1, q), (wk, x1, k), (wv, x8, v)] {
                            var expected = [Float](repeating: .nan, count: got.count)
                            expected.withUnsafeMutableBufferPointer { matmulReference(w, x, into: $0.baseAddress!) }
                            assertSameBits(got, expected, "fused \(w.type) rows=\(w.rows) tokens=\(tokens)")
                        }
                    }
                }
            }
        }
    }

    func testActivationTypes() {
        XCTAssertEqual(activationType(for: .q4_0), .q8_0)
        XCTAssertEqual(activationType(for: .q8_0), .q8_0)
        XCTAssertEqual(activationType(for: .q4_1), .q8_1)
        XCTAssertEqual(activationType(for: .q4_K), .q8_K)
        XCTAssertEqual(activationType(for: .q6_K), .q8_K)
        XCTAssertEqual(activationType(for: .q5_K), .f32)
        XCTAssertEqual(activationType(for: .f16), .f32)
    }

    /// The K-quant reference itself against dequantize-then-multiply in Double: the integer
    /// formulation must be the same dot product (up to the rounding of the activations).
    func testKQuantReferenceIsTheDotProduct() {
        for type in [TensorType.q4_K, .q6_K] {
            let n = 512
            withWeights(type, rows: 3, n: n, seed: 77) { w in
                let x = quantized(type, tokens: 1, n: n, seed: 5)
                var a = [Float](repeating: 0, count: n)
                a.withUnsafeMutableBufferPointer { dequantizeRow(.q8_K, from: x.row(0), into: $0.baseAddress!, count: n) }
                for r in 0..<3 {
                    var wf = [Float](repeating: 0, count: n)
                    wf.withUnsafeMutableBufferPointer { dequantizeRow(type, from: w.row(r), into: $0.baseAddress!, count: n) }
                    let exact = zip(wf, a).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    let got = Double(dotReference(type, w.row(r), x.row(0), n: n))
                    let scale = zip(wf, a).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    XCTAssertEqual(got, exact, accuracy: 1e-5 * scale, "\(type) row \(r)")
                }
            }
        }
    }
}
