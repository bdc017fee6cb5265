// Builtins.swift — global functions and the Python methods templates call on values.
//
// Globals: `range`, `namespace`, `dict`, and the two HF adds: `raise_exception(msg)` (becomes
// `TemplateError.raised`) and `strftime_now(fmt)` (formats the render's `now`, which callers
// pin for reproducible output).
// Methods: the `str` and `dict` methods real chat templates use (`content.strip()`,
// `content.split('</think>')`, `message.get('x')`, `tool.items()`...). Mutating methods
// (`list.append`, `dict.update`...) are refused, as HF's immutable sandbox refuses them.

import Foundation

enum Builtins {
    // MARK: Globals

    static func global(_ name: String) -> Value? {
        switch name {
        case "range": return range
        case "namespace": return namespace
        case "dict": return dict
        case "raise_exception": return raiseException
        case "strftime_now": return strftimeNow
        default: return nil
        }
    }

    private static let range = Value.function(TemplateFunction("range") { args, interp in
        let ints = try args.positional.map { v -> Int in
            guard let i = v.asInt else { throw try interp.typeError("range() needs integers, got \(v.typeName)", v) }
            return i
        }
        let (start, stop, step): (Int, Int, Int)
        switch ints.count {
        case 1: (start, stop, step) = (0, ints[0], 1)
        case 2: (start, stop, step) = (ints[0], ints[1], 1)
        case 3: (start, stop, step) = (ints[0], ints[1], ints[2])
        default: throw TemplateError.runtime("range() takes 1 to 3 arguments", nil)
        }
        guard step != 0 else { throw TemplateError.runtime("range() arg 3 must not be zero", nil) }
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let exactCount = max(0, (span / Double(step.magnitude)).rounded(.up))
        guard exactCount <= Double(interp.limits.maxSteps) else { throw TemplateError.limitExceeded(.steps, nil) }
        let count = Int(exactCount)
        try interp.charge(count)
        return .array((0..<count).map { .int(start + $0 * step) })
    })

    private static let namespace = Value.function(TemplateFunction("namespace") { args, interp in
        var attrs = OrderedDict()
        for v in args.positional {
            guard case .dict(let d) = v else { throw TemplateError.runtime("namespace() takes a dict or keywords", nil) }
            for (k, x) in d.pairs { try attrs.set(k, x) }
        }
        for (k, v) in args.keyword { attrs[k] = v }
        let ns = Namespace(attrs)
        interp.track(ns)
        return .namespace(ns)
    })

    private static let dict = Value.function(TemplateFunction("dict") { args, _ in
        var d = OrderedDict()
        for v in args.positional {
            guard case .dict(let src) = v else { throw TemplateError.runtime("dict() takes a dict or keywords", nil) }
            for (k, x) in src.pairs { try d.set(k, x) }
        }
        for (k, v) in args.keyword { d[k] = v }
        return .dict(d)
    })

    private static let raiseException = Value.function(TemplateFunction("raise_exception") { args, _ in
        throw TemplateError.raised(args.value(0, "message")?.pythonString ?? "", nil)
    })

    private static let strftimeNow = Value.function(TemplateFunction("strftime_now") { args, interp in
        guard case .string(let format)? = args.value(0, "format") else {
            throw TemplateError.runtime("strftime_now(format) needs a format string", nil)
        }
        return .string(strftime(format, interp.now))
    })

    /// Python `strftime` for the directives chat templates use, in English, in the local time zone.
    static func strftime(_ format: String, _ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"]
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var out = ""
        var chars = format.makeIterator()
        while let ch = chars.next() {
            guard ch == "%" else { out.append(ch); continue }
            guard let d = chars.next() else { out += "%"; break }
            let month = c.month! - 1, weekday = c.weekday! - 1, hour = c.hour!
            switch d {
            case "d": out += two(c.day!)
            case "-": if let e = chars.next() { out += e == "d" ? "\(c.day!)" : (e == "m" ? "\(c.month!)" : "%-\(e)") }
            case "m": out += two(c.month!)
            case "Y": out += String(c.year!)
            case "y": out += two(c.year! % 100)
            case "b", "h": out += String(months[month].prefix(3))
            case "B": out += months[month]
            case "a": out += String(days[weekday].prefix(3))
            case "A": out += days[weekday]
            case "H": out += two(hour)
            case "I": out += two(hour % 12 == 0 ? 12 : hour % 12)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "M": out += two(c.minute!)
            case "S": out += two(c.second!)
            case "j":
                let day = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
                out += day < 10 ? "00\(day)" : (day < 100 ? "0\(day)" : "\(day)")
            case "%": out += "%"
            default: out += "%\(d)"
            }
        }
        return out
    }

