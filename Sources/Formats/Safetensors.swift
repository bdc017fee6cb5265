// Safetensors reader (single files and sharded checkpoints).
//
// File layout:
//
//   u64 N          little-endian byte length of the header
//   N bytes        UTF-8 JSON object (may be padded with trailing spaces):
//                    { "__metadata__": { "key": "string value", ... },          (optional)
//                      "<tensor name>": { "dtype": "F32" | "F16" | "BF16" | "F64" | "I64" | ...,
//                                         "shape": [d0, d1, ...],               (math order, may be [])
//                                         "data_offsets": [begin, end] }, ... }
//   data           tensor bytes; begin/end are relative to the first byte after the header,
//                  end - begin == product(shape) x dtype size, tensors do not overlap.
//
// Shapes are math order (row-major, the last dimension contiguous). `TensorView` uses ggml order,
// so views reverse the shape: a `[rows, cols]` weight becomes `[cols, rows]`.
//
// Sharded checkpoints add `model.safetensors.index.json`:
//   { "metadata": { "total_size": ... }, "weight_map": { "<tensor name>": "<shard file name>", ... } }
//
// Every offset is checked against the file before a view is made; the header is capped at 100 MB.

import Foundation
import Kernels

/// Element types a safetensors header may name.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case u8 = "U8", i8 = "I8"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case u16 = "U16", i16 = "I16", f16 = "F16", bf16 = "BF16"
    case u32 = "U32", i32 = "I32", f32 = "F32"
    case u64 = "U64", i64 = "I64", f64 = "F64"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .u16, .i16, .f16, .bf16: return 2
        case .u32, .i32, .f32: return 4
        case .u64, .i64, .f64: return 8
        }
    }

    /// The matching stored tensor type, for the dtypes the kernels read.
    public var tensorType: TensorType? {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        default: return nil
        }
    }
}

public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case fileTooSmall(size: Int)
    case headerTooLarge(length: UInt64)
    case headerPastEnd(length: UInt64, fileSize: Int)
    case invalidJSON(String)
    case invalidHeader(String)
    case invalidTensorEntry(tensor: String, reason: String)
    case unknownDType(tensor: String, dtype: String)
    case unsupportedDType(tensor: String, dtype: SafetensorsDType)
    case shapeOverflow(tensor: String, shape: [Int])
    case sizeMismatch(tensor: String, expected: Int, actual: Int)
    case offsetOutOfRange(tensor: String, end: Int, dataSize: Int)
    case overlappingTensors(String, String)
    case tensorNotFound(String)
    // Sharded checkpoints
    case invalidIndex(String)
    case invalidShardName(String)
    case missingTensorInShard(tensor: String, shard: String)
    case duplicateTensor(tensor: String, shards: [String])

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open safetensors file \(path): \(reason)"
        case .fileTooSmall(let size): return "safetensors file of \(size) bytes is too small for the 8-byte header length"
        case .headerTooLarge(let n): return "safetensors header length \(n) is over the 100 MB limit"
        case .headerPastEnd(let n, let size): return "safetensors header length \(n) runs past the end of the \(size)-byte file"
        case .invalidJSON(let reason): return "safetensors header is not valid JSON: \(reason)"
        case .invalidHeader(let reason): return "invalid safetensors header: \(reason)"
        case .invalidTensorEntry(let name, let reason): return "invalid entry for tensor \"\(name)\": \(reason)"
        case .unknownDType(let name, let dtype): return "tensor \"\(name)\" has unknown dtype \"\(dtype)\""
        case .unsupportedDType(let name, let dtype):
            return "tensor \"\(name)\" has dtype \(dtype.rawValue), which cannot be viewed as a float tensor (F32, F16, BF16)"
        case .shapeOverflow(let name, let shape): return "tensor \"\(name)\" shape \(shape) overflows"
        case .sizeMismatch(let name, let expected, let actual):
            return "tensor \"\(name)\" needs \(expected) bytes for its dtype and shape, but its offsets span \(actual)"
        case .offsetOutOfRange(let name, let end, let size):
            return "tensor \"\(name)\" ends at data byte \(end), past the \(size)-byte data section"
        case .overlappingTensors(let a, let b): return "tensors \"\(a)\" and \"\(b)\" overlap"
        case .tensorNotFound(let name): return "tensor \"\(name)\" not found"
        case .invalidIndex(let reason): return "invalid model.safetensors.index.json: \(reason)"
        case .invalidShardName(let name): return "shard file name \"\(name)\" must be a plain file name in the model directory"
        case .missingTensorInShard(let name, let shard): return "index maps \"\(name)\" to \(shard), which does not contain it"
        case .duplicateTensor(let name, let shards): return "tensor \"\(name)\" appears in more than one shard: \(shards)"
        }
    }
}

