import Foundation
import Formats
import Models
import Taps
import TestSupport
import XCTest

/// A batched decode step gives every sequence the logits and tapped vectors it gets alone.
final class BatchedDecodeTests: XCTestCase {
    /// Records every tapped vector's bits, in arrival order.
    final class Recorder: TapSink {
        let points: Set<TapPoint>
        var log: [(TapPoint, Int, [UInt32])] = []
        init(_ points: Set<TapPoint>) { self.points = points }
        func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
            log.append((point, position, values.map(\.bitPattern)))
        }
    }

    /// A stateless steering edit, different per sequence: x[i] += shift · (position + i mod 3)
    /// at two taps. Counts its calls, to show the batched step ran it.
    final class Shifter: TapEditor {
        let points: Set<TapPoint> = [.residPost(0), .mlpPost(1)]
        let shift: Float
        var calls = 0
        init(_ shift: Float) { self.shift = shift }
        func edit(_ point: TapPoint, position: Int, values: UnsafeMutableBufferPointer<Float>) {
            calls += 1
            for i in values.indices { values[i] += shift * Float(position + i % 3) }
        }
    }

    func run(spec: TinyModelSpec, threads: Int, editors: Bool = false) throws {
        let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
        let prompts = [[5, 72, 101, 108, 108, 111], [260, 33, 119], [3, 256, 104, 105, 106, 107, 108, 109, 110]]
        let points: Set<TapPoint> = [.residPost(0), .residPost(1), .mlpPost(1), .attnOut(0), .embed]
        func sessions(editing: Bool = editors) throws -> ([InferenceSession], [[Int]]) {
            var firsts: [[Int]] = []
            let ss = try prompts.enumerated().map { b, p -> InferenceSession in
                let s = InferenceSession(model: model, contextLength: 64, maxBatch: 8, threads: threads)
                // Sequence 1 stays unedited beside two edited ones.
                if editing, b != 1 { s.editor = Shifter(b == 0 ? 0.05 : -0.03) }
                firsts.append([Sampler.argmax(try s.forwardLast(p))])
                return s
            }
            return (ss, firsts)
        }
        // Alone: each sequence steps by itself (greedy), recording logits and taps.
        let (alone, firstAlone) = try sessions()
        var aloneLogits: [[[UInt32]]] = [[], [], []]
        let aloneSinks = prompts.map { _ in Recorder(points) }
        for b in 0..<3 {
            var token = firstAlone[b][0]
            for _ in 0..<6 {
                let logits = try alone[b].step(token, sink: aloneSinks[b])
                aloneLogits[b].append(logits.map(\.bitPattern))
                token = Sampler.argmax(logits)
            }
        }
        // Together: one batched step per position for all three.
        let (together, firstTogether) = try sessions()
        XCTAssertEqual(firstAlone, firstTogether)
        let sinks = prompts.map { _ in Recorder(points) }
        var tokens = firstTogether.map { $0[0] }
        for i in 0..<6 {
            let views = try BatchedDecode.step(together, tokens: tokens, sinks: sinks)
            for b in 0..<3 {
                XCTAssertEqual(views[b].map(\.bitPattern), aloneLogits[b][i], "sequence \(b), step \(i), \(threads) threads")
            }
            tokens = views.map { Sampler.argmax($0) }
        }
        for b in 0..<3 {
            XCTAssertEqual(together[b].position, alone[b].position)
            XCTAssertEqual(sinks[b].log.count, aloneSinks[b].log.count)
            for (x, y) in zip(sinks[b].log, aloneSinks[b].log) {
                XCTAssertEqual(x.0, y.0)
                XCTAssertEqual(x.1, y.1)
                XCTAssertTrue(x.2 == y.2, "tap \(x.0) at \(x.1) of sequence \(b) differs")
            }
        }
        if editors {
            // The edits changed the logits (the test is not vacuous) and ran in both modes alike.
            let (plain, _) = try sessions(editing: false)
            XCTAssertNotEqual(try plain[0].step(firstAlone[0][0]).map(\.bitPattern), aloneLogits[0][0])
            for b in [0, 2] {
                XCTAssertEqual((together[b].editor as! Shifter).calls, (alone[b].editor as! Shifter).calls)
                XCTAssertGreaterThan((together[b].editor as! Shifter).calls, 0)
            }
        }
        // A sequence beside others and then alone continues identically: its cache holds the same bits.
        let next = try together[1].step(tokens[1])
        let nextAlone = try alone[1].step(tokens[1])
        XCTAssertEqual(next.map(\.bitPattern), nextAlone.map(\.bitPattern))
    }

    func testBatchedStepEqualsLoneSteps() throws {
        var quantized = TinyModelSpec()
        quantized.weightType = .q4_1
        for threads in [1, 3] {
            try run(spec: quantized, threads: threads)
            try run(spec: TinyModelSpec(), threads: threads)
        }
        var qwen = TinyModelSpec()
        qwen.qkvBias = true
        qwen.qkNorm = true
        try run(spec: qwen, threads: 2)
    }

    /// Steering edits (tap editors) in a batched step: each sequence's editor rewrites its own
    /// row only, and every sequence — edited or not — gets the bits it gets alone.
    func testBatchedStepWithEditorsEqualsLoneSteps() throws {
        var quantized = TinyModelSpec()
        quantized.weightType = .q4_1
        try run(spec: quantized, threads: 2, editors: true)
        try run(spec: TinyModelSpec(), threads: 1, editors: true)
    }

    func testRefusals() throws {
        let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf()))
        let a = InferenceSession(model: model, contextLength: 8, maxBatch: 2, threads: 1)
        let b = InferenceSession(model: model, contextLength: 8, maxBatch: 2, threads: 1)
        let c = InferenceSession(model: model, contextLength: 8, maxBatch: 2, threads: 1)
        XCTAssertThrowsError(try BatchedDecode.step([a, a], tokens: [1, 2], sinks: [nil, nil]))
        XCTAssertThrowsError(try BatchedDecode.step([a, b, c], tokens: [1, 2, 3], sinks: [nil, nil, nil]), "over maxBatch")
        XCTAssertThrowsError(try BatchedDecode.step([a, b], tokens: [1, -1], sinks: [nil, nil]))
        XCTAssertThrowsError(try BatchedDecode.step([a, b], tokens: [1], sinks: [nil, nil]))
        let gemma = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(.gemma3)))
        XCTAssertFalse(BatchedDecode.supports(gemma))
        let s = InferenceSession(model: gemma, contextLength: 8, maxBatch: 2, threads: 1)
        XCTAssertThrowsError(try BatchedDecode.step([s], tokens: [1], sinks: [nil]), "Gemma 3 decodes alone")
    }
}
