// Interpreter.swift — walks the syntax tree and writes the output, within `RenderLimits`.
//
// Scoping follows Jinja: `if` shares its enclosing scope; each `for` iteration gets a fresh
// scope (so `set` inside a loop does not survive the iteration, which is why templates use
// `namespace`); a macro call gets a scope whose parent is the scope the macro was defined in.
// Lookups walk scopes outward, then the globals; a missing name is `Undefined`.
// Operators follow Python: `/` is true division, `//` and `%` floor toward negative infinity,
// `+` joins strings and lists, `~` joins anything as strings. Integer overflow (Python has
// big integers) is an error rather than a wrong answer.

import Foundation

final class Scope {
    var vars: [String: Value] = [:]
    let parent: Scope?
    #if DEBUG
    private let live = LiveObject()
    #endif
    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let s = scope {
            if let v = s.vars[name] { return v }
            scope = s.parent
        }
        return nil
    }
}

/// How a statement list finished: normally, or by `break` / `continue`.
enum Flow {
    case normal, breakLoop, continueLoop
}

final class Interpreter {
    let limits: RenderLimits
    let now: Date
    private var steps = 0
    private var depth = 0
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(limits: RenderLimits, now: Date) {
        self.limits = limits
        self.now = now
        self.start = clock.now
    }

    // MARK: Reference cycles

    /// Scopes a macro closes over: the macro is stored in the scope it captures, a cycle.
    private var closures: [Scope] = []
    /// Namespaces made by this render (one may be stored in itself: `set ns.me = ns`).
    private var namespaces: [Namespace] = []

    /// Remembers a namespace `namespace()` made, so `releaseReferences` can break its cycles.
    func track(_ namespace: Namespace) { namespaces.append(namespace) }

    /// Breaks the reference cycles this render made (macros and their scopes, namespaces that
    /// hold themselves), so that nothing outlives it. Call once the output is complete: the
    /// render's objects never escape it (it returns a string), and without this every template
    /// that defines a macro leaked its scopes — a long-running server, or a fuzzer after a million
    /// renders, runs out of memory.
    func releaseReferences() {
        for scope in closures { scope.vars.removeAll() }
        for ns in namespaces { ns.attributes = OrderedDict() }
        closures.removeAll()
        namespaces.removeAll()
    }

    // MARK: Budget

    /// Spends `n` steps of the budget; checks the clock every so often.
    func charge(_ n: Int = 1) throws {
        let (sum, overflow) = steps.addingReportingOverflow(max(n, 0))
        guard !overflow, sum <= limits.maxSteps else { throw TemplateError.limitExceeded(.steps, nil) }
        if (sum >> 8) != (steps >> 8) || n > 256 {
            try checkTime()
        }
        steps = sum
    }

    /// Fails if a string about to be built would exceed the output limit.
    func checkSize(_ bytes: Int) throws {
        if bytes > limits.maxOutputBytes { throw TemplateError.limitExceeded(.outputBytes, nil) }
    }

    /// Fails if a string of `count` pieces of `bytes` each, plus `extra`, would exceed the output
    /// limit: checked before building it, so a doubling loop stops at the limit instead of
    /// allocating (and spending seconds on) a string far past it.
    func checkSize(count: Int, of bytes: Int, plus extra: Int = 0) throws {
        let (product, o1) = count.multipliedReportingOverflow(by: bytes)
        let (total, o2) = product.addingReportingOverflow(extra)
        if o1 || o2 { throw TemplateError.limitExceeded(.outputBytes, nil) }
        try checkSize(total)
    }

    /// Checks the wall-time limit from inside a long loop that spends no steps.
    func checkTime() throws {
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > limits.maxWallTime { throw TemplateError.limitExceeded(.wallTime, nil) }
    }

    private func emit(_ s: String, into out: inout String) throws {
        out += s
        try checkSize(out.utf8.count)
    }

    // MARK: Statements

