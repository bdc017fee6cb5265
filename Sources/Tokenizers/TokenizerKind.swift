// TokenizerKind: builds the right tokenizer from GGUF-style tokenizer metadata given as plain values.
//
// The caller (a GGUF reader elsewhere) extracts the arrays; nothing here knows the file format. The
// GGUF keys each parameter corresponds to:
//   model          tokenizer.ggml.model          "gpt2" (byte-level BPE), "llama" (SentencePiece BPE),
//                                                "bert" (WordPiece) or "t5" (unigram)
//   pre            tokenizer.ggml.pre            pre-tokenizer family name, byte-level BPE only
//   tokens         tokenizer.ggml.tokens
//   merges         tokenizer.ggml.merges         byte-level BPE only, "left right"
//   scores         tokenizer.ggml.scores         SentencePiece and unigram
//   tokenTypes     tokenizer.ggml.token_type
//   bos/eos/unk/pad/eot tokenizer.ggml.{bos,eos,unknown,padding,eot}_token_id
//   addBOS         tokenizer.ggml.add_bos_token
//   addSpacePrefix tokenizer.ggml.add_space_prefix (SentencePiece and unigram)
//   removeExtraWhitespaces tokenizer.ggml.remove_extra_whitespaces (unigram)
//   precompiledCharsmap    tokenizer.ggml.precompiled_charsmap (unigram)
//   lowercase, stripAccents tokenizer.ggml.normalizer.{lowercase,strip_accents} (WordPiece)
//   sep            tokenizer.ggml.seperator_token_id (sic; WordPiece appends it after BOS-framed text)
//   addEOS         tokenizer.ggml.add_eos_token (unigram appends EOS after BOS-framed text)
// Defaults for missing flags follow llama.cpp: SentencePiece models add BOS and a prefix space;
// byte-level models add no BOS except the Llama 3 family, which also skips merging for pieces that
// are whole vocabulary entries ("ignore merges"); WordPiece models add BOS (BERT's [CLS]) and
// lowercase; unigram models add neither BOS nor a prefix space.

/// The tokenizer models this module implements, by their GGUF `tokenizer.ggml.model` names.
public enum TokenizerKind: String, Sendable, CaseIterable {
    /// Byte-level BPE with ranked merges (GPT-2, Llama 3, Qwen 2, SmolLM, ...).
    case byteLevelBPE = "gpt2"
    /// SentencePiece BPE with scores and byte fallback (Llama 2, Mistral v0.1, Gemma, ...).
    case sentencePiece = "llama"
    /// WordPiece with BERT's normalisation (BERT and its embedding-model descendants).
    case wordPiece = "bert"
    /// SentencePiece's unigram model with a precompiled character map (T5, XLM-RoBERTa, ...).
    case unigram = "t5"

    public init(ggufModel: String) throws {
        guard let kind = TokenizerKind(rawValue: ggufModel) else {
            throw TokenizerError.unsupportedModel(name: ggufModel, known: TokenizerKind.allCases.map(\.rawValue))
        }
        self = kind
    }

    /// Pre-tokenizer names for which llama.cpp adds BOS by default and skips merges for whole-vocab pieces.
    static let llama3Names: Set<String> = ["llama3", "llama-v3", "llama-bpe", "falcon3"]

    /// Builds a tokenizer from GGUF-style metadata.
    ///
    /// ```swift
    /// let tok = try TokenizerKind.make(model: "gpt2", pre: "smollm", tokens: tokens, merges: merges,
    ///                                  tokenTypes: types, bos: 1, eos: 2)
    /// ```
    /// - Throws: `TokenizerError.unsupportedModel`, `.unknownPreTokenizer`, `.missingField` (no merges
    ///   for "gpt2", no scores for "llama" or "t5") and the errors of the tokenizer initialisers.
    public static func make(model: String, pre: String? = nil, tokens: [String], merges: [String]? = nil,
                            scores: [Float]? = nil, tokenTypes: [Int32]? = nil,
                            bos: Int? = nil, eos: Int? = nil, unk: Int? = nil, pad: Int? = nil, eot: Int? = nil,
                            addBOS: Bool? = nil, addSpacePrefix: Bool? = nil,
                            removeExtraWhitespaces: Bool? = nil, precompiledCharsmap: [UInt8]? = nil,
                            lowercase: Bool? = nil, stripAccents: Bool? = nil,
                            sep: Int? = nil, addEOS: Bool? = nil) throws -> any Tokenizer {
        let special = SpecialTokens(bos: bos, eos: eos, unk: unk, pad: pad, eot: eot)
        switch try TokenizerKind(ggufModel: model) {
        case .byteLevelBPE:
            guard let merges else { throw TokenizerError.missingField("tokenizer.ggml.merges") }
            // No `tokenizer.ggml.pre`: llama.cpp's default (legacy) split, as llama.cpp does.
            let preTokenizer = try pre.map { try PreTokenizer(ggufName: $0) } ?? .legacy
            let isLlama3 = pre.map(llama3Names.contains) ?? false
            return try BPETokenizer(tokens: tokens, merges: merges, tokenTypes: tokenTypes,
                                    preTokenizer: preTokenizer, specialTokens: special,
                                    addBOS: addBOS ?? isLlama3, ignoreMerges: isLlama3)
        case .sentencePiece:
            guard let scores else { throw TokenizerError.missingField("tokenizer.ggml.scores") }
            return try SentencePieceTokenizer(tokens: tokens, scores: scores, tokenTypes: tokenTypes,
                                              specialTokens: special, addBOS: addBOS ?? true,
                                              addSpacePrefix: addSpacePrefix ?? true)
        case .wordPiece:
            return try WordPieceTokenizer(tokens: tokens, tokenTypes: tokenTypes, specialTokens: special,
                                          addBOS: addBOS ?? true, lowercase: lowercase ?? true,
                                          stripAccents: stripAccents, separator: sep)
        case .unigram:
            guard let scores else { throw TokenizerError.missingField("tokenizer.ggml.scores") }
            return try UnigramTokenizer(tokens: tokens, scores: scores, tokenTypes: tokenTypes,
                                        specialTokens: special, addBOS: addBOS ?? false,
                                        addSpacePrefix: addSpacePrefix ?? false,
                                        removeExtraWhitespaces: removeExtraWhitespaces ?? false,
                                        addEOS: addEOS ?? false,
                                        precompiledCharsmap: precompiledCharsmap)
        }
    }
}
