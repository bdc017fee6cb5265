// TokenizerJSON: reads a Hugging Face `tokenizer.json` and builds the tokenizer it describes.
//
// What is read:
//   model.type       "BPE", "Unigram" or "WordPiece"; anything else is refused
//   model.vocab      BPE and WordPiece: { token: id }; Unigram: [[piece, score], ...] (ids by position)
//   model.merges     BPE: either "left right" strings (older files) or ["left", "right"] pairs (newer)
//   model options    BPE: byte_fallback, fuse_unk, ignore_merges, unk_token; Unigram: unk_id,
//                    byte_fallback; WordPiece: unk_token, continuing_subword_prefix,
//                    max_input_chars_per_word
//   added_tokens     [{ id, content, special }]: special ones become control tokens, the others
//                    user-defined tokens; ids past the model vocabulary extend it (Llama 3 does this),
//                    and any ids left unassigned become unused placeholder tokens
//   normalizer, pre_tokenizer, decoder
//                    byte-level BPE (a ByteLevel pre-tokenizer) takes no normalizer and one of the
//                    pre-tokenizer shapes below, and becomes a `BPETokenizer`:
//                      ByteLevel(use_regex: true)                                -> .gpt2
//                      Sequence[Digits(individual_digits: true), ByteLevel(use_regex: true)] -> .smollm
//                      Sequence[Split(Regex: P, behavior: Isolated), ByteLevel(use_regex: false)],
//                        P being the gpt2, llama3 or qwen2 expression (see PreTokenizer.swift)
//                                                                                -> that family
//                    every other file becomes a `PipelineTokenizer` with the steps of
//                    TextPipeline.swift (SentencePiece-style BPE: Llama 2, Mistral, TinyLlama,
//                    Gemma; Unigram) or BERT's normaliser and pre-tokenizer (WordPiece).
//                    Anything not implemented throws a `TokenizerError` naming the piece — there is
//                    no silent fallback, since a different split gives different ids.
//   post_processor   only to tell which special token it puts first (`firstSpecialTokenID`)
// tokenizer.json does not say which tokens are BOS/EOS (tokenizer_config.json does), so the caller
// passes them. Added tokens with `normalized: false` (and special tokens by default) are found in
// the raw text; those with `normalized: true` (the default for the others) in the normalised text
// of each segment, by their own normalised text, as `tokenizers` does (WordPiece files: all in the
// raw text). Added tokens with `lstrip`/`rstrip` absorb the whitespace beside them; `single_word`
// is refused.
//
// Sizes come from the data: the id table is at most twice the number of tokens in the file (plus
// 1024) and at most 2^24, so a small file cannot make the loader allocate gigabytes.

import Foundation

/// A parsed `tokenizer.json`.
///
/// ```swift
/// let file = try TokenizerJSON(data: Data(contentsOf: folder.appendingPathComponent("tokenizer.json")))
/// let tok = try file.makeTokenizer(specialTokens: SpecialTokens(bos: file.id(forToken: "<s>")), addBOS: true)
/// ```
public struct TokenizerJSON {
    /// The most token ids a tokenizer.json may define (2^24, far above any real vocabulary).
    public static let maxVocabulary = 1 << 24
    /// The model types `makeTokenizer` builds.
    public static let supportedModels = ["BPE", "Unigram", "WordPiece"]

    let root: [String: Any]
    let model: [String: Any]
    /// `model.type`.
    public let modelType: String
    /// [vocab] token strings by id: model vocabulary, added tokens, "<unused_N>" in gaps
    let tokens: [String]
    /// [vocab] GGUF token types
    let types: [Int32]
    /// UTF-8 of each model-vocabulary entry (not added-only tokens) -> id. Keyed by bytes: Swift
    /// strings that differ only in Unicode normalisation compare equal, tokens do not.
    let modelPieces: [ArraySlice<UInt8>: Int]
    /// Added tokens with `normalized: true`: matched in normalised text.
    let normalizedAdded: Set<Int>
    /// Added tokens with `lstrip`/`rstrip`: they absorb the whitespace beside them.
    let stripping: [Int: WhitespaceStrip]
    /// Unigram: [model vocab] pieces and scores by id
    let pieces: [String]
    let scores: [Float]

