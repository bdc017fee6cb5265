// Fast row dots for the 32-element block types, eight blocks at a time, for one token (decode)
// or a tile of four tokens sharing each unpacked weight block (prefill).
//
// Legend: n = row length, blocks = n / 32, group = 8 consecutive blocks b..<b+8.
//
// Same numbers as `dotReference` (VecDot.swift), to the bit: a block's integer sum Σ q_w·q_a is
// exact however it is computed, so the only float operations are the per-block
// `(d_w·d_a)·Float(sum) [+ m_w·s_a]` and the lane-wise accumulation, done here for the eight
// blocks of a group as one SIMD8 operation whose lane l is block b+l, i.e. lane (b+l) mod 8 —
// exactly the reference's order. Missing blocks of a short last group contribute +0.0, which
// leaves an accumulator lane unchanged (a lane is never -0.0: it starts at +0.0 and x + y is
// -0.0 only when both are).
//
// With OVERSEER_HASWELL (AVX2) a block's integer sum is vpmaddubsw/vpmaddwd on 32 bytes, and the
// eight sums of a group are gathered into one vector with a vphaddd tree; elsewhere the same
// sums come from scalar loops.

#if OVERSEER_HASWELL
import _Builtin_intrinsics.intel
#endif

/// A 32-element weight block type with an integer kernel against 8-bit activation blocks.
@usableFromInline protocol Block32Format {
    /// Bytes of a weight block and offset of its quants.
    static var weightBytes: Int { get }
    static var weightQuants: Int { get }
    /// Bytes of the matching activation block (Q8_0 or Q8_1) and offset of its quants.
    static var activationBytes: Int { get }
    static var activationQuants: Int { get }
    /// Σ q_w·q_a of one block (portable path); pointers at the quants.
    static func blockSum(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32
    /// Float values of the blocks of a group from their integer sums; `w` at block b, `scales`
    /// (and `blockSums`, Q8_1 only) at the activation's float d (and s) of block b; lanes at or
    /// past `count` must be +0.0.
    static func values(_ sums: SIMD8<Int32>, _ w: UnsafeRawPointer, scales: UnsafeRawPointer,
                       blockSums: UnsafeRawPointer, count: Int) -> SIMD8<Float>
    #if OVERSEER_HASWELL
    /// The 32 weights of a block as bytes ready for `product` (pointer at the quants).
    static func weights(_ qs: UnsafeRawPointer) -> __m256i
    /// Eight Int32 partial sums of Σ w·a for prepared weights and 32 int8 activations.
    static func product(_ w: __m256i, _ a: __m256i) -> __m256i
    #endif
}

/// f16 values at `p + i * stride` for i < count, else 0, as floats.
@inlinable @inline(__always)
func halves8(_ p: UnsafeRawPointer, stride: Int, count: Int) -> SIMD8<Float> {
    var bits = SIMD8<UInt16>()
    for i in 0..<8 where i < count { bits[i] = p.loadUnaligned(fromByteOffset: i * stride, as: UInt16.self) }
    #if OVERSEER_HASWELL
    return _mm256_cvtph_ps(unsafeBitCast(bits, to: __m128i.self))
    #else
    var out = SIMD8<Float>()
    for i in 0..<8 { out[i] = floatFromHalf(bits[i]) }
    return out
    #endif
}

/// The two f16 values at `p + i * stride` and `p + i * stride + 2` (Q4_1's d and m) for
/// i < count, else 0, as floats: one 32-bit load per block instead of two 16-bit ones.
@inlinable @inline(__always)
func halfPairs8(_ p: UnsafeRawPointer, stride: Int, count: Int) -> (SIMD8<Float>, SIMD8<Float>) {
    var words = SIMD8<UInt32>()
    for i in 0..<8 where i < count { words[i] = p.loadUnaligned(fromByteOffset: i * stride, as: UInt32.self) }
    #if OVERSEER_HASWELL
    // per 128-bit lane: bytes of the four low halves, then of the four high halves
    let split = _mm256_shuffle_epi8(unsafeBitCast(words, to: __m256i.self),
                                    _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15,
                                                     0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15))
    let lo = split.lowHalf, hi = split.highHalf
    return (_mm256_cvtph_ps(_mm_unpacklo_epi64(lo, hi)), _mm256_cvtph_ps(_mm_unpackhi_epi64(lo, hi)))
    #else
    var d = SIMD8<Float>(), m = SIMD8<Float>()
    for i in 0..<8 {
        d[i] = floatFromHalf(UInt16(truncatingIfNeeded: words[i]))
        m[i] = floatFromHalf(UInt16(truncatingIfNeeded: words[i] >> 16))
    }
    return (d, m)
    #endif
}

