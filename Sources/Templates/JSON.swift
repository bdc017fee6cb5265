// JSON.swift — JSON text in and out of `Value`, with Python's `json` module as the reference.
//
// Output follows what HF binds as the `tojson` filter: `json.dumps(x, ensure_ascii=False,
// indent=None, separators=None, sort_keys=False)`. So by default items are separated by ", "
// and keys by ": " (Python's defaults, not compact JSON), non-ASCII text is written as is,
// floats print like Python's `repr`, and dict order is kept. With `indent`, the item separator
// becomes "," followed by a newline. (Jinja's own `tojson` sorts keys and HTML-escapes; HF
// replaces it, and chat templates are written against HF's.)
//
// Input keeps object key order, so contexts read from JSON fixtures print in the order written.

/// Options of Python's `json.dumps` that templates pass to `tojson`.
struct JSONDumpOptions {
    var indent: String? = nil
    var itemSeparator: String? = nil
    var keySeparator: String? = nil
    var sortKeys = false
    var ensureASCII = false
    /// The largest output the writer may build (checked as each value starts).
    var maxBytes = Int.max
}

enum JSONWriter {
    static func dump(_ value: Value, _ options: JSONDumpOptions) throws -> String {
        var out = ""
        try write(value, options, depth: 0, into: &out)
        return out
    }

    private static func write(_ value: Value, _ o: JSONDumpOptions, depth: Int, into out: inout String) throws {
        guard depth < 512 else { throw TemplateError.runtime("tojson: value nested too deeply", nil) }
        guard out.utf8.count <= o.maxBytes else { throw TemplateError.limitExceeded(.outputBytes, nil) }
        let itemSep = o.itemSeparator ?? (o.indent == nil ? ", " : ",")
        let keySep = o.keySeparator ?? ": "
        func newline(_ level: Int) {
            guard let indent = o.indent else { return }
            out += "\n" + String(repeating: indent, count: level)
        }
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
                out += formatPythonFloat(d)
            }
        case .string(let s), .markup(let s): writeString(s, ascii: o.ensureASCII, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSep }
                newline(depth + 1)
                try write(item, o, depth: depth + 1, into: &out)
            }
            newline(depth)
            out += "]"
        case .dict(let dict):
            if dict.isEmpty { out += "{}"; return }
            out += "{"
            var pairs = try dict.pairs.map { (try jsonKey($0.0), $0.1) }
            if o.sortKeys {
                // json.dumps sorts the keys as given; mixed kinds cannot be ordered.
                let kinds = Set(dict.keys.map { $0.asDouble != nil ? "number" : $0.typeName })
                guard kinds.count <= 1 else {
                    throw TemplateError.runtime("'<' not supported between keys of different types in tojson(sort_keys=true)", nil)
                }
                pairs = zip(dict.keys, pairs).sorted { a, b in
                    switch (a.0.asDouble, b.0.asDouble) {
                    case (let x?, let y?): return x < y
                    default: return Array(a.1.0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.1.0.unicodeScalars.map(\.value))
                    }
                }.map(\.1)
            }
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += itemSep }
                newline(depth + 1)
                writeString(key, ascii: o.ensureASCII, into: &out)
                out += keySep
                try write(item, o, depth: depth + 1, into: &out)
            }
            newline(depth)
            out += "}"
        case .undefined, .namespace, .function, .iterator:
            throw TemplateError.runtime("Object of type \(value.typeName) is not JSON serializable", nil)
        }
    }

    /// `json.dumps` turns keys into strings: numbers as Python prints them, booleans and none as
    /// their JSON words.
    private static func jsonKey(_ key: Value) throws -> String {
        switch key {
        case .string(let s), .markup(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.isNaN ? "NaN" : (d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : formatPythonFloat(d))
        case .bool(let b): return b ? "true" : "false"
        case .none: return "null"
        default: throw TemplateError.runtime("keys must be str, int, float, bool or None, not \(key.typeName)", nil)
        }
    }

    private static func writeString(_ s: String, ascii: Bool, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (ascii && scalar.value > 0x7e) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}

/// A small JSON reader that keeps object key order (Foundation's does not).
struct JSONTextParser {
    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> Value {
        let v = try parseValue()
        skipSpace()
        guard pos == bytes.count else { throw fail("trailing characters") }
        return v
    }

    private func fail(_ msg: String) -> TemplateError {
        .invalidContext("JSON: \(msg) at byte \(pos)")
    }

    private mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        let lit = Array(literal.utf8)
        guard pos + lit.count <= bytes.count, Array(bytes[pos..<pos + lit.count]) == lit else {
            throw fail("expected \(literal)")
        }
        pos += lit.count
    }

    private mutating func parseValue() throws -> Value {
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            depth += 1
            defer { depth -= 1 }
            guard depth < 512 else { throw fail("nested too deeply") }
            pos += 1
            var dict = OrderedDict()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(dict) }
            while true {
                skipSpace()
                let key = try parseString()
                skipSpace()
                try expect(":")
                dict[key] = try parseValue()
                skipSpace()
                guard pos < bytes.count else { throw fail("unterminated object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect("}")
                return .dict(dict)
            }
        case UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth < 512 else { throw fail("nested too deeply") }
            pos += 1
            var items: [Value] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try parseValue())
                skipSpace()
                guard pos < bytes.count else { throw fail("unterminated array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect("]")
                return .array(items)
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .none
        default: return try parseNumber()
        }
    }

    private mutating func parseNumber() throws -> Value {
        let start = pos
        var isFloat = false
        while pos < bytes.count {
            let c = bytes[pos]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                pos += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                isFloat = true
                pos += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .int(i) }
        guard !text.isEmpty, let d = Double(text) else { throw fail("bad number '\(text)'") }
        return .double(d)
    }

    private mutating func parseString() throws -> String {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected string") }
        pos += 1
        var raw: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c != UInt8(ascii: "\\") { raw.append(c); continue }
            guard pos < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, pos + 1 < bytes.count,
                    bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                {
                    pos += 2
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                raw.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: raw.append(e)
            }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16)
        else { throw fail("bad \\u escape") }
        pos += 4
        return v
    }
}
