// Value.swift — the dynamic values a chat template computes with.
//
// Chat templates are written against Python objects (HF renders them with jinja2), so `Value`
// copies the Python behaviours templates lean on: truthiness (`if messages`), mixed int/float
// equality (`1 == 1.0`, `True == 1`), insertion-ordered dicts (tool schemas are printed with
// `tojson` in the order the caller gave them), and Python's `str()` for printing.
// Jinja's `Undefined` is a value of its own: it prints as "", is falsy and fails only when used
// as a number or called.

import Foundation
#if DEBUG
import Synchronization
#endif

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
    /// markupsafe's `Markup`: a string marked safe by `safe` or `escape`. It prints as its text,
    /// but `+` and `%` escape the plain strings combined with it, as markupsafe does.
    case markup(String)
    /// Lists and tuples (tuples print as lists; templates never tell them apart otherwise).
    case array([Value])
    case dict(OrderedDict)
    /// `namespace(...)`: the one mutable object templates may assign into (`set ns.x = ...`).
    case namespace(Namespace)
    /// Globals, macros and bound methods (`'a b'.split`).
    case function(TemplateFunction)
    /// What jinja2's `map`, `select`, `unique`, `items`... return (generators), and dict views:
    /// iterable, but with no length or JSON form where Python has none.
    case iterator(LazySequence)
}

/// A dictionary that remembers insertion order, like a Python `dict`. Keys are what Python can
/// hash and templates write: strings, numbers, booleans and none, where `1`, `1.0` and `True`
/// are one key (the first spelling is kept, as Python keeps it).
public struct OrderedDict: Sendable, Equatable {
    public private(set) var keys: [Value] = []
    private var slots: [DictKey: Int] = [:]
    private var stored: [Value] = []

    public init() {}
    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    public var values: [Value] { stored }
    public var pairs: [(Value, Value)] { Array(zip(keys, stored)) }

    public subscript(key: String) -> Value? {
        get { self[hashable: DictKey(string: key)] }
        set { self[hashable: DictKey(string: key), spelled: .string(key)] = newValue }
    }

    /// The value under `key`, or nil (also for keys Python could not hash).
    public subscript(key: Value) -> Value? {
        DictKey(key).flatMap { self[hashable: $0] }
    }

    /// Stores `value` under `key`; a key Python could not hash (a list, a dict) is a TypeError.
    mutating func set(_ key: Value, _ value: Value) throws {
        guard let hashable = DictKey(key) else {
            throw TemplateError.runtime("unhashable type: '\(key.typeName)'", nil)
        }
        self[hashable: hashable, spelled: key] = value
    }

    private subscript(hashable key: DictKey) -> Value? {
        slots[key].map { stored[$0] }
    }

    private subscript(hashable key: DictKey, spelled spelling: Value) -> Value? {
        get { self[hashable: key] }
        set {
            if let newValue {
                if let slot = slots[key] {
                    stored[slot] = newValue
                } else {
                    slots[key] = keys.count
                    keys.append(spelling)
                    stored.append(newValue)
                }
            } else if let slot = slots.removeValue(forKey: key) {
                keys.remove(at: slot)
                stored.remove(at: slot)
                for (k, s) in slots where s > slot { slots[k] = s - 1 }
            }
        }
    }

    public static func == (lhs: OrderedDict, rhs: OrderedDict) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, slot) in lhs.slots {
            guard let r = rhs[hashable: key], lhs.stored[slot] == r else { return false }
        }
        return true
    }
}

/// Python's hash equality for dictionary keys: numbers by value across bool, int and float,
/// `Markup` as its text. Lists, dicts and the interpreter's own objects are not keys.
struct DictKey: Hashable, Sendable {
    private enum Form: Hashable, Sendable {
        case undefined, none
        case int(Int)
        case double(UInt64)
        case string(String)
    }
    private let form: Form

    init(string: String) { form = .string(string) }

