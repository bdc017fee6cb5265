import Kernels
import XCTest
@testable import Regions

final class PNGTests: XCTestCase {
    /// zlib.compress(b"Overseer regions!", 0): one stored block.
    let storedFixture: [UInt8] = [0x78, 0x01, 0x01, 0x11, 0x00, 0xee, 0xff, 0x4f, 0x76, 0x65, 0x72, 0x73, 0x65, 0x65,
                                  0x72, 0x20, 0x72, 0x65, 0x67, 0x69, 0x6f, 0x6e, 0x73, 0x21, 0x3c, 0x2c, 0x06, 0x84]
    /// zlib with strategy Z_FIXED on b"abcabcabcabcabcabc hello hello hello": fixed codes with matches.
    let fixedFixture: [UInt8] = [0x78, 0x01, 0x4b, 0x4c, 0x4a, 0x4e, 0x44, 0x45, 0x0a, 0x19, 0xa9, 0x39, 0x39, 0xf9,
                                 0xc8, 0x24, 0x00, 0xf9, 0xf3, 0x0d, 0x81]
    /// zlib.compress(b"".join(b"region %d of layer %d is active; " % (i % 13, i % 5) for i in range(40)), 9):
    /// dynamic Huffman codes with matches, 1249 bytes out.
    let dynamicFixture: [UInt8] = [
        0x78, 0xda, 0x85, 0xd3, 0x4b, 0x0a, 0x02, 0x31, 0x10, 0x45, 0xd1, 0xad, 0x64, 0x09, 0xa9, 0xfc, 0x83, 0xab,
        0x69, 0x24, 0x4a, 0x40, 0x6c, 0x48, 0x37, 0x82, 0xbb, 0x57, 0x70, 0x90, 0x49, 0xbc, 0x35, 0x0b, 0xdc, 0xc9,
        0xe1, 0x15, 0x19, 0xed, 0xde, 0xf7, 0xa7, 0xb1, 0x66, 0xbf, 0x99, 0xc7, 0xf6, 0x6e, 0xe3, 0xfb, 0xec, 0x87,
        0xd9, 0xae, 0x67, 0x7f, 0xb5, 0x8b, 0x19, 0xbf, 0x2c, 0x33, 0xcb, 0x22, 0xbb, 0x99, 0xdd, 0x22, 0xfb, 0x99,
        0xfd, 0x22, 0x87, 0x99, 0xc3, 0x22, 0x47, 0xa6, 0x25, 0xa6, 0x65, 0xa6, 0x15, 0xa6, 0x55, 0xa6, 0x89, 0x36,
        0x9b, 0xb2, 0x9b, 0x28, 0xc3, 0x59, 0xd6, 0x09, 0xeb, 0x1c, 0xe3, 0x3c, 0xdb, 0x02, 0xd3, 0x22, 0xd3, 0x12,
        0xd3, 0x32, 0xd3, 0x0a, 0xd3, 0x2a, 0xd3, 0x44, 0x9b, 0x4d, 0xd9, 0x4d, 0x94, 0xe1, 0xac, 0x72, 0x54, 0xd6,
        0x39, 0xc6, 0x79, 0xb6, 0x05, 0xa6, 0x45, 0xa6, 0x25, 0xa6, 0x65, 0xa6, 0x15, 0xa6, 0x55, 0xe5, 0x2f, 0x68,
        0xb3, 0x29, 0xbb, 0x89, 0x32, 0x9c, 0xfd, 0xa3, 0xfb, 0x00, 0x39, 0x91, 0x9e, 0x11]
    /// Z_HUFFMAN_ONLY on 120 pseudo-random letters: a dynamic block of literals only.
    let huffmanOnlyFixture: [UInt8] = [
        0x78, 0x01, 0x05, 0xc1, 0xc1, 0x11, 0x00, 0x30, 0x08, 0x02, 0xb0, 0x59, 0xe1, 0xa0, 0xa2, 0xec, 0xff, 0x6f,
        0x82, 0xcc, 0x09, 0x74, 0xaf, 0x42, 0x19, 0x7b, 0x45, 0x45, 0x7a, 0xdd, 0x45, 0xde, 0x20, 0x73, 0x02, 0xdd,
        0xab, 0x50, 0xc6, 0x5e, 0x51, 0x91, 0x5e, 0x77, 0x91, 0x37, 0xc8, 0x9c, 0x40, 0xf7, 0x2a, 0x94, 0xb1, 0x57,
        0x54, 0xa4, 0xd7, 0x5d, 0xe4, 0x0d, 0x32, 0x27, 0xd0, 0xbd, 0x0a, 0x65, 0xec, 0x15, 0x3f, 0x4c, 0x92, 0x2f,
        0xcc]

    func testInflatePythonZlibFixtures() throws {
        XCTAssertEqual(try Inflate.zlibDecompress(storedFixture, maxOutput: 100), Array("Overseer regions!".utf8))
        XCTAssertEqual(try Inflate.zlibDecompress(fixedFixture, maxOutput: 100),
                       Array("abcabcabcabcabcabc hello hello hello".utf8))
        let expected = (0..<40).map { "region \($0 % 13) of layer \($0 % 5) is active; " }.joined()
        let dynamic = try Inflate.zlibDecompress(dynamicFixture, maxOutput: 10_000)
        XCTAssertEqual(dynamic, Array(expected.utf8))
        XCTAssertEqual(Adler32.checksum(dynamic), 965_844_497)  // zlib.adler32 of the same bytes
        let letters: [UInt8] = (0..<120).map { (i: Int) -> UInt8 in
            let v: Int = (i * i * 7 + i / 3) % 11
            return UInt8(v + 97)
        }
        XCTAssertEqual(try Inflate.zlibDecompress(huffmanOnlyFixture, maxOutput: 1000), letters)
    }