/// Byte offset of the float block scales after `blocks` activation blocks (32-byte aligned).
@inlinable @inline(__always)
func activationScalesOffset(blocks: Int, blockBytes: Int) -> Int { (blocks * blockBytes + 31) & ~31 }

/// `blocks` rounded up to a whole number of groups of eight.
@inlinable @inline(__always)
func paddedBlocks(_ blocks: Int) -> Int { (blocks + 7) & ~7 }

/// Int32 lanes to Float (round to nearest even, as `Float(Int32)`).
@inlinable @inline(__always)
func floats(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    #if OVERSEER_HASWELL
    return _mm256_cvtepi32_ps(unsafeBitCast(v, to: __m256i.self))
    #else
    var out = SIMD8<Float>()
    for i in 0..<8 { out[i] = Float(v[i]) }
    return out
    #endif
}

/// Lane-wise a·b (IEEE, never fused).
@inlinable @inline(__always)
func mul8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if OVERSEER_HASWELL
    return _mm256_mul_ps(a, b)
    #else
    return a * b
    #endif
}

/// Lane-wise a + b.
@inlinable @inline(__always)
func add8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if OVERSEER_HASWELL
    return _mm256_add_ps(a, b)
    #else
    return a + b
    #endif
}

@usableFromInline enum Q4_0Format: Block32Format {
    @usableFromInline static var weightBytes: Int { 18 }
    @usableFromInline static var weightQuants: Int { 2 }
    @usableFromInline static var activationBytes: Int { 34 }
    @usableFromInline static var activationQuants: Int { 2 }
    @inlinable @inline(__always)
    static func blockSum(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32 { scalarSumQ4(w, a, bias: 8) }
    @inlinable @inline(__always)
    static func values(_ sums: SIMD8<Int32>, _ w: UnsafeRawPointer, scales: UnsafeRawPointer,
                       blockSums: UnsafeRawPointer, count: Int) -> SIMD8<Float> {
        let dw = halves8(w, stride: 18, count: count), da = scales.loadUnaligned(as: SIMD8<Float>.self)
        return mul8(mul8(dw, da), floats(sums))
    }
    #if OVERSEER_HASWELL
    @inlinable @inline(__always)
    static func weights(_ qs: UnsafeRawPointer) -> __m256i {
        _mm256_sub_epi8(nibbles(qs), _mm256_set1_epi8(8))
    }
    @inlinable @inline(__always)
    static func product(_ w: __m256i, _ a: __m256i) -> __m256i { signedProduct(w, a) }
    #endif
}

@usableFromInline enum Q4_1Format: Block32Format {
    @usableFromInline static var weightBytes: Int { 20 }
    @usableFromInline static var weightQuants: Int { 4 }
    @usableFromInline static var activationBytes: Int { 36 }
    @usableFromInline static var activationQuants: Int { 4 }
    @inlinable @inline(__always)
    static func blockSum(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32 { scalarSumQ4(w, a, bias: 0) }
    @inlinable @inline(__always)
    static func values(_ sums: SIMD8<Int32>, _ w: UnsafeRawPointer, scales: UnsafeRawPointer,
                       blockSums: UnsafeRawPointer, count: Int) -> SIMD8<Float> {
        let (dw, mw) = halfPairs8(w, stride: 20, count: count)
        let da = scales.loadUnaligned(as: SIMD8<Float>.self), sa = blockSums.loadUnaligned(as: SIMD8<Float>.self)
        return add8(mul8(mul8(dw, da), floats(sums)), mul8(mw, sa))
    }
    #if OVERSEER_HASWELL
    @inlinable @inline(__always)
    static func weights(_ qs: UnsafeRawPointer) -> __m256i { nibbles(qs) }
    @inlinable @inline(__always)
    static func product(_ w: __m256i, _ a: __m256i) -> __m256i {
        // unsigned nibbles (0...15) times int8: pair sums ≤ 2·15·128, no saturation
        _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1))
    }
    #endif
}

