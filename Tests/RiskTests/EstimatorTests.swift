import Foundation
import Kernels
import Models
import Risk
import TestSupport
import XCTest

/// The estimators on a tiny random model, whose distribution over two generated tokens can be
/// enumerated completely.
final class EstimatorTests: XCTestCase {
    static var model: LanguageModel!
    var lm: LanguageModel { Self.model }

    override class func setUp() {
        super.setUp()
        model = try! LanguageModel.load(TinyModel.write().path)
    }

    var prompt: [Int] { lm.tokenizer.encode("the cat sat", parseSpecialTokens: false, addBOS: false) }
    var target: SamplingOptions { SamplingOptions(temperature: 1) }

    /// log-softmax of `logits` / temperature, in Double with Foundation's exp and log.
    func logSoftmax(_ logits: ArraySlice<Float>, temperature: Double = 1) -> [Double] {
        let x = logits.map { Double($0) / temperature }
        let m = x.max()!
        let lse = m + Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - m) })
        return x.map { $0 - lse }
    }

    /// P(event within two tokens), enumerated: every first token, and every second token after it.
    func enumerate(_ event: RiskEvent) throws -> Double {
        let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let V = lm.config.vocab
        let first = logSoftmax(try s.forward(prompt, logits: .last)[0..<V])
        var total = 0.0
        for a in 0..<V {
            let pa = Foundation.exp(first[a])
            if lm.endOfGeneration.contains(a) { continue }
            if holds(event, [a]) { total += pa; continue }
            s.rewind(to: prompt.count)
            let second = logSoftmax(try s.forward([a], logits: .last)[0..<V])
            for b in 0..<V where !lm.endOfGeneration.contains(b) && holds(event, [a, b]) {
                total += pa * Foundation.exp(second[b])
            }
        }
        return total
    }

    func holds(_ event: RiskEvent, _ tokens: [Int]) -> Bool {
        event.matches(text: lm.tokenizer.decode(tokens), tokens: tokens)
    }

    func testEventClausesParseAndMatch() throws {
        XCTAssertEqual(try EventClause(parsing: "tokens:1, 2,3"), .tokens([1, 2, 3]))
        XCTAssertEqual(try EventClause(parsing: "text:a:b"), .text("a:b"))
        XCTAssertThrowsError(try EventClause(parsing: "regex:(")) { XCTAssertTrue("\($0)".contains("does not compile")) }
        XCTAssertThrowsError(try EventClause(parsing: "word:x"))
        XCTAssertThrowsError(try EventClause(parsing: "tokens:1,,2"))
        XCTAssertThrowsError(try EventClause(parsing: "text:"))
        XCTAssertThrowsError(try RiskEvent([]))
        let e = try RiskEvent([.tokens([5, 6]), .text("cat"), .regex("d[o0]g")])
        XCTAssertTrue(e.matches(text: "", tokens: [1, 5, 6, 2]))
        XCTAssertFalse(e.matches(text: "", tokens: [5, 1, 6]))
        XCTAssertTrue(e.matches(text: "a cat", tokens: []))
        XCTAssertTrue(e.matches(text: "a d0g", tokens: []))
        XCTAssertFalse(e.matches(text: "a dig", tokens: []))
    }

    func testSamplerDistributionIsWhatTheSamplerDraws() throws {
        // Draw many times with the sampler; the frequencies follow `distribution`.
        let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let logits = Array(try s.forwardLast(prompt))
        let options = SamplingOptions(temperature: 0.7, topK: 20, topP: 0.9, repetitionPenalty: 1.3, seed: 3)
        var sampler = Sampler(options: options)
        let dist = logits.withUnsafeBufferPointer { sampler.distribution($0, history: prompt) }
        XCTAssertEqual(dist.reduce(0) { $0 + $1.probability }, 1, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(dist.count, 20)
        var counts: [Int: Int] = [:]
        for _ in 0..<20_000 { counts[sampler.sample(logits, history: prompt), default: 0] += 1 }
        for (id, p) in dist.prefix(5) {
            XCTAssertEqual(Double(counts[id] ?? 0) / 20_000, p, accuracy: 4 * (p * (1 - p) / 20_000).squareRoot() + 1e-3)
        }
        XCTAssertTrue(Set(counts.keys).isSubset(of: Set(dist.map(\.id))))
    }

    func testMonteCarloSamplesAreGenerateWithTheirSeedsForAnyBatchAndThreads() throws {
        let never = try RiskEvent([.tokens([lm.config.vocab + 1])])
        func outcomes(batch: Int, threads: Int) throws -> [[SampleOutcome]] {
            let mc = try MonteCarloEstimator(model: lm, event: never,
                                             settings: RiskSettings(horizon: 6, sampling: target, seed: 9, threads: threads), batch: batch)
            return try mc.samples(prompts: [prompt, Array(prompt.prefix(2))], samplesPerPrompt: 7)
        }
        let a = try outcomes(batch: 1, threads: 1)
        XCTAssertEqual(a, try outcomes(batch: 4, threads: 2))
        XCTAssertEqual(a, try outcomes(batch: 16, threads: 1))
        let settings = RiskSettings(horizon: 6, sampling: target, seed: 9)
        let session = InferenceSession(model: lm.transformer, contextLength: 64)
        for i in [0, 3, 6] {
            let r = try lm.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: 6, sampling: settings.sampling(prompt: 0, sample: i)),
                                    session: session)
            XCTAssertEqual(r.tokens, a[0][i].tokens, "sample \(i)")
        }
        XCTAssertFalse(a.flatMap { $0 }.contains { $0.event })
        XCTAssertNotEqual(a[0][0].tokens, a[0][1].tokens)
    }

    /// An event of moderate probability over two tokens: a few common bytes as the first or second token.
    func moderateEvent() throws -> RiskEvent {
        let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        var sampler = Sampler(options: target)
        let dist = try sampler.distribution(s.forwardLast(prompt), history: prompt)
        // The 6th to 12th most likely first tokens (excluding end-of-generation tokens).
        let ids = dist.map(\.id).filter { !lm.endOfGeneration.contains($0) }[5..<12]
        return try RiskEvent(ids.map { .tokens([$0]) })
    }

    func testExactBoundsBracketTheEnumeratedProbability() throws {
        let event = try moderateEvent()
        let truth = try enumerate(event)
        XCTAssertGreaterThan(truth, 0.01)
        XCTAssertLessThan(truth, 0.9)
        let settings = RiskSettings(horizon: 2, sampling: target)
        // A full budget exhausts the tree: the bounds meet at the truth.
        let full = try ExactSearch(model: lm, event: event, settings: settings, budget: 10_000).run(prompts: [prompt])
        XCTAssertTrue(full.complete)
        XCTAssertEqual(full.lower, truth, accuracy: 1e-6)
        XCTAssertEqual(full.upper, truth, accuracy: 1e-6)
        // Small budgets: valid, wider bounds that tighten as the budget grows.
        var previous = Interval(lower: 0, upper: 1)
        for budget in [1, 3, 10, 40] {
            let r = try ExactSearch(model: lm, event: event, settings: settings, budget: budget, childrenPerVisit: 16).run(prompts: [prompt])
            XCTAssertFalse(r.complete)
            XCTAssertLessThanOrEqual(r.lower, truth + 1e-6, "budget \(budget)")
            XCTAssertGreaterThanOrEqual(r.upper, truth - 1e-6, "budget \(budget)")
            XCTAssertGreaterThanOrEqual(r.lower, previous.lower - 1e-12)
            XCTAssertLessThanOrEqual(r.upper, previous.upper + 1e-12)
            XCTAssertEqual(r.expansions, budget)
            previous = Interval(lower: r.lower, upper: r.upper)
        }
        XCTAssertLessThan(previous.upper - previous.lower, 1)
    }

    func testExactSettlesTheLastLevelInOnePassPerPrefix() throws {
        let event = try moderateEvent()
        // Horizon 1: the root's one pass settles every child, whatever the children per visit.
        let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let first = logSoftmax(try s.forward(prompt, logits: .last)[0..<lm.config.vocab])
        let truth = (0..<lm.config.vocab).filter { !lm.endOfGeneration.contains($0) && holds(event, [$0]) }
            .reduce(0.0) { $0 + Foundation.exp(first[$1]) }
        let one = try ExactSearch(model: lm, event: event, settings: RiskSettings(horizon: 1, sampling: target), budget: 1,
                                  childrenPerVisit: 4).run(prompts: [prompt])
        XCTAssertTrue(one.complete)
        XCTAssertEqual(one.expansions, 1)
        XCTAssertEqual(one.lower, truth, accuracy: 1e-6)
        XCTAssertEqual(one.upper, truth, accuracy: 1e-6)
        // Horizon 2: the tree is exhausted with one pass for the root's children (in groups of
        // `childrenPerVisit`) plus one per undecided first token.
        let undecided = (0..<lm.config.vocab).filter { !lm.endOfGeneration.contains($0) && !holds(event, [$0]) }.count
        let groups = (lm.config.vocab + 63) / 64
        let two = try ExactSearch(model: lm, event: event, settings: RiskSettings(horizon: 2, sampling: target), budget: 10_000)
            .run(prompts: [prompt])
        XCTAssertTrue(two.complete)
        XCTAssertEqual(two.expansions, groups + undecided)
    }

    func testMonteCarloIntervalCoversTheEnumeratedProbability() throws {
        let event = try moderateEvent()
        let truth = try enumerate(event)
        let mc = try MonteCarloEstimator(model: lm, event: event, settings: RiskSettings(horizon: 2, sampling: target, seed: 4), batch: 8)
        let r = try mc.run(prompts: [prompt], samplesPerPrompt: 600)
        XCTAssertEqual(r.event.samples, 600)
        XCTAssertTrue(r.event.interval.contains(truth), "\(r.event.interval) vs \(truth)")
        XCTAssertNil(r.halt)
    }

    func testImportanceWeightsMatchTheScoringPath() throws {
        let event = try moderateEvent()
        let settings = RiskSettings(horizon: 3, sampling: target, seed: 2)
        let sampler = try ImportanceSampler(model: lm, event: event, settings: settings, proposalTemperature: 2, defensive: 0.2)
        let samples = try sampler.samples(prompts: [prompt], samplesPerPrompt: 40)[0]
        XCTAssertTrue(samples.contains { $0.fromTarget } && samples.contains { !$0.fromTarget })
        let session = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let V = lm.config.vocab
        for s in samples where !s.tokens.isEmpty {
            // log p from `score`; log q from the logits at temperature 2, computed here.
            let all = prompt + s.tokens
            let scored = try session.score(all)
            let logP = scored.logProbs[prompt.count...].reduce(0.0) { $0 + Double($1!) }
            session.rewind(to: 0)
            let logits = try session.forward(all, logits: .all)
            var logQ = 0.0
            for (j, t) in s.tokens.enumerated() {
                let row = prompt.count - 1 + j
                logQ += logSoftmax(logits[(row * V)..<((row + 1) * V)], temperature: 2)[t]
            }
            // Samples that ended on an end-of-generation token include it; these had none.
            guard s.tokens.count == 3 || s.event else { continue }
            XCTAssertEqual(s.logTarget, logP, accuracy: 1e-3)
            XCTAssertEqual(s.logProposal, logQ, accuracy: 1e-3)
            let w = 1 / (0.2 + 0.8 * Foundation.exp(logQ - logP))
            XCTAssertEqual(s.weight, w, accuracy: 1e-3 * w)
            XCTAssertLessThanOrEqual(s.weight, 5)
        }
    }

    func testImportanceIntervalCoversTheEnumeratedProbability() throws {
        let event = try moderateEvent()
        let truth = try enumerate(event)
        let settings = RiskSettings(horizon: 2, sampling: target, seed: 5)
        let summary = try ImportanceSampler(model: lm, event: event, settings: settings, proposalTemperature: 1.5, defensive: 0.5)
            .run(prompts: [prompt], samplesPerPrompt: 400)
        XCTAssertTrue(summary.interval.contains(truth), "\(summary.interval) vs \(truth)")
        XCTAssertEqual(summary.estimate, truth, accuracy: 5 * summary.standardError)
        XCTAssertGreaterThan(summary.effectiveSampleSize, 100)
        XCTAssertEqual(summary.weightBound, 2)
    }
    /// A rare event over two tokens: four first tokens of moderate rank, whose summed probability
    /// is small.
    func rareEvent() throws -> (RiskEvent, [Int]) {
        let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        var sampler = Sampler(options: target)
        let dist = try sampler.distribution(s.forwardLast(prompt), history: prompt)
        let ids = Array(dist.map(\.id).filter { !lm.endOfGeneration.contains($0) }[40..<44])
        return (try RiskEvent(ids.map { .tokens([$0]) }), ids)
    }

    func testEventTokensAreTheTokensThatAloneMakeTheEventHold() throws {
        let eog = try XCTUnwrap(lm.endOfGeneration.first)
        let event = try RiskEvent([.tokens([7]), .tokens([8, 9]), .tokens([eog]), .text("zq")])
        // 8 starts a two-token clause (not alone), an end-of-generation token never holds, and no
        // single byte token's text contains "zq".
        XCTAssertEqual(ProposalBoost.eventTokens(model: lm, event: event), [7])
        let text = ProposalBoost.eventTokens(model: lm, event: try RiskEvent([.text("e")]))
        // The byte "e", and the merges "he" and " the".
        XCTAssertEqual(text.map { lm.tokenizer.decode([$0]) }.sorted(), [" the", "e", "he"])
        XCTAssertThrowsError(try ProposalBoost(tokens: [], logit: 1))
        XCTAssertThrowsError(try ProposalBoost(tokens: [1], logit: .nan))
        XCTAssertThrowsError(try ImportanceSampler(model: lm, event: event, settings: RiskSettings(horizon: 2, sampling: target),
                                                   boost: ProposalBoost(tokens: [lm.config.vocab], logit: 1))) {
            XCTAssertTrue("\($0)".contains("outside the vocabulary"))
        }
    }

    func testBoostedProposalWeightsMatchTheScoringPath() throws {
        let (event, ids) = try rareEvent()
        let settings = RiskSettings(horizon: 3, sampling: target, seed: 6)
        let boost = try ProposalBoost(tokens: ids, logit: 3)
        let sampler = try ImportanceSampler(model: lm, event: event, settings: settings, boost: boost, defensive: 0.2)
        let samples = try sampler.samples(prompts: [prompt], samplesPerPrompt: 40)[0]
        let session = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 16)
        let V = lm.config.vocab
        var checked = 0
        for s in samples where s.tokens.count == 3 || s.event {
            // log p from `score`; log q from the logits with the boost added, computed here.
            let all = prompt + s.tokens
            let logP = try session.score(all).logProbs[prompt.count...].reduce(0.0) { $0 + Double($1!) }
            session.rewind(to: 0)
            let logits = try session.forward(all, logits: .all)
            var logQ = 0.0
            for (j, t) in s.tokens.enumerated() {
                let row = prompt.count - 1 + j
                var boosted = Array(logits[(row * V)..<((row + 1) * V)])
                for b in ids { boosted[b] += 3 }
                logQ += logSoftmax(boosted[...])[t]
            }
            XCTAssertEqual(s.logTarget, logP, accuracy: 1e-3)
            XCTAssertEqual(s.logProposal, logQ, accuracy: 1e-3)
            XCTAssertEqual(s.weight, 1 / (0.2 + 0.8 * Foundation.exp(logQ - logP)), accuracy: 1e-3 * s.weight)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
        // The boost moves mass onto the event: far more events than the target gives.
        XCTAssertGreaterThan(samples.filter(\.event).count, 10)
    }

    func testBoostedImportanceSamplingBeatsPlainSamplingOnARareEvent() throws {
        let (event, ids) = try rareEvent()
        let truth = try enumerate(event)
        XCTAssertGreaterThan(truth, 1e-4)
        XCTAssertLessThan(truth, 0.05)
        let settings = RiskSettings(horizon: 2, sampling: target, seed: 11)
        let n = 300
        let summary = try ImportanceSampler(model: lm, event: event, settings: settings, boost: ProposalBoost(tokens: ids, logit: 4),
                                            defensive: 0.5).run(prompts: [prompt], samplesPerPrompt: n)
        XCTAssertTrue(summary.interval.contains(truth), "\(summary.interval) vs \(truth)")
        XCTAssertEqual(summary.estimate, truth, accuracy: 4 * summary.standardError)
        // Plain sampling's standard error with as many samples is sqrt(p(1−p)/n); the boosted
        // proposal's is several times smaller (so it needs that factor squared fewer samples).
        let plain = (truth * (1 - truth) / Double(n)).squareRoot()
        XCTAssertLessThan(summary.standardError * 3, plain, "IS s.e. \(summary.standardError) vs MC \(plain)")
    }
    func testImportanceSamplesAreTheSameForAnyBatchAndThreads() throws {
        let (event, ids) = try rareEvent()
        func samples(batch: Int, threads: Int) throws -> [[ImportanceSample]] {
            let settings = RiskSettings(horizon: 5, sampling: target, seed: 13, threads: threads)
            return try ImportanceSampler(model: lm, event: event, settings: settings, boost: ProposalBoost(tokens: ids, logit: 2),
                                         defensive: 0.3, batch: batch)
                .samples(prompts: [prompt, Array(prompt.prefix(3))], samplesPerPrompt: 9)
        }
        let a = try samples(batch: 1, threads: 1)
        XCTAssertEqual(a, try samples(batch: 4, threads: 2))
        XCTAssertEqual(a, try samples(batch: 16, threads: 1))
        // Samples of different lengths (events, ends of generation, the horizon) were mixed in the batches.
        XCTAssertGreaterThan(Set(a.flatMap { $0 }.map(\.tokens.count)).count, 1)
        XCTAssertTrue(a.flatMap { $0 }.contains { $0.event })
    }
}
