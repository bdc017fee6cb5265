// Dot products of one weight row with one activation row.
//
// Legend: n = row length (elements), blocks = n / 32.
//
// Reduction order is part of the contract. For the 32-element block types each block b yields
// one float v_b; v_b is added to lane (b mod 8) of eight partial sums, which are then combined
// by `reduceLanes`. The scalar reference (`dotReference`) and the SIMD kernels (`dot`) follow
// that order exactly, so they agree to the bit, on every CPU and for every thread count.
// Q4_K and Q6_K do the same per 256-element super-block against Q8_K activations (KQuantDot.swift).
// The fast kernels for the 32-element types live in IntegerDot.swift.
// Float rows (F32/F16/BF16 weights, and any type without an integer kernel) are dequantized and
// multiplied in lanes of 16: element i goes to lane (i mod 16), combined by `reduceLanes16`.

/// Sums eight partial sums in a fixed tree: ((0+4)+(2+6)) + ((1+5)+(3+7)).
@inlinable @inline(__always) public func reduceLanes(_ v: SIMD8<Float>) -> Float {
    let s4 = v.lowHalf + v.highHalf          // [0+4, 1+5, 2+6, 3+7]
    let s2 = s4.lowHalf + s4.highHalf        // [(0+4)+(2+6), (1+5)+(3+7)]
    return s2[0] + s2[1]
}

/// Sums sixteen partial sums in a fixed tree (halves first, then `reduceLanes`).
@inlinable @inline(__always) public func reduceLanes16(_ v: SIMD16<Float>) -> Float {
    reduceLanes(v.lowHalf + v.highHalf)
}

@inlinable @inline(__always) func f16(_ p: UnsafeRawPointer, _ offset: Int = 0) -> Float {
    Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
}

// MARK: - Integer block sums (exact, so any evaluation order gives the same value)

/// Σ q_j a_j for a Q4 block (16 bytes: element j in the low nibble of byte j, element j+16 in
/// the high nibble) against 32 int8 activations, with the nibble offset `bias` subtracted (8 for
/// Q4_0, 0 for Q4_1).
@inlinable @inline(__always)
func blockSumQ4(_ qs: UnsafeRawPointer, _ qa: UnsafeRawPointer, bias: Int16) -> Int32 {
    let w = qs.loadUnaligned(as: SIMD16<UInt8>.self)
    let lo = SIMD16<Int16>(truncatingIfNeeded: w & 0x0F) &- bias
    let hi = SIMD16<Int16>(truncatingIfNeeded: w &>> 4) &- bias
    let a0 = SIMD16<Int16>(truncatingIfNeeded: qa.loadUnaligned(as: SIMD16<Int8>.self))
    let a1 = SIMD16<Int16>(truncatingIfNeeded: qa.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self))
    // each lane: |lo*a0 + hi*a1| <= 2 * 16 * 128, fits Int16
    let p = lo &* a0 &+ hi &* a1
    return SIMD16<Int32>(truncatingIfNeeded: p).wrappedSum()
}

/// Σ q_j a_j for 32 int8 weights against 32 int8 activations.
@inlinable @inline(__always)
func blockSumQ8(_ qw: UnsafeRawPointer, _ qa: UnsafeRawPointer) -> Int32 {
    let w0 = SIMD16<Int16>(truncatingIfNeeded: qw.loadUnaligned(as: SIMD16<Int8>.self))
    let w1 = SIMD16<Int16>(truncatingIfNeeded: qw.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self))
    let a0 = SIMD16<Int16>(truncatingIfNeeded: qa.loadUnaligned(as: SIMD16<Int8>.self))
    let a1 = SIMD16<Int16>(truncatingIfNeeded: qa.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self))
    // products up to 128*128 = 16384 do not fit two to an Int16 lane: widen before adding
    let p0 = SIMD16<Int32>(truncatingIfNeeded: w0 &* a0)
    let p1 = SIMD16<Int32>(truncatingIfNeeded: w1 &* a1)
    return (p0 &+ p1).wrappedSum()
}

