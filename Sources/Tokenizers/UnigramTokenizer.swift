// UnigramTokenizer: SentencePiece's unigram model (GGUF `tokenizer.ggml.model == "t5"`: T5,
// XLM-RoBERTa and others), as llama.cpp runs it.
//
// Encoding a text segment:
//   1. normalise, from left to right: at each position the longest prefix the precompiled
//      character map knows is replaced by its replacement (SentencePiece's NFKC-style rules,
//      see `CharsMap`); any other character is kept. Spaces are then written "▁" (U+2581):
//        - with `removeExtraWhitespaces`, runs of spaces collapse: every run of non-space text gets
//          one "▁" in front of it (the first too) and trailing spaces vanish;
//        - otherwise every space becomes "▁", and with `addSpacePrefix` a "▁" goes in front of
//          the first non-space text;
//   2. Viterbi over the normalised bytes: the best-scoring segmentation into vocabulary entries
//      (normal, user-defined and unused ones; user-defined score 0, the rest their log
//      probability). A character no entry covers on its own may also be the unknown token, with
//      the lowest normal score minus 10. Of equal totals the segmentation found first wins
//      (earlier start, then shorter token);
//   3. consecutive unknown tokens merge into one.
//
// Decoding writes "▁" back as a space and byte tokens "<0xXX>" as their byte; the space in
// front of the first word is dropped.

import Foundation

/// A unigram tokenizer built from plain vocabulary values.
///
/// ```swift
/// let tok = try UnigramTokenizer(tokens: ["<unk>", "▁hello", "▁he", "llo"], scores: [0, -1, -2, -2],
///                                specialTokens: SpecialTokens(unk: 0), addSpacePrefix: true)
/// tok.encode("hello")   // [1]: -1 beats -2 + -2
/// ```
public final class UnigramTokenizer: Tokenizer {
    let vocabulary: Vocabulary
    public let addBOS: Bool
    public let addSpacePrefix: Bool
    public let removeExtraWhitespaces: Bool
    /// Whether EOS ends the text when BOS is added (`tokenizer.ggml.add_eos_token`; T5 and
    /// XLM-RoBERTa frame their input with it).
    public let addEOS: Bool

    /// [vocab]
    private let scores: [Float]
    /// UTF-8 of candidate entries (normal, user-defined, unused) -> id
    private let candidates: [ArraySlice<UInt8>: Int]
    private let maxTokenLength: Int
    private let unknownID: Int
    private let unknownScore: Double
    private let charsMap: CharsMap?

    /// - Parameters:
    ///   - tokens: [vocab] token strings with "▁" for spaces.
    ///   - scores: [vocab] log probabilities.
    ///   - tokenTypes: [vocab] GGUF token types; nil means all normal.
    ///   - specialTokens: must name the unknown token.
    ///   - precompiledCharsmap: GGUF `tokenizer.ggml.precompiled_charsmap`; nil or empty means none.
    /// - Throws: `TokenizerError` for count mismatches, a missing unknown token or a malformed
    ///   character map.
    public init(tokens: [String], scores: [Float], tokenTypes: [Int32]? = nil,
                specialTokens: SpecialTokens = SpecialTokens(), addBOS: Bool = false,
                addSpacePrefix: Bool = true, removeExtraWhitespaces: Bool = false, addEOS: Bool = false,
                precompiledCharsmap: [UInt8]? = nil) throws {
        guard scores.count == tokens.count else {
            throw TokenizerError.countMismatch(what: "scores", expected: tokens.count, got: scores.count)
        }
        let vocabulary = try Vocabulary(tokens: tokens, tokenTypes: tokenTypes, special: specialTokens) { text, type in
            switch type {
            case .byte:
                return Vocabulary.parseByteToken(text).map { [$0] } ?? Array(text.utf8)
            case .normal, .undefined:
                return Vocabulary.metaspaceAsSpace(text)
            case .control, .unknown, .unused, .userDefined:
                return Array(text.utf8)
            }
        }
        guard let unk = specialTokens.unk else { throw TokenizerError.missingField("tokenizer.ggml.unknown_token_id") }
        self.vocabulary = vocabulary
        self.scores = scores
        self.addBOS = addBOS
        self.addSpacePrefix = addSpacePrefix
        self.removeExtraWhitespaces = removeExtraWhitespaces
        self.addEOS = addEOS
        self.unknownID = unk

        var candidates: [ArraySlice<UInt8>: Int] = [:]
        var longest = 0
        var minScore = Float.greatestFiniteMagnitude
        for (id, token) in tokens.enumerated() {
            let type = vocabulary.types[id]
            if type == .normal { minScore = min(minScore, scores[id]) }
            guard type == .normal || type == .userDefined || type == .unused else { continue }
            let utf8 = Array(token.utf8)
            guard !utf8.isEmpty else { continue }
            candidates[utf8[...]] = id       // as a trie insert: a later duplicate replaces
            longest = max(longest, utf8.count)
        }
        self.candidates = candidates
        self.maxTokenLength = longest
        self.unknownScore = Double(minScore == .greatestFiniteMagnitude ? 0 : minScore) - 10
        self.charsMap = try precompiledCharsmap.flatMap { $0.isEmpty ? nil : try CharsMap($0) }
    }

