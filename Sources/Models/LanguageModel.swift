// A runnable language model: the transformer, its tokenizer, and its chat template, loaded from
// a GGUF file or a Hugging Face folder.

import Formats
import Foundation
import Kernels
import Templates
import Tokenizers

/// One turn of a conversation.
public struct ChatTurn: Sendable, Codable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

public final class LanguageModel: @unchecked Sendable {
    // @unchecked Sendable: immutable; the tokenizer existential is read-only after loading.
    public let transformer: Transformer
    public let tokenizer: any Tokenizer
    /// The chat template's source, when the file has one.
    public let chatTemplateSource: String?
    /// Where the model was loaded from.
    public let url: URL
    /// Token ids that end generation (EOS and the end-of-turn tokens of common chat formats).
    public let endOfGeneration: Set<Int>
    /// A human-readable description of the file's format, for `inspect`.
    public let formatSummary: [String: String]

    private let template: ChatTemplate?

    init(transformer: Transformer, tokenizer: any Tokenizer, chatTemplate: String?, url: URL,
         formatSummary: [String: String]) throws {
        self.transformer = transformer
        self.tokenizer = tokenizer
        self.chatTemplateSource = chatTemplate
        self.url = url
        self.formatSummary = formatSummary
        template = try chatTemplate.map { try ChatTemplate(source: $0) }
        var eog = Set<Int>()
        if let eos = tokenizer.specialTokens.eos { eog.insert(eos) }
        for text in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "<end_of_turn>", "<|eom_id|>"] {
            if let id = tokenizer.id(forToken: text), tokenizer.tokenType(id) == .control { eog.insert(id) }
        }
        endOfGeneration = eog
    }

    public var config: ModelConfig { transformer.config }

    /// The same tokenizer, template and file over other weights (the model with a LoRA adapter
    /// merged in): `notes` are added to `formatSummary` so `inspect` and the supervisor can say
    /// what changed. The identity (`url`, hence the file hash) stays the base file's.
    public func replacingTransformer(_ transformer: Transformer, notes: [String: String]) throws -> LanguageModel {
        try LanguageModel(transformer: transformer, tokenizer: tokenizer, chatTemplate: chatTemplateSource, url: url,
                          formatSummary: formatSummary.merging(notes) { $1 })
    }

    /// Loads a model by path (GGUF file or Hugging Face folder) or known short name.
    public static func load(_ nameOrPath: String) throws -> LanguageModel {
        let url = try ModelStore.resolve(nameOrPath)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if isDirectory.boolValue { return try loadHuggingFace(folder: url) }
        return try loadGGUF(url)
    }

    /// Prompt tokens for `text`: plain text (special-token look-alikes stay text), with BOS
    /// when the model asks for it; or, with `chat`, the chat template rendered around a user turn.
    public func promptTokens(_ text: String, chat: Bool, system: String? = nil) throws -> [Int] {
        if chat {
            var turns: [ChatTurn] = []
            if let system { turns.append(ChatTurn(role: "system", content: system)) }
            turns.append(ChatTurn(role: "user", content: text))
            return try chatTokens(turns, addGenerationPrompt: true)
        }
        return tokenizer.encode(text, parseSpecialTokens: false, addBOS: tokenizer.addBOS)
    }

    /// Renders `turns` with the model's template and tokenizes it. Special tokens are recognised
    /// only in the template's own text: every message's content is encoded as plain text.
    public func chatTokens(_ turns: [ChatTurn], addGenerationPrompt: Bool) throws -> [Int] {
        guard let template else { throw ModelError.missingMetadata("tokenizer.chat_template") }
        // Render with placeholder contents, then splice in the contents encoded as plain text,
        // so text a user typed can never turn into control tokens.
        let marks = turns.indices.map { "\u{E000}OVERSEER-CONTENT-\($0)\u{E001}" }
        let messages = zip(turns, marks).map { ChatMessage(role: $0.role, content: $1) }
        let bos = tokenizer.specialTokens.bos.flatMap { tokenizer.token($0) } ?? ""
        let eos = tokenizer.specialTokens.eos.flatMap { tokenizer.token($0) } ?? ""
        let rendered = try template.render(messages: messages, addGenerationPrompt: addGenerationPrompt,
                                           bosToken: bos, eosToken: eos)
        var ids: [Int] = []
        var rest = Substring(rendered)
        for (i, mark) in marks.enumerated() {
            guard let r = rest.range(of: mark) else { continue }
            ids += tokenizer.encode(String(rest[..<r.lowerBound]), parseSpecialTokens: true, addBOS: false)
            ids += tokenizer.encode(turns[i].content, parseSpecialTokens: false, addBOS: false)
            rest = rest[r.upperBound...]
        }
        ids += tokenizer.encode(String(rest), parseSpecialTokens: true, addBOS: false)
        if tokenizer.addBOS, let b = tokenizer.specialTokens.bos, ids.first != b { ids.insert(b, at: 0) }
        return ids
    }
}
