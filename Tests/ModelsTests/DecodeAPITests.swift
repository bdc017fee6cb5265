import Foundation
import Formats
import Kernels
import Models
import TestSupport
import XCTest

/// The allocation-free decode entry points (`step`, `forwardLast`, sampling from a view) give
/// the same bits as `forward`, whatever the thread count.
final class DecodeAPITests: XCTestCase {
    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3, 260, 33]

    func testStepAndForwardLastMatchForward() throws {
        var spec = TinyModelSpec()
        spec.weightType = .q4_1
        let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
        let V = model.config.vocab
        let reference = try InferenceSession(model: model, maxBatch: 5, threads: 1).forward(prompt, logits: .all)
        for threads in [1, 2, 3] {
            let s = InferenceSession(model: model, maxBatch: 5, threads: threads)
            for (i, token) in prompt.enumerated() {
                let view = try s.step(token)
                XCTAssertEqual(view.count, V)
                let expected = reference[(i * V)..<((i + 1) * V)]
                XCTAssertTrue(view.elementsEqual(expected) { $0.bitPattern == $1.bitPattern }, "step \(i), \(threads) threads")
            }
            s.rewind(to: 0)
            let last = try s.forwardLast(prompt)
            XCTAssertTrue(last.elementsEqual(reference.suffix(V)) { $0.bitPattern == $1.bitPattern }, "forwardLast, \(threads) threads")
        }
    }

    func testSamplingFromViewEqualsSamplingFromArray() {
        let logits: [Float] = (0..<300).map { Float(($0 * 37) % 101) / 10 }
        for options in [SamplingOptions(), SamplingOptions(repetitionPenalty: 1.3),
                        SamplingOptions(temperature: 0.8, topK: 40, topP: 0.9, seed: 7)] {
            var a = Sampler(options: options), b = Sampler(options: options)
            for step in 0..<5 {
                let history = [Int](0..<(step * 10))
                let fromArray = a.sample(logits, history: history)
                let fromView = logits.withUnsafeBufferPointer { b.sample($0, history: history) }
                XCTAssertEqual(fromArray, fromView)
            }
        }
    }
}
