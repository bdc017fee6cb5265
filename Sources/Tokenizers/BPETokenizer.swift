// BPETokenizer: byte-level byte-pair encoding as introduced by GPT-2 and used by Llama 3, Qwen 2,
// SmolLM and most recent models (GGUF `tokenizer.ggml.model == "gpt2"`).
//
// Encoding one piece of text:
//   1. split out special tokens (see Tokenizer.swift), then pre-tokenize each text segment into
//      pieces (PreTokenizer.swift);
//   2. write each piece's UTF-8 bytes as byte tokens (the vocabulary entry of each byte's GPT-2
//      stand-in character, see ByteLevel.swift);
//   3. repeatedly merge the adjacent pair with the lowest merge rank — the leftmost one on a tie —
//      until no adjacent pair has a merge rule. The surviving symbols are the token ids.
// Merge ranks are kept in a dictionary keyed by the pair of token ids (not strings), so a merge
// step costs one hash lookup per neighbouring pair. Short pieces use a direct scan; long ones a
// binary heap over a linked list of symbols. Results are cached per distinct piece within a call.
//
// Decoding concatenates each token's bytes (the stand-in characters mapped back) and reads them as
// UTF-8; see StreamingDecoder.swift for token-at-a-time output.

import Foundation

/// A byte-level BPE tokenizer built from plain vocabulary values.
///
/// ```swift
/// let tok = try BPETokenizer(tokens: ggufTokens, merges: ggufMerges, tokenTypes: ggufTypes,
///                            preTokenizer: .smollm, specialTokens: SpecialTokens(bos: 1, eos: 2))
/// tok.encode("I'm here")   // plain text
/// ```
public final class BPETokenizer: Tokenizer {
    let vocabulary: Vocabulary
    public let preTokenizer: PreTokenizer
    public let addBOS: Bool
    /// When set, a piece that is itself a vocabulary entry becomes that token without merging
    /// (tokenizer.json `ignore_merges`; llama.cpp does this for the Llama 3 pre-tokenizer).
    public let ignoreMerges: Bool

    /// Ranked merge rules by token-id pair, and the merge loop.
    let merges: BPEMerges
    /// [256] token id of each byte's stand-in character, or -1 when the vocabulary lacks it
    private let byteTokens: [Int32]

    /// Builds a tokenizer from merges written as "left right" (GGUF `tokenizer.ggml.merges`, the
    /// older tokenizer.json form).
    ///
    /// - Parameters:
    ///   - tokens: [vocab] token strings in byte-level form ("Ġthe").
    ///   - merges: merge rules, highest priority first.
    ///   - tokenTypes: [vocab] GGUF token types; nil means all normal.
    /// - Throws: `TokenizerError` for an empty vocabulary, count mismatches, special ids out of range,
    ///   or a merge that is not two tokens separated by a single space.
    public convenience init(tokens: [String], merges: [String], tokenTypes: [Int32]? = nil,
                            preTokenizer: PreTokenizer, specialTokens: SpecialTokens = SpecialTokens(),
                            addBOS: Bool = false, ignoreMerges: Bool = false) throws {
        let pairs = try BPEMerges.parse(merges)
        try self.init(tokens: tokens, mergePairs: pairs, tokenTypes: tokenTypes, preTokenizer: preTokenizer,
                      specialTokens: specialTokens, addBOS: addBOS, ignoreMerges: ignoreMerges)
    }

    /// Builds a tokenizer from merges given as pairs (the newer tokenizer.json form).
    ///
    /// Merges whose parts or result are not in the vocabulary can never produce a token and are
    /// skipped; of duplicate merges the first (highest priority) counts.
    public convenience init(tokens: [String], mergePairs: [(String, String)], tokenTypes: [Int32]? = nil,
                            preTokenizer: PreTokenizer, specialTokens: SpecialTokens = SpecialTokens(),
                            addBOS: Bool = false, ignoreMerges: Bool = false) throws {
        try self.init(tokens: tokens, mergePairs: mergePairs, tokenTypes: tokenTypes, preTokenizer: preTokenizer,
                      specialTokens: specialTokens, addBOS: addBOS, ignoreMerges: ignoreMerges, stripping: [:])
    }

