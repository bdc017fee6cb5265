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
}