    // MARK: Methods

    /// A bound method `obj.name`, or nil when `obj` has no such method.
    static func method(_ obj: Value, _ name: String) -> Value? {
        switch obj {
        case .string(let s): return stringMethod(s, name)
        case .markup(let s): return markupMethod(s, name)
        case .dict(let d): return dictMethod(d, name)
        case .array(let a): return listMethod(a, name)
        default: return nil
        }
    }

    private static func bound(_ name: String, _ body: @escaping (Arguments, Interpreter) throws -> Value) -> Value {
        .function(TemplateFunction(name, body))
    }

    private static func unsafe(_ name: String, _ type: String) -> Value {
        bound(name) { _, _ in
            throw TemplateError.runtime("access to attribute '\(name)' of '\(type)' object is unsafe", nil)
        }
    }

    private static func dictMethod(_ d: OrderedDict, _ name: String) -> Value? {
        switch name {
        case "items": return bound(name) { _, _ in .iterator(LazySequence(.view("dict_items"), d.pairs.map { .array([$0.0, $0.1]) })) }
        case "keys": return bound(name) { _, _ in .iterator(LazySequence(.view("dict_keys"), d.keys)) }
        case "values": return bound(name) { _, _ in .iterator(LazySequence(.view("dict_values"), d.values)) }
        case "get":
            return bound(name) { args, _ in
                guard let k = args.value(0, "key") else { throw TemplateError.runtime("get expected at least 1 argument", nil) }
                return d[k] ?? args.value(1, "default") ?? .none
            }
        case "copy": return bound(name) { _, _ in .dict(d) }
        case "update", "pop", "popitem", "setdefault", "clear": return unsafe(name, "dict")
        default: return nil
        }
    }

    private static func listMethod(_ a: [Value], _ name: String) -> Value? {
        switch name {
        case "index":
            return bound(name) { args, _ in
                guard let x = args.value(0, "value"), let i = a.firstIndex(of: x) else {
                    throw TemplateError.runtime("value is not in list", nil)
                }
                return .int(i)
            }
        case "count": return bound(name) { args, _ in .int(a.filter { $0 == args.value(0, "value") }.count) }
        case "copy": return bound(name) { _, _ in .array(a) }
        case "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse": return unsafe(name, "list")
        default: return nil
        }
    }

    private static func stringArg(_ args: Arguments, _ i: Int, _ name: String) throws -> String? {
        guard let v = args.value(i, name), v != .none else { return nil }
        guard case .string(let s) = v else { throw TemplateError.runtime("\(name) must be a string, not \(v.typeName)", nil) }
        return s
    }

    /// markupsafe's `Markup` methods: the ones that build a new string escape their string
    /// arguments and return Markup; `split` and its kin return lists of Markup; the rest (`find`,
    /// `startswith`...) are `str`'s.
    private static let escapingArguments: Set<String> = ["capitalize", "title", "lower", "upper", "replace", "lstrip",
                                                         "rstrip", "strip", "join", "format"]
    private static let splitting: Set<String> = ["split", "rsplit", "splitlines"]

    private static func markupMethod(_ s: String, _ name: String) -> Value? {
        guard let plain = stringMethod(s, name), case .function(let method) = plain else { return nil }
        guard escapingArguments.contains(name) || splitting.contains(name) else { return plain }
        return bound(name) { args, interp in
            var args = args
            if escapingArguments.contains(name) {
                func escaped(_ v: Value) -> Value {
                    switch v {
                    case .string: return .string(v.escapedText)
                    case .markup(let m): return .string(m)
                    case .array(let items) where name == "join": return .array(items.map(escaped))
                    default: return v
                    }
                }
                args.positional = args.positional.map(escaped)
                args.keyword = args.keyword.map { ($0.0, escaped($0.1)) }
            }
            switch try method.call(args, interp) {
            case .string(let r): return .markup(r)
            case .array(let parts): return .array(parts.map { $0.stringValue.map(Value.markup) ?? $0 })
            case let other: return other
            }
        }
    }

