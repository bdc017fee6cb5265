// Response bodies and stream chunks, in OpenAI's shapes, plus the `overseer` object every
// response and every stream's final chunk carries.
//
// Optional fields OpenAI always sends as null (finish_reason, logprobs) are encoded as null here
// too, so strict clients see the shape they expect.

import Foundation
import Steering
import Supervisor

struct Usage: Encodable, Equatable {
    var promptTokens: Int
    var completionTokens: Int
    var totalTokens: Int { promptTokens + completionTokens }
    enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens" }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(totalTokens, forKey: .totalTokens)
    }
}

/// One token's log-probability and the most likely alternatives (chat format).
struct TokenLogprob: Encodable, Equatable, Sendable {
    struct Alternative: Encodable, Equatable, Sendable {
        var token: String
        var logprob: Float
        var bytes: [UInt8]
    }
    var token: String
    var logprob: Float
    var bytes: [UInt8]
    var topLogprobs: [Alternative]
    enum CodingKeys: String, CodingKey { case token, logprob, bytes, topLogprobs = "top_logprobs" }
}

struct ChatLogprobs: Encodable, Equatable {
    var content: [TokenLogprob]
}

/// Legacy completions' log-probability lists, parallel to the tokens.
struct CompletionLogprobs: Encodable, Equatable {
    var tokens: [String]
    var tokenLogprobs: [Float]
    var topLogprobs: [[String: Float]]
    var textOffset: [Int]
    enum CodingKeys: String, CodingKey { case tokens, tokenLogprobs = "token_logprobs", topLogprobs = "top_logprobs", textOffset = "text_offset" }

    init(_ entries: [TokenLogprob], startOffset: Int) {
        tokens = entries.map(\.token)
        tokenLogprobs = entries.map(\.logprob)
        topLogprobs = entries.map { e in Dictionary(e.topLogprobs.map { ($0.token, $0.logprob) }, uniquingKeysWith: max) }
        var offset = startOffset
        textOffset = entries.map { e in defer { offset += e.token.count }; return offset }
    }
}

/// A verdict as the API shows it.
struct VerdictJSON: Codable, Equatable {
    var kind: String
    var action: String
    var rule: String?
    var detector: String?
    var tap: String?
    var position: Int
    var generatedIndex: Int?
    var token: String?
    var score: Float?
    var threshold: Float?
    var cause: String?
    var reason: String?
    enum CodingKeys: String, CodingKey {
        case kind, action, rule, detector, tap, position, token, score, threshold, cause, reason
        case generatedIndex = "generated_index"
    }

    init(_ v: Verdict) {
        kind = v.kind.rawValue
        action = v.action.rawValue
        rule = v.rule
        detector = v.detector
        tap = v.tap
        position = v.position
        generatedIndex = v.generatedIndex
        token = v.tokenText
        score = v.score?.value
        threshold = v.threshold?.value
        cause = v.cause?.rawValue
        reason = v.reason
    }
}

/// Rule aggregates at one judged position (null where a rule is out of scope).
struct ScoreRowJSON: Codable, Equatable {
    var position: Int
    var rules: [String: Float?]
}

/// The `overseer` object: what S did for this request and where its receipts are.
struct OverseerJSON: Encodable, Equatable {
    struct BundleJSON: Encodable, Equatable {
        var name: String
        var sha256: String
    }
    var runID: String
    var bundle: BundleJSON?
    var mode: String?
    var lag: Int?
    var halted: Bool?
    /// The run's own finish reason (eos, stop, length, context, halted, cancelled).
    var finishReason: String?
    var verdicts: [VerdictJSON]?
    /// Sequence numbers of the event receipts, then of the summary receipt.
    var receipts: [Int64]?
    var summaryReceipt: Int64?
    var scores: [ScoreRowJSON]?
    /// The request's steering plan as recorded (sources and vectors with their SHA-256), and
    /// the SHA-256 of its canonical JSON.
    var steering: SteeringSpec?
    var steeringSHA256: String?
    enum CodingKeys: String, CodingKey {
        case runID = "run_id", bundle, mode, lag, halted, finishReason = "finish_reason", verdicts, receipts
        case summaryReceipt = "summary_receipt", scores, steering, steeringSHA256 = "steering_sha256"
    }
}

struct ChatMessageOut: Encodable, Equatable {
    var role = "assistant"
    var content: String
}

struct ChatDelta: Encodable, Equatable {
    var role: String?
    var content: String?
}

struct ChatChoice: Encodable {
    var index = 0
    var message: ChatMessageOut
    var logprobs: ChatLogprobs?
    var finishReason: String
    enum CodingKeys: String, CodingKey { case index, message, logprobs, finishReason = "finish_reason" }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(message, forKey: .message)
        try c.encode(logprobs, forKey: .logprobs)
        try c.encode(finishReason, forKey: .finishReason)
    }
}

struct ChatChunkChoice: Encodable {
    var index = 0
    var delta: ChatDelta
    var logprobs: ChatLogprobs?
    var finishReason: String?
    enum CodingKeys: String, CodingKey { case index, delta, logprobs, finishReason = "finish_reason" }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(delta, forKey: .delta)
        try c.encode(logprobs, forKey: .logprobs)
        try c.encode(finishReason, forKey: .finishReason)
    }
}

struct CompletionChoice: Encodable {
    var index = 0
    var text: String
    var logprobs: CompletionLogprobs?
    var finishReason: String?
    enum CodingKeys: String, CodingKey { case index, text, logprobs, finishReason = "finish_reason" }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(text, forKey: .text)
        try c.encode(logprobs, forKey: .logprobs)
        try c.encode(finishReason, forKey: .finishReason)
    }
}

/// A whole response or one stream chunk: `object` tells which. `choices` holds ChatChoice,
/// ChatChunkChoice or CompletionChoice.
struct CompletionEnvelope<Choice: Encodable>: Encodable {
    var id: String
    var object: String
    var created: Int
    var model: String
    var systemFingerprint: String?
    var choices: [Choice]
    var usage: Usage?
    var overseer: OverseerJSON?
    enum CodingKeys: String, CodingKey {
        case id, object, created, model, systemFingerprint = "system_fingerprint", choices, usage, overseer
    }
}

struct ModelList: Encodable {
    struct Entry: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "overseer"
        var bundles: [OverseerJSON.BundleJSON]
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by", bundles }
    }
    var object = "list"
    var data: [Entry]
}
