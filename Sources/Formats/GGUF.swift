// GGUF reader (versions 2 and 3, little-endian).
//
// File layout (all integers little-endian; "string" = u64 byte length + UTF-8 bytes, no NUL):
//
//   header     u32 magic "GGUF" (0x47 0x47 0x55 0x46) | u32 version | u64 tensor_count | u64 kv_count
//   metadata   kv_count x { string key | u32 value_type | value }
//                value_type: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (1 byte, 0/1),
//                            8 string, 9 array, 10 u64, 11 i64, 12 f64
//                array value: u32 element_type | u64 count | count x value (arrays may nest)
//   tensors    tensor_count x { string name | u32 n_dims | n_dims x u64 dim | u32 ggml_type | u64 offset }
//                dims are ggml order: dim[0] is the row length (contiguous)
//   padding    to a multiple of `general.alignment` (u32 metadata, default 32)
//   data       tensor bytes; each tensor's `offset` is relative to the start of this section and
//              is a multiple of the alignment
//
// Version 1 (u32 counts and lengths) is obsolete and rejected; version 3 only added big-endian
// files, which are recognisable by a byte-swapped version and rejected too.
//
// The reader never trusts a count or length: each is capped, checked against the bytes left in
// the file before anything is allocated, and combined with checked arithmetic.

import Foundation
import Kernels

/// Where one tensor lives in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: TensorType
    /// ggml order: shape[0] is the contiguous row length. 1...4 dimensions, each > 0.
    public let shape: [Int]
    /// Offset from the start of the data section (a multiple of the file's alignment).
    public let offset: Int
    /// Bytes the tensor occupies: rows x rowBytes(shape[0]).
    public let byteCount: Int
    /// Product of `shape`.
    public let elementCount: Int
}

/// A memory-mapped GGUF model file: metadata, tensor directory and zero-copy tensor views.
///
/// ```swift
/// let file = try GGUFFile(url: URL(fileURLWithPath: "model.gguf"))
/// let arch = try file.string("general.architecture")
/// let layers = try file.int("\(arch).block_count")
/// let embed = try file.requireTensor("token_embd.weight")     // TensorView, shape [dModel, vocab]
/// ```
///
/// Views returned by `tensor(named:)` point into the mapping and are valid while this object
/// is alive.
public final class GGUFFile: @unchecked Sendable {
    // @unchecked Sendable: immutable after init; views point into a read-only mapping it owns.
    /// Limits on what a file may claim; anything larger is rejected before allocation.
    public enum Limits {
        public static let maxTensors: UInt64 = 1 << 20
        public static let maxKeys: UInt64 = 1 << 20
        public static let maxStringLength: UInt64 = 1 << 30
        public static let maxArrayDepth = 8
        public static let maxDimensions = 4
        public static let maxAlignment = 1 << 16
    }

    public static let defaultAlignment = 32

    public let version: UInt32
    /// All metadata by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor directory in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32.
    public let alignment: Int
    /// Absolute file offset of the data section.
    public let dataOffset: Int
    /// Total file size in bytes.
    public var fileSize: Int { storage.count }

    private let storage: MappedFile
    private let tensorIndex: [String: Int]

    /// Maps and parses the file at `url`.
    public convenience init(url: URL) throws {
        try self.init(storage: MappedFile.map(url) { GGUFError.cannotOpen(path: $0.path, reason: $0.reason) })
    }

