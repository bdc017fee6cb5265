// A zlib/deflate decoder (RFC 1950 and RFC 1951), enough to read any PNG's image data.
//
// zlib stream: CMF (method 8 = deflate, CINFO ≤ 7 = window ≤ 32 KiB), FLG (CMF·256 + FLG divisible
// by 31, no preset dictionary), deflate data, then the Adler-32 of the output, big-endian.
// Deflate data: blocks, each starting with BFINAL (1 bit) and BTYPE (2 bits): 0 stored (byte-aligned
// LEN, NLEN = ~LEN, raw bytes), 1 fixed Huffman codes, 2 dynamic Huffman codes (code-length code,
// then literal/length and distance code lengths, run-length coded with symbols 16, 17, 18), 3 is
// invalid. Bits are read least significant first; Huffman codes are packed most significant bit
// first, which is why the decoder below walks a code one bit at a time from the top.
//
// Hostile input: every read is bounds-checked, over-subscribed codes are rejected, distances may
// not reach before the output's start, and the output may not exceed the size the caller expects.

import Foundation

public enum Inflate {
    /// Decompresses a zlib stream, checking its header and Adler-32.
    ///
    /// - Parameter maxOutput: the most bytes the caller accepts (a PNG knows its exact size).
    public static func zlibDecompress(_ data: [UInt8], maxOutput: Int) throws -> [UInt8] {
        guard data.count >= 6 else { throw RegionsError.badDeflate("zlib stream shorter than header and checksum") }
        let cmf = data[0], flg = data[1]
        guard cmf & 0x0F == 8 else { throw RegionsError.badDeflate("compression method \(cmf & 0x0F), expected 8 (deflate)") }
        guard cmf >> 4 <= 7 else { throw RegionsError.badDeflate("window size field \(cmf >> 4) > 7") }
        guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else { throw RegionsError.badDeflate("header check bits wrong") }
        guard flg & 0x20 == 0 else { throw RegionsError.badDeflate("preset dictionary not supported") }
        var reader = BitReader(data, start: 2)
        let out = try inflate(&reader, maxOutput: maxOutput)
        let end = reader.bytePositionAfterAlign()
        guard end + 4 <= data.count else { throw RegionsError.badDeflate("missing Adler-32 checksum") }
        let stored = UInt32(data[end]) << 24 | UInt32(data[end + 1]) << 16 | UInt32(data[end + 2]) << 8 | UInt32(data[end + 3])
        guard stored == Adler32.checksum(out) else { throw RegionsError.badDeflate("Adler-32 mismatch") }
        return out
    }

