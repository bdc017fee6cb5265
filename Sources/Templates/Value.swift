// Value.swift — the dynamic values a chat template computes with.
//
// Chat templates are written against Python objects (HF renders them with jinja2), so `Value`
// copies the Python behaviours templates lean on: truthiness (`if messages`), mixed int/float
// equality (`1 == 1.0`, `True == 1`), insertion-ordered dicts (tool schemas are printed with
// `tojson` in the order the caller gave them), and Python's `str()` for printing.
// Jinja's `Undefined` is a value of its own: it prints as "", is falsy and fails only when used
// as a number or called.

import Foundation

/// A value inside a template: what the context holds and what expressions produce.
///
/// Build context values with literals or from decoded JSON:
/// ```swift
/// let tools: Value = [["type": "function", "function": ["name": "get_weather"]]]
/// let parsed = try Value(jsonObject: JSONSerialization.jsonObject(with: data))
/// ```
public enum Value: Sendable {
    /// Jinja's `Undefined`; the payload names what was looked up, for error messages.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// Lists and tuples (tuples print as lists; templates never tell them apart otherwise).
    case array([Value])
    case dict(OrderedDict)
    /// `namespace(...)`: the one mutable object templates may assign into (`set ns.x = ...`).
    case namespace(Namespace)
    /// Globals, macros and bound methods (`'a b'.split`).
    case function(TemplateFunction)
}

/// A string-keyed dictionary that remembers insertion order, like a Python `dict`.
public struct OrderedDict: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init() {}
    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    public var values: [Value] { keys.map { storage[$0]! } }
    public var pairs: [(String, Value)] { keys.map { ($0, storage[$0]!) } }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public static func == (lhs: OrderedDict, rhs: OrderedDict) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for key in lhs.keys {
            guard let r = rhs[key], lhs[key]! == r else { return false }
        }
        return true
    }
}

/// The object made by `namespace(...)`. A reference type on purpose: Jinja scopes copy plain
/// variables, and a namespace is how a loop body hands a result to the code after the loop.
public final class Namespace: @unchecked Sendable {
    // Rendering is single-threaded; a namespace never escapes the render that made it.
    var attributes: OrderedDict
    init(_ attributes: OrderedDict) { self.attributes = attributes }
}

/// A callable value. Made only by the interpreter (globals, macros, bound methods).
public final class TemplateFunction: @unchecked Sendable {
    let name: String
    let call: (Arguments, Interpreter) throws -> Value
    init(_ name: String, _ call: @escaping (Arguments, Interpreter) throws -> Value) {
        self.name = name
        self.call = call
    }
}

/// Positional and keyword arguments of one call.
struct Arguments {
    var positional: [Value] = []
    var keyword: [(String, Value)] = []

    /// The argument at `index`, or the keyword `name`, or nil.
    func value(_ index: Int, _ name: String) -> Value? {
        if index < positional.count { return positional[index] }
        return keyword.first { $0.0 == name }?.1
    }
}

// MARK: - Building values from Swift and JSON

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .dict(OrderedDict(elements)) }
    public init(nilLiteral: ()) { self = .none }
}

extension Value {
    /// Converts the output of `JSONSerialization.jsonObject` (or any nest of Swift dictionaries,
    /// arrays, strings, numbers, booleans and `NSNull`). Foundation dictionaries carry no order,
    /// so their keys are sorted; pass `OrderedDict`s to keep a specific order.
    public init(jsonObject: Any) throws {
        switch jsonObject {
        case let v as Value: self = v
        case is NSNull: self = .none
        case let s as String: self = .string(s)
        case let n as NSNumber:
            // objCType tells booleans and floats apart on both Darwin and Linux Foundation.
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case "f", "d": self = .double(n.doubleValue)
            default: self = .int(n.intValue)
            }
        case let a as [Any]: self = .array(try a.map { try Value(jsonObject: $0) })
        case let d as [String: Any]:
            var dict = OrderedDict()
            for key in d.keys.sorted() { dict[key] = try Value(jsonObject: d[key]!) }
            self = .dict(dict)
        default:
            throw TemplateError.invalidContext("cannot convert \(type(of: jsonObject)) to a template value")
        }
    }

    /// Parses JSON text, keeping the key order of every object as written.
    public init(json: String) throws {
        var parser = JSONTextParser(Array(json.utf8))
        self = try parser.parseDocument()
    }
}

