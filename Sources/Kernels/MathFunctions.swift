// Elementwise functions with fixed, portable results.
//
// The C library's expf/logf may pick a different code path per CPU (an FMA variant, say), and a
// receipt replayed on another machine must produce the same bits. These functions use only
// IEEE-754 basic operations and fused multiply-add, in a fixed order, so every x86-64 CPU (and
// the portable build, where FMA runs in software) computes identical results. Accuracy is a few
// ulp, which is far below the noise of quantized weights.

import CKernels

@usableFromInline let ln2Hi: Float = 0.693_145_751_953_125          // high bits of ln 2
@usableFromInline let ln2Lo: Float = 1.428_606_765_330_187_045e-06  // ln 2 - ln2Hi
@usableFromInline let log2e: Float = 1.442_695_040_888_963_4

/// e^x for a Float, deterministic across CPUs. Saturates to 0 below -104 and +inf above 88.8.
@inlinable public func fexp(_ x: Float) -> Float {
    if x.isNaN { return x }
    if x > 88.72283 { return .infinity }
    if x < -103.97208 { return 0 }
    // x = k ln2 + r, |r| <= ln2/2
    let k = (x * log2e).rounded(.toNearestOrEven)
    var r = x.addingProduct(-k, ln2Hi)
    r = r.addingProduct(-k, ln2Lo)
    // Polynomial for e^r on [-ln2/2, ln2/2] (Taylor to degree 7, Horner with FMA).
    var p = (1.0 / 720.0 as Float).addingProduct(r, 1.0 / 5040.0)
    p = (1.0 / 120.0 as Float).addingProduct(r, p)
    p = (1.0 / 24.0 as Float).addingProduct(r, p)
    p = (1.0 / 6.0 as Float).addingProduct(r, p)
    p = (0.5 as Float).addingProduct(r, p)
    p = (1.0 as Float).addingProduct(r, p)
    p = (1.0 as Float).addingProduct(r, p)
    return scaleByPowerOfTwo(p, Int32(k))
}

/// p * 2^k for k in [-150, 128], computed with two exact multiplications so subnormal results
/// round once, the same way everywhere.
@inlinable func scaleByPowerOfTwo(_ p: Float, _ k: Int32) -> Float {
    if k > 127 {
        return p * Float(bitPattern: UInt32(127 + 127) << 23) * Float(bitPattern: UInt32(k - 127 + 127) << 23)
    }
    if k < -126 {
        // split: 2^-126 * 2^(k+126)
        let k2 = k + 126
        return (p * Float(bitPattern: UInt32(1) << 23)) * Float(bitPattern: UInt32(k2 + 127) << 23)
    }
    return p * Float(bitPattern: UInt32(k + 127) << 23)
}

/// Natural logarithm for a Float, deterministic across CPUs.
@inlinable public func flog(_ x: Float) -> Float {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x == .infinity { return x }
    var bits = x.bitPattern
    var e: Int32 = 0
    if x < Float.leastNormalMagnitude {  // subnormal: normalise
        let y = x * 8_388_608.0  // 2^23
        bits = y.bitPattern
        e = -23
    }
    e += Int32((bits >> 23) & 0xFF) - 127
    // mantissa m in [1, 2); move to [sqrt(1/2), sqrt(2))
    var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
    if m > 1.414_213_5 { m *= 0.5; e += 1 }
    // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var p: Float = 2.0 / 11.0
    p = (2.0 / 9.0 as Float).addingProduct(s2, p)
    p = (2.0 / 7.0 as Float).addingProduct(s2, p)
    p = (2.0 / 5.0 as Float).addingProduct(s2, p)
    p = (2.0 / 3.0 as Float).addingProduct(s2, p)
    p = (2.0 as Float).addingProduct(s2, p)
    let logm = s * p
    let fe = Float(e)
    return logm.addingProduct(fe, ln2Lo) + fe * ln2Hi
}

/// SiLU (x * sigmoid(x)).
@inlinable public func fsilu(_ x: Float) -> Float { x / (1 + fexp(-x)) }

/// up[i] = fsilu(gate[i]) · up[i] for i < n (the gated MLP's hidden layer), 16 lanes at a time
/// with AVX-512 when the kernel path has it: the same bits either way.
public func siluMul(_ gate: UnsafePointer<Float>, _ up: UnsafeMutablePointer<Float>, n: Int) {
    if let variant = KernelPath.current.cVariant, ov_silu_mul(variant, gate, up, n) == 0 { return }
    for i in 0..<n { up[i] = fsilu(gate[i]) * up[i] }
}

/// x[i] = fexp(x[i] - shift) for i < n with AVX-512, the same bits as the scalar loop; false
/// (nothing written) when the kernel path has no AVX-512, and the caller runs that loop.
public func expShifted(_ x: UnsafeMutablePointer<Float>, n: Int, shift: Float) -> Bool {
    guard let variant = KernelPath.current.cVariant else { return false }
    return ov_exp_shifted(variant, x, n, shift) == 0
}

