// WordPieceTokenizer: BERT's WordPiece (GGUF `tokenizer.ggml.model == "bert"`), as llama.cpp runs it.
//
// The GGUF vocabulary writes word-initial pieces with a leading "▁" (U+2581) and continuation
// pieces bare (Hugging Face's "##ing" is "ing"). Encoding a text segment:
//   1. normalise and split into words (BERT's basic tokenizer):
//        - with `stripAccents`, every character becomes the first character of its canonical
//          decomposition (NFD), and combining marks (\p{M}) are dropped;
//        - whitespace ends a word; NUL, U+FFFD and \p{C} characters are dropped;
//        - with `lowercase`, characters are lowercased (simple, one-to-one mapping);
//        - punctuation (\p{P}), ASCII symbols ($ + < = > ^ ` | ~) and CJK ideographs are words of
//          their own;
//   2. for each word, with "▁" in front: from the start, take the longest vocabulary entry that
//      is a prefix of the rest, repeatedly; if at some point no entry matches, the whole word is
//      the unknown token.
// The options' defaults follow llama.cpp: lowercase unless `tokenizer.ggml.normalizer.lowercase`
// says otherwise, and strip accents exactly when lowercasing unless
// `tokenizer.ggml.normalizer.strip_accents` says otherwise.
//
// A tokenizer.json (Hugging Face's BertNormalizer) normalises a little differently, selected by
// `Normalization.huggingFace`: stripping accents removes only nonspacing marks (\p{Mn}) from the
// canonical decomposition and keeps the rest of it (a Hangul syllable stays its three jamo);
// lowercasing is the full mapping ("İ" -> "i" + U+0307); unassigned code points (\p{Cn}) are
// dropped with the control characters; and a word of more than `maxWordCharacters` characters
// is the unknown token.
//
// Decoding writes "▁" back as a space and drops the space in front of the first word.

import Foundation

/// A WordPiece tokenizer built from plain vocabulary values.
///
/// ```swift
/// let tok = try WordPieceTokenizer(tokens: ["[UNK]", "▁hello", "▁play", "ing"], specialTokens: SpecialTokens(unk: 0))
/// tok.encode("Hello playing")   // [1, 2, 3]
/// ```
public final class WordPieceTokenizer: Tokenizer {
    let vocabulary: Vocabulary
    public let addBOS: Bool
    public let lowercase: Bool
    public let stripAccents: Bool
    /// BERT's [SEP]: ends the text when BOS ([CLS]) is added, as llama.cpp frames BERT input.
    public let separator: Int?
    /// Whose rules normalise the text: llama.cpp's (GGUF files) or Hugging Face's (tokenizer.json).
    public let normalization: Normalization
    /// Words with more characters become the unknown token (tokenizer.json
    /// `max_input_chars_per_word`); nil: no limit.
    public let maxWordCharacters: Int?

    /// The two readings of BERT's normalisation (see the file header).
    public enum Normalization: Sendable { case llamaCpp, huggingFace }

    /// UTF-8 of each token -> id (the first of duplicate strings wins)
    private let pieces: [ArraySlice<UInt8>: Int]
    /// Length in bytes of the longest token.
    private let maxTokenLength: Int

    /// - Parameters:
    ///   - tokens: [vocab] token strings, word-initial pieces starting with "▁".
    ///   - tokenTypes: [vocab] GGUF token types; nil means all normal.
    ///   - lowercase: lowercase the text before matching (BERT uncased models).
    ///   - stripAccents: drop accents; nil means the same as `lowercase`.
    ///   - separator: the [SEP] id, appended after the text whenever BOS is added.
    public init(tokens: [String], tokenTypes: [Int32]? = nil, specialTokens: SpecialTokens = SpecialTokens(),
                addBOS: Bool = true, lowercase: Bool = true, stripAccents: Bool? = nil, separator: Int? = nil,
                normalization: Normalization = .llamaCpp, maxWordCharacters: Int? = nil) throws {
        if let separator, !(0..<tokens.count).contains(separator) {
            throw TokenizerError.specialTokenOutOfRange(name: "sep", id: separator, vocabularySize: tokens.count)
        }
        self.separator = separator
        self.normalization = normalization
        self.maxWordCharacters = maxWordCharacters
        let vocabulary = try Vocabulary(tokens: tokens, tokenTypes: tokenTypes, special: specialTokens) { text, type in
            switch type {
            case .control, .unknown, .unused, .userDefined:
                return Array(text.utf8)
            default:
                return Vocabulary.metaspaceAsSpace(text)
            }
        }
        self.vocabulary = vocabulary
        self.addBOS = addBOS
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        var pieces: [ArraySlice<UInt8>: Int] = [:]
        pieces.reserveCapacity(tokens.count)
        var longest = 0
        for (id, token) in tokens.enumerated() {
            let utf8 = Array(token.utf8)
            if pieces[utf8[...]] == nil { pieces[utf8[...]] = id }
            longest = max(longest, utf8.count)
        }
        self.pieces = pieces
        self.maxTokenLength = longest
    }

