// Dense F32 products for training: the three a linear layer needs in a backward pass.
//
// Legend: T = tokens, n = input features, m = output features. A weight W [m, n] is row-major
// (row r holds the n inputs of output r), as Hugging Face stores projections.
//
//   forward        y [T, m]  = x [T, n] · Wᵀ         y[t, r]  = Σ_j x[t, j] W[r, j]
//   input grad     dx [T, n] += dy [T, m] · W        dx[t, j] += Σ_r dy[t, r] W[r, j]
//   weight grad    dW [m, n] += dyᵀ [m, T] · x       dW[r, j] += Σ_t dy[t, r] x[t, j]
//
// Determinism: each output element is computed by exactly one chunk, and its sum runs in a
// fixed order (the forward uses `dotF32`'s 16 lanes; the other two accumulate over r or t in
// increasing order with one fused multiply-add per term), so the thread count never changes a
// bit. The scalar `…Reference` functions sum in Double, for tests that hold the fast ones to them.

import Kernels

/// y [T, m] = x [T, n] · Wᵀ, parallel over chunks of output features.
public func denseForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                         tokens T: Int, inputs n: Int, outputs m: Int, pool: ThreadPool) {
    let rows = denseChunk(m, threads: pool.threadCount)
    pool.parallelFor((m + rows - 1) / rows) { c in
        // Weight row outer: it stays in L1 while every token's row (x is small) passes by.
        for r in (c * rows)..<min(m, (c + 1) * rows) {
            let wr = w + r * n
            for t in 0..<T { y[t * m + r] = dotF32(wr, x + t * n, n: n) }
        }
    }
}

/// dx [T, n] += dy [T, m] · W, parallel over chunks of input features; each dx element sums
/// over r = 0, 1, ... in order.
public func denseBackwardInput(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                               tokens T: Int, inputs n: Int, outputs m: Int, pool: ThreadPool) {
    let cols = 64
    pool.parallelFor((n + cols - 1) / cols) { c in
        let j0 = c * cols, j1 = min(n, j0 + cols)
        for r in 0..<m {
            let wr = w + r * n
            for t in 0..<T {
                let a = dy[t * m + r]
                if a == 0 { continue }   // (adding a·w = ±0 would leave every finite value as it is)
                axpy(a, wr + j0, dx + t * n + j0, count: j1 - j0)
            }
        }
    }
}

/// dW [m, n] += dyᵀ · x, parallel over output rows; each element sums over t in order.
public func denseWeightGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>,
                                tokens T: Int, inputs n: Int, outputs m: Int, pool: ThreadPool) {
    let rows = denseChunk(m, threads: pool.threadCount)
    pool.parallelFor((m + rows - 1) / rows) { c in
        for r in (c * rows)..<min(m, (c + 1) * rows) {
            for t in 0..<T {
                let a = dy[t * m + r]
                if a == 0 { continue }
                axpy(a, x + t * n, dw + r * n, count: n)
            }
        }
    }
}

/// y += a·x in lanes of 16, one fused multiply-add per element.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
    let av = SIMD16<Float>(repeating: a)
    var i = 0
    while i + 16 <= n {
        var yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
        yv.addProduct(av, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
        UnsafeMutableRawPointer(y + i).storeBytes(of: yv, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { y[i] = y[i].addingProduct(a, x[i]); i += 1 }
}

/// Output features per parallel chunk: a few chunks per thread, whole for one thread.
func denseChunk(_ m: Int, threads: Int) -> Int {
    threads <= 1 ? max(1, m) : max(8, (m + threads * 4 - 1) / (threads * 4))
}

// MARK: - Scalar references (Double sums)

/// Reference for `denseForward`.
public func denseForwardReference(_ x: [Float], _ w: [Float], tokens T: Int, inputs n: Int, outputs m: Int) -> [Double] {
    var y = [Double](repeating: 0, count: T * m)
    for t in 0..<T { for r in 0..<m {
        var s = 0.0
        for j in 0..<n { s += Double(x[t * n + j]) * Double(w[r * n + j]) }
        y[t * m + r] = s
    } }
    return y
}

/// Reference for `denseBackwardInput` (starting from zero).
public func denseBackwardInputReference(_ dy: [Float], _ w: [Float], tokens T: Int, inputs n: Int, outputs m: Int) -> [Double] {
    var dx = [Double](repeating: 0, count: T * n)
    for t in 0..<T { for r in 0..<m { for j in 0..<n { dx[t * n + j] += Double(dy[t * m + r]) * Double(w[r * n + j]) } } }
    return dx
}

/// Reference for `denseWeightGradient` (starting from zero).
public func denseWeightGradientReference(_ dy: [Float], _ x: [Float], tokens T: Int, inputs n: Int, outputs m: Int) -> [Double] {
    var dw = [Double](repeating: 0, count: m * n)
    for t in 0..<T { for r in 0..<m { for j in 0..<n { dw[r * n + j] += Double(dy[t * m + r]) * Double(x[t * n + j]) } } }
    return dw
}