/// One tensor's entry in a safetensors header.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    /// Math order (row-major, last dimension contiguous). May be empty (a scalar) or contain 0.
    public let shape: [Int]
    /// Byte range relative to the start of the data section.
    public let dataOffsets: Range<Int>
    public var byteCount: Int { dataOffsets.count }
}

/// A memory-mapped `.safetensors` file.
///
/// ```swift
/// let file = try SafetensorsFile(url: url)
/// let wte = try file.requireTensor("wte.weight")   // math [vocab, dModel] -> view shape [dModel, vocab]
/// ```
public final class SafetensorsFile: @unchecked Sendable {
    // @unchecked Sendable: immutable after init; views point into a read-only mapping it owns.
    public enum Limits {
        public static let maxHeaderLength: UInt64 = 100_000_000
        public static let maxDimensions = 8
    }

    /// `__metadata__` string pairs.
    public let metadata: [String: String]
    /// Tensor entries ordered by data offset (the JSON object itself has no order).
    public let tensors: [SafetensorsTensorInfo]
    /// Absolute file offset of the data section (8 + header length).
    public let dataOffset: Int
    public var fileSize: Int { storage.count }
    public var path: String { storage.path }

    private let storage: MappedFile
    private let index: [String: Int]

    public convenience init(url: URL) throws {
        try self.init(storage: MappedFile.map(url) { SafetensorsError.cannotOpen(path: $0.path, reason: $0.reason) })
    }