/// Logistic sigmoid.
@inlinable public func fsigmoid(_ x: Float) -> Float { 1 / (1 + fexp(-x)) }

/// tanh via exp, deterministic.
@inlinable public func ftanh(_ x: Float) -> Float {
    if x > 9 { return 1 }
    if x < -9 { return -1 }
    let e2 = fexp(2 * x)
    return (e2 - 1) / (e2 + 1)
}

/// GELU, tanh approximation (GPT-2, Gemma).
@inlinable public func fgeluTanh(_ x: Float) -> Float {
    let c: Float = 0.797_884_560_802_865_4  // sqrt(2/pi)
    let inner = c * x.addingProduct(0.044715 * x * x, x)
    return 0.5 * x * (1 + ftanh(inner))
}

// Double versions, for training (solvers, optimisers), where a fit must be the same bytes on
// every machine too. Within 2 ulp of the correctly rounded result over the ranges training uses.

@usableFromInline let ln2HiD: Double = 6.931_471_803_691_238_164_90e-01   // high 32 bits of ln 2
@usableFromInline let ln2LoD: Double = 1.908_214_929_270_587_700_02e-10   // ln 2 - ln2HiD

/// e^x for a Double, deterministic across CPUs. 0 below −745, +inf above 709.78.
@inlinable public func dexp(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.782_712_893_383_9 { return .infinity }
    if x < -745.133_219_101_941_1 { return 0 }
    let k = (x * 1.442_695_040_888_963_4).rounded(.toNearestOrEven)
    var r = x.addingProduct(-k, ln2HiD)
    r = r.addingProduct(-k, ln2LoD)
    // Taylor to degree 13 on |r| ≤ ln2/2 (truncation below 2⁻⁵⁶ relative).
    var p = 1.0 / 6_227_020_800.0
    p = (1.0 / 479_001_600.0).addingProduct(r, p)
    p = (1.0 / 39_916_800.0).addingProduct(r, p)
    p = (1.0 / 3_628_800.0).addingProduct(r, p)
    p = (1.0 / 362_880.0).addingProduct(r, p)
    p = (1.0 / 40_320.0).addingProduct(r, p)
    p = (1.0 / 5_040.0).addingProduct(r, p)
    p = (1.0 / 720.0).addingProduct(r, p)
    p = (1.0 / 120.0).addingProduct(r, p)
    p = (1.0 / 24.0).addingProduct(r, p)
    p = (1.0 / 6.0).addingProduct(r, p)
    p = (0.5 as Double).addingProduct(r, p)
    p = (1.0 as Double).addingProduct(r, p)
    p = (1.0 as Double).addingProduct(r, p)
    // p · 2^k in two exact steps so subnormal results round once.
    let ki = Int(k)
    if ki < -1022 {
        return (p * Double(sign: .plus, exponent: -1022, significand: 1)) * Double(sign: .plus, exponent: ki + 1022, significand: 1)
    }
    if ki > 1023 { return p * 2 * Double(sign: .plus, exponent: ki - 1, significand: 1) }
    return p * Double(sign: .plus, exponent: ki, significand: 1)
}

/// Natural logarithm for a Double, deterministic across CPUs.
@inlinable public func dlog(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x == .infinity { return x }
    var e = Int(x.exponent)
    var m = x.significand                      // [1, 2), also for subnormals
    if m > 1.414_213_562_373_095_1 { m *= 0.5; e += 1 }
    // log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| < 0.1716: odd series to s^25.
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var p = 2.0 / 25.0
    p = (2.0 / 23.0).addingProduct(s2, p)
    p = (2.0 / 21.0).addingProduct(s2, p)
    p = (2.0 / 19.0).addingProduct(s2, p)
    p = (2.0 / 17.0).addingProduct(s2, p)
    p = (2.0 / 15.0).addingProduct(s2, p)
    p = (2.0 / 13.0).addingProduct(s2, p)
    p = (2.0 / 11.0).addingProduct(s2, p)
    p = (2.0 / 9.0).addingProduct(s2, p)
    p = (2.0 / 7.0).addingProduct(s2, p)
    p = (2.0 / 5.0).addingProduct(s2, p)
    p = (2.0 / 3.0).addingProduct(s2, p)
    p = (2.0 as Double).addingProduct(s2, p)
    let fe = Double(e)
    return (s * p).addingProduct(fe, ln2LoD) + fe * ln2HiD
}

/// log(1 + e^x) without overflow, deterministic.
@inlinable public func dsoftplus(_ x: Double) -> Double {
    if x > 36 { return x + dexp(-x) }
    if x < -36 { return dexp(x) }
    return x > 0 ? x + dlog(1 + dexp(-x)) : dlog(1 + dexp(x))
}

/// Logistic sigmoid for a Double, deterministic.
@inlinable public func dsigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + dexp(-x)) }
    let e = dexp(x)
    return e / (1 + e)
}

