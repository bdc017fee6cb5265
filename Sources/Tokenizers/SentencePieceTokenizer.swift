// SentencePieceTokenizer: SentencePiece-style BPE as used by Llama 2, Mistral v0.1 and Gemma
// (GGUF `tokenizer.ggml.model == "llama"`, with `tokenizer.ggml.scores`).
//
// Unlike byte-level BPE there is no merge list and no pre-tokenizer. Encoding a text segment:
//   1. if the model adds a prefix space and the segment starts the input or follows a special token,
//      prepend " "; then write every space as "▁" (U+2581);
//   2. start from one symbol per Unicode character;
//   3. repeatedly merge the adjacent pair whose concatenation is a vocabulary entry with the highest
//      score — the leftmost one on a tie — until no adjacent pair forms a vocabulary entry;
//   4. each surviving symbol is its token; a character not in the vocabulary becomes its UTF-8
//      bytes as byte tokens "<0xXX>" (byte fallback), or the unknown token if those are missing.
// Control, unknown and unused entries never result from merging, so plain text cannot produce them.
//
// Decoding writes "▁" back as a space and byte tokens as their byte; `decode` drops the one leading
// space that the prefix-space rule added (as SentencePiece and Hugging Face do).

import Foundation

/// A SentencePiece BPE tokenizer built from plain vocabulary values.
///
/// ```swift
/// let tok = try SentencePieceTokenizer(tokens: ggufTokens, scores: ggufScores, tokenTypes: ggufTypes,
///                                      specialTokens: SpecialTokens(bos: 1, eos: 2, unk: 0))
/// tok.encode("Hello world")   // ["▁Hello", "▁world"] as ids
/// ```
public final class SentencePieceTokenizer: Tokenizer {
    let vocabulary: Vocabulary
    public let addBOS: Bool
    /// Whether a space is prepended to text at the start of input and after each special token.
    public let addSpacePrefix: Bool

    /// [vocab]
    private let scores: [Float]
    /// UTF-8 of mergeable vocabulary entries (normal and user-defined) -> id
    private let mergeable: [ArraySlice<UInt8>: Int]
    /// [256] id of the byte token "<0xXX>", or -1
    private let byteTokens: [Int]

    /// - Parameters:
    ///   - tokens: [vocab] token strings with "▁" for spaces and "<0xXX>" byte tokens.
    ///   - scores: [vocab] merge scores; higher merges first.
    ///   - tokenTypes: [vocab] GGUF token types; when nil, "<0xXX>" entries are byte tokens and the
    ///     rest are normal.
    public init(tokens: [String], scores: [Float], tokenTypes: [Int32]? = nil,
                specialTokens: SpecialTokens = SpecialTokens(), addBOS: Bool = true,
                addSpacePrefix: Bool = true) throws {
        guard scores.count == tokens.count else {
            throw TokenizerError.countMismatch(what: "scores", expected: tokens.count, got: scores.count)
        }
        let types = tokenTypes ?? tokens.map {
            Vocabulary.parseByteToken($0) != nil ? TokenType.byte.rawValue : TokenType.normal.rawValue
        }
        let vocabulary = try Vocabulary(tokens: tokens, tokenTypes: types, special: specialTokens) { text, type in
            switch type {
            case .byte:
                return Vocabulary.parseByteToken(text).map { [$0] } ?? Array(text.utf8)
            case .normal, .undefined, .userDefined:
                return Vocabulary.metaspaceAsSpace(text)
            case .control, .unknown, .unused:
                return Array(text.utf8)
            }
        }
        self.vocabulary = vocabulary
        self.scores = scores
        self.addBOS = addBOS
        self.addSpacePrefix = addSpacePrefix

        var mergeable: [ArraySlice<UInt8>: Int] = [:]
        var byteTokens = [Int](repeating: -1, count: 256)
        for (id, token) in tokens.enumerated() {
            let type = vocabulary.types[id]
            let utf8 = Array(token.utf8)
            if type == .normal || type == .userDefined, mergeable[utf8[...]] == nil {
                mergeable[utf8[...]] = id
            }
            if type == .byte, let b = Vocabulary.parseByteToken(token), byteTokens[Int(b)] < 0 {
                byteTokens[Int(b)] = id
            }
        }
        self.mergeable = mergeable
        self.byteTokens = byteTokens
    }

