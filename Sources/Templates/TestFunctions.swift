// TestFunctions.swift — `value is name(args)`: Jinja's built-in tests.
//
// Type tests follow Python's type hierarchy as Jinja sees it: a bool is a `number` (bool is an
// int subclass) but not an `integer`; strings and dicts are `iterable` and `sequence`; an
// Undefined is `iterable` (it iterates as empty) but not `defined`.

extension Builtins {
    /// Every test `test(_:_:_:_:)` knows; the parser rejects others, as Jinja does at compile time.
    static let testNames: Set<String> = [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping",
        "iterable", "sequence", "callable", "odd", "even", "divisibleby", "equalto", "eq", "==", "ne", "!=", "lt",
        "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "lower", "upper", "escaped",
    ]

    static func test(_ name: String, _ v: Value, _ args: [Value], _ interp: Interpreter) throws -> Bool {
        func operand() throws -> Value {
            guard let a = args.first else { throw TemplateError.runtime("test '\(name)' needs an argument", nil) }
            return a
        }
        if name == "escaped" {
            if case .markup = v { return true }
            return false
        }
        let v = v.unmarked
        switch name {
        case "defined": return !v.isUndefined
        case "undefined": return v.isUndefined
        case "none": return v == .none && !v.isUndefined
        case "string":
            if case .string = v { return true }
            return false
        case "number":
            switch v {
            case .int, .double, .bool: return true
            default: return false
            }
        case "integer":
            if case .int = v { return true }
            return false
        case "float":
            if case .double = v { return true }
            return false
        case "boolean":
            if case .bool = v { return true }
            return false
        case "true": return v == .bool(true) && isBool(v)
        case "false": return v == .bool(false) && isBool(v)
        case "mapping":
            if case .dict = v { return true }
            return false
        case "iterable":
            switch v {
            case .string, .array, .dict, .iterator, .undefined: return true
            default: return false
            }
        case "sequence":
            switch v {
            case .string, .array, .dict, .undefined: return true
            default: return false
            }
        case "callable":
            if case .function = v { return true }
            return false
        case "odd", "even":
            guard let i = v.asInt else { throw try interp.typeError("test '\(name)' needs an integer", v) }
            return (i % 2 != 0) == (name == "odd")
        case "divisibleby":
            guard let i = v.asInt, let n = try operand().asInt else {
                throw try interp.typeError("divisibleby needs integers", v)
            }
            guard n != 0 else { throw TemplateError.runtime("integer division or modulo by zero", nil) }
            return i % n == 0
        case "equalto", "eq", "==": return try interp.compare(.eq, v, operand())
        case "ne", "!=": return try interp.compare(.ne, v, operand())
        case "lt", "lessthan", "<": return try interp.compare(.lt, v, operand())
        case "le", "<=": return try interp.compare(.le, v, operand())
        case "gt", "greaterthan", ">": return try interp.compare(.gt, v, operand())
        case "ge", ">=": return try interp.compare(.ge, v, operand())
        case "in": return try interp.contains(operand(), v)
        case "sameas":
            let other = try operand()
            switch (v, other) {
            case (.none, .none), (.undefined, .undefined): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.int(let a), .int(let b)): return a == b && a >= -5 && a <= 256  // CPython small-int cache
            case (.namespace(let a), .namespace(let b)): return a === b
            case (.function(let a), .function(let b)): return a === b
            default: return false
            }
        case "lower":
            if case .string(let s) = v { return s == s.lowercased() }
            return false
        case "upper":
            if case .string(let s) = v { return s == s.uppercased() }
            return false
        default:
            throw TemplateError.runtime("no test named '\(name)'", nil)
        }
    }

    private static func isBool(_ v: Value) -> Bool {
        if case .bool = v { return true }
        return false
    }
}
