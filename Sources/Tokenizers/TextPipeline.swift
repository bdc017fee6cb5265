// TextPipeline and TokenDecoder: the steps a Hugging Face tokenizer.json runs around its model, for
// the SentencePiece-style files (Llama 2, Mistral, TinyLlama, Gemma) and unigram/WordPiece files.
//
// Encoding one text segment (the text between added tokens, see Tokenizer.swift):
//   normalizer      applied to the whole segment, in order:
//                     Prepend(p)        p in front of a non-empty segment (every segment, so also
//                                       after each added token: Llama 2's "legacy" behaviour)
//                     Replace(s, c)     every occurrence of the literal string s becomes c
//                     NFC/NFD/NFKC/NFKD Unicode normalisation
//                     Sequence[...]     the above in turn
//   pre-tokenizer   cuts the normalised segment into words the model encodes separately:
//                     Metaspace(r, prepend_scheme, split)
//                                       spaces become r; r goes in front unless the word starts with
//                                       it already — always, only for the word at the start of the
//                                       input ("first"), or never; with split, the text is cut in
//                                       front of every r (r joins the word after it)
//                     Split(String s, behavior)
//                                       cut at every occurrence of s; s is removed, kept alone,
//                                       joined to the word before or after, or runs of s kept
//                                       together ("contiguous")
//                     Sequence[...]     each step cuts every word the one before left
// Empty words are dropped. Regular-expression patterns are refused (the byte-level files' Split
// expressions are recognised separately, see TokenizerJSON.swift).
//
// Decoding (TokenDecoder) runs the decoder steps over the list of token strings, as `tokenizers`
// does, then joins them:
//   Replace(s, c)   in every token          ByteFallback  a run of "<0xHH>" tokens becomes its
//   Fuse            all tokens into one                   bytes if they are valid UTF-8, else one
//   Strip(c, a, b)  up to a leading and b                 U+FFFD per byte token
//                   trailing c of every token
//   Metaspace(r)    r becomes a space, except in the first token (where it is removed) unless the
//                   prepend scheme is "never"
//   WordPiece(p, cleanup)   tokens after the first: a leading p is removed, otherwise a space goes
//                   in front; cleanup joins " ." " ," " 's" ... as English text writes them

import Foundation

/// Normalizers and pre-tokenizers of a tokenizer.json, over UTF-8 bytes.
struct TextPipeline: Sendable, Equatable {
    enum UnicodeForm: String, Sendable { case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD" }

    enum Normalizer: Sendable, Equatable {
        case prepend([UInt8])
        case replace([UInt8], with: [UInt8])
        case unicode(UnicodeForm)
    }

    /// When Metaspace puts its replacement in front of a word.
    enum PrependScheme: String, Sendable { case always, first, never }

    /// What a split keeps of the delimiter (Hugging Face `SplitDelimiterBehavior`).
    enum SplitBehavior: String, Sendable {
        case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
        case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
    }

    enum PreTokenizer: Sendable, Equatable {
        case metaspace(replacement: [UInt8], prependScheme: PrependScheme, split: Bool)
        case split(delimiter: [UInt8], behavior: SplitBehavior)
    }

    var normalizers: [Normalizer] = []
    var preTokenizers: [PreTokenizer] = []

    /// The segment after every normalizer.
    func normalize(_ segment: [UInt8]) -> [UInt8] {
        normalizers.reduce(segment) { normalize($0, $1) }
    }

    /// The words of a normalised piece of text. `atInputStart`: it begins the input (Metaspace
    /// "first").
    func words(normalized text: [UInt8], atInputStart: Bool) -> [[UInt8]] {
        guard !text.isEmpty else { return [] }
        // (word, whether it begins the input)
        var words: [([UInt8], Bool)] = [(text, atInputStart)]
        for step in preTokenizers {
            var next: [([UInt8], Bool)] = []
            for (word, atStart) in words {
                for (k, piece) in preTokenize(word, step, atStart: atStart).enumerated() where !piece.isEmpty {
                    next.append((piece, atStart && k == 0))
                }
            }
            words = next
        }
        return words.map(\.0)
    }

