// Safetensors: writer -> reader round trips (single and sharded) and malformed headers.
import Foundation
import XCTest
import Formats
import Kernels
import TestSupport

final class SafetensorsTests: XCTestCase {
    private func bytesOf(_ view: TensorView) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
    }

    private func assertError(_ bytes: [UInt8], _ expected: SafetensorsError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(bytes: bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? SafetensorsError, expected, file: file, line: line)
        }
    }

    func testSingleFileRoundTrip() throws {
        var rng = SplitMix64(seed: 3)
        let w2 = (0..<(3 * 5)).map { _ in rng.nextFloat() }      // math [3, 5]
        let b = (0..<5).map { _ in rng.nextFloat() }
        let ids: [UInt8] = (0..<16).map { UInt8($0) }             // I64 [2]

        var w = SafetensorsWriter()
        w.metadata = ["format": "pt", "quote\"key": "line\nbreak"]
        w.add("layer.weight", shape: [3, 5], values: w2)
        w.add("layer.bias", dtype: .f16, shape: [5], values: b)
        w.add("layer.bf", dtype: .bf16, shape: [5, 3], values: w2)
        w.add("position_ids", dtype: .i64, shape: [2], bytes: ids)
        w.add("scalar", shape: [], values: [42])
        w.add("empty", shape: [0, 4], values: [])

        let url = try temporaryFile("model.safetensors")
        try w.write(to: url)
        let file = try SafetensorsFile(url: url)

        XCTAssertEqual(file.metadata, ["format": "pt", "quote\"key": "line\nbreak"])
        XCTAssertEqual(Set(file.tensors.map(\.name)), ["layer.weight", "layer.bias", "layer.bf", "position_ids", "scalar", "empty"])
        XCTAssertEqual(file.dataOffset % 8, 0, "writer pads the header to 8 bytes")

        let weight = try file.requireTensor("layer.weight")
        XCTAssertEqual(weight.type, .f32)
        XCTAssertEqual(weight.shape, [5, 3], "math [3, 5] becomes ggml [5, 3]")
        XCTAssertEqual(weight.rows, 3)
        XCTAssertEqual(dequantize(weight), w2)
        XCTAssertEqual(bytesOf(try file.requireTensor("layer.bias")), TensorBytes.f16(b))
        XCTAssertEqual(dequantize(try file.requireTensor("layer.bias")), b.map { floatFromHalf(TensorBytes.halfBits($0)) })
        let bf = try file.requireTensor("layer.bf")
        XCTAssertEqual(bf.type, .bf16)
        XCTAssertEqual(bf.shape, [3, 5])
        XCTAssertEqual(bytesOf(bf), TensorBytes.bf16(w2))

        XCTAssertEqual(try file.requireTensor("scalar").shape, [1])
        XCTAssertEqual(dequantize(try file.requireTensor("scalar")), [42])
        XCTAssertEqual(file.info(named: "empty")?.byteCount, 0)

        // Non-float dtypes are listed and readable as bytes, but not viewable as float tensors.
        XCTAssertEqual(file.info(named: "position_ids")?.dtype, .i64)
        XCTAssertEqual(Array(file.rawBytes(named: "position_ids")!), ids)
        XCTAssertThrowsError(try file.tensor(named: "position_ids")) {
            XCTAssertEqual($0 as? SafetensorsError, .unsupportedDType(tensor: "position_ids", dtype: .i64))
        }
        XCTAssertNil(try file.tensor(named: "missing"))
        XCTAssertThrowsError(try file.requireTensor("missing")) { XCTAssertEqual($0 as? SafetensorsError, .tensorNotFound("missing")) }
    }

    func testShardedRoundTripThroughIndex() throws {
        var w = SafetensorsWriter()
        var expected: [String: [Float]] = [:]
        for i in 0..<5 {
            let values = (0..<(4 * (i + 1))).map { Float(i * 100 + $0) }
            w.add("model.layers.\(i).weight", shape: [i + 1, 4], values: values)
            expected["model.layers.\(i).weight"] = values
        }
        let url = try temporaryFile("model.safetensors.index.json")
        let dir = url.deletingLastPathComponent()
        let shards = try w.writeSharded(to: dir, shardCount: 2)
        XCTAssertEqual(shards.map(\.lastPathComponent), ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])

        let model = try SafetensorsCollection(directory: dir)
        XCTAssertEqual(model.shards.count, 2)
        XCTAssertEqual(model.tensorNames, expected.keys.sorted())
        XCTAssertEqual(model.weightMap["model.layers.1.weight"], "model-00002-of-00002.safetensors")
        for (name, values) in expected {
            let view = try model.requireTensor(name)
            XCTAssertEqual(view.shape, [4, values.count / 4], name)
            XCTAssertEqual(dequantize(view), values, name)
        }
        XCTAssertNil(try model.tensor(named: "absent"))
    }

    func testDirectoryWithSingleFile() throws {
        var w = SafetensorsWriter()
        w.add("a", shape: [2], values: [1, 2])
        w.add("b", shape: [1], values: [3])
        let url = try temporaryFile("model.safetensors")
        try w.write(to: url)
        let model = try SafetensorsCollection(directory: url.deletingLastPathComponent())
        XCTAssertEqual(model.tensorNames, ["a", "b"])
        XCTAssertEqual(dequantize(try model.requireTensor("b")), [3])
    }

    func testIndexProblems() throws {
        var w = SafetensorsWriter()
        w.add("a", shape: [2], values: [1, 2])
        let url = try temporaryFile("model.safetensors.index.json")
        let dir = url.deletingLastPathComponent()
        try w.write(to: dir.appendingPathComponent("shard.safetensors"))

        func index(_ json: String) throws -> Error? {
            try Data(json.utf8).write(to: url)
            do { _ = try SafetensorsCollection(directory: dir); return nil } catch { return error }
        }
        XCTAssertEqual(try index(#"{"weight_map": {"b": "shard.safetensors"}}"#) as? SafetensorsError,
                       .missingTensorInShard(tensor: "b", shard: "shard.safetensors"))
        XCTAssertEqual(try index(#"{"weight_map": {"a": "../etc/passwd"}}"#) as? SafetensorsError,
                       .invalidShardName("../etc/passwd"))
        XCTAssertEqual(try index(#"{"metadata": {}}"#) as? SafetensorsError, .invalidIndex("missing weight_map object"))
        guard case .invalidIndex? = try index("{not json") as? SafetensorsError else { return XCTFail("bad JSON index accepted") }
        guard case .cannotOpen? = try index(#"{"weight_map": {"a": "gone.safetensors"}}"#) as? SafetensorsError else {
            return XCTFail("missing shard accepted")
        }
        XCTAssertNil(try index(#"{"weight_map": {"a": "shard.safetensors"}}"#))
    }

    func testDuplicateTensorAcrossShardsWithoutIndex() throws {
        var w = SafetensorsWriter()
        w.add("a", shape: [1], values: [1])
        let one = try SafetensorsFile(bytes: w.bytes()), two = try SafetensorsFile(bytes: w.bytes())
        XCTAssertThrowsError(try SafetensorsCollection(shards: ["x": one, "y": two], weightMap: nil)) {
            XCTAssertEqual($0 as? SafetensorsError, .duplicateTensor(tensor: "a", shards: ["x", "y"]))
        }
    }

    // MARK: Malformed files

    func testTooSmallAndHeaderLengthProblems() {
        assertError([], .fileTooSmall(size: 0))
        assertError([1, 0, 0], .fileTooSmall(size: 3))
        assertError(SafetensorsWriter.rawFile(header: "{}", declaredLength: 3), .headerPastEnd(length: 3, fileSize: 10))
        assertError(SafetensorsWriter.rawFile(header: "{}", declaredLength: UInt64.max), .headerTooLarge(length: UInt64.max))
        assertError(SafetensorsWriter.rawFile(header: "{}", declaredLength: 200_000_000), .headerTooLarge(length: 200_000_000))
    }

    func testEveryTruncationIsATypedError() throws {
        var w = SafetensorsWriter()
        w.metadata["format"] = "pt"
        w.add("w", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        w.add("b", dtype: .f16, shape: [3], values: [1, 2, 3])
        let full = w.bytes()
        XCTAssertNoThrow(try SafetensorsFile(bytes: full))
        for length in 0..<full.count {
            XCTAssertThrowsError(try SafetensorsFile(bytes: full.prefix(length)), "prefix \(length)") { error in
                XCTAssertTrue(error is SafetensorsError, "prefix \(length): \(error)")
            }
        }
    }

    func testBadJSON() {
        for header in ["{", "not json", "{\"a\": }", "\u{FF}\u{FE}"] {
            XCTAssertThrowsError(try SafetensorsFile(bytes: SafetensorsWriter.rawFile(header: header))) { error in
                guard case .invalidJSON? = error as? SafetensorsError else { return XCTFail("\(header): \(error)") }
            }
        }
        assertError(SafetensorsWriter.rawFile(header: "[1, 2]"), .invalidHeader("top level is not a JSON object"))
        assertError(SafetensorsWriter.rawFile(header: #"{"__metadata__": {"a": 1}}"#), .invalidHeader("__metadata__[a] is not a string"))
    }

    func testBadTensorEntries() {
        let data = [UInt8](repeating: 0, count: 16)
        func entry(_ body: String) -> [UInt8] { SafetensorsWriter.rawFile(header: "{\"t\": \(body)}", data: data) }
        func invalid(_ body: String, _ reason: String, line: UInt = #line) {
            assertError(entry(body), .invalidTensorEntry(tensor: "t", reason: reason), line: line)
        }
        invalid("3", "not an object")
        invalid(#"{"shape": [1], "data_offsets": [0, 4]}"#, "missing or non-string dtype")
        invalid(#"{"dtype": "F32", "data_offsets": [0, 4]}"#, "missing or non-array shape")
        invalid(#"{"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}"#, "shape [-1] has a non-integer or negative dimension")
        invalid(#"{"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}"#, "shape [1.5] has a non-integer or negative dimension")
        invalid(#"{"dtype": "F32", "shape": [1,1,1,1,1,1,1,1,1], "data_offsets": [0, 4]}"#, "9 dimensions, at most 8")
        invalid(#"{"dtype": "F32", "shape": [1], "data_offsets": [0]}"#, "data_offsets must be two non-negative integers")
        invalid(#"{"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}"#, "data_offsets [8, 4] are reversed")
    }

    func testUnknownDType() {
        assertError(SafetensorsWriter.rawFile(header: #"{"t": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}}"#,
                                              data: [UInt8](repeating: 0, count: 16)),
                    .unknownDType(tensor: "t", dtype: "F128"))
    }

    func testSizeMismatchOverflowAndRange() {
        let data = [UInt8](repeating: 0, count: 16)
        assertError(SafetensorsWriter.rawFile(header: #"{"t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}"#, data: data),
                    .sizeMismatch(tensor: "t", expected: 12, actual: 16))
        let big = 1 << 40
        assertError(SafetensorsWriter.rawFile(header: "{\"t\": {\"dtype\": \"F32\", \"shape\": [\(big), \(big)], \"data_offsets\": [0, 16]}}", data: data),
                    .shapeOverflow(tensor: "t", shape: [big, big]))
        assertError(SafetensorsWriter.rawFile(header: #"{"t": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}"#, data: data),
                    .offsetOutOfRange(tensor: "t", end: 32, dataSize: 16))
        assertError(SafetensorsWriter.rawFile(header: #"{"t": {"dtype": "U8", "shape": [4], "data_offsets": [9223372036854775800, 9223372036854775804]}}"#, data: data),
                    .offsetOutOfRange(tensor: "t", end: 9_223_372_036_854_775_804, dataSize: 16))
    }

    func testOverlappingTensors() {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        assertError(SafetensorsWriter.rawFile(header: header, data: [UInt8](repeating: 0, count: 16)), .overlappingTensors("a", "b"))
    }
}
