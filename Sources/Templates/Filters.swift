// Filters.swift — `value | name(args)`: Jinja's built-in filters that chat templates use.
//
// Semantics are Jinja's (e.g. `unique`, `dictsort` and `sort` ignore case by default, `title`
// capitalises after spaces and brackets, `round` rounds half to even like Python), except
// `tojson`, which is HF's `json.dumps` binding (see JSON.swift). Output is never auto-escaped,
// so `escape` really escapes; `safe` and `escape` make markupsafe's `Markup`, which the filters
// that keep it (`upper`, `trim`, `string`...) keep, as jinja2's do. The filters jinja2 writes as
// generators (`map`, `select`, `unique`, `items`, `batch`...) return one-shot `.iterator`s, so
// what fails on a generator in jinja2 (`|length`, `|last`, `|tojson`) fails here too.

import Foundation

extension Builtins {
    /// Every filter `filter(_:_:_:_:)` knows; the parser rejects others, as Jinja does at compile time.
    static let filterNames: Set<String> = [
        "trim", "upper", "lower", "capitalize", "title", "length", "count", "first", "last", "join", "default", "d",
        "replace", "tojson", "string", "safe", "e", "escape", "forceescape", "int", "float", "list", "items", "map",
        "select", "reject", "selectattr", "rejectattr", "unique", "abs", "round", "indent", "wordcount", "dictsort",
        "sort", "reverse", "sum", "min", "max", "format", "attr", "batch", "striptags",
    ]

    /// Filters jinja2 writes over `soft_str`, so a Markup input gives a Markup result.
    private static let markupKeeping: Set<String> = ["upper", "lower", "trim", "capitalize", "string"]

    static func filter(_ name: String, _ input: Value, _ args: Arguments, _ interp: Interpreter) throws -> Value {
        let isDefault = name == "default" || name == "d"
        func isMarkup(_ v: Value) -> Bool {
            if case .markup = v { return true }
            return false
        }
        // Markup arguments act as plain strings (except `default`'s, which it returns as given);
        // the arguments are copied only when one is Markup.
        let hasMarkup = args.positional.contains(where: isMarkup) || args.keyword.contains { isMarkup($0.1) }
        let args = isDefault || !hasMarkup ? args : Arguments(positional: args.positional.map(\.unmarked),
                                                              keyword: args.keyword.map { ($0.0, $0.1.unmarked) })
        guard case .markup(let text) = input else {
            switch name {
            case "safe": return .markup(input.pythonString)
            case "e", "escape", "forceescape": return .markup(input.escapedText)
            default: return try plainFilter(name, input, args, interp)
            }
        }
        switch name {
        case "safe", "e", "escape": return input
        case "forceescape": return .markup(htmlEscape(text))
        case "format":
            let values: Value = args.keyword.isEmpty ? .array(args.positional) : .dict(OrderedDict(args.keyword))
            return .markup(try percentFormat(text, values, interp, escaping: true))
        case _ where isDefault: return try plainFilter(name, input, args, interp)
        case _ where markupKeeping.contains(name):
            let result = try plainFilter(name, .string(text), args, interp)
            return result.stringValue.map(Value.markup) ?? result
        default:
            return try plainFilter(name, .string(text), args, interp)
        }
    }

