// Element types of stored tensors, numbered as in the GGUF specification (ggml_type).
//
// Quantized types store blocks of `blockSize` elements in `bytesPerBlock` bytes. The block
// layouts (facts from the GGUF/ggml format documentation) are:
//   Q4_0  [32]  f16 d, 16 B nibbles                      x = d * (q - 8)
//   Q4_1  [32]  f16 d, f16 m, 16 B nibbles               x = d * q + m
//   Q5_0  [32]  f16 d, u32 high bits, 16 B nibbles       x = d * (q - 16)
//   Q5_1  [32]  f16 d, f16 m, u32 high bits, 16 B        x = d * q + m
//   Q8_0  [32]  f16 d, 32 x i8                           x = d * q
//   Q2_K  [256] 16 B scales/mins, 64 B quants, f16 d, f16 dmin
//   Q3_K  [256] 32 B hmask, 64 B quants, 12 B scales, f16 d
//   Q4_K  [256] f16 d, f16 dmin, 12 B scales/mins, 128 B quants
//   Q5_K  [256] f16 d, f16 dmin, 12 B scales/mins, 32 B high bits, 128 B quants
//   Q6_K  [256] 128 B low bits, 64 B high bits, 16 x i8 scales, f16 d
//   Q8_K  [256] f32 d, 256 x i8, 16 x i16 block sums (activations only)

/// The storage type of a tensor, with its ggml/GGUF numeric id as raw value.
public enum TensorType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case bf16 = 30

    /// Elements per block (1 for plain float types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: return 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: return 256
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q4_0: return 2 + 16
        case .q4_1: return 2 + 2 + 16
        case .q5_0: return 2 + 4 + 16
        case .q5_1: return 2 + 2 + 4 + 16
        case .q8_0: return 2 + 32
        case .q8_1: return 2 + 2 + 32
        case .q2_K: return 16 + 64 + 2 + 2
        case .q3_K: return 32 + 64 + 12 + 2
        case .q4_K: return 2 + 2 + 12 + 128
        case .q5_K: return 2 + 2 + 12 + 32 + 128
        case .q6_K: return 128 + 64 + 16 + 2
        case .q8_K: return 4 + 256 + 32
        }
    }

    public var description: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .bf16: return "BF16"
        case .q4_0: return "Q4_0"
        case .q4_1: return "Q4_1"
        case .q5_0: return "Q5_0"
        case .q5_1: return "Q5_1"
        case .q8_0: return "Q8_0"
        case .q8_1: return "Q8_1"
        case .q2_K: return "Q2_K"
        case .q3_K: return "Q3_K"
        case .q4_K: return "Q4_K"
        case .q5_K: return "Q5_K"
        case .q6_K: return "Q6_K"
        case .q8_K: return "Q8_K"
        }
    }

    /// Bytes needed for one row of `count` elements, or nil when `count` is not a whole number
    /// of blocks or the size overflows.
    public func rowBytes(_ count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }
}
