// Labeled text for training and evaluating detectors: examples (label 1, what must be caught)
// and counterexamples (label 0, what must pass).
//
// Accepted files:
//   JSON Lines   one object per line; `textField` and `labelField` name the fields
//   JSON array   `[ {...}, {...} ]` of such objects (e.g. instruction data sets)
//   CSV          a header row, RFC 4180 quoting ("" inside quotes); fields named by the header
// A label is 0/1, true/false, or a string listed in `positiveLabels`/`negativeLabels`.
// A whole file can instead be given one label (`DataSource.label`), e.g. a file of harmful
// requests and another of harmless ones. `builtin:NAME` names a data set shipped in the binary.
//
// A JSON row may hold a conversation instead of one text: `"turns": [{"role": "system"|"user"|
// "assistant", "content": str}, ...]`, ending with a user turn (the request the detector reads), or
// with an assistant turn right after it: an answer, whose tokens positions `answer` collect.
// The chat template renders all turns (collection needs --chat); the row's `text` is then the
// turns written out one per line ("role: content"), which names the example in hashes and splits.
// Optional fields kept for reports: `category` (a topic or, for framed requests, the wrapper
// kind) and `source` (where the row came from; the file or built-in set when absent).

import Formats
import Foundation
import Kernels
import Models

public enum DataError: Error, Equatable, CustomStringConvertible {
    case io(String)
    case format(file: String, line: Int, reason: String)
    case missingField(file: String, line: Int, field: String)
    case badLabel(file: String, line: Int, value: String)
    case empty(String)
    case unknownBuiltin(String, available: [String])
    case badTurns(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .io(let m): return m
        case .format(let f, let l, let r): return "\(f):\(l): \(r)"
        case .missingField(let f, let l, let field): return "\(f):\(l): no field '\(field)'"
        case .badLabel(let f, let l, let v):
            return "\(f):\(l): label '\(v)' is not 0/1 or true/false (use --label for a file of one class)"
        case .empty(let f): return "\(f) holds no labeled examples"
        case .unknownBuiltin(let n, let a): return "no built-in data set '\(n)' (available: \(a.joined(separator: ", ")))"
        case .badTurns(let f, let l, let r): return "\(f):\(l): turns: \(r)"
        }
    }
}

/// One labeled text.
public struct LabeledExample: Sendable, Equatable, Codable {
    public var text: String
    /// 1 = example (positive), 0 = counterexample.
    public var label: Int
    /// Optional tag from the file (a category column), kept for reports.
    public var category: String?
    /// A conversation (system, user and assistant turns, the last one the user's, or an answer
    /// after it) read through the chat template instead of `text`; nil for a single request.
    public var turns: [ChatTurn]?
    /// Where the example came from (the row's `source` field, else the file or built-in set).
    public var source: String?
    public init(text: String, label: Int, category: String? = nil, turns: [ChatTurn]? = nil, source: String? = nil) {
        self.text = text
        self.label = label
        self.category = category
        self.turns = turns
        self.source = source
    }

    /// The text that names a conversation: its turns one per line, "role: content".
    public static func text(of turns: [ChatTurn]) -> String {
        turns.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
    }

    /// SHA-256 of the UTF-8 text, lowercase hex: names the example in indexes and splits.
    public var textSHA256: String { Digest.sha256(Data(text.utf8)) }
}

/// Where labeled examples come from.
public struct DataSource: Sendable, Equatable, Codable {
    /// A path, or `builtin:NAME`.
    public var path: String
    public var textField: String
    public var labelField: String
    /// When set, every row gets this label and the label field is not read.
    public var label: Int?
    /// Keep at most this many rows, sampled without replacement with `sampleSeed` (order kept).
    public var limit: Int?
    public var sampleSeed: UInt64

    public init(path: String, textField: String = "text", labelField: String = "label", label: Int? = nil,
                limit: Int? = nil, sampleSeed: UInt64 = 0) {
        self.path = path
        self.textField = textField
        self.labelField = labelField
        self.label = label
        self.limit = limit
        self.sampleSeed = sampleSeed
    }

    enum CodingKeys: String, CodingKey {
        case path, textField = "text_field", labelField = "label_field", label, limit, sampleSeed = "sample_seed"
    }

