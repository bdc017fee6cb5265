// Scalar reference dequantization: stored blocks -> f32, one row at a time.
//
// Legend: count = elements in the row (a whole number of blocks), QK = block size (32 or 256).
//
// These loops are the ground truth that faster paths are tested against, so they favour a
// one-to-one reading of the block layout (see TensorType.swift) over speed. The float operations
// are ordered as the format defines them (`(d * scale) * q - (dmin * min)`), which makes the
// result bit-identical to other faithful implementations; the tests hold them to the `gguf`
// Python package bit for bit.
//
// Super-block ("K") layouts, with element index e in 0..<256 inside the super-block:
//   Q2_K  scale byte s[e/16]: low nibble scale, high nibble min; 2-bit q at
//         qs[32*(e/128) + e%32] bits 2*((e/32)%4);  x = d*sc*q - dmin*m
//   Q3_K  6-bit signed scales (value - 32) packed in 12 bytes; 2 low bits as in Q2_K, third bit
//         in hmask[e%32] bit e/32, and a *clear* bit subtracts 4;  x = d*sc*q
//   Q4_K  eight 6-bit (scale, min) pairs packed in 12 bytes, one per 32 elements; nibbles of
//         qs[32*(e/64) + e%32], low nibble for the first 32 of each 64;  x = d*sc*q - dmin*m
//   Q5_K  as Q4_K plus a fifth bit at qh[e%32] bit e/32
//   Q6_K  low 4 bits in ql, high 2 bits in qh, int8 scale per 16 elements;  x = d*sc*(q - 32)

// MARK: - Scalar conversions

/// IEEE 754 half (binary16) bits to Float, exactly (every half is representable as a Float).
///
/// Written out bit by bit rather than via `Float16`, which is unavailable on some platforms.
@inline(__always)
public func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x03FF)
    if exponent == 0x1F {
        // Infinity or NaN: keep the payload, widen the exponent to all ones.
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }  // signed zero
        // Subnormal half: value = mantissa * 2^-24, exact in Float.
        let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)  // 2^-24
        return sign == 0 ? magnitude : -magnitude
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// bfloat16 bits to Float (bfloat16 is the top half of a Float).
@inline(__always)
public func floatFromBFloat16(_ b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}

// MARK: - Row dequantization

/// Dequantizes one row of `count` elements of `type` from `src` into `dst`.
///
/// `count` must be a whole number of blocks; callers validate tensor shapes beforehand (the GGUF
/// reader guarantees it for every tensor it returns).
///
/// ```swift
/// var row = [Float](repeating: 0, count: view.cols)
/// row.withUnsafeMutableBufferPointer { dequantizeRow(view.type, from: view.row(0), into: $0.baseAddress!, count: view.cols) }
/// ```
public func dequantizeRow(_ type: TensorType, from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
    precondition(count >= 0 && count % type.blockSize == 0,
                 "dequantizeRow: \(count) is not a whole number of \(type) blocks")
    let blocks = count / type.blockSize
    let stride = type.bytesPerBlock
    for b in 0..<blocks {
        let block = src + b * stride
        let out = dst + b * type.blockSize
        switch type {
        case .f32: out[0] = Float(bitPattern: loadU32(block, 0))
        case .f16: out[0] = floatFromHalf(loadU16(block, 0))
        case .bf16: out[0] = floatFromBFloat16(loadU16(block, 0))
        case .q4_0: dequantizeQ4_0(block, out)
        case .q4_1: dequantizeQ4_1(block, out)
        case .q5_0: dequantizeQ5_0(block, out)
        case .q5_1: dequantizeQ5_1(block, out)
        case .q8_0: dequantizeQ8_0(block, out)
        case .q8_1: dequantizeQ8_1(block, out)
        case .q2_K: dequantizeQ2_K(block, out)
        case .q3_K: dequantizeQ3_K(block, out)
        case .q4_K: dequantizeQ4_K(block, out)
        case .q5_K: dequantizeQ5_K(block, out)
        case .q6_K: dequantizeQ6_K(block, out)
        case .q8_K: dequantizeQ8_K(block, out)
        }
    }
}