    private static func plainFilter(_ name: String, _ input: Value, _ args: Arguments, _ interp: Interpreter) throws -> Value {
        func arg(_ i: Int, _ key: String) -> Value? { args.value(i, key) }
        func generator(_ items: [Value]) -> Value { .iterator(LazySequence(.generator, items)) }
        func string(_ v: Value) -> String { v.pythonString }
        func items(_ v: Value) throws -> [Value] {
            let list = try interp.iterate(v)
            try interp.charge(list.count)
            return list
        }

        switch name {
        case "trim":
            var chars: String? = nil
            if case .string(let c)? = arg(0, "chars") { chars = c }
            return .string(strip(string(input), chars: chars))
        case "upper": return .string(string(input).uppercased())
        case "lower": return .string(string(input).lowercased())
        case "capitalize": return .string(capitalize(string(input)))
        case "title": return .string(jinjaTitle(string(input)))
        case "length", "count":
            switch input {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .dict(let d): return .int(d.count)
            case .iterator(let seq) where seq.length != nil: return .int(seq.length!)
            case .undefined: return .int(0)
            default: throw TemplateError.runtime("object of type '\(input.typeName)' has no len()", nil)
            }
        case "first":
            return try items(input).first ?? .undefined("No first item, sequence was empty.")
        case "last":
            switch input {
            case .dict: throw TemplateError.runtime("'dict' object is not reversible", nil)
            case .iterator(let seq) where !seq.isView:
                throw TemplateError.runtime("'\(seq.typeName)' object is not reversible", nil)
            default: break
            }
            return try items(input).last ?? .undefined("No last item, sequence was empty.")
        case "join":
            var list = try items(input)
            if case .string(let attr)? = arg(1, "attribute") {
                list = try list.map { try attribute($0, attr, interp) }
            }
            let parts = list.map(\.pythonString), separator = arg(0, "d").map(string) ?? ""
            try interp.checkSize(count: Swift.max(0, parts.count - 1), of: separator.utf8.count,
                                 plus: parts.reduce(0) { $0 &+ $1.utf8.count })
            return .string(parts.joined(separator: separator))
        case "default", "d":
            let useDefault = (arg(1, "boolean")?.isTruthy ?? false) ? !input.isTruthy : input.isUndefined
            return useDefault ? (arg(0, "default_value") ?? .string("")) : input
        case "replace":
            guard let old = arg(0, "old"), let new = arg(1, "new") else {
                throw TemplateError.runtime("replace needs two arguments", nil)
            }
            return .string(try replace(string(input), string(old), string(new),
                                       count: arg(2, "count")?.asInt ?? -1, interp))
        case "tojson":
            var o = JSONDumpOptions()
            switch arg(0, "indent") {
            case .int(let n)?: o.indent = String(repeating: " ", count: max(0, min(n, 64)))
            case .string(let s)?: o.indent = s
            default: break
            }
            if case .array(let seps)? = arg(3, "separators"), seps.count == 2,
                case .string(let item) = seps[0], case .string(let key) = seps[1]
            {
                o.itemSeparator = item
                o.keySeparator = key
            }
            o.ensureASCII = arg(1, "ensure_ascii")?.isTruthy ?? false
            o.sortKeys = arg(4, "sort_keys")?.isTruthy ?? false
            o.maxBytes = interp.limits.maxOutputBytes
            let out = try JSONWriter.dump(input, o)
            try interp.checkSize(out.utf8.count)
            return .string(out)
        case "string": return .string(string(input))
        case "int":
            let fallback = arg(0, "default") ?? .int(0)
            switch input {
            case .int: return input
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? .int(Int(d)) : fallback
            case .string(let s):
                let t = strip(s, chars: nil).replacingOccurrences(of: "_", with: "")
                let base = arg(1, "base")?.asInt ?? 10
                if let i = Int(t, radix: base) { return .int(i) }
                if base == 10, let d = Double(t), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
                return fallback
            default: return fallback
            }
        case "float":
            let fallback = arg(0, "default") ?? .double(0)
            switch input {
            case .double: return input
            case .int, .bool: return .double(input.asDouble!)
            case .string(let s):
                let t = strip(s, chars: nil).lowercased()
                if let d = Double(t) { return .double(d) }
                if ["inf", "+inf", "infinity"].contains(t) { return .double(.infinity) }
                if ["-inf", "-infinity"].contains(t) { return .double(-.infinity) }
                return fallback
            default: return fallback
            }
        case "list": return .array(try items(input))
        case "items":
            switch input {
            case .dict(let d):
                try interp.charge(d.count)
                return generator(d.pairs.map { .array([$0.0, $0.1]) })
            case .undefined: return generator([])
            default: throw TemplateError.runtime("items filter expects a mapping, got \(input.typeName)", nil)
            }
        case "map":
            let list = try items(input)
            if case .string(let attr)? = args.keyword.first(where: { $0.0 == "attribute" })?.1 {
                let def = args.keyword.first { $0.0 == "default" }?.1
                return generator(try list.map { v in
                    let r = try attribute(v, attr, interp)
                    if let def, r.isUndefined { return def }
                    return r
                })
            }
            guard case .string(let filterName)? = args.positional.first else {
                throw TemplateError.runtime("map needs a filter name or attribute=", nil)
            }
            let rest = Arguments(positional: Array(args.positional.dropFirst()), keyword: args.keyword)
            return generator(try list.map { try filter(filterName, $0, rest, interp) })
        case "select", "reject", "selectattr", "rejectattr":
            // jinja2 walks the sequence only when it is truthy: none (or undefined) gives nothing.
            let list = input.isTruthy ? try items(input) : []
            let byAttribute = name.hasSuffix("attr")
            let keep = name.hasPrefix("select")
            var rest = args.positional
            var attr: String? = nil
            if byAttribute {
                guard case .string(let a)? = rest.first else { throw TemplateError.runtime("\(name) needs an attribute", nil) }
                attr = a
                rest.removeFirst()
            }
            var testName: String? = nil
            if !rest.isEmpty {
                guard case .string(let t) = rest.removeFirst() else { throw TemplateError.runtime("\(name): test name must be a string", nil) }
                testName = t
            }
            return generator(try list.filter { v in
                let subject = try attr.map { try attribute(v, $0, interp) } ?? v
                let passed = try testName.map { try test($0, subject, rest, interp) } ?? subject.isTruthy
                return passed == keep
            })
        case "unique":
            let caseSensitive = arg(0, "case_sensitive")?.isTruthy ?? false
            let attr = arg(1, "attribute").flatMap(\.stringValue)
            var seen: [Value] = []
            var out: [Value] = []
            for v in try items(input) {
                var key = try attr.map { try attribute(v, $0, interp) } ?? v
                if !caseSensitive, case .string(let s) = key { key = .string(s.lowercased()) }
                if !seen.contains(key) {
                    seen.append(key)
                    out.append(v)
                }
            }
            return generator(out)
        case "abs":
            switch input {
            case .int(let i): return i == .min ? .double(-Double(i)) : .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return .double(abs(d))
            default: throw try interp.typeError("bad operand type for abs(): '\(input.typeName)'", input)
            }
        case "round":
            let precision = arg(0, "precision")?.asInt ?? 0
            let method = arg(1, "method").map(string) ?? "common"
            guard let d = input.asDouble else { throw try interp.typeError("round needs a number", input) }
            if case .int = input, method == "common" { return input }
            let scale = pow(10.0, Double(precision))
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : (method == "floor" ? .down : .toNearestOrEven)
            return .double((d * scale).rounded(rule) / scale)
        case "indent":
            let width: String
            switch arg(0, "width") {
            case .string(let s)?: width = s
            case let v?: width = String(repeating: " ", count: max(0, min(v.asInt ?? 4, 1024)))
            case nil: width = "    "
            }
            let first = arg(1, "first")?.isTruthy ?? false
            let blank = arg(2, "blank")?.isTruthy ?? false
            var lines = (string(input) + "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.removeLast()
            try interp.checkSize(count: lines.count + 1, of: width.utf8.count, plus: string(input).utf8.count)
            var out = lines.isEmpty ? "" : lines[0]
            for line in lines.dropFirst() { out += "\n" + (blank || !line.isEmpty ? width + line : line) }
            if first { out = width + out }
            try interp.checkSize(out.utf8.count)
            return .string(out)
        case "wordcount":
            return .int(string(input).split { !($0.isLetter || $0.isNumber || $0 == "_") }.count)
        case "dictsort":
            guard case .dict(let d) = input else { throw TemplateError.runtime("dictsort expects a mapping", nil) }
            let caseSensitive = arg(0, "case_sensitive")?.isTruthy ?? false
            let byValue = arg(1, "by").map(string) == "value"
            let reverse = arg(2, "reverse")?.isTruthy ?? false
            var pairs = d.pairs.map { Value.array([$0.0, $0.1]) }
            try interp.charge(pairs.count)
            try sortValues(&pairs, reverse: reverse, interp) { p in
                guard case .array(let kv) = p else { return p }
                let k = byValue ? kv[1] : kv[0]
                if !caseSensitive, case .string(let s) = k { return .string(s.lowercased()) }
                return k
            }
            return .array(pairs)
        case "sort":
            var list = try items(input)
            let reverse = arg(0, "reverse")?.isTruthy ?? false
            let caseSensitive = arg(1, "case_sensitive")?.isTruthy ?? false
            let attr = arg(2, "attribute").flatMap(\.stringValue)
            try sortValues(&list, reverse: reverse, interp) { v in
                let k = try attr.map { try attribute(v, $0, interp) } ?? v
                if !caseSensitive, case .string(let s) = k { return .string(s.lowercased()) }
                return k
            }
            return .array(list)
        case "reverse":
            switch input {
            case .string(let s): return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
            case .iterator(let seq) where !seq.isView: return .array(try items(input).reversed())  // list(value), reversed
            default: return .iterator(LazySequence(.reverseIterator, try items(input).reversed()))
            }
        case "sum":
            var total = arg(1, "start") ?? .int(0)
            let attr = arg(0, "attribute").flatMap(\.stringValue)
            for v in try items(input) {
                total = try interp.binary(.add, total, try attr.map { try attribute(v, $0, interp) } ?? v)
            }
            return total
        case "min", "max":
            let list = try items(input)
            guard var best = list.first else { return .undefined("No \(name) item, sequence was empty.") }
            let caseSensitive = arg(0, "case_sensitive")?.isTruthy ?? false
            func key(_ v: Value) -> Value {
                if !caseSensitive, case .string(let s) = v { return .string(s.lowercased()) }
                return v
            }
            for v in list.dropFirst() {
                let c = try interp.order(key(v), key(best))
                if name == "min" ? c < 0 : c > 0 { best = v }
            }
            return best
        case "format":
            if args.keyword.isEmpty { return .string(try percentFormat(string(input), .array(args.positional), interp)) }
            return .string(try percentFormat(string(input), .dict(OrderedDict(args.keyword)), interp))
        case "attr":
            guard case .string(let a)? = arg(0, "name") else { throw TemplateError.runtime("attr needs a name", nil) }
            return try interp.getAttribute(input, a)
        case "batch":
            guard let size = arg(0, "linecount")?.asInt, size > 0 else { throw TemplateError.runtime("batch needs a positive size", nil) }
            let list = try items(input)
            return generator(stride(from: 0, to: list.count, by: size).map { .array(Array(list[$0..<min($0 + size, list.count)])) })
        case "striptags":
            let noTags = string(input).replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            return .string(split(noTags, sep: nil, maxSplit: -1).joined(separator: " "))
        default:
            throw TemplateError.runtime("no filter named '\(name)'", nil)
        }
    }

    /// `value.attr` for filters given `attribute="a.b"`: dotted paths and integer parts allowed.
    static func attribute(_ v: Value, _ path: String, _ interp: Interpreter) throws -> Value {
        var current = v
        for part in path.split(separator: ".") {
            if current.isUndefined { return current }
            if let i = Int(part) {
                current = try interp.getItem(current, .int(i))
            } else {
                current = try interp.getItem(current, .string(String(part)))
            }
        }
        return current
    }

    private static func sortValues(_ list: inout [Value], reverse: Bool, _ interp: Interpreter,
                                   key: (Value) throws -> Value) throws {
        let keyed = try list.map { (try key($0), $0) }
        var failure: Error? = nil
        // A stable sort, as Python's is.
        let sorted = keyed.enumerated().sorted { a, b in
            do {
                let c = try interp.order(a.element.0, b.element.0)
                if c != 0 { return reverse ? c > 0 : c < 0 }
            } catch {
                failure = error
            }
            return a.offset < b.offset
        }
        if let failure { throw failure }
        list = sorted.map { $0.element.1 }
    }

    /// Jinja's `title` filter: upper-case the first character after whitespace, `-`, or an opening bracket.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        for c in s.unicodeScalars {
            let boundary = c.properties.isWhitespace || "-({[<".unicodeScalars.contains(c)
            if boundary {
                out.unicodeScalars.append(c)
                atWordStart = true
            } else {
                out += atWordStart ? String(c).uppercased() : String(c).lowercased()
                atWordStart = false
            }
        }
        return out
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
