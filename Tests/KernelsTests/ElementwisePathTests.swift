// The AVX-512 elementwise kernels (Sources/CKernels/Elementwise.c) against their Swift
// references, to the bit, on every kernel path this CPU runs: activation quantization (every
// byte of a `QuantizedRows` row, side arrays included), the softmax exponentials, SiLU and
// attention's scores and mix.
// On a CPU without AVX-512 the paths fall back to the Swift loops and the tests compare those
// with themselves (still checking the dispatch).
import TestSupport
import XCTest
@testable import Kernels

final class ElementwisePathTests: XCTestCase {
    /// Rows with the awkward cases: an all-zero block, exact halves after scaling (ties round
    /// away from zero), tiny values with a negative maximum, and a row scaled by 1000.
    static func activations(tokens: Int, n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var x = (0..<(tokens * n)).map { _ in 6 * rng.uniform() - 3 }
        for j in 0..<min(32, n) { x[j] = 0 }
        if n >= 64 { for j in 32..<64 { x[j] = Float(j - 48) * 0.5 } }   // amax 8: q = x·127/8, halves among them
        if n >= 96 { for j in 64..<96 { x[j] = -Float(j % 7) * 1e-6 } }
        if tokens > 1 { for j in 0..<n { x[n + j] *= 1000 } }
        return x
    }

    /// Runs `body` once per available kernel path, restoring the current one afterwards.
    func forEachPath(_ body: (KernelPath) -> Void) {
        let saved = KernelPath.current
        defer { KernelPath.current = saved }
        XCTAssertTrue(KernelPath.available.contains(.swift))
        for path in KernelPath.available {
            KernelPath.current = path
            body(path)
        }
    }

    /// Attention's scores and mix over f16 cache rows against `dotF16` / `axpyF16`, to the bit:
    /// head sizes with and without a partial group of sixteen, rows wider than a head, one key
    /// and many, negative and large values.
    func testAttentionLoopsSameBitsOnEveryPath() {
        for n in [64, 40, 16, 7, 128] {
            for count in [1, 5, 33] {
                let stride = n + 24
                var rng = SeededGenerator(seed: UInt64(n * 100 + count))
                let q = (0..<n).map { _ in 8 * rng.uniform() - 4 }
                let cache = (0..<(count * stride)).map { _ in Float16(20 * rng.uniform() - 10) }
                var weights = (0..<count).map { _ in rng.uniform() }
                weights[0] = -weights[0]
                var scoresWant = [Float](repeating: 0, count: count), mixWant = [Float](repeating: 0, count: n)
                cache.withUnsafeBufferPointer { c in
                    for j in 0..<count { scoresWant[j] = dotF16(q, c.baseAddress! + j * stride, n: n) * 0.125 }
                    for j in 0..<count { axpyF16(weights[j], c.baseAddress! + j * stride, &mixWant, n: n) }
                }
                XCTAssertTrue(scoresWant.contains { $0 != 0 } && mixWant.contains { $0 != 0 })
                forEachPath { path in
                    var scores = [Float](repeating: .nan, count: count), mix = [Float](repeating: .nan, count: n + 3)
                    cache.withUnsafeBufferPointer { c in
                        attentionScores(q, keys: c.baseAddress!, stride: stride, count: count, n: n, scale: 0.125, into: &scores)
                        attentionMix(weights, values: c.baseAddress!, stride: stride, count: count, n: n, into: &mix)
                    }
                    XCTAssertEqual(scores.map(\.bitPattern), scoresWant.map(\.bitPattern), "\(path) scores n=\(n) count=\(count)")
                    XCTAssertEqual(mix.prefix(n).map(\.bitPattern), mixWant.map(\.bitPattern), "\(path) mix n=\(n) count=\(count)")
                    XCTAssertTrue(mix.suffix(3).allSatisfy(\.isNaN), "\(path) mix wrote past n")
                }
            }
        }
    }

