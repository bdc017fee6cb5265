import Detectors
import Foundation
import Models
import Steering
import Supervisor
import Taps
import TestSupport
import XCTest

/// A supervised run that is also steered records its plan in the summary receipt; verify
/// replays it to the bit and refuses changed vector files; an unrecorded editor is refused.
final class SupervisedSteeringTests: XCTestCase {
    struct Setup {
        let f: SteeringFixture
        let bundle: URL
        let vector: URL
        let prompt: [Int]
    }

    func setup() throws -> Setup {
        let f = try SteeringFixture.make(layers: 3)
        let sha = try ModelFingerprint.sha256(of: f.url)
        var b = BundleBuilder(name: "watch", model: ModelBinding(sha256: sha))
        try b.add(try DirectionDetector(id: "dm", tap: .residPost(0), direction: f.vector(seed: 21)))
        try b.add(LinearProbe(id: "late", tap: .residPost(2), weight: f.vector(seed: 22), bias: 0))
        // Fires on about half the positions (scores of a random direction straddle 0).
        b.rules = [RuleSpec(id: "r", detectors: ["dm"], threshold: 0, action: .log, scope: .prompt),
                   RuleSpec(id: "late", detectors: ["late"], threshold: 0.5, action: .flag, scope: .generation)]
        let bundle = f.file("watch.bundle")
        try b.build().write(to: bundle)
        let vector = f.file("cv.gguf")
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 23), 2: f.vector(seed: 24)]).write(to: vector)
        return Setup(f: f, bundle: bundle, vector: vector, prompt: f.prompt)
    }

    func spec(_ s: Setup) -> SteeringSpec {
        var conditional = EditSpec(kind: .add, source: .bundle(path: s.bundle.path, sha256: nil, detector: "dm"), scale: -3,
                                   taps: "resid_post:1")
        conditional.condition = ConditionSpec(bundle: s.bundle.path, rule: "r")
        return SteeringSpec(edits: [controlVectorEdit(s.vector.path, strength: 0.5), conditional])
    }

    func testSteeredRunIsRecordedAndReplayed() throws {
        let s = try setup()
        defer { s.f.remove() }
        let store = try ReceiptStore(path: s.f.file("r.sqlite").path)
        let plan = try SteeringPlan.build(spec(s), model: s.f.model.config)
        let supervisor = try Supervisor(bundle: SupervisorBundle.load(s.bundle), model: s.f.model,
                                        options: SupervisorOptions(receipts: store, steering: plan))
        let session = s.f.session(threads: 2)
        session.editor = plan
        let sampling = SamplingOptions(temperature: 0.9, topK: 20, seed: 3)
        let out = try supervisor.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 8, sampling: sampling),
                                          session: session)
        XCTAssertGreaterThan(plan.applied, 0)
        XCTAssertEqual(out.report.summary.steering, plan.spec)
        let recorded = try XCTUnwrap(out.report.summary.steering)
        XCTAssertEqual(recorded.edits.count, 2)
        XCTAssertNotNil(recorded.edits[1].condition?.bundleSHA256)
        XCTAssertEqual(recorded.edits[0].vectors?.map(\.tap), ["blocks.1.hook_resid_post", "blocks.2.hook_resid_post"])

        // The steered tokens differ from an unsteered run with the same seed (the edit is real).
        let plainSession = s.f.session()
        let plain = try Supervisor(bundle: SupervisorBundle.load(s.bundle), model: s.f.model)
            .generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 8, sampling: sampling), session: plainSession)
        XCTAssertNotEqual(plain.result.tokens, out.result.tokens)

        // Replay with a different thread count reproduces every score and token.
        let report = try Verifier.verify(store: store, threads: 1)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))

        // A changed vector file is refused by name.
        try ControlVector(modelHint: "llama", directions: [1: s.f.vector(seed: 99), 2: s.f.vector(seed: 24)]).write(to: s.vector)
        let tampered = try Verifier.verify(store: store)
        XCTAssertFalse(tampered.ok)
        XCTAssertTrue(tampered.firstMismatch?.contains("cv.gguf") ?? false, tampered.firstMismatch ?? "")
    }

    func testUnrecordedEditsAreRefused() throws {
        let s = try setup()
        defer { s.f.remove() }
        let plan = try SteeringPlan.build(spec(s), model: s.f.model.config)
        let bundle = try SupervisorBundle.load(s.bundle)
        // Plain supervision with an editor on the session: refused before anything runs.
        let plain = try Supervisor(bundle: bundle, model: s.f.model)
        let session = s.f.session()
        session.editor = plan
        XCTAssertThrowsError(try plain.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 2), session: session)) {
            guard case SupervisorError.unrecordedEdit = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(session.position, 0, "nothing ran")
        // A recorded plan, but the session runs another editor: refused too.
        let other = try SteeringPlan.build(spec(s), model: s.f.model.config)
        let steered = try Supervisor(bundle: bundle, model: s.f.model, options: SupervisorOptions(steering: plan))
        session.editor = other
        XCTAssertThrowsError(try steered.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 2), session: session))
        // Driving generation by hand: the gate refuses from the first token on; nothing is released.
        let run = steered.attach(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 2), session: session)
        let result = try s.f.model.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 2),
                                            session: session, sink: run, gate: run)
        XCTAssertEqual(result.tokens, [])
        XCTAssertEqual(result.finishReason, .halted)
        XCTAssertTrue(result.gateError?.contains("refused") ?? false, result.gateError ?? "")
        // The recorded plan without an editor on the session is refused as well.
        session.editor = nil
        session.rewind(to: 0)
        XCTAssertThrowsError(try steered.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 2), session: session))
    }

    /// A summary written before steering existed (no "steering" key) still decodes; an unsteered
    /// summary encodes without the key, so its bytes are what they were.
    func testOldSummariesDecode() throws {
        let s = try setup()
        defer { s.f.remove() }
        let store = try ReceiptStore(path: s.f.file("old.sqlite").path)
        let supervisor = try Supervisor(bundle: SupervisorBundle.load(s.bundle), model: s.f.model,
                                        options: SupervisorOptions(receipts: store))
        let out = try supervisor.generate(promptTokens: s.prompt, options: GenerationOptions(maxTokens: 3), session: s.f.session())
        XCTAssertNil(out.report.summary.steering)
        let body = try XCTUnwrap(try store.rows().last?.body)
        XCTAssertFalse(body.contains("\"steering\""))
        XCTAssertTrue(try Verifier.verify(store: store).ok)
    }
}