    private static func stringMethod(_ s: String, _ name: String) -> Value? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return bound(name) { args, _ in
                let chars = try stringArg(args, 0, "chars")
                return .string(strip(s, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "upper": return bound(name) { _, _ in .string(s.uppercased()) }
        case "lower": return bound(name) { _, _ in .string(s.lowercased()) }
        case "title": return bound(name) { _, _ in .string(pythonTitle(s)) }
        case "capitalize": return bound(name) { _, _ in .string(capitalize(s)) }
        case "split", "rsplit":
            return bound(name) { args, _ in
                let sep = try stringArg(args, 0, "sep")
                let maxSplit = args.value(1, "maxsplit")?.asInt ?? -1
                if let sep, sep.isEmpty { throw TemplateError.runtime("empty separator", nil) }
                return .array(split(s, sep: sep, maxSplit: maxSplit, fromRight: name == "rsplit").map { .string($0) })
            }
        case "splitlines":
            return bound(name) { _, _ in
                var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.last == "" { lines.removeLast() }
                return .array(lines.map { .string($0) })
            }
        case "startswith", "endswith":
            return bound(name) { args, _ in
                let candidates: [Value]
                switch args.value(0, "prefix") {
                case .array(let a)?: candidates = a
                case let v?: candidates = [v]
                case nil: throw TemplateError.runtime("\(name)() takes at least 1 argument", nil)
                }
                for c in candidates {
                    guard case .string(let p) = c else {
                        throw TemplateError.runtime("\(name) argument must be str or a tuple of str", nil)
                    }
                    let hit = name == "startswith"
                        ? s.unicodeScalars.starts(with: p.unicodeScalars)
                        : s.unicodeScalars.reversed().starts(with: p.unicodeScalars.reversed())
                    if hit { return .bool(true) }
                }
                return .bool(false)
            }
        case "replace":
            return bound(name) { args, interp in
                guard let old = try stringArg(args, 0, "old"), let new = try stringArg(args, 1, "new") else {
                    throw TemplateError.runtime("replace() takes 2 string arguments", nil)
                }
                return .string(try replace(s, old, new, count: args.value(2, "count")?.asInt ?? -1, interp))
            }
        case "find", "count", "index":
            return bound(name) { args, interp in
                guard let sub = try stringArg(args, 0, "sub") else { throw TemplateError.runtime("\(name)() needs a string", nil) }
                let found = try occurrences(of: Array(sub.unicodeScalars), in: Array(s.unicodeScalars),
                                            limit: name == "count" ? nil : 1, interp)
                if name == "count" { return .int(found.count) }
                if let first = found.first { return .int(first) }
                if name == "index" { throw TemplateError.runtime("substring not found", nil) }
                return .int(-1)
            }
        case "join":
            return bound(name) { args, interp in
                let items = try interp.iterate(args.value(0, "iterable") ?? .array([]))
                let parts = try items.map { v -> String in
                    guard case .string(let p) = v else { throw TemplateError.runtime("join() expects strings, found \(v.typeName)", nil) }
                    return p
                }
                try interp.checkSize(count: Swift.max(0, parts.count - 1), of: s.utf8.count,
                                     plus: parts.reduce(0) { $0 &+ $1.utf8.count })
                return .string(parts.joined(separator: s))
            }
        case "format":
            return bound(name) { args, interp in .string(try braceFormat(s, args, interp)) }
        case "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower":
            return bound(name) { _, _ in .bool(classify(s, name)) }
        default: return nil
        }
    }

    // MARK: String helpers (Python semantics)

    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || (c.value >= 0x1C && c.value <= 0x1F)
    }

