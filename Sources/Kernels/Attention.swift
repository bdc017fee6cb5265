// The two inner loops of attention over a cache of f16 keys and values: scores (each key's dot
// with the query) and the mix (the values weighted by the softmaxed scores). The Swift loops
// here are the reference; on AVX-512 paths the same operations run in C (Elementwise.c) with
// the same bits: the dot's sixteen lanes and fixed reduction tree, one fused multiply-add per
// term in the same order.
//
// Legend: n = head dimension, count = keys attended, stride = halves between cache rows.

import CKernels

/// Σ a_i b_i with b in f16, lanes of 16 (element i in lane i mod 16), fixed reduction.
@inlinable @inline(__always)
public func dotF16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        let av = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
        let bv = SIMD16<Float>(UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float16>.self))
        acc.addProduct(av, bv)
        i += 16
    }
    var l = 0
    while i < n { acc[l] = acc[l].addingProduct(a[i], Float(b[i])); i += 1; l += 1 }
    return reduceLanes16(acc)
}

/// y += alpha * x with x in f16.
@inlinable @inline(__always)
public func axpyF16(_ alpha: Float, _ x: UnsafePointer<Float16>, _ y: UnsafeMutablePointer<Float>, n: Int) {
    var i = 0
    let av = SIMD16<Float>(repeating: alpha)
    while i + 16 <= n {
        let xv = SIMD16<Float>(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float16>.self))
        var yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
        yv.addProduct(av, xv)
        UnsafeMutableRawPointer(y + i).storeBytes(of: yv, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { y[i] = y[i].addingProduct(alpha, Float(x[i])); i += 1 }
}

/// out[j] = dotF16(q, keys + j·stride, n) · scale for j < count.
public func attentionScores(_ q: UnsafePointer<Float>, keys: UnsafePointer<Float16>, stride: Int, count: Int, n: Int,
                            scale: Float, into out: UnsafeMutablePointer<Float>) {
    if let variant = KernelPath.current.cVariant,
       ov_attention_scores(variant, q, keys, stride, count, n, scale, out) == 0 { return }
    for j in 0..<count { out[j] = dotF16(q, keys + j * stride, n: n) * scale }
}

/// out[0..<n] = Σ_j weights[j] · values[j·stride ..< j·stride + n], j in order from zero.
public func attentionMix(_ weights: UnsafePointer<Float>, values: UnsafePointer<Float16>, stride: Int, count: Int,
                         n: Int, into out: UnsafeMutablePointer<Float>) {
    if let variant = KernelPath.current.cVariant,
       ov_attention_mix(variant, weights, values, stride, count, n, out) == 0 { return }
    out.update(repeating: 0, count: n)
    for j in 0..<count { axpyF16(weights[j], values + j * stride, out, n: n) }
}
