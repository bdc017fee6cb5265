// Quantization of activations (the right-hand vector of a matrix product).
//
// Integer dot products against quantized weights need the activation quantized to a matching
// 8-bit block type: Q8_0 for Q4_0/Q5_0/Q8_0 weights, Q8_1 (which also stores d * sum(q)) for
// Q4_1/Q5_1, Q8_K for the K-quants. Each block of 32 (or 256) values gets the scale
// d = max|x| / 127 and q = round(x / d), rounding half away from zero; d is stored as f16 for
// Q8_0/Q8_1 and as f32 for Q8_K. This is the scheme GGUF engines use, so our products see the
// same rounding of activations as theirs.
//
// Layouts (bytes): Q8_0 [f16 d][32 x i8]; Q8_1 [f16 d][f16 s][32 x i8];
//                  Q8_K [f32 d][256 x i8][16 x i16 sums of 16].

@inlinable func roundHalfAway(_ v: Float) -> Int8 {
    Int8(v.rounded(.toNearestOrAwayFromZero))
}

/// Quantizes `count` floats (a multiple of 32) into Q8_0 blocks at `dst`.
public func quantizeRowQ8_0(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    precondition(count % 32 == 0)
    for b in 0..<(count / 32) {
        let src = x + b * 32
        let block = dst + b * 34
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(src[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        block.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
        let q = (block + 2).assumingMemoryBound(to: Int8.self)
        for j in 0..<32 { q[j] = roundHalfAway(src[j] * id) }
    }
}

/// Quantizes `count` floats (a multiple of 32) into Q8_1 blocks at `dst`.
public func quantizeRowQ8_1(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    precondition(count % 32 == 0)
    for b in 0..<(count / 32) {
        let src = x + b * 32
        let block = dst + b * 36
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(src[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        let q = (block + 4).assumingMemoryBound(to: Int8.self)
        var sum: Int32 = 0
        for j in 0..<32 {
            let v = roundHalfAway(src[j] * id)
            q[j] = v
            sum += Int32(v)
        }
        block.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
        (block + 2).storeBytes(of: Float16(Float(sum) * d).bitPattern, as: UInt16.self)
    }
}

/// Quantizes `count` floats (a multiple of 256) into Q8_K blocks at `dst`.
public func quantizeRowQ8_K(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    precondition(count % 256 == 0)
    for b in 0..<(count / 256) {
        let src = x + b * 256
        let block = dst + b * 292
        var amax: Float = 0
        for j in 0..<256 { amax = max(amax, abs(src[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        block.storeBytes(of: d, as: Float.self)
        let q = (block + 4).assumingMemoryBound(to: Int8.self)
        for j in 0..<256 { q[j] = roundHalfAway(src[j] * id) }
        let sums = (block + 260)
        for g in 0..<16 {
            var s: Int16 = 0
            for j in 0..<16 { s += Int16(q[g * 16 + j]) }
            sums.storeBytes(of: s, toByteOffset: g * 2, as: Int16.self)
        }
    }
}

/// Converts `count` floats to f16.
public func quantizeRowF16(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    let h = dst.assumingMemoryBound(to: UInt16.self)
    for j in 0..<count { h[j] = Float16(x[j]).bitPattern }
}

/// Which activation type pairs with a weight type in a dot product.
public func activationType(for weight: TensorType) -> TensorType {
    switch weight {
    case .q4_0, .q5_0, .q8_0: return .q8_0
    case .q4_1, .q5_1: return .q8_1
    case .q4_K, .q6_K: return .q8_K
    // Q2_K, Q3_K, Q5_K have no integer kernel yet: their rows are dequantized and multiplied
    // with float activations.
    default: return .f32
    }
}

/// Quantizes one row of activations to `type` (Q8_0, Q8_1, Q8_K, F16 or F32).
public func quantizeActivationRow(_ type: TensorType, _ x: UnsafePointer<Float>,
                                  _ dst: UnsafeMutableRawPointer, count: Int) {
    switch type {
    case .q8_0: quantizeRowQ8_0(x, dst, count: count)
    case .q8_1: quantizeRowQ8_1(x, dst, count: count)
    case .q8_K: quantizeRowQ8_K(x, dst, count: count)
    case .f16: quantizeRowF16(x, dst, count: count)
    default: dst.copyMemory(from: x, byteCount: count * 4)
    }
}
