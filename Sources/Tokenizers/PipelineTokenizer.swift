// PipelineTokenizer: a Hugging Face tokenizer.json that is not byte-level BPE, run as `tokenizers`
// runs it: added tokens split out, then per segment normalizer -> pre-tokenizer -> model, and the
// decoder steps on the way back (TextPipeline.swift).
//
// Models (the merge loop and the unigram/WordPiece searches are the ones the GGUF tokenizers use):
//   SentencePiece-style BPE   each word starts as one symbol per character (the vocabulary entry
//                             of that character). A character with no entry becomes its UTF-8 bytes
//                             as "<0xHH>" tokens when `byte_fallback` is on and all of them exist,
//                             else the unknown token (consecutive unknowns fused into one with
//                             `fuse_unk`). Then the ranked merges run (BPEMerges). With
//                             `ignore_merges`, a word that is itself a vocabulary entry is that token.
//   Unigram                   Viterbi over each word (UnigramTokenizer's search); an unknown
//                             stretch becomes byte tokens with `byte_fallback`.
//   WordPiece                 BERT's normalisation and word split, then greedy longest-prefix
//                             matching (WordPieceTokenizer's search); words longer than
//                             `max_input_chars_per_word` characters are the unknown token.
// Token strings are kept as the file writes them ("▁Hello", "##ing", "<0x0A>"), so `token(_:)` and
// `id(forToken:)` speak the file's language.

import Foundation

/// A tokenizer.json tokenizer with a normalizer/pre-tokenizer/decoder pipeline around its model.
///
/// ```swift
/// let tok = try TokenizerJSON(data: Data(contentsOf: url)).makeTokenizer()   // Llama 2's tokenizer.json
/// tok.encode("Hello world")   // ["▁Hello", "▁world"] as ids
/// ```
public final class PipelineTokenizer: Tokenizer {
    let vocabulary: Vocabulary
    public let addBOS: Bool
    let pipeline: TextPipeline
    let decoder: TokenDecoder
    let model: Model
    /// Added tokens with `normalized: true`, by their normalised text: found in normalised text,
    /// the user-defined ones always, with the special ones when special tokens are parsed.
    let normalizedUserTokens: SpecialTokenMatcher
    let normalizedSpecialTokens: SpecialTokenMatcher

    enum Model: Sendable {
        case bpe(CharacterBPE)
        case unigram(UnigramJSONModel)
        /// Normalises and splits the text itself (BertNormalizer and BertPreTokenizer); its own
        /// vocabulary holds the pieces in GGUF form ("▁" for word starts, continuations bare).
        case wordPiece(WordPieceTokenizer)
    }

    /// `normalizedTokens`: the ids of added tokens matched in normalised text (the vocabulary
    /// leaves them out of its raw-text matching and holds their normalised text).
    init(vocabulary: Vocabulary, addBOS: Bool, pipeline: TextPipeline, decoder: TokenDecoder, model: Model,
         normalizedTokens: Set<Int> = []) {
        self.vocabulary = vocabulary
        self.addBOS = addBOS
        self.pipeline = pipeline
        self.decoder = decoder
        self.model = model
        let entries = normalizedTokens.sorted().map { (vocabulary.tokens[$0], $0) }
        normalizedUserTokens = SpecialTokenMatcher(entries.filter { vocabulary.types[$0.1] == .userDefined },
                                                   stripping: vocabulary.stripping)
        normalizedSpecialTokens = SpecialTokenMatcher(entries, stripping: vocabulary.stripping)
    }

    // MARK: Tokenizer

    public var vocabularySize: Int { vocabulary.count }
    public var specialTokens: SpecialTokens { vocabulary.special }

    public func token(_ id: Int) -> String? { vocabulary.token(id) }
    public func tokenType(_ id: Int) -> TokenType? { vocabulary.tokenType(id) }
    public func id(forToken token: String) -> Int? { vocabulary.idForToken[token] }

    public func encode(_ text: String, parseSpecialTokens: Bool, addBOS: Bool) -> [Int] {
        vocabulary.encode(text, parseSpecialTokens: parseSpecialTokens, addBOS: addBOS) { bytes, range, _, out in
            if case .wordPiece(let wordPiece) = model {
                wordPiece.encodeSegment(String(decoding: bytes[range], as: UTF8.self), into: &out)
                return
            }
            let normalized = pipeline.normalize(Array(bytes[range]))
            let matcher = parseSpecialTokens ? normalizedSpecialTokens : normalizedUserTokens
            matcher.split(normalized, text: { piece in
                let atInputStart = range.lowerBound == 0 && piece.lowerBound == 0
                for word in pipeline.words(normalized: Array(normalized[piece]), atInputStart: atInputStart) {
                    switch model {
                    case .bpe(let bpe): bpe.encode(word, into: &out)
                    case .unigram(let unigram): unigram.encode(word, into: &out)
                    case .wordPiece: break
                    }
                }
            }, token: { out.append($0) })
        }
    }