    // MARK: Tokenizer

    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.special }

    public func token(_ id: Int) -> String? { vocabulary.token(id) }
    public func tokenType(_ id: Int) -> TokenType? { vocabulary.tokenType(id) }
    public func id(forToken token: String) -> Int? { vocabulary.idForToken[token] }

    /// See `Tokenizer.encode`; with `addBOS` and `addEOS`, the result also ends with EOS.
    public func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int] {
        var ids = vocabulary.encode(text, parseSpecialTokens: parseSpecialTokens, addBOS: addBOS) { bytes, range, _, out in
            encodeNormalized(normalize(Array(bytes[range])), into: &out)
        }
        if addBOS && addEOS, let eos = vocabulary.special.eos { ids.append(eos) }
        return ids
    }

    public func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        vocabulary.pieceBytes(id, renderControlTokens: renderControlTokens)
    }

    public func decode(_ ids: [Int], renderControlTokens: Bool) -> String {
        var bytes = vocabulary.decodeBytes(ids, renderControlTokens: renderControlTokens)
        if (addSpacePrefix || removeExtraWhitespaces) && bytes.first == 0x20 { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: encoding

    /// Step 1 of the file header.
    func normalize(_ input: [UInt8]) -> [UInt8] {
        let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 2 + 3)
        var spacePrepended = false
        var inText = false
        var i = 0
        func emit(_ c: UInt8) {
            if c != 0x20 {
                if !inText {
                    inText = true
                    if (addSpacePrefix && !spacePrepended) || removeExtraWhitespaces {
                        out.append(contentsOf: escapedSpace)
                        spacePrepended = true
                    }
                }
                out.append(c)
            } else {
                inText = false
                if !removeExtraWhitespaces { out.append(contentsOf: escapedSpace) }
            }
        }
        while i < input.count {
            if let (consumed, replacement) = charsMap?.longestMatch(input, at: i) {
                for c in replacement { emit(c) }
                i += consumed
            } else {
                let width = max(1, min(StreamingDecoder.sequenceLength(lead: input[i]), input.count - i))
                for k in i..<(i + width) { emit(input[k]) }
                i += width
            }
        }
        return out
    }

    /// Steps 2 and 3 of the file header.
    func encodeNormalized(_ text: [UInt8], into out: inout [Int]) {
        for piece in segment(text) { out.append(piece.id) }
    }

    /// Steps 2 and 3 of the file header: the best segmentation of `text` as (token, byte range)
    /// pairs, a run of unknown characters as one unknown token over the whole run.
    func segment(_ text: [UInt8]) -> [(id: Int, range: Range<Int>)] {
        let n = text.count
        guard n > 0 else { return [] }
        // [n + 1] best segmentation of text[0..<k]: its total score, last token and where that starts
        var bestScore = [Double](repeating: -Double.greatestFiniteMagnitude, count: n + 1)
        var bestToken = [Int](repeating: unknownID, count: n + 1)
        var bestStart = [Int](repeating: 0, count: n + 1)
        bestScore[0] = 0
        var i = 0
        while i < n {
            let width = max(1, min(StreamingDecoder.sequenceLength(lead: text[i]), n - i))
            var coversCharacter = false
            let base = bestScore[i]
            for length in 1...min(maxTokenLength, n - i) {
                guard let id = candidates[text[i..<(i + length)]] else { continue }
                if length == width { coversCharacter = true }
                let score = base + (vocabulary.types[id] == .userDefined ? 0 : Double(scores[id]))
                if score > bestScore[i + length] {
                    bestScore[i + length] = score
                    bestToken[i + length] = id
                    bestStart[i + length] = i
                }
            }
            if !coversCharacter {
                let score = base + unknownScore
                if score > bestScore[i + width] {
                    bestScore[i + width] = score
                    bestToken[i + width] = unknownID
                    bestStart[i + width] = i
                }
            }
            i += width
        }
        var reversed: [(id: Int, range: Range<Int>)] = []
        var end = n
        while end > 0 {
            let id = bestToken[end]
            let start = bestStart[end]
            if id == unknownID, let last = reversed.last, last.id == unknownID {
                reversed[reversed.count - 1].range = start..<last.range.upperBound
            } else {
                reversed.append((id, start..<end))
            }
            end = start
        }
        return reversed.reversed()
    }
}

