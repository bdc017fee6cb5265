import Activations
import Detectors
import Evaluation
import Foundation
import LabeledData
import Models
@testable import Probes
import Taps
import TestSupport
import XCTest
@testable import Training

/// Rules on answers: collecting the answer's tokens, scoring whole answers, calibrating on them.
final class AnswerRuleTests: XCTestCase {
    var folder: URL!
    var model: LanguageModel!
    var sha = ""

    override func setUpWithError() throws {
        var spec = TinyModelSpec()
        spec.layers = 3
        let url = try TinyModel.write(spec)
        folder = url.deletingLastPathComponent()
        model = try LanguageModel.load(url.path)
        sha = try ModelFingerprint.sha256(of: url)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testTracesAggregateEachAnswerAndReleaseTheTokensBeforeTheFirstFiring() {
        let spans = AnswerScoring.spans([4, 4, 4, 7, 9, 9])
        XCTAssertEqual(spans.map { $0.example }, [4, 7, 9])
        XCTAssertEqual(spans.map { $0.rows }, [0..<3, 3..<4, 4..<6])
        let scores: [Double] = [0.1, 0.9, 0.2, 0.5, 0.3, 0.7]
        let traces = AnswerScoring.traces(scores: scores, rowExamples: [4, 4, 4, 7, 9, 9],
                                          aggregation: Aggregation(kind: .mean, window: 2))
        XCTAssertEqual(traces[0].aggregates, [0.1, 0.5, 0.55])
        XCTAssertEqual(traces[0].peak, 0.55)
        XCTAssertEqual(traces[0].released(threshold: 0.5), 1, "the second token fires: one token released")
        XCTAssertEqual(traces[0].released(threshold: 0.1), 0)
        XCTAssertNil(traces[0].released(threshold: 0.6))
        XCTAssertEqual(traces[2].aggregates, [0.3, 0.5])
        XCTAssertEqual(AnswerScoring.medianAndP90([5, 1, 3])?.median, 3)
        XCTAssertEqual(AnswerScoring.medianAndP90([4, 1, 3, 2])?.median, 2.5)
        XCTAssertEqual(AnswerScoring.medianAndP90(Array(1...20))?.p90, 18)
        XCTAssertNil(AnswerScoring.medianAndP90([]))
        // Labels are per example; answers 4 and 9 harmful, 7 harmless.
        var labels = [Int](repeating: 0, count: 10)
        labels[4] = 1; labels[9] = 1
        let m = AnswerMetrics(traces: traces, labels: labels, threshold: 0.5)
        XCTAssertEqual([m.harmful, m.harmless, m.halted, m.falseHalts], [2, 1, 2, 1])
        XCTAssertEqual(m.releasedMedian, 1)
        XCTAssertEqual(m.harmfulMeanTokens, 2.5)
    }

    /// Answers that end in "!" are harmful; the same opening words lead both kinds.
    func writeAnswers(_ count: Int) throws -> URL {
        let words = ["the cat", "a dog", "in the sun", "on the mat", "then", "and more", "ran off", "sat down"]
        var lines: [String] = []
        for i in 0..<count {
            let request = words[i % words.count] + " \(i)"
            let tail = (0..<(2 + i % 3)).map { words[(i * 5 + $0 * 3) % words.count] }.joined(separator: " ")
            let answer = "sure " + tail + (i % 2 == 0 ? " ! ! !" : " . . .")
            lines.append(#"{"turns": [{"role": "user", "content": "\#(request)"}, {"role": "assistant", "content": "\#(answer)"}], "label": \#(i % 2 == 0 ? 1 : 0), "category": "\#(i % 2 == 0 ? "comply" : "help")"}"#)
        }
        let url = folder.appendingPathComponent("answers.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url
    }

    func plan(_ url: URL) -> CollectionPlan {
        CollectionPlan(settings: CollectionSettings(modelSHA256: sha, taps: [.residPost(1), .residPost(2)], positions: .answer,
                                                    chat: true, maxTokens: 256),
                       sources: [DataSource(path: url.path)], examplesPerShard: 16)
    }

    func testAnswerPositionsAreTheAnswersTokensAfterTheGenerationPrompt() throws {
        let url = try writeAnswers(8)
        let collector = try Collector(model: model, plan: plan(url))
        let out = folder.appendingPathComponent("acts")
        try collector.run(into: out)
        let store = try ActivationStore(out)
        XCTAssertEqual(store.index.settings.positions, .answer)
        let x = try store.matrix(.residPost(2))
        let D = model.config.dModel
        for (i, e) in collector.examples.enumerated() {
            let turns = try XCTUnwrap(e.turns)
            let prompt = try model.chatTokens(Array(turns.dropLast()), addGenerationPrompt: true)
            let answer = model.tokenizer.encode(turns.last!.content, parseSpecialTokens: false, addBOS: false)
            XCTAssertEqual(store.examples[i].tokens, prompt + answer)
            let rows = (0..<store.rowCount).filter { store.rowExamples[$0] == i }
            XCTAssertEqual(rows.map { Int(store.rowPositions[$0]) }, Array(prompt.count..<(prompt.count + answer.count)))
            // The rows are what the model computes there, read as one pass over prompt and answer.
            let r = PipelineTests.Recorder(.residPost(2))
            let s = InferenceSession(model: model.transformer, contextLength: 256, threads: 1)
            _ = try s.forward(prompt + answer, logits: .none, sink: r)
            for row in rows {
                XCTAssertEqual(Array(x[(row * D)..<((row + 1) * D)]), r.rows[Int(store.rowPositions[row])]!)
            }
        }
        // A row without an answer cannot be collected at answer positions.
        let bare = folder.appendingPathComponent("bare.jsonl")
        try Data(#"{"text": "the cat", "label": 1}"#.utf8).write(to: bare)
        var p = plan(bare)
        p.sources = [DataSource(path: bare.path)]
        XCTAssertThrowsError(try Collector(model: model, plan: p).run(into: folder.appendingPathComponent("bare"))) {
            XCTAssertTrue("\($0)".contains("no answer"), "\($0)")
        }
    }

    func testAnswerRuleIsCalibratedOnWholeAnswersAndJudgesGeneratedTokens() throws {
        let url = try writeAnswers(80)
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan(url)).run(into: out)
        let store = try ActivationStore(out)
        var o = TrainOptions()
        o.name = "answers"
        o.targetFPR = 0.05
        o.validationFraction = 0.4
        o.aggregationCandidates = [.last, Aggregation(kind: .max, window: 2), Aggregation(kind: .mean, window: 3)]
        let (bundle, report) = try ProbeTrainer.train(store, options: o)
        let rule = bundle.manifest.rules[0]
        XCTAssertEqual(rule.scope, .generation)
        let candidates = try XCTUnwrap(report.answers)
        XCTAssertEqual(candidates.map(\.aggregation), o.aggregationCandidates)
        let chosen = try XCTUnwrap(candidates.first { $0.aggregation == rule.aggregation })
        XCTAssertEqual(chosen.threshold, rule.threshold)
        XCTAssertEqual(report.threshold, rule.threshold)
        for c in candidates {
            XCTAssertLessThanOrEqual(Double(c.validation.falseHalts), 0.05 * Double(c.validation.harmless), "\(c.aggregation)")
            XCTAssertLessThanOrEqual(c.validation.auroc, chosen.validation.auroc)
        }
        // The evaluation of the same answers scores whole answers with the rule's aggregation:
        // on the validation answers it gives the chosen candidate's figures.
        let inValidation = store.examples.map { ProbeTrainer.isValidation($0.text, seed: o.seed, fraction: o.validationFraction) }
        let validationFile = folder.appendingPathComponent("val.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated().filter { inValidation[$0.offset] }
        try Data(lines.map { String($0.element) }.joined(separator: "\n").utf8).write(to: validationFile)
        let settings = try BundleEvaluator.settings(of: bundle, fallback: plan(url).settings)
        let report2 = try BundleEvaluator.evaluate(bundle, model: model, modelSHA256: sha, sources: [DataSource(path: validationFile.path)],
                                                   settings: settings, ruleID: nil, bootstrap: 0, seed: 0, threads: 1)
        let a = try XCTUnwrap(report2.answers)
        XCTAssertEqual(a, chosen.validation)
        XCTAssertEqual(report2.metrics.positives + report2.metrics.negatives, lines.count, "one score per answer")
        XCTAssertEqual(report2.groups.filter { $0.by == "category" }.map(\.name), ["comply", "help"])
    }

    func testAnswerOpeningSetsShareOpeningsAcrossLabelsAndKeepTheTestApart() throws {
        let train = try DataSource(path: "builtin:harm-answer-openings").load()
        let test = try DataSource(path: "builtin:harm-answer-openings-test").load()
        XCTAssertEqual(train.count, 290)
        XCTAssertEqual(test.count, 120)
        func opening(_ e: LabeledExample) -> String { e.turns?.last?.content ?? "" }
        for set in [train, test] {
            XCTAssertTrue(set.allSatisfy { $0.turns?.last?.role == "assistant" })
            // Every compliant opening follows harmful and harmless requests.
            let comply = Set(set.filter { $0.category == "comply" }.map(opening))
            let help = Set(set.filter { $0.category == "help" }.map(opening))
            XCTAssertEqual(comply, help)
            XCTAssertTrue(set.filter { $0.category == "comply" }.allSatisfy { $0.label == 1 })
            XCTAssertTrue(set.filter { $0.category != "comply" }.allSatisfy { $0.label == 0 })
        }
        XCTAssertTrue(Set(train.map(opening)).isDisjoint(with: test.map(opening)))
        func request(_ e: LabeledExample) -> String { e.turns?.dropLast().last?.content ?? "" }
        XCTAssertTrue(Set(train.map(request)).isDisjoint(with: test.map(request)))
        // The stored answers continue rows of these sets: same request, label and kind, and the
        // answer begins with the row's opening.
        for (answers, openings) in [(try DataSource(path: "builtin:harm-answers").load(), train),
                                    (try DataSource(path: "builtin:harm-answers-test").load(), test)] {
            XCTAssertGreaterThan(answers.count, 50)
            for a in answers {
                let source = openings.first { Array($0.turns!.dropLast()) == Array(a.turns!.dropLast()) && $0.label == a.label
                    && a.turns!.last!.content.hasPrefix(opening($0)) }
                XCTAssertNotNil(source, a.text)
                XCTAssertEqual(source?.category, a.category)
                XCTAssertGreaterThan(a.turns!.last!.content.count, opening(source ?? a).count, "the model added to the opening")
            }
        }
    }
}
