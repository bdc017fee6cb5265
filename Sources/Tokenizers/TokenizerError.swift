// TokenizerError: the one error type of the Tokenizers module.
//
// Every failure caused by input the caller passed in (a vocabulary, a merge list, a tokenizer.json,
// a GGUF metadata value) surfaces as one of these cases, never as a trap. Encoding and decoding
// themselves cannot fail: text that the vocabulary cannot represent falls back to byte tokens or
// the unknown token, and ids outside the vocabulary decode to U+FFFD.

/// Errors thrown while building a tokenizer from vocabulary data.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// The token list was empty.
    case emptyVocabulary
    /// `tokenTypes` (or scores) did not have one entry per token.
    case countMismatch(what: String, expected: Int, got: Int)
    /// A merge rule was not two space-separated (or paired) token strings.
    case malformedMerge(index: Int, text: String)
    /// A special-token id (bos, eos, unk, pad) was outside the vocabulary.
    case specialTokenOutOfRange(name: String, id: Int, vocabularySize: Int)
    /// `tokenizer.ggml.pre` (or an equivalent) named a pre-tokenizer this module does not implement.
    case unknownPreTokenizer(name: String, known: [String])
    /// `tokenizer.ggml.model` (or tokenizer.json `model.type`) named an unsupported tokenizer model.
    case unsupportedModel(name: String, known: [String])
    /// A tokenizer.json pre-tokenizer configuration that maps to none of the implemented splits.
    case unsupportedPreTokenizerConfig(String)
    /// A tokenizer.json (or another structured input) was not shaped as expected.
    case invalidTokenizerJSON(String)
    /// A tokenizer.json normalizer this module does not implement (byte-level models take none).
    case unsupportedNormalizer(String)
    /// A tokenizer.json decoder step this module does not implement.
    case unsupportedDecoder(String)
    /// A value needed to build the tokenizer was missing (for example scores for a SentencePiece model).
    case missingField(String)
    /// A unigram model's precompiled character map (`tokenizer.ggml.precompiled_charsmap`) was malformed.
    case invalidCharsMap(String)

    public var description: String {
        switch self {
        case .emptyVocabulary:
            return "tokenizer vocabulary is empty"
        case let .countMismatch(what, expected, got):
            return "\(what) has \(got) entries but the vocabulary has \(expected) tokens"
        case let .malformedMerge(index, text):
            return "merge #\(index) is not a pair of tokens separated by one space: \(text.debugDescription)"
        case let .specialTokenOutOfRange(name, id, size):
            return "\(name) token id \(id) is outside the vocabulary (size \(size))"
        case let .unknownPreTokenizer(name, known):
            return "unknown pre-tokenizer \(name.debugDescription); known: \(known.joined(separator: ", "))"
        case let .unsupportedModel(name, known):
            return "unsupported tokenizer model \(name.debugDescription); supported: \(known.joined(separator: ", "))"
        case let .unsupportedPreTokenizerConfig(detail):
            return "unsupported pre-tokenizer configuration: \(detail)"
        case let .invalidTokenizerJSON(detail):
            return "invalid tokenizer.json: \(detail)"
        case let .unsupportedNormalizer(detail):
            return "unsupported tokenizer.json normalizer: \(detail)"
        case let .unsupportedDecoder(detail):
            return "unsupported tokenizer.json decoder: \(detail)"
        case let .missingField(name):
            return "missing tokenizer field: \(name)"
        case let .invalidCharsMap(detail):
            return "invalid precompiled character map: \(detail)"
        }
    }
}
