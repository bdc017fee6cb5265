import Detectors
import Foundation
import Models
import Steering
import TestSupport
import XCTest

/// The study's bookkeeping on a tiny model: the baseline row, wrong-way counts against it, the
/// judge's score of an answer, and perplexity with the vector active.
final class StudyTests: XCTestCase {
    func testStudyRowsAgainstTheBaseline() throws {
        let f = try SteeringFixture.make(layers: 3)
        defer { f.remove() }
        let url = f.file("cv.gguf")
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 1), 2: f.vector(seed: 2)]).write(to: url)
        var b = BundleBuilder(name: "judge", model: ModelBinding(sha256: try ModelFingerprint.sha256(of: f.url)))
        try b.add(LinearProbe(id: "p", tap: .residPost(2), weight: f.vector(seed: 3, scale: 0.2), bias: 0))
        b.rules = [RuleSpec(id: "r", detectors: ["p"], threshold: 0.5, action: .log, scope: .prompt)]
        let judge = try b.build()
        let neutral = f.model.tokenizer.encode(String(repeating: "the cat sat on the mat. ", count: 8), parseSpecialTokens: false, addBOS: false)
        let study = try SteeringStudy(model: f.model, source: .controlVector(files: [ControlVectorFile(path: url.path)], layerStart: nil, layerEnd: nil),
                                      judge: judge, rule: nil, prompts: ["the dog", "a cat", "then"], chat: false, maxTokens: 4,
                                      neutral: neutral, context: 16, threads: 1, examples: 3)
        let rows = try study.run(scales: [-20, 20])
        XCTAssertEqual(rows.map(\.scale), [0, -20, 20])
        XCTAssertNil(rows[0].wrongWay)
        XCTAssertNotNil(rows[1].wrongWay)
        for r in rows {
            XCTAssertEqual(r.examples.count, 3, "every prompt kept")
            let judged = r.examples.map(\.judge)
            XCTAssertEqual(r.conceptRate, Double(judged.filter { $0 >= 0.5 }.count) / 3)
            XCTAssertEqual(r.meanJudge, judged.reduce(0.0) { $0 + Double($1) } / 3, accuracy: 1e-12)
            XCTAssertGreaterThan(r.perplexity ?? 0, 1)
            if r.scale != 0 {
                let base = rows[0].examples.map(\.judge)
                let wrong = zip(judged, base).filter { r.scale > 0 ? $0 < $1 : $0 > $1 }.count
                XCTAssertEqual(r.wrongWay, Double(wrong) / 3)
            }
        }
        // The unsteered row's perplexity is the plain model's.
        let plain = try f.session().perplexity(neutral, context: 16, bos: nil).perplexity
        XCTAssertEqual(rows[0].perplexity, plain)
        XCTAssertNotEqual(rows[2].perplexity, plain)
        // Each example's judge score is the rule's score of the answer read as plain text.
        let e = rows[1].examples[0]
        let ids = try f.model.promptTokens(e.answer.isEmpty ? " " : e.answer, chat: false)
        let sink = RecordingSink(points: [.residPost(2)])
        _ = try f.session().forward(ids, logits: .none, sink: sink)
        let expected = try sink.rows[.residPost(2)]!.last!.withUnsafeBufferPointer { try judge.detectors[0].score($0) }
        XCTAssertEqual(e.judge, expected)
    }
}
