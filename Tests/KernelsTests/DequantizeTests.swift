// Golden tests for the scalar reference dequantizer.
//
// Fixtures come from Fixtures/make_quant_fixtures.py, which uses the `gguf` Python package as the
// independent reference. Both sides do the same IEEE f32 operations in the same order, so the
// comparison is bit-exact (NaN compared by kind, not payload).
import Foundation
import XCTest
@testable import Kernels

final class DequantizeTests: XCTestCase {
    private struct Fixture {
        var type: TensorType
        var count: Int
        var blocks: [UInt8]
        var expected: [Float]
    }

    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    private func loadFixture(_ type: TensorType, file: StaticString = #filePath, line: UInt = #line) throws -> Fixture {
        let url = Self.fixtures.appendingPathComponent("\(type).bin")
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        let id = u32(0), count = Int(u32(4))
        XCTAssertEqual(id, type.rawValue, "fixture type id", file: file, line: line)
        let blockBytes = try XCTUnwrap(type.rowBytes(count))
        XCTAssertEqual(bytes.count, 8 + blockBytes + 4 * count, "fixture size", file: file, line: line)
        let blocks = Array(bytes[8..<(8 + blockBytes)])
        let expected = (0..<count).map { Float(bitPattern: u32(8 + blockBytes + 4 * $0)) }
        return Fixture(type: type, count: count, blocks: blocks, expected: expected)
    }

    private func assertMatchesReference(_ type: TensorType, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try loadFixture(type, file: file, line: line)
        var got = [Float](repeating: .nan, count: fixture.count)
        fixture.blocks.withUnsafeBytes { src in
            got.withUnsafeMutableBufferPointer { dst in
                dequantizeRow(type, from: src.baseAddress!, into: dst.baseAddress!, count: fixture.count)
            }
        }
        var mismatches = 0
        for i in 0..<fixture.count {
            let a = got[i], b = fixture.expected[i]
            let same = (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
            if !same {
                mismatches += 1
                if mismatches <= 5 {
                    XCTFail("\(type)[\(i)]: got \(a) expected \(b)", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(type): \(mismatches) of \(fixture.count) elements differ", file: file, line: line)
        // The fixtures must exercise real values, not only zeros.
        XCTAssertGreaterThan(Set(fixture.expected.map(\.bitPattern)).count, 16, "\(type) fixture is degenerate",
                             file: file, line: line)
    }

    func testF32() throws { try assertMatchesReference(.f32) }
    func testF16() throws { try assertMatchesReference(.f16) }
    func testBF16() throws { try assertMatchesReference(.bf16) }
    func testQ4_0() throws { try assertMatchesReference(.q4_0) }
    func testQ4_1() throws { try assertMatchesReference(.q4_1) }
    func testQ5_0() throws { try assertMatchesReference(.q5_0) }
    func testQ5_1() throws { try assertMatchesReference(.q5_1) }
    func testQ8_0() throws { try assertMatchesReference(.q8_0) }
    func testQ2_K() throws { try assertMatchesReference(.q2_K) }
    func testQ3_K() throws { try assertMatchesReference(.q3_K) }
    func testQ4_K() throws { try assertMatchesReference(.q4_K) }
    func testQ5_K() throws { try assertMatchesReference(.q5_K) }
    func testQ6_K() throws { try assertMatchesReference(.q6_K) }

    func testHalfConversionCoversEveryBitPattern() {
        // Every finite half is exactly representable, so a round trip through Float16 arithmetic
        // must reproduce it; spot-check well-known values and the special classes.
        XCTAssertEqual(floatFromHalf(0x3C00), 1)
        XCTAssertEqual(floatFromHalf(0xC000), -2)
        XCTAssertEqual(floatFromHalf(0x7BFF), 65504)
        XCTAssertEqual(floatFromHalf(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(floatFromHalf(0x03FF), Float(0x3FF) * Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(floatFromHalf(0x0400), Float(sign: .plus, exponent: -14, significand: 1))
        XCTAssertEqual(floatFromHalf(0x8000).bitPattern, (-Float(0)).bitPattern)
        XCTAssertEqual(floatFromHalf(0x7C00), .infinity)
        XCTAssertEqual(floatFromHalf(0xFC00), -.infinity)
        XCTAssertTrue(floatFromHalf(0x7E00).isNaN)
        // Monotonic over all positive finite halves: each step is strictly larger.
        var previous = floatFromHalf(0)
        for bits in UInt16(1)...0x7BFF {
            let value = floatFromHalf(bits)
            XCTAssertGreaterThan(value, previous, "half 0x\(String(bits, radix: 16))")
            if value <= previous { break }
            previous = value
        }
    }

    func testBFloat16IsTopHalfOfFloat() {
        XCTAssertEqual(floatFromBFloat16(0x3F80), 1)
        XCTAssertEqual(floatFromBFloat16(0xC0A0), -5)
        XCTAssertEqual(floatFromBFloat16(0x7F80), .infinity)
    }

    // Q8_1 and Q8_K have no dequantizer in the reference package; they are plain d * q, so
    // build blocks by hand and check the arithmetic directly.
    func testQ8_1ByHand() {
        var block = [UInt8](repeating: 0, count: TensorType.q8_1.bytesPerBlock)
        block[0] = 0x00; block[1] = 0x38       // d = 0.5 (f16 0x3800)
        block[2] = 0xFF; block[3] = 0x7B       // s: ignored by dequantization
        for i in 0..<32 { block[4 + i] = UInt8(bitPattern: Int8(i - 16)) }
        var out = [Float](repeating: 0, count: 32)
        block.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dequantizeRow(.q8_1, from: src.baseAddress!, into: $0.baseAddress!, count: 32) }
        }
        XCTAssertEqual(out, (0..<32).map { Float($0 - 16) * 0.5 })
    }

    func testQ8_KByHand() {
        var block = [UInt8](repeating: 0, count: TensorType.q8_K.bytesPerBlock)
        withUnsafeBytes(of: Float(0.25).bitPattern.littleEndian) { block.replaceSubrange(0..<4, with: $0) }
        for i in 0..<256 { block[4 + i] = UInt8(bitPattern: Int8(truncatingIfNeeded: i - 128)) }
        var out = [Float](repeating: 0, count: 256)
        block.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dequantizeRow(.q8_K, from: src.baseAddress!, into: $0.baseAddress!, count: 256) }
        }
        XCTAssertEqual(out, (0..<256).map { Float($0 - 128) * 0.25 })
    }

    func testDequantizeTensorViewWalksRows() throws {
        // Two rows of Q8_0 (64 columns = 2 blocks each): the helper must honour the row stride.
        let cols = 64, rows = 2
        var bytes: [UInt8] = []
        for r in 0..<rows {
            for blk in 0..<2 {
                bytes += [0x00, 0x3C]                                  // d = 1.0
                bytes += (0..<32).map { UInt8(bitPattern: Int8(r * 64 + blk * 32 + $0 - 64)) }
            }
        }
        let values = bytes.withUnsafeBytes { raw in
            dequantize(TensorView(name: "t", type: .q8_0, shape: [cols, rows], data: raw.baseAddress!, byteCount: raw.count))
        }
        XCTAssertEqual(values, (0..<(cols * rows)).map { Float($0 - 64) })
    }
}
