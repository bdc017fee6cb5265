// PNG reading and writing (PNG specification, ISO/IEC 15948).
//
// File: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A, then chunks. Chunk: 4-byte big-endian data
// length (≤ 2^31 - 1), 4-byte type, data, CRC-32 over type and data. IHDR comes first (width,
// height, bit depth, colour type, compression 0, filter method 0, interlace method), the image
// data is the concatenation of all IDAT chunks as one zlib stream, IEND ends the file. A chunk
// whose type starts with an upper-case letter is critical: the reader must understand it.
// Decompressed data: per row, one filter-type byte (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth)
// followed by the filtered bytes of the row.
//
// The reader accepts 8-bit, non-interlaced grey (0), grey+alpha (4), RGB (2) and RGBA (6); it
// rejects palettes, other bit depths and interlacing with a specific error rather than guessing.

import Foundation

public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Largest side and pixel count accepted, so a forged header cannot ask for gigabytes.
    public static let maxSide = 16384
    public static let maxPixels = 1 << 26

    /// A decoded 8-bit image. [height, width, channels]
    public struct Decoded: Equatable {
        public let width: Int, height: Int
        /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
        public let channels: Int
        public let pixels: [UInt8]

        /// Luma in [0, 1] (Rec. 601 weights for colour); alpha is ignored.
        public var grey: GreyImage {
            var out = [Float](repeating: 0, count: width * height)
            for i in 0..<(width * height) {
                let p = i * channels
                if channels >= 3 {
                    let luma = 299 * Int(pixels[p]) + 587 * Int(pixels[p + 1]) + 114 * Int(pixels[p + 2])
                    out[i] = Float(luma) / (1000 * 255)
                } else {
                    out[i] = Float(pixels[p]) / 255
                }
            }
            return GreyImage(width: width, height: height, pixels: out)
        }
    }

    // MARK: Writing

    /// Encodes 8-bit grey (channels 1) or RGB (channels 3) bytes as a PNG file.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(channels == 1 || channels == 3)
        precondition(pixels.count == width * height * channels)
        var out = signature
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, channels == 1 ? 0 : 2, 0, 0, 0]
        appendChunk(&out, "IHDR", header)
        appendChunk(&out, "IDAT", Deflate.zlibCompress(filterRows(width: width, height: height, channels: channels, pixels: pixels)))
        appendChunk(&out, "IEND", [])
        return out
    }

    public static func encode(_ image: RGBImage) -> [UInt8] {
        encode(width: image.width, height: image.height, channels: 3, pixels: image.pixels)
    }

    public static func encode(_ image: GreyImage) -> [UInt8] {
        encode(width: image.width, height: image.height, channels: 1, pixels: image.bytes)
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws {
        do { try Data(bytes).write(to: url) } catch {
            throw RegionsError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Chooses each row's filter by the usual heuristic: the smallest sum of |filtered byte| read as signed.
    static func filterRows(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        let rowBytes = width * channels
        var out = [UInt8](); out.reserveCapacity(height * (rowBytes + 1))
        var candidate = [[UInt8]](repeating: [UInt8](repeating: 0, count: rowBytes), count: 5)
        let zero = [UInt8](repeating: 0, count: rowBytes)
        for r in 0..<height {
            let row = Array(pixels[(r * rowBytes)..<((r + 1) * rowBytes)])
            let above = r > 0 ? Array(pixels[((r - 1) * rowBytes)..<(r * rowBytes)]) : zero
            var best = 0, bestCost = Int.max
            for f in 0..<5 {
                var cost = 0
                for i in 0..<rowBytes {
                    let a = i >= channels ? row[i - channels] : 0
                    let c = i >= channels ? above[i - channels] : 0
                    let v = row[i] &- predictor(f, a: a, b: above[i], c: c)
                    candidate[f][i] = v
                    cost += v < 128 ? Int(v) : 256 - Int(v)
                }
                if cost < bestCost { bestCost = cost; best = f }
            }
            out.append(UInt8(best))
            out += candidate[best]
        }
        return out
    }

    /// The filter predictor from the left (a), above (b) and upper-left (c) bytes.
    @inline(__always)
    static func predictor(_ filter: Int, a: UInt8, b: UInt8, c: UInt8) -> UInt8 {
        switch filter {
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        case 4:
            let p = Int(a) + Int(b) - Int(c)
            let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        default: return 0
        }
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count)) + typeBytes + data
        out += bigEndian(CRC32.checksum(data, continuing: CRC32.checksum(typeBytes)))
    }

    // MARK: Reading

    public static func read(contentsOf url: URL) throws -> Decoded {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RegionsError.io("cannot read \(url.path)")
        }
        return try decode([UInt8](data))
    }

    public static func decode(_ bytes: [UInt8]) throws -> Decoded {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw RegionsError.badPNG("not a PNG file (signature)") }
        var pos = 8
        var header: (width: Int, height: Int, channels: Int)?
        var compressed: [UInt8] = []
        var sawEnd = false
        func u32(_ p: Int) -> UInt32 {
            UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3])
        }
        while !sawEnd {
            guard pos + 12 <= bytes.count else { throw RegionsError.badPNG("truncated chunk header (no IEND)") }
            let length = Int(u32(pos))
            guard length <= Int(Int32.max), length <= bytes.count - pos - 12 else {
                throw RegionsError.badPNG("chunk length \(length) runs past end of file")
            }
            let typeBytes = Array(bytes[(pos + 4)..<(pos + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = Array(bytes[(pos + 8)..<(pos + 8 + length)])
            guard u32(pos + 8 + length) == CRC32.checksum(data, continuing: CRC32.checksum(typeBytes)) else {
                throw RegionsError.badPNG("CRC mismatch in chunk \(type)")
            }
            pos += 12 + length
            if header == nil && type != "IHDR" { throw RegionsError.badPNG("first chunk is \(type), expected IHDR") }
            switch type {
            case "IHDR": header = try parseHeader(data)
            case "IDAT": compressed += data
            case "IEND": sawEnd = true
            case "PLTE": break  // only meaningful for palette images, which parseHeader rejects
            default:
                if let first = typeBytes.first, first & 0x20 == 0 { throw RegionsError.badPNG("unknown critical chunk \(type)") }
            }
        }
        guard let (width, height, channels) = header else { throw RegionsError.badPNG("no IHDR") }
        guard !compressed.isEmpty else { throw RegionsError.badPNG("no IDAT") }
        let rowBytes = width * channels
        let expected = height * (rowBytes + 1)  // bounded by maxPixels·4 + maxSide, no overflow
        let raw = try Inflate.zlibDecompress(compressed, maxOutput: expected)
        guard raw.count == expected else { throw RegionsError.badPNG("image data is \(raw.count) bytes, expected \(expected)") }
        return Decoded(width: width, height: height, channels: channels,
                       pixels: try unfilter(raw, width: width, height: height, channels: channels))
    }

    static func parseHeader(_ d: [UInt8]) throws -> (Int, Int, Int) {
        guard d.count == 13 else { throw RegionsError.badPNG("IHDR is \(d.count) bytes, expected 13") }
        let width = Int(UInt32(d[0]) << 24 | UInt32(d[1]) << 16 | UInt32(d[2]) << 8 | UInt32(d[3]))
        let height = Int(UInt32(d[4]) << 24 | UInt32(d[5]) << 16 | UInt32(d[6]) << 8 | UInt32(d[7]))
        guard width >= 1, height >= 1, width <= maxSide, height <= maxSide else {
            throw RegionsError.badPNG("size \(width)×\(height) outside 1...\(maxSide)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else { throw RegionsError.badPNG("\(width)×\(height) pixels is too many") }
        let depth = d[8], colour = d[9]
        let channels: Int
        switch colour {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        case 3: throw RegionsError.badPNG("palette (indexed-colour) images are not supported; save as 8-bit grey or RGB")
        default: throw RegionsError.badPNG("invalid colour type \(colour)")
        }
        guard depth == 8 else { throw RegionsError.badPNG("bit depth \(depth) is not supported; only 8-bit grey or RGB(A)") }
        guard d[10] == 0, d[11] == 0 else { throw RegionsError.badPNG("unknown compression or filter method") }
        guard d[12] == 0 else { throw RegionsError.badPNG("interlaced (Adam7) images are not supported") }
        return (width, height, channels)
    }

    static func unfilter(_ raw: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        let rowBytes = width * channels
        var out = [UInt8](repeating: 0, count: height * rowBytes)
        for r in 0..<height {
            let filter = Int(raw[r * (rowBytes + 1)])
            guard filter <= 4 else { throw RegionsError.badPNG("row \(r) has filter type \(filter)") }
            let src = r * (rowBytes + 1) + 1, dst = r * rowBytes
            for i in 0..<rowBytes {
                let a = i >= channels ? out[dst + i - channels] : 0
                let b = r > 0 ? out[dst - rowBytes + i] : 0
                let c = r > 0 && i >= channels ? out[dst - rowBytes + i - channels] : 0
                out[dst + i] = raw[src + i] &+ predictor(filter, a: a, b: b, c: c)
            }
        }
        return out
    }
}
