// The two checksums of a PNG file.
//
// CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320, initial value and final XOR
// 0xFFFFFFFF) guards every PNG chunk over its type and data. Adler-32 (RFC 1950: two sums modulo
// 65521, A starting at 1 and B at 0, result B·65536 + A) guards the uncompressed zlib payload.

import Foundation

public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 of `bytes`, continuing from `crc` (pass a previous result to checksum in pieces).
    public static func checksum<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var c = ~crc
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }
}

public enum Adler32 {
    /// Adler-32 of `bytes`. Sums are reduced every 5552 bytes, the largest run for which B cannot
    /// overflow 32 bits.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = Swift.min(bytes.count, i + 5552)
            while i < end { a &+= UInt32(bytes[i]); b &+= a; i += 1 }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }
}