    /// Parses the file and assembles its vocabulary; the model's own options are read by
    /// `makeTokenizer`.
    public init(data: Data) throws {
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TokenizerError.invalidTokenizerJSON("top level is not an object")
            }
            root = object
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError.invalidTokenizerJSON("not JSON: \(error.localizedDescription)")
        }
        guard let model = root["model"] as? [String: Any] else {
            throw TokenizerError.invalidTokenizerJSON("missing \"model\"")
        }
        self.model = model
        modelType = model["type"] as? String ?? "(missing)"
        guard Self.supportedModels.contains(modelType) else {
            throw TokenizerError.unsupportedModel(name: modelType, known: Self.supportedModels)
        }

        // Model vocabulary: BPE/WordPiece { token: id }, Unigram [[piece, score]].
        var byID: [Int: String] = [:]
        var modelPieces: [ArraySlice<UInt8>: Int] = [:]
        var pieces: [String] = []
        var scores: [Float] = []
        if modelType == "Unigram" {
            guard let list = model["vocab"] as? [Any] else {
                throw TokenizerError.invalidTokenizerJSON("model.vocab is not an array of [piece, score]")
            }
            scores.reserveCapacity(list.count)
            for (id, entry) in list.enumerated() {
                guard let pair = entry as? [Any], pair.count == 2, let piece = pair[0] as? String,
                      let score = (pair[1] as? NSNumber)?.doubleValue, Float(score).isFinite else {
                    throw TokenizerError.invalidTokenizerJSON("model.vocab[\(id)] is not [piece, finite score]")
                }
                byID[id] = piece
                modelPieces[Array(piece.utf8)[...]] = id       // as `tokenizers`: a later duplicate replaces
                pieces.append(piece)
                scores.append(Float(score))
            }
        } else {
            // Read from the raw bytes (JSONObjectScanner.swift): JSONSerialization merges keys
            // that are canonically equivalent.
            guard model["vocab"] is [String: Any],
                  let entries = JSONObjectScanner.entries(of: Array(data), at: ["model", "vocab"]) else {
                throw TokenizerError.invalidTokenizerJSON("model.vocab is not an object")
            }
            modelPieces.reserveCapacity(entries.count)
            for (key, value) in entries {
                let token = String(decoding: key, as: UTF8.self)
                guard let id = Int(String(decoding: value, as: UTF8.self)), id >= 0 else {
                    throw TokenizerError.invalidTokenizerJSON("vocab id of \(token.debugDescription) is not a non-negative integer")
                }
                byID[id] = token
                modelPieces[key[...]] = id
            }
        }
        self.modelPieces = modelPieces
        self.pieces = pieces
        self.scores = scores

        var addedTypes: [Int: Int32] = [:]
        var normalizedAdded: Set<Int> = []
        var stripping: [Int: WhitespaceStrip] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = (entry["id"] as? NSNumber)?.intValue, id >= 0, let content = entry["content"] as? String else {
                throw TokenizerError.invalidTokenizerJSON("added token without id or content: \(entry)")
            }
            byID[id] = content
            let special = entry["special"] as? Bool ?? false
            addedTypes[id] = special ? TokenType.control.rawValue : TokenType.userDefined.rawValue
            // `tokenizers` defaults `normalized` to the opposite of `special`.
            if entry["normalized"] as? Bool ?? !special { normalizedAdded.insert(id) } else { normalizedAdded.remove(id) }
            let strip = WhitespaceStrip(left: entry["lstrip"] as? Bool ?? false, right: entry["rstrip"] as? Bool ?? false)
            stripping[id] = strip.left || strip.right ? strip : nil
            if entry["single_word"] as? Bool == true {
                throw TokenizerError.invalidTokenizerJSON("added token \(content.debugDescription) has single_word, which is not implemented")
            }
        }
        guard let maxID = byID.keys.max() else { throw TokenizerError.emptyVocabulary }
        // The id table is sized from the data: gaps between ids (unused slots) are allowed, but
        // not more of them than the file has tokens, so a small file cannot make the loader
        // allocate gigabytes for one huge id.
        let limit = min(Self.maxVocabulary, 2 * byID.count + 1024)
        guard maxID < limit else {
            throw TokenizerError.invalidTokenizerJSON(
                "token id \(maxID) is out of proportion to the \(byID.count) tokens in the file (at most \(limit - 1))")
        }
        let byteFallback = model["byte_fallback"] as? Bool ?? false
        var tokens: [String] = []
        var types: [Int32] = []
        tokens.reserveCapacity(maxID + 1)
        types.reserveCapacity(maxID + 1)
        for id in 0...maxID {
            if let token = byID[id] {
                tokens.append(token)
                if let added = addedTypes[id] {
                    types.append(added)
                } else if byteFallback, Vocabulary.parseByteToken(token) != nil {
                    types.append(TokenType.byte.rawValue)
                } else {
                    types.append(TokenType.normal.rawValue)
                }
            } else {
                tokens.append("<unused_\(id)>")
                types.append(TokenType.unused.rawValue)
            }
        }
        self.tokens = tokens
        self.types = types
        self.normalizedAdded = normalizedAdded
        self.stripping = stripping
    }

    /// The id of a token string (model vocabulary or added token), as `tokenizers`' `token_to_id`.
    public func id(forToken token: String) -> Int? {
        modelPieces[Array(token.utf8)[...]] ?? tokens.firstIndex(of: token).flatMap { types[$0] == TokenType.unused.rawValue ? nil : $0 }
    }

    /// The id of the special token the post-processor puts in front of a single text
    /// (TemplateProcessing, or BERT/RoBERTa's [CLS]/<s>), or nil: what "add special tokens" adds
    /// first, when tokenizer_config.json does not say whether to add BOS.
    public var firstSpecialTokenID: Int? {
        guard let processor = root["post_processor"] as? [String: Any] else { return nil }
        switch processor["type"] as? String {
        case "TemplateProcessing":
            guard let first = (processor["single"] as? [[String: Any]])?.first,
                  let name = (first["SpecialToken"] as? [String: Any])?["id"] as? String else { return nil }
            let ids = ((processor["special_tokens"] as? [String: Any])?[name] as? [String: Any])?["ids"] as? [Any]
            return (ids?.first as? NSNumber)?.intValue ?? id(forToken: name)
        case "BertProcessing", "RobertaProcessing":
            return ((processor["cls"] as? [Any])?.last as? NSNumber)?.intValue
        default:
            return nil
        }
    }

    /// Builds the tokenizer the file describes: a `BPETokenizer` for byte-level BPE, else a
    /// `PipelineTokenizer`. A missing `specialTokens.unk` is taken from the model's unknown token.
    public func makeTokenizer(specialTokens: SpecialTokens = SpecialTokens(), addBOS: Bool = false) throws -> any Tokenizer {
        if modelType == "BPE" && isByteLevel {
            return try makeByteLevelBPE(specialTokens: specialTokens, addBOS: addBOS)
        }
        var special = specialTokens
        let decoder = try Self.decoder(root["decoder"])
        switch modelType {
        case "BPE":
            let pipeline = try Self.pipeline(normalizer: root["normalizer"], preTokenizer: root["pre_tokenizer"])
            for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
                if let value = model[key], !(value is NSNull) {
                    throw TokenizerError.unsupportedModel(name: "BPE with \(key)", known: Self.supportedModels)
                }
            }
            if let dropout = (model["dropout"] as? NSNumber)?.doubleValue, dropout > 0 {
                throw TokenizerError.unsupportedModel(name: "BPE with dropout (random encodings)", known: Self.supportedModels)
            }
            let unknown = try modelToken("unk_token")
            if special.unk == nil { special.unk = unknown }
            let vocabulary = try makeVocabulary(special: special, decoder: decoder, pipeline: pipeline)
            let bpe = CharacterBPE(
                pieces: modelPieces,
                byteTokens: byteTokens,
                unknown: unknown,
                byteFallback: model["byte_fallback"] as? Bool ?? false,
                fuseUnknown: model["fuse_unk"] as? Bool ?? false,
                ignoreMerges: model["ignore_merges"] as? Bool ?? false,
                merges: BPEMerges(pairs: try mergePairs()) { modelPieces[$0[...]] })
            return PipelineTokenizer(vocabulary: vocabulary, addBOS: addBOS, pipeline: pipeline, decoder: decoder,
                                     model: .bpe(bpe), normalizedTokens: normalizedAdded)
        case "Unigram":
            let pipeline = try Self.pipeline(normalizer: root["normalizer"], preTokenizer: root["pre_tokenizer"])
            guard let unknown = (model["unk_id"] as? NSNumber)?.intValue, pieces.indices.contains(unknown) else {
                throw TokenizerError.invalidTokenizerJSON("Unigram model without an unk_id among its \(pieces.count) pieces")
            }
            if special.unk == nil { special.unk = unknown }
            let vocabulary = try makeVocabulary(special: special, decoder: decoder, pipeline: pipeline)
            // Every model piece takes part in the search with its score, as in `tokenizers`.
            let search = try UnigramTokenizer(tokens: pieces, scores: scores, specialTokens: SpecialTokens(unk: unknown),
                                              addSpacePrefix: false)
            let unigram = UnigramJSONModel(search: search, pieces: modelPieces, byteTokens: byteTokens, unknown: unknown,
                                           byteFallback: model["byte_fallback"] as? Bool ?? false)
            return PipelineTokenizer(vocabulary: vocabulary, addBOS: addBOS, pipeline: pipeline, decoder: decoder,
                                     model: .unigram(unigram), normalizedTokens: normalizedAdded)
        case "WordPiece":
            let normalizer = try Self.steps(root["normalizer"], listKey: "normalizers", what: "normalizer")
            guard normalizer.count == 1, normalizer[0]["type"] as? String == "BertNormalizer",
                  normalizer[0]["clean_text"] as? Bool ?? true, normalizer[0]["handle_chinese_chars"] as? Bool ?? true else {
                throw TokenizerError.unsupportedNormalizer(
                    "WordPiece needs BertNormalizer (clean_text, handle_chinese_chars), not "
                    + (normalizer.map { $0["type"] as? String ?? "?" }.joined(separator: ", ")))
            }
            let split = try Self.steps(root["pre_tokenizer"], listKey: "pretokenizers", what: "pre_tokenizer")
            guard split.count == 1, split[0]["type"] as? String == "BertPreTokenizer" else {
                throw TokenizerError.unsupportedPreTokenizerConfig(
                    "WordPiece needs BertPreTokenizer, not " + split.map { $0["type"] as? String ?? "?" }.joined(separator: ", "))
            }
            guard let unknown = try modelToken("unk_token") else {
                throw TokenizerError.invalidTokenizerJSON("WordPiece model without unk_token")
            }
            if special.unk == nil { special.unk = unknown }
            // BERT's normalisation runs inside WordPieceTokenizer: added tokens are matched as written.
            let vocabulary = try makeVocabulary(special: special, decoder: decoder, pipeline: nil)
            // WordPieceTokenizer's pieces are in GGUF form: "▁" + a word start, continuations bare.
            // Compared as bytes: a combining mark would join "##" + "\u{093F}" into one Character.
            let prefix = Array((model["continuing_subword_prefix"] as? String ?? "##").utf8)
            let converted = tokens.map { token -> String in
                let utf8 = Array(token.utf8)
                return !prefix.isEmpty && utf8.starts(with: prefix)
                    ? String(decoding: utf8[prefix.count...], as: UTF8.self) : "\u{2581}" + token
            }
            let lowercase = normalizer[0]["lowercase"] as? Bool ?? true
            let wordPiece = try WordPieceTokenizer(
                tokens: converted, tokenTypes: types, specialTokens: special, addBOS: false, lowercase: lowercase,
                stripAccents: normalizer[0]["strip_accents"] as? Bool, normalization: .huggingFace,
                maxWordCharacters: (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100)
            return PipelineTokenizer(vocabulary: vocabulary, addBOS: addBOS, pipeline: TextPipeline(), decoder: decoder,
                                     model: .wordPiece(wordPiece))
        default:
            throw TokenizerError.unsupportedModel(name: modelType, known: Self.supportedModels)
        }
    }

    /// [256] the id of each byte's token "<0xHH>" in the model vocabulary, or -1.
    var byteTokens: [Int] { (0..<256).map { modelPieces[Array(String(format: "<0x%02X>", UInt32($0)).utf8)[...]] ?? -1 } }

    /// Whether the file is byte-level BPE: a ByteLevel step in its pre-tokenizer.
    var isByteLevel: Bool {
        guard let config = root["pre_tokenizer"] as? [String: Any] else { return false }
        let steps = config["type"] as? String == "Sequence" ? config["pretokenizers"] as? [[String: Any]] ?? [] : [config]
        return steps.contains { $0["type"] as? String == "ByteLevel" }
    }

    /// The byte-level BPE tokenizer of a file with a ByteLevel pre-tokenizer.
    func makeByteLevelBPE(specialTokens: SpecialTokens, addBOS: Bool) throws -> BPETokenizer {
        guard modelType == "BPE" else { throw TokenizerError.unsupportedModel(name: modelType, known: ["BPE"]) }
        if model["byte_fallback"] as? Bool == true {
            throw TokenizerError.unsupportedModel(name: "byte-level BPE with byte_fallback", known: ["BPE"])
        }
        if let normalizer = root["normalizer"], !(normalizer is NSNull) {
            let name = (normalizer as? [String: Any])?["type"] as? String ?? "\(normalizer)"
            throw TokenizerError.unsupportedNormalizer("\(name) (byte-level BPE takes text as given)")
        }
        let preTokenizer = try BPETokenizer.mapPreTokenizer(root["pre_tokenizer"])
        return try BPETokenizer(tokens: tokens, mergePairs: try mergePairs(), tokenTypes: types, preTokenizer: preTokenizer,
                                specialTokens: specialTokens, addBOS: addBOS,
                                ignoreMerges: model["ignore_merges"] as? Bool ?? false, stripping: stripping)
    }

    /// The shared vocabulary of a pipeline tokenizer: tokens decode through the file's decoder.
    /// With a `pipeline`, `normalized: true` added tokens are left to it to find, and their
    /// token string is their normalised text (as `tokenizers`' `id_to_token` gives it, so "▁<x>"
    /// after a Prepend("▁") normalizer decodes with its space).
    func makeVocabulary(special: SpecialTokens, decoder: TokenDecoder, pipeline: TextPipeline?) throws -> Vocabulary {
        var tokens = tokens
        if let pipeline {
            for id in normalizedAdded { tokens[id] = String(decoding: pipeline.normalize(Array(tokens[id].utf8)), as: UTF8.self) }
        }
        return try Vocabulary(tokens: tokens, tokenTypes: types, special: special,
                              matchedAfterNormalization: pipeline == nil ? [] : normalizedAdded,
                              stripping: stripping) { text, _ in decoder.pieceBytes(text) }
    }

    /// The id of the model-vocabulary token named by `model[key]` (nil when the key is absent).
    func modelToken(_ key: String) throws -> Int? {
        guard let name = model[key] as? String else { return nil }
        guard let id = id(forToken: name) else {
            throw TokenizerError.invalidTokenizerJSON("model.\(key) \(name.debugDescription) is not in the vocabulary")
        }
        return id
    }

    /// `model.merges` in either form.
    func mergePairs() throws -> [(String, String)] {
        guard let rawMerges = model["merges"] as? [Any] else {
            throw TokenizerError.invalidTokenizerJSON("model.merges is not an array")
        }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(rawMerges.count)
        for (index, merge) in rawMerges.enumerated() {
            if let text = merge as? String {
                pairs.append(try BPEMerges.parse(text, index: index))
            } else if let pair = merge as? [String], pair.count == 2 {
                pairs.append((pair[0], pair[1]))
            } else {
                throw TokenizerError.malformedMerge(index: index, text: "\(merge)")
            }
        }
        return pairs
    }

    // MARK: pipeline steps

    /// The steps of a `Sequence` (key `listKey`) or the one step itself; nil/null is no step.
    static func steps(_ value: Any?, listKey: String, what: String) throws -> [[String: Any]] {
        guard let value, !(value is NSNull) else { return [] }
        guard let config = value as? [String: Any] else { throw TokenizerError.invalidTokenizerJSON("\(what) is not an object") }
        guard config["type"] as? String == "Sequence" else { return [config] }
        guard let list = config[listKey] as? [Any] else {
            throw TokenizerError.invalidTokenizerJSON("Sequence \(what) without \(listKey)")
        }
        return try list.flatMap { try steps($0, listKey: listKey, what: what) }
    }

    /// A literal pattern `{"String": s}`; nil for a regular expression or anything else.
    static func literal(_ pattern: Any?) -> [UInt8]? {
        ((pattern as? [String: Any])?["String"] as? String).map { Array($0.utf8) }
    }

    static func string(_ value: Any?, _ what: String) throws -> [UInt8] {
        guard let s = value as? String, !s.isEmpty else { throw TokenizerError.invalidTokenizerJSON("\(what) is not a non-empty string") }
        return Array(s.utf8)
    }

    /// Metaspace's prepend scheme: `prepend_scheme`, or the older `add_prefix_space` flag.
    static func prependScheme(_ config: [String: Any]) throws -> TextPipeline.PrependScheme {
        if let name = config["prepend_scheme"] as? String {
            guard let scheme = TextPipeline.PrependScheme(rawValue: name) else {
                throw TokenizerError.invalidTokenizerJSON("unknown Metaspace prepend_scheme \(name.debugDescription)")
            }
            return scheme
        }
        return config["add_prefix_space"] as? Bool ?? true ? .always : .never
    }

    static func pipeline(normalizer: Any?, preTokenizer: Any?) throws -> TextPipeline {
        var pipeline = TextPipeline()
        for step in try steps(normalizer, listKey: "normalizers", what: "normalizer") {
            let type = step["type"] as? String ?? "?"
            switch type {
            case "Prepend":
                pipeline.normalizers.append(.prepend(try string(step["prepend"], "Prepend.prepend")))
            case "Replace":
                guard let pattern = literal(step["pattern"]), !pattern.isEmpty, let content = step["content"] as? String else {
                    throw TokenizerError.unsupportedNormalizer("Replace with a regular expression or without content")
                }
                pipeline.normalizers.append(.replace(pattern, with: Array(content.utf8)))
            default:
                guard let form = TextPipeline.UnicodeForm(rawValue: type) else {
                    throw TokenizerError.unsupportedNormalizer(type)
                }
                pipeline.normalizers.append(.unicode(form))
            }
        }
        for step in try steps(preTokenizer, listKey: "pretokenizers", what: "pre_tokenizer") {
            let type = step["type"] as? String ?? "?"
            switch type {
            case "Metaspace":
                pipeline.preTokenizers.append(.metaspace(replacement: try string(step["replacement"], "Metaspace.replacement"),
                                                         prependScheme: try prependScheme(step),
                                                         split: step["split"] as? Bool ?? true))
            case "Split":
                guard let delimiter = literal(step["pattern"]), (step["invert"] as? Bool ?? false) == false else {
                    throw TokenizerError.unsupportedPreTokenizerConfig("Split with a regular expression or invert")
                }
                let name = step["behavior"] as? String ?? "?"
                guard let behavior = TextPipeline.SplitBehavior(rawValue: name) else {
                    throw TokenizerError.unsupportedPreTokenizerConfig("Split behavior \(name)")
                }
                pipeline.preTokenizers.append(.split(delimiter: delimiter, behavior: behavior))
            default:
                throw TokenizerError.unsupportedPreTokenizerConfig(type)
            }
        }
        return pipeline
    }

    static func decoder(_ value: Any?) throws -> TokenDecoder {
        var decoder = TokenDecoder()
        for step in try steps(value, listKey: "decoders", what: "decoder") {
            let type = step["type"] as? String ?? "?"
            switch type {
            case "Replace":
                guard let pattern = literal(step["pattern"]), !pattern.isEmpty, let content = step["content"] as? String else {
                    throw TokenizerError.unsupportedDecoder("Replace with a regular expression or without content")
                }
                decoder.steps.append(.replace(pattern, with: Array(content.utf8)))
            case "ByteFallback":
                decoder.steps.append(.byteFallback)
            case "Fuse":
                decoder.steps.append(.fuse)
            case "Strip":
                guard let start = (step["start"] as? NSNumber)?.intValue, let stop = (step["stop"] as? NSNumber)?.intValue,
                      start >= 0, stop >= 0 else {
                    throw TokenizerError.invalidTokenizerJSON("Strip decoder without non-negative start and stop")
                }
                decoder.steps.append(.strip(content: try string(step["content"], "Strip.content"), start: start, stop: stop))
            case "Metaspace":
                decoder.steps.append(.metaspace(replacement: try string(step["replacement"], "Metaspace.replacement"),
                                                prependScheme: try prependScheme(step)))
            case "WordPiece":
                decoder.steps.append(.wordPiece(prefix: Array((step["prefix"] as? String ?? "##").utf8),
                                                cleanup: step["cleanup"] as? Bool ?? true))
            default:
                throw TokenizerError.unsupportedDecoder(type)
            }
        }
        return decoder
    }
}