    /// The designated initialiser; `stripping` marks added tokens that absorb the whitespace
    /// beside them (tokenizer.json `lstrip`/`rstrip`).
    init(tokens: [String], mergePairs: [(String, String)], tokenTypes: [Int32]?, preTokenizer: PreTokenizer,
         specialTokens: SpecialTokens, addBOS: Bool, ignoreMerges: Bool, stripping: [Int: WhitespaceStrip]) throws {
        let vocabulary = try Vocabulary(tokens: tokens, tokenTypes: tokenTypes, special: specialTokens,
                                        stripping: stripping) { text, type in
            switch type {
            case .normal, .undefined:
                return ByteLevel.decode(text)
            case .byte:
                return Vocabulary.parseByteToken(text).map { [$0] } ?? ByteLevel.decode(text)
            case .userDefined, .control, .unknown, .unused:
                return Array(text.utf8)
            }
        }
        self.vocabulary = vocabulary
        self.preTokenizer = preTokenizer
        self.addBOS = addBOS
        self.ignoreMerges = ignoreMerges

        // Byte-level tokens are written in stand-in characters that never combine, so their
        // strings can be looked up as Swift strings.
        merges = BPEMerges(pairs: mergePairs) { vocabulary.idForToken[String(decoding: $0, as: UTF8.self)] }

        byteTokens = (0..<256).map { b in
            let stand = String(Unicode.Scalar(ByteLevel.scalarForByte[b])!)
            return vocabulary.idForToken[stand].map(Int32.init) ?? -1
        }
    }

    // MARK: Tokenizer

    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.special }

    public func token(_ id: Int) -> String? { vocabulary.token(id) }
    public func tokenType(_ id: Int) -> TokenType? { vocabulary.tokenType(id) }
    public func id(forToken token: String) -> Int? { vocabulary.idForToken[token] }

    public func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int] {
        var cache: [ArraySlice<UInt8>: [Int]] = [:]
        return vocabulary.encode(text, parseSpecialTokens: parseSpecialTokens, addBOS: addBOS) { bytes, range, _, out in
            encodeSegment(bytes, range, cache: &cache, into: &out)
        }
    }

    public func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        vocabulary.pieceBytes(id, renderControlTokens: renderControlTokens)
    }

    public func decode(_ ids: [Int], renderControlTokens: Bool) -> String {
        String(decoding: vocabulary.decodeBytes(ids, renderControlTokens: renderControlTokens), as: UTF8.self)
    }

    // MARK: encoding

    private func encodeSegment(_ bytes: [UInt8], _ range: Range<Int>,
                               cache: inout [ArraySlice<UInt8>: [Int]], into out: inout [Int]) {
        let scanned = ScannedText(bytes[range])
        scanned.forEachPiece(preTokenizer) { lo, hi in
            let piece = bytes[lo..<hi]
            if let hit = cache[piece] {
                out.append(contentsOf: hit)
                return
            }
            let ids = encodePiece(piece)
            cache[piece] = ids
            out.append(contentsOf: ids)
        }
    }

    /// Token ids for one pre-tokenized piece.
    func encodePiece(_ piece: ArraySlice<UInt8>) -> [Int] {
        if ignoreMerges, let whole = vocabulary.idForToken[ByteLevel.encode(piece)] {
            return [whole]
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.count)
        for b in piece {
            let id = byteTokens[Int(b)]
            if id >= 0 {
                symbols.append(id)
            } else if let unk = vocabulary.special.unk {
                symbols.append(Int32(unk))
            }
        }
        return merges.merge(symbols).map(Int.init)
    }

}

/// A binary min-heap (used with packed (rank, position) keys here and SentencePiece bigrams).
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    mutating func push(_ value: Element) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= items[child] { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let l = 2 * parent + 1, r = l + 1
                var smallest = parent
                if l < items.count && items[l] < items[smallest] { smallest = l }
                if r < items.count && items[r] < items[smallest] { smallest = r }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
