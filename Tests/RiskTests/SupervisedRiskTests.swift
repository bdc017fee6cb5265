import Detectors
import Foundation
import Kernels
import Models
import Risk
import Steering
import Supervisor
import TestSupport
import XCTest

/// Monte Carlo with S attached, held to supervised generation; importance sampling with a steered
/// proposal, held to the scoring path of a steered session.
final class SupervisedRiskTests: XCTestCase {
    static var model: LanguageModel!
    static var sha = ""
    var lm: LanguageModel { Self.model }

    override class func setUp() {
        super.setUp()
        let url = try! TinyModel.write()
        model = try! LanguageModel.load(url.path)
        sha = try! ModelFingerprint.sha256(of: url)
    }

    var prompt: [Int] { lm.tokenizer.encode("the cat sat", parseSpecialTokens: false, addBOS: false) }
    var target: SamplingOptions { SamplingOptions(temperature: 1) }

    /// Linear probes on every layer's resid_post (seeded weights), one generation-scope halt rule.
    func supervisor(threshold: Float) throws -> Supervisor {
        let d = lm.config.dModel
        var b = BundleBuilder(name: "risk-test", model: ModelBinding(sha256: Self.sha))
        var ids: [String] = []
        for l in 0..<lm.config.layers {
            var g = SeededGenerator(seed: UInt64(40 + l))
            let p = LinearProbe(id: "p\(l)", tap: .residPost(l), weight: (0..<d).map { _ in g.normal() / Float(d).squareRoot() }, bias: 0)
            try b.add(p)
            ids.append(p.id)
        }
        b.rules = [RuleSpec(id: "stop", detectors: ids, threshold: threshold, action: .halt, scope: .generation)]
        return try Supervisor(bundle: b.build(), model: lm, modelSHA256: Self.sha)
    }

    func testSupervisedOutcomesAreWhatTheSupervisedGenerationReleases() throws {
        let tokens = lm.tokenizer.encode(" the", parseSpecialTokens: false, addBOS: false)
        let event = try RiskEvent([.text("e"), .tokens(tokens)])
        let settings = RiskSettings(horizon: 5, sampling: target, seed: 21)
        // A threshold at which S halts some samples and not others.
        var chosen: (Supervisor, [SampleOutcome])?
        for threshold: Float in [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.5, 0.45] {
            let s = try supervisor(threshold: threshold)
            let mc = try MonteCarloEstimator(model: lm, event: event, settings: settings, supervisor: s, batch: 4)
            let out = try mc.samples(prompts: [prompt], samplesPerPrompt: 16)[0]
            let halts = out.filter { $0.halted == true }.count
            if halts > 2 && halts < 14 { chosen = (s, out); break }
        }
        guard let (s, outcomes) = chosen else { return XCTFail("no threshold halts some samples and not others") }
        let session = InferenceSession(model: lm.transformer, contextLength: 64)
        var differ = 0
        for (i, o) in outcomes.enumerated() {
            let options = GenerationOptions(maxTokens: 5, sampling: settings.sampling(prompt: 0, sample: i))
            let g = try s.generate(promptTokens: prompt, options: options, session: session)
            XCTAssertEqual(o.halted, g.result.finishReason == .halted, "sample \(i)")
            let released = event.matches(text: lm.tokenizer.decode(g.result.tokens), tokens: g.result.tokens)
            XCTAssertEqual(o.releasedEvent, released, "sample \(i)")
            if o.event != o.releasedEvent { differ += 1 }
            XCTAssertTrue(o.releasedEvent == false || o.event, "a released event is an event")
        }
        // The estimates: paired counts, with intervals.
        let mc = try MonteCarloEstimator(model: lm, event: event, settings: settings, supervisor: s, batch: 4)
        let r = mc.summarize([outcomes], prompts: 1)
        XCTAssertEqual(r.halt?.events, outcomes.filter { $0.halted == true }.count)
        XCTAssertLessThanOrEqual(r.releasedEvent!.events, r.event.events)
        XCTAssertEqual(r.event.events - r.releasedEvent!.events, differ)
        XCTAssertTrue(r.halt!.interval.contains(r.halt!.estimate))
    }

    func testRuleEventFiresExactlyWhenTheSameRuleHalts() throws {
        let s = try supervisor(threshold: 0.6)
        let mc = try MonteCarloEstimator(model: lm, event: RiskEvent([.rule("stop")]), settings: RiskSettings(horizon: 4, sampling: target, seed: 3),
                                         supervisor: s, eventBundle: s, batch: 3)
        let out = try mc.samples(prompts: [prompt], samplesPerPrompt: 12)[0]
        for o in out { XCTAssertEqual(o.event, o.halted) }
        XCTAssertThrowsError(try MonteCarloEstimator(model: lm, event: RiskEvent([.rule("nope")]), settings: RiskSettings(horizon: 4, sampling: target),
                                                     eventBundle: s)) { XCTAssertTrue("\($0)".contains("no rule 'nope'")) }
        XCTAssertThrowsError(try MonteCarloEstimator(model: lm, event: RiskEvent([.rule("stop")]), settings: RiskSettings(horizon: 4, sampling: target)))
    }

    func testSteeredProposalWeightsMatchASteeredSessionsScores() throws {
        let folder = lm.url.deletingLastPathComponent()
        let file = folder.appendingPathComponent("toward.gguf")
        var g = SeededGenerator(seed: 77)
        let d = lm.config.dModel
        try ControlVector(modelHint: "llama", directions: [1: (0..<d).map { _ in g.normal() * 2 }]).write(to: file)
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: file.path)],
                                                                                  layerStart: nil, layerEnd: nil), scale: 1)])
        let plan = try SteeringPlan.build(spec, model: lm.config)
        let event = try RiskEvent([.text("zz")])   // rare: samples run to the horizon
        let settings = RiskSettings(horizon: 3, sampling: target, seed: 8)
        let sampler = try ImportanceSampler(model: lm, event: event, settings: settings, steering: plan, defensive: 0.3)
        let samples = try sampler.samples(prompts: [prompt], samplesPerPrompt: 12)[0]
        let plain = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let steered = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        steered.editor = plan
        var checked = 0
        for s in samples where s.tokens.count == 3 {
            let all = prompt + s.tokens
            let logP = try plain.score(all).logProbs[prompt.count...].reduce(0.0) { $0 + Double($1!) }
            let logQ = try steered.score(all).logProbs[prompt.count...].reduce(0.0) { $0 + Double($1!) }
            XCTAssertEqual(s.logTarget, logP, accuracy: 1e-3)
            XCTAssertEqual(s.logProposal, logQ, accuracy: 1e-3)
            XCTAssertNotEqual(s.logTarget, s.logProposal, accuracy: 1e-3)
            XCTAssertEqual(s.weight, 1 / (0.3 + 0.7 * Foundation.exp(logQ - logP)), accuracy: 1e-3 * s.weight)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 6)
        // Same seed, same samples.
        XCTAssertEqual(samples, try sampler.samples(prompts: [prompt], samplesPerPrompt: 12)[0])
    }
}
