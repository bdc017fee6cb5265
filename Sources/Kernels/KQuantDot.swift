// Dot products of Q4_K and Q6_K weight rows with Q8_K activation rows (256-element super-blocks).
//
// Legend: n = row length, S = n / 256 super-blocks, e = element index 0..<256 in a super-block.
// Layouts: see TensorType.swift and Dequantize.swift; Q8_K is [f32 d][256 x i8][16 x i16 sums].
//
// Contract (like the 32-element types): super-block s yields one float v_s from exact integer
// sums, v_s goes to lane (s mod 8) of eight partial sums, combined by `reduceLanes`.
//   Q4_K  sub-block j (32 elements) has 6-bit scale sc_j and min m_j:
//         Q = Σ_j sc_j · Σ_{e∈j} q_e·a_e     M = Σ_j m_j · Σ_{e∈j} a_e
//         v_s = (d_a·d)·Float(Q) − (d_a·dmin)·Float(M)
//   Q6_K  sub-block j (16 elements) has int8 scale sc_j, q in 0..<64:
//         Q = Σ_j sc_j · Σ_{e∈j} (q_e − 32)·a_e            v_s = (d_a·d)·Float(Q)
// Q and M are exact in Int32 (|Q| < 2^31 by the value ranges), so the fast path may sum them in
// any order; the float steps are the same in both paths.

#if OVERSEER_HASWELL
import _Builtin_intrinsics.intel
#endif

// MARK: - Scalar reference

/// The six-bit (scale, min) pair j of Q4_K's 12-byte packing (see Dequantize.swift).
@inlinable @inline(__always)
func scaleMinQ4K(_ p: UnsafeRawPointer, _ j: Int) -> (scale: Int32, min: Int32) {
    func u8(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 { return (Int32(u8(j) & 63), Int32(u8(j + 4) & 63)) }
    return (Int32((u8(j + 4) & 0x0F) | (u8(j - 4) >> 6) << 4), Int32((u8(j + 4) >> 4) | (u8(j) >> 6) << 4))
}

/// v_s of one Q4_K super-block `w` against one Q8_K block `a`, element by element.
func superBlockValueQ4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
    var q: Int32 = 0, m: Int32 = 0
    for j in 0..<8 {
        let (sc, mn) = scaleMinQ4K(w + 4, j)
        var qa: Int32 = 0, sa: Int32 = 0
        for e in (32 * j)..<(32 * j + 32) {
            let byte = w.load(fromByteOffset: 16 + 32 * (e / 64) + e % 32, as: UInt8.self)
            let qe = Int32(j % 2 == 0 ? byte & 0x0F : byte >> 4)
            let ae = Int32(a.load(fromByteOffset: 4 + e, as: Int8.self))
            qa += qe * ae
            sa += ae
        }
        q += sc * qa
        m += mn * sa
    }
    let da = a.load(as: Float.self)
    return (da * f16(w)) * Float(q) - (da * f16(w, 2)) * Float(m)
}

/// The unsigned 6-bit quant (0..<64) of element e of a Q6_K super-block (see Dequantize.swift).
@inlinable @inline(__always)
func quantQ6_K(_ w: UnsafeRawPointer, _ e: Int) -> Int32 {
    let h = e / 128, k = (e % 128) / 32, l = e % 32
    let lowByte = w.load(fromByteOffset: 64 * h + l + 32 * (k % 2), as: UInt8.self)
    let low = k < 2 ? lowByte & 0x0F : lowByte >> 4
    let high = (w.load(fromByteOffset: 128 + 32 * h + l, as: UInt8.self) >> UInt8(2 * k)) & 3
    return Int32(low | high << 4)
}

/// v_s of one Q6_K super-block against one Q8_K block, element by element.
func superBlockValueQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
    var q: Int32 = 0
    for j in 0..<16 {
        let sc = Int32(w.load(fromByteOffset: 192 + j, as: Int8.self))
        var qa: Int32 = 0
        for e in (16 * j)..<(16 * j + 16) {
            qa += (quantQ6_K(w, e) - 32) * Int32(a.load(fromByteOffset: 4 + e, as: Int8.self))
        }
        q += sc * qa
    }
    return (a.load(as: Float.self) * f16(w, 208)) * Float(q)
}

// MARK: - Fast integer sums

