// What counts as the event whose probability is estimated.
//
// An event is a union of clauses; a generation has the event when any clause matches:
//   regex:PATTERN     the pattern matches somewhere in the released text
//   text:STRING       the string occurs in the released text (several text: clauses = a string set)
//   tokens:I,J,K      the token ids occur consecutively among the generated tokens
//   rule:RULE         the event bundle's rule RULE fires at a generated position (decided by the
//                     estimator, which runs the bundle's detectors on the generated tokens)
// Text and token clauses are decided by `matches` from the tokens alone; rule clauses need the
// model's activations and are reported separately (`rules`).

import Foundation

public enum RiskError: Error, CustomStringConvertible, Equatable {
    case invalidEvent(String)
    case invalidOption(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidEvent(let m): return "event: \(m)"
        case .invalidOption(let m): return m
        case .unsupported(let m): return m
        }
    }
}

/// One clause of an event.
public enum EventClause: Equatable, Sendable, Codable, CustomStringConvertible {
    case regex(String)
    case text(String)
    case tokens([Int])
    case rule(String)

    /// Parses `regex:P`, `text:S`, `tokens:1,2,3` or `rule:ID`.
    public init(parsing s: String) throws {
        guard let colon = s.firstIndex(of: ":") else {
            throw RiskError.invalidEvent("'\(s)' does not start with regex:, text:, tokens: or rule:")
        }
        let kind = s[..<colon], body = String(s[s.index(after: colon)...])
        guard !body.isEmpty else { throw RiskError.invalidEvent("'\(s)' has nothing after '\(kind):'") }
        switch kind {
        case "regex":
            do { _ = try Regex(body) } catch { throw RiskError.invalidEvent("regex '\(body)' does not compile: \(error)") }
            self = .regex(body)
        case "text": self = .text(body)
        case "tokens":
            guard let ids = Self.tokenIDs(body) else {
                throw RiskError.invalidEvent("tokens: takes comma-separated token ids ≥ 0, not '\(body)'")
            }
            self = .tokens(ids)
        case "rule": self = .rule(body)
        default: throw RiskError.invalidEvent("unknown clause kind '\(kind)' (regex, text, tokens or rule)")
        }
    }

    /// Comma-separated token ids ≥ 0 (spaces around each allowed), or nil when any item is not
    /// one, including an empty item or an empty list.
    public static func tokenIDs(_ text: String) -> [Int]? {
        var ids: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let id = Int(part.trimmingCharacters(in: .whitespaces)), id >= 0 else { return nil }
            ids.append(id)
        }
        return ids
    }

    public var description: String {
        switch self {
        case .regex(let p): return "regex:\(p)"
        case .text(let t): return "text:\(t)"
        case .tokens(let ids): return "tokens:" + ids.map(String.init).joined(separator: ",")
        case .rule(let r): return "rule:\(r)"
        }
    }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A union of clauses, compiled once.
public struct RiskEvent: @unchecked Sendable {
    public let clauses: [EventClause]
    private let regexes: [Regex<AnyRegexOutput>]
    private let strings: [String]
    private let sequences: [[Int]]
    /// Rule ids of `rule:` clauses.
    public let rules: [String]

    public init(_ clauses: [EventClause]) throws {
        guard !clauses.isEmpty else { throw RiskError.invalidEvent("give at least one --event") }
        self.clauses = clauses
        var regexes: [Regex<AnyRegexOutput>] = [], strings: [String] = [], sequences: [[Int]] = [], rules: [String] = []
        for c in clauses {
            switch c {
            case .regex(let p): regexes.append(try Regex(p))
            case .text(let t): strings.append(t)
            case .tokens(let ids): sequences.append(ids)
            case .rule(let r): rules.append(r)
            }
        }
        self.regexes = regexes
        self.strings = strings
        self.sequences = sequences
        self.rules = rules
    }

    /// Whether the event needs text (regex or string clauses).
    public var readsText: Bool { !regexes.isEmpty || !strings.isEmpty }

    /// Whether a text or token clause matches `text` (the decoded generated tokens) or `tokens`.
    public func matches(text: String, tokens: [Int]) -> Bool {
        for ids in sequences where Self.contains(tokens, ids) { return true }
        for s in strings where text.contains(s) { return true }
        for r in regexes where text.contains(r) { return true }
        return false
    }

    /// Whether `needle` occurs consecutively in `haystack`.
    static func contains(_ haystack: [Int], _ needle: [Int]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
