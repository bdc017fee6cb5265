// Parser.swift — recursive descent from tokens to `Stmt`/`Expr` trees.
//
// Operator precedence, loosest first, as in Jinja:
//   `x if c else y`  <  `or`  <  `and`  <  `not`  <  comparisons (`==`, `in`, `not in`, chained)
//   <  `+ -`  <  `~`  <  `* / // %`  <  `**`  <  unary `- +`  <  postfix (`.a`, `[i]`, `(...)`)
//   and then filters and tests (`x | f`, `x is t`), which bind tighter than any binary operator:
//   `a + b | trim` is `a + (b | trim)`, and `-x | abs` is `(-x) | abs`.
// Nesting is capped (`maxNesting`) so a hostile template cannot overflow the stack: recursion
// counts, and so does every link of a left-associative chain (`a + b + c`, `x or y`, `s|f|g`,
// `a.b[c]()`), since each link nests the tree one level deeper for everything that later walks
// it (evaluation, and the tree's own deallocation).
// Unknown filter and test names follow jinja2's compiler: outside any `if` statement or
// conditional expression they are a syntax error; inside one they fail only when evaluated, so a
// template that uses a filter only in a branch it never takes (DeepSeek's `from_json`) renders.
// Loop, macro and call-block bodies start a new frame in jinja2 and count as outside again.

