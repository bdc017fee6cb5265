// Tokenizer: the protocol both tokenizer models conform to, and the vocabulary bookkeeping they share
// (token types, special-token ids, special-token splitting, per-token decoded bytes).
//
// Special-token handling, in one place:
//   * `encode(_:)` treats its input as plain text. A user who types "<|im_end|>" gets the tokens for
//     those eleven characters, never the control token — otherwise user text could forge chat turns.
//   * `encodeWithSpecialTokens(_:)` recognises the exact text of control, unknown and user-defined
//     tokens (leftmost, longest first) and emits their ids; use it only on text your own code
//     produced, such as a rendered chat template.
//   * User-defined tokens (GGUF type 4, tokenizer.json added tokens with `special: false`) are
//     recognised in both modes, as llama.cpp and Hugging Face tokenizers both do.
//   * Text between special tokens is pre-tokenized and encoded as separate segments.
//   * Decoding renders control, unknown and unused tokens as nothing unless `renderControlTokens` is
//     set (llama.cpp's default for generated text); then they render as their literal text.

/// GGUF token types (`tokenizer.ggml.token_type`).
public enum TokenType: Int32, Sendable, CaseIterable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6

    /// Values outside the enumeration are read as `.normal`, as llama.cpp does for type 0.
    public init(gguf value: Int32) {
        self = TokenType(rawValue: value) ?? .normal
        if self == .undefined { self = .normal }
    }
}

/// Ids of the tokens with a fixed role. Any of them may be absent.
public struct SpecialTokens: Sendable, Equatable {
    public var bos: Int?
    public var eos: Int?
    public var unk: Int?
    public var pad: Int?
    /// End of turn (GGUF `tokenizer.ggml.eot_token_id`), for chat models whose turn end differs from EOS.
    public var eot: Int?

    public init(bos: Int? = nil, eos: Int? = nil, unk: Int? = nil, pad: Int? = nil, eot: Int? = nil) {
        self.bos = bos
        self.eos = eos
        self.unk = unk
        self.pad = pad
        self.eot = eot
    }

    /// Whether generation should stop at `id`: it is the EOS or the end-of-turn token.
    public func isEndOfGeneration(_ id: Int) -> Bool {
        id == eos || id == eot
    }
}

/// A text-to-token-id codec.
///
/// ```swift
/// let tok: any Tokenizer = try TokenizerKind.make(model: "gpt2", pre: "smollm", tokens: tokens, merges: merges)
/// let ids = tok.encode("Hello world")                 // plain text, no BOS
/// let prompt = tok.encodeWithSpecialTokens(rendered)  // "<|im_start|>" etc. become control tokens
/// print(tok.decode(ids))                              // "Hello world"
/// ```
public protocol Tokenizer: AnyObject, Sendable {
    /// Number of tokens in the vocabulary; valid ids are `0..<vocabularySize`.
    var vocabularySize: Int { get }
    var specialTokens: SpecialTokens { get }
    /// Whether the model expects a BOS token in front of a prompt.
    var addBOS: Bool { get }

    /// The vocabulary string of a token, as stored (byte-level or "▁" form), or nil out of range.
    func token(_ id: Int) -> String?
    func tokenType(_ id: Int) -> TokenType?
    /// The id of a vocabulary string, as stored.
    func id(forToken token: String) -> Int?

    /// Encodes `text`. With `parseSpecialTokens`, the exact text of control, unknown and
    /// user-defined tokens becomes those tokens; otherwise only user-defined tokens are recognised.
    /// With `addBOS` and a BOS id, the result starts with BOS.
    func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int]

    /// The bytes a token contributes to decoded text (empty for hidden control tokens; the UTF-8 of
    /// U+FFFD for an id outside the vocabulary). May be an incomplete UTF-8 sequence.
    func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8]

    /// Decodes ids into text; invalid UTF-8 becomes U+FFFD.
    func decode(_ ids: [Int], renderControlTokens: Bool) -> String
}

extension Tokenizer {
    /// Encodes `text` as plain text: special-token strings in it are just characters. No BOS.
    public func encode(_ text: String) -> [Int] {
        encode(text, parseSpecialTokens: false, addBOS: false)
    }

    /// Encodes text your code produced (for example a rendered chat template), turning the exact
    /// text of control tokens such as "<|im_start|>" into their ids. No BOS.
    public func encodeWithSpecialTokens(_ text: String) -> [Int] {
        encode(text, parseSpecialTokens: true, addBOS: false)
    }

