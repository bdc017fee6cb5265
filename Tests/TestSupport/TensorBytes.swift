// Float arrays to stored tensor bytes, including simple reference quantizers for test models.
//
// Legend: n = number of values (a multiple of the block size for quantized types).
import Kernels

/// Encoders from `[Float]` to the little-endian bytes of a stored tensor.
public enum TensorBytes {
    /// Encodes `values` as `type` (F32, F16, BF16, Q8_0, Q5_0 or Q4_1; other types trap).
    public static func encode(_ values: [Float], as type: TensorType) -> [UInt8] {
        switch type {
        case .f32: return f32(values)
        case .f16: return f16(values)
        case .bf16: return bf16(values)
        case .q8_0: return q8_0(values)
        case .q4_1: return q4_1(values)
        case .q5_0: return q5_0(values)
        default: preconditionFailure("TensorBytes cannot encode \(type)")
        }
    }

    /// [n] -> 4n bytes
    public static func f32(_ values: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        return out
    }

    /// [n] -> 2n bytes, rounded to nearest even.
    public static func f16(_ values: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 2)
        for v in values { appendU16(halfBits(v), to: &out) }
        return out
    }

    /// [n] -> 2n bytes, rounded to nearest even (NaN stays NaN).
    public static func bf16(_ values: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 2)
        for v in values {
            let bits = v.bitPattern
            let b: UInt16
            if v.isNaN {
                b = UInt16(bits >> 16) | 0x0040
            } else {
                let roundingBias = 0x7FFF + ((bits >> 16) & 1)
                b = UInt16((bits &+ roundingBias) >> 16)
            }
            appendU16(b, to: &out)
        }
        return out
    }

    /// Q8_0 blocks: per 32 values, d = max|x| / 127 (stored f16), q = round(x / d).
    public static func q8_0(_ values: [Float]) -> [UInt8] {
        precondition(values.count % 32 == 0, "Q8_0 needs a multiple of 32 values")
        var out: [UInt8] = []
        out.reserveCapacity(values.count / 32 * TensorType.q8_0.bytesPerBlock)
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = values[start..<(start + 32)]
            let amax = block.reduce(Float(0)) { max($0, abs($1)) }
            let d = amax / 127
            let inverse: Float = d == 0 ? 0 : 1 / d
            appendU16(halfBits(d), to: &out)
            for x in block {
                let q = min(max(Int((x * inverse).rounded()), -127), 127)
                out.append(UInt8(bitPattern: Int8(q)))
            }
        }
        return out
    }

    /// Q5_0 blocks [d: f16][qh: u32][qs: 16 B]: per 32 values, d = max|x| / 15 (sign kept so
    /// the largest magnitude maps to -16), q = round(x / d) + 16 in 0...31; value i < 16 in the
    /// low nibble of qs[i], i + 16 in the high nibble, the fifth bit of value i in bit i of qh.
    /// Rounds as trunc(x / d + 16.5), like the `gguf` package's quantizer.
    public static func q5_0(_ values: [Float]) -> [UInt8] {
        precondition(values.count % 32 == 0, "Q5_0 needs a multiple of 32 values")
        var out: [UInt8] = []
        out.reserveCapacity(values.count / 32 * TensorType.q5_0.bytesPerBlock)
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = Array(values[start..<(start + 32)])
            let extreme = block.max { abs($0) < abs($1) }!
            let d = extreme / -16
            let inverse: Float = d == 0 ? 0 : 1 / d
            let q = block.map { UInt32(min(max(Int(($0 * inverse + 16.5).rounded(.towardZero)), 0), 31)) }
            appendU16(halfBits(d), to: &out)
            var qh: UInt32 = 0
            for i in 0..<32 { qh |= (q[i] >> 4) << UInt32(i) }
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: qh >> UInt32(8 * k))) }
            for i in 0..<16 { out.append(UInt8(q[i] & 0x0F) | UInt8(q[i + 16] & 0x0F) << 4) }
        }
        return out
    }

    /// Q4_1 blocks: per 32 values, d = (max - min) / 15 and m = min (both f16),
    /// q = trunc((x - min) / d + 0.5) in 0...15; values 0..<16 in the low nibbles, 16..<32 high.
    public static func q4_1(_ values: [Float]) -> [UInt8] {
        precondition(values.count % 32 == 0, "Q4_1 needs a multiple of 32 values")
        var out: [UInt8] = []
        out.reserveCapacity(values.count / 32 * TensorType.q4_1.bytesPerBlock)
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = Array(values[start..<(start + 32)])
            let lo = block.min()!, hi = block.max()!
            let d = (hi - lo) / 15
            let inverse: Float = d == 0 ? 0 : 1 / d
            appendU16(halfBits(d), to: &out)
            appendU16(halfBits(lo), to: &out)
            let q = block.map { UInt8(min(max(Int((($0 - lo) * inverse + 0.5).rounded(.towardZero)), 0), 15)) }
            for i in 0..<16 { out.append(q[i] | q[i + 16] << 4) }
        }
        return out
    }

    /// IEEE binary16 bits of `f`, round to nearest even, overflow to infinity.
    public static func halfBits(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        var mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {  // inf / NaN
            return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x0200 | UInt16(mantissa >> 13))
        }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            // Half subnormal (or zero): shift the full significand into place, then round.
            if e < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - e)
            var result = mantissa >> shift
            let rest = mantissa & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if rest > halfway || (rest == halfway && result & 1 == 1) { result += 1 }
            return sign | UInt16(result)
        }
        var result = UInt32(e) << 10 | mantissa >> 13
        let rest = mantissa & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && result & 1 == 1) { result += 1 }  // a carry may reach infinity, correctly
        return sign | UInt16(result)
    }

    private static func appendU16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v & 0xFF))
        out.append(UInt8(v >> 8))
    }
}