@usableFromInline enum Q8_0Format: Block32Format {
    @usableFromInline static var weightBytes: Int { 34 }
    @usableFromInline static var weightQuants: Int { 2 }
    @usableFromInline static var activationBytes: Int { 34 }
    @usableFromInline static var activationQuants: Int { 2 }
    @inlinable @inline(__always)
    static func blockSum(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32 {
        var s: Int32 = 0
        for j in 0..<32 {
            s &+= Int32(w.load(fromByteOffset: j, as: Int8.self)) &* Int32(a.load(fromByteOffset: j, as: Int8.self))
        }
        return s
    }
    @inlinable @inline(__always)
    static func values(_ sums: SIMD8<Int32>, _ w: UnsafeRawPointer, scales: UnsafeRawPointer,
                       blockSums: UnsafeRawPointer, count: Int) -> SIMD8<Float> {
        let dw = halves8(w, stride: 34, count: count), da = scales.loadUnaligned(as: SIMD8<Float>.self)
        return mul8(mul8(dw, da), floats(sums))
    }
    #if OVERSEER_HASWELL
    @inlinable @inline(__always)
    static func weights(_ qs: UnsafeRawPointer) -> __m256i { qs.loadUnaligned(as: __m256i.self) }
    @inlinable @inline(__always)
    static func product(_ w: __m256i, _ a: __m256i) -> __m256i { signedProduct(w, a) }
    #endif
}

/// Q5_0: [d: f16][qh: u32][qs: 16 B]; element j < 16 is the low nibble of qs[j], element j + 16
/// the high nibble, bit j of qh the fifth bit of element j; the weight is that 5-bit value - 16.
@usableFromInline enum Q5_0Format: Block32Format {
    @usableFromInline static var weightBytes: Int { 22 }
    @usableFromInline static var weightQuants: Int { 6 }
    @usableFromInline static var activationBytes: Int { 34 }
    @usableFromInline static var activationQuants: Int { 2 }
    @inlinable @inline(__always)
    static func blockSum(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int32 {
        let qh = (w - 4).loadUnaligned(as: UInt32.self)
        var s: Int32 = 0
        for j in 0..<16 {
            let byte = w.load(fromByteOffset: j, as: UInt8.self)
            let lo = Int32(byte & 0x0F) | Int32((qh >> UInt32(j)) & 1) << 4
            let hi = Int32(byte >> 4) | Int32((qh >> UInt32(j + 16)) & 1) << 4
            s &+= (lo &- 16) &* Int32(a.load(fromByteOffset: j, as: Int8.self))
            s &+= (hi &- 16) &* Int32(a.load(fromByteOffset: j + 16, as: Int8.self))
        }
        return s
    }
    @inlinable @inline(__always)
    static func values(_ sums: SIMD8<Int32>, _ w: UnsafeRawPointer, scales: UnsafeRawPointer,
                       blockSums: UnsafeRawPointer, count: Int) -> SIMD8<Float> {
        let dw = halves8(w, stride: 22, count: count), da = scales.loadUnaligned(as: SIMD8<Float>.self)
        return mul8(mul8(dw, da), floats(sums))
    }
    #if OVERSEER_HASWELL
    /// Byte j of the 32 weights is element j (the order `nibbles` produces); its fifth bit is
    /// bit j of qh: broadcast qh, give byte j the qh byte j / 8, test bit j mod 8.
    @inlinable @inline(__always)
    static func weights(_ qs: UnsafeRawPointer) -> __m256i {
        let qh = (qs - 4).loadUnaligned(as: Int32.self)
        let spread = _mm256_shuffle_epi8(_mm256_set1_epi32(qh), q5ByteOfBit)
        let isSet = _mm256_cmpeq_epi8(_mm256_and_si256(spread, q5BitInByte), q5BitInByte)
        let fifth = _mm256_and_si256(isSet, _mm256_set1_epi8(0x10))
        return _mm256_sub_epi8(_mm256_or_si256(nibbles(qs), fifth), _mm256_set1_epi8(16))
    }
    @inlinable @inline(__always)
    static func product(_ w: __m256i, _ a: __m256i) -> __m256i { signedProduct(w, a) }
    #endif
}

#if OVERSEER_HASWELL
/// Per byte j: the index of qh's byte j / 8 within each 128-bit lane of a broadcast u32
/// (vpshufb indexes per lane: lane 0 holds bytes 0..<16, lane 1 bytes 16..<32).
@inlinable var q5ByteOfBit: __m256i {
    @inline(__always) get {
        unsafeBitCast(SIMD32<UInt8>(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                    2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3), to: __m256i.self)
    }
}
/// Per byte j: 1 << (j mod 8).
@inlinable var q5BitInByte: __m256i {
    @inline(__always) get {
        unsafeBitCast(SIMD32<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
                                    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128), to: __m256i.self)
    }
}
#endif

/// Σ (q - bias)·a over a Q4 block (element j low nibble of byte j, element j+16 high nibble).
@inlinable @inline(__always)
func scalarSumQ4(_ qs: UnsafeRawPointer, _ qa: UnsafeRawPointer, bias: Int32) -> Int32 {
    var s: Int32 = 0
    for j in 0..<16 {
        let byte = qs.load(fromByteOffset: j, as: UInt8.self)
        s &+= (Int32(byte & 0x0F) &- bias) &* Int32(qa.load(fromByteOffset: j, as: Int8.self))
        s &+= (Int32(byte >> 4) &- bias) &* Int32(qa.load(fromByteOffset: j + 16, as: Int8.self))
    }
    return s
}

#if OVERSEER_HASWELL
/// 16 bytes of nibbles → 32 bytes: low nibbles (elements 0..<16), then high nibbles (16..<32).
@inlinable @inline(__always)
func nibbles(_ qs: UnsafeRawPointer) -> __m256i {
    let x = qs.loadUnaligned(as: __m128i.self)
    let both = __m256i(lowHalf: x, highHalf: _mm_srli_epi16(x, 4))
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F))
}