/// Q and M of a Q4_K super-block (Q8_K block sums give M).
@inlinable @inline(__always)
func sumsQ4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> (q: Int32, m: Int32) {
    var m: Int32 = 0
    var sc = SIMD8<Int32>()
    for j in 0..<8 {
        let (s, mn) = scaleMinQ4K(w + 4, j)
        sc[j] = s
        let bs = Int32(a.load(fromByteOffset: 260 + 4 * j, as: Int16.self))
            + Int32(a.load(fromByteOffset: 262 + 4 * j, as: Int16.self))
        m &+= mn &* bs
    }
    #if OVERSEER_HASWELL
    var acc = __m256i()
    let mask = _mm256_set1_epi8(0x0F)
    for i in 0..<4 {
        let bytes = (w + 16 + 32 * i).loadUnaligned(as: __m256i.self)
        let lo = _mm256_and_si256(bytes, mask)
        let hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), mask)
        let a0 = (a + 4 + 64 * i).loadUnaligned(as: __m256i.self)
        let a1 = (a + 36 + 64 * i).loadUnaligned(as: __m256i.self)
        // pair sums ≤ 2·15·128 in Int16; times the scale (≤ 63) and paired again in Int32
        let p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, a0), _mm256_set1_epi16(Int16(sc[2 * i])))
        let p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, a1), _mm256_set1_epi16(Int16(sc[2 * i + 1])))
        acc = _mm256_add_epi32(acc, _mm256_add_epi32(p0, p1))
    }
    return (horizontalSum(unsafeBitCast(acc, to: SIMD8<Int32>.self)), m)
    #else
    var q: Int32 = 0
    for i in 0..<4 {
        var s0: Int32 = 0, s1: Int32 = 0
        for l in 0..<32 {
            let byte = w.load(fromByteOffset: 16 + 32 * i + l, as: UInt8.self)
            s0 &+= Int32(byte & 0x0F) &* Int32(a.load(fromByteOffset: 4 + 64 * i + l, as: Int8.self))
            s1 &+= Int32(byte >> 4) &* Int32(a.load(fromByteOffset: 36 + 64 * i + l, as: Int8.self))
        }
        q &+= sc[2 * i] &* s0 &+ sc[2 * i + 1] &* s1
    }
    return (q, m)
    #endif
}

/// Q of a Q6_K super-block, as Σ_j sc_j·(Σ q·a) − 32·Σ_j sc_j·(Σ a).
@inlinable @inline(__always)
func sumQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32 {
    var offset: Int32 = 0
    for j in 0..<16 {
        offset &+= Int32(w.load(fromByteOffset: 192 + j, as: Int8.self))
            &* Int32(a.load(fromByteOffset: 260 + 2 * j, as: Int16.self))
    }
    #if OVERSEER_HASWELL
    var acc = __m256i()
    let mask = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3)
    for h in 0..<2 {
        let ql0 = (w + 64 * h).loadUnaligned(as: __m256i.self)
        let ql1 = (w + 64 * h + 32).loadUnaligned(as: __m256i.self)
        let qh = (w + 128 + 32 * h).loadUnaligned(as: __m256i.self)
        for k in 0..<4 {
            let ql = k % 2 == 0 ? ql0 : ql1
            let low = _mm256_and_si256(k < 2 ? ql : _mm256_srli_epi16(ql, 4), mask)
            let high = _mm256_and_si256(_mm256_srli_epi16(qh, Int32(2 * k)), three)
            let q = _mm256_or_si256(low, _mm256_slli_epi16(high, 4))   // 0..<64
            let av = (a + 4 + 128 * h + 32 * k).loadUnaligned(as: __m256i.self)
            let j = 8 * h + 2 * k   // sub-blocks j (low 16 elements) and j+1 (high 16)
            let s0 = Int16(w.load(fromByteOffset: 192 + j, as: Int8.self))
            let s1 = Int16(w.load(fromByteOffset: 193 + j, as: Int8.self))
            let scales = __m256i(lowHalf: _mm_set1_epi16(s0), highHalf: _mm_set1_epi16(s1))
            // pair sums ≤ 2·63·127 < 2^15; times |scale| ≤ 128 and paired again in Int32
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q, av), scales))
        }
    }
    return horizontalSum(unsafeBitCast(acc, to: SIMD8<Int32>.self)) &- 32 &* offset
    #else
    var q: Int32 = 0
    for j in 0..<16 {
        var s: Int32 = 0
        for e in (16 * j)..<(16 * j + 16) {
            s &+= quantQ6_K(w, e) &* Int32(a.load(fromByteOffset: 4 + e, as: Int8.self))
        }
        q &+= Int32(w.load(fromByteOffset: 192 + j, as: Int8.self)) &* s
    }
    return q &- 32 &* offset
    #endif
}

/// Σ of the eight lanes (exact, wrapping never happens for the ranges above).
@inlinable @inline(__always)
func horizontalSum(_ v: SIMD8<Int32>) -> Int32 {
    let h = v.lowHalf &+ v.highHalf
    let q = h.lowHalf &+ h.highHalf
    return q[0] &+ q[1]
}

/// Fast Q4_K row dot; bit-identical to `dotReference`.
@inlinable
func dotQ4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, superBlocks: Int) -> Float {
    var acc = SIMD8<Float>()
    for s in 0..<superBlocks {
        let wb = w + s * 144, ab = a + s * 292
        let (q, m) = sumsQ4_K(wb, ab)
        let da = ab.load(as: Float.self)
        acc[s % 8] += (da * f16(wb)) * Float(q) - (da * f16(wb, 2)) * Float(m)
    }
    return reduceLanes(acc)
}

/// Fast Q6_K row dot; bit-identical to `dotReference`.
@inlinable
func dotQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, superBlocks: Int) -> Float {
    var acc = SIMD8<Float>()
    for s in 0..<superBlocks {
        let wb = w + s * 210, ab = a + s * 292
        acc[s % 8] += (ab.load(as: Float.self) * f16(wb, 208)) * Float(sumQ6_K(wb, ab))
    }
    return reduceLanes(acc)
}