    /// Parses a GGUF image held in memory (the bytes are copied).
    public convenience init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        try self.init(storage: MappedFile(copying: bytes))
    }

    private init(storage: MappedFile) throws {
        self.storage = storage
        let parsed = try GGUFParser.parse(storage.bytes)
        version = parsed.version
        metadata = parsed.metadata
        metadataKeys = parsed.metadataKeys
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataOffset = parsed.dataOffset
        var index: [String: Int] = [:]
        for (i, t) in parsed.tensors.enumerated() { index[t.name] = i }
        tensorIndex = index
    }

    // MARK: Tensors

    /// The directory entry for `name`, if present.
    public func info(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// A zero-copy view of tensor `name`, or nil when there is no such tensor.
    public func tensor(named name: String) -> TensorView? {
        info(named: name).map(view)
    }

    /// A zero-copy view of tensor `name`; throws `GGUFError.tensorNotFound` when absent.
    public func requireTensor(_ name: String) throws -> TensorView {
        guard let view = tensor(named: name) else { throw GGUFError.tensorNotFound(name) }
        return view
    }

    /// The view for a directory entry of this file.
    public func view(_ info: GGUFTensorInfo) -> TensorView {
        // The parser proved dataOffset + offset + byteCount <= fileSize, and a tensor has at
        // least one byte, so the base pointer exists.
        let base = storage.base! + dataOffset + info.offset
        return TensorView(name: info.name, type: info.type, shape: info.shape, data: base, byteCount: info.byteCount)
    }

    // MARK: Typed metadata

    /// The raw value for `key`, if present.
    public func value(_ key: String) -> GGUFValue? { metadata[key] }

    /// An integer of any width as Int. Throws when missing, not an integer, or out of range.
    public func int(_ key: String) throws -> Int {
        try Self.int(key, try require(key))
    }

    /// Like `int(_:)` but nil when the key is absent (still throws on a wrong type).
    public func intIfPresent(_ key: String) throws -> Int? {
        try metadata[key].map { try Self.int(key, $0) }
    }

    /// A float32/float64 (or integer) value as Float.
    public func float(_ key: String) throws -> Float {
        Float(try Self.double(key, try require(key)))
    }

    public func floatIfPresent(_ key: String) throws -> Float? {
        try metadata[key].map { Float(try Self.double(key, $0)) }
    }

    /// A float32/float64 (or integer) value as Double.
    public func double(_ key: String) throws -> Double {
        try Self.double(key, try require(key))
    }

    public func string(_ key: String) throws -> String {
        try Self.string(key, try require(key))
    }

    public func stringIfPresent(_ key: String) throws -> String? {
        try metadata[key].map { try Self.string(key, $0) }
    }

    public func bool(_ key: String) throws -> Bool {
        let value = try require(key)
        guard let b = value.boolValue else { throw GGUFError.typeMismatch(key: key, expected: "bool", found: "\(value.type)") }
        return b
    }

    public func boolIfPresent(_ key: String) throws -> Bool? {
        guard metadata[key] != nil else { return nil }
        return try bool(key)
    }

    /// An array of strings.
    public func stringArray(_ key: String) throws -> [String] {
        try Self.elements(key, try require(key), expected: "array of string").map { try Self.string(key, $0) }
    }

    /// An array of integers of any width, each converted to Int.
    public func intArray(_ key: String) throws -> [Int] {
        try Self.elements(key, try require(key), expected: "array of integer").map { try Self.int(key, $0) }
    }

    /// An array of floats (or integers) as Float.
    public func floatArray(_ key: String) throws -> [Float] {
        try Self.elements(key, try require(key), expected: "array of float").map { Float(try Self.double(key, $0)) }
    }

    private func require(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else { throw GGUFError.missingKey(key) }
        return value
    }

    private static func int(_ key: String, _ value: GGUFValue) throws -> Int {
        guard value.isInteger else { throw GGUFError.typeMismatch(key: key, expected: "integer", found: "\(value.type)") }
        guard let i = value.intValue else { throw GGUFError.valueOutOfRange(key: key, value: value.description, target: "Int") }
        return i
    }

    private static func double(_ key: String, _ value: GGUFValue) throws -> Double {
        guard let d = value.doubleValue else { throw GGUFError.typeMismatch(key: key, expected: "float", found: "\(value.type)") }
        return d
    }

    private static func string(_ key: String, _ value: GGUFValue) throws -> String {
        guard let s = value.stringValue else { throw GGUFError.typeMismatch(key: key, expected: "string", found: "\(value.type)") }
        return s
    }

    private static func elements(_ key: String, _ value: GGUFValue, expected: String) throws -> [GGUFValue] {
        guard case .array(_, let values) = value else {
            throw GGUFError.typeMismatch(key: key, expected: expected, found: "\(value.type)")
        }
        return values
    }
}

// MARK: - Parser

