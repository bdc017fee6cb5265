// Lexer.swift — splits template source into text and tag tokens, applying Jinja's whitespace rules.
//
// Delimiters: `{{ expr }}` prints, `{% stmt %}` controls, `{# ... #}` is dropped.
// Whitespace, in the order Jinja applies it:
//  - newlines are normalised to "\n", and one trailing newline of the source is dropped
//    (`keep_trailing_newline=False`);
//  - `{%-`, `{{-`, `{#-` strip all whitespace before the tag; `-%}`, `-}}`, `-#}` all after it;
//  - `lstrip_blocks`: spaces and tabs between the start of a line and a `{%` or `{#` are removed
//    (`{%+` opts out); "start of a line" also holds at the start of the template and right after
//    a tag whose trailing newline `trim_blocks` removed;
//  - `trim_blocks`: the first newline after `%}` or `#}` is removed (`+%}` opts out).
// `{% raw %}...{% endraw %}` is handled here: its body becomes one text token.
// Inside tags, brackets are balanced so `{{ {'a': {'b': 1}} }}` ends at the right `}}`.

import Foundation

/// Whitespace settings of the Jinja environment. Defaults are what HF `apply_chat_template` uses.
public struct TemplateOptions: Sendable, Equatable {
    /// Remove the first newline after a block tag (HF: true).
    public var trimBlocks: Bool
    /// Strip spaces and tabs before a block tag at the start of a line (HF: true).
    public var lstripBlocks: Bool
    /// Keep a single trailing newline of the source (Jinja default and HF: false).
    public var keepTrailingNewline: Bool

    public init(trimBlocks: Bool = true, lstripBlocks: Bool = true, keepTrailingNewline: Bool = false) {
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        self.keepTrailingNewline = keepTrailingNewline
    }

    /// Settings Hugging Face `transformers` renders chat templates with.
    public static let huggingFace = TemplateOptions()
}

enum TokenKind: Equatable {
    case text(String)
    case variableBegin, variableEnd, blockBegin, blockEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case op(String)
    case eof
}

struct Token {
    var kind: TokenKind
    var location: SourceLocation
}

struct Lexer {
    private let src: [Unicode.Scalar]
    private let options: TemplateOptions
    private var pos = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    /// Whether the next text starts at the beginning of a line, for `lstrip_blocks`.
    private var lineStarting = true

    init(_ source: String, options: TemplateOptions) {
        var scalars = Array(source.replacingCRLF().unicodeScalars)
        if !options.keepTrailingNewline, scalars.last == "\n" { scalars.removeLast() }
        self.src = scalars
        self.options = options
    }

    static func tokenize(_ source: String, options: TemplateOptions) throws -> [Token] {
        var lexer = Lexer(source, options: options)
        try lexer.run()
        return lexer.tokens
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < src.count ? src[pos + offset] : nil
    }

    private func starts(with s: String, at p: Int) -> Bool {
        var i = p
        for c in s.unicodeScalars {
            guard i < src.count, src[i] == c else { return false }
            i += 1
        }
        return true
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where pos < src.count {
            if src[pos] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            pos += 1
        }
    }

    private mutating func run() throws {
        var pendingText: [Unicode.Scalar] = []
        var textStart = location
        while pos < src.count {
            let c = src[pos]
            if c == "{", let next = peek(1), next == "{" || next == "%" || next == "#" {
                try openTag(kind: next, text: &pendingText, textStart: textStart)
                pendingText = []
                textStart = location
            } else {
                pendingText.append(c)
                advance()
            }
        }
        emitText(pendingText, at: textStart)
        tokens.append(Token(kind: .eof, location: location))
    }