/// Σ w·a in eight Int32 lanes for signed w (|w| ≤ 128) and a (|a| ≤ 127): |w| times a with w's
/// sign, so vpmaddubsw's unsigned operand is |w|; pair sums ≤ 2·128·127 < 2^15, no saturation.
@inlinable @inline(__always)
func signedProduct(_ w: __m256i, _ a: __m256i) -> __m256i {
    _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w)), _mm256_set1_epi16(1))
}

/// Lane l = sum of the eight lanes of v_l, for eight vectors given as two hadd quads.
@inlinable @inline(__always)
func combineQuads(_ q0123: __m256i, _ q4567: __m256i) -> SIMD8<Int32> {
    let a = unsafeBitCast(q0123, to: SIMD8<Int32>.self), b = unsafeBitCast(q4567, to: SIMD8<Int32>.self)
    return SIMD8<Int32>(lowHalf: a.lowHalf &+ a.highHalf, highHalf: b.lowHalf &+ b.highHalf)
}
#endif

// MARK: - One token

/// Integer sums of the blocks of the group at block `b` (count ≤ 8 of them), lane l = block b+l.
@inlinable @inline(__always)
func groupSums<F: Block32Format>(_: F.Type, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> SIMD8<Int32> {
    #if OVERSEER_HASWELL
    @inline(__always) func block(_ j: Int) -> __m256i {
        if j >= count { return __m256i() }
        let wq = F.weights(w + j * F.weightBytes + F.weightQuants)
        let aq = (a + j * F.activationBytes + F.activationQuants).loadUnaligned(as: __m256i.self)
        return F.product(wq, aq)
    }
    let q0123 = _mm256_hadd_epi32(_mm256_hadd_epi32(block(0), block(1)), _mm256_hadd_epi32(block(2), block(3)))
    let q4567 = _mm256_hadd_epi32(_mm256_hadd_epi32(block(4), block(5)), _mm256_hadd_epi32(block(6), block(7)))
    return combineQuads(q0123, q4567)
    #else
    var s = SIMD8<Int32>()
    for j in 0..<count {
        s[j] = F.blockSum(w + j * F.weightBytes + F.weightQuants, a + j * F.activationBytes + F.activationQuants)
    }
    return s
    #endif
}

/// One weight row against one prepared activation row (`QuantizedRows`); bit-identical to
/// `dotReference`. Specialised here, where the generic body lives: a caller in another file of
/// an incremental (debug) build cannot specialise it and would go through protocol witnesses on
/// every block (ten times slower).
@_specialize(exported: false, where F == Q4_0Format)
@_specialize(exported: false, where F == Q4_1Format)
@_specialize(exported: false, where F == Q8_0Format)
@_specialize(exported: false, where F == Q5_0Format)
@inlinable
func dotRow<F: Block32Format>(_ format: F.Type, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    let scales = a + activationScalesOffset(blocks: blocks, blockBytes: F.activationBytes)
    let blockSums = scales + 4 * paddedBlocks(blocks)
    var acc = SIMD8<Float>()
    @inline(__always) func group(_ b: Int, _ k: Int) {
        let wb = w + b * F.weightBytes, ab = a + b * F.activationBytes
        acc = add8(acc, F.values(groupSums(format, wb, ab, count: k), wb, scales: scales + 4 * b,
                                 blockSums: blockSums + 4 * b, count: k))
    }
    var b = 0
    while b + 8 <= blocks { group(b, 8); b += 8 }
    if b < blocks { group(b, blocks - b) }
    return reduceLanes(acc)
}

// MARK: - Four tokens

/// Integer sums of a group for four activation rows at once, each weight block unpacked once.
@inlinable @inline(__always)
func groupSums4<F: Block32Format>(_: F.Type, _ w: UnsafeRawPointer, _ a0: UnsafeRawPointer, _ a1: UnsafeRawPointer,
                                  _ a2: UnsafeRawPointer, _ a3: UnsafeRawPointer, count: Int)
    -> (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
    #if OVERSEER_HASWELL
    typealias V4 = (__m256i, __m256i, __m256i, __m256i)
    @inline(__always) func block(_ j: Int) -> V4 {
        if j >= count { return (__m256i(), __m256i(), __m256i(), __m256i()) }
        let wq = F.weights(w + j * F.weightBytes + F.weightQuants)
        let o = j * F.activationBytes + F.activationQuants
        return (F.product(wq, (a0 + o).loadUnaligned(as: __m256i.self)),
                F.product(wq, (a1 + o).loadUnaligned(as: __m256i.self)),
                F.product(wq, (a2 + o).loadUnaligned(as: __m256i.self)),
                F.product(wq, (a3 + o).loadUnaligned(as: __m256i.self)))
    }
    @inline(__always) func hadd(_ x: V4, _ y: V4) -> V4 {
        (_mm256_hadd_epi32(x.0, y.0), _mm256_hadd_epi32(x.1, y.1),
         _mm256_hadd_epi32(x.2, y.2), _mm256_hadd_epi32(x.3, y.3))
    }
    let q0123 = hadd(hadd(block(0), block(1)), hadd(block(2), block(3)))
    let q4567 = hadd(hadd(block(4), block(5)), hadd(block(6), block(7)))
    return (combineQuads(q0123.0, q4567.0), combineQuads(q0123.1, q4567.1),
            combineQuads(q0123.2, q4567.2), combineQuads(q0123.3, q4567.3))
    #else
    return (groupSums(F.self, w, a0, count: count), groupSums(F.self, w, a1, count: count),
            groupSums(F.self, w, a2, count: count), groupSums(F.self, w, a3, count: count))
    #endif
}

/// One weight row against four prepared activation rows; each result bit-identical to
/// `dotReference`.
@_specialize(exported: false, where F == Q4_0Format)
@_specialize(exported: false, where F == Q4_1Format)
@_specialize(exported: false, where F == Q8_0Format)
@_specialize(exported: false, where F == Q5_0Format)
@inlinable
func dotRow4<F: Block32Format>(_ format: F.Type, _ w: UnsafeRawPointer, _ a0: UnsafeRawPointer, _ a1: UnsafeRawPointer,
                               _ a2: UnsafeRawPointer, _ a3: UnsafeRawPointer, blocks: Int) -> SIMD4<Float> {
    let scales = activationScalesOffset(blocks: blocks, blockBytes: F.activationBytes)
    let blockSums = scales + 4 * paddedBlocks(blocks)
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
    @inline(__always) func group(_ b: Int, _ k: Int) {
        let wb = w + b * F.weightBytes, o = b * F.activationBytes, so = scales + 4 * b, bo = blockSums + 4 * b
        let s = groupSums4(format, wb, a0 + o, a1 + o, a2 + o, a3 + o, count: k)
        c0 = add8(c0, F.values(s.0, wb, scales: a0 + so, blockSums: a0 + bo, count: k))
        c1 = add8(c1, F.values(s.1, wb, scales: a1 + so, blockSums: a1 + bo, count: k))
        c2 = add8(c2, F.values(s.2, wb, scales: a2 + so, blockSums: a2 + bo, count: k))
        c3 = add8(c3, F.values(s.3, wb, scales: a3 + so, blockSums: a3 + bo, count: k))
    }
    var b = 0
    while b + 8 <= blocks { group(b, 8); b += 8 }
    if b < blocks { group(b, blocks - b) }
    return SIMD4(reduceLanes(c0), reduceLanes(c1), reduceLanes(c2), reduceLanes(c3))
}
