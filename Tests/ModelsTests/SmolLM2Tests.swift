import Foundation
import Models
import TestSupport
import XCTest

/// A few checks on the real default model against figures from an independent GGUF engine
/// (llama.cpp, same file, greedy; see the README's comparison section for how they were made).
/// Skipped when the model has not been fetched.
final class SmolLM2Tests: XCTestCase {
    static var cached: LanguageModel?

    func model() throws -> LanguageModel {
        guard let url = DefaultModel.smollm2 else { throw XCTSkip(DefaultModel.skipMessage) }
        if let m = Self.cached { return m }
        let m = try LanguageModel.load(url.path)
        Self.cached = m
        return m
    }

    func testChatPromptTokensMatchReferenceEngine() throws {
        let lm = try model()
        let ids = try lm.promptTokens("What is the capital of France?", chat: true)
        XCTAssertEqual(ids, [1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018,
                             411, 407, 19712, 8182, 2, 198, 1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2,
                             198, 1, 520, 9531, 198])
        XCTAssertEqual(try lm.promptTokens("def fibonacci(n):", chat: false), [1604, 3987, 46477, 24, 94, 727])
    }

    func testGreedyMatchesReferenceEngineUntilItsFirstNearTie() throws {
        let lm = try model()
        let session = InferenceSession(model: lm.transformer, contextLength: 256, threads: 2)
        // Reference continuations up to the first step where its top-two logits are within 0.3.
        let cases: [([Int], [Int])] = [
            ([504, 3575, 282, 4649, 314], [7042, 30, 198, 198, 504]),
            ([33, 28, 216, 34, 28, 216, 35, 28, 216, 36, 28, 216, 37, 28],
             [216, 38, 28, 216, 39, 28, 216, 40, 28, 216, 41, 28, 216, 33, 32, 28, 216, 33, 33, 28]),
        ]
        for (prompt, expected) in cases {
            let r = try lm.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: expected.count),
                                    session: session)
            XCTAssertEqual(r.tokens, expected)
        }
    }

    func testLogProbabilitiesCloseToReferenceEngine() throws {
        let lm = try model()
        let session = InferenceSession(model: lm.transformer, contextLength: 64, threads: 2)
        let s = try session.score([504, 3575, 282, 4649, 314])
        let reference: [Float] = [-11.4496, -0.3111, -2.5252, -0.4711]
        for (ours, theirs) in zip(s.logProbs.dropFirst().map { $0! }, reference) {
            // The reference engine's own variants (flash attention on/off) differ by up to ~1 logit.
            XCTAssertEqual(ours, theirs, accuracy: 0.15)
        }
    }

    func testLogitsIdenticalForThreadCountsAndBatching() throws {
        let lm = try model()
        let prompt = try lm.promptTokens("Explain photosynthesis in one sentence.", chat: true)
        var runs: [[Float]] = []
        for (threads, batch) in [(1, 64), (2, 64), (2, 5)] {
            let s = InferenceSession(model: lm.transformer, contextLength: 128, maxBatch: batch, threads: threads)
            runs.append(try s.forward(prompt, logits: .last))
        }
        for r in runs.dropFirst() {
            XCTAssertTrue(r.elementsEqual(runs[0]) { $0.bitPattern == $1.bitPattern })
        }
    }
}
