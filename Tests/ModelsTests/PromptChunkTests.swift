import Foundation
import Formats
import Models
import Taps
import TestSupport
import XCTest

/// Chunked prefill: a prompt run in chunks of any size (`GenerationStepper.runPrompt(maxTokens:)`)
/// gives the bits the whole prompt gives in one go — the logits every token is drawn from, the
/// tokens, and every tapped vector — and the gate judges the prompt once, after its last chunk.
/// (Within a forward pass taps arrive point by point over the pass's tokens, so their arrival
/// order follows the chunks, as it follows a session's `maxBatch`; each (point, position) is
/// delivered once, with the same bits.)
final class PromptChunkTests: XCTestCase {
    /// Records every tapped vector's bits by point and position, the logits each token was drawn
    /// from, and the gate's calls.
    final class Recorder: TapSink, GenerationObserver, TokenGate {
        let points: Set<TapPoint> = [.embed, .residPost(0), .attnOut(1), .residPost(1)]
        var taps: [String: [UInt32]] = [:]
        var deliveries = 0
        var drawnFrom: [[UInt32]] = []
        var gateCalls: [String] = []
        func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
            taps["\(point)@\(position)"] = values.map(\.bitPattern)
            deliveries += 1
        }
        var shouldCancel: Bool { false }
        func sampled(token: Int, logits: UnsafeBufferPointer<Float>) { drawnFrom.append(logits.map(\.bitPattern)) }
        func admit(token: Int?, position: Int, generatedIndex: Int?) throws -> Bool {
            gateCalls.append("\(token.map(String.init) ?? "prompt")@\(position)")
            return true
        }
    }

    struct Outcome {
        var tokens: [Int]
        var recorder: Recorder
        var chunksRun: Int
    }

    /// Generates 8 sampled tokens after `prompt`, the prompt run `chunk` tokens at a time.
    func generate(_ lm: LanguageModel, _ prompt: [Int], chunk: Int, maxBatch: Int, threads: Int) throws -> Outcome {
        let session = InferenceSession(model: lm.transformer, contextLength: 128, maxBatch: maxBatch, threads: threads)
        let r = Recorder()
        let g = try GenerationStepper(model: lm, promptTokens: prompt,
                                      options: GenerationOptions(maxTokens: 8, sampling: SamplingOptions(temperature: 0.9, seed: 4)),
                                      session: session, sink: r, gate: r, observer: r)
        XCTAssertFalse(g.promptDone)
        XCTAssertEqual(session.position, 0, "the initializer runs nothing")
        var chunks = 0
        while true {
            chunks += 1
            let done = try g.runPrompt(maxTokens: chunk)
            XCTAssertEqual(g.promptRun, min(prompt.count, chunks * chunk))
            XCTAssertEqual(session.position, g.promptRun)
            XCTAssertEqual(r.gateCalls.isEmpty, !done, "the gate judges the prompt after its last chunk only")
            if done { break }
        }
        XCTAssertTrue(try g.runPrompt(maxTokens: 1), "a finished prompt runs nothing more")
        XCTAssertEqual(session.position, prompt.count)
        while let token = g.nextToken() { g.accept(try session.step(token, sink: r)) }
        return Outcome(tokens: g.result.tokens, recorder: r, chunksRun: chunks)
    }

    func check(spec: TinyModelSpec) throws {
        let url = try TinyModel.write(spec)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let lm = try LanguageModel.load(url.path)
        let prompt = (0..<37).map { (7 + 13 * $0) % lm.config.vocab }
        // Reference: the whole prompt in one call, in one batch.
        let whole = try generate(lm, prompt, chunk: prompt.count, maxBatch: 64, threads: 1)
        XCTAssertEqual(whole.chunksRun, 1)
        XCTAssertEqual(whole.recorder.gateCalls.first, "prompt@\(prompt.count - 1)")
        XCTAssertEqual(whole.tokens.count, 8)
        XCTAssertEqual(whole.recorder.taps.count, 4 * (prompt.count + whole.tokens.count), "4 points at every prompt and decoded position")
        XCTAssertEqual(whole.recorder.deliveries, whole.recorder.taps.count)
        for (chunk, maxBatch, threads) in [(1, 64, 1), (3, 64, 2), (7, 4, 1), (32, 64, 3), (36, 8, 2)] {
            let c = try generate(lm, prompt, chunk: chunk, maxBatch: maxBatch, threads: threads)
            let label = "chunk \(chunk), maxBatch \(maxBatch), \(threads) threads"
            XCTAssertEqual(c.chunksRun, (prompt.count + chunk - 1) / chunk, label)
            XCTAssertEqual(c.tokens, whole.tokens, label)
            XCTAssertEqual(c.recorder.gateCalls, whole.recorder.gateCalls, label)
            XCTAssertTrue(c.recorder.drawnFrom == whole.recorder.drawnFrom, "logits differ: \(label)")
            XCTAssertEqual(c.recorder.deliveries, c.recorder.taps.count, "each (point, position) once: \(label)")
            XCTAssertEqual(Set(c.recorder.taps.keys), Set(whole.recorder.taps.keys), label)
            for (key, bits) in whole.recorder.taps where c.recorder.taps[key] != bits {
                XCTFail("tap \(key) differs: \(label)")
            }
        }
        // `generate` runs the prompt in one call: the same tokens.
        let session = InferenceSession(model: lm.transformer, contextLength: 128, threads: 1)
        let direct = try lm.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: 8, sampling: SamplingOptions(temperature: 0.9, seed: 4)),
                                     session: session)
        XCTAssertEqual(direct.tokens, whole.tokens)
    }

    func testChunkedPromptEqualsWholePrompt() throws {
        var quantized = TinyModelSpec()
        quantized.weightType = .q4_1
        try check(spec: quantized)
        try check(spec: TinyModelSpec())
    }

    func testRefusals() throws {
        let url = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let lm = try LanguageModel.load(url.path)
        let session = InferenceSession(model: lm.transformer, contextLength: 16, threads: 1)
        let g = try GenerationStepper(model: lm, promptTokens: [1, 2, 3], options: GenerationOptions(maxTokens: 2), session: session)
        XCTAssertThrowsError(try g.runPrompt(maxTokens: 0))
        XCTAssertEqual(g.promptRun, 0)
        XCTAssertThrowsError(try GenerationStepper(model: lm, promptTokens: Array(repeating: 1, count: 17), options: GenerationOptions(maxTokens: 2),
                                                   session: session), "a prompt longer than the context is refused before any chunk")
    }
}
