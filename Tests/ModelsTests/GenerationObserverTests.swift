import Foundation
import Models
import TestSupport
import XCTest

/// A GenerationObserver stops generation between tokens without changing the tokens before.
final class GenerationObserverTests: XCTestCase {
    final class StopAfter: GenerationObserver {
        let limit: Int
        var sampledTokens: [Int] = []
        var logitsCounts: [Int] = []
        init(_ limit: Int) { self.limit = limit }
        var shouldCancel: Bool { sampledTokens.count >= limit }
        func sampled(token: Int, logits: UnsafeBufferPointer<Float>) {
            sampledTokens.append(token)
            logitsCounts.append(logits.count)
        }
    }

    func testCancelStopsWithinOneTokenAndKeepsThePrefix() throws {
        let url = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let lm = try LanguageModel.load(url.path)
        let prompt = lm.tokenizer.encode("the cat sat", parseSpecialTokens: false, addBOS: false)
        let options = GenerationOptions(maxTokens: 20, sampling: SamplingOptions(temperature: 0.8, seed: 11))
        let full = try lm.generate(promptTokens: prompt, options: options,
                                   session: InferenceSession(model: lm.transformer, contextLength: 64, threads: 1))
        XCTAssertGreaterThan(full.tokens.count, 4, "the uncancelled run must be long enough to cut")

        let observer = StopAfter(3)
        var pieces = 0
        let cut = try lm.generate(promptTokens: prompt, options: options,
                                  session: InferenceSession(model: lm.transformer, contextLength: 64, threads: 1),
                                  observer: observer) { _ in pieces += 1 }
        XCTAssertEqual(cut.finishReason, .cancelled)
        XCTAssertEqual(cut.tokens, Array(full.tokens.prefix(3)))
        XCTAssertEqual(observer.sampledTokens, cut.tokens)
        XCTAssertEqual(observer.logitsCounts, [Int](repeating: lm.config.vocab, count: 3))
        XCTAssertEqual(pieces, 4, "one piece per released token, then the tail")
    }
}
