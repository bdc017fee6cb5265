// A small zlib/deflate encoder for writing frames: one deflate block with the fixed Huffman codes
// (RFC 1951 3.2.6) and greedy LZ77 matching over a 32 KiB window with short hash chains.
//
// Frames are mostly flat grey areas and thin boundary lines; after PNG filtering they are long
// runs of zeros, which LZ77 with fixed codes compresses well, without the cost of building
// dynamic codes. Output is a standard zlib stream (header 0x78 0x01, Adler-32 trailer).

import Foundation

public enum Deflate {
    static let window = 32768, minMatch = 3, maxMatch = 258
    static let hashBits = 15, maxChain = 16

    /// Compresses `data` into a zlib stream any inflater reads.
    public static func zlibCompress(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes = [0x78, 0x01]
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE = fixed Huffman
        let n = data.count
        var head = [Int32](repeating: -1, count: 1 << hashBits)
        var previous = [Int32](repeating: -1, count: window)
        @inline(__always) func hash(_ i: Int) -> Int {
            let v = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16
            return Int((v &* 2_654_435_761) >> UInt32(32 - hashBits))
        }
        @inline(__always) func insert(_ i: Int) {
            guard i + minMatch <= n else { return }
            let h = hash(i)
            previous[i & (window - 1)] = head[h]
            head[h] = Int32(i)
        }
        var i = 0
        while i < n {
            var bestLength = 0, bestDistance = 0
            if i + minMatch <= n {
                var candidate = Int(head[hash(i)])
                var chain = 0
                let limit = Swift.min(maxMatch, n - i)
                while candidate >= 0, i - candidate <= window, chain < maxChain {
                    var length = 0
                    while length < limit, data[candidate + length] == data[i + length] { length += 1 }
                    if length > bestLength { bestLength = length; bestDistance = i - candidate }
                    if length == limit { break }
                    let next = Int(previous[candidate & (window - 1)])
                    guard next < candidate else { break }  // stale slot overwritten by a newer position
                    candidate = next
                    chain += 1
                }
            }
            if bestLength >= minMatch {
                writer.writeLength(bestLength)
                writer.writeDistance(bestDistance)
                for j in i..<(i + bestLength) { insert(j) }
                i += bestLength
            } else {
                writer.writeSymbol(Int(data[i]))
                insert(i)
                i += 1
            }
        }
        writer.writeSymbol(256)
        writer.flush()
        let adler = Adler32.checksum(data)
        writer.bytes += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return writer.bytes
    }

    /// Fixed literal/length codes, bit-reversed so they can be written least significant bit first.
    static let literalCodes: [(code: UInt32, length: Int)] = (0..<288).map { s in
        let (code, length): (Int, Int) = s < 144 ? (0x30 + s, 8) : s < 256 ? (0x190 + s - 144, 9)
            : s < 280 ? (s - 256, 7) : (0xC0 + s - 280, 8)
        return (reverse(UInt32(code), length), length)
    }

    static func reverse(_ code: UInt32, _ length: Int) -> UInt32 {
        var r: UInt32 = 0
        for b in 0..<length where code >> UInt32(b) & 1 == 1 { r |= 1 << UInt32(length - 1 - b) }
        return r
    }
}

/// Writes bits least significant first, as deflate requires.
struct BitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func write(_ value: UInt32, bits: Int) {
        buffer |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func flush() {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0; count = 0
    }

    mutating func writeSymbol(_ s: Int) {
        let c = Deflate.literalCodes[s]
        write(c.code, bits: c.length)
    }

    mutating func writeLength(_ length: Int) {
        var i = Inflate.lengthBase.count - 1
        while Inflate.lengthBase[i] > length { i -= 1 }
        writeSymbol(257 + i)
        if Inflate.lengthExtra[i] > 0 { write(UInt32(length - Inflate.lengthBase[i]), bits: Inflate.lengthExtra[i]) }
    }

    mutating func writeDistance(_ distance: Int) {
        var i = Inflate.distanceBase.count - 1
        while Inflate.distanceBase[i] > distance { i -= 1 }
        write(Deflate.reverse(UInt32(i), 5), bits: 5)
        if Inflate.distanceExtra[i] > 0 { write(UInt32(distance - Inflate.distanceBase[i]), bits: Inflate.distanceExtra[i]) }
    }
}
