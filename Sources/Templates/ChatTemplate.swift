// ChatTemplate.swift — renders a conversation the way HF `apply_chat_template` does.
//
// HF renders `tokenizer.chat_template` with the variables `messages` (a list of dicts with at
// least `role` and `content`), `add_generation_prompt`, `bos_token`, `eos_token`, plus any extra
// keyword arguments (`tools`, `enable_thinking`, `date_string`...), in a sandboxed environment
// with `trim_blocks` and `lstrip_blocks` on and the loop-controls extension. This type does the
// same with `TemplateOptions.huggingFace`.

import Foundation

/// One message of a conversation.
///
/// ```swift
/// let m = ChatMessage(role: "assistant", content: .none,
///                     extra: ["tool_calls": [["function": ["name": "f", "arguments": ["x": 1]]]]])
/// ```
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    /// Usually a string; a list of parts for multimodal messages; `.none` for tool-call-only turns.
    public var content: Value
    /// Further fields the template may read (`tool_calls`, `reasoning_content`, `name`...),
    /// placed after `role` and `content` in this order.
    public var extra: OrderedDict

    public init(role: String, content: Value, extra: OrderedDict = OrderedDict()) {
        self.role = role
        self.content = content
        self.extra = extra
    }

    public init(role: String, content: String) {
        self.init(role: role, content: .string(content))
    }

    /// The dict the template sees.
    public var value: Value {
        var d = OrderedDict()
        d["role"] = .string(role)
        d["content"] = content
        for (k, v) in extra.pairs where k != "role" && k != "content" { try? d.set(k, v) }
        return .dict(d)
    }
}

/// A model's chat template.
///
/// ```swift
/// let template = try ChatTemplate(source: ggufMetadata["tokenizer.chat_template"])
/// let prompt = try template.render(messages: [ChatMessage(role: "user", content: "Hi")],
///                                  addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>")
/// ```
public struct ChatTemplate: Sendable {
    public let template: Template

    /// Compiles `source` with HF's environment settings (or `options`).
    public init(source: String, options: TemplateOptions = .huggingFace) throws {
        self.template = try Template(source, options: options)
    }

    /// Renders a conversation. `extra` adds or overrides template variables (`tools`,
    /// `enable_thinking`, `date_string`...); `now` is what `strftime_now` reports.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, bosToken: String, eosToken: String,
                       extra: [String: Value] = [:], limits: RenderLimits = .default,
                       now: Date = Date()) throws -> String {
        var context: [String: Value] = [
            "messages": .array(messages.map(\.value)),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
        ]
        for (k, v) in extra { context[k] = v }
        return try template.render(context, limits: limits, now: now)
    }

    /// Renders with a context built by the caller.
    public func render(context: [String: Value], limits: RenderLimits = .default, now: Date = Date()) throws -> String {
        try template.render(context, limits: limits, now: now)
    }
}
