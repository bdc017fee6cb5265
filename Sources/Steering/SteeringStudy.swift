// A steering study: one control vector at several scales on held-out prompts, judged by a probe
// trained separately, with the cost on neutral text.
//
// For each scale s (0 is always included, as the baseline):
//   - each prompt is answered greedily with the vector added at scale s;
//   - the answer alone (plain text, unsteered model) is scored by the judge bundle's rule: the
//     maximum of its detectors at the answer's last token, as `overseer eval` scores a text;
//   - concept rate: answers scoring ≥ the rule's threshold; wrong way: answers whose score moved
//     against the sign of s compared with the same prompt at scale 0 (strictly);
//   - perplexity of the neutral text with the vector active (chunks of `context` tokens, each
//     scored on its second half).

import Detectors
import Foundation
import Models
import Taps

public struct SteeringStudy {
    public struct Example: Codable, Sendable {
        public var prompt: String
        public var answer: String
        public var judge: Float
    }

    public struct Row: Codable, Sendable {
        public var scale: Float
        public var conceptRate: Double
        public var meanJudge: Double
        /// nil at scale 0.
        public var wrongWay: Double?
        public var perplexity: Double?
        public var examples: [Example]
        enum CodingKeys: String, CodingKey {
            case scale, examples, perplexity
            case conceptRate = "concept_rate", meanJudge = "mean_judge", wrongWay = "wrong_way"
        }
    }

    public var model: LanguageModel
    /// The control vector(s) scaled per row; each row's edit is this source at scale s.
    public var source: VectorSource
    public var judge: SupervisorBundle
    public var rule: RuleSpec
    public var prompts: [String]
    public var chat: Bool
    public var maxTokens: Int
    public var neutral: [Int]
    public var context: Int
    public var threads: Int
    public var examples: Int

    public init(model: LanguageModel, source: VectorSource, judge: SupervisorBundle, rule: String?, prompts: [String], chat: Bool,
                maxTokens: Int, neutral: [Int], context: Int, threads: Int, examples: Int) throws {
        guard let r = rule.map({ id in judge.manifest.rules.first { $0.id == id } }) ?? judge.manifest.rules.first else {
            throw SteeringError.invalidEdit(rule.map { "the judge bundle has no rule '\($0)'" } ?? "the judge bundle has no rules")
        }
        guard !prompts.isEmpty else { throw SteeringError.badTrainingData("no prompts") }
        self.model = model
        self.source = source
        self.judge = judge
        self.rule = r
        self.prompts = prompts
        self.chat = chat
        self.maxTokens = maxTokens
        self.neutral = neutral
        self.context = context
        self.threads = threads
        self.examples = examples
    }

    /// The rule's score of `text` read as plain text by the unsteered model.
    func judge(_ text: String, session: InferenceSession) throws -> Float {
        let detectors = try rule.detectors.map { id -> any Detector in
            guard let d = judge.detector(id) else { throw SteeringError.invalidEdit("the judge's rule names a missing detector '\(id)'") }
            return d
        }
        var ids = try model.promptTokens(text, chat: false)
        if ids.isEmpty { ids = try model.promptTokens(" ", chat: false) }
        ids = Array(ids.suffix(session.cache.capacity))
        let taps = Array(Set(detectors.map(\.tap)))
        let sink = LastRowsSink(points: Set(taps), last: ids.count - 1)
        session.editor = nil
        session.rewind(to: 0)
        _ = try session.forward(ids, logits: .none, sink: sink)
        var best = -Float.infinity
        for d in detectors {
            let s = try sink.rows[d.tap]!.withUnsafeBufferPointer { try d.score($0) }
            best = max(best, s)
        }
        return best
    }

    public func run(scales: [Float], progress: (String) -> Void = { _ in }) throws -> [Row] {
        var all = scales
        if !all.contains(0) { all.insert(0, at: 0) }
        let ordered = [Float(0)] + all.filter { $0 != 0 }
        let session = InferenceSession(model: model.transformer, contextLength: min(model.config.contextLength, 2048),
                                       threads: threads)
        let judgeSession = InferenceSession(model: model.transformer, contextLength: min(model.config.contextLength, 2048),
                                            threads: threads)
        var baseline: [Float] = []
        var rows: [Row] = []
        for s in ordered {
            let plan = try SteeringPlan.build(SteeringSpec(edits: [EditSpec(kind: .add, source: source, scale: s)]), model: model.config)
            var scores: [Float] = []
            var kept: [Example] = []
            for (i, p) in prompts.enumerated() {
                let ids = try model.promptTokens(p, chat: chat)
                session.rewind(to: 0)
                session.editor = plan
                let out = try model.generate(promptTokens: ids, options: GenerationOptions(maxTokens: maxTokens), session: session)
                let score = try judge(out.text, session: judgeSession)
                scores.append(score)
                if kept.count < examples { kept.append(Example(prompt: p, answer: out.text, judge: score)) }
                progress("scale \(s): \(i + 1)/\(prompts.count)")
            }
            if s == 0 { baseline = scores }
            let concept = Double(scores.filter { $0 >= rule.threshold }.count) / Double(scores.count)
            let mean = scores.reduce(0.0) { $0 + Double($1) } / Double(scores.count)
            var wrong: Double?
            if s != 0 {
                let n = zip(scores, baseline).filter { s > 0 ? $0 < $1 : $0 > $1 }.count
                wrong = Double(n) / Double(scores.count)
            }
            var ppl: Double?
            if neutral.count >= context {
                session.rewind(to: 0)
                session.editor = plan
                let bos = model.tokenizer.addBOS ? model.tokenizer.specialTokens.bos : nil
                ppl = try session.perplexity(neutral, context: context, bos: bos).perplexity
            }
            session.editor = nil
            rows.append(Row(scale: s, conceptRate: concept, meanJudge: mean, wrongWay: wrong, perplexity: ppl, examples: kept))
        }
        return rows
    }
}

/// The last position's vector at each tap.
final class LastRowsSink: TapSink {
    let points: Set<TapPoint>
    let last: Int
    var rows: [TapPoint: [Float]] = [:]
    init(points: Set<TapPoint>, last: Int) {
        self.points = points
        self.last = last
    }
    func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        if position == last { rows[point] = Array(values) }
    }
}