/// SentencePiece's precompiled character map: a double-array trie over UTF-8 byte strings whose
/// leaves point at NUL-terminated replacement strings.
///
/// Layout (all integers little-endian):
///   u32            byte size S of the trie array
///   S bytes        the trie, one u32 per node: bits 0-7 the label byte that leads to the node
///                  (bit 31 set marks a value node, so it never equals a label), bit 8 "has a
///                  leaf", bits 10-30 the base, shifted left by 8 more when bit 9 is set; a value
///                  node's bits 0-30 are an offset into the replacements
///   the rest       the replacement strings, each ending in NUL
/// Walking from the root: child index = index ^ base(index) ^ byte, accepted when its label is
/// the byte; a node with the leaf bit has its value at index ^ base(index).
struct CharsMap: Sendable {
    /// [nodes]
    private let nodes: [UInt32]
    private let replacements: [UInt8]

    init(_ blob: [UInt8]) throws {
        guard blob.count >= 4 else { throw TokenizerError.invalidCharsMap("shorter than its 4-byte header") }
        let size = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
        guard size % 4 == 0, size <= blob.count - 4 else {
            throw TokenizerError.invalidCharsMap("trie size \(size) does not fit in \(blob.count) bytes")
        }
        nodes = stride(from: 4, to: 4 + size, by: 4).map { k in
            UInt32(blob[k]) | UInt32(blob[k + 1]) << 8 | UInt32(blob[k + 2]) << 16 | UInt32(blob[k + 3]) << 24
        }
        replacements = Array(blob[(4 + size)...])
    }

    private func base(_ node: UInt32) -> Int { Int((node >> 10) << ((node & (1 << 9)) >> 6)) }
    private func label(_ node: UInt32) -> UInt32 { node & (1 << 31 | 0xFF) }

    /// The longest prefix of `input[start...]` the map knows: bytes consumed and its replacement.
    /// A walk that leaves the array or a replacement offset outside the strings ends the match.
    func longestMatch(_ input: [UInt8], at start: Int) -> (Int, ArraySlice<UInt8>)? {
        guard !nodes.isEmpty else { return nil }
        var index = base(nodes[0])
        var best: (length: Int, offset: Int)?
        var p = start
        while p < input.count {
            let c = input[p]
            if c == 0 { break }
            index ^= Int(c)
            guard index >= 0, index < nodes.count, label(nodes[index]) == UInt32(c) else { break }
            let isLeaf = (nodes[index] >> 8) & 1 == 1
            index ^= base(nodes[index])
            if isLeaf {
                guard index >= 0, index < nodes.count else { break }
                best = (p - start + 1, Int(nodes[index] & 0x7FFF_FFFF))
            }
            p += 1
        }
        guard let best, best.offset < replacements.count,
              let end = replacements[best.offset...].firstIndex(of: 0) else { return nil }
        return (best.length, replacements[best.offset..<end])
    }
}