    /// Parses a safetensors image held in memory (the bytes are copied).
    public convenience init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        try self.init(storage: MappedFile(copying: bytes))
    }

    private init(storage: MappedFile) throws {
        self.storage = storage
        let bytes = storage.bytes
        guard bytes.count >= 8 else { throw SafetensorsError.fileTooSmall(size: bytes.count) }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard headerLength <= Limits.maxHeaderLength else { throw SafetensorsError.headerTooLarge(length: headerLength) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw SafetensorsError.headerPastEnd(length: headerLength, fileSize: bytes.count)
        }
        dataOffset = 8 + Int(headerLength)
        let header = Data(UnsafeRawBufferPointer(rebasing: bytes[8..<dataOffset]))
        let parsed = try Self.parseHeader(header, dataSize: bytes.count - dataOffset)
        metadata = parsed.metadata
        tensors = parsed.tensors
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    // MARK: Tensors

    public func info(named name: String) -> SafetensorsTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// The tensor's bytes, whatever its dtype; nil when absent.
    public func rawBytes(named name: String) -> UnsafeRawBufferPointer? {
        info(named: name).map(rawBytes)
    }

    public func rawBytes(_ info: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage.bytes[(dataOffset + info.dataOffsets.lowerBound)..<(dataOffset + info.dataOffsets.upperBound)])
    }

    /// A zero-copy view in ggml order; nil when absent, throws for dtypes other than F32/F16/BF16.
    public func tensor(named name: String) throws -> TensorView? {
        guard let info = info(named: name) else { return nil }
        return try view(info)
    }

    public func requireTensor(_ name: String) throws -> TensorView {
        guard let view = try tensor(named: name) else { throw SafetensorsError.tensorNotFound(name) }
        return view
    }

    /// The view for an entry of this file (shape reversed into ggml order; a scalar becomes [1]).
    public func view(_ info: SafetensorsTensorInfo) throws -> TensorView {
        guard let type = info.dtype.tensorType else { throw SafetensorsError.unsupportedDType(tensor: info.name, dtype: info.dtype) }
        // A file that reached here holds at least its 8-byte length prefix, so base exists.
        let data = storage.base! + dataOffset + info.dataOffsets.lowerBound
        let shape = info.shape.isEmpty ? [1] : Array(info.shape.reversed())
        return TensorView(name: info.name, type: type, shape: shape, data: data, byteCount: info.byteCount)
    }

    // MARK: Header parsing

    private static func parseHeader(_ header: Data, dataSize: Int) throws -> (metadata: [String: String], tensors: [SafetensorsTensorInfo]) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: header, options: [])
        } catch {
            throw SafetensorsError.invalidJSON("\(error)")
        }
        guard let root = object as? [String: Any] else { throw SafetensorsError.invalidHeader("top level is not a JSON object") }

        var metadata: [String: String] = [:]
        if let raw = root["__metadata__"] {
            guard let dict = raw as? [String: Any] else { throw SafetensorsError.invalidHeader("__metadata__ is not an object") }
            for (key, value) in dict {
                guard let s = value as? String else { throw SafetensorsError.invalidHeader("__metadata__[\(key)] is not a string") }
                metadata[key] = s
            }
        }

        var tensors: [SafetensorsTensorInfo] = []
        for (name, raw) in root where name != "__metadata__" {
            tensors.append(try parseEntry(name: name, raw, dataSize: dataSize))
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        for (a, b) in zip(tensors, tensors.dropFirst()) where a.dataOffsets.upperBound > b.dataOffsets.lowerBound {
            throw SafetensorsError.overlappingTensors(a.name, b.name)
        }
        return (metadata, tensors)
    }

    private static func parseEntry(name: String, _ raw: Any, dataSize: Int) throws -> SafetensorsTensorInfo {
        func bad(_ reason: String) -> SafetensorsError { .invalidTensorEntry(tensor: name, reason: reason) }
        guard let entry = raw as? [String: Any] else { throw bad("not an object") }
        guard let dtypeName = entry["dtype"] as? String else { throw bad("missing or non-string dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else { throw SafetensorsError.unknownDType(tensor: name, dtype: dtypeName) }
        guard let rawShape = entry["shape"] as? [Any] else { throw bad("missing or non-array shape") }
        guard rawShape.count <= Limits.maxDimensions else { throw bad("\(rawShape.count) dimensions, at most \(Limits.maxDimensions)") }
        let shape = try rawShape.map { value -> Int in
            guard let d = nonNegativeInt(value) else { throw bad("shape \(rawShape) has a non-integer or negative dimension") }
            return d
        }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
              let begin = nonNegativeInt(offsets[0]), let end = nonNegativeInt(offsets[1]) else {
            throw bad("data_offsets must be two non-negative integers")
        }
        guard begin <= end else { throw bad("data_offsets [\(begin), \(end)] are reversed") }

        var size = dtype.byteSize
        for d in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: d)
            guard !overflow else { throw SafetensorsError.shapeOverflow(tensor: name, shape: shape) }
            size = product
        }
        guard end - begin == size else { throw SafetensorsError.sizeMismatch(tensor: name, expected: size, actual: end - begin) }
        guard end <= dataSize else { throw SafetensorsError.offsetOutOfRange(tensor: name, end: end, dataSize: dataSize) }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// JSON numbers that are exact non-negative integers fitting an Int.
    static func nonNegativeInt(_ value: Any) -> Int? {
        if let i = value as? Int { return i >= 0 ? i : nil }
        if let n = value as? NSNumber {
            let d = n.doubleValue
            guard d >= 0, d.rounded() == d, d < 0x1p63 else { return nil }
            return Int(d)
        }
        return nil
    }
}

