// Chat templates: parse the input as a template, then render it under the default sandbox limits
// with the variables Hugging Face passes (a short conversation, tools, special tokens).

import Foundation
import Templates

private let messages: [ChatMessage] = [
    ChatMessage(role: "system", content: "You are terse."),
    ChatMessage(role: "user", content: "Hello <b>there</b> & 'quotes'"),
    ChatMessage(role: "assistant", content: "Hi."),
    ChatMessage(role: "user", content: "List three numbers."),
]
private let extra: [String: Value] = [
    "tools": .array([.dict(OrderedDict([("name", .string("calc")), ("description", .string("adds")),
                                        ("parameters", .dict(OrderedDict([("a", .int(1)), ("b", .double(2.5))])))]))]),
    "enable_thinking": .bool(false),
    "date_string": .string("03 Dec 2026"),
]
private let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

extension FuzzTargets {
    /// One input of the `fuzz-template` harness.
    public static func template(_ data: Data) {
        let source = String(decoding: data, as: UTF8.self)
        guard let template = try? ChatTemplate(source: source) else { return }
        _ = try? template.render(messages: messages, addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>",
                                 extra: extra, now: fixedNow)
        _ = try? template.render(messages: [], addGenerationPrompt: false, bosToken: "", eosToken: "", now: fixedNow)
    }
}
