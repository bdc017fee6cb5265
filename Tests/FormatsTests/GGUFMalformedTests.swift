// Malformed GGUF inputs: each must fail with a specific GGUFError, never a trap or a huge
// allocation. Files are built in memory with GGUFWriter / ByteBuffer and parsed from bytes.
import Foundation
import XCTest
import Formats
import Kernels
import TestSupport

final class GGUFMalformedTests: XCTestCase {
    /// A small valid file whose last tensor ends exactly on the alignment, so that every strict
    /// prefix is invalid (no trailing padding could be cut harmlessly).
    private func smallValidWriter() -> GGUFWriter {
        var w = GGUFWriter()
        w.add("general.architecture", .string("llama"))
        w.add("llama.block_count", .uint32(2))
        w.add("tokenizer.ggml.tokens", .array(.string, [.string("<s>"), .string("a")]))
        w.add("x.nested", .array(.array, [.array(.int16, [.int16(-1)])]))
        w.add("x.flag", .bool(true))
        w.addTensor(name: "q", type: .q8_0, shape: [32, 1], values: (0..<32).map { Float($0) / 32 })
        w.addTensor(name: "w", shape: [8], values: [1, 2, 3, 4, 5, 6, 7, 8])  // 32 bytes: ends aligned
        return w
    }