    // MARK: Tokenizer

    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.special }

    public func token(_ id: Int) -> String? { vocabulary.token(id) }
    public func tokenType(_ id: Int) -> TokenType? { vocabulary.tokenType(id) }
    public func id(forToken token: String) -> Int? { vocabulary.idForToken[token] }

    /// See `Tokenizer.encode`; with `addBOS`, the result also ends with [SEP] (when known).
    public func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int] {
        var ids = vocabulary.encode(text, parseSpecialTokens: parseSpecialTokens, addBOS: addBOS) { bytes, range, _, out in
            encodeSegment(String(decoding: bytes[range], as: UTF8.self), into: &out)
        }
        if addBOS, let separator { ids.append(separator) }
        return ids
    }

    public func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        vocabulary.pieceBytes(id, renderControlTokens: renderControlTokens)
    }

    public func decode(_ ids: [Int], renderControlTokens: Bool) -> String {
        var bytes = vocabulary.decodeBytes(ids, renderControlTokens: renderControlTokens)
        if bytes.first == 0x20 { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: encoding

    /// Appends the ids of one segment of text (no special tokens in it).
    func encodeSegment(_ segment: String, into out: inout [Int]) {
        for word in words(segment) {
            if let maxWordCharacters, String(decoding: word, as: UTF8.self).unicodeScalars.count > maxWordCharacters {
                if let unk = vocabulary.special.unk { out.append(unk) }
            } else {
                encodeWord(word, into: &out)
            }
        }
    }

    /// Step 1 of the file header: the normalised words of a segment, each as UTF-8.
    func words(_ text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        func finish() {
            if !current.isEmpty { words.append(current); current = [] }
        }
        for original in text.unicodeScalars {
            // llama.cpp classifies the accent-stripped character, Hugging Face the original one.
            let scalar = normalization == .llamaCpp && stripAccents ? Self.firstOfDecomposition(original) : original
            let properties = scalar.properties
            if properties.isWhitespace {
                finish()
                continue
            }
            let value = scalar.value
            let category = properties.generalCategory
            if value == 0 || value == 0xFFFD || Self.isControl(category) { continue }
            let mapped: String
            switch normalization {
            case .llamaCpp:
                if stripAccents && Self.isMark(category) { continue }
                mapped = String(lowercase ? Self.simpleLowercase(scalar) : scalar)
            case .huggingFace:
                if category == .unassigned { continue }
                var scalars: [Unicode.Scalar] = [scalar]
                if stripAccents {
                    scalars = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                        .filter { $0.properties.generalCategory != .nonspacingMark }
                }
                if lowercase { scalars = scalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars } }
                mapped = String(String.UnicodeScalarView(scalars))
            }
            if Self.isPunctuation(category) || (value < 0x7F && Self.isSymbol(category)) || Self.isCJKIdeograph(value) {
                finish()
                words.append(Array(mapped.utf8))
            } else {
                current.append(contentsOf: mapped.utf8)
            }
        }
        finish()
        return words
    }

    /// Step 2 of the file header: greedy longest-prefix matching of "▁" + word.
    private func encodeWord(_ word: [UInt8], into out: inout [Int]) {
        let text: [UInt8] = [0xE2, 0x96, 0x81] + word
        let n = text.count
        let start = out.count
        var i = 0
        while i < n {
            var matched = false
            var j = min(n, i + maxTokenLength)
            while j > i {
                if let id = pieces[text[i..<j]] {
                    out.append(id)
                    i = j
                    matched = true
                    break
                }
                j -= 1
            }
            if !matched {
                out.removeSubrange(start...)
                break
            }
        }
        if out.count == start, let unk = vocabulary.special.unk { out.append(unk) }
    }

    // MARK: character classes

    static func isControl(_ c: Unicode.GeneralCategory) -> Bool {
        switch c {
        case .control, .format, .surrogate, .privateUse: return true
        default: return false
        }
    }

    static func isMark(_ c: Unicode.GeneralCategory) -> Bool {
        c == .nonspacingMark || c == .spacingMark || c == .enclosingMark
    }

    static func isPunctuation(_ c: Unicode.GeneralCategory) -> Bool {
        switch c {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isSymbol(_ c: Unicode.GeneralCategory) -> Bool {
        c == .mathSymbol || c == .currencySymbol || c == .modifierSymbol || c == .otherSymbol
    }

    /// The CJK ideograph blocks BERT treats as words of their own (the ranges of its original
    /// `_is_chinese_char`, with the upper bound of Extension D/E as Hugging Face writes it).
    static func isCJKIdeograph(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B920...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// The one-to-one lowercase of a character: the first character of its lowercase mapping
    /// (only U+0130 maps to more than one, "i" + U+0307, whose simple mapping is "i").
    static func simpleLowercase(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 {
            return (0x41...0x5A).contains(s.value) ? Unicode.Scalar(UInt8(s.value) | 0x20) : s
        }
        return s.properties.lowercaseMapping.unicodeScalars.first ?? s
    }

    /// The first character of a character's canonical decomposition ("é" -> "e"; Hangul
    /// syllables -> their leading consonant), as llama.cpp strips accents.
    static func firstOfDecomposition(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0xC0 { return s }
        return String(s).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? s
    }
}
