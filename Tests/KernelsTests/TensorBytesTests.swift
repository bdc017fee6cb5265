// The test-support encoders (TestSupport.TensorBytes) held to independent references: Float16
// conversion for halves, and the `gguf` Python package's quantizers for Q8_0, Q5_0 and Q4_1.
import Foundation
import XCTest
import Kernels
import TestSupport

final class TensorBytesTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    private func littleEndianFloats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * $1) })
        }
    }

    /// Raw blocks of a golden fixture (see Fixtures/make_quant_fixtures.py for the layout).
    private func fixtureBlocks(_ type: TensorType, count: Int) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("\(type).bin")))
        let blockBytes = try XCTUnwrap(type.rowBytes(count))
        return Array(bytes[8..<(8 + blockBytes)])
    }

    func testQuantizersMatchTheReferencePackage() throws {
        let source = littleEndianFloats([UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("weights.f32"))))
        XCTAssertEqual(source.count, 512)
        XCTAssertEqual(TensorBytes.q8_0(source), try fixtureBlocks(.q8_0, count: source.count))
        XCTAssertEqual(TensorBytes.q4_1(source), try fixtureBlocks(.q4_1, count: source.count))
        XCTAssertEqual(TensorBytes.q5_0(source), try fixtureBlocks(.q5_0, count: source.count))
        XCTAssertEqual(TensorBytes.bf16(source), try fixtureBlocks(.bf16, count: source.count))
    }

    #if !(os(macOS) && arch(x86_64))
    func testHalfBitsMatchesFloat16Conversion() {
        // Every half value, every midpoint between neighbours (ties) and a nudge either side.
        var checked = 0
        for bits in UInt16(0)...UInt16(0x7BFF) {
            let here = floatFromHalf(bits), next = floatFromHalf(bits + 1)
            let mid = here + (next - here) / 2
            for x in [here, mid, mid.nextDown, mid.nextUp, -here, -mid] {
                XCTAssertEqual(TensorBytes.halfBits(x), Float16(x).bitPattern, "x = \(x)")
                checked += 1
            }
        }
        for x: Float in [65520, 1e10, .infinity, -.infinity, 1e-10, Float.leastNonzeroMagnitude] {
            XCTAssertEqual(TensorBytes.halfBits(x), Float16(x).bitPattern, "x = \(x)")
        }
        XCTAssertTrue(floatFromHalf(TensorBytes.halfBits(.nan)).isNaN)
        XCTAssertGreaterThan(checked, 180_000)
    }
    #endif

    func testEncodersRoundTripThroughDequantize() {
        let values: [Float] = (0..<64).map { Float($0) * 0.125 - 4 }  // exactly representable in all types
        for type in [TensorType.f32, .f16, .bf16] {
            let bytes = TensorBytes.encode(values, as: type)
            XCTAssertEqual(bytes.count, type.rowBytes(values.count))
            let back = bytes.withUnsafeBytes {
                dequantize(TensorView(name: "x", type: type, shape: [64], data: $0.baseAddress!, byteCount: $0.count))
            }
            XCTAssertEqual(back, values, "\(type)")
        }
        // Q8_0 and Q4_1 are lossy: the error is at most half a quantization step.
        let q8 = TensorBytes.q8_0(values).withUnsafeBytes {
            dequantize(TensorView(name: "q", type: .q8_0, shape: [64], data: $0.baseAddress!, byteCount: $0.count))
        }
        for (a, b) in zip(q8, values) { XCTAssertEqual(a, b, accuracy: 4.0 / 127 * 0.5 + 1e-3) }
        let q41 = TensorBytes.q4_1(values).withUnsafeBytes {
            dequantize(TensorView(name: "q", type: .q4_1, shape: [64], data: $0.baseAddress!, byteCount: $0.count))
        }
        for (a, b) in zip(q41, values) { XCTAssertEqual(a, b, accuracy: 4.0 / 15 * 0.5 + 1e-2) }
    }
}
