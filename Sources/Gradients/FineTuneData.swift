// Fine-tuning data sets: JSONL, one example per line, in one of three shapes:
//
//   {"text": "..."}                                    plain text; every token after the first is scored
//   {"prompt": "...", "completion": "..."}             a user turn and the assistant's reply, through
//                                                      the chat template; only the reply is scored
//   {"messages": [{"role": "...", "content": "..."}, ...]}
//                                                      a conversation; only the last turn (the
//                                                      assistant's) is scored
//
// "Only the reply is scored": the conversation is rendered twice, without the last turn but
// with the generation prompt (the prefix), and whole; the tokens past the prefix — the reply
// and the template's end-of-turn marks — carry the loss. Blank lines are skipped; anything
// else that is not one of the shapes is a typed error naming the line.

import Foundation
import Models

public struct FineTuneDataset: Sendable {
    public var examples: [TrainingExample]

    public init(examples: [TrainingExample]) { self.examples = examples }

    /// Total scored tokens.
    public var scoredTokens: Int { examples.reduce(0) { $0 + $1.scoredCount } }

    /// Reads `url`, truncating sequences to `maxTokens`.
    public static func load(_ url: URL, model: LanguageModel, maxTokens: Int) throws -> FineTuneDataset {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw GradientsError.io("cannot read \(url.path) as UTF-8 text")
        }
        return try parse(text, model: model, maxTokens: maxTokens)
    }

    public static func parse(_ text: String, model: LanguageModel, maxTokens: Int) throws -> FineTuneDataset {
        guard maxTokens >= 2 else { throw GradientsError.invalidOption("sequences need at least 2 tokens (got a limit of \(maxTokens))") }
        var examples: [TrainingExample] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let n = i + 1
            guard let obj = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw GradientsError.data(line: n, "not a JSON object")
            }
            var scoreEnd = true
            if let flag = obj["score_end_of_turn"] {
                guard let b = flag as? Bool else {
                    throw GradientsError.data(line: n, "\"score_end_of_turn\" must be true or false")
                }
                scoreEnd = b
            }
            var e: TrainingExample
            if let t = obj["text"] as? String {
                guard scoreEnd else { throw GradientsError.data(line: n, "\"score_end_of_turn\" applies to chat lines, not {\"text\"}") }
                e = TrainingExample(tokens: model.tokenizer.encode(t, parseSpecialTokens: false, addBOS: model.tokenizer.addBOS))
            } else if let prompt = obj["prompt"] as? String, let completion = obj["completion"] as? String {
                e = try chatExample([ChatTurn(role: "user", content: prompt), ChatTurn(role: "assistant", content: completion)],
                                    model: model, line: n, scoreEnd: scoreEnd)
            } else if let messages = obj["messages"] as? [[String: Any]] {
                let turns = try messages.map { m -> ChatTurn in
                    guard let role = m["role"] as? String, let content = m["content"] as? String else {
                        throw GradientsError.data(line: n, "every message needs string \"role\" and \"content\"")
                    }
                    return ChatTurn(role: role, content: content)
                }
                guard turns.count >= 2, turns.last?.role == "assistant" else {
                    throw GradientsError.data(line: n, "a conversation needs at least two turns and must end with the assistant's")
                }
                e = try chatExample(turns, model: model, line: n, scoreEnd: scoreEnd)
            } else {
                throw GradientsError.data(line: n, "expected {\"text\"}, {\"prompt\", \"completion\"} or {\"messages\"}")
            }
            if e.tokens.count > maxTokens {
                e = TrainingExample(tokens: Array(e.tokens.prefix(maxTokens)), scored: Array(e.scored.prefix(maxTokens)))
            }
            guard e.scoredCount > 0 else { throw GradientsError.data(line: n, "no token to learn (empty or truncated away)") }
            examples.append(e)
        }
        guard !examples.isEmpty else { throw GradientsError.data(line: 0, "the data set has no examples") }
        return FineTuneDataset(examples: examples)
    }

    static func chatExample(_ turns: [ChatTurn], model: LanguageModel, line: Int, scoreEnd: Bool = true) throws -> TrainingExample {
        let prefix: [Int], full: [Int], bare: [Int]
        do {
            prefix = try model.chatTokens(Array(turns.dropLast()), addGenerationPrompt: true)
            full = try model.chatTokens(turns, addGenerationPrompt: false)
            // The same conversation with an empty reply: what follows the prefix is the end-of-turn marks.
            bare = scoreEnd ? [] : try model.chatTokens(Array(turns.dropLast()) + [ChatTurn(role: turns[turns.count - 1].role, content: "")],
                                                         addGenerationPrompt: false)
        } catch {
            throw GradientsError.data(line: line, "the chat template failed: \(error)")
        }
        guard full.count > prefix.count, Array(full.prefix(prefix.count)) == prefix else {
            throw GradientsError.data(line: line, "the chat template does not render the reply after the generation prompt")
        }
        var end = full.count
        if !scoreEnd {
            guard bare.count >= prefix.count, Array(bare.prefix(prefix.count)) == prefix else {
                throw GradientsError.data(line: line, "the chat template does not render an empty reply after the generation prompt")
            }
            let marks = bare.count - prefix.count
            guard full.count - marks > prefix.count, Array(full.suffix(marks)) == Array(bare.suffix(marks)) else {
                throw GradientsError.data(line: line, "the reply's end-of-turn marks do not tokenize apart from the reply")
            }
            end = full.count - marks
        }
        return TrainingExample(tokens: full, scored: full.indices.map { $0 >= prefix.count && $0 < end })
    }
}
