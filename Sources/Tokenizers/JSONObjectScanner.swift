// JSONObjectScanner: the entries of one object inside a JSON document, with its keys exactly as
// written.
//
// Why: Foundation's JSONSerialization returns objects as [String: Any], and Swift strings compare
// by canonical equivalence, so two keys that differ only in Unicode normalisation become one entry.
// Real vocabularies hold such pairs as distinct tokens (Llama 2's "ά" U+03AC and "ά" U+1F71; 434
// pairs in Gemma's), so a tokenizer.json `model.vocab` read through JSONSerialization would lose
// tokens and give one of them the other's id. This scanner walks the raw bytes instead and returns
// each key as its exact UTF-8 and each value as its raw text.
//
// It runs on documents JSONSerialization has already accepted; it still never traps: anything
// unexpected ends the scan with nil.

/// Finds an object by its path of keys in a JSON document and lists its entries in order.
struct JSONObjectScanner {
    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The entries of the object at `path` (keys of nested objects from the top), each key as
    /// decoded UTF-8 and each value as its raw bytes; nil when there is no object there.
    static func entries(of bytes: [UInt8], at path: [String]) -> [(key: [UInt8], value: ArraySlice<UInt8>)]? {
        var scanner = JSONObjectScanner(bytes)
        for key in path {
            guard scanner.enterValue(ofKey: Array(key.utf8)) else { return nil }
        }
        return scanner.objectEntries()
    }

    // MARK: walking

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// In an object at `i`: moves to the value of the last entry named `key`.
    private mutating func enterValue(ofKey key: [UInt8]) -> Bool {
        let start = i
        var found: Int?
        guard let entries = objectEntries() else { return false }
        for entry in entries where entry.key == key { found = entry.value.startIndex }
        guard let found else { i = start; return false }
        i = found
        return true
    }

    /// The entries of the object at `i`; leaves `i` after it.
    private mutating func objectEntries() -> [(key: [UInt8], value: ArraySlice<UInt8>)]? {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var entries: [(key: [UInt8], value: ArraySlice<UInt8>)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return entries }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            let valueStart = i
            guard skipValue() else { return nil }
            entries.append((key, bytes[valueStart..<i]))
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return entries }
            return nil
        }
    }

    /// Skips one value of any kind; false on malformed input.
    private mutating func skipValue() -> Bool {
        skipSpace()
        guard i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Nesting is counted, not recursed into, so deep documents cannot exhaust the stack.
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default:
                    break
                }
                i += 1
            }
            return false
        default:
            // A number or literal: up to the next delimiter.
            let start = i
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) {
                i += 1
            }
            return i > start
        }
    }

    /// The string at `i`, escapes decoded, as UTF-8; leaves `i` after its closing quote.
    private mutating func string() -> [UInt8]? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return out }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                continue
            }
            guard i < bytes.count else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var unit = hex4() else { return nil }
                var scalar: Unicode.Scalar?
                if (0xD800..<0xDC00).contains(unit), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u") {
                    let mark = i
                    i += 2
                    if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = mark
                    }
                }
                scalar = Unicode.Scalar(unit)
                out.append(contentsOf: String(scalar ?? "\u{FFFD}").utf8)
            default: out.append(e)      // \" \\ \/
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            return nil
        }
        i += 4
        return value
    }
}