/// Dequantizes a whole tensor into a new array of `t.count` floats, row by row.
///
/// The view's shape must describe its bytes (true for views from `GGUFFile` and
/// `SafetensorsFile`); a view whose `byteCount` is too small for its shape traps.
public func dequantize(_ t: TensorView) -> [Float] {
    let cols = t.cols, rows = t.rows
    guard let rowBytes = t.type.rowBytes(cols) else {
        preconditionFailure("dequantize: row length \(cols) of \(t.name) is not a whole number of \(t.type) blocks")
    }
    let (total, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
    precondition(!overflow && total <= t.byteCount, "dequantize: \(t.name) needs \(rowBytes)x\(rows) bytes, has \(t.byteCount)")
    var result = [Float](repeating: 0, count: t.count)
    result.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        for r in 0..<rows {
            dequantizeRow(t.type, from: t.data + r * rowBytes, into: base + r * cols, count: cols)
        }
    }
    return result
}

// MARK: - Little-endian loads (unaligned)

@inline(__always) private func loadU8(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 {
    p.load(fromByteOffset: offset, as: UInt8.self)
}

@inline(__always) private func loadI8(_ p: UnsafeRawPointer, _ offset: Int) -> Int8 {
    p.load(fromByteOffset: offset, as: Int8.self)
}

@inline(__always) private func loadU16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
    UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
}

@inline(__always) private func loadU32(_ p: UnsafeRawPointer, _ offset: Int) -> UInt32 {
    UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

@inline(__always) private func loadHalf(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    floatFromHalf(loadU16(p, offset))
}

// MARK: - 32-element blocks

// Q4_0: [d: f16][qs: 16 B]; element i < 16 is the low nibble of qs[i], element 16 + i the high.
private func dequantizeQ4_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    for i in 0..<16 {
        let q = loadU8(b, 2 + i)
        y[i] = d * Float(Int(q & 0x0F) - 8)
        y[i + 16] = d * Float(Int(q >> 4) - 8)
    }
}

// Q4_1: [d: f16][m: f16][qs: 16 B]
private func dequantizeQ4_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0), m = loadHalf(b, 2)
    for i in 0..<16 {
        let q = loadU8(b, 4 + i)
        y[i] = d * Float(q & 0x0F) + m
        y[i + 16] = d * Float(q >> 4) + m
    }
}

// Q5_0: [d: f16][qh: u32][qs: 16 B]; bit i of qh is the fifth bit of element i.
private func dequantizeQ5_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    let qh = loadU32(b, 2)
    for i in 0..<16 {
        let q = loadU8(b, 6 + i)
        let lo = Int(q & 0x0F) | Int((qh >> UInt32(i)) & 1) << 4
        let hi = Int(q >> 4) | Int((qh >> UInt32(i + 16)) & 1) << 4
        y[i] = d * Float(lo - 16)
        y[i + 16] = d * Float(hi - 16)
    }
}

// Q5_1: [d: f16][m: f16][qh: u32][qs: 16 B]
private func dequantizeQ5_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0), m = loadHalf(b, 2)
    let qh = loadU32(b, 4)
    for i in 0..<16 {
        let q = loadU8(b, 8 + i)
        let lo = UInt32(q & 0x0F) | ((qh >> UInt32(i)) & 1) << 4
        let hi = UInt32(q >> 4) | ((qh >> UInt32(i + 16)) & 1) << 4
        y[i] = d * Float(lo) + m
        y[i + 16] = d * Float(hi) + m
    }
}

// Q8_0: [d: f16][qs: 32 x i8]
private func dequantizeQ8_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    for i in 0..<32 { y[i] = d * Float(loadI8(b, 2 + i)) }
}

// Q8_1: [d: f16][s: f16 = d * sum(q)][qs: 32 x i8]; s is only used by dot products.
private func dequantizeQ8_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    for i in 0..<32 { y[i] = d * Float(loadI8(b, 4 + i)) }
}

// MARK: - 256-element super-blocks

// Q2_K: [scales: 16 B][qs: 64 B][d: f16][dmin: f16]
private func dequantizeQ2_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 80), dmin = loadHalf(b, 82)
    for e in 0..<256 {
        let s = loadU8(b, e / 16)
        let scale = d * Float(s & 0x0F)
        let min = dmin * Float(s >> 4)
        let byte = loadU8(b, 16 + 32 * (e / 128) + e % 32)
        let q = (byte >> UInt8(2 * ((e / 32) % 4))) & 3
        y[e] = scale * Float(q) - min
    }
}