    /// The source's bytes: the file's, or the built-in set's.
    public func bytes() throws -> Data {
        if path.hasPrefix("builtin:") { return Data(try BuiltinData.named(String(path.dropFirst(8))).jsonl.utf8) }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError.io("cannot read \(path)") }
        return data
    }

    /// Reads and parses the source, applying `label` and `limit`.
    public func load() throws -> [LabeledExample] {
        let data = try bytes()
        var rows = try LabeledData.parse(data, name: path, textField: textField,
                                         labelField: label == nil ? labelField : nil,
                                         csv: path.lowercased().hasSuffix(".csv"))
        for i in rows.indices {
            if let label { rows[i].label = label }
            if rows[i].source == nil { rows[i].source = path }
        }
        if let limit, limit < rows.count { rows = LabeledData.sample(rows, count: limit, seed: sampleSeed) }
        guard !rows.isEmpty else { throw DataError.empty(path) }
        return rows
    }
}

public enum LabeledData {
    /// Largest input file read whole.
    public static let maxFileBytes = 1 << 30

    /// Parses JSON Lines, a JSON array or CSV. With `labelField` nil, rows get label 0 (the
    /// caller sets them).
    public static func parse(_ data: Data, name: String, textField: String, labelField: String?,
                             csv: Bool) throws -> [LabeledExample] {
        guard data.count <= maxFileBytes else { throw DataError.io("\(name) is larger than \(maxFileBytes) bytes") }
        if csv { return try parseCSV(data, name: name, textField: textField, labelField: labelField) }
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "[") {
            let array: Any
            do { array = try JSONSerialization.jsonObject(with: data) } catch {
                throw DataError.format(file: name, line: 1, reason: "not valid JSON: \(error.localizedDescription)")
            }
            guard let rows = array as? [Any] else { throw DataError.format(file: name, line: 1, reason: "expected an array") }
            return try rows.enumerated().map { i, row in
                guard let object = row as? [String: Any] else {
                    throw DataError.format(file: name, line: i + 1, reason: "element \(i) is not an object")
                }
                return try example(object, name: name, line: i + 1, textField: textField, labelField: labelField)
            }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DataError.format(file: name, line: 1, reason: "not UTF-8") }
        var out: [LabeledExample] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) } catch {
                throw DataError.format(file: name, line: i + 1, reason: "not a JSON object")
            }
            guard let dict = object as? [String: Any] else {
                throw DataError.format(file: name, line: i + 1, reason: "not a JSON object")
            }
            out.append(try example(dict, name: name, line: i + 1, textField: textField, labelField: labelField))
        }
        return out
    }

    static func example(_ o: [String: Any], name: String, line: Int, textField: String,
                        labelField: String?) throws -> LabeledExample {
        let turns = try o["turns"].map { try parseTurns($0, name: name, line: line) }
        guard let text = turns.map(LabeledExample.text(of:)) ?? o[textField] as? String else {
            throw DataError.missingField(file: name, line: line, field: textField)
        }
        var label = 0
        if let labelField {
            guard let raw = o[labelField] else { throw DataError.missingField(file: name, line: line, field: labelField) }
            label = try parseLabel(raw, name: name, line: line)
        }
        return LabeledExample(text: text, label: label, category: o["category"] as? String, turns: turns,
                              source: o["source"] as? String)
    }

    /// Roles a conversation may hold.
    static let roles: Set<String> = ["system", "user", "assistant"]

    /// A `turns` array: objects with a known `role` and a string `content`, a system turn only
    /// first, ending with the user's turn or an answer to it.
    static func parseTurns(_ raw: Any, name: String, line: Int) throws -> [ChatTurn] {
        guard let list = raw as? [Any], !list.isEmpty else {
            throw DataError.badTurns(file: name, line: line, reason: "expected a non-empty array of {role, content}")
        }
        let turns = try list.enumerated().map { i, item -> ChatTurn in
            guard let o = item as? [String: Any], let role = o["role"] as? String, let content = o["content"] as? String else {
                throw DataError.badTurns(file: name, line: line, reason: "turn \(i + 1) needs a string role and content")
            }
            guard roles.contains(role) else {
                throw DataError.badTurns(file: name, line: line, reason: "turn \(i + 1) has role '\(role)' (use system, user or assistant)")
            }
            guard role != "system" || i == 0 else {
                throw DataError.badTurns(file: name, line: line, reason: "a system turn may only come first")
            }
            return ChatTurn(role: role, content: content)
        }
        // The request read is the last user turn; an assistant turn after it is an answer
        // (collected with positions `answer`, for rules that judge generated tokens).
        let last = turns.last?.role
        guard last == "user" || (last == "assistant" && turns.count >= 2 && turns[turns.count - 2].role == "user") else {
            throw DataError.badTurns(file: name, line: line,
                                     reason: "the last turn must be the user's (the request read), or an answer: an assistant turn right after the user's")
        }
        return turns
    }

    static func parseLabel(_ raw: Any, name: String, line: Int) throws -> Int {
        if let b = raw as? Bool { return b ? 1 : 0 }
        if let n = raw as? NSNumber {
            let v = n.doubleValue
            if v == 0 || v == 1 { return Int(v) }
            throw DataError.badLabel(file: name, line: line, value: "\(n)")
        }
        if let s = raw as? String {
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes", "positive", "harmful": return 1
            case "0", "false", "no", "negative", "harmless": return 0
            default: throw DataError.badLabel(file: name, line: line, value: s)
            }
        }
        throw DataError.badLabel(file: name, line: line, value: "\(raw)")
    }

    static func parseCSV(_ data: Data, name: String, textField: String, labelField: String?) throws -> [LabeledExample] {
        guard let text = String(data: data, encoding: .utf8) else { throw DataError.format(file: name, line: 1, reason: "not UTF-8") }
        let records = try CSV.records(text, name: name)
        guard let header = records.first else { throw DataError.empty(name) }
        func column(_ field: String) throws -> Int {
            guard let i = header.fields.firstIndex(of: field) else {
                throw DataError.missingField(file: name, line: 1, field: field)
            }
            return i
        }
        let textColumn = try column(textField)
        let labelColumn = try labelField.map(column)
        let categoryColumn = header.fields.firstIndex(of: "category")
        return try records.dropFirst().compactMap { r in
            if r.fields.count == 1 && r.fields[0].isEmpty { return nil }   // blank line
            guard r.fields.count == header.fields.count else {
                throw DataError.format(file: name, line: r.line,
                                       reason: "\(r.fields.count) fields, the header has \(header.fields.count)")
            }
            let label = try labelColumn.map { try parseLabel(r.fields[$0], name: name, line: r.line) } ?? 0
            return LabeledExample(text: r.fields[textColumn], label: label, category: categoryColumn.map { r.fields[$0] })
        }
    }

    /// `count` rows chosen uniformly without replacement (partial Fisher–Yates, unbiased draws),
    /// returned in their original order.
    public static func sample(_ rows: [LabeledExample], count: Int, seed: UInt64) -> [LabeledExample] {
        var rng = SplitMix64(seed: seed)
        return rng.sample(Swift.min(count, rows.count), from: rows.count).sorted().map { rows[$0] }
    }
}

/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF, quoted fields may hold
/// commas, line breaks and doubled quotes.
enum CSV {
    struct Record {
        var fields: [String]
        /// 1-based line where the record starts.
        var line: Int
    }

    static func records(_ text: String, name: String) throws -> [Record] {
        var out: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, afterQuote = false
        var line = 1, recordLine = 1
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endRecord() {
            fields.append(field)
            out.append(Record(fields: fields, line: recordLine))
            fields = []
            field = ""
            afterQuote = false
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 }
                    else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case ",":
                    fields.append(field); field = ""; afterQuote = false
                case "\n":
                    endRecord(); line += 1; recordLine = line
                case "\r":
                    if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                    endRecord(); line += 1; recordLine = line
                case "\"" where field.isEmpty && !afterQuote:
                    quoted = true
                default:
                    if afterQuote {
                        throw DataError.format(file: name, line: line, reason: "text after a closing quote")
                    }
                    field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if quoted { throw DataError.format(file: name, line: recordLine, reason: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }
}


