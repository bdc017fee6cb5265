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

/// y [T, m] = x [T, n] · Wᵀ, parallel over chunks of output features. Each element is
/// `dotF32(W[r], x[t])` to the bit: four tokens share each load of a weight row (four
/// independent accumulators, each summing its lanes in `dotF32`'s order), which keeps the
/// multiply-add units busy instead of waiting on one accumulator.
public func denseForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                         tokens T: Int, inputs n: Int, outputs m: Int, pool: ThreadPool) {
    let rows = denseChunk(m, threads: pool.threadCount)
    pool.parallelFor((m + rows - 1) / rows) { c in
        // Weight row outer: it stays in L1 while every token's row (x is small) passes by.
        for r in (c * rows)..<min(m, (c + 1) * rows) {
            let wr = w + r * n
            var t = 0
            while t + 4 <= T {
                let d = dot4F32(wr, x + t * n, n: n)
                y[t * m + r] = d.0
                y[(t + 1) * m + r] = d.1
                y[(t + 2) * m + r] = d.2
                y[(t + 3) * m + r] = d.3
                t += 4
            }
            while t < T { y[t * m + r] = dotF32(wr, x + t * n, n: n); t += 1 }
        }
    }
}

/// `dotF32(w, x_i)` for the four rows x_0..x_3 of [4, n] at `x`: the same lanes, the same fused
/// multiply-adds in the same order, the same final tree, so the same bits.
@inline(__always)
func dot4F32(_ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, n: Int) -> (Float, Float, Float, Float) {
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
    let x0 = x, x1 = x + n, x2 = x + 2 * n, x3 = x + 3 * n
    var i = 0
    while i + 16 <= n {
        let wv = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD16<Float>.self)
        a0.addProduct(wv, UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD16<Float>.self))
        a1.addProduct(wv, UnsafeRawPointer(x1 + i).loadUnaligned(as: SIMD16<Float>.self))
        a2.addProduct(wv, UnsafeRawPointer(x2 + i).loadUnaligned(as: SIMD16<Float>.self))
        a3.addProduct(wv, UnsafeRawPointer(x3 + i).loadUnaligned(as: SIMD16<Float>.self))
        i += 16
    }
    var l = 0
    while i < n {
        a0[l] = a0[l].addingProduct(w[i], x0[i])
        a1[l] = a1[l].addingProduct(w[i], x1[i])
        a2[l] = a2[l].addingProduct(w[i], x2[i])
        a3[l] = a3[l].addingProduct(w[i], x3[i])
        i += 1; l += 1
    }
    return (reduceLanes16(a0), reduceLanes16(a1), reduceLanes16(a2), reduceLanes16(a3))
}

/// dx [T, n] += dy [T, m] · W, parallel over chunks of 64 input features; each dx element sums
/// over r = 0, 1, ... in order, one fused multiply-add per term (terms with dy = 0 skipped).
/// A chunk's 64 sums of one token stay in registers over a block of 128 weight rows (whose
/// 64-column strip stays in L1) instead of being loaded and stored for every row.
public func denseBackwardInput(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                               tokens T: Int, inputs n: Int, outputs m: Int, pool: ThreadPool) {
    let cols = 64, block = 128
    pool.parallelFor((n + cols - 1) / cols) { c in
        let j0 = c * cols, j1 = min(n, j0 + cols)
        guard j1 - j0 == cols else {   // a narrow last strip: one element at a time, in the same order
            for r in 0..<m {
                let wr = w + r * n
                for t in 0..<T {
                    let a = dy[t * m + r]
                    if a == 0 { continue }
                    axpy(a, wr + j0, dx + t * n + j0, count: j1 - j0)
                }
            }
            return
        }
        var r0 = 0
        while r0 < m {
            let r1 = min(m, r0 + block)
            for t in 0..<T {
                let out = dx + t * n + j0, dyt = dy + t * m
                var s0 = UnsafeRawPointer(out).loadUnaligned(as: SIMD16<Float>.self)
                var s1 = UnsafeRawPointer(out + 16).loadUnaligned(as: SIMD16<Float>.self)
                var s2 = UnsafeRawPointer(out + 32).loadUnaligned(as: SIMD16<Float>.self)
                var s3 = UnsafeRawPointer(out + 48).loadUnaligned(as: SIMD16<Float>.self)
                for r in r0..<r1 {
                    let a = dyt[r]
                    if a == 0 { continue }   // (adding a·w = ±0 would leave every finite value as it is)
                    let av = SIMD16<Float>(repeating: a), wr = w + r * n + j0
                    s0.addProduct(av, UnsafeRawPointer(wr).loadUnaligned(as: SIMD16<Float>.self))
                    s1.addProduct(av, UnsafeRawPointer(wr + 16).loadUnaligned(as: SIMD16<Float>.self))
                    s2.addProduct(av, UnsafeRawPointer(wr + 32).loadUnaligned(as: SIMD16<Float>.self))
                    s3.addProduct(av, UnsafeRawPointer(wr + 48).loadUnaligned(as: SIMD16<Float>.self))
                }
                UnsafeMutableRawPointer(out).storeBytes(of: s0, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(out + 16).storeBytes(of: s1, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(out + 32).storeBytes(of: s2, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(out + 48).storeBytes(of: s3, as: SIMD16<Float>.self)
            }
            r0 = r1
        }
    }
}

/// The plain forms of `denseForward` and `denseBackwardInput` (one `dotF32` per element; one
/// `axpy` per weight row and token), which the blocked ones must equal bit for bit.
public func denseForwardPlain(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                              tokens T: Int, inputs n: Int, outputs m: Int) {
    for r in 0..<m { for t in 0..<T { y[t * m + r] = dotF32(w + r * n, x + t * n, n: n) } }
}

public func denseBackwardInputPlain(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                                    tokens T: Int, inputs n: Int, outputs m: Int) {
    for r in 0..<m {
        for t in 0..<T {
            let a = dy[t * m + r]
            if a == 0 { continue }
            axpy(a, w + r * n, dx + t * n, count: n)
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