    init?(_ v: Value) {
        switch v {
        case .undefined: form = .undefined
        case .none: form = .none
        case .bool(let b): form = .int(b ? 1 : 0)
        case .int(let i): form = .int(i)
        case .double(let d):
            if d.rounded() == d, abs(d) < 9.2e18 { form = .int(Int(d)) } else { form = .double(d.bitPattern) }
        case .string(let s), .markup(let s): form = .string(s)
        case .array, .dict, .namespace, .function, .iterator: return nil
        }
    }
}

/// The object made by `namespace(...)`. A reference type on purpose: Jinja scopes copy plain
/// variables, and a namespace is how a loop body hands a result to the code after the loop.
public final class Namespace: @unchecked Sendable {
    // Rendering is single-threaded; a namespace never escapes the render that made it.
    var attributes: OrderedDict
    #if DEBUG
    private let live = LiveObject()
    #endif
    init(_ attributes: OrderedDict) { self.attributes = attributes }
}

#if DEBUG
/// Held by every scope and namespace (debug builds only): `count` is how many are alive, so a
/// test can render and check that none is left.
final class LiveObject: Sendable {
    static let count = Atomic<Int>(0)
    init() { Self.count.add(1, ordering: .relaxed) }
    deinit { Self.count.subtract(1, ordering: .relaxed) }
}
#endif

/// A lazy sequence as jinja2 hands them out. Generators (`map`, `select`, `unique`, the `items`
/// filter...) are walked once: a second walk finds nothing, as in Python. Dict views
/// (`d.items()`, `d.keys()`, `d.values()`) can be walked again and have a length. Neither has a
/// JSON form or can be indexed.
public final class LazySequence: @unchecked Sendable {
    // Rendering is single-threaded; a sequence never escapes the render that made it.
    enum Kind {
        case generator
        case reverseIterator
        case view(String)
    }
    let kind: Kind
    private let items: [Value]
    private var consumed = false

    init(_ kind: Kind, _ items: [Value]) {
        self.kind = kind
        self.items = items
    }

    /// The Python type name.
    var typeName: String {
        switch kind {
        case .generator: return "generator"
        case .reverseIterator: return "list_reverseiterator"
        case .view(let name): return name
        }
    }

    var isView: Bool {
        if case .view = kind { return true }
        return false
    }

    /// The length of a view; generators have none.
    var length: Int? { isView ? items.count : nil }

    /// The elements still to come; a generator is empty once walked.
    func walk() -> [Value] {
        if isView { return items }
        if consumed { return [] }
        consumed = true
        return items
    }

    /// What `repr` prints: views show their contents, generators only their type.
    var repr: String {
        isView ? typeName + "(" + Value.array(items).pythonRepr + ")" : "<\(typeName) object>"
    }
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
        case .string(let s), .markup(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .dict(let d): return !d.isEmpty
        case .iterator(let seq): return seq.length.map { $0 > 0 } ?? true
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

    /// A `Markup` as the plain string it holds; every other value unchanged. Operations that
    /// treat Markup as any other string see it through this.
    var unmarked: Value {
        if case .markup(let s) = self { return .string(s) }
        return self
    }

    /// The text markupsafe's `escape` gives: a Markup as it is, anything else as `str()` escaped.
    var escapedText: String {
        if case .markup(let s) = self { return s }
        return Builtins.htmlEscape(pythonString)
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
        case .markup: return "Markup"
        case .array: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        case .iterator(let seq): return seq.typeName
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
        case .string(let s), .markup(let s): return s
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
        case .markup(let s): return "Markup(" + pythonStringRepr(s) + ")"
        case .array(let a): return "[" + a.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .dict(let d):
            return "{" + d.pairs.map { $0.0.pythonRepr + ": " + $0.1.pythonRepr }.joined(separator: ", ") + "}"
        case .namespace(let ns): return "<Namespace " + Value.dict(ns.attributes).pythonRepr + ">"
        case .function(let f): return "<function \(f.name)>"
        case .iterator(let seq): return seq.repr
        }
    }
}

extension Value: Equatable {
    /// Python `==`: numbers compare by value across int/float/bool; Undefined equals Undefined.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)), (.markup(let a), .markup(let b)),
             (.string(let a), .markup(let b)), (.markup(let a), .string(let b)):
            return a == b
        case (.iterator(let a), .iterator(let b)): return a === b
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