/// Parses a GGUF image from a bounded byte range. Stateless apart from the cursor.
enum GGUFParser {
    struct Result {
        var version: UInt32
        var metadata: [String: GGUFValue]
        var metadataKeys: [String]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static let magic: UInt32 = 0x4655_4747  // "GGUF" read as a little-endian u32

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Result {
        var r = GGUFByteReader(bytes)

        let magic = try r.u32("magic")
        guard magic == Self.magic else { throw GGUFError.badMagic(magic) }
        let version = try r.u32("version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }
        let tensorCount = try r.u64("tensor count")
        let keyCount = try r.u64("metadata count")
        // Smallest encodings: a tensor info is 8 (name) + 4 + 8 (one dim) + 4 + 8 = 32 bytes,
        // a key/value 8 (key) + 4 + 1 = 13 bytes. Counts the file cannot hold are rejected here,
        // before any storage is reserved.
        guard keyCount <= GGUFFile.Limits.maxKeys, keyCount <= UInt64(r.remaining / 13) else {
            throw GGUFError.tooManyKeys(keyCount)
        }
        guard tensorCount <= GGUFFile.Limits.maxTensors, tensorCount <= UInt64(r.remaining / 32) else {
            throw GGUFError.tooManyTensors(tensorCount)
        }

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        metadata.reserveCapacity(Int(keyCount))
        keys.reserveCapacity(Int(keyCount))
        for _ in 0..<Int(keyCount) {
            let key = try r.string(maxLength: 1 << 16, "metadata key")
            let rawType = try r.u32("value type of \(key)")
            guard let type = GGUFValueType(rawValue: rawType) else { throw GGUFError.unknownValueType(rawType, key: key) }
            let value = try readValue(&r, type: type, key: key, depth: 0)
            guard metadata.updateValue(value, forKey: key) == nil else { throw GGUFError.duplicateKey(key) }
            keys.append(key)
        }

        let alignment = try alignment(metadata["general.alignment"])

        struct RawInfo { var name: String; var type: TensorType; var shape: [Int]; var offset: UInt64; var byteCount: Int; var elements: Int }
        var infos: [RawInfo] = []
        infos.reserveCapacity(Int(tensorCount))
        var seen = Set<String>()
        for _ in 0..<Int(tensorCount) {
            let name = try r.string(maxLength: 1 << 16, "tensor name")
            guard seen.insert(name).inserted else { throw GGUFError.duplicateTensor(name) }
            let dimCount = try r.u32("dimension count of \(name)")
            guard (1...UInt32(GGUFFile.Limits.maxDimensions)).contains(dimCount) else {
                throw GGUFError.badDimensionCount(tensor: name, count: dimCount)
            }
            var rawShape: [UInt64] = []
            for _ in 0..<Int(dimCount) { rawShape.append(try r.u64("dimensions of \(name)")) }
            let typeID = try r.u32("type of \(name)")
            let offset = try r.u64("offset of \(name)")

            var shape: [Int] = []
            var elements = 1
            for (i, d) in rawShape.enumerated() {
                guard d > 0, let dim = Int(exactly: d) else { throw GGUFError.badDimension(tensor: name, index: i, value: d) }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw GGUFError.shapeOverflow(tensor: name, shape: rawShape) }
                elements = product
                shape.append(dim)
            }
            guard let type = TensorType(rawValue: typeID) else { throw GGUFError.unknownTensorType(tensor: name, id: typeID) }
            guard shape[0] % type.blockSize == 0 else {
                throw GGUFError.rowNotBlockAligned(tensor: name, rowLength: shape[0], type: type)
            }
            guard let rowBytes = type.rowBytes(shape[0]) else { throw GGUFError.shapeOverflow(tensor: name, shape: rawShape) }
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: elements / shape[0])
            guard !overflow else { throw GGUFError.shapeOverflow(tensor: name, shape: rawShape) }
            guard offset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedOffset(tensor: name, offset: offset, alignment: alignment)
            }
            infos.append(RawInfo(name: name, type: type, shape: shape, offset: offset, byteCount: byteCount, elements: elements))
        }