// MARK: - Python semantics

extension Value {
    /// Python truthiness; `Undefined` is falsy.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .dict(let d): return !d.isEmpty
        case .namespace, .function: return true
        }
    }

    /// Whether containers nest more than `limit` levels deep (stops looking once they do).
    func nestingExceeds(_ limit: Int) -> Bool {
        guard limit >= 0 else { return true }
        switch self {
        case .array(let a): return a.contains { $0.nestingExceeds(limit - 1) }
        case .dict(let d): return d.values.contains { $0.nestingExceeds(limit - 1) }
        case .namespace(let ns): return ns.attributes.values.contains { $0.nestingExceeds(limit - 1) }
        default: return false
        }
    }

    /// The payload of a `.string`, else nil.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// The Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        }
    }

    /// A number as a Double (bools count as 0/1, as in Python), or nil.
    var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// An integer (bools count as 0/1), or nil.
    var asInt: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python's `str(value)`; Undefined prints as "".
    var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return pythonRepr
        }
    }

    /// Python's `repr(value)`, used when containers print their elements.
    var pythonRepr: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return formatPythonFloat(d)
        case .string(let s): return pythonStringRepr(s)
        case .array(let a): return "[" + a.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .dict(let d):
            return "{" + d.pairs.map { pythonStringRepr($0.0) + ": " + $0.1.pythonRepr }.joined(separator: ", ") + "}"
        case .namespace(let ns): return "<Namespace " + Value.dict(ns.attributes).pythonRepr + ">"
        case .function(let f): return "<function \(f.name)>"
        }
    }
}

extension Value: Equatable {
    /// Python `==`: numbers compare by value across int/float/bool; Undefined equals Undefined.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.dict(let a), .dict(let b)): return a == b
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        case (.int(let a), .int(let b)): return a == b
        default:
            if let a = lhs.asInt, let b = rhs.asInt { return a == b }
            if let a = lhs.asDouble, let b = rhs.asDouble { return a == b }
            return false
        }
    }
}

/// Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents in [-4, 16).
func formatPythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description also gives the shortest round-trip digits; only the layout differs.
    let text = "\(abs(d))"
    var mantissa = text
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = String(text[..<e])
        exponent = Int(text[text.index(after: e)...])!
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = String(parts[0])
    let fracPart = parts.count > 1 ? String(parts[1]) : ""
    var digits = intPart + fracPart
    var pointPos = intPart.count + exponent  // decimal point after this many digits
    // Normalise: no leading zeros.
    while digits.count > 1 && digits.first == "0" {
        digits.removeFirst()
        pointPos -= 1
    }
    while digits.count > 1 && digits.last == "0" { digits.removeLast() }
    let exp10 = pointPos - 1
    var out = d < 0 ? "-" : ""
    if exp10 >= -4 && exp10 < 16 {
        if pointPos <= 0 {
            out += "0." + String(repeating: "0", count: -pointPos) + digits
        } else if pointPos >= digits.count {
            out += digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: pointPos)
            out += digits[..<idx] + "." + digits[idx...]
        }
    } else {
        out += String(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += (exp10 < 0 ? "e-" : "e+") + (abs(exp10) < 10 ? "0" : "") + String(abs(exp10))
    }
    return out
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
func pythonStringRepr(_ s: String) -> String {
    let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(scalar) == quote {
                out += "\\" + String(quote)
            } else if scalar.value < 0x20 || scalar.value == 0x7f {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out.append(quote)
    return out
}
