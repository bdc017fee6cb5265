// TemplateError.swift — every way parsing or rendering a template can fail.
//
// Templates come from model files, i.e. from strangers: nothing in this module traps on bad
// input. Errors carry the 1-based line and column of the construct at fault so a user can find
// it in a template that is often one long JSON-escaped line.

/// A position in the template source (1-based line and column, counted in characters).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "line \(line), column \(column)" }
}

/// Why a template could not be parsed or rendered.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source is not valid template syntax.
    case syntax(String, SourceLocation)
    /// An operation failed while rendering (bad types, undefined call, division by zero...).
    case runtime(String, SourceLocation?)
    /// The template called `raise_exception(message)`.
    case raised(String, SourceLocation?)
    /// Rendering exceeded one of the `RenderLimits`.
    case limitExceeded(RenderLimits.Kind, SourceLocation?)
    /// A context value could not be converted to a template value.
    case invalidContext(String)

    public var description: String {
        func at(_ loc: SourceLocation?) -> String { loc.map { " at \($0)" } ?? "" }
        switch self {
        case .syntax(let msg, let loc): return "template syntax error at \(loc): \(msg)"
        case .runtime(let msg, let loc): return "template error\(at(loc)): \(msg)"
        case .raised(let msg, let loc): return "template raised an exception\(at(loc)): \(msg)"
        case .limitExceeded(let kind, let loc): return "template exceeded its \(kind) limit\(at(loc))"
        case .invalidContext(let msg): return "invalid template context: \(msg)"
        }
    }

    /// The location, when known.
    public var location: SourceLocation? {
        switch self {
        case .syntax(_, let loc): return loc
        case .runtime(_, let loc), .raised(_, let loc), .limitExceeded(_, let loc): return loc
        case .invalidContext: return nil
        }
    }

    /// The same error, located at `loc` if it had no location yet.
    func located(_ loc: SourceLocation) -> TemplateError {
        switch self {
        case .runtime(let m, nil): return .runtime(m, loc)
        case .raised(let m, nil): return .raised(m, loc)
        case .limitExceeded(let k, nil): return .limitExceeded(k, loc)
        default: return self
        }
    }
}
