import Foundation
import Models
import TestSupport
import XCTest

/// `InferenceSession.copyPrefix`: a session continuing from a copied cache computes what the
/// session that ran the prefix computes, to the bit; `Sampler.distribution` matches a greedy pick.
final class CopyPrefixTests: XCTestCase {
    func testContinuingFromACopiedPrefixIsBitIdentical() throws {
        let lm = try LanguageModel.load(TinyModel.write().path)
        let prompt = lm.tokenizer.encode("the cat sat on", parseSpecialTokens: false, addBOS: false)
        let source = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 8)
        _ = try source.forward(prompt, logits: .none)
        let copy = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: 4, threads: 2)
        try copy.copyPrefix(from: source, count: prompt.count)
        XCTAssertEqual(copy.position, prompt.count)
        let alone = InferenceSession(model: lm.transformer, contextLength: 64)
        _ = try alone.forward(prompt, logits: .none)
        for t in [5, 80, 200] {
            let a = Array(try alone.step(t)), b = Array(try copy.step(t))
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        }
        // A shorter prefix, then the rest run: the same as running it all.
        let partial = InferenceSession(model: lm.transformer, contextLength: 64)
        try partial.copyPrefix(from: source, count: 2)
        let rest = Array(try partial.forwardLast(Array(prompt[2...])))
        source.rewind(to: 0)
        XCTAssertEqual(rest.map(\.bitPattern), Array(try source.forwardLast(prompt)).map(\.bitPattern))
        // Bad input: a count beyond what the source holds, another model, a too-small cache.
        XCTAssertThrowsError(try copy.copyPrefix(from: source, count: prompt.count + 1))
        let other = try LanguageModel.load(TinyModel.write().path)
        XCTAssertThrowsError(try InferenceSession(model: other.transformer, contextLength: 64).copyPrefix(from: source, count: 1))
        XCTAssertThrowsError(try InferenceSession(model: lm.transformer, contextLength: 2).copyPrefix(from: source, count: 3))
        // Greedy settings: the distribution is the argmax with probability 1.
        var greedy = Sampler(options: SamplingOptions())
        let logits = try source.forwardLast(prompt)
        let d = greedy.distribution(logits, history: prompt)
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].id, Sampler.argmax(logits))
        XCTAssertEqual(d[0].probability, 1)
    }
}