    /// See `Tokenizer.pieceBytes`: the token after the decoder's per-token steps ("▁" as a space,
    /// "<0xHH>" as its byte); leading spaces are kept, as a stream continuing a prompt needs.
    public func pieceBytes(_ id: Int, renderControlTokens: Bool) -> [UInt8] {
        vocabulary.pieceBytes(id, renderControlTokens: renderControlTokens)
    }

    /// Runs the file's decoder over the tokens' strings, as `tokenizers` does: hidden (special)
    /// tokens are left out unless `renderControlTokens`; an id outside the vocabulary is U+FFFD.
    public func decode(_ ids: [Int], renderControlTokens: Bool) -> String {
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard vocabulary.contains(id) else {
                tokens.append(Vocabulary.replacementBytes)
                continue
            }
            if vocabulary.isHidden(id) && !renderControlTokens { continue }
            tokens.append(Array(vocabulary.tokens[id].utf8))
        }
        return decoder.decode(tokens)
    }
}

/// SentencePiece-style BPE over characters with byte fallback (tokenizer.json `model.type: "BPE"`
/// with `byte_fallback`, or any BPE file whose pre-tokenizer is not byte-level).
struct CharacterBPE: Sendable {
    /// UTF-8 of each model-vocabulary entry -> id
    let pieces: [ArraySlice<UInt8>: Int]
    /// [256] id of "<0xHH>", or -1 when missing
    let byteTokens: [Int]
    let unknown: Int?
    let byteFallback: Bool
    let fuseUnknown: Bool
    let ignoreMerges: Bool
    let merges: BPEMerges

    /// Appends the ids of one pre-tokenized word.
    func encode(_ word: [UInt8], into out: inout [Int]) {
        if ignoreMerges, let whole = pieces[word[...]] {
            out.append(whole)
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(word.count)
        var pendingUnknown = false
        func flushUnknown() {
            if pendingUnknown, let unknown { symbols.append(Int32(unknown)) }
            pendingUnknown = false
        }
        var i = 0
        while i < word.count {
            let width = max(1, min(StreamingDecoder.sequenceLength(lead: word[i]), word.count - i))
            let character = word[i..<(i + width)]
            i += width
            if let id = pieces[character] {
                flushUnknown()
                symbols.append(Int32(id))
                continue
            }
            if byteFallback, character.allSatisfy({ byteTokens[Int($0)] >= 0 }) {
                // Byte tokens do not end a run of unknowns (as in Hugging Face's `merge_word`).
                for b in character { symbols.append(Int32(byteTokens[Int(b)])) }
                continue
            }
            if unknown != nil {
                if pendingUnknown && !fuseUnknown { flushUnknown() }
                pendingUnknown = true
            }
        }
        flushUnknown()
        for id in merges.merge(symbols) { out.append(Int(id)) }
    }
}

/// A tokenizer.json Unigram model: UnigramTokenizer's Viterbi search over every model piece, and
/// Hugging Face's handling of what it leaves unknown.
struct UnigramJSONModel: Sendable {
    /// Built over the model pieces only, all as normal pieces, no prefix space or character map.
    let search: UnigramTokenizer
    /// UTF-8 of each model piece -> id
    let pieces: [ArraySlice<UInt8>: Int]
    /// [256] id of "<0xHH>", or -1 when missing
    let byteTokens: [Int]
    let unknown: Int
    let byteFallback: Bool

    /// Appends the ids of one pre-tokenized word. A run of unknown characters is one unknown
    /// token, or with `byte_fallback` the byte tokens of its UTF-8 when all of them exist.
    func encode(_ word: [UInt8], into out: inout [Int]) {
        for piece in search.segment(word) {
            guard piece.id == unknown else {
                out.append(piece.id)
                continue
            }
            let text = word[piece.range]
            if let id = pieces[text] {
                out.append(id)
            } else if byteFallback, text.allSatisfy({ byteTokens[Int($0)] >= 0 }) {
                for b in text { out.append(byteTokens[Int(b)]) }
            } else {
                out.append(unknown)
            }
        }
    }
}
