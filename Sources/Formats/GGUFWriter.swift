// GGUF v2/v3 writer: control-vector files the project produces, and the tiny models, round
// trips and malformed inputs of the tests.
//
// Layout written (see Sources/Formats/GGUF.swift for the full spec): header, metadata in insertion
// order, tensor infos in insertion order, zero padding to the alignment, then each tensor's bytes
// padded to the alignment. The alignment is `general.alignment` when that key holds a
// power-of-two integer, else 32.
import Foundation
import Kernels

/// Assembles a GGUF file in memory.
///
/// ```swift
/// var w = GGUFWriter()
/// w.add("general.architecture", .string("llama"))
/// w.add("llama.block_count", .uint32(2))
/// w.addF32Tensor(name: "output_norm.weight", values: g)             // [64]
/// w.addTensor(name: "token_embd.weight", type: .q8_0, shape: [64, 100], bytes: q8Bytes)
/// try w.write(to: url)            // or w.bytes()
/// ```
///
/// Files are written in insertion order with no timestamps, so the same entries give the same
/// bytes. `addRaw` and `addRawTensor` write anything, valid or not (for malformed-file tests);
/// `add`, `addTensor` and `addF32Tensor` write only what the reader accepts.
public struct GGUFWriter: Sendable {
    /// One metadata entry, already encoded (type tag + payload), so tests can write
    /// unknown type tags or duplicate keys with `addRaw`.
    public struct Entry: Sendable {
        public var key: String
        public var typeID: UInt32
        public var payload: [UInt8]
    }

    /// One tensor info plus its bytes. `offsetOverride` replaces the computed data offset
    /// (for malformed-file tests).
    public struct Tensor: Sendable {
        public var name: String
        public var typeID: UInt32
        public var dims: [UInt64]
        public var bytes: [UInt8]
        public var offsetOverride: UInt64?
    }

    public var version: UInt32
    public private(set) var entries: [Entry] = []
    public private(set) var tensors: [Tensor] = []

    public init(version: UInt32 = 3) {
        self.version = version
    }

    // MARK: Metadata

