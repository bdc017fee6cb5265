// The dense F32 kernels against their Double references, and bit-identical across thread counts.

import Gradients
import Kernels
import XCTest

final class DenseOpsTests: XCTestCase {
    func random(_ n: Int, _ rng: inout SplitMix64) -> [Float] { (0..<n).map { _ in Float(rng.nextGaussian()) } }

    func testKernelsMatchReferencesAndThreadCounts() {
        var rng = SplitMix64(seed: 9)
        let T = 7, n = 45, m = 37
        let x = random(T * n, &rng), w = random(m * n, &rng), dy = random(T * m, &rng)
        var outputs: [[Float]] = []
        for threads in [1, 2, 4] {
            let pool = ThreadPool(threads: threads)
            var y = [Float](repeating: 0, count: T * m), dx = [Float](repeating: 0, count: T * n)
            var dw = [Float](repeating: 0, count: m * n)
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in dy.withUnsafeBufferPointer { dyp in
                denseForward(xp.baseAddress!, wp.baseAddress!, into: &y, tokens: T, inputs: n, outputs: m, pool: pool)
                denseBackwardInput(dyp.baseAddress!, wp.baseAddress!, into: &dx, tokens: T, inputs: n, outputs: m, pool: pool)
                denseWeightGradient(dyp.baseAddress!, xp.baseAddress!, into: &dw, tokens: T, inputs: n, outputs: m, pool: pool)
            } } }
            for (fast, ref) in [(y, denseForwardReference(x, w, tokens: T, inputs: n, outputs: m)),
                                (dx, denseBackwardInputReference(dy, w, tokens: T, inputs: n, outputs: m)),
                                (dw, denseWeightGradientReference(dy, x, tokens: T, inputs: n, outputs: m))] {
                for i in fast.indices { XCTAssertEqual(Double(fast[i]), ref[i], accuracy: 1e-4 * max(1, abs(ref[i]))) }
            }
            outputs.append(y + dx + dw)
        }
        XCTAssertEqual(outputs[1].map(\.bitPattern), outputs[0].map(\.bitPattern))
        XCTAssertEqual(outputs[2].map(\.bitPattern), outputs[0].map(\.bitPattern))
    }

    /// The blocked kernels (four tokens per weight row; 64 sums held over 128 weight rows) give
    /// the plain forms' bits: shapes with and without whole blocks, lane tails, zero gradients,
    /// more rows than one block.
    func testBlockedKernelsEqualThePlainFormsBitForBit() {
        var rng = SplitMix64(seed: 10)
        for (T, n, m) in [(7, 45, 37), (9, 64, 300), (5, 200, 129), (4, 8, 576), (13, 576, 8)] {
            let x = random(T * n, &rng), w = random(m * n, &rng)
            var dy = random(T * m, &rng)
            for i in stride(from: 0, to: dy.count, by: 5) { dy[i] = 0 }
            let start = random(T * n, &rng)
            for threads in [1, 3] {
                let pool = ThreadPool(threads: threads)
                var y = [Float](repeating: 0, count: T * m), yPlain = y
                var dx = start, dxPlain = start
                x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in dy.withUnsafeBufferPointer { dyp in
                    denseForward(xp.baseAddress!, wp.baseAddress!, into: &y, tokens: T, inputs: n, outputs: m, pool: pool)
                    denseForwardPlain(xp.baseAddress!, wp.baseAddress!, into: &yPlain, tokens: T, inputs: n, outputs: m)
                    denseBackwardInput(dyp.baseAddress!, wp.baseAddress!, into: &dx, tokens: T, inputs: n, outputs: m, pool: pool)
                    denseBackwardInputPlain(dyp.baseAddress!, wp.baseAddress!, into: &dxPlain, tokens: T, inputs: n, outputs: m)
                } } }
                XCTAssertEqual(y.map(\.bitPattern), yPlain.map(\.bitPattern), "forward \(T)×\(n)→\(m)")
                XCTAssertEqual(dx.map(\.bitPattern), dxPlain.map(\.bitPattern), "input gradient \(T)×\(n)→\(m)")
                XCTAssertNotEqual(dx, start)
            }
        }
    }
}