    private mutating func emitText(_ text: [Unicode.Scalar], at loc: SourceLocation) {
        guard !text.isEmpty else { return }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: text)
        tokens.append(Token(kind: .text(String(s)), location: loc))
    }

    /// Handles one tag starting at `pos` (which points at `{`); `text` is the data before it.
    private mutating func openTag(kind: Unicode.Scalar, text: inout [Unicode.Scalar], textStart: SourceLocation) throws {
        let tagStart = location
        let modifier = peek(2)
        let isBlockLike = kind == "%" || kind == "#"
        if modifier == "-" {
            while let last = text.last, last.properties.isWhitespace { text.removeLast() }
        } else if isBlockLike && options.lstripBlocks && modifier != "+" {
            // Strip spaces/tabs back to the line start, if only those stand between.
            var i = text.count
            while i > 0, text[i - 1] == " " || text[i - 1] == "\t" { i -= 1 }
            let atLineStart = i > 0 ? text[i - 1] == "\n" : lineStarting
            if atLineStart { text.removeSubrange(i...) }
        }
        // A raw block swallows everything up to its endraw as text.
        if kind == "%", isRawTag(at: pos) {
            emitText(text, at: textStart)
            try lexRaw(start: tagStart)
            return
        }
        emitText(text, at: textStart)
        advance(2)
        if modifier == "-" || modifier == "+" { advance() }

        switch kind {
        case "#":
            // Comment: find the closing `#}`.
            while pos < src.count, !(src[pos] == "#" && peek(1) == "}") { advance() }
            guard pos < src.count else { throw TemplateError.syntax("unclosed comment", tagStart) }
            let minus = pos > 0 && src[pos - 1] == "-"
            let plus = pos > 0 && src[pos - 1] == "+"
            advance(2)
            afterTagEnd(minus: minus, trim: !plus)
        case "{":
            tokens.append(Token(kind: .variableBegin, location: tagStart))
            try lexInside(blockTag: false, start: tagStart)
        default:
            tokens.append(Token(kind: .blockBegin, location: tagStart))
            try lexInside(blockTag: true, start: tagStart)
        }
    }

    /// Applies `-x}` stripping or `trim_blocks` after a block or comment end.
    private mutating func afterTagEnd(minus: Bool, trim: Bool) {
        lineStarting = false
        if minus {
            while let c = peek(), c.properties.isWhitespace { advance() }
        } else if trim && options.trimBlocks && peek() == "\n" {
            advance()
            lineStarting = true
        }
    }

    private func isRawTag(at p: Int) -> Bool {
        var i = p + 2
        if i < src.count, src[i] == "-" || src[i] == "+" { i += 1 }
        while i < src.count, src[i] == " " || src[i] == "\t" || src[i] == "\n" { i += 1 }
        guard starts(with: "raw", at: i) else { return false }
        i += 3
        while i < src.count, src[i] == " " || src[i] == "\t" || src[i] == "\n" { i += 1 }
        if i < src.count, src[i] == "-" { i += 1 }
        return starts(with: "%}", at: i)
    }

    /// Lexes `{% raw %}body{% endraw %}` into one text token.
    private mutating func lexRaw(start: SourceLocation) throws {
        while !(src[pos] == "%" && peek(1) == "}") { advance() }
        let minusAfterRaw = src[pos - 1] == "-"
        advance(2)
        if minusAfterRaw { while let c = peek(), c.properties.isWhitespace { advance() } }
        let bodyStart = location
        var body: [Unicode.Scalar] = []
        while true {
            guard pos < src.count else { throw TemplateError.syntax("missing endraw for raw block", start) }
            if src[pos] == "{" && peek(1) == "%", let end = endrawEnd(at: pos) {
                let minusBefore = peek(2) == "-"
                if minusBefore {
                    while let last = body.last, last.properties.isWhitespace { body.removeLast() }
                } else if options.lstripBlocks && peek(2) != "+" {
                    var i = body.count
                    while i > 0, body[i - 1] == " " || body[i - 1] == "\t" { i -= 1 }
                    if i > 0 && body[i - 1] == "\n" { body.removeSubrange(i...) }
                }
                let minusAfter = src[end - 3] == "-"
                advance(end - pos)
                emitText(body, at: bodyStart)
                afterTagEnd(minus: minusAfter, trim: true)
                return
            }
            body.append(src[pos])
            advance()
        }
    }

    /// If an `{% endraw %}` tag starts at `p`, the index just past it.
    private func endrawEnd(at p: Int) -> Int? {
        var i = p + 2
        if i < src.count, src[i] == "-" || src[i] == "+" { i += 1 }
        while i < src.count, src[i].properties.isWhitespace { i += 1 }
        guard starts(with: "endraw", at: i) else { return nil }
        i += 6
        while i < src.count, src[i].properties.isWhitespace { i += 1 }
        if i < src.count, src[i] == "-" { i += 1 }
        return starts(with: "%}", at: i) ? i + 2 : nil
    }

    /// Lexes expression tokens until the tag's closing delimiter.
    private mutating func lexInside(blockTag: Bool, start: SourceLocation) throws {
        var depth = 0
        while true {
            while let c = peek(), c.properties.isWhitespace { advance() }
            guard let c = peek() else {
                throw TemplateError.syntax("unclosed tag: expected '\(blockTag ? "%}" : "}}")'", start)
            }
            let loc = location
            if depth == 0 {
                let closer = blockTag ? "%}" : "}}"
                for (prefix, minus, plus) in [("-", true, false), ("+", false, true), ("", false, false)]
                where starts(with: prefix + closer, at: pos) {
                    if plus && !blockTag { break }
                    advance(prefix.unicodeScalars.count + 2)
                    tokens.append(Token(kind: blockTag ? .blockEnd : .variableEnd, location: loc))
                    if blockTag {
                        afterTagEnd(minus: minus, trim: !plus)
                    } else {
                        lineStarting = false
                        if minus { while let w = peek(), w.properties.isWhitespace { advance() } }
                    }
                    return
                }
            }
            if c == "\"" || c == "'" {
                tokens.append(Token(kind: .string(try lexString(quote: c)), location: loc))
            } else if c.properties.numericType != nil && c.isASCII {
                tokens.append(Token(kind: try lexNumber(), location: loc))
            } else if c == "_" || c.properties.isAlphabetic {
                var name = String.UnicodeScalarView()
                while let d = peek(), d == "_" || d.properties.isAlphabetic || (d.isASCII && d.properties.numericType != nil) {
                    name.append(d)
                    advance()
                }
                tokens.append(Token(kind: .name(String(name)), location: loc))
            } else {
                let op = lexOperator()
                guard let op else { throw TemplateError.syntax("unexpected character '\(c)'", loc) }
                if op == "(" || op == "[" || op == "{" { depth += 1 }
                if op == ")" || op == "]" || op == "}" {
                    guard depth > 0 else { throw TemplateError.syntax("unbalanced '\(op)'", loc) }
                    depth -= 1
                }
                tokens.append(Token(kind: .op(op), location: loc))
            }
        }
    }

    private mutating func lexOperator() -> String? {
        for op in ["//", "**", "==", "!=", "<=", ">="] where starts(with: op, at: pos) {
            advance(2)
            return op
        }
        guard let c = peek(), "+-*/%~<>=()[]{},.:|".unicodeScalars.contains(c) else { return nil }
        advance()
        return String(c)
    }

    private mutating func lexNumber() throws -> TokenKind {
        let loc = location
        var text = ""
        func digits() {
            while let d = peek(), d.isASCII && d.properties.numericType != nil || d == "_" {
                if d != "_" { text.unicodeScalars.append(d) }
                advance()
            }
        }
        digits()
        var isFloat = false
        if peek() == ".", let d = peek(1), d.isASCII && d.properties.numericType != nil {
            isFloat = true
            text += "."
            advance()
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let digitAt = (sign == "+" || sign == "-") ? 2 : 1
            if let d = peek(digitAt), d.isASCII && d.properties.numericType != nil {
                isFloat = true
                text += "e"
                advance()
                if digitAt == 2 { text.unicodeScalars.append(sign!); advance() }
                digits()
            }
        }
        if isFloat {
            guard let v = Double(text) else { throw TemplateError.syntax("bad number '\(text)'", loc) }
            return .float(v)
        }
        guard let v = Int(text) else { throw TemplateError.syntax("integer '\(text)' is too large", loc) }
        return .integer(v)
    }

    /// A quoted string with Python escapes (`\n`, `\t`, `\xhh`, `\uhhhh`, octal, ...).
    private mutating func lexString(quote: Unicode.Scalar) throws -> String {
        let start = location
        advance()
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw TemplateError.syntax("unterminated string", start) }
            advance()
            if c == quote { break }
            if c != "\\" { out.append(c); continue }
            guard let e = peek() else { throw TemplateError.syntax("unterminated string", start) }
            advance()
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\n": break  // line continuation
            case "x", "u", "U":
                let count = e == "x" ? 2 : (e == "u" ? 4 : 8)
                var hex = ""
                for _ in 0..<count {
                    guard let h = peek(), h.properties.isASCIIHexDigit else {
                        throw TemplateError.syntax("truncated \\\(e) escape", start)
                    }
                    hex.unicodeScalars.append(h)
                    advance()
                }
                guard let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
                    throw TemplateError.syntax("invalid \\\(e) escape", start)
                }
                out.append(s)
            case "0"..."7":
                var v = e.value - 48
                for _ in 0..<2 {
                    guard let d = peek(), ("0"..."7").contains(d) else { break }
                    v = v * 8 + d.value - 48
                    advance()
                }
                out.append(Unicode.Scalar(v)!)
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}

extension String {
    func replacingCRLF() -> String {
        guard unicodeScalars.contains("\r") else { return self }
        return replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