/// Σ q_j a_j for a Q5 block: low nibbles as Q4, the fifth bit of element j in bit j of `qh`.
@inlinable @inline(__always)
func blockSumQ5(_ qs: UnsafeRawPointer, qh: UInt32, _ qa: UnsafeRawPointer, bias: Int32) -> Int32 {
    var sum: Int32 = 0
    for j in 0..<16 {
        let byte = qs.load(fromByteOffset: j, as: UInt8.self)
        let q0 = Int32(byte & 0x0F) | Int32((qh >> UInt32(j)) & 1) << 4
        let q1 = Int32(byte >> 4) | Int32((qh >> UInt32(j + 16)) & 1) << 4
        sum += (q0 - bias) * Int32(qa.load(fromByteOffset: j, as: Int8.self))
        sum += (q1 - bias) * Int32(qa.load(fromByteOffset: j + 16, as: Int8.self))
    }
    return sum
}

// MARK: - Per-block values

/// The float contribution v_b of block `b` of a weight row against its activation row.
@inlinable @inline(__always)
func blockValue(_ type: TensorType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ b: Int) -> Float {
    switch type {
    case .q4_0:
        let wb = w + b * 18, ab = a + b * 34
        return (f16(wb) * f16(ab)) * Float(blockSumQ4(wb + 2, ab + 2, bias: 8))
    case .q4_1:
        let wb = w + b * 20, ab = a + b * 36
        let v = (f16(wb) * f16(ab)) * Float(blockSumQ4(wb + 4, ab + 4, bias: 0))
        return v + f16(wb, 2) * f16(ab, 2)
    case .q5_0:
        let wb = w + b * 22, ab = a + b * 34
        let qh = wb.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        return (f16(wb) * f16(ab)) * Float(blockSumQ5(wb + 6, qh: qh, ab + 2, bias: 16))
    case .q5_1:
        let wb = w + b * 24, ab = a + b * 36
        let qh = wb.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let v = (f16(wb) * f16(ab)) * Float(blockSumQ5(wb + 8, qh: qh, ab + 4, bias: 0))
        return v + f16(wb, 2) * f16(ab, 2)
    case .q8_0:
        let wb = w + b * 34, ab = a + b * 34
        return (f16(wb) * f16(ab)) * Float(blockSumQ8(wb + 2, ab + 2))
    default:
        preconditionFailure("no integer kernel for \(type)")
    }
}

/// Whether `type` has an integer block kernel (activations quantized to 8 bits).
@inlinable public func hasIntegerKernel(_ type: TensorType) -> Bool {
    switch type {
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q6_K: return true
    default: return false
    }
}

// MARK: - Row dots

/// Scalar reference: one weight row of `n` elements against its quantized activation row.
public func dotReference(_ type: TensorType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, n: Int) -> Float {
    switch type {
    case .q4_K, .q6_K:
        var lanes = [Float](repeating: 0, count: 8)
        for s in 0..<(n / 256) {
            let wb = w + s * type.bytesPerBlock, ab = a + s * TensorType.q8_K.bytesPerBlock
            lanes[s % 8] += type == .q4_K ? superBlockValueQ4_K(wb, ab) : superBlockValueQ6_K(wb, ab)
        }
        return reduceLanes(SIMD8<Float>(lanes))
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0:
        var lanes = [Float](repeating: 0, count: 8)
        for b in 0..<(n / 32) { lanes[b % 8] += blockValue(type, w, a, b) }
        return reduceLanes(SIMD8<Float>(lanes))
    default:
        break
    }
    var lanes = [Float](repeating: 0, count: 16)
    var buffer = [Float](repeating: 0, count: n)
    buffer.withUnsafeMutableBufferPointer { dequantizeRow(type, from: w, into: $0.baseAddress!, count: n) }
    let x = a.assumingMemoryBound(to: Float.self)
    for i in 0..<n { lanes[i % 16] = lanes[i % 16].addingProduct(buffer[i], x[i]) }
    return reduceLanes16(SIMD16<Float>(lanes))
}

