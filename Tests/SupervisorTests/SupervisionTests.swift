import XCTest
import Detectors
import Models
import Taps
import TestSupport
@testable import Supervisor

final class SupervisionTests: XCTestCase {
    var fx: TinyFixture!

    override func setUpWithError() throws { fx = try TinyFixture.make() }
    override func tearDown() { fx?.remove() }

    /// Logits for the prompt and then `tokens` fed one at a time, optionally with a sink and gate.
    func logits(sink: (TapSink & TokenGate)?, tokens: [Int]) throws -> [[Float]] {
        let s = fx.session()
        var out = [try s.forward(fx.prompt, logits: .all, sink: sink)]
        _ = try sink?.admit(token: nil, position: s.position - 1, generatedIndex: nil)
        for (i, t) in tokens.enumerated() {
            out.append(try s.forward([t], logits: .last, sink: sink))
            _ = try sink?.admit(token: t, position: s.position - 1, generatedIndex: i)
        }
        return out
    }

    func testLogitsAreBitIdenticalWithSupervisorAttached() throws {
        // Probes on every layer and every kind of tap, in both modes.
        let d = fx.model.config.dModel, f = fx.model.config.dFF
        var detectors: [any Detector] = []
        for l in 0..<fx.model.config.layers {
            for tap in [TapPoint.residPre(l), .attnOut(l), .residMid(l), .mlpOut(l), .residPost(l)] {
                detectors.append(LinearProbe(id: "\(tap)", tap: tap, weight: fx.weights(d, seed: 1), bias: 0))
            }
            detectors.append(LinearProbe(id: "pre\(l)", tap: .mlpPre(l), weight: fx.weights(f, seed: 2), bias: 0))
            detectors.append(LinearProbe(id: "post\(l)", tap: .mlpPost(l), weight: fx.weights(f, seed: 3), bias: 0))
        }
        let policy = Policy(detectors: detectors,
                            rules: [RuleSpec(id: "all", detectors: detectors.map(\.id), threshold: 2, action: .halt, scope: .prompt)],
                            bundleSHA256: "test", modelSHA256: fx.sha)
        let tokens = [5, 77, 260, 100, 3]
        let plain = try logits(sink: nil, tokens: tokens)
        for mode in [SupervisionMode.sync, .async(lag: 1)] {
            let s = try Supervisor(policy: policy, model: fx.model, options: SupervisorOptions(mode: mode))
            let run = s.attach(promptTokens: fx.prompt, options: GenerationOptions(), session: fx.session())
            XCTAssertEqual(run.points.count, detectors.count)
            let watched = try logits(sink: run, tokens: tokens)
            XCTAssertEqual(plain.map { $0.map(\.bitPattern) }, watched.map { $0.map(\.bitPattern) }, "mode \(mode)")
            let report = try run.finish(nil)
            XCTAssertFalse(report.halted)
            XCTAssertEqual(report.summary.scores.rows?.count, fx.prompt.count + tokens.count)
        }
    }

