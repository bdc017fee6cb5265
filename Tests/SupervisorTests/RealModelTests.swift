import XCTest
import Detectors
import Models
import Taps
import TestSupport
@testable import Supervisor

/// A focused few checks on SmolLM2-135M-Instruct, when it is fetched
/// (`overseer models fetch smollm2`, or OVERSEER_TEST_MODEL=path).
final class RealModelTests: XCTestCase {
    static let loaded: (LanguageModel, String)? = {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["OVERSEER_TEST_MODEL"].map(URL.init(fileURLWithPath:)) ?? (try? ModelStore.resolve("smollm2")),
              let lm = try? LanguageModel.load(url.path), let sha = try? ModelFingerprint.sha256(of: url) else { return nil }
        return (lm, sha)
    }()

    func model() throws -> (LanguageModel, String) {
        guard let m = Self.loaded else {
            throw XCTSkip("SmolLM2 is not fetched: run `overseer models fetch smollm2` or set OVERSEER_TEST_MODEL")
        }
        return m
    }

    /// One linear probe on every layer's resid_post, one rule over all of them.
    func bundle(_ lm: LanguageModel, _ sha: String, threshold: Float, action: RuleAction) throws -> SupervisorBundle {
        var b = BundleBuilder(name: "smollm2-random-probes", model: ModelBinding(sha256: sha))
        var g = SeededGenerator(seed: 11)
        let d = lm.config.dModel
        for l in 0..<lm.config.layers {
            try b.add(LinearProbe(id: "l\(l)", tap: .residPost(l), weight: (0..<d).map { _ in g.normal() / Float(d).squareRoot() }, bias: 0))
        }
        b.rules = [RuleSpec(id: "r", detectors: (0..<lm.config.layers).map { "l\($0)" }, threshold: threshold, action: action,
                            scope: .generation)]
        return try b.build()
    }

    func testSupervisedGenerationIsUnchangedAndReplays() throws {
        let (lm, sha) = try model()
        let prompt = try lm.promptTokens("What is the capital of France?", chat: true)
        let options = GenerationOptions(maxTokens: 12)
        let plain = try lm.generate(promptTokens: prompt, options: options, session: InferenceSession(model: lm.transformer, contextLength: 256, threads: 2))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-real-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try bundle(lm, sha, threshold: 0, action: .flag).write(to: dir.appendingPathComponent("b"))
        let store = try ReceiptStore(path: dir.appendingPathComponent("r.sqlite").path)
        let s = try Supervisor(bundle: SupervisorBundle.load(dir.appendingPathComponent("b")), model: lm,
                               options: SupervisorOptions(receipts: store))
        let out = try s.generate(promptTokens: prompt, options: options,
                                 session: InferenceSession(model: lm.transformer, contextLength: 256, threads: 2))
        XCTAssertEqual(out.result.tokens, plain.tokens)
        XCTAssertEqual(out.report.verdicts.count, plain.tokens.count)
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.first?.scores, plain.tokens.count * lm.config.layers)
    }
}
