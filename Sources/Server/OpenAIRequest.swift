// Request bodies of /v1/chat/completions and /v1/completions, decoded as OpenAI defines them.
//
// Fields that take several shapes in OpenAI's API are decoded into one Swift type each:
// `content` (a string, or an array of `{"type": "text", "text": ...}` parts), `stop` (a string or an
// array of strings), `prompt` (a string, an array of one string, or an array of token ids).
// Unknown fields are ignored, as OpenAI ignores them; a known field of the wrong type is a 400
// naming the field.

import Foundation
import Steering

/// Per-request supervision settings: the `overseer` extension object.
public struct OverseerRequestOptions: Decodable, Sendable, Equatable {
    /// Name of a loaded bundle (default: the first one given to `--supervisor`).
    public var bundle: String?
    /// Async mode: how many tokens S may fall behind (at most the server's `--lag`).
    public var lag: Int?
    /// Stream each rule's aggregate score for every judged position.
    public var scores: Bool?
    /// Steering edits for this request (sources by the names the server offers).
    public var steer: [EditRequest]?
}

struct StreamOptions: Decodable, Equatable {
    var includeUsage: Bool?
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// `stop`: a string or an array of strings.
struct StopList: Decodable, Equatable {
    var values: [String]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { values = [] } else if let s = try? c.decode(String.self) { values = [s] } else {
            values = try c.decode([String].self)
        }
    }
}

/// A message's `content`: a string, null, or an array of parts of which only text is accepted.
struct MessageContent: Decodable, Equatable {
    var text: String
    struct Part: Decodable {
        var type: String
        var text: String?
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { text = ""; return }
        if let s = try? c.decode(String.self) { text = s; return }
        let parts = try c.decode([Part].self)
        var out = ""
        for p in parts {
            guard p.type == "text", let t = p.text else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "only text content parts are supported (got '\(p.type)')")
            }
            out += t
        }
        text = out
    }
}

struct ChatMessageIn: Decodable, Equatable {
    var role: String
    var content: MessageContent?
}

/// `prompt` of /v1/completions.
enum PromptInput: Decodable, Equatable {
    case text(String)
    case tokens([Int])
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s); return }
        if let ids = try? c.decode([Int].self) { self = .tokens(ids); return }
        if let many = try? c.decode([String].self) {
            guard many.count == 1 else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "only one prompt per request is supported (got \(many.count))")
            }
            self = .text(many[0])
            return
        }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a string, an array of one string or an array of token ids")
    }
}

/// `seed`: any JSON integer (negative ones are taken as their 64-bit two's complement).
struct SeedValue: Decodable, Equatable {
    var value: UInt64
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let u = try? c.decode(UInt64.self) { value = u } else { value = UInt64(bitPattern: try c.decode(Int64.self)) }
    }
}

/// Fields both endpoints share.
struct SamplingFields: Decodable, Equatable {
    var model: String?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var topP: Double?
    var seed: SeedValue?
    var stop: StopList?
    var n: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var overseer: OverseerRequestOptions?
    // llama.cpp's extensions, accepted for drop-in use.
    var topK: Int?
    var minP: Double?
    var repeatPenalty: Double?

    enum CodingKeys: String, CodingKey {
        case model, temperature, seed, stop, n, stream, overseer
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", topP = "top_p"
        case streamOptions = "stream_options", topK = "top_k", minP = "min_p", repeatPenalty = "repeat_penalty"
    }
}

struct ChatCompletionRequest: Decodable {
    var fields: SamplingFields
    var messages: [ChatMessageIn]
    var logprobs: Bool?
    var topLogprobs: Int?
    enum CodingKeys: String, CodingKey { case messages, logprobs, topLogprobs = "top_logprobs" }
    init(from decoder: Decoder) throws {
        fields = try SamplingFields(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messages = try c.decode([ChatMessageIn].self, forKey: .messages)
        logprobs = try c.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try c.decodeIfPresent(Int.self, forKey: .topLogprobs)
    }
}

struct CompletionRequest: Decodable {
    var fields: SamplingFields
    var prompt: PromptInput
    /// Legacy completions: the number of most likely tokens to list (0–5); null for none.
    var logprobs: Int?
    var echo: Bool?
    enum CodingKeys: String, CodingKey { case prompt, logprobs, echo }
    init(from decoder: Decoder) throws {
        fields = try SamplingFields(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try c.decode(PromptInput.self, forKey: .prompt)
        logprobs = try c.decodeIfPresent(Int.self, forKey: .logprobs)
        echo = try c.decodeIfPresent(Bool.self, forKey: .echo)
    }
}

/// Decodes a request body; a malformed one is a 400 naming the field.
func decodeRequest<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    guard !data.isEmpty else { throw APIError.badRequest("the request body is empty; expected a JSON object") }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let e as DecodingError {
        throw APIError.badRequest(describe(e), param: param(of: e))
    } catch {
        throw APIError.badRequest("the request body is not valid JSON: \(error.localizedDescription)")
    }
}

private func path(_ codingPath: [CodingKey]) -> String? {
    guard !codingPath.isEmpty else { return nil }
    var s = ""
    for key in codingPath {
        if let i = key.intValue { s += "[\(i)]" } else { s += s.isEmpty ? key.stringValue : "." + key.stringValue }
    }
    return s
}

private func param(of e: DecodingError) -> String? {
    switch e {
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return path(c.codingPath)
    case .keyNotFound(let k, let c): return path(c.codingPath + [k])
    @unknown default: return nil
    }
}

private func describe(_ e: DecodingError) -> String {
    switch e {
    case .keyNotFound(let k, _):
        return "missing required field '\(path([k]) ?? k.stringValue)'"
    case .typeMismatch(let t, let c):
        return "'\(path(c.codingPath) ?? "body")' has the wrong type (expected \(t))"
    case .valueNotFound(let t, let c):
        return "'\(path(c.codingPath) ?? "body")' is null (expected \(t))"
    case .dataCorrupted(let c):
        if c.codingPath.isEmpty { return "the request body is not valid JSON" }
        return "'\(path(c.codingPath) ?? "body")': \(c.debugDescription)"
    @unknown default:
        return "invalid request body"
    }
}