    func testInflateRejectsCorruption() {
        var badAdler = fixedFixture
        badAdler[badAdler.count - 1] ^= 1
        XCTAssertThrowsError(try Inflate.zlibDecompress(badAdler, maxOutput: 100)) { error in
            XCTAssertEqual(error as? RegionsError, .badDeflate("Adler-32 mismatch"))
        }
        XCTAssertThrowsError(try Inflate.zlibDecompress(Array(dynamicFixture.prefix(60)), maxOutput: 10_000))
        XCTAssertThrowsError(try Inflate.zlibDecompress(dynamicFixture, maxOutput: 100))  // larger than allowed
        XCTAssertThrowsError(try Inflate.zlibDecompress([0x78, 0x02, 0, 0, 0, 0], maxOutput: 10))  // header check
    }

    func testDeflateRoundTripAndCompresses() throws {
        var rng = Xoshiro256(seed: 7, stream: .training)
        let noise = (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let runs = [UInt8](repeating: 9, count: 40_000) + Array("edge".utf8) + [UInt8](repeating: 200, count: 3000)
        for data in [noise, runs, [], [1], Array("abcabcabcabc".utf8)] {
            XCTAssertEqual(try Inflate.zlibDecompress(Deflate.zlibCompress(data), maxOutput: data.count), data)
        }
        XCTAssertLessThan(Deflate.zlibCompress(runs).count, 1000)
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)  // the standard check value
        XCTAssertEqual(Adler32.checksum(Array("Wikipedia".utf8)), 0x11E6_0398)
    }

    func testWriteReadRoundTripRGBAndGrey() throws {
        let (w, h) = (37, 23)
        let rgb: [UInt8] = (0..<(w * h * 3)).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 31 + (i / 7) * 3) }
        let decoded = try PNG.decode(PNG.encode(width: w, height: h, channels: 3, pixels: rgb))
        XCTAssertEqual(decoded, PNG.Decoded(width: w, height: h, channels: 3, pixels: rgb))
        let grey: [UInt8] = (0..<(w * h)).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: (i % w) * 5 + (i / w) * 9) }
        let g = try PNG.decode(PNG.encode(width: w, height: h, channels: 1, pixels: grey))
        XCTAssertEqual(g.pixels, grey)
        XCTAssertEqual(g.grey.pixels[5], Float(grey[5]) / 255)
    }

    /// A PNG with a given IHDR (and a valid CRC), then a tiny IDAT and IEND.
    func png(width: Int = 2, height: Int = 2, depth: UInt8 = 8, colour: UInt8 = 0, interlace: UInt8 = 0) -> [UInt8] {
        var out = PNG.signature
        PNG.appendChunk(&out, "IHDR", PNG.bigEndian(UInt32(width)) + PNG.bigEndian(UInt32(height)) + [depth, colour, 0, 0, interlace])
        PNG.appendChunk(&out, "IDAT", Deflate.zlibCompress([0, 1, 2, 0, 3, 4]))
        PNG.appendChunk(&out, "IEND", [])
        return out
    }

    func testReadsRGBAAndGreyAlphaAsLuma() throws {
        func image(colour: UInt8, row: [UInt8]) throws -> PNG.Decoded {
            var out = PNG.signature
            PNG.appendChunk(&out, "IHDR", PNG.bigEndian(1) + PNG.bigEndian(1) + [8, colour, 0, 0, 0])
            PNG.appendChunk(&out, "tEXt", Array("Comment\u{0}ancillary chunks are skipped".utf8))
            PNG.appendChunk(&out, "IDAT", Deflate.zlibCompress([0] + row))
            PNG.appendChunk(&out, "IEND", [])
            return try PNG.decode(out)
        }
        let rgba = try image(colour: 6, row: [255, 0, 0, 17])
        XCTAssertEqual(rgba.channels, 4)
        XCTAssertEqual(rgba.grey.pixels[0], 0.299, accuracy: 1e-6)  // Rec. 601 luma of pure red, alpha ignored
        XCTAssertEqual(try image(colour: 4, row: [51, 0]).grey.pixels, [0.2])
    }

    func testBadPNGsAreTypedErrors() throws {
        XCTAssertEqual(try PNG.decode(png()).pixels, [1, 2, 3, 4])
        func reason(_ bytes: [UInt8]) -> String {
            do { _ = try PNG.decode(bytes); return "accepted" } catch let RegionsError.badPNG(r) { return r } catch { return "\(error)" }
        }
        XCTAssertTrue(reason(png(colour: 3)).contains("palette"))
        XCTAssertTrue(reason(png(depth: 16)).contains("bit depth 16"))
        XCTAssertTrue(reason(png(interlace: 1)).contains("interlaced"))
        XCTAssertTrue(reason(png(width: 0)).contains("size"))
        XCTAssertTrue(reason(Array("GIF89a....".utf8)).contains("signature"))
        var corrupt = png()
        corrupt[20] ^= 0xFF  // inside IHDR data
        XCTAssertTrue(reason(corrupt).contains("CRC mismatch in chunk IHDR"))
        XCTAssertTrue(reason(Array(png().dropLast(12))).contains("no IEND"))
        XCTAssertTrue(reason(png(width: 3)).contains("expected"))  // too little image data for 3×2
    }
}