struct Parser {
    private var tokens: [Token]
    private var pos = 0
    private var nesting = 0
    private let maxNesting = 200
    /// Inside an `if` statement (jinja2's "soft" frame): unknown names are left to run time.
    private var soft = false
    /// Unknown filter or test names met outside soft frames, not yet known to sit inside a
    /// conditional expression; any left at the end is a syntax error.
    private var unknownNames: [(message: String, location: SourceLocation)] = []

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ tokens: [Token]) throws -> [Stmt] {
        var parser = Parser(tokens: tokens)
        let (body, end) = try parser.parseBody(until: [])
        if let end { throw TemplateError.syntax("unexpected '\(end.0)'", end.1) }
        if let unknown = parser.unknownNames.first { throw TemplateError.syntax(unknown.message, unknown.location) }
        return body
    }

    /// Records a filter or test name that no builtin answers to (see the file header).
    private mutating func note(_ name: String, filter: Bool, at loc: SourceLocation) {
        let known = filter ? Builtins.filterNames.contains(name) : Builtins.testNames.contains(name)
        guard !known, !soft else { return }
        unknownNames.append(("no \(filter ? "filter" : "test") named '\(name)'", loc))
    }

    /// Parses a loop, macro or call-block body, which jinja2 compiles in a new (not soft) frame.
    private mutating func parseFrameBody<T>(_ body: (inout Parser) throws -> T) rethrows -> T {
        let saved = soft
        soft = false
        defer { soft = saved }
        return try body(&self)
    }

    /// One more link of a chain: the tree gets one level deeper (see the file header).
    private mutating func deepen(_ links: inout Int) throws {
        links += 1
        nesting += 1
        guard nesting < maxNesting else { throw TemplateError.syntax("expression nested too deeply", location) }
    }

    // MARK: Token helpers

    private var current: Token { tokens[pos] }
    private var location: SourceLocation { current.location }

    private mutating func next() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private func isOp(_ op: String, offset: Int = 0) -> Bool {
        guard pos + offset < tokens.count else { return false }
        if case .op(let o) = tokens[pos + offset].kind { return o == op }
        return false
    }

    private func isName(_ name: String, offset: Int = 0) -> Bool {
        guard pos + offset < tokens.count else { return false }
        if case .name(let n) = tokens[pos + offset].kind { return n == name }
        return false
    }

    private mutating func expectOp(_ op: String) throws {
        guard isOp(op) else { throw unexpected("expected '\(op)'") }
        _ = next()
    }

    private mutating func expectName() throws -> String {
        guard case .name(let n) = current.kind else { throw unexpected("expected a name") }
        _ = next()
        return n
    }

    private mutating func expectBlockEnd() throws {
        guard case .blockEnd = current.kind else { throw unexpected("expected '%}'") }
        _ = next()
    }

    private func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .text: return "text"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string '\(s)'"
        case .integer(let i): return "'\(i)'"
        case .float(let d): return "'\(d)'"
        case .op(let o): return "'\(o)'"
        case .eof: return "end of template"
        }
    }

    private func unexpected(_ what: String) -> TemplateError {
        .syntax("\(what), found \(describe(current.kind))", location)
    }

    // MARK: Statements

    /// Parses statements until a block tag whose name is in `ends`; returns that name (the
    /// parser then stands after the name, inside the tag) or nil at end of input.
    private mutating func parseBody(until ends: Set<String>) throws -> ([Stmt], (String, SourceLocation)?) {
        var body: [Stmt] = []
        while true {
            let tok = current
            switch tok.kind {
            case .eof:
                if !ends.isEmpty {
                    throw TemplateError.syntax("unexpected end of template; expected one of: "
                        + ends.sorted().joined(separator: ", "), tok.location)
                }
                return (body, nil)
            case .text(let s):
                _ = next()
                body.append(Stmt(kind: .text(s), location: tok.location))
            case .variableBegin:
                _ = next()
                let e = try parseTuple()
                guard case .variableEnd = current.kind else { throw unexpected("expected '}}'") }
                _ = next()
                body.append(Stmt(kind: .output(e), location: tok.location))
            case .blockBegin:
                _ = next()
                guard case .name(let keyword) = current.kind else { throw unexpected("expected a statement name") }
                if ends.contains(keyword) {
                    _ = next()
                    return (body, (keyword, tok.location))
                }
                body.append(try parseStatement(keyword, at: tok.location))
            default:
                throw unexpected("unexpected token")
            }
        }
    }

    private mutating func parseStatement(_ keyword: String, at loc: SourceLocation) throws -> Stmt {
        _ = next()
        nesting += 1
        defer { nesting -= 1 }
        guard nesting < maxNesting else { throw TemplateError.syntax("statements nested too deeply", loc) }
        switch keyword {
        case "if": return try parseIf(at: loc)
        case "for": return try parseFor(at: loc)
        case "set": return try parseSet(at: loc)
        case "macro": return try parseMacro(at: loc)
        case "call": return try parseCallBlock(at: loc)
        case "filter":
            let filters = try parseFilterChain(first: true)
            try expectBlockEnd()
            let body = try parseBlockBody(end: "endfilter")
            return Stmt(kind: .filterBlock(filters, body: body), location: loc)
        case "generation":
            try expectBlockEnd()
            return Stmt(kind: .block(try parseBlockBody(end: "endgeneration")), location: loc)
        case "break":
            try expectBlockEnd()
            return Stmt(kind: .break, location: loc)
        case "continue":
            try expectBlockEnd()
            return Stmt(kind: .continue, location: loc)
        default:
            throw TemplateError.syntax("unknown tag '\(keyword)'", loc)
        }
    }

    private mutating func parseBlockBody(end: String) throws -> [Stmt] {
        let (body, _) = try parseBody(until: [end])
        try expectBlockEnd()
        return body
    }

    private mutating func parseIf(at loc: SourceLocation) throws -> Stmt {
        let saved = soft
        soft = true
        defer { soft = saved }
        var branches: [(Expr, [Stmt])] = []
        var cond = try parseExpression()
        while true {
            try expectBlockEnd()
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((cond, body))
            switch end!.0 {
            case "elif":
                cond = try parseExpression()
            case "else":
                try expectBlockEnd()
                let otherwise = try parseBlockBody(end: "endif")
                return Stmt(kind: .if(branches, otherwise: otherwise), location: loc)
            default:
                try expectBlockEnd()
                return Stmt(kind: .if(branches, otherwise: []), location: loc)
            }
        }
    }

    private mutating func parseFor(at loc: SourceLocation) throws -> Stmt {
        var targets: [String] = []
        let parenthesized = isOp("(")
        if parenthesized { _ = next() }
        repeat {
            if !targets.isEmpty { _ = next() }  // the comma
            targets.append(try expectName())
        } while isOp(",")
        if parenthesized { try expectOp(")") }
        guard isName("in") else { throw unexpected("expected 'in' in for loop") }
        _ = next()
        let iterable = try parseTuple(allowConditional: false)
        var condition: Expr? = nil
        if isName("if") {
            _ = next()
            condition = try parseExpression()
        }
        if isName("recursive") { throw TemplateError.syntax("recursive loops are not supported", location) }
        try expectBlockEnd()
        let (body, end) = try parseFrameBody { try $0.parseBody(until: ["else", "endfor"]) }
        var otherwise: [Stmt] = []
        try expectBlockEnd()
        if end!.0 == "else" { otherwise = try parseBlockBody(end: "endfor") }
        return Stmt(kind: .for(targets: targets, iterable: iterable, condition: condition, body: body,
                               otherwise: otherwise), location: loc)
    }

    private mutating func parseSet(at loc: SourceLocation) throws -> Stmt {
        let first = try expectName()
        if isOp(".") {
            _ = next()
            let attr = try expectName()
            try expectOp("=")
            let value = try parseTuple()
            try expectBlockEnd()
            return Stmt(kind: .setAttribute(object: first, attribute: attr, value: value), location: loc)
        }
        var targets = [first]
        while isOp(",") {
            _ = next()
            targets.append(try expectName())
        }
        if isOp("=") {
            _ = next()
            let value = try parseTuple()
            try expectBlockEnd()
            return Stmt(kind: .set(targets: targets, value: value), location: loc)
        }
        guard targets.count == 1 else { throw unexpected("expected '='") }
        let filters = isOp("|") ? try parseFilterChain(first: false) : []
        try expectBlockEnd()
        let body = try parseBlockBody(end: "endset")
        return Stmt(kind: .setBlock(target: first, filters: filters, body: body), location: loc)
    }

    private mutating func parseParameters() throws -> [MacroParameter] {
        try expectOp("(")
        var params: [MacroParameter] = []
        while !isOp(")") {
            if !params.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let name = try expectName()
            var def: Expr? = nil
            if isOp("=") {
                _ = next()
                def = try parseExpression()
            }
            params.append(MacroParameter(name: name, defaultValue: def))
        }
        _ = next()
        return params
    }

    private mutating func parseMacro(at loc: SourceLocation) throws -> Stmt {
        let name = try expectName()
        let params = try parseParameters()
        try expectBlockEnd()
        let body = try parseFrameBody { try $0.parseBlockBody(end: "endmacro") }
        return Stmt(kind: .macro(Macro(name: name, parameters: params, body: body)), location: loc)
    }

    private mutating func parseCallBlock(at loc: SourceLocation) throws -> Stmt {
        let params = isOp("(") ? try parseParameters() : []
        let call = try parseExpression()
        guard case .call = call.kind else { throw TemplateError.syntax("expected a call after 'call'", call.location) }
        try expectBlockEnd()
        let body = try parseFrameBody { try $0.parseBlockBody(end: "endcall") }
        return Stmt(kind: .callBlock(call: call, params: params, body: body), location: loc)
    }

    /// `name(args) | name2 ...`; `first` means the leading `|` is absent.
    private mutating func parseFilterChain(first: Bool) throws -> [FilterCall] {
        var filters: [FilterCall] = []
        var needPipe = !first
        while true {
            if needPipe {
                guard isOp("|") else { break }
                _ = next()
            }
            needPipe = true
            let loc = location
            let name = try parseDottedName()
            note(name, filter: true, at: loc)
            var args: [Expr] = []
            var kwargs: [(String, Expr)] = []
            if isOp("(") { (args, kwargs) = try parseCallArguments() }
            filters.append(FilterCall(name: name, args: args, kwargs: kwargs, location: loc))
        }
        return filters
    }

    private mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp("."), case .name(let part) = tokens[pos + 1].kind {
            pos += 2
            name += "." + part
        }
        return name
    }

    // MARK: Expressions

    /// An expression, or several separated by commas (a tuple), as in `{{ a, b }}` or `set x = 1, 2`.
    private mutating func parseTuple(allowConditional: Bool = true) throws -> Expr {
        let loc = location
        let first = allowConditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            _ = next()
            if !canStartExpression { break }
            items.append(allowConditional ? try parseExpression() : try parseOr())
        }
        return Expr(kind: .tuple(items), location: loc)
    }

    private var canStartExpression: Bool {
        switch current.kind {
        case .name(let n): return !["if", "else", "in", "and", "or", "recursive"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return ["(", "[", "{", "-", "+"].contains(o)
        default: return false
        }
    }

    mutating func parseExpression() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting < maxNesting else { throw TemplateError.syntax("expression nested too deeply", location) }
        let mark = unknownNames.count
        var expr = try parseOr()
        var links = 0
        defer { nesting -= links }
        while isName("if") {
            try deepen(&links)
            _ = next()
            let cond = try parseOr()
            var otherwise: Expr? = nil
            if isName("else") {
                _ = next()
                otherwise = try parseExpression()
            }
            expr = Expr(kind: .conditional(cond: cond, then: expr, otherwise: otherwise), location: expr.location)
        }
        // A conditional expression is a soft frame too: its unknown names wait for run time.
        if links > 0 { unknownNames.removeSubrange(mark...) }
        return expr
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        var links = 0
        defer { nesting -= links }
        while isName("or") {
            try deepen(&links)
            _ = next()
            left = Expr(kind: .or(left, try parseAnd()), location: left.location)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        var links = 0
        defer { nesting -= links }
        while isName("and") {
            try deepen(&links)
            _ = next()
            left = Expr(kind: .and(left, try parseNot()), location: left.location)
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isName("not") {
            let loc = location
            _ = next()
            nesting += 1
            defer { nesting -= 1 }
            guard nesting < maxNesting else { throw TemplateError.syntax("expression nested too deeply", loc) }
            return Expr(kind: .not(try parseNot()), location: loc)
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let left = try parseAdditive()
        var ops: [(CompareOp, Expr)] = []
        while true {
            if case .op(let o) = current.kind, let op = CompareOp(rawValue: o) {
                _ = next()
                ops.append((op, try parseAdditive()))
            } else if isName("in") {
                _ = next()
                ops.append((.in, try parseAdditive()))
            } else if isName("not") && isName("in", offset: 1) {
                pos += 2
                ops.append((.notIn, try parseAdditive()))
            } else {
                break
            }
        }
        return ops.isEmpty ? left : Expr(kind: .compare(left, ops), location: left.location)
    }

    private mutating func parseBinary(_ ops: [String], _ operand: (inout Parser) throws -> Expr) throws -> Expr {
        var left = try operand(&self)
        var links = 0
        defer { nesting -= links }
        while case .op(let o) = current.kind, ops.contains(o) {
            try deepen(&links)
            _ = next()
            let right = try operand(&self)
            left = Expr(kind: .binary(BinaryOp(rawValue: o)!, left, right), location: left.location)
        }
        return left
    }

    private mutating func parseAdditive() throws -> Expr {
        try parseBinary(["+", "-"]) { try $0.parseConcat() }
    }

    private mutating func parseConcat() throws -> Expr {
        try parseBinary(["~"]) { try $0.parseMultiplicative() }
    }

    private mutating func parseMultiplicative() throws -> Expr {
        try parseBinary(["*", "/", "//", "%"]) { try $0.parsePower() }
    }

    private mutating func parsePower() throws -> Expr {
        try parseBinary(["**"]) { try $0.parseUnary(withFilters: true) }
    }

    private mutating func parseUnary(withFilters: Bool) throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting < maxNesting else { throw TemplateError.syntax("expression nested too deeply", location) }
        let loc = location
        var expr: Expr
        if isOp("-") {
            _ = next()
            expr = Expr(kind: .negate(try parseUnary(withFilters: false)), location: loc)
        } else if isOp("+") {
            _ = next()
            expr = Expr(kind: .plus(try parseUnary(withFilters: false)), location: loc)
        } else {
            expr = try parsePrimary()
        }
        expr = try parsePostfix(expr)
        if withFilters { expr = try parseFiltersAndTests(expr) }
        return expr
    }

    private mutating func parsePrimary() throws -> Expr {
        let tok = current
        let loc = tok.location
        switch tok.kind {
        case .name(let n):
            _ = next()
            switch n {
            case "true", "True": return Expr(kind: .literal(.bool(true)), location: loc)
            case "false", "False": return Expr(kind: .literal(.bool(false)), location: loc)
            case "none", "None": return Expr(kind: .literal(.none), location: loc)
            default: return Expr(kind: .name(n), location: loc)
            }
        case .string(var s):
            _ = next()
            while case .string(let more) = current.kind {  // "a" "b" concatenates
                s += more
                _ = next()
            }
            return Expr(kind: .literal(.string(s)), location: loc)
        case .integer(let i):
            _ = next()
            return Expr(kind: .literal(.int(i)), location: loc)
        case .float(let d):
            _ = next()
            return Expr(kind: .literal(.double(d)), location: loc)
        case .op("("):
            _ = next()
            if isOp(")") {
                _ = next()
                return Expr(kind: .tuple([]), location: loc)
            }
            let e = try parseTuple()
            try expectOp(")")
            return e
        case .op("["):
            _ = next()
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            _ = next()
            return Expr(kind: .list(items), location: loc)
        case .op("{"):
            _ = next()
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            _ = next()
            return Expr(kind: .dict(pairs), location: loc)
        default:
            throw unexpected("expected an expression")
        }
    }

    private mutating func parsePostfix(_ base: Expr) throws -> Expr {
        var expr = base
        var links = 0
        defer { nesting -= links }
        while true {
            try deepen(&links)
            let loc = location
            if isOp(".") {
                _ = next()
                switch current.kind {
                case .name(let n):
                    _ = next()
                    expr = Expr(kind: .attribute(expr, n), location: loc)
                case .integer(let i):
                    _ = next()
                    expr = Expr(kind: .item(expr, Expr(kind: .literal(.int(i)), location: loc)), location: loc)
                default:
                    throw unexpected("expected an attribute name after '.'")
                }
            } else if isOp("[") {
                _ = next()
                expr = try parseSubscript(expr, at: loc)
            } else if isOp("(") {
                let (args, kwargs) = try parseCallArguments()
                expr = Expr(kind: .call(expr, args, kwargs), location: loc)
            } else {
                return expr
            }
        }
    }

    private mutating func parseSubscript(_ base: Expr, at loc: SourceLocation) throws -> Expr {
        var parts: [Expr?] = []
        var current: Expr? = nil
        var sawColon = false
        while !isOp("]") {
            if isOp(":") {
                _ = next()
                parts.append(current)
                current = nil
                sawColon = true
                guard parts.count < 3 else { throw unexpected("too many ':' in slice") }
            } else {
                guard current == nil else { throw unexpected("expected ']'") }
                current = try parseExpression()
            }
        }
        _ = next()
        if !sawColon {
            guard let index = current else { throw TemplateError.syntax("empty subscript", loc) }
            return Expr(kind: .item(base, index), location: loc)
        }
        parts.append(current)
        while parts.count < 3 { parts.append(nil) }
        return Expr(kind: .slice(base, start: parts[0], stop: parts[1], step: parts[2]), location: loc)
    }

    private mutating func parseCallArguments() throws -> ([Expr], [(String, Expr)]) {
        try expectOp("(")
        var args: [Expr] = []
        var kwargs: [(String, Expr)] = []
        var first = true
        while !isOp(")") {
            if !first { try expectOp(",") }
            first = false
            if isOp(")") { break }
            if case .name(let n) = current.kind, isOp("=", offset: 1) {
                pos += 2
                kwargs.append((n, try parseExpression()))
            } else {
                guard kwargs.isEmpty else { throw unexpected("positional argument after keyword argument") }
                args.append(try parseExpression())
            }
        }
        _ = next()
        return (args, kwargs)
    }

    private mutating func parseFiltersAndTests(_ base: Expr) throws -> Expr {
        var expr = base
        var links = 0
        defer { nesting -= links }
        while true {
            try deepen(&links)
            let loc = location
            if isOp("|") {
                _ = next()
                let nameLocation = location
                let name = try parseDottedName()
                note(name, filter: true, at: nameLocation)
                var args: [Expr] = []
                var kwargs: [(String, Expr)] = []
                if isOp("(") { (args, kwargs) = try parseCallArguments() }
                expr = Expr(kind: .filter(expr, name: name, args, kwargs), location: loc)
            } else if isName("is") {
                _ = next()
                var negated = false
                if isName("not") {
                    _ = next()
                    negated = true
                }
                let nameLocation = location
                let name = try parseDottedName()
                note(name, filter: false, at: nameLocation)
                var args: [Expr] = []
                if isOp("(") {
                    let (a, kw) = try parseCallArguments()
                    args = a + kw.map(\.1)
                } else if testArgumentFollows {
                    args = [try parsePostfix(try parsePrimary())]
                }
                expr = Expr(kind: .test(expr, name: name, args, negated: negated), location: loc)
            } else if isOp("(") {
                let (args, kwargs) = try parseCallArguments()
                expr = Expr(kind: .call(expr, args, kwargs), location: loc)
            } else {
                return expr
            }
        }
    }

    /// Whether a test written without parentheses takes an argument: `x is divisibleby 3`.
    private var testArgumentFollows: Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and", "if", "is", "in", "not"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == "[" || o == "{"
        default: return false
        }
    }
}