    func testQuantizedRowsSameBytesOnEveryPath() {
        for weight in [TensorType.q4_1, .q4_0, .q8_0, .q5_0] {
            for n in [32, 96, 288, 576, 1536] {
                let tokens = 3
                let x = Self.activations(tokens: tokens, n: n, seed: UInt64(n) &* 7 &+ UInt64(weight.rawValue))
                let saved = KernelPath.current
                KernelPath.current = .swift
                let reference = QuantizedRows(for: weight, count: n, capacity: tokens)
                x.withUnsafeBufferPointer { reference.load($0.baseAddress!, tokens: tokens) }
                KernelPath.current = saved
                let expected = Array(UnsafeRawBufferPointer(start: reference.storage, count: reference.rowBytes * tokens))
                XCTAssertTrue(expected.contains { $0 != 0 }, "degenerate")
                forEachPath { path in
                    let rows = QuantizedRows(for: weight, count: n, capacity: tokens)
                    x.withUnsafeBufferPointer { rows.load($0.baseAddress!, tokens: tokens) }
                    let got = Array(UnsafeRawBufferPointer(start: rows.storage, count: rows.rowBytes * tokens))
                    XCTAssertEqual(got, expected, "\(path) \(rows.type) n=\(n)")
                }
            }
        }
    }

    /// Inputs for the exponentials: a dense sweep of the useful range, the saturation edges
    /// (subnormal results near -103.97, overflow past 88.72), zeros of both signs, infinities
    /// and NaN; lengths with every tail size.
    static func expInputs() -> [Float] {
        var x: [Float] = []
        var v: Float = -110
        while v < 95 { x.append(v); v += 0.0137 }
        for edge: Float in [88.72283, -103.97208, -87.33655, -87.33654, 0] {
            var e = edge
            for _ in 0..<40 { x.append(e); e = e.nextUp }
            e = edge
            for _ in 0..<40 { x.append(e); e = e.nextDown }
        }
        x += [-0.0, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
              .leastNonzeroMagnitude, -.leastNormalMagnitude]
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<4000 { x.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
        return x
    }

    func assertSameBits(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let bad = zip(a, b).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
        if let first = bad.first {
            XCTFail("\(message): \(bad.count) values differ, first at \(first.offset): \(first.element.0) vs \(first.element.1)",
                    file: file, line: line)
        }
    }

    func testExpShiftedMatchesFexp() {
        let x = Self.expInputs()
        forEachPath { path in
            for (length, shift) in [(x.count, Float(0)), (x.count - 5, Float(1.5)), (13, Float(-2)), (16, Float(0.25))] {
                let expected = x[0..<length].map { fexp($0 - shift) }
                var got = Array(x[0..<length])
                let fast = got.withUnsafeMutableBufferPointer { expShifted($0.baseAddress!, n: length, shift: shift) }
                if !fast { for i in 0..<length { got[i] = fexp(got[i] - shift) } }
                XCTAssertEqual(fast, path.cVariant != nil && path != .avxvnni, "\(path): which loop ran")
                assertSameBits(got, expected, "\(path) expShifted n=\(length) shift=\(shift)")
            }
        }
    }

    func testSoftmaxSameBitsOnEveryPath() {
        var rng = SeededGenerator(seed: 5)
        let scores = (0..<77).map { _ in 20 * rng.uniform() - 10 }
        var reference = scores
        let mx = reference.max()!
        var sum: Float = 0
        for i in reference.indices { reference[i] = fexp(reference[i] - mx); sum += reference[i] }
        for i in reference.indices { reference[i] *= 1 / sum }
        forEachPath { path in
            var got = scores
            got.withUnsafeMutableBufferPointer { softmax($0.baseAddress!, n: $0.count) }
            assertSameBits(got, reference, "\(path) softmax")
        }
    }

    func testSiluMulMatchesFsilu() {
        let gate = Self.expInputs().map { $0.isFinite ? $0 : 1 }
        var rng = SeededGenerator(seed: 3)
        let up = gate.map { _ in 4 * rng.uniform() - 2 }
        let expected = zip(gate, up).map { fsilu($0) * $1 }
        forEachPath { path in
            for length in [gate.count, gate.count - 3, 7] {
                var got = Array(up[0..<length])
                gate.withUnsafeBufferPointer { g in
                    got.withUnsafeMutableBufferPointer { siluMul(g.baseAddress!, $0.baseAddress!, n: length) }
                }
                assertSameBits(got, Array(expected[0..<length]), "\(path) siluMul n=\(length)")
            }
        }
    }
}