    private func assertGGUFError(_ bytes: [UInt8], _ expected: GGUFError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GGUFFile(bytes: bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? GGUFError, expected, file: file, line: line)
        }
    }

    /// Header bytes with raw counts, for hand-built files.
    private func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) -> ByteBuffer {
        var b = ByteBuffer()
        b.append(Array("GGUF".utf8))
        b.u32(version)
        b.u64(tensors)
        b.u64(keys)
        return b
    }

    func testValidBaseFileParses() throws {
        let w = smallValidWriter()
        let file = try GGUFFile(bytes: w.bytes())
        XCTAssertEqual(file.tensors.count, 2)
        XCTAssertEqual(file.dataOffset + 64 + 32, w.bytes().count, "file ends with the last tensor")
    }

    func testEveryTruncationIsATypedError() throws {
        let w = smallValidWriter()
        let full = w.bytes()
        let headerLength = w.headerBytes().count
        XCTAssertNoThrow(try GGUFFile(bytes: full))
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            do {
                _ = try GGUFFile(bytes: prefix)
                XCTFail("prefix of \(length) bytes parsed")
            } catch let error as GGUFError {
                switch error {
                case .truncated, .tooManyKeys, .tooManyTensors, .arrayTooLong:
                    XCTAssertLessThan(length, headerLength, "prefix \(length): \(error)")
                case .tensorOutOfBounds:
                    XCTAssertGreaterThanOrEqual(length, headerLength, "prefix \(length): \(error)")
                default:
                    XCTFail("prefix \(length): unexpected \(error)")
                }
            } catch {
                XCTFail("prefix \(length): untyped error \(error)")
            }
        }
    }

    func testRandomByteCorruptionNeverTraps() {
        let full = smallValidWriter().bytes()
        var rng = SplitMix64(seed: 7)
        var rejected = 0
        for _ in 0..<2000 {
            var bytes = full
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try GGUFFile(bytes: bytes) } catch is GGUFError { rejected += 1 } catch { XCTFail("untyped \(error)") }
        }
        XCTAssertGreaterThan(rejected, 100, "corruption should mostly be detected")
    }

    func testBadMagic() {
        var bytes = smallValidWriter().bytes()
        bytes[3] = UInt8(ascii: "X")
        assertGGUFError(bytes, .badMagic(0x5855_4747))
    }

    func testBadVersions() {
        for version: UInt32 in [0, 1, 4, 0x0300_0000] {
            var w = smallValidWriter()
            w.version = version
            assertGGUFError(w.bytes(), .unsupportedVersion(version))
        }
    }

    func testAbsurdCounts() {
        var b = header(tensors: 1 << 40, keys: 0)
        b.append([UInt8](repeating: 0, count: 64))
        assertGGUFError(b.bytes, .tooManyTensors(1 << 40))
        // Under the hard cap, but more than the bytes left could describe.
        b = header(tensors: 1000, keys: 0)
        b.append([UInt8](repeating: 0, count: 64))
        assertGGUFError(b.bytes, .tooManyTensors(1000))

        b = header(tensors: 0, keys: UInt64.max)
        assertGGUFError(b.bytes, .tooManyKeys(UInt64.max))
        b = header(tensors: 0, keys: (1 << 20) + 1)
        b.append([UInt8](repeating: 0, count: 64))
        assertGGUFError(b.bytes, .tooManyKeys((1 << 20) + 1))
    }

    func testAbsurdStringLengths() {
        // A key whose length is far over the cap.
        var b = header(tensors: 0, keys: 1)
        b.u64(1 << 62)
        b.append([UInt8](repeating: 0x41, count: 16))
        assertGGUFError(b.bytes, .stringTooLong(length: 1 << 62, offset: 24))

        // A string value over 1 GiB.
        b = header(tensors: 0, keys: 1)
        b.string("k")
        b.u32(GGUFValueType.string.rawValue)
        let at = b.bytes.count
        b.u64((1 << 30) + 1)
        b.append([UInt8](repeating: 0x41, count: 16))
        assertGGUFError(b.bytes, .stringTooLong(length: (1 << 30) + 1, offset: at))

        // Under the cap but longer than the file.
        b = header(tensors: 0, keys: 1)
        b.string("k")
        b.u32(GGUFValueType.string.rawValue)
        b.u64(1000)
        b.append(Array("short".utf8))
        XCTAssertThrowsError(try GGUFFile(bytes: b.bytes)) { error in
            guard case .truncated(_, let needed, _)? = error as? GGUFError else { return XCTFail("\(error)") }
            XCTAssertEqual(needed, 995)
        }
    }

    func testInvalidUTF8() {
        var b = header(tensors: 0, keys: 1)
        b.u64(2)
        b.append([0xC3, 0x28])  // invalid two-byte sequence
        b.u32(GGUFValueType.uint8.rawValue)
        b.append([1])
        assertGGUFError(b.bytes, .invalidUTF8(offset: 32))
    }

    func testAbsurdArrayLengths() {
        for (elementType, count) in [(GGUFValueType.uint64, UInt64(1) << 60), (.string, 100), (.uint8, UInt64.max)] {
            var w = GGUFWriter()
            var payload = ByteBuffer()
            payload.u32(elementType.rawValue)
            payload.u64(count)
            payload.append([UInt8](repeating: 0, count: 40))
            w.addRaw(key: "arr", typeID: GGUFValueType.array.rawValue, payload: payload.bytes)
            assertGGUFError(w.bytes(), .arrayTooLong(count: count, key: "arr"))
        }
    }

    func testDeeplyNestedArrays() {
        var value = GGUFValue.array(.uint8, [.uint8(1)])
        for _ in 0..<20 { value = .array(.array, [value]) }
        var w = GGUFWriter()
        w.add("deep", value)
        assertGGUFError(w.bytes(), .arrayNestingTooDeep(key: "deep"))
    }

    func testInvalidBool() {
        var w = GGUFWriter()
        w.addRaw(key: "flag", typeID: GGUFValueType.bool.rawValue, payload: [2])
        assertGGUFError(w.bytes(), .invalidBool(2, key: "flag"))
    }

    func testUnknownMetadataTypes() {
        var w = GGUFWriter()
        w.addRaw(key: "weird", typeID: 13, payload: [0, 0, 0, 0])
        assertGGUFError(w.bytes(), .unknownValueType(13, key: "weird"))

        var payload = ByteBuffer()
        payload.u32(99)
        payload.u64(1)
        payload.u32(0)
        w = GGUFWriter()
        w.addRaw(key: "weird.array", typeID: GGUFValueType.array.rawValue, payload: payload.bytes)
        assertGGUFError(w.bytes(), .unknownValueType(99, key: "weird.array"))
    }

    func testDuplicateKeys() {
        var w = GGUFWriter()
        w.add("a", .uint8(1))
        w.addRaw(key: "a", typeID: GGUFValueType.string.rawValue, payload: GGUFWriter.encodePayload(.string("x")))
        assertGGUFError(w.bytes(), .duplicateKey("a"))
    }

    func testInvalidAlignment() {
        for value: GGUFValue in [.uint32(48), .uint32(0), .uint64(1 << 20), .string("32"), .int32(-32)] {
            var w = GGUFWriter()
            w.add("general.alignment", value)
            assertGGUFError(w.bytes(), .invalidAlignment(value.description))
        }
    }

    private func rawTensorFile(dims: [UInt64], typeID: UInt32 = 0, offset: UInt64? = nil, bytes: Int = 32) -> [UInt8] {
        var w = GGUFWriter()
        w.addRawTensor(name: "t", typeID: typeID, dims: dims, bytes: [UInt8](repeating: 0, count: bytes), offset: offset)
        return w.bytes()
    }

    func testOverflowingShapes() {
        let big: UInt64 = 1 << 32
        assertGGUFError(rawTensorFile(dims: [big, big, big]), .shapeOverflow(tensor: "t", shape: [big, big, big]))
        // The element count fits but the byte size (x4 for F32) does not.
        let huge: UInt64 = 1 << 62
        assertGGUFError(rawTensorFile(dims: [huge]), .shapeOverflow(tensor: "t", shape: [huge]))
        // Fits in UInt64 but not in Int.
        assertGGUFError(rawTensorFile(dims: [8, UInt64.max]), .badDimension(tensor: "t", index: 1, value: UInt64.max))
        // Plausible shape whose bytes are not in the file.
        assertGGUFError(rawTensorFile(dims: [1 << 20, 1 << 20]),
                        .tensorOutOfBounds(tensor: "t", offset: 0, byteCount: 4 << 40, dataSize: 32))
    }

    func testZeroAndTooManyDimensions() {
        assertGGUFError(rawTensorFile(dims: [8, 0]), .badDimension(tensor: "t", index: 1, value: 0))
        assertGGUFError(rawTensorFile(dims: [1, 1, 1, 1, 8]), .badDimensionCount(tensor: "t", count: 5))
        assertGGUFError(rawTensorFile(dims: []), .badDimensionCount(tensor: "t", count: 0))
    }

    func testOffsetsPastTheEndAndMisaligned() {
        assertGGUFError(rawTensorFile(dims: [8], offset: 64), .tensorOutOfBounds(tensor: "t", offset: 64, byteCount: 32, dataSize: 32))
        assertGGUFError(rawTensorFile(dims: [8], offset: UInt64.max & ~31),
                        .tensorOutOfBounds(tensor: "t", offset: UInt64.max & ~31, byteCount: 32, dataSize: 32))
        assertGGUFError(rawTensorFile(dims: [8], offset: 4), .misalignedOffset(tensor: "t", offset: 4, alignment: 32))
        // One byte short: 9 floats need 36 bytes, the file has 32 + padding to 64... so make it exact.
        var w = GGUFWriter()
        w.addRawTensor(name: "t", typeID: 0, dims: [8], bytes: [UInt8](repeating: 0, count: 28))
        var bytes = w.headerBytes()
        bytes += [UInt8](repeating: 0, count: w.dataOffset - bytes.count + 28)
        assertGGUFError(bytes, .tensorOutOfBounds(tensor: "t", offset: 0, byteCount: 32, dataSize: 28))
    }

    func testUnknownTensorTypes() {
        for id: UInt32 in [4, 5, 16, 39, 1000] {  // 4/5 were removed types; 16+ are IQ/other types we do not read
            assertGGUFError(rawTensorFile(dims: [256], typeID: id), .unknownTensorType(tensor: "t", id: id))
        }
    }

    func testRowNotBlockAligned() {
        assertGGUFError(rawTensorFile(dims: [33, 2], typeID: TensorType.q8_0.rawValue),
                        .rowNotBlockAligned(tensor: "t", rowLength: 33, type: .q8_0))
    }

    func testDuplicateTensorNames() {
        var w = GGUFWriter()
        w.addTensor(name: "t", shape: [8], values: [Float](repeating: 1, count: 8))
        w.addRawTensor(name: "t", typeID: 0, dims: [8], bytes: [UInt8](repeating: 0, count: 32))
        assertGGUFError(w.bytes(), .duplicateTensor("t"))
    }

    func testOverlappingTensors() {
        var w = GGUFWriter()
        w.addRawTensor(name: "a", typeID: 0, dims: [16], bytes: [UInt8](repeating: 0, count: 64), offset: 0)
        w.addRawTensor(name: "b", typeID: 0, dims: [8], bytes: [UInt8](repeating: 0, count: 32), offset: 32)
        assertGGUFError(w.bytes(), .overlappingTensors("a", "b"))
    }

    func testErrorsDescribeThemselves() {
        XCTAssertEqual(GGUFError.unknownTensorType(tensor: "blk.0.attn_q.weight", id: 23).description,
                       "tensor \"blk.0.attn_q.weight\" has unknown or unsupported ggml type id 23")
        XCTAssertTrue(GGUFError.badMagic(0x5855_4747).description.contains("not a GGUF file"))
    }
}
