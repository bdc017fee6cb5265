// TokenizerJSON: builds a BPETokenizer from a Hugging Face `tokenizer.json`.
//
// What is read:
//   model.type       must be "BPE" (with byte_fallback off: SentencePiece-style tokenizer.json files
//                    are not supported here)
//   model.vocab      { token: id }
//   model.merges     either "left right" strings (older files) or ["left", "right"] pairs (newer)
//   model.ignore_merges
//   added_tokens     [{ id, content, special }]: special ones become control tokens, the others
//                    user-defined tokens; ids past the model vocabulary extend it (Llama 3 does this),
//                    and any ids left unassigned become unused placeholder tokens
//   normalizer       must be null
//   pre_tokenizer    mapped to a PreTokenizer:
//                      ByteLevel(use_regex: true)                                -> .gpt2
//                      Sequence[Digits(individual_digits: true), ByteLevel(use_regex: true)] -> .smollm
//                      Sequence[Split(Regex: P, behavior: Isolated), ByteLevel(use_regex: false)],
//                        P being the gpt2, llama3 or qwen2 expression (see PreTokenizer.swift)
//                                                                                -> that family
//                    anything else throws `TokenizerError.unsupportedPreTokenizerConfig` — there is
//                    no silent fallback, since a different split gives different ids.
// tokenizer.json does not say which tokens are BOS/EOS (tokenizer_config.json does), so the caller
// passes them.

import Foundation

extension BPETokenizer {
    /// The most token ids a tokenizer.json may define (2^24, far above any real vocabulary).
    public static let maxJSONVocabulary = 1 << 24
    /// Builds a byte-level BPE tokenizer from the bytes of a Hugging Face `tokenizer.json`.
    ///
    /// ```swift
    /// let tok = try BPETokenizer.fromTokenizerJSON(data: Data(contentsOf: url),
    ///                                              specialTokens: SpecialTokens(bos: 1, eos: 2))
    /// ```
    public static func fromTokenizerJSON(data: Data, specialTokens: SpecialTokens = SpecialTokens(),
                                         addBOS: Bool = false) throws -> BPETokenizer {
        let root: [String: Any]
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
        let type = model["type"] as? String ?? "(missing)"
        guard type == "BPE" else { throw TokenizerError.unsupportedModel(name: type, known: ["BPE"]) }
        if model["byte_fallback"] as? Bool == true {
            throw TokenizerError.unsupportedModel(name: "BPE with byte_fallback (SentencePiece style)", known: ["BPE"])
        }
        if let normalizer = root["normalizer"], !(normalizer is NSNull) {
            let name = (normalizer as? [String: Any])?["type"] as? String ?? "\(normalizer)"
            throw TokenizerError.unsupportedNormalizer(name)
        }
        let preTokenizer = try mapPreTokenizer(root["pre_tokenizer"])

        // Vocabulary: model vocab plus added tokens, indexed by id.
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw TokenizerError.invalidTokenizerJSON("model.vocab is not an object")
        }
        var byID: [Int: String] = [:]
        for (token, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, id >= 0 else {
                throw TokenizerError.invalidTokenizerJSON("vocab id of \(token.debugDescription) is not a non-negative integer")
            }
            byID[id] = token
        }
        var addedTypes: [Int: Int32] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = (entry["id"] as? NSNumber)?.intValue, id >= 0, let content = entry["content"] as? String else {
                throw TokenizerError.invalidTokenizerJSON("added token without id or content: \(entry)")
            }
            byID[id] = content
            addedTypes[id] = (entry["special"] as? Bool ?? false) ? TokenType.control.rawValue : TokenType.userDefined.rawValue
        }
        guard let maxID = byID.keys.max() else { throw TokenizerError.emptyVocabulary }
        // The id table is sized from the data: gaps between ids (unused slots) are allowed, but
        // not more of them than the file has tokens, so a small file cannot make the loader
        // allocate gigabytes for one huge id. 2^24 ids is far above any real vocabulary.
        guard maxID < BPETokenizer.maxJSONVocabulary, maxID < 2 * byID.count + 1024 else {
            throw TokenizerError.invalidTokenizerJSON(
                "token id \(maxID) is out of proportion to the \(byID.count) tokens in the file (at most \(min(BPETokenizer.maxJSONVocabulary, 2 * byID.count + 1024) - 1))")
        }
        var tokens: [String] = []
        var types: [Int32] = []
        tokens.reserveCapacity(maxID + 1)
        types.reserveCapacity(maxID + 1)
        for id in 0...maxID {
            if let token = byID[id] {
                tokens.append(token)
                types.append(addedTypes[id] ?? TokenType.normal.rawValue)
            } else {
                tokens.append("<unused_\(id)>")
                types.append(TokenType.unused.rawValue)
            }
        }

        guard let rawMerges = model["merges"] as? [Any] else {
            throw TokenizerError.invalidTokenizerJSON("model.merges is not an array")
        }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(rawMerges.count)
        for (index, merge) in rawMerges.enumerated() {
            if let text = merge as? String {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw TokenizerError.malformedMerge(index: index, text: text)
                }
                pairs.append((String(parts[0]), String(parts[1])))
            } else if let pair = merge as? [String], pair.count == 2 {
                pairs.append((pair[0], pair[1]))
            } else {
                throw TokenizerError.malformedMerge(index: index, text: "\(merge)")
            }
        }

        return try BPETokenizer(tokens: tokens, mergePairs: pairs, tokenTypes: types, preTokenizer: preTokenizer,
                                specialTokens: specialTokens, addBOS: addBOS,
                                ignoreMerges: model["ignore_merges"] as? Bool ?? false)
    }

    /// The regular expressions that identify each family in a `Split` pre-tokenizer.
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
