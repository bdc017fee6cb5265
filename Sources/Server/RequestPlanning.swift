// From a decoded request to a GenerationPlan: the prompt's tokens, sampling settings, the bundle
// and mode S uses, what to report. Every out-of-range value is a 400 naming its field.

import Foundation
import Models
import Supervisor

/// Limits a request is checked against.
struct PlanningLimits {
    var contextLength: Int
    var bundles: [LoadedBundle]
    var mode: SupervisionMode
    var steering: SteeringCatalog
}

enum RequestPlanning {
    /// The sampling and supervision part both endpoints share; `prompt` already tokenized.
    static func plan(_ f: SamplingFields, prompt: [Int], logprobs: Int?, model: LanguageModel,
                     limits: PlanningLimits, promptParam: String) throws -> GenerationPlan {
        if let n = f.n, n != 1 {
            throw APIError.badRequest("only n = 1 is supported (got \(n))", param: "n", code: "unsupported_value")
        }
        guard !prompt.isEmpty else { throw APIError.badRequest("the prompt is empty", param: promptParam) }
        let vocab = model.config.vocab
        if let bad = prompt.first(where: { $0 < 0 || $0 >= vocab }) {
            throw APIError.badRequest("token id \(bad) is outside the vocabulary (0..<\(vocab))", param: promptParam)
        }
        guard prompt.count < limits.contextLength else {
            throw APIError.badRequest("the prompt has \(prompt.count) tokens; the context holds \(limits.contextLength) (at least one must be left to generate)",
                                      param: promptParam, code: "context_length_exceeded")
        }
        let room = limits.contextLength - prompt.count
        let maxTokens: Int
        if let m = f.maxCompletionTokens ?? f.maxTokens {
            let name = f.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens"
            guard m >= 1 else { throw APIError.badRequest("\(name) must be ≥ 1 (got \(m))", param: name) }
            maxTokens = min(m, room)
        } else {
            maxTokens = room
        }

        var sampling = SamplingOptions()
        // OpenAI's default temperature is 1; 0 is greedy.
        let temperature = f.temperature ?? 1
        guard temperature >= 0, temperature <= 2 else {
            throw APIError.badRequest("temperature must be between 0 and 2 (got \(temperature))", param: "temperature")
        }
        sampling.temperature = Float(temperature)
        if let p = f.topP {
            guard p > 0, p <= 1 else { throw APIError.badRequest("top_p must be in (0, 1] (got \(p))", param: "top_p") }
            sampling.topP = Float(p)
        }
        if let k = f.topK {
            guard k >= 0 else { throw APIError.badRequest("top_k must be ≥ 0 (got \(k))", param: "top_k") }
            sampling.topK = k
        }
        if let m = f.minP {
            guard m >= 0, m <= 1 else { throw APIError.badRequest("min_p must be in [0, 1] (got \(m))", param: "min_p") }
            sampling.minP = Float(m)
        }
        if let r = f.repeatPenalty {
            guard r > 0, r.isFinite else { throw APIError.badRequest("repeat_penalty must be > 0 (got \(r))", param: "repeat_penalty") }
            sampling.repetitionPenalty = Float(r)
        }
        // Without a seed a request draws one; it is recorded in the run's summary receipt, so
        // the run still replays.
        sampling.seed = f.seed?.value ?? UInt64.random(in: 0...UInt64.max)

        let stops = f.stop?.values ?? []
        guard stops.count <= 16 else { throw APIError.badRequest("at most 16 stop strings (got \(stops.count))", param: "stop") }
        guard !stops.contains(where: \.isEmpty) else { throw APIError.badRequest("stop strings must not be empty", param: "stop") }

        let choice = try supervision(f.overseer, limits: limits)
        var steering: SteeringAttachment?
        if let edits = f.overseer?.steer, !edits.isEmpty {
            steering = SteeringAttachment(plan: try limits.steering.plan(edits, supervisorBundle: choice?.bundle.policy.bundlePath,
                                                                         model: model.config))
        }
        return GenerationPlan(promptTokens: prompt,
                              options: GenerationOptions(maxTokens: maxTokens, sampling: sampling, stopStrings: stops),
                              supervision: choice, logprobs: logprobs, streamScores: f.overseer?.scores ?? false,
                              steering: steering)
    }

    /// The bundle (by name, default the first loaded) and mode; the request may lower the async lag.
    static func supervision(_ o: OverseerRequestOptions?, limits: PlanningLimits) throws -> SupervisionChoice? {
        guard let first = limits.bundles.first else {
            if o?.bundle != nil || o?.lag != nil || o?.scores == true {
                throw APIError.badRequest("the server runs without a supervisor bundle", param: "overseer")
            }
            return nil
        }
        var bundle = first
        if let name = o?.bundle {
            guard let b = limits.bundles.first(where: { $0.name == name }) else {
                throw APIError.badRequest("no loaded bundle named '\(name)' (loaded: \(limits.bundles.map(\.name).joined(separator: ", ")))",
                                          param: "overseer.bundle")
            }
            bundle = b
        }
        var mode = limits.mode
        if let lag = o?.lag {
            guard case .async(let maxLag) = limits.mode else {
                throw APIError.badRequest("the server runs S in sync mode; a lag applies to async mode only", param: "overseer.lag")
            }
            guard lag >= 0, lag <= maxLag else {
                throw APIError.badRequest("overseer.lag must be in 0...\(maxLag) (the server's --lag)", param: "overseer.lag")
            }
            mode = .async(lag: lag)
        }
        return SupervisionChoice(bundle: bundle, mode: mode)
    }

    /// Chat messages → prompt tokens through the model's chat template.
    static func chatPrompt(_ messages: [ChatMessageIn], model: LanguageModel) throws -> [Int] {
        guard !messages.isEmpty else { throw APIError.badRequest("messages must not be empty", param: "messages") }
        var turns: [ChatTurn] = []
        for (i, m) in messages.enumerated() {
            let role: String
            switch m.role {
            case "system", "developer": role = "system"
            case "user", "assistant": role = m.role
            default:
                throw APIError.badRequest("role '\(m.role)' is not supported (system, developer, user, assistant)",
                                          param: "messages[\(i)].role")
            }
            turns.append(ChatTurn(role: role, content: m.content?.text ?? ""))
        }
        do {
            return try model.chatTokens(turns, addGenerationPrompt: true)
        } catch {
            throw APIError.badRequest("cannot apply the model's chat template: \(error)", param: "messages")
        }
    }

    static func chatLogprobs(_ r: ChatCompletionRequest) throws -> Int? {
        if let k = r.topLogprobs {
            guard r.logprobs == true else {
                throw APIError.badRequest("top_logprobs needs logprobs: true", param: "top_logprobs")
            }
            guard k >= 0, k <= 20 else { throw APIError.badRequest("top_logprobs must be in 0...20 (got \(k))", param: "top_logprobs") }
            return k
        }
        return r.logprobs == true ? 0 : nil
    }

    static func completionLogprobs(_ r: CompletionRequest) throws -> Int? {
        guard let k = r.logprobs else { return nil }
        guard k >= 0, k <= 5 else { throw APIError.badRequest("logprobs must be in 0...5 (got \(k))", param: "logprobs") }
        return k
    }

    static func completionPrompt(_ r: CompletionRequest, model: LanguageModel) throws -> [Int] {
        if r.echo == true { throw APIError.badRequest("echo is not supported", param: "echo") }
        switch r.prompt {
        case .text(let s):
            return try model.promptTokens(s, chat: false)
        case .tokens(let ids):
            return ids
        }
    }
}
