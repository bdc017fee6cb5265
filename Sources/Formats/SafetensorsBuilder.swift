// Safetensors writer for files the project produces (supervisor bundles, activation shards).
//
// Layout written (the reader in Safetensors.swift documents the format):
//   u64 N            little-endian header length, N a multiple of 8
//   N bytes          JSON header: "__metadata__" first (keys sorted), then the tensors in
//                    insertion order, each {"dtype","shape","data_offsets"}; padded with spaces
//   data             the tensors' bytes back to back, in insertion order
//
// The output is a pure function of the inputs (fixed key order, no timestamps), so a file written
// twice from the same tensors has the same bytes and the same SHA-256: bundle hashes depend on it.

import Foundation

public enum SafetensorsBuilderError: Error, Equatable, CustomStringConvertible {
    case duplicateTensor(String)
    case sizeMismatch(tensor: String, expected: Int, actual: Int)
    case invalidShape(tensor: String, shape: [Int])

    public var description: String {
        switch self {
        case .duplicateTensor(let n): return "tensor \"\(n)\" added twice"
        case .sizeMismatch(let n, let e, let a): return "tensor \"\(n)\" needs \(e) bytes for its dtype and shape, got \(a)"
        case .invalidShape(let n, let s): return "tensor \"\(n)\" has an invalid shape \(s)"
        }
    }
}

/// Assembles a `.safetensors` file in memory.
///
/// ```swift
/// var b = SafetensorsBuilder()
/// try b.add("probe.weight", shape: [576], values: w)   // math order, F32
/// try b.bytes().write(to: url)
/// ```
public struct SafetensorsBuilder: Sendable {
    struct Entry: Sendable {
        var name: String
        var dtype: SafetensorsDType
        var shape: [Int]
        var bytes: Data
    }

    /// `__metadata__` string pairs (written sorted by key).
    public var metadata: [String: String] = [:]
    private var entries: [Entry] = []

    public init() {}

    /// Names added so far, in order.
    public var names: [String] { entries.map(\.name) }

    /// Adds F32 values with a math-order `shape` (`[]` for a scalar).
    public mutating func add(_ name: String, shape: [Int], values: [Float]) throws {
        try add(name, dtype: .f32, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// Adds F32 values rounded to F16.
    public mutating func add(_ name: String, shape: [Int], f16Values values: [Float]) throws {
        try add(name, dtype: .f16, shape: shape, bytes: Self.littleEndianBytes(values.map { Float16($0).bitPattern }))
    }

    /// Adds I32 values.
    public mutating func add(_ name: String, shape: [Int], int32Values values: [Int32]) throws {
        try add(name, dtype: .i32, shape: shape, bytes: Self.littleEndianBytes(values))
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> Data {
        values.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }

    /// Adds raw little-endian bytes of `dtype`.
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: Data) throws {
        guard !entries.contains(where: { $0.name == name }), name != "__metadata__" else {
            throw SafetensorsBuilderError.duplicateTensor(name)
        }
        guard shape.count <= SafetensorsFile.Limits.maxDimensions, shape.allSatisfy({ $0 >= 0 }) else {
            throw SafetensorsBuilderError.invalidShape(tensor: name, shape: shape)
        }
        var size = dtype.byteSize
        for d in shape {
            let (p, overflow) = size.multipliedReportingOverflow(by: d)
            guard !overflow else { throw SafetensorsBuilderError.invalidShape(tensor: name, shape: shape) }
            size = p
        }
        guard size == bytes.count else {
            throw SafetensorsBuilderError.sizeMismatch(tensor: name, expected: size, actual: bytes.count)
        }
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// The complete file.
    public func bytes() -> Data {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(Self.quote($0.key)):\(Self.quote($0.value))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for e in entries {
            let shape = e.shape.map(String.init).joined(separator: ",")
            fields.append("\(Self.quote(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],"
                          + "\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for e in entries { out.append(e.bytes) }
        return out
    }

    /// A JSON string literal with the minimal escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