    // MARK: Tokenizer

    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.special }

    public func token(_ id: Int) -> String? { vocabulary.token(id) }
    public func tokenType(_ id: Int) -> TokenType? { vocabulary.tokenType(id) }
    public func id(forToken token: String) -> Int? { vocabulary.idForToken[token] }

    public func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int] {
        vocabulary.encode(text, parseSpecialTokens: parseSpecialTokens, addBOS: addBOS) { bytes, range, afterSpecial, out in
            var segment: [UInt8] = []
            segment.reserveCapacity(range.count + 3)
            if addSpacePrefix && afterSpecial { segment.append(contentsOf: [0xE2, 0x96, 0x81]) }
            for b in bytes[range] {
                if b == 0x20 { segment.append(contentsOf: [0xE2, 0x96, 0x81]) } else { segment.append(b) }
            }
            encodeSegment(segment, into: &out)
        }
    }

    public func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        vocabulary.pieceBytes(id, renderControlTokens: renderControlTokens)
    }

    public func decode(_ ids: [Int], renderControlTokens: Bool) -> String {
        var bytes = vocabulary.decodeBytes(ids, renderControlTokens: renderControlTokens)
        if addSpacePrefix && bytes.first == 0x20 { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: encoding

    /// A candidate merge: highest score first, then leftmost.
    private struct Bigram: Comparable {
        let score: Float
        let left: Int
        /// Combined byte length when pushed; a mismatch on pop means a neighbour changed.
        let length: Int

        static func < (a: Bigram, b: Bigram) -> Bool {
            a.score != b.score ? a.score > b.score : a.left < b.left
        }
    }

    /// Encodes one escaped ("▁" for spaces) segment.
    func encodeSegment(_ text: [UInt8], into out: inout [Int]) {
        // One symbol per UTF-8 character: start offset and byte length, in a linked list.
        var start: [Int] = []
        var length: [Int] = []
        var i = 0
        while i < text.count {
            let width = max(1, min(StreamingDecoder.sequenceLength(lead: text[i]), text.count - i))
            start.append(i)
            length.append(width)
            i += width
        }
        let n = start.count
        if n == 0 { return }
        var next = Array(1...n)
        var prev = Array(-1..<(n - 1))
        var heap = MinHeap<Bigram>()

        func consider(_ left: Int) {
            guard left >= 0, next[left] < n else { return }
            let right = next[left]
            let total = length[left] + length[right]
            if let id = mergeable[text[start[left]..<(start[left] + total)]] {
                heap.push(Bigram(score: scores[id], left: left, length: total))
            }
        }
        for p in 0..<(n - 1) { consider(p) }
        while let top = heap.pop() {
            let left = top.left
            let right = next[left]
            guard length[left] > 0, right < n, length[left] + length[right] == top.length else { continue }
            length[left] = top.length
            length[right] = 0
            next[left] = next[right]
            if next[left] < n { prev[next[left]] = left }
            if prev[left] >= 0 { consider(prev[left]) }
            consider(left)
        }

        var p = 0
        while p < n {
            let piece = text[start[p]..<(start[p] + length[p])]
            if let id = mergeable[piece] {
                out.append(id)
            } else {
                for b in piece {
                    if byteTokens[Int(b)] >= 0 {
                        out.append(byteTokens[Int(b)])
                    } else if let unk = vocabulary.special.unk {
                        out.append(unk)
                    }
                }
            }
            p = next[p]
        }
    }
}