/// A sharded checkpoint: every shard listed by `model.safetensors.index.json`, opened and
/// searchable by tensor name. Also accepts a directory holding a single `model.safetensors`.
///
/// ```swift
/// let model = try SafetensorsCollection(directory: modelDir)
/// let q = try model.requireTensor("model.layers.0.self_attn.q_proj.weight")
/// ```
public final class SafetensorsCollection: @unchecked Sendable {
    // @unchecked Sendable: immutable after init; a fixed list of immutable files.
    public static let indexFileName = "model.safetensors.index.json"
    public static let singleFileName = "model.safetensors"

    /// Open shards by file name.
    public let shards: [String: SafetensorsFile]
    /// Tensor name -> shard file name.
    public let weightMap: [String: String]
    /// All tensor names, sorted.
    public var tensorNames: [String] { weightMap.keys.sorted() }

    /// Opens `directory/model.safetensors.index.json` and its shards, or `directory/model.safetensors`
    /// when there is no index.
    public convenience init(directory: URL) throws {
        let indexURL = directory.appendingPathComponent(Self.indexFileName)
        if FileManager.default.fileExists(atPath: indexURL.path) {
            try self.init(indexURL: indexURL)
        } else {
            let file = try SafetensorsFile(url: directory.appendingPathComponent(Self.singleFileName))
            try self.init(shards: [Self.singleFileName: file], weightMap: nil)
        }
    }

    /// Opens the index at `indexURL` and every shard it names (relative to its directory).
    public convenience init(indexURL: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: indexURL)
        } catch {
            throw SafetensorsError.cannotOpen(path: indexURL.path, reason: "\(error)")
        }
        guard data.count <= Int(SafetensorsFile.Limits.maxHeaderLength) else {
            throw SafetensorsError.invalidIndex("index file is over 100 MB")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw SafetensorsError.invalidIndex("not valid JSON: \(error)")
        }
        guard let root = object as? [String: Any], let rawMap = root["weight_map"] as? [String: Any] else {
            throw SafetensorsError.invalidIndex("missing weight_map object")
        }
        var weightMap: [String: String] = [:]
        for (name, value) in rawMap {
            guard let shard = value as? String else { throw SafetensorsError.invalidIndex("weight_map[\(name)] is not a string") }
            guard !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != ".", shard != ".." else {
                throw SafetensorsError.invalidShardName(shard)
            }
            weightMap[name] = shard
        }
        let directory = indexURL.deletingLastPathComponent()
        var shards: [String: SafetensorsFile] = [:]
        for shard in Set(weightMap.values).sorted() {
            shards[shard] = try SafetensorsFile(url: directory.appendingPathComponent(shard))
        }
        try self.init(shards: shards, weightMap: weightMap)
    }

    /// Combines already-open shards. With a `weightMap`, every mapped tensor must be in its shard;
    /// without one, the map is built from the shards and a name in two shards is an error.
    public init(shards: [String: SafetensorsFile], weightMap: [String: String]?) throws {
        self.shards = shards
        if let weightMap {
            for (name, shard) in weightMap {
                guard shards[shard]?.info(named: name) != nil else {
                    throw SafetensorsError.missingTensorInShard(tensor: name, shard: shard)
                }
            }
            self.weightMap = weightMap
        } else {
            var map: [String: String] = [:]
            for (shardName, file) in shards.sorted(by: { $0.key < $1.key }) {
                for t in file.tensors {
                    if let other = map[t.name] {
                        throw SafetensorsError.duplicateTensor(tensor: t.name, shards: [other, shardName])
                    }
                    map[t.name] = shardName
                }
            }
            self.weightMap = map
        }
    }

    public func info(named name: String) -> SafetensorsTensorInfo? {
        weightMap[name].flatMap { shards[$0]?.info(named: name) }
    }

    /// A zero-copy view in ggml order; nil when absent.
    public func tensor(named name: String) throws -> TensorView? {
        guard let shard = weightMap[name], let file = shards[shard] else { return nil }
        return try file.tensor(named: name)
    }

    public func requireTensor(_ name: String) throws -> TensorView {
        guard let view = try tensor(named: name) else { throw SafetensorsError.tensorNotFound(name) }
        return view
    }
}