    /// Decompresses raw deflate data (no zlib wrapper) starting at `reader`.
    static func inflate(_ reader: inout BitReader, maxOutput: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Swift.min(maxOutput, 1 << 24))
        var final = false
        while !final {
            final = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0: try storedBlock(&reader, &out, maxOutput: maxOutput)
            case 1: try codesBlock(&reader, &out, lengths: fixedLiteral, distances: fixedDistance, maxOutput: maxOutput)
            case 2:
                let (lit, dist) = try dynamicCodes(&reader)
                try codesBlock(&reader, &out, lengths: lit, distances: dist, maxOutput: maxOutput)
            default: throw RegionsError.badDeflate("block type 3 is reserved")
            }
        }
        return out
    }

    static func storedBlock(_ reader: inout BitReader, _ out: inout [UInt8], maxOutput: Int) throws {
        reader.alignToByte()
        let len = try reader.bits(16), nlen = try reader.bits(16)
        guard len == ~nlen & 0xFFFF else { throw RegionsError.badDeflate("stored block LEN/NLEN mismatch") }
        guard out.count + len <= maxOutput else { throw RegionsError.badDeflate("output larger than expected") }
        for _ in 0..<len { out.append(UInt8(try reader.bits(8))) }
    }

    // Length symbols 257...285 and distance symbols 0...29: base values and extra bits (RFC 1951 3.2.5).
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                      257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                      8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Code lengths of the fixed literal/length code (RFC 1951 3.2.6) and the fixed distance code.
    static let fixedLiteralLengths: [Int] = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
    static let fixedLiteral = try! HuffmanDecoder(lengths: fixedLiteralLengths)
    static let fixedDistance = try! HuffmanDecoder(lengths: [Int](repeating: 5, count: 30))

    /// Order in which the code-length code's lengths are transmitted.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func dynamicCodes(_ reader: inout BitReader) throws -> (HuffmanDecoder, HuffmanDecoder) {
        let nlen = try reader.bits(5) + 257, ndist = try reader.bits(5) + 1, ncode = try reader.bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw RegionsError.badDeflate("too many length or distance codes") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for i in 0..<ncode { codeLengths[codeLengthOrder[i]] = try reader.bits(3) }
        let codeLengthCode = try HuffmanDecoder(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < nlen + ndist {
            let sym = try codeLengthCode.decode(&reader)
            switch sym {
            case 0..<16: lengths.append(sym)
            case 16:
                guard let previous = lengths.last else { throw RegionsError.badDeflate("repeat with no previous length") }
                lengths += [Int](repeating: previous, count: 3 + (try reader.bits(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try reader.bits(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == nlen + ndist else { throw RegionsError.badDeflate("code lengths overrun their count") }
        guard lengths[256] > 0 else { throw RegionsError.badDeflate("no end-of-block code") }
        return (try HuffmanDecoder(lengths: Array(lengths[0..<nlen])),
                try HuffmanDecoder(lengths: Array(lengths[nlen...])))
    }

    static func codesBlock(_ reader: inout BitReader, _ out: inout [UInt8], lengths: HuffmanDecoder,
                           distances: HuffmanDecoder, maxOutput: Int) throws {
        while true {
            let sym = try lengths.decode(&reader)
            if sym < 256 {
                guard out.count < maxOutput else { throw RegionsError.badDeflate("output larger than expected") }
                out.append(UInt8(sym))
            } else if sym == 256 {
                return
            } else {
                let li = sym - 257
                guard li < 29 else { throw RegionsError.badDeflate("invalid length symbol \(sym)") }
                let length = lengthBase[li] + (try reader.bits(lengthExtra[li]))
                let di = try distances.decode(&reader)
                guard di < 30 else { throw RegionsError.badDeflate("invalid distance symbol \(di)") }
                let distance = distanceBase[di] + (try reader.bits(distanceExtra[di]))
                guard distance <= out.count else { throw RegionsError.badDeflate("distance \(distance) before start of output") }
                guard out.count + length <= maxOutput else { throw RegionsError.badDeflate("output larger than expected") }
                let start = out.count - distance
                for i in 0..<length { out.append(out[start + i]) }  // may overlap its own output
            }
        }
    }
}

/// Reads a deflate bit stream, least significant bit of each byte first.
struct BitReader {
    let data: [UInt8]
    private(set) var position: Int
    private var buffer: UInt64 = 0
    private var count = 0

    init(_ data: [UInt8], start: Int = 0) { self.data = data; self.position = start }

    /// The next `n` (0...32) bits as an integer, first bit in the lowest position.
    @inline(__always)
    mutating func bits(_ n: Int) throws -> Int {
        while count < n {
            guard position < data.count else { throw RegionsError.badDeflate("unexpected end of data") }
            buffer |= UInt64(data[position]) << UInt64(count)
            position += 1
            count += 8
        }
        let v = Int(buffer & ((1 << UInt64(n)) - 1))
        buffer >>= UInt64(n)
        count -= n
        return v
    }

    /// Drops the bits left in the current byte (before a stored block's LEN).
    mutating func alignToByte() {
        let drop = count % 8
        buffer >>= UInt64(drop)
        count -= drop
    }

    /// The index of the first byte not consumed, after discarding a partial byte.
    mutating func bytePositionAfterAlign() -> Int {
        alignToByte()
        return position - count / 8
    }
}

/// A canonical Huffman code, decoded bit by bit from the code lengths alone.
///
/// Canonical codes of each length are consecutive integers, so with `counts[len]` (codes per
/// length) and the symbols sorted by (length, symbol) a code is found by extending it one bit at a
/// time and checking whether it falls in the current length's range.
struct HuffmanDecoder {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int]

    init(lengths: [Int]) throws {
        for l in lengths {
            guard l >= 0, l <= 15 else { throw RegionsError.badDeflate("code length \(l) > 15") }
            counts[l] += 1
        }
        counts[0] = 0
        var left = 1
        for len in 1...15 {
            left <<= 1
            left -= counts[len]
            guard left >= 0 else { throw RegionsError.badDeflate("over-subscribed Huffman code") }
        }
        var offsets = [Int](repeating: 0, count: 16)
        for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
        symbols = [Int](repeating: 0, count: lengths.count)
        for (sym, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[l]] = sym
            offsets[l] += 1
        }
    }

    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0, first = 0, index = 0
        for len in 1...15 {
            code |= try reader.bits(1)
            let count = counts[len]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw RegionsError.badDeflate("invalid Huffman code")
    }
}