    func render(_ body: [Stmt], scope: Scope) throws -> String {
        var out = ""
        _ = try exec(body, scope: scope, into: &out)
        return out
    }

    func exec(_ body: [Stmt], scope: Scope, into out: inout String) throws -> Flow {
        for stmt in body {
            let flow: Flow
            do {
                flow = try exec(stmt, scope: scope, into: &out)
            } catch let e as TemplateError {
                throw e.located(stmt.location)
            }
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func exec(_ stmt: Stmt, scope: Scope, into out: inout String) throws -> Flow {
        try charge()
        switch stmt.kind {
        case .text(let s):
            try emit(s, into: &out)
        case .output(let e):
            try emit(try eval(e, scope).pythonString, into: &out)
        case .if(let branches, let otherwise):
            for (cond, body) in branches where try eval(cond, scope).isTruthy {
                return try exec(body, scope: scope, into: &out)
            }
            return try exec(otherwise, scope: scope, into: &out)
        case .for(let targets, let iterable, let condition, let body, let otherwise):
            return try execFor(targets: targets, iterable: iterable, condition: condition, body: body,
                               otherwise: otherwise, scope: scope, into: &out, at: stmt.location)
        case .set(let targets, let valueExpr):
            let value = try eval(valueExpr, scope)
            try assign(targets, value, in: scope, at: stmt.location)
        case .setAttribute(let object, let attribute, let valueExpr):
            guard case .namespace(let ns)? = scope.lookup(object) else {
                throw TemplateError.runtime("cannot assign attribute on non-namespace object '\(object)'", stmt.location)
            }
            let value = try eval(valueExpr, scope)
            try checkNesting(value)
            ns.attributes[attribute] = value
        case .setBlock(let target, let filters, let body):
            var value = Value.string(try render(body, scope: scope))
            for f in filters { value = try applyFilter(f, to: value, scope) }
            scope.vars[target] = value
        case .macro(let macro):
            scope.vars[macro.name] = makeMacro(macro, closure: scope)
        case .callBlock(let call, let params, let body):
            guard case .call(let callee, let argExprs, let kwargExprs) = call.kind else { return .normal }
            let caller = makeMacro(Macro(name: "caller", parameters: params, body: body), closure: scope)
            var args = try evalArguments(argExprs, kwargExprs, scope)
            args.keyword.append(("caller", caller))
            try emit(try callValue(try eval(callee, scope), args, at: call.location).pythonString, into: &out)
        case .filterBlock(let filters, let body):
            var value = Value.string(try render(body, scope: scope))
            for f in filters { value = try applyFilter(f, to: value, scope) }
            try emit(value.pythonString, into: &out)
        case .block(let body):
            return try exec(body, scope: scope, into: &out)
        case .break:
            return .breakLoop
        case .continue:
            return .continueLoop
        }
        return .normal
    }

    /// Values can only grow deeper through assignments (one statement adds a bounded number of
    /// levels), so checking there keeps every value shallow enough to print, compare and free
    /// without exhausting the stack.
    private func checkNesting(_ value: Value) throws {
        if value.nestingExceeds(Interpreter.maxValueNesting) {
            throw TemplateError.runtime("value nested more than \(Interpreter.maxValueNesting) levels deep", nil)
        }
    }

    static let maxValueNesting = 500

    private func assign(_ targets: [String], _ value: Value, in scope: Scope, at loc: SourceLocation) throws {
        try checkNesting(value)
        if targets.count == 1 {
            scope.vars[targets[0]] = value
            return
        }
        let items = try iterate(value)
        guard items.count == targets.count else {
            throw TemplateError.runtime("cannot unpack \(items.count) values into \(targets.count) names", loc)
        }
        for (name, v) in zip(targets, items) { scope.vars[name] = v }
    }

    private func execFor(targets: [String], iterable: Expr, condition: Expr?, body: [Stmt], otherwise: [Stmt],
                         scope: Scope, into out: inout String, at loc: SourceLocation) throws -> Flow {
        var items = try iterate(try eval(iterable, scope))
        if let condition {
            // `for x in xs if cond`: filtered before the loop, so `loop.length` counts the kept items.
            items = try items.filter { item in
                let s = Scope(parent: scope)
                try assign(targets, item, in: s, at: loc)
                return try eval(condition, s).isTruthy
            }
        }
        if items.isEmpty { return try exec(otherwise, scope: scope, into: &out) }
        for (index, item) in items.enumerated() {
            try charge()
            let s = Scope(parent: scope)
            try assign(targets, item, in: s, at: loc)
            var loop = OrderedDict()
            loop["index"] = .int(index + 1)
            loop["index0"] = .int(index)
            loop["revindex"] = .int(items.count - index)
            loop["revindex0"] = .int(items.count - index - 1)
            loop["first"] = .bool(index == 0)
            loop["last"] = .bool(index == items.count - 1)
            loop["length"] = .int(items.count)
            loop["depth"] = .int(1)  // only recursive loops (unsupported) go deeper
            loop["depth0"] = .int(0)
            if index > 0 { loop["previtem"] = items[index - 1] }
            if index + 1 < items.count { loop["nextitem"] = items[index + 1] }
            loop["cycle"] = .function(TemplateFunction("loop.cycle") { args, _ in
                guard !args.positional.isEmpty else {
                    throw TemplateError.runtime("loop.cycle needs at least one argument", nil)
                }
                return args.positional[index % args.positional.count]
            })
            s.vars["loop"] = .dict(loop)
            let flow = try exec(body, scope: s, into: &out)
            if flow == .breakLoop { break }
        }
        return .normal
    }

    // MARK: Macros

    private func makeMacro(_ macro: Macro, closure: Scope) -> Value {
        closures.append(closure)
        return .function(TemplateFunction(macro.name) { args, interp in
            try interp.callMacro(macro, closure: closure, args)
        })
    }

    private func callMacro(_ macro: Macro, closure: Scope, _ args: Arguments) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxRecursionDepth else { throw TemplateError.limitExceeded(.recursionDepth, nil) }
        let s = Scope(parent: closure)
        var keyword = args.keyword
        for (i, p) in macro.parameters.enumerated() {
            if i < args.positional.count {
                s.vars[p.name] = args.positional[i]
            } else if let k = keyword.firstIndex(where: { $0.0 == p.name }) {
                s.vars[p.name] = keyword.remove(at: k).1
            } else if let def = p.defaultValue {
                s.vars[p.name] = try eval(def, s)
            } else {
                s.vars[p.name] = .undefined("parameter '\(p.name)' was not provided")
            }
        }
        let extra = args.positional.count > macro.parameters.count
            ? Array(args.positional[macro.parameters.count...]) : []
        s.vars["varargs"] = .array(extra)
        if let k = keyword.firstIndex(where: { $0.0 == "caller" }) { s.vars["caller"] = keyword.remove(at: k).1 }
        s.vars["kwargs"] = .dict(OrderedDict(keyword))
        return .string(try render(macro.body, scope: s))
    }

    // MARK: Expressions

    func eval(_ expr: Expr, _ scope: Scope) throws -> Value {
        do {
            return try evalUnlocated(expr, scope)
        } catch let e as TemplateError {
            throw e.located(expr.location)
        }
    }

    private func evalUnlocated(_ expr: Expr, _ scope: Scope) throws -> Value {
        switch expr.kind {
        case .literal(let v):
            return v
        case .name(let n):
            return scope.lookup(n) ?? Builtins.global(n) ?? .undefined("'\(n)' is undefined")
        case .list(let items):
            return .array(try items.map { try eval($0, scope) })
        case .tuple(let items):
            return .array(try items.map { try eval($0, scope) })
        case .dict(let pairs):
            var d = OrderedDict()
            for (k, v) in pairs {
                let key = try eval(k, scope)
                do {
                    try d.set(key, try eval(v, scope))
                } catch let error as TemplateError {
                    throw error.located(k.location)
                }
            }
            return .dict(d)
        case .attribute(let base, let name):
            return try getAttribute(try eval(base, scope), name)
        case .item(let base, let index):
            return try getItem(try eval(base, scope), try eval(index, scope))
        case .slice(let base, let start, let stop, let step):
            return try slice(try eval(base, scope), start: try start.map { try eval($0, scope) },
                             stop: try stop.map { try eval($0, scope) }, step: try step.map { try eval($0, scope) })
        case .call(let callee, let args, let kwargs):
            let f = try eval(callee, scope)
            return try callValue(f, try evalArguments(args, kwargs, scope), at: expr.location)
        case .filter(let base, let name, let args, let kwargs):
            let input = try eval(base, scope)
            return try Builtins.filter(name, input, try evalArguments(args, kwargs, scope), self)
        case .test(let base, let name, let args, let negated):
            let input = try eval(base, scope)
            let result = try Builtins.test(name, input, try args.map { try eval($0, scope) }, self)
            return .bool(result != negated)
        case .negate(let e):
            let v = try eval(e, scope)
            switch v {
            case .int(let i):
                guard i != .min else { throw TemplateError.runtime("integer overflow", nil) }
                return .int(-i)
            case .bool(let b): return .int(b ? -1 : 0)
            case .double(let d): return .double(-d)
            default: throw try typeError("bad operand type for unary -: '\(v.typeName)'", v)
            }
        case .plus(let e):
            let v = try eval(e, scope)
            guard v.asDouble != nil else { throw try typeError("bad operand type for unary +: '\(v.typeName)'", v) }
            return v
        case .not(let e):
            return .bool(!(try eval(e, scope).isTruthy))
        case .and(let l, let r):
            let left = try eval(l, scope)
            return left.isTruthy ? try eval(r, scope) : left
        case .or(let l, let r):
            let left = try eval(l, scope)
            return left.isTruthy ? left : try eval(r, scope)
        case .conditional(let cond, let then, let otherwise):
            if try eval(cond, scope).isTruthy { return try eval(then, scope) }
            return try otherwise.map { try eval($0, scope) } ?? .undefined("the conditional expression had no else")
        case .binary(let op, let l, let r):
            return try binary(op, try eval(l, scope), try eval(r, scope))
        case .compare(let first, let rest):
            var left = try eval(first, scope)
            for (op, rightExpr) in rest {
                let right = try eval(rightExpr, scope)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        }
    }

    func evalArguments(_ args: [Expr], _ kwargs: [(String, Expr)], _ scope: Scope) throws -> Arguments {
        Arguments(positional: try args.map { try eval($0, scope) },
                  keyword: try kwargs.map { ($0.0, try eval($0.1, scope)) })
    }

    func callValue(_ f: Value, _ args: Arguments, at loc: SourceLocation?) throws -> Value {
        switch f {
        case .function(let fn): return try fn.call(args, self)
        case .undefined(let why): throw TemplateError.runtime(why, loc)
        default: throw TemplateError.runtime("'\(f.typeName)' object is not callable", loc)
        }
    }

    private func applyFilter(_ f: FilterCall, to value: Value, _ scope: Scope) throws -> Value {
        do {
            return try Builtins.filter(f.name, value, try evalArguments(f.args, f.kwargs, scope), self)
        } catch let e as TemplateError {
            throw e.located(f.location)
        }
    }

    /// The error for using `v` where a value is needed: an Undefined explains itself.
    func typeError(_ message: String, _ values: Value...) throws -> TemplateError {
        for v in values { if case .undefined(let why) = v { return .runtime(why, nil) } }
        return .runtime(message, nil)
    }

    // MARK: Access

    /// `obj.name`: attributes (methods) first, then items.
    func getAttribute(_ obj: Value, _ name: String) throws -> Value {
        switch obj {
        case .undefined(let why):
            throw TemplateError.runtime(why, nil)
        case .dict(let d):
            if let m = Builtins.method(obj, name) { return m }
            return d[name] ?? .undefined("'dict object' has no attribute '\(name)'")
        case .namespace(let ns):
            return ns.attributes[name] ?? .undefined("'Namespace object' has no attribute '\(name)'")
        default:
            if let m = Builtins.method(obj, name) { return m }
            return .undefined("'\(obj.typeName) object' has no attribute '\(name)'")
        }
    }

    /// `obj[key]`: items first, then attributes.
    func getItem(_ obj: Value, _ key: Value) throws -> Value {
        let obj = obj.unmarked, key = key.unmarked
        switch (obj, key) {
        case (.undefined(let why), _):
            throw TemplateError.runtime(why, nil)
        case (.dict(let d), _):
            if let v = d[key] { return v }
            guard case .string(let k) = key else { break }
            return Builtins.method(obj, k) ?? .undefined("'dict object' has no attribute '\(k)'")
        case (.array(let a), _):
            guard let i = key.asInt, !isDouble(key) else { break }
            let idx = i < 0 ? a.count + i : i
            return idx >= 0 && idx < a.count ? a[idx] : .undefined("list index \(i) out of range")
        case (.string(let s), _):
            guard let i = key.asInt, !isDouble(key) else { break }
            let scalars = Array(s.unicodeScalars)
            let idx = i < 0 ? scalars.count + i : i
            return idx >= 0 && idx < scalars.count
                ? .string(String(scalars[idx])) : .undefined("string index \(i) out of range")
        case (.namespace, .string(let k)):
            return try getAttribute(obj, k)
        default:
            break
        }
        if case .string(let k) = key { return try getAttribute(obj, k) }
        return .undefined("'\(obj.typeName) object' has no item \(key.pythonRepr)")
    }

    private func isDouble(_ v: Value) -> Bool {
        if case .double = v { return true }
        return false
    }

    /// Python slicing `obj[start:stop:step]` of lists and strings.
    private func slice(_ obj: Value, start: Value?, stop: Value?, step: Value?) throws -> Value {
        func intOrNil(_ v: Value?) throws -> Int? {
            guard let v, !(v == .none) else { return nil }
            guard let i = v.asInt else { throw try typeError("slice indices must be integers or None", v) }
            return i
        }
        let stepValue = try intOrNil(step) ?? 1
        guard stepValue != 0 else { throw TemplateError.runtime("slice step cannot be zero", nil) }
        func indices(_ count: Int) throws -> [Int] {
            func clamp(_ i: Int?, _ def: Int, low: Int, high: Int) -> Int {
                guard var i else { return def }
                if i < 0 { i += count }
                return min(max(i, low), high)
            }
            var result: [Int] = []
            if stepValue > 0 {
                var i = clamp(try intOrNil(start), 0, low: 0, high: count)
                let end = clamp(try intOrNil(stop), count, low: 0, high: count)
                while i < end {
                    result.append(i)
                    let (n, overflow) = i.addingReportingOverflow(stepValue)
                    if overflow { break }
                    i = n
                }
            } else {
                var i = clamp(try intOrNil(start), count - 1, low: -1, high: count - 1)
                let end = clamp(try intOrNil(stop), -1, low: -1, high: count - 1)
                while i > end {
                    result.append(i)
                    let (n, overflow) = i.addingReportingOverflow(stepValue)
                    if overflow { break }
                    i = n
                }
            }
            try charge(result.count)
            return result
        }
        switch obj {
        case .array(let a):
            return .array(try indices(a.count).map { a[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in try indices(scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        case .undefined(let why):
            throw TemplateError.runtime(why, nil)
        default:
            throw TemplateError.runtime("'\(obj.typeName)' object is not subscriptable", nil)
        }
    }

    /// The elements a `for` loop (or a filter) walks: list items, string characters, dict keys.
    func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .array(let a): return a
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .markup(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .dict(let d): return d.keys
        case .iterator(let seq): return seq.walk()
        case .undefined: return []
        default: throw TemplateError.runtime("'\(v.typeName)' object is not iterable", nil)
        }
    }

    // MARK: Operators

    func binary(_ op: BinaryOp, _ l: Value, _ r: Value) throws -> Value {
        func mismatch() throws -> TemplateError {
            try typeError("unsupported operand type(s) for \(op.rawValue): '\(l.typeName)' and '\(r.typeName)'", l, r)
        }
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Value {
            guard !result.overflow else { throw TemplateError.runtime("integer overflow in '\(op.rawValue)'", nil) }
            return .int(result.partialValue)
        }
        if let marked = try markupBinary(op, l, r) { return marked }
        let l = l.unmarked, r = r.unmarked
        let bothInts = l.asInt != nil && r.asInt != nil
        switch op {
        case .concat:
            let s = l.pythonString + r.pythonString
            try checkSize(s.utf8.count)
            return .string(s)
        case .add:
            switch (l, r) {
            case (.string(let a), .string(let b)):
                try checkSize(a.utf8.count + b.utf8.count)
                return .string(a + b)
            case (.array(let a), .array(let b)):
                try charge(a.count + b.count)
                return .array(a + b)
            default:
                if bothInts { return try checked(l.asInt!.addingReportingOverflow(r.asInt!)) }
                if let a = l.asDouble, let b = r.asDouble { return .double(a + b) }
                throw try mismatch()
            }
        case .sub:
            if bothInts { return try checked(l.asInt!.subtractingReportingOverflow(r.asInt!)) }
            if let a = l.asDouble, let b = r.asDouble { return .double(a - b) }
            throw try mismatch()
        case .mul:
            switch (l, r) {
            case (.string(let s), _) where r.asInt != nil, (_, .string(let s)) where l.asInt != nil:
                let n = max(0, (l.asInt ?? r.asInt)!)
                let (size, overflow) = s.utf8.count.multipliedReportingOverflow(by: n)
                if overflow { throw TemplateError.limitExceeded(.outputBytes, nil) }
                try checkSize(size)
                return .string(String(repeating: s, count: n))
            case (.array(let a), _) where r.asInt != nil, (_, .array(let a)) where l.asInt != nil:
                let n = max(0, (l.asInt ?? r.asInt)!)
                let (size, overflow) = a.count.multipliedReportingOverflow(by: n)
                if overflow { throw TemplateError.limitExceeded(.steps, nil) }
                try charge(size)
                return .array(Array([[Value]](repeating: a, count: n).joined()))
            default:
                if bothInts { return try checked(l.asInt!.multipliedReportingOverflow(by: r.asInt!)) }
                if let a = l.asDouble, let b = r.asDouble { return .double(a * b) }
                throw try mismatch()
            }
        case .div:
            guard let a = l.asDouble, let b = r.asDouble else { throw try mismatch() }
            guard b != 0 else { throw TemplateError.runtime("division by zero", nil) }
            return .double(a / b)
        case .floorDiv:
            if bothInts {
                let a = l.asInt!, b = r.asInt!
                guard b != 0 else { throw TemplateError.runtime("integer division or modulo by zero", nil) }
                guard !(a == .min && b == -1) else { throw TemplateError.runtime("integer overflow in '//'", nil) }
                let q = a / b
                return .int((a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q)
            }
            guard let a = l.asDouble, let b = r.asDouble else { throw try mismatch() }
            guard b != 0 else { throw TemplateError.runtime("float floor division by zero", nil) }
            return .double((a / b).rounded(.down))
        case .mod:
            if case .string(let fmt) = l { return .string(try Builtins.percentFormat(fmt, r, self)) }
            if bothInts {
                let a = l.asInt!, b = r.asInt!
                guard b != 0 else { throw TemplateError.runtime("integer division or modulo by zero", nil) }
                guard !(a == .min && b == -1) else { return .int(0) }
                let m = a % b
                return .int(m != 0 && (m < 0) != (b < 0) ? m + b : m)
            }
            guard let a = l.asDouble, let b = r.asDouble else { throw try mismatch() }
            guard b != 0 else { throw TemplateError.runtime("float modulo", nil) }
            let m = fmod(a, b)
            return .double(m != 0 && (m < 0) != (b < 0) ? m + b : m)
        case .pow:
            if bothInts, r.asInt! >= 0 {
                var result = 1
                var base = l.asInt!
                var exp = r.asInt!
                while exp > 0 {
                    if exp & 1 == 1 {
                        let (p, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw TemplateError.runtime("integer overflow in '**'", nil) }
                        result = p
                    }
                    exp >>= 1
                    if exp > 0 {
                        let (sq, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw TemplateError.runtime("integer overflow in '**'", nil) }
                        base = sq
                    }
                }
                return .int(result)
            }
            guard let a = l.asDouble, let b = r.asDouble else { throw try mismatch() }
            return .double(pow(a, b))
        }
    }

    /// markupsafe's operators: `Markup + str` and `str + Markup` escape the plain side, `Markup % x`
    /// escapes what it formats, `Markup * n` stays Markup. Nil for everything else.
    private func markupBinary(_ op: BinaryOp, _ l: Value, _ r: Value) throws -> Value? {
        switch (op, l, r) {
        case (.add, .markup(let a), .string), (.add, .markup(let a), .markup):
            let b = r.escapedText
            try checkSize(a.utf8.count + b.utf8.count)
            return .markup(a + b)
        case (.add, .string, .markup(let b)):
            let a = l.escapedText
            try checkSize(a.utf8.count + b.utf8.count)
            return .markup(a + b)
        case (.mod, .markup(let fmt), _):
            return .markup(try Builtins.percentFormat(fmt, r, self, escaping: true))
        case (.mul, .markup, _), (.mul, _, .markup):
            guard case .string(let s) = try binary(.mul, l.unmarked, r.unmarked) else { return nil }
            return .markup(s)
        default:
            return nil
        }
    }

    func compare(_ op: CompareOp, _ l: Value, _ r: Value) throws -> Bool {
        let l = l.unmarked, r = r.unmarked
        switch op {
        case .eq: return l == r
        case .ne: return l != r
        case .in: return try contains(r, l)
        case .notIn: return !(try contains(r, l))
        case .lt: return try order(l, r) < 0
        case .le: return try order(l, r) <= 0
        case .gt: return try order(l, r) > 0
        case .ge: return try order(l, r) >= 0
        }
    }

    /// Python ordering of numbers, strings (by code point) and lists.
    func order(_ l: Value, _ r: Value) throws -> Int {
        switch (l.unmarked, r.unmarked) {
        case (.string(let a), .string(let b)):
            let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
            for (p, q) in zip(x, y) where p != q { return p.value < q.value ? -1 : 1 }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        case (.array(let a), .array(let b)):
            for (p, q) in zip(a, b) where p != q { return try order(p, q) }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        default:
            if let a = l.asInt, let b = r.asInt { return a == b ? 0 : (a < b ? -1 : 1) }
            if let a = l.asDouble, let b = r.asDouble { return a == b ? 0 : (a < b ? -1 : 1) }
            throw try typeError("'<' not supported between instances of '\(l.typeName)' and '\(r.typeName)'", l, r)
        }
    }

    /// Python `needle in haystack`.
    func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        let haystack = haystack.unmarked, needle = needle.unmarked
        switch haystack {
        case .string(let s):
            guard case .string(let n) = needle else {
                throw try typeError("'in <string>' requires string as left operand, not \(needle.typeName)", needle)
            }
            return n.isEmpty || s.contains(n)
        case .array(let a): return a.contains(needle)
        case .dict(let d): return d[needle] != nil
        case .iterator(let seq): return seq.walk().contains(needle)
        case .undefined: return false
        default:
            throw TemplateError.runtime("argument of type '\(haystack.typeName)' is not iterable", nil)
        }
    }
}