extension BPETokenizer {
    /// The most token ids a tokenizer.json may define.
    public static let maxJSONVocabulary = TokenizerJSON.maxVocabulary

    /// Builds a byte-level BPE tokenizer from the bytes of a Hugging Face `tokenizer.json` (one
    /// with a ByteLevel pre-tokenizer); `TokenizerJSON(data:).makeTokenizer()` reads every kind.
    ///
    /// ```swift
    /// let tok = try BPETokenizer.fromTokenizerJSON(data: Data(contentsOf: url),
    ///                                              specialTokens: SpecialTokens(bos: 1, eos: 2))
    /// ```
    public static func fromTokenizerJSON(data: Data, specialTokens: SpecialTokens = SpecialTokens(),
                                         addBOS: Bool = false) throws -> BPETokenizer {
        try TokenizerJSON(data: data).makeByteLevelBPE(specialTokens: specialTokens, addBOS: addBOS)
    }

    static let splitPatterns: [String: PreTokenizer] = [
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#: .gpt2,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .llama3,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .qwen2,
    ]

    static func mapPreTokenizer(_ value: Any?) throws -> PreTokenizer {
        guard let config = value as? [String: Any] else {
            throw TokenizerError.unsupportedPreTokenizerConfig("pre_tokenizer is null or not an object")
        }
        let steps: [[String: Any]]
        if config["type"] as? String == "Sequence" {
            guard let list = config["pretokenizers"] as? [[String: Any]] else {
                throw TokenizerError.invalidTokenizerJSON("Sequence pre_tokenizer without pretokenizers")
            }
            steps = list
        } else {
            steps = [config]
        }
        let summary = steps.map { $0["type"] as? String ?? "?" }.joined(separator: ", ")

        func isByteLevel(_ step: [String: Any], useRegex: Bool) -> Bool {
            guard step["type"] as? String == "ByteLevel" else { return false }
            // add_prefix_space would prepend a space to the input; not implemented.
            if step["add_prefix_space"] as? Bool == true { return false }
            return (step["use_regex"] as? Bool ?? true) == useRegex
        }

        switch steps.count {
        case 1 where isByteLevel(steps[0], useRegex: true):
            return .gpt2
        case 1, 2:
            if steps.count == 2, steps[0]["type"] as? String == "Digits",
               steps[0]["individual_digits"] as? Bool == true, isByteLevel(steps[1], useRegex: true) {
                return .smollm
            }
            let split = steps[0]
            if split["type"] as? String == "Split",
               (split["behavior"] as? String) == "Isolated", (split["invert"] as? Bool ?? false) == false,
               let pattern = (split["pattern"] as? [String: Any])?["Regex"] as? String,
               let family = splitPatterns[pattern],
               steps.count == 2, isByteLevel(steps[1], useRegex: false) {
                return family
            }
            throw TokenizerError.unsupportedPreTokenizerConfig(summary)
        default:
            throw TokenizerError.unsupportedPreTokenizerConfig(summary)
        }
    }
}