    /// Greedy generation with a log rule that fires everywhere: the tokens and every position's scores.
    func baseline(maxTokens: Int) throws -> (tokens: [Int], rows: [[Float]]) {
        let bundle = try fx.bundle(threshold: 0, action: .log)
        let s = try Supervisor(bundle: bundle, model: fx.model)
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: maxTokens), session: fx.session())
        XCTAssertEqual(out.report.verdicts.count, out.result.tokens.count)
        return (out.result.tokens, out.report.summary.scores.rows!)
    }

    /// The generated index whose rule score (max over the probes) is the highest, and that score.
    func target(_ rows: [[Float]], skip: Int = 2) -> (index: Int, score: Float) {
        let scores = rows.map { $0.max()! }
        var best = skip
        for i in skip..<scores.count where scores[i] > scores[best] { best = i }
        return (best, scores[best])
    }

    func testSyncHaltNeverReleasesTheFlaggedToken() throws {
        let (tokens, rows) = try baseline(maxTokens: 12)
        XCTAssertEqual(tokens.count, 12, "the tiny model should not stop early")
        let (k, score) = target(rows)
        let bundle = try fx.bundle(threshold: score, action: .halt)
        let s = try Supervisor(bundle: bundle, model: fx.model)
        var released: [String] = []
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 12), session: fx.session(),
                                 onText: { released.append($0) })
        XCTAssertEqual(out.result.finishReason, .halted)
        XCTAssertEqual(out.result.tokens, Array(tokens.prefix(k)), "everything before the flagged token, nothing after")
        XCTAssertTrue(out.report.halted)
        let v = try XCTUnwrap(out.report.haltVerdict)
        XCTAssertEqual(v.kind, .halt)
        XCTAssertEqual(v.position, fx.prompt.count + k)
        XCTAssertEqual(v.generatedIndex, k)
        XCTAssertEqual(v.tokenID, tokens[k])
        XCTAssertEqual(v.score?.value, score)
        XCTAssertEqual(v.contributions.count, 8)
        XCTAssertEqual(v.activationSHA256?.count, 64)
        XCTAssertEqual(out.report.summary.judgedTokens, Array(tokens.prefix(k + 1)))
        XCTAssertEqual(released.joined(), out.result.text)
    }

    func testAsyncHaltLandsWithinLag() throws {
        let (tokens, rows) = try baseline(maxTokens: 12)
        let (k, score) = target(rows)
        let lag = 2
        let bundle = try fx.bundle(threshold: score, action: .halt)
        let s = try Supervisor(bundle: bundle, model: fx.model, options: SupervisorOptions(mode: .async(lag: lag)))
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 12), session: fx.session())
        XCTAssertEqual(out.result.finishReason, .halted)
        XCTAssertGreaterThanOrEqual(out.result.tokens.count, k)
        XCTAssertLessThanOrEqual(out.result.tokens.count, k + lag, "at most `lag` tokens at or after the flagged one")
        XCTAssertEqual(out.result.tokens, Array(tokens.prefix(out.result.tokens.count)))
        XCTAssertEqual(out.report.haltVerdict?.position, fx.prompt.count + k)
        // S judged every position it was sent, so its scores equal sync mode's.
        let n = out.report.summary.scores.rows!.count
        XCTAssertEqual(out.report.summary.scores.rows!.map { $0.map(\.bitPattern) }, Array(rows.prefix(n)).map { $0.map(\.bitPattern) })
    }

    func testFlagsAndLogsDoNotStopGeneration() throws {
        let bundle = try fx.bundle(threshold: 0, action: .flag, aggregation: Aggregation(kind: .mean, window: 3))
        let s = try Supervisor(bundle: bundle, model: fx.model)
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 5), session: fx.session())
        XCTAssertFalse(out.report.halted)
        XCTAssertEqual(out.result.tokens.count, 5)
        XCTAssertEqual(out.report.verdicts.map(\.kind), Array(repeating: .flag, count: 5))
        XCTAssertEqual(out.report.verdicts.last?.window?.count, 3)
    }

    func testPromptEndScopeCanHaltBeforeAnyToken() throws {
        let bundle = try fx.bundle(threshold: 0, action: .halt, scope: .promptEnd)
        let s = try Supervisor(bundle: bundle, model: fx.model)
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 5), session: fx.session())
        XCTAssertEqual(out.result.finishReason, .halted)
        XCTAssertEqual(out.result.tokens, [])
        XCTAssertEqual(out.report.haltVerdict?.position, fx.prompt.count - 1)
        XCTAssertNil(out.report.haltVerdict?.generatedIndex)
        XCTAssertEqual(out.report.haltVerdict?.tokenID, fx.prompt.last)
    }

    func testRequestScopeJudgesOnlyTheLastPromptToken() throws {
        for mode in [SupervisionMode.sync, .async(lag: 0), .async(lag: 2)] {
            // A log rule that fires everywhere it looks: exactly one verdict, at the prompt's end,
            // and generation runs to its length without S failing closed for lack of scores.
            let logAll = try fx.bundle(threshold: -1000, action: .log, scope: .request)
            let s = try Supervisor(bundle: logAll, model: fx.model, options: SupervisorOptions(mode: mode))
            let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 6), session: fx.session())
            XCTAssertEqual(out.result.finishReason, .length, "\(mode)")
            XCTAssertEqual(out.result.tokens.count, 6)
            XCTAssertEqual(out.report.verdicts.map(\.position), [fx.prompt.count - 1], "\(mode)")
            XCTAssertEqual(out.report.summary.scores.rows?.count, 1)
            // The same rule as a halt stops before any output.
            let halt = try fx.bundle(threshold: -1000, action: .halt, scope: .request)
            let h = try Supervisor(bundle: halt, model: fx.model, options: SupervisorOptions(mode: mode))
            let stopped = try h.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 6), session: fx.session())
            XCTAssertEqual(stopped.result.finishReason, .halted, "\(mode)")
            XCTAssertLessThanOrEqual(stopped.result.tokens.count, mode.lag, "\(mode): the halt lands within the lag")
        }
    }

    // MARK: Fail closed

    func runWith(_ behaviour: MisbehavingDetector.Behaviour, mode: SupervisionMode, deadline: Double = 1000) throws -> SupervisedGeneration {
        let bad = MisbehavingDetector(tap: .residPost(1), dimension: fx.model.config.dModel, behaviour: behaviour)
        let policy = Policy(detectors: [bad], rules: [RuleSpec(id: "r", detectors: ["bad"], threshold: 0.5, action: .flag, scope: .generation)],
                            bundleSHA256: "test", modelSHA256: fx.sha)
        let s = try Supervisor(policy: policy, model: fx.model, options: SupervisorOptions(mode: mode, deadlineMilliseconds: deadline))
        return try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 10), session: fx.session())
    }

    func testFailClosedOnThrowingDetector() throws {
        for mode in [SupervisionMode.sync, .async(lag: 0)] {
            let out = try runWith(.throwAt(3), mode: mode)
            XCTAssertEqual(out.result.finishReason, .halted, "\(mode)")
            XCTAssertEqual(out.result.tokens.count, 3, "\(mode)")
            let v = try XCTUnwrap(out.report.haltVerdict)
            XCTAssertEqual(v.kind, .failClosed)
            XCTAssertEqual(v.cause, .detectorError)
            XCTAssertEqual(v.detector, "bad")
            XCTAssertEqual(v.generatedIndex, 3)
        }
    }

    func testFailClosedOnNaN() throws {
        for mode in [SupervisionMode.sync, .async(lag: 0)] {
            let out = try runWith(.nanAt(2), mode: mode)
            XCTAssertEqual(out.result.tokens.count, 2, "\(mode)")
            XCTAssertEqual(out.report.haltVerdict?.cause, .nonFiniteScore)
        }
    }

    func testFailClosedOnStallPastDeadline() throws {
        // Sync: the stall is noticed when the detector returns; the token is withheld.
        let sync = try runWith(.stall(seconds: 0.3, at: 2), mode: .sync, deadline: 50)
        XCTAssertEqual(sync.result.finishReason, .halted)
        XCTAssertEqual(sync.result.tokens.count, 2)
        XCTAssertEqual(sync.report.haltVerdict?.cause, .deadline)
        XCTAssertEqual(sync.report.haltVerdict?.kind, .failClosed)
        // Async: the gate stops waiting at the deadline, long before the detector returns.
        let start = Date()
        let async = try runWith(.stall(seconds: 3, at: 2), mode: .async(lag: 0), deadline: 50)
        XCTAssertEqual(async.result.finishReason, .halted)
        XCTAssertEqual(async.result.tokens.count, 2)
        XCTAssertEqual(async.report.haltVerdict?.cause, .deadline)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
    }

    // MARK: Binding

    func testBundleForAnotherModelIsRefused() throws {
        let bundle = try fx.bundle(threshold: 0.5, action: .halt, modelSHA: String(repeating: "1", count: 64))
        XCTAssertThrowsError(try Supervisor(bundle: bundle, model: fx.model)) { error in
            XCTAssertTrue("\(error)".contains("trained for the model"), "\(error)")
        }
    }

    func testTapMissingFromModelIsRefused() throws {
        let probe = LinearProbe(id: "deep", tap: .residPost(7), weight: fx.weights(fx.model.config.dModel, seed: 1), bias: 0)
        let policy = Policy(detectors: [probe], rules: [RuleSpec(id: "r", detectors: ["deep"], threshold: 1, action: .halt)],
                            bundleSHA256: "t", modelSHA256: fx.sha)
        XCTAssertThrowsError(try Supervisor(policy: policy, model: fx.model))
        let wide = LinearProbe(id: "wide", tap: .residPost(0), weight: [1, 2, 3], bias: 0)
        let policy2 = Policy(detectors: [wide], rules: [RuleSpec(id: "r", detectors: ["wide"], threshold: 1, action: .halt)],
                             bundleSHA256: "t", modelSHA256: fx.sha)
        XCTAssertThrowsError(try Supervisor(policy: policy2, model: fx.model))
    }
}