    /// Decodes ids, rendering control tokens as nothing.
    public func decode(_ ids: [Int]) -> String {
        decode(ids, renderControlTokens: false)
    }
}

/// The parts of a vocabulary both tokenizer models need.
struct Vocabulary: Sendable {
    /// [vocab] token strings as stored
    let tokens: [String]
    /// [vocab]
    let types: [TokenType]
    let idForToken: [String: Int]
    let special: SpecialTokens
    /// User-defined tokens: recognised in all text.
    let userDefinedMatcher: SpecialTokenMatcher
    /// Control, unknown and user-defined tokens: recognised when parsing special tokens.
    let specialMatcher: SpecialTokenMatcher
    /// Tokens that absorb the whitespace beside them when matched.
    let stripping: [Int: WhitespaceStrip]
    /// [vocab] the bytes each token decodes to (hidden tokens: their literal text)
    let decodedBytes: [[UInt8]]

    /// `decodedBytes` gives the bytes a token (text, type) decodes to; it differs between models.
    /// Tokens in `matchedAfterNormalization` are left out of the raw-text matchers: their model
    /// finds them in normalised text (tokenizer.json added tokens with `normalized: true`).
    /// `stripping`: tokens that absorb the whitespace around them when matched (tokenizer.json
    /// added tokens' `lstrip`/`rstrip`).
    init(tokens: [String], tokenTypes: [Int32]?, special: SpecialTokens, matchedAfterNormalization: Set<Int> = [],
         stripping: [Int: WhitespaceStrip] = [:], decodedBytes: (String, TokenType) -> [UInt8]) throws {
        guard !tokens.isEmpty else { throw TokenizerError.emptyVocabulary }
        if let tokenTypes, tokenTypes.count != tokens.count {
            throw TokenizerError.countMismatch(what: "token types", expected: tokens.count, got: tokenTypes.count)
        }
        for (name, id) in [("bos", special.bos), ("eos", special.eos), ("unk", special.unk), ("pad", special.pad),
                         ("eot", special.eot)] {
            if let id, !(0..<tokens.count).contains(id) {
                throw TokenizerError.specialTokenOutOfRange(name: name, id: id, vocabularySize: tokens.count)
            }
        }
        self.tokens = tokens
        self.types = tokenTypes.map { $0.map(TokenType.init(gguf:)) } ?? Array(repeating: .normal, count: tokens.count)
        var index: [String: Int] = [:]
        index.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where index[token] == nil {
            index[token] = id      // the first of duplicate strings wins
        }
        self.idForToken = index
        self.special = special
        var userDefined: [(String, Int)] = []
        var specials: [(String, Int)] = []
        for (id, type) in types.enumerated() where !matchedAfterNormalization.contains(id) {
            switch type {
            case .userDefined:
                userDefined.append((tokens[id], id))
                specials.append((tokens[id], id))
            case .control, .unknown:
                specials.append((tokens[id], id))
            default:
                break
            }
        }
        self.stripping = stripping
        self.userDefinedMatcher = SpecialTokenMatcher(userDefined, stripping: stripping)
        self.specialMatcher = SpecialTokenMatcher(specials, stripping: stripping)
        self.decodedBytes = zip(tokens, types).map(decodedBytes)
    }

    var count: Int { tokens.count }

    func contains(_ id: Int) -> Bool { id >= 0 && id < tokens.count }

    func token(_ id: Int) -> String? { contains(id) ? tokens[id] : nil }

    func tokenType(_ id: Int) -> TokenType? { contains(id) ? types[id] : nil }