        // The data section starts at the next multiple of the alignment.
        let headerEnd = r.offset
        let (padded, overflow) = headerEnd.addingReportingOverflow(alignment - 1)
        precondition(!overflow, "header end is bounded by the file size")
        let dataOffset = padded / alignment * alignment
        let dataSize = max(0, bytes.count - dataOffset)

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            guard let start = Int(exactly: info.offset),
                  case let (end, overflow) = start.addingReportingOverflow(info.byteCount), !overflow,
                  end <= dataSize else {
                throw GGUFError.tensorOutOfBounds(tensor: info.name, offset: info.offset, byteCount: info.byteCount, dataSize: dataSize)
            }
            tensors.append(GGUFTensorInfo(name: info.name, type: info.type, shape: info.shape, offset: start,
                                          byteCount: info.byteCount, elementCount: info.elements))
        }
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw GGUFError.overlappingTensors(a.name, b.name)
        }

        return Result(version: version, metadata: metadata, metadataKeys: keys, tensors: tensors,
                      alignment: alignment, dataOffset: dataOffset)
    }

    private static func alignment(_ value: GGUFValue?) throws -> Int {
        guard let value else { return GGUFFile.defaultAlignment }
        guard let a = value.intValue, a > 0, a <= GGUFFile.Limits.maxAlignment, a & (a - 1) == 0 else {
            throw GGUFError.invalidAlignment(value.description)
        }
        return a
    }

    private static func readValue(_ r: inout GGUFByteReader, type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try r.u8(key))
        case .int8: return .int8(Int8(bitPattern: try r.u8(key)))
        case .uint16: return .uint16(try r.u16(key))
        case .int16: return .int16(Int16(bitPattern: try r.u16(key)))
        case .uint32: return .uint32(try r.u32(key))
        case .int32: return .int32(Int32(bitPattern: try r.u32(key)))
        case .uint64: return .uint64(try r.u64(key))
        case .int64: return .int64(Int64(bitPattern: try r.u64(key)))
        case .float32: return .float32(Float(bitPattern: try r.u32(key)))
        case .float64: return .float64(Double(bitPattern: try r.u64(key)))
        case .bool:
            let b = try r.u8(key)
            guard b <= 1 else { throw GGUFError.invalidBool(b, key: key) }
            return .bool(b == 1)
        case .string:
            return .string(try r.string(maxLength: GGUFFile.Limits.maxStringLength, key))
        case .array:
            guard depth < GGUFFile.Limits.maxArrayDepth else { throw GGUFError.arrayNestingTooDeep(key: key) }
            let rawType = try r.u32("array element type of \(key)")
            guard let elementType = GGUFValueType(rawValue: rawType) else { throw GGUFError.unknownValueType(rawType, key: key) }
            let count = try r.u64("array length of \(key)")
            guard count <= UInt64(r.remaining / elementType.minimumEncodedSize) else {
                throw GGUFError.arrayTooLong(count: count, key: key)
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                values.append(try readValue(&r, type: elementType, key: key, depth: depth + 1))
            }
            return .array(elementType, values)
        }
    }
}

/// A cursor over a bounded byte range; every read checks the bytes left first.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, _ what: @autoclosure () -> String) throws -> Int {
        guard n <= remaining else { throw GGUFError.truncated(offset: offset, needed: n - remaining, reading: what()) }
        defer { offset += n }
        return offset
    }

    mutating func u8(_ what: @autoclosure () -> String) throws -> UInt8 {
        bytes[try take(1, what())]
    }

    mutating func u16(_ what: @autoclosure () -> String) throws -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(2, what()), as: UInt16.self))
    }

    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4, what()), as: UInt32.self))
    }

    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8, what()), as: UInt64.self))
    }

    /// A u64-length-prefixed UTF-8 string of at most `maxLength` bytes.
    mutating func string(maxLength: UInt64, _ what: @autoclosure () -> String) throws -> String {
        let lengthAt = offset
        let length = try u64(what())
        guard length <= maxLength else { throw GGUFError.stringTooLong(length: length, offset: lengthAt) }
        let start = try take(Int(length), what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(length))])
        guard let s = String(validating: slice, as: UTF8.self) else { throw GGUFError.invalidUTF8(offset: start) }
        return s
    }
}