// Trigonometry and powers in Double, for rotary angles (and anything else whose bits must not
// depend on the C library): argument reduction and polynomials with IEEE operations and FMA
// only. Accurate to a few ulp for |x| < 2^19·π/2 (rotary angles stay far below); beyond that the
// reduction loses accuracy but stays deterministic.

// π/2 in three 33-bit pieces and a tail, so k·piece is exact for |k| < 2^20.
@usableFromInline let halfPi1: Double = 0x1.921fb544p0
@usableFromInline let halfPi2: Double = 0x1.0b4611a6p-34
@usableFromInline let halfPi2Tail: Double = 0x1.3198a2e037073p-69
@usableFromInline let twoOverPi: Double = 0x1.45f306dc9c883p-1

/// sin(r) and cos(r) for |r| ≤ π/4: Taylor series to r¹⁷ and r¹⁸ (truncation below 2⁻⁶⁰
/// relative), Horner on r² with FMA.
@inlinable func sinCosKernel(_ r: Double) -> (sin: Double, cos: Double) {
    let r2 = r * r
    // sin r = r + r³·S(r²),  S = −1/3! + r²/5! − r⁴/7! + ... + r¹⁴/17!
    var s = 1.0 / 355_687_428_096_000.0                   // 1/17!
    s = (-1.0 / 1_307_674_368_000.0).addingProduct(r2, s)  // −1/15!
    s = (1.0 / 6_227_020_800.0).addingProduct(r2, s)       // 1/13!
    s = (-1.0 / 39_916_800.0).addingProduct(r2, s)         // −1/11!
    s = (1.0 / 362_880.0).addingProduct(r2, s)             // 1/9!
    s = (-1.0 / 5_040.0).addingProduct(r2, s)              // −1/7!
    s = (1.0 / 120.0).addingProduct(r2, s)                 // 1/5!
    s = (-1.0 / 6.0).addingProduct(r2, s)                  // −1/3!
    let sine = r.addingProduct(r * r2, s)
    // cos r = 1 + r²·(−1/2 + r²·C(r²)),  C = 1/4! − r²/6! + ... − r¹⁴/18!
    var c = -1.0 / 6_402_373_705_728_000.0                 // −1/18!
    c = (1.0 / 20_922_789_888_000.0).addingProduct(r2, c)  // 1/16!
    c = (-1.0 / 87_178_291_200.0).addingProduct(r2, c)     // −1/14!
    c = (1.0 / 479_001_600.0).addingProduct(r2, c)         // 1/12!
    c = (-1.0 / 3_628_800.0).addingProduct(r2, c)          // −1/10!
    c = (1.0 / 40_320.0).addingProduct(r2, c)              // 1/8!
    c = (-1.0 / 720.0).addingProduct(r2, c)                // −1/6!
    c = (1.0 / 24.0).addingProduct(r2, c)                  // 1/4!
    let cosine = (1.0 as Double).addingProduct(r2, (-0.5 as Double).addingProduct(r2, c))
    return (sine, cosine)
}

/// sin(x) and cos(x) for a Double, deterministic across CPUs.
@inlinable public func dsincos(_ x: Double) -> (sin: Double, cos: Double) {
    if !x.isFinite { return (.nan, .nan) }
    if x == 0 { return (x, 1) }                                         // keeps sin(−0) = −0
    if Swift.abs(x) <= 0x1.921fb54442d18p-1 { return sinCosKernel(x) }   // |x| ≤ π/4
    let k = (x * twoOverPi).rounded(.toNearestOrEven)
    var r = x.addingProduct(-k, halfPi1)
    r = r.addingProduct(-k, halfPi2)
    r = r.addingProduct(-k, halfPi2Tail)
    let (s, c) = sinCosKernel(r)
    // The quadrant is k mod 4; for |k| ≥ 2^53 every k is even, so the remainder stays exact.
    switch Int64(k.truncatingRemainder(dividingBy: 4)) & 3 {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
}

@inlinable public func dsin(_ x: Double) -> Double { dsincos(x).sin }
@inlinable public func dcos(_ x: Double) -> Double { dsincos(x).cos }

/// base^y for base > 0, deterministic across CPUs, to a few ulp: ln(base) is refined by one
/// Newton step (so its error does not grow with |y·ln base|), and y·ln(base) is carried as a
/// double-double into the exponential. base ≤ 0 or non-finite inputs give NaN (callers pass
/// positive rotary bases).
@inlinable public func dpow(_ base: Double, _ y: Double) -> Double {
    guard base > 0, base.isFinite, y.isFinite else { return .nan }
    if y == 0 || base == 1 { return 1 }
    let l = dlog(base)
    let delta = (-1.0 as Double).addingProduct(base, dexp(-l))   // base·e^−l − 1 ≈ ln(base) − l
    let p = y * l
    let pError = (-p).addingProduct(y, l)                   // exact: y·l − p
    let low = pError.addingProduct(y, delta)
    let e = dexp(p)
    return e.addingProduct(e, low)
}
