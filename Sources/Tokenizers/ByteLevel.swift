// ByteLevel: GPT-2's reversible mapping between the 256 byte values and 256 printable characters.
//
// Byte-level BPE vocabularies store tokens as strings of these stand-in characters, so that every
// token is printable text and every byte sequence is representable. The mapping, as defined by
// GPT-2: bytes that are already printable and not whitespace — 0x21...0x7E, 0xA1...0xAC and
// 0xAE...0xFF — stand for themselves (as the scalar with the same value); the remaining 68 bytes
// (0x00...0x20, 0x7F...0xA0, 0xAD), taken in increasing order, become U+0100, U+0101, ... U+0143.
// So a space (0x20) is "Ġ" (U+0120) and a newline (0x0A) is "Ċ" (U+010A).

public enum ByteLevel {
    /// `scalarForByte[b]` is the stand-in scalar value for byte `b`.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isSelfMapped(UInt8(b)) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `scalarForByte`, keyed by scalar value.
    static let byteForScalar: [UInt32: UInt8] = {
        var inverse: [UInt32: UInt8] = [:]
        for (b, scalar) in scalarForByte.enumerated() { inverse[scalar] = UInt8(b) }
        return inverse
    }()

    static func isSelfMapped(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The vocabulary string for a run of raw bytes.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out = String.UnicodeScalarView()
        for b in bytes { out.append(Unicode.Scalar(scalarForByte[Int(b)])!) }
        return String(out)
    }

    /// The raw bytes of a vocabulary string. Characters outside the mapping (which a well-formed
    /// byte-level vocabulary never contains in normal tokens) contribute their own UTF-8 bytes.
    public static func decode(_ token: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            if let b = byteForScalar[scalar.value] {
                out.append(b)
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }
}