    private func normalize(_ text: [UInt8], _ normalizer: Normalizer) -> [UInt8] {
        switch normalizer {
        case .prepend(let prefix):
            return text.isEmpty ? text : prefix + text
        case .replace(let pattern, let content):
            return Self.replacing(text, pattern, with: content)
        case .unicode(let form):
            let string = String(decoding: text, as: UTF8.self)
            switch form {
            case .nfc: return Array(string.precomposedStringWithCanonicalMapping.utf8)
            case .nfd: return Array(string.decomposedStringWithCanonicalMapping.utf8)
            case .nfkc: return Array(string.precomposedStringWithCompatibilityMapping.utf8)
            case .nfkd: return Array(string.decomposedStringWithCompatibilityMapping.utf8)
            }
        }
    }

    private func preTokenize(_ word: [UInt8], _ step: PreTokenizer, atStart: Bool) -> [[UInt8]] {
        switch step {
        case let .metaspace(replacement, scheme, split):
            var text = Self.replacing(word, [0x20], with: replacement)
            let prepend = scheme == .always || (scheme == .first && atStart)
            if prepend && !text.starts(with: replacement) { text = replacement + text }
            return split ? Self.split(text, at: replacement, .mergedWithNext) : [text]
        case let .split(delimiter, behavior):
            return Self.split(word, at: delimiter, behavior)
        }
    }

    /// Every occurrence of `pattern` (non-empty, left to right, not overlapping) replaced.
    static func replacing(_ text: [UInt8], _ pattern: [UInt8], with content: [UInt8]) -> [UInt8] {
        guard !pattern.isEmpty, text.count >= pattern.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + content.count)
        var i = 0
        while i < text.count {
            if text[i] == pattern[0], i + pattern.count <= text.count, text[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: content)
                i += pattern.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// Cuts `text` at each occurrence of `delimiter`, keeping delimiters as `behavior` says
    /// (Hugging Face `NormalizedString::split`; empty pieces are left for the caller to drop).
    static func split(_ text: [UInt8], at delimiter: [UInt8], _ behavior: SplitBehavior) -> [[UInt8]] {
        guard !delimiter.isEmpty else { return [text] }
        // Alternating stretches: (range, is a delimiter)
        var stretches: [(Range<Int>, Bool)] = []
        var start = 0
        var i = 0
        while i + delimiter.count <= text.count {
            if text[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                if start < i { stretches.append((start..<i, false)) }
                stretches.append((i..<(i + delimiter.count), true))
                i += delimiter.count
                start = i
            } else {
                i += 1
            }
        }
        if start < text.count { stretches.append((start..<text.count, false)) }

        var pieces: [Range<Int>] = []
        var previousMatch = false
        switch behavior {
        case .removed:
            pieces = stretches.filter { !$0.1 }.map(\.0)
        case .isolated:
            pieces = stretches.map(\.0)
        case .mergedWithPrevious:
            for (range, isMatch) in stretches {
                if isMatch && !previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    pieces.append(range)
                }
                previousMatch = isMatch
            }
        case .mergedWithNext:
            for (range, isMatch) in stretches.reversed() {
                if isMatch && !previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1] = range.lowerBound..<last.upperBound
                } else {
                    pieces.append(range)
                }
                previousMatch = isMatch
            }
            pieces.reverse()
        case .contiguous:
            for (range, isMatch) in stretches {
                if isMatch == previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    pieces.append(range)
                }
                previousMatch = isMatch
            }
        }
        return pieces.map { Array(text[$0]) }
    }
}

