// AST.swift — the syntax tree the parser builds and the interpreter walks.
//
// Every node keeps the source location of its first token, so a runtime error can say where.

/// An expression node.
struct Expr {
    indirect enum Kind {
        case literal(Value)
        case name(String)
        case list([Expr])
        case tuple([Expr])
        case dict([(Expr, Expr)])
        /// `obj.name`: attribute first, then item (Jinja's `getattr`).
        case attribute(Expr, String)
        /// `obj[key]`: item first, then attribute (Jinja's `getitem`).
        case item(Expr, Expr)
        case slice(Expr, start: Expr?, stop: Expr?, step: Expr?)
        case call(Expr, [Expr], [(String, Expr)])
        case filter(Expr, name: String, [Expr], [(String, Expr)])
        case test(Expr, name: String, [Expr], negated: Bool)
        case negate(Expr)
        case plus(Expr)
        case not(Expr)
        case binary(BinaryOp, Expr, Expr)
        /// `a < b <= c`: each comparison with the previous operand.
        case compare(Expr, [(CompareOp, Expr)])
        case and(Expr, Expr)
        case or(Expr, Expr)
        /// `then if cond else otherwise`; no `else` yields Undefined.
        case conditional(cond: Expr, then: Expr, otherwise: Expr?)
    }
    var kind: Kind
    var location: SourceLocation
}

enum BinaryOp: String {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**", concat = "~"
}

enum CompareOp: String {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", `in` = "in", notIn = "not in"
}

/// A filter application in a `{% filter %}` block or `{% set x | f %}`.
struct FilterCall {
    var name: String
    var args: [Expr]
    var kwargs: [(String, Expr)]
    var location: SourceLocation
}

/// A statement node.
struct Stmt {
    indirect enum Kind {
        case text(String)
        case output(Expr)
        case `if`([(Expr, [Stmt])], otherwise: [Stmt])
        case `for`(targets: [String], iterable: Expr, condition: Expr?, body: [Stmt], otherwise: [Stmt])
        /// `set a = v`, `set a, b = v` (unpacking).
        case set(targets: [String], value: Expr)
        /// `set ns.attr = v`.
        case setAttribute(object: String, attribute: String, value: Expr)
        /// `{% set x %}...{% endset %}`, optionally filtered.
        case setBlock(target: String, filters: [FilterCall], body: [Stmt])
        case macro(Macro)
        /// `{% call(params) callee(args) %}body{% endcall %}`
        case callBlock(call: Expr, params: [MacroParameter], body: [Stmt])
        case filterBlock([FilterCall], body: [Stmt])
        /// `{% generation %}` (HF's assistant-mask marker): renders its body unchanged.
        case block([Stmt])
        case `break`
        case `continue`
    }
    var kind: Kind
    var location: SourceLocation
}

struct MacroParameter {
    var name: String
    var defaultValue: Expr?
}

struct Macro {
    var name: String
    var parameters: [MacroParameter]
    var body: [Stmt]
}