    static func strip(_ s: String, chars: String?, leading: Bool = true, trailing: Bool = true) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        func drop(_ c: Unicode.Scalar) -> Bool { set?.contains(c) ?? isPythonSpace(c) }
        var scalars = Substring(s).unicodeScalars[...]
        if leading { while let f = scalars.first, drop(f) { scalars.removeFirst() } }
        if trailing { while let l = scalars.last, drop(l) { scalars.removeLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    static func split(_ s: String, sep: String?, maxSplit: Int, fromRight: Bool = false) -> [String] {
        let scalars = Array(s.unicodeScalars)
        func str(_ r: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(r)) }
        guard let sep else {
            // Runs of whitespace separate; empty pieces are dropped.
            var words: [ArraySlice<Unicode.Scalar>] = []
            var i = 0
            while i < scalars.count {
                while i < scalars.count, isPythonSpace(scalars[i]) { i += 1 }
                guard i < scalars.count else { break }
                if maxSplit >= 0 && words.count == maxSplit && !fromRight {
                    var end = scalars.count
                    while end > i, isPythonSpace(scalars[end - 1]) { end -= 1 }
                    words.append(scalars[i..<end])
                    break
                }
                let start = i
                while i < scalars.count, !isPythonSpace(scalars[i]) { i += 1 }
                words.append(scalars[start..<i])
            }
            return words.map(str)
        }
        let needle = Array(sep.unicodeScalars)
        var cuts = (try? occurrences(of: needle, in: scalars, limit: nil)) ?? []   // cannot throw without an interpreter
        if maxSplit >= 0 && cuts.count > maxSplit {
            cuts = fromRight ? Array(cuts.suffix(maxSplit)) : Array(cuts.prefix(maxSplit))
        }
        var parts: [String] = []
        var start = 0
        for c in cuts {
            parts.append(str(scalars[start..<c]))
            start = c + needle.count
        }
        parts.append(str(scalars[start...]))
        return parts
    }

    /// Python's `str.replace`. With a non-empty `old` it works on UTF-8 bytes: UTF-8 is
    /// self-synchronising, so a valid needle's bytes match only at character boundaries, and the
    /// byte search is many times cheaper than walking scalars. The result's size is known before
    /// it is built and is checked against the output limit first.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int, _ interp: Interpreter) throws -> String {
        let newBytes = Array(new.utf8)
        if old.isEmpty {
            // Python inserts `new` before every character and at the end.
            let scalars = Array(s.unicodeScalars)
            let insertions = count < 0 ? scalars.count + 1 : Swift.min(count, scalars.count + 1)
            try interp.checkSize(count: insertions, of: newBytes.count, plus: s.utf8.count)
            var out = String.UnicodeScalarView()
            var done = 0
            for c in scalars {
                if done < insertions { out.append(contentsOf: new.unicodeScalars); done += 1 }
                out.append(c)
            }
            if done < insertions { out.append(contentsOf: new.unicodeScalars) }
            return String(out)
        }
        let hay = Array(s.utf8), needle = Array(old.utf8)
        let cuts = try byteOccurrences(of: needle, in: hay, limit: count < 0 ? nil : count, interp)
        try interp.checkSize(count: cuts.count, of: newBytes.count, plus: hay.count - cuts.count * needle.count)
        var out: [UInt8] = []
        out.reserveCapacity(hay.count - cuts.count * needle.count + cuts.count * newBytes.count)
        var i = 0
        for cut in cuts {
            out.append(contentsOf: hay[i..<cut])
            out.append(contentsOf: newBytes)
            i = cut + needle.count
        }
        out.append(contentsOf: hay[i...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte offsets of the non-overlapping occurrences of a non-empty `needle` in `hay`, left
    /// to right, at most `limit`; the wall-time limit is checked as the search goes.
    static func byteOccurrences(of needle: [UInt8], in hay: [UInt8], limit: Int?, _ interp: Interpreter) throws -> [Int] {
        var found: [Int] = []
        guard let first = needle.first, needle.count <= hay.count else { return found }
        let last = hay.count - needle.count
        try hay.withUnsafeBufferPointer { h in
            try needle.withUnsafeBufferPointer { n in
                var i = 0, work = 0
                while i <= last, limit.map({ found.count < $0 }) ?? true {
                    work += 1
                    if work >= 1 << 22 { work = 0; try interp.checkTime() }
                    if h[i] == first && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 {
                        found.append(i)
                        i += n.count
                    } else {
                        i += 1
                    }
                }
            }
        }
        return found
    }

    /// Start offsets of the non-overlapping occurrences of `needle` in `hay`, left to right
    /// (an empty needle matches at every offset, as in Python's `count`).
    /// `interp`, when given, has its wall-time limit checked as the search goes (a long needle
    /// in a long string is quadratic work that spends no steps).
    static func occurrences(of needle: [Unicode.Scalar], in hay: [Unicode.Scalar], limit: Int?,
                            _ interp: Interpreter? = nil) throws -> [Int] {
        var found: [Int] = []
        var i = 0
        var work = 0
        while i + needle.count <= hay.count, limit.map({ found.count < $0 }) ?? true {
            work += needle.count
            if work >= 1 << 20, let interp { work = 0; try interp.checkTime() }
            if hay[i..<i + needle.count].elementsEqual(needle) {
                found.append(i)
                i += max(needle.count, 1)
            } else {
                i += 1
            }
        }
        return found
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return String(first).uppercased() + String(String.UnicodeScalarView(s.unicodeScalars.dropFirst())).lowercased()
    }

    /// Python `str.title()`: a letter after a non-letter is upper-cased, other letters lower-cased.
    static func pythonTitle(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            if c.properties.isCased {
                out += previousCased ? String(c).lowercased() : String(c).uppercased()
                previousCased = true
            } else {
                out.unicodeScalars.append(c)
                previousCased = false
            }
        }
        return out
    }

    private static func classify(_ s: String, _ name: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        guard !scalars.isEmpty else { return false }
        switch name {
        case "isdigit": return scalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit }
        case "isalpha": return scalars.allSatisfy { $0.properties.isAlphabetic }
        case "isalnum": return scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        case "isspace": return scalars.allSatisfy(isPythonSpace)
        case "isupper":
            let cased = scalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { $0.properties.isUppercase }
        default:
            let cased = scalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { $0.properties.isLowercase }
        }
    }

    /// Python `str.format` with `{}`, `{0}`, `{name}` and `{{`/`}}`; format specs are not supported.
    static func braceFormat(_ s: String, _ args: Arguments, _ interp: Interpreter) throws -> String {
        var out = ""
        var auto = 0
        var chars = Array(s)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); out += "{"; continue }
                var field = ""
                while let f = chars.popFirst(), f != "}" { field.append(f) }
                if field.contains(":") || field.contains("!") {
                    throw TemplateError.runtime("format specs in str.format are not supported", nil)
                }
                let value: Value?
                if field.isEmpty {
                    value = auto < args.positional.count ? args.positional[auto] : nil
                    auto += 1
                } else if let i = Int(field) {
                    value = i < args.positional.count ? args.positional[i] : nil
                } else {
                    value = args.keyword.first { $0.0 == field }?.1
                }
                guard let value else { throw TemplateError.runtime("format: no argument for {\(field)}", nil) }
                out += value.pythonString
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst() }
                out += "}"
            } else {
                out.append(c)
            }
            try interp.checkSize(out.utf8.count)
        }
        return out
    }

    /// Python `fmt % args` for `%s %r %d %i %f %x %%`, with width, precision and `%(name)s`.
    /// With `escaping` (a Markup format), what `%s` and `%r` insert is escaped unless it is Markup.
    static func percentFormat(_ fmt: String, _ args: Value, _ interp: Interpreter, escaping: Bool = false) throws -> String {
        var positional: [Value]
        switch args {
        case .array(let a): positional = a
        default: positional = [args]
        }
        var out = ""
        var chars = Array(fmt)[...]
        var next = 0
        while let c = chars.popFirst() {
            guard c == "%" else { out.append(c); continue }
            var key: String? = nil
            if chars.first == "(" {
                chars.removeFirst()
                var k = ""
                while let f = chars.popFirst(), f != ")" { k.append(f) }
                key = k
            }
            var flags = ""
            while let f = chars.first, "-+ 0#".contains(f) { flags.append(f); chars.removeFirst() }
            var width = ""
            while let f = chars.first, f.isNumber { width.append(f); chars.removeFirst() }
            var precision: Int? = nil
            if chars.first == "." {
                chars.removeFirst()
                var p = ""
                while let f = chars.first, f.isNumber { p.append(f); chars.removeFirst() }
                precision = Int(p) ?? 0
            }
            guard let type = chars.popFirst() else { throw TemplateError.runtime("incomplete format", nil) }
            if type == "%" { out += "%"; continue }
            let value: Value
            if let key {
                guard case .dict(let d) = args.unmarked, let v = d[key] else { throw TemplateError.runtime("format requires a mapping", nil) }
                value = v
            } else {
                guard next < positional.count else { throw TemplateError.runtime("not enough arguments for format string", nil) }
                value = positional[next]
                next += 1
            }
            var text: String
            switch type {
            case "s": text = escaping ? value.escapedText : value.pythonString
            case "r": text = escaping ? htmlEscape(value.pythonRepr) : value.pythonRepr
            case "d", "i":
                guard let d = value.asDouble else { throw try interp.typeError("%d format: a number is required", value) }
                text = String(value.asInt ?? Int(d.rounded(.towardZero)))
                if flags.contains("+") && !text.hasPrefix("-") { text = "+" + text }
            case "f", "F", "e", "g":
                guard let d = value.asDouble else { throw try interp.typeError("%f format: a number is required", value) }
                let digits = min(precision ?? 6, 100)
                text = type == "g" ? formatPythonFloat(d) : String(format: "%.\(digits)\(type)", d)
                if flags.contains("+") && d >= 0 { text = "+" + text }
            case "x", "X":
                guard let i = value.asInt else { throw try interp.typeError("%x format: an integer is required", value) }
                text = String(i, radix: 16, uppercase: type == "X")
            default:
                throw TemplateError.runtime("unsupported format character '\(type)'", nil)
            }
            if let p = precision, type == "s" || type == "r" { text = String(text.prefix(p)) }
            if let w = Int(width), text.count < w {
                try interp.checkSize(w)
                let pad = String(repeating: flags.contains("0") && !flags.contains("-") && type != "s" ? "0" : " ",
                                 count: w - text.count)
                text = flags.contains("-") ? text + pad : pad + text
            }
            out += text
            try interp.checkSize(out.utf8.count)
        }
        return out
    }
}
