import Foundation
import Formats
import Models
import Taps
import TestSupport
import XCTest

/// Editors rewrite activations in place; without one (or with one that changes nothing) the
/// model computes the same bits.
final class TapEditorTests: XCTestCase {
    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3]

    final class Editor: TapEditor {
        let points: Set<TapPoint>
        let change: (Int, UnsafeMutableBufferPointer<Float>) -> Void
        var positions: [Int] = []
        init(_ p: TapPoint, _ change: @escaping (Int, UnsafeMutableBufferPointer<Float>) -> Void) {
            points = [p]
            self.change = change
        }
        func edit(_ point: TapPoint, position: Int, values: UnsafeMutableBufferPointer<Float>) {
            positions.append(position)
            change(position, values)
        }
    }

    func testEditsReachEverythingDownstreamAndOnlyThat() throws {
        for arch in ["llama", "gpt2"] {
            var spec = TinyModelSpec()
            spec.architecture = arch
            if arch == "gpt2" { spec.kvHeads = spec.heads }
            let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
            let plain = try InferenceSession(model: model, maxBatch: 4, threads: 2).forward(prompt, logits: .all)

            let identity = Editor(.residMid(0)) { _, _ in }
            let s = InferenceSession(model: model, maxBatch: 4, threads: 2)
            s.editor = identity
            XCTAssertEqual(try s.forward(prompt, logits: .all).map(\.bitPattern), plain.map(\.bitPattern), arch)
            XCTAssertEqual(identity.positions, Array(0..<prompt.count))

            // Zeroing the last residual from position 6 on changes those positions' logits only.
            let last = model.config.layers - 1
            let zero = Editor(.residPost(last)) { p, v in if p >= 6 { for i in v.indices { v[i] = 0 } } }
            let z = InferenceSession(model: model, maxBatch: 4, threads: 2)
            z.editor = zero
            let edited = try z.forward(prompt, logits: .all)
            let V = model.config.vocab
            XCTAssertEqual(Array(edited[0..<(6 * V)]).map(\.bitPattern), Array(plain[0..<(6 * V)]).map(\.bitPattern), arch)
            // Every edited position sees the same final input, so all get the same logits (all
            // zero for Llama's RMSNorm; GPT-2's LayerNorm bias makes them some other row).
            for p in 7..<prompt.count {
                XCTAssertEqual(Array(edited[(p * V)..<((p + 1) * V)]), Array(edited[(6 * V)..<(7 * V)]), arch)
            }
            XCTAssertNotEqual(Array(edited[(6 * V)..<(7 * V)]), Array(plain[(6 * V)..<(7 * V)]), arch)
            if arch == "llama" { XCTAssertTrue(edited[(6 * V)...].allSatisfy { $0 == 0 }) }
        }
    }
}
