// Builds safetensors files (single and sharded with an index) for tests.
//
// Layout written (see Sources/Formats/Safetensors.swift): u64 header length, JSON header padded
// with spaces to a multiple of 8, then the tensors' bytes back to back in insertion order.
import Foundation
import Formats
import Kernels

/// Assembles `.safetensors` files in memory.
///
/// ```swift
/// var w = SafetensorsWriter()
/// w.metadata["format"] = "pt"
/// w.add("lm_head.weight", shape: [vocab, dModel], values: weights)      // math order, F32
/// try w.write(to: dir.appendingPathComponent("model.safetensors"))
/// try w.writeSharded(to: dir, shardCount: 2)                             // or shards + index
/// ```
public struct SafetensorsWriter {
    public struct Entry {
        public var name: String
        /// Written verbatim into the header, so tests can use unknown dtypes.
        public var dtype: String
        /// Math order.
        public var shape: [Int]
        public var bytes: [UInt8]
    }

    public var metadata: [String: String] = [:]
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds a tensor with raw bytes. `shape` is math order (last dimension contiguous).
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(dtype.byteSize, *), "\(name): \(bytes.count) bytes for \(dtype.rawValue) \(shape)")
        addRaw(name, dtype: dtype.rawValue, shape: shape, bytes: bytes)
    }

    /// Adds a float tensor encoded as F32, F16 or BF16. `shape` is math order.
    public mutating func add(_ name: String, dtype: SafetensorsDType = .f32, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        guard let type = dtype.tensorType else { preconditionFailure("\(dtype.rawValue) is not a float dtype") }
        add(name, dtype: dtype, shape: shape, bytes: TensorBytes.encode(values, as: type))
    }

    /// Adds an entry without checks (any dtype string, any byte count).
    public mutating func addRaw(_ name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// The complete file.
    public func bytes() -> [UInt8] {
        Self.file(entries: entries, metadata: metadata)
    }

    public func write(to url: URL) throws {
        try Data(bytes()).write(to: url)
    }

    /// Splits the tensors round-robin into `shardCount` files named like Hugging Face's
    /// (`model-00001-of-00002.safetensors`) and writes `model.safetensors.index.json`.
    /// Returns the shard URLs.
    @discardableResult
    public func writeSharded(to directory: URL, shardCount: Int) throws -> [URL] {
        precondition(shardCount >= 1)
        var groups = [[Entry]](repeating: [], count: shardCount)
        for (i, e) in entries.enumerated() { groups[i % shardCount].append(e) }
        var urls: [URL] = []
        var weightMap: [(String, String)] = []
        for (i, group) in groups.enumerated() {
            let name = String(format: "model-%05d-of-%05d.safetensors", i + 1, shardCount)
            let url = directory.appendingPathComponent(name)
            try Data(Self.file(entries: group, metadata: metadata)).write(to: url)
            urls.append(url)
            weightMap += group.map { ($0.name, name) }
        }
        let total = entries.reduce(0) { $0 + $1.bytes.count }
        let map = weightMap.map { "\(Self.jsonString($0.0)): \(Self.jsonString($0.1))" }.joined(separator: ",\n    ")
        let index = "{\n  \"metadata\": {\"total_size\": \(total)},\n  \"weight_map\": {\n    \(map)\n  }\n}\n"
        try Data(index.utf8).write(to: directory.appendingPathComponent("model.safetensors.index.json"))
        return urls
    }

    /// A file from a literal header and data section (for malformed-file tests).
    public static func rawFile(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        var out = ByteBuffer()
        out.u64(declaredLength ?? UInt64(header.utf8.count))
        out.append(Array(header.utf8))
        out.append(data)
        return out.bytes
    }

    private static func file(entries: [Entry], metadata: [String: String]) -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        var data: [UInt8] = []
        for e in entries {
            let shape = e.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(e.name)):{\"dtype\":\(jsonString(e.dtype)),\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
            data += e.bytes
        }
        var header = "{" + fields.joined(separator: ",") + "}"
        while header.utf8.count % 8 != 0 { header += " " }
        return rawFile(header: header, data: data)
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String { SafetensorsBuilder.quote(s) }
}