// Q3_K: [hmask: 32 B][qs: 64 B][scales: 12 B][d: f16]
//
// Scale j (0..<16) has its low 4 bits in byte j%8 (low nibble for j < 8, high nibble after) and
// its high 2 bits in byte 8 + j%4 at bit 2*(j/4).
private func dequantizeQ3_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 108)
    let scalesAt = 96
    for j in 0..<16 {
        let lowByte = loadU8(b, scalesAt + j % 8)
        let low = j < 8 ? lowByte & 0x0F : lowByte >> 4
        let high = (loadU8(b, scalesAt + 8 + j % 4) >> UInt8(2 * (j / 4))) & 3
        let scale = d * Float(Int(low | high << 4) - 32)
        for e in (16 * j)..<(16 * j + 16) {
            let byte = loadU8(b, 32 + 32 * (e / 128) + e % 32)
            let low = Int((byte >> UInt8(2 * ((e / 32) % 4))) & 3)
            let hbit = (loadU8(b, e % 32) >> UInt8(e / 32)) & 1
            y[e] = scale * Float(low - (hbit == 0 ? 4 : 0))
        }
    }
}

/// The j-th (scale, min) pair (j in 0..<8) of the 12-byte packing shared by Q4_K and Q5_K:
/// pairs 0..<4 are the low 6 bits of bytes j and j+4; pairs 4..<8 take their low 4 bits from
/// byte j+4 (scale: low nibble, min: high nibble) and their top 2 bits from the top of bytes
/// j-4 (scale) and j (min).
@inline(__always)
private func scaleMinK4(_ p: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
    if j < 4 {
        return (loadU8(p, j) & 63, loadU8(p, j + 4) & 63)
    }
    let scale = (loadU8(p, j + 4) & 0x0F) | (loadU8(p, j - 4) >> 6) << 4
    let min = (loadU8(p, j + 4) >> 4) | (loadU8(p, j) >> 6) << 4
    return (scale, min)
}

// Q4_K: [d: f16][dmin: f16][scales: 12 B][qs: 128 B]
private func dequantizeQ4_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    dequantizeK4Layout(b, y, highBitsAt: nil, nibblesAt: 16)
}

// Q5_K: [d: f16][dmin: f16][scales: 12 B][qh: 32 B][qs: 128 B]
private func dequantizeQ5_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    dequantizeK4Layout(b, y, highBitsAt: 16, nibblesAt: 48)
}

/// Q4_K and Q5_K share d, dmin, the packed (scale, min) pairs and the nibble order; Q5_K adds a
/// plane of fifth bits at `highBitsAt`.
@inline(__always)
private func dequantizeK4Layout(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, highBitsAt: Int?, nibblesAt: Int) {
    let d = loadHalf(b, 0), dmin = loadHalf(b, 2)
    let scales = b + 4
    for e in 0..<256 {
        let (sc, m) = scaleMinK4(scales, e / 32)
        let byte = loadU8(b, nibblesAt + 32 * (e / 64) + e % 32)
        var q = (e / 32) % 2 == 0 ? byte & 0x0F : byte >> 4
        if let highBitsAt {
            q |= ((loadU8(b, highBitsAt + e % 32) >> UInt8(e / 32)) & 1) << 4
        }
        y[e] = (d * Float(sc)) * Float(q) - dmin * Float(m)
    }
}

// Q6_K: [ql: 128 B][qh: 64 B][scales: 16 x i8][d: f16]
//
// Within each 128-element half h: element 32*k + l (k in 0..<4, l in 0..<32) takes its low
// nibble from ql[64h + l + 32*(k%2)] (low nibble for k < 2, high nibble otherwise) and its top two
// bits from qh[32h + l] at bit 2k.
private func dequantizeQ6_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 208)
    for e in 0..<256 {
        let h = e / 128, k = (e % 128) / 32, l = e % 32
        let lowByte = loadU8(b, 64 * h + l + 32 * (k % 2))
        let low = k < 2 ? lowByte & 0x0F : lowByte >> 4
        let high = (loadU8(b, 128 + 32 * h + l) >> UInt8(2 * k)) & 3
        let q = Int(low | high << 4) - 32
        let scale = d * Float(loadI8(b, 192 + e / 16))
        y[e] = scale * Float(q)
    }
}

// Q8_K: [d: f32][qs: 256 x i8][bsums: 16 x i16]; bsums only serve dot products.
private func dequantizeQ8_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = Float(bitPattern: loadU32(b, 0))
    for i in 0..<256 { y[i] = d * Float(loadI8(b, 4 + i)) }
}
