// Writer -> reader round trips for GGUF, plus the real SmolLM2 file when it is on disk.
import Foundation
import XCTest
import Formats
import Kernels
import TestSupport

final class GGUFReaderTests: XCTestCase {
    /// One value of every metadata type, including nested and empty arrays.
    static let everyType: [(String, GGUFValue)] = [
        ("t.u8", .uint8(250)),
        ("t.i8", .int8(-100)),
        ("t.u16", .uint16(65000)),
        ("t.i16", .int16(-32000)),
        ("t.u32", .uint32(4_000_000_000)),
        ("t.i32", .int32(-2_000_000_000)),
        ("t.u64", .uint64(UInt64.max)),
        ("t.i64", .int64(Int64.min)),
        ("t.f32", .float32(1e-5)),
        ("t.f64", .float64(-1234.5678e100)),
        ("t.bool.true", .bool(true)),
        ("t.bool.false", .bool(false)),
        ("t.string", .string("héllo ✓ \u{0}inner nul")),
        ("t.string.empty", .string("")),
        ("t.array.i32", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
        ("t.array.string", .array(.string, [.string("a"), .string(""), .string("ccc")])),
        ("t.array.empty", .array(.float32, [])),
        ("t.array.nested", .array(.array, [
            .array(.uint8, [.uint8(1), .uint8(2)]),
            .array(.uint8, []),
            .array(.uint8, [.uint8(3)]),
        ])),
        ("t.array.f64", .array(.float64, [.float64(0.5), .float64(-0.25)])),
        ("t.array.bool", .array(.bool, [.bool(true), .bool(false)])),
    ]

    func testEveryMetadataTypeRoundTripsInBothVersions() throws {
        for version: UInt32 in [2, 3] {
            var w = GGUFWriter(version: version)
            for (key, value) in Self.everyType { w.add(key, value) }
            let file = try GGUFFile(bytes: w.bytes())
            XCTAssertEqual(file.version, version)
            XCTAssertEqual(file.metadataKeys, Self.everyType.map(\.0), "keys keep file order")
            for (key, value) in Self.everyType {
                XCTAssertEqual(file.metadata[key], value, "v\(version) \(key)")
            }
            XCTAssertTrue(file.tensors.isEmpty)
            XCTAssertEqual(file.alignment, 32)
        }
    }

    func testTypedAccessorsConvertAndReject() throws {
        var w = GGUFWriter()
        for (key, value) in Self.everyType { w.add(key, value) }
        let file = try GGUFFile(bytes: w.bytes())

        XCTAssertEqual(try file.int("t.u8"), 250)
        XCTAssertEqual(try file.int("t.i16"), -32000)
        XCTAssertEqual(try file.int("t.u32"), 4_000_000_000)
        XCTAssertEqual(try file.int("t.i64"), Int(Int64.min))
        XCTAssertEqual(try file.float("t.f32"), 1e-5)
        XCTAssertEqual(try file.double("t.f64"), -1234.5678e100)
        XCTAssertEqual(try file.float("t.u16"), 65000, "integers widen to float")
        XCTAssertEqual(try file.bool("t.bool.true"), true)
        XCTAssertEqual(try file.string("t.string"), "héllo ✓ \u{0}inner nul")
        XCTAssertEqual(try file.intArray("t.array.i32"), [1, -2, 3])
        XCTAssertEqual(try file.stringArray("t.array.string"), ["a", "", "ccc"])
        XCTAssertEqual(try file.floatArray("t.array.empty"), [])
        XCTAssertEqual(try file.floatArray("t.array.f64"), [0.5, -0.25])
        XCTAssertNil(try file.intIfPresent("absent"))
        XCTAssertEqual(try file.intIfPresent("t.u8"), 250)
        XCTAssertNil(try file.stringIfPresent("absent"))

        XCTAssertThrowsError(try file.int("absent")) { XCTAssertEqual($0 as? GGUFError, .missingKey("absent")) }
        XCTAssertThrowsError(try file.int("t.u64")) {
            XCTAssertEqual($0 as? GGUFError, .valueOutOfRange(key: "t.u64", value: "\(UInt64.max)", target: "Int"))
        }
        XCTAssertThrowsError(try file.int("t.string")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.string", expected: "integer", found: "string"))
        }
        XCTAssertThrowsError(try file.int("t.f32")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.f32", expected: "integer", found: "float32"))
        }
        XCTAssertThrowsError(try file.string("t.u8")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.u8", expected: "string", found: "uint8"))
        }
        XCTAssertThrowsError(try file.bool("t.u8")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.u8", expected: "bool", found: "uint8"))
        }
        XCTAssertThrowsError(try file.stringArray("t.array.i32")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.array.i32", expected: "string", found: "int32"))
        }
        XCTAssertThrowsError(try file.intArray("t.string")) {
            XCTAssertEqual($0 as? GGUFError, .typeMismatch(key: "t.string", expected: "array of integer", found: "string"))
        }
    }

    func testTensorsReadBackBitExactly() throws {
        var rng = SplitMix64(seed: 42)
        let matrix = (0..<(64 * 3)).map { _ in rng.nextFloat() }
        let vector = (0..<7).map { _ in rng.nextFloat() }
        let cube = (0..<(32 * 2 * 2)).map { _ in rng.nextFloat() }
        let raw6K = (0..<(TensorType.q6_K.bytesPerBlock * 2)).map { _ in UInt8.random(in: 0...255, using: &rng) }

        var w = GGUFWriter()
        w.add("general.architecture", .string("llama"))
        w.addTensor(name: "m.f32", shape: [64, 3], values: matrix)
        w.addTensor(name: "v.f16", type: .f16, shape: [7], values: vector)
        w.addTensor(name: "c.q8_0", type: .q8_0, shape: [32, 2, 2], values: cube)
        w.addTensor(name: "m.q4_1", type: .q4_1, shape: [64, 3], values: matrix)
        w.addTensor(name: "m.bf16", type: .bf16, shape: [64, 3], values: matrix)
        w.addTensor(name: "raw.q6_K", type: .q6_K, shape: [256, 2], bytes: raw6K)

        let url = try temporaryFile("tensors.gguf")
        try w.write(to: url)
        let file = try GGUFFile(url: url)

        XCTAssertEqual(file.tensors.map(\.name), ["m.f32", "v.f16", "c.q8_0", "m.q4_1", "m.bf16", "raw.q6_K"])
        XCTAssertEqual(file.dataOffset, w.dataOffset)
        XCTAssertEqual(file.dataOffset % 32, 0)
        for (written, read) in zip(w.tensors, file.tensors) {
            XCTAssertEqual(read.offset % file.alignment, 0, read.name)
            XCTAssertEqual(read.byteCount, written.bytes.count, read.name)
            XCTAssertEqual(read.shape.map(UInt64.init), written.dims, read.name)
            let view = try file.requireTensor(read.name)
            XCTAssertEqual(Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount)), written.bytes, read.name)
        }

