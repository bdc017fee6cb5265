// The model's own answers, for training and testing rules that judge generated tokens.
//
// A rule with scope `generation` reads the activations of the tokens the model writes, so it has
// to be trained on answers the model itself wrote, harmful and harmless. A small instruct model
// rarely writes a harmful answer on its own, so each answer starts from an opening written for
// the project and placed in the assistant turn ("prefilling"): the model continues it, greedily,
// and the opening plus the continuation is the answer. The same openings go after harmful and
// harmless requests, so the opening itself is no sign of harm; refusals after harmful requests
// are harmless answers.

import Foundation
import LabeledData
import Models

public enum AnswerCompletion {
    /// Every example must be a conversation whose last turn is the assistant's opening. Returns
    /// the examples with that turn replaced by the opening followed by the model's continuation
    /// (greedy, at most `maxTokens` tokens, ending early at the end of the turn). Deterministic:
    /// the same model, examples and options give the same text.
    public static func complete(_ examples: [LabeledExample], model: LanguageModel, maxTokens: Int,
                                sampling: SamplingOptions = SamplingOptions(), system: String? = nil, threads: Int,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> [LabeledExample] {
        guard maxTokens >= 1 else { throw TrainingError.badOption("the answers need at least one generated token") }
        let session = InferenceSession(model: model.transformer, contextLength: min(model.config.contextLength, 4096),
                                       threads: threads)
        let options = GenerationOptions(maxTokens: maxTokens, sampling: sampling)
        var out: [LabeledExample] = []
        for (i, e) in examples.enumerated() {
            guard var turns = e.turns, let opening = turns.last, opening.role == "assistant" else {
                throw TrainingError.badOption("example \(i + 1) (\(e.source ?? "data")) has no answer opening: "
                                              + "give conversations (turns) ending with an assistant turn")
            }
            turns.removeLast()
            let head = turns.first?.role == "system" ? [] : system.map { [ChatTurn(role: "system", content: $0)] } ?? []
            let prompt = try model.chatTokens(head + turns, addGenerationPrompt: true)
                + model.tokenizer.encode(opening.content, parseSpecialTokens: false, addBOS: false)
            session.rewind(to: 0)
            let result = try model.generate(promptTokens: prompt, options: options, session: session)
            var done = e
            done.turns = turns + [ChatTurn(role: "assistant", content: opening.content + result.text)]
            done.text = LabeledExample.text(of: done.turns!)
            out.append(done)
            progress(i + 1, examples.count)
        }
        return out
    }

    /// One JSON Lines row of `e` (`turns`, `label`, and `category` and `source` when set), keys
    /// sorted: the format `LabeledData` reads.
    public static func jsonLine(_ e: LabeledExample) throws -> String {
        var o: [String: Any] = ["label": e.label]
        if let c = e.category { o["category"] = c }
        if let s = e.source { o["source"] = s }
        if let turns = e.turns {
            o["turns"] = turns.map { ["role": $0.role, "content": $0.content] }
        } else {
            o["text"] = e.text
        }
        let data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