/// Fast dot: same result as `dotReference`, to the bit, on every `KernelPath`. `a` is a row of `QuantizedRows` (for
/// Q8_0/Q8_1 activations the kernels also read the float block scales stored after the blocks).
/// `scratch` holds at least 256 floats (used by types without an integer kernel).
@inlinable
public func dot(_ type: TensorType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, n: Int,
                scratch: UnsafeMutablePointer<Float>) -> Float {
    var out: Float = 0
    if cRows(KernelPath.current, type, w, wStride: 0, 0, 1, m: 1, n: n, a, aStride: 0, tokens: 1, &out) { return out }
    switch type {
    case .q4_0: return dotRow(Q4_0Format.self, w, a, blocks: n / 32)
    case .q4_1: return dotRow(Q4_1Format.self, w, a, blocks: n / 32)
    case .q8_0: return dotRow(Q8_0Format.self, w, a, blocks: n / 32)
    case .q4_K: return dotQ4_K(w, a, superBlocks: n / 256)
    case .q6_K: return dotQ6_K(w, a, superBlocks: n / 256)
    case .q5_0: return dotRow(Q5_0Format.self, w, a, blocks: n / 32)
    case .q5_1:
        var acc = SIMD8<Float>()
        for b in 0..<(n / 32) { acc[b % 8] += blockValue(type, w, a, b) }
        return reduceLanes(acc)
    case .f32:
        return dotF32(w.assumingMemoryBound(to: Float.self), a.assumingMemoryBound(to: Float.self), n: n)
    default:
        return dotDequantized(type, w, a.assumingMemoryBound(to: Float.self), n: n, scratch: scratch)
    }
}

/// One weight row against four activation rows `a` (row t at `a + t * aStride`): four `dot`s,
/// sharing each unpacked weight block where the type has a tiled kernel. Same bits as `dot`.
@inlinable
public func dot4(_ type: TensorType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, aStride: Int, n: Int,
                 scratch: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
    var out = SIMD4<Float>()
    let done = withUnsafeMutableBytes(of: &out) { o in
        cRows(KernelPath.current, type, w, wStride: 0, 0, 1, m: 1, n: n, a, aStride: aStride, tokens: 4,
              o.baseAddress!.assumingMemoryBound(to: Float.self))
    }
    if done { return out }
    let a1 = a + aStride, a2 = a + 2 * aStride, a3 = a + 3 * aStride
    switch type {
    case .q4_0: return dotRow4(Q4_0Format.self, w, a, a1, a2, a3, blocks: n / 32)
    case .q4_1: return dotRow4(Q4_1Format.self, w, a, a1, a2, a3, blocks: n / 32)
    case .q8_0: return dotRow4(Q8_0Format.self, w, a, a1, a2, a3, blocks: n / 32)
    case .q5_0: return dotRow4(Q5_0Format.self, w, a, a1, a2, a3, blocks: n / 32)
    default:
        return SIMD4(dot(type, w, a, n: n, scratch: scratch), dot(type, w, a1, n: n, scratch: scratch),
                     dot(type, w, a2, n: n, scratch: scratch), dot(type, w, a3, n: n, scratch: scratch))
    }
}

/// Σ w_i x_i over F32 rows in lanes of 16 with the fixed `reduceLanes16` order.
@inlinable public func dotF32(_ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        let wv = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD16<Float>.self)
        let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
        acc.addProduct(wv, xv)
        i += 16
    }
    var l = 0
    while i < n { acc[l] = acc[l].addingProduct(w[i], x[i]); i += 1; l += 1 }
    return reduceLanes16(acc)
}

/// Dequantizes the weight row 256 elements at a time and multiplies in lanes of 16.
@inlinable func dotDequantized(_ type: TensorType, _ w: UnsafeRawPointer, _ x: UnsafePointer<Float>,
                               n: Int, scratch: UnsafeMutablePointer<Float>) -> Float {
    let chunk = max(256, type.blockSize)
    precondition(chunk == 256 || n % chunk == 0)
    var acc = SIMD16<Float>()
    var start = 0
    while start < n {
        let len = min(chunk, n - start)
        let bytesBefore = type.rowBytes(start)!
        dequantizeRow(type, from: w + bytesBefore, into: scratch, count: len)
        var i = 0
        while i + 16 <= len {
            let wv = UnsafeRawPointer(scratch + i).loadUnaligned(as: SIMD16<Float>.self)
            let xv = UnsafeRawPointer(x + start + i).loadUnaligned(as: SIMD16<Float>.self)
            acc.addProduct(wv, xv)
            i += 16
        }
        // element index (start + i) mod 16 == i mod 16 because chunks are multiples of 16
        var l = 0
        while i < len { acc[l] = acc[l].addingProduct(scratch[i], x[start + i]); i += 1; l += 1 }
        start += len
    }
    return reduceLanes16(acc)
}