    /// Sets `key` to `value`, replacing an earlier value for the same key.
    public mutating func add(_ key: String, _ value: GGUFValue) {
        let entry = Entry(key: key, typeID: value.type.rawValue, payload: Self.encodePayload(value))
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i] = entry
        } else {
            entries.append(entry)
        }
    }

    /// Appends an entry verbatim, even if the key exists or the type id is unknown.
    public mutating func addRaw(key: String, typeID: UInt32, payload: [UInt8]) {
        entries.append(Entry(key: key, typeID: typeID, payload: payload))
    }

    // MARK: Tensors

    /// Adds a tensor. `shape` is ggml order (`[cols, rows]` for a matrix); `bytes` must hold
    /// exactly rows x rowBytes(cols) bytes of `type`. Replaces an earlier tensor of the same name.
    public mutating func addTensor(name: String, type: TensorType, shape: [Int], bytes: [UInt8]) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "shape \(shape) must be non-empty and positive")
        let rows = shape.dropFirst().reduce(1, *)
        guard let rowBytes = type.rowBytes(shape[0]) else {
            preconditionFailure("row length \(shape[0]) is not a multiple of the \(type) block size")
        }
        precondition(bytes.count == rowBytes * rows, "\(name): \(bytes.count) bytes given, \(type) \(shape) needs \(rowBytes * rows)")
        let tensor = Tensor(name: name, typeID: type.rawValue, dims: shape.map { UInt64($0) }, bytes: bytes, offsetOverride: nil)
        if let i = tensors.firstIndex(where: { $0.name == name }) {
            tensors[i] = tensor
        } else {
            tensors.append(tensor)
        }
    }

    /// Adds a one-dimensional F32 tensor [values.count] (values.count ≥ 1).
    public mutating func addF32Tensor(name: String, values: [Float]) {
        addTensor(name: name, type: .f32, shape: [values.count],
                  bytes: values.withUnsafeBufferPointer { p in
                      p.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
                  })
    }

    /// Appends a tensor info verbatim (any type id, dims and offset); no checks.
    public mutating func addRawTensor(name: String, typeID: UInt32, dims: [UInt64], bytes: [UInt8], offset: UInt64? = nil) {
        tensors.append(Tensor(name: name, typeID: typeID, dims: dims, bytes: bytes, offsetOverride: offset))
    }

    // MARK: Output

    /// The alignment the writer uses: `general.alignment` if it is a valid integer, else 32.
    public var alignment: Int {
        guard let entry = entries.last(where: { $0.key == "general.alignment" }),
              let type = GGUFValueType(rawValue: entry.typeID), let size = type.fixedSize,
              entry.payload.count == size, type != .float32, type != .float64, type != .bool else { return 32 }
        let value = entry.payload.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard value > 0, value <= 1 << 16, value & (value - 1) == 0 else { return 32 }
        return Int(value)
    }

    /// Absolute file offset where the data section starts.
    public var dataOffset: Int { Self.align(headerBytes().count, alignment) }

    /// The complete file.
    public func bytes() -> [UInt8] {
        let alignment = self.alignment
        var out = headerBytes()
        out += [UInt8](repeating: 0, count: Self.align(out.count, alignment) - out.count)
        for t in tensors {
            out += t.bytes
            out += [UInt8](repeating: 0, count: Self.align(out.count, alignment) - out.count)
        }
        return out
    }

    public func write(to url: URL) throws {
        try Data(bytes()).write(to: url)
    }

    /// Header, metadata and tensor infos, without padding.
    public func headerBytes() -> [UInt8] {
        var out = ByteBuffer()
        out.append(Array("GGUF".utf8))
        out.u32(version)
        out.u64(UInt64(tensors.count))
        out.u64(UInt64(entries.count))
        for e in entries {
            out.string(e.key)
            out.u32(e.typeID)
            out.append(e.payload)
        }
        var offset = 0
        for t in tensors {
            out.string(t.name)
            out.u32(UInt32(t.dims.count))
            for d in t.dims { out.u64(d) }
            out.u32(t.typeID)
            out.u64(t.offsetOverride ?? UInt64(offset))
            offset = Self.align(offset + t.bytes.count, alignment)
        }
        return out.bytes
    }

    /// Encodes a value without its type tag (arrays include their element type and count).
    public static func encodePayload(_ value: GGUFValue) -> [UInt8] {
        var out = ByteBuffer()
        encode(value, into: &out)
        return out.bytes
    }

    private static func encode(_ value: GGUFValue, into out: inout ByteBuffer) {
        switch value {
        case .uint8(let v): out.append([v])
        case .int8(let v): out.append([UInt8(bitPattern: v)])
        case .uint16(let v): out.u16(v)
        case .int16(let v): out.u16(UInt16(bitPattern: v))
        case .uint32(let v): out.u32(v)
        case .int32(let v): out.u32(UInt32(bitPattern: v))
        case .uint64(let v): out.u64(v)
        case .int64(let v): out.u64(UInt64(bitPattern: v))
        case .float32(let v): out.u32(v.bitPattern)
        case .float64(let v): out.u64(v.bitPattern)
        case .bool(let v): out.append([v ? 1 : 0])
        case .string(let s): out.string(s)
        case .array(let type, let values):
            out.u32(type.rawValue)
            out.u64(UInt64(values.count))
            for v in values { encode(v, into: &out) }
        }
    }

    static func align(_ n: Int, _ alignment: Int) -> Int {
        (n + alignment - 1) / alignment * alignment
    }
}

/// Little-endian byte assembly for hand-built (and deliberately broken) binary files.
public struct ByteBuffer: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ b: [UInt8]) { bytes += b }
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    /// GGUF string: u64 byte length then UTF-8 bytes.
    public mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes += Array(s.utf8)
    }
}