        let f32 = try file.requireTensor("m.f32")
        XCTAssertEqual(f32.type, .f32)
        XCTAssertEqual(f32.shape, [64, 3])
        XCTAssertEqual(f32.rows, 3)
        XCTAssertEqual(dequantize(f32), matrix, "F32 is stored verbatim")
        XCTAssertEqual(dequantize(try file.requireTensor("v.f16")), vector.map { floatFromHalf(TensorBytes.halfBits($0)) })
        let q8 = dequantize(try file.requireTensor("c.q8_0"))
        XCTAssertEqual(q8.count, cube.count)
        for (a, b) in zip(q8, cube) { XCTAssertEqual(a, b, accuracy: 1.0 / 127 * 1.01) }  // |x| < 1
        let q41 = dequantize(try file.requireTensor("m.q4_1"))
        for (a, b) in zip(q41, matrix) { XCTAssertEqual(a, b, accuracy: 2.0 / 15 * 0.51 + 1e-3) }  // range < 2
        XCTAssertNil(file.tensor(named: "nope"))
        XCTAssertThrowsError(try file.requireTensor("nope")) { XCTAssertEqual($0 as? GGUFError, .tensorNotFound("nope")) }
    }

    func testCustomAlignmentIsHonoured() throws {
        var w = GGUFWriter(version: 2)
        w.add("general.alignment", .uint32(64))
        w.addTensor(name: "a", shape: [3], values: [1, 2, 3])
        w.addTensor(name: "b", shape: [5], values: [4, 5, 6, 7, 8])
        let file = try GGUFFile(bytes: w.bytes())
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.dataOffset % 64, 0)
        XCTAssertEqual(file.tensors.map(\.offset), [0, 64])
        XCTAssertEqual(dequantize(try file.requireTensor("b")), [4, 5, 6, 7, 8])
    }

    func testMissingFileIsTypedError() {
        XCTAssertThrowsError(try GGUFFile(url: URL(fileURLWithPath: "/nonexistent/model.gguf"))) { error in
            guard case .cannotOpen(let path, _)? = error as? GGUFError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/model.gguf")
        }
    }

    func testEmptyFileOnDiskIsTruncated() throws {
        let url = try temporaryFile("empty.gguf")
        try Data().write(to: url)
        XCTAssertThrowsError(try GGUFFile(url: url)) { error in
            guard case .truncated? = error as? GGUFError else { return XCTFail("\(error)") }
        }
    }

    // MARK: Real model

    func testRealSmolLM2File() throws {
        guard let url = DefaultModel.smollm2 else { throw XCTSkip(DefaultModel.skipMessage) }
        let file = try GGUFFile(url: url)
        XCTAssertEqual(file.tensors.count, 272)
        XCTAssertEqual(try file.string("general.architecture"), "llama")
        XCTAssertEqual(try file.int("llama.block_count"), 30)
        XCTAssertEqual(try file.int("llama.embedding_length"), 576)
        let vocab = try file.stringArray("tokenizer.ggml.tokens")
        XCTAssertEqual(vocab.count, 49152)

        let embed = try file.requireTensor("token_embd.weight")
        XCTAssertEqual(embed.type, .q8_0)
        XCTAssertEqual(embed.shape, [576, 49152])
        XCTAssertEqual(embed.byteCount, 49152 * 576 / 32 * 34)

        // Every tensor lies inside the file, aligned, and dequantizes to finite values (first row).
        for info in file.tensors {
            XCTAssertEqual((file.dataOffset + info.offset) % file.alignment, 0, info.name)
            XCTAssertLessThanOrEqual(file.dataOffset + info.offset + info.byteCount, file.fileSize, info.name)
            let view = file.view(info)
            var row = [Float](repeating: .nan, count: view.cols)
            row.withUnsafeMutableBufferPointer { dequantizeRow(view.type, from: view.row(0), into: $0.baseAddress!, count: view.cols) }
            XCTAssertTrue(row.allSatisfy(\.isFinite), "\(info.name) has non-finite values in row 0")
        }
        let norm = try file.requireTensor("output_norm.weight")
        XCTAssertEqual(norm.type, .f32)
        XCTAssertEqual(norm.shape, [576])

        // Row 1 of three tensors, dequantized by the `gguf` Python package (gguf.quants.dequantize):
        // first eight values as f32 bits, and the f64 sums of the row and of its absolute values.
        let golden: [(String, [UInt32], Double, Double)] = [
            ("token_embd.weight",
             [0xbcc30000, 0xbc820000, 0xbd228000, 0x3c820000, 0xbde38000, 0xbc020000, 0xbd820000, 0x3d924000],
             0.35922718048095703, 43.44069766998291),
            ("blk.0.attn_q.weight",
             [0xbdf04000, 0xbdf04000, 0xbe457000, 0x3e853800, 0xbefd5800, 0x3e3d2000, 0xbd2b4000, 0xbd2b4000],
             -0.71209716796875, 103.85809326171875),
            ("blk.29.ffn_down.weight",
             [0xbeaa6800, 0xbdc12000, 0x3e13b000, 0x3e13b000, 0x3ec3f800, 0x3ccc8000, 0xbe8be000, 0xbe8be000],
             -3.201263427734375, 210.14602661132812),
        ]
        for (name, firstBits, sum, absSum) in golden {
            let view = try file.requireTensor(name)
            var row = [Float](repeating: .nan, count: view.cols)
            row.withUnsafeMutableBufferPointer { dequantizeRow(view.type, from: view.row(1), into: $0.baseAddress!, count: view.cols) }
            XCTAssertEqual(row.prefix(8).map(\.bitPattern), firstBits, name)
            XCTAssertEqual(row.reduce(0.0) { $0 + Double($1) }, sum, accuracy: 1e-9, name)
            XCTAssertEqual(row.reduce(0.0) { $0 + Double(abs($1)) }, absSum, accuracy: 1e-9, name)
        }
    }
}

// MARK: - Helpers shared by the Formats tests

/// Deterministic generator so failures reproduce.

extension XCTestCase {
    /// A fresh path in a per-test temporary directory, removed when the test ends.
    func temporaryFile(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("overseer-formats-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name)
    }
}

extension SplitMix64 {
    /// Uniform in [-1, 1).
    mutating func nextFloat() -> Float { Float.random(in: -1..<1, using: &self) }
}
