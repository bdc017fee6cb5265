// Chat templates: parse the input as a template, then render it under the default sandbox limits
// with the variables Hugging Face passes (a short conversation, tools, special tokens).

import FuzzSupport
import Foundation
import Templates

let messages: [ChatMessage] = [
    ChatMessage(role: "system", content: "You are terse."),
    ChatMessage(role: "user", content: "Hello <b>there</b> & 'quotes'"),
    ChatMessage(role: "assistant", content: "Hi."),
    ChatMessage(role: "user", content: "List three numbers."),
]
let extra: [String: Value] = [
    "tools": .array([.dict(OrderedDict([("name", .string("calc")), ("description", .string("adds")),
                                        ("parameters", .dict(OrderedDict([("a", .int(1)), ("b", .double(2.5))])))]))]),
    "enable_thinking": .bool(false),
    "date_string": .string("03 Dec 2026"),
]
let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let source = String(decoding: fuzzData(bytes, count), as: UTF8.self)
    guard let template = try? ChatTemplate(source: source) else { return 0 }
    _ = try? template.render(messages: messages, addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>",
                             extra: extra, now: fixedNow)
    _ = try? template.render(messages: [], addGenerationPrompt: false, bosToken: "", eosToken: "", now: fixedNow)
    return 0
}