/// The decoder steps of a tokenizer.json, over token strings as UTF-8.
struct TokenDecoder: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case replace([UInt8], with: [UInt8])
        case byteFallback
        case fuse
        case strip(content: [UInt8], start: Int, stop: Int)
        case metaspace(replacement: [UInt8], prependScheme: TextPipeline.PrependScheme)
        case wordPiece(prefix: [UInt8], cleanup: Bool)
    }

    var steps: [Step] = []

    /// The text of a list of tokens (already filtered: hidden tokens left out).
    func decode(_ tokens: [[UInt8]]) -> String {
        var tokens = tokens
        for step in steps {
            switch step {
            case let .replace(pattern, content):
                tokens = tokens.map { TextPipeline.replacing($0, pattern, with: content) }
            case .byteFallback:
                tokens = Self.byteFallback(tokens)
            case .fuse:
                tokens = [tokens.flatMap { $0 }]
            case let .strip(content, start, stop):
                tokens = tokens.map { Self.strip($0, content, start: start, stop: stop) }
            case let .metaspace(replacement, scheme):
                tokens = tokens.enumerated().map { i, token in
                    TextPipeline.replacing(token, replacement, with: i == 0 && scheme != .never ? [] : [0x20])
                }
            case let .wordPiece(prefix, cleanup):
                tokens = tokens.enumerated().map { i, token in
                    var token = token
                    if i != 0 {
                        if token.starts(with: prefix) { token.removeFirst(prefix.count) } else { token.insert(0x20, at: 0) }
                    }
                    return cleanup ? Self.cleanup(token) : token
                }
            }
        }
        return String(decoding: tokens.flatMap { $0 }, as: UTF8.self)
    }

    /// The bytes one token contributes to a stream of generated text: the per-token steps only
    /// (replacements, byte tokens as their byte, a word-piece prefix removed), with no
    /// stripping at the start, since a stream continues text that came before it.
    func pieceBytes(_ token: String) -> [UInt8] {
        var bytes = Array(token.utf8)
        for step in steps {
            switch step {
            case let .replace(pattern, content):
                bytes = TextPipeline.replacing(bytes, pattern, with: content)
            case .byteFallback:
                if let byte = Vocabulary.parseByteToken(String(decoding: bytes, as: UTF8.self)) { bytes = [byte] }
            case let .metaspace(replacement, _):
                bytes = TextPipeline.replacing(bytes, replacement, with: [0x20])
            case let .wordPiece(prefix, _):
                if bytes.starts(with: prefix) { bytes.removeFirst(prefix.count) } else { bytes.insert(0x20, at: 0) }
            case .fuse, .strip:
                break
            }
        }
        return bytes
    }

    /// Runs of byte tokens become their bytes when those are valid UTF-8, else U+FFFD each.
    private static func byteFallback(_ tokens: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var run: [UInt8] = []
        func flush() {
            guard !run.isEmpty else { return }
            if String(validating: run, as: UTF8.self) != nil {
                out.append(run)
            } else {
                out.append(contentsOf: Array(repeating: Vocabulary.replacementBytes, count: run.count))
            }
            run.removeAll()
        }
        for token in tokens {
            if token.count == 6, let byte = Vocabulary.parseByteToken(String(decoding: token, as: UTF8.self)) {
                run.append(byte)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }

    /// Up to `start` leading and `stop` trailing copies of `content` removed.
    private static func strip(_ token: [UInt8], _ content: [UInt8], start: Int, stop: Int) -> [UInt8] {
        guard !content.isEmpty else { return token }
        var lo = 0
        var hi = token.count
        var n = 0
        while n < start, hi - lo >= content.count, token[lo..<(lo + content.count)].elementsEqual(content) {
            lo += content.count
            n += 1
        }
        n = 0
        while n < stop, hi - lo >= content.count, token[(hi - content.count)..<hi].elementsEqual(content) {
            hi -= content.count
            n += 1
        }
        return Array(token[lo..<hi])
    }

    /// Hugging Face's `cleanup` of word-piece text: spaces before punctuation and English
    /// contractions removed, in this order.
    private static let cleanupRules: [([UInt8], [UInt8])] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func cleanup(_ token: [UInt8]) -> [UInt8] {
        cleanupRules.reduce(token) { TextPipeline.replacing($0, $1.0, with: $1.1) }
    }
}