    /// See `Tokenizer.pieceBytes`.
    func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        guard contains(id) else { return Vocabulary.replacementBytes }
        if !renderControlTokens && isHidden(id) { return [] }
        return decodedBytes[id]
    }

    func decodeBytes(_ ids: [Int], renderControlTokens: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids { bytes.append(contentsOf: pieceBytes(id, renderControlTokens: renderControlTokens)) }
        return bytes
    }

    /// Whether a token is hidden from decoded text unless control tokens are rendered.
    func isHidden(_ id: Int) -> Bool {
        switch types[id] {
        case .control, .unknown, .unused: return true
        default: return false
        }
    }

    /// The encoding skeleton both models share: optional BOS, then `text` split on special tokens;
    /// special tokens are appended as ids and each plain-text range goes to `encodeText` (told
    /// whether the start of input or a special token came just before it).
    func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool,
                encodeText: (_ bytes: [UInt8], _ range: Range<Int>, _ afterSpecial: Bool, _ out: inout [Int]) -> Void) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.utf8.count / 3 + 1)
        if addBOS, let bos = special.bos { out.append(bos) }
        let bytes = Array(text.utf8)
        let matcher = parseSpecialTokens ? specialMatcher : userDefinedMatcher
        var afterSpecial = true
        matcher.split(bytes, text: { range in
            encodeText(bytes, range, afterSpecial, &out)
            afterSpecial = false
        }, token: { id in
            out.append(id)
            afterSpecial = true
        })
        return out
    }

    static let replacementBytes: [UInt8] = Array("\u{FFFD}".utf8)

    /// The UTF-8 of `text` with every "▁" (U+2581) written as a space. Compared as bytes: a
    /// combining mark after "▁" ("▁ि" in BERT's and Gemma's vocabularies) makes the two one
    /// Character, which String replacement passes over.
    static func metaspaceAsSpace(_ text: String) -> [UInt8] {
        TextPipeline.replacing(Array(text.utf8), [0xE2, 0x96, 0x81], with: [0x20])
    }

    /// "<0xAB>" -> 0xAB
    static func parseByteToken(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}

/// Which side's whitespace an added token absorbs when it is matched (Hugging Face's `lstrip`
/// and `rstrip`): "a <mask> b" with both gives "a", <mask>, "b".
struct WhitespaceStrip: Sendable, Equatable {
    var left: Bool
    var right: Bool
}

/// Finds special-token strings in UTF-8 text: at each position the longest token that matches.
struct SpecialTokenMatcher: Sendable {
    /// [256] candidates by first byte, longest first
    private let byFirstByte: [[(bytes: [UInt8], id: Int, strip: WhitespaceStrip)]]
    let isEmpty: Bool

    init(_ tokens: [(String, Int)], stripping: [Int: WhitespaceStrip] = [:]) {
        var table = [[(bytes: [UInt8], id: Int, strip: WhitespaceStrip)]](repeating: [], count: 256)
        for (text, id) in tokens where !text.isEmpty {
            let bytes = Array(text.utf8)
            table[Int(bytes[0])].append((bytes, id, stripping[id] ?? WhitespaceStrip(left: false, right: false)))
        }
        for i in 0..<256 { table[i].sort { $0.bytes.count > $1.bytes.count } }
        byFirstByte = table
        isEmpty = tokens.allSatisfy { $0.0.isEmpty }
    }

    func split(_ bytes: [UInt8], text: (Range<Int>) -> Void, token: (Int) -> Void) {
        if isEmpty {
            if !bytes.isEmpty { text(0..<bytes.count) }
            return
        }
        var textStart = 0
        var i = 0
        let n = bytes.count
        outer: while i < n {
            let candidates = byFirstByte[Int(bytes[i])]
            for candidate in candidates where candidate.bytes.count <= n - i {
                var k = 1
                let needle = candidate.bytes
                while k < needle.count && bytes[i + k] == needle[k] { k += 1 }
                if k == needle.count {
                    var start = i
                    var end = i + needle.count
                    if candidate.strip.left {
                        while start > textStart, let width = Self.whitespaceWidth(before: start, in: bytes) { start -= width }
                    }
                    if candidate.strip.right {
                        while end < n, let width = Self.whitespaceWidth(at: end, in: bytes) { end += width }
                    }
                    if textStart < start { text(textStart..<start) }
                    token(candidate.id)
                    i = end
                    textStart = i
                    continue outer
                }
            }
            i += 1
        }
        if textStart < n { text(textStart..<n) }
    }

    /// The byte length of the whitespace character (Unicode White_Space, as Rust's
    /// `char::is_whitespace`) starting at `i`, or nil.
    static func whitespaceWidth(at i: Int, in bytes: [UInt8]) -> Int? {
        let width = max(1, min(StreamingDecoder.sequenceLength(lead: bytes[i]), bytes.count - i))
        return isWhitespace(bytes[i..<(i + width)]) ? width : nil
    }

    /// The byte length of the whitespace character ending just before `end`, or nil.
    static func whitespaceWidth(before end: Int, in bytes: [UInt8]) -> Int? {
        var start = end - 1
        while start > 0 && end - start < 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return isWhitespace(bytes[start..<end]) ? end - start : nil
    }

    private static func isWhitespace(_ character: ArraySlice<UInt8>) -> Bool {
        guard let scalar = String(validating: character, as: UTF8.self)?.unicodeScalars.first,
              String(validating: character, as: UTF8.self)?.unicodeScalars.count == 1 else { return false }
        return scalar.properties.isWhitespace
    }
}
