import Formats
import Taps
import TestSupport
import XCTest
@testable import Models

/// An activations-only run (no logits) stops after the last block whose points are wanted; the
/// values it delivers are the bits a full pass delivers, and a later run that needs the blocks
/// it skipped is refused instead of reading keys and values that were never written.
final class EarlyStopTests: XCTestCase {
    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3, 44]

    /// Keeps every delivered row, by point and position.
    final class Keeper: TapSink, @unchecked Sendable {
        let points: Set<TapPoint>
        var rows: [String: [UInt32]] = [:]
        init(_ points: Set<TapPoint>) { self.points = points }
        func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
            rows["\(point)@\(position)"] = values.map(\.bitPattern)
        }
    }

    func testMiddleLayerCollectionStopsEarlyWithTheSameBits() throws {
        for arch in ["llama", "gpt2"] {
            var spec = TinyModelSpec()
            spec.architecture = arch
            if arch == "gpt2" { spec.kvHeads = spec.heads }
            spec.layers = 4
            let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
            let wanted: Set<TapPoint> = [.residPost(1), .mlpPre(1), .embed]

            let full = Keeper(wanted)
            let fullSession = InferenceSession(model: model, maxBatch: 4, threads: 2)
            _ = try fullSession.forward(prompt, logits: .all, sink: full)
            XCTAssertEqual(fullSession.layersToRun, 4, arch)

            let early = Keeper(wanted)
            let session = InferenceSession(model: model, maxBatch: 4, threads: 2)
            let logits = try session.forward(prompt, logits: .none, sink: early)
            XCTAssertTrue(logits.isEmpty)
            XCTAssertEqual(session.layersToRun, 2, "\(arch): blocks above the last tapped one are skipped")
            XCTAssertEqual(early.rows.count, wanted.count * prompt.count, arch)
            XCTAssertEqual(early.rows, full.rows, arch)

            // More of the same blocks may follow; the skipped blocks may not.
            _ = try session.forward([7, 8], logits: .none, sink: Keeper([.residPre(0)]))
            XCTAssertEqual(session.layersToRun, 1)
            XCTAssertThrowsError(try session.forward([9], logits: .last)) { error in
                XCTAssertEqual(error as? ModelError, .incompleteCache(position: 0, layers: 1), arch)
            }
            // After a rewind the session is whole again and matches a fresh one.
            session.rewind(to: 0)
            let again = try session.forward(prompt, logits: .all)
            let fresh = try InferenceSession(model: model, maxBatch: 4, threads: 2).forward(prompt, logits: .all)
            XCTAssertEqual(again.map(\.bitPattern), fresh.map(\.bitPattern), arch)
        }
    }

    func testFinalNormOrNoTapsRunEveryBlock() throws {
        let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(TinyModelSpec())))
        let session = InferenceSession(model: model, maxBatch: 4, threads: 1)
        _ = try session.forward(prompt, logits: .none, sink: Keeper([.finalNormalized]))
        XCTAssertEqual(session.layersToRun, model.config.layers)
        // No taps and no logits: the run only fills the cache, which the next run reads.
        session.rewind(to: 0)
        _ = try session.forward(Array(prompt.prefix(5)), logits: .none)
        XCTAssertEqual(session.layersToRun, model.config.layers)
        let rest = try session.forward(Array(prompt.dropFirst(5)), logits: .all)
        let whole = try InferenceSession(model: model, maxBatch: 4, threads: 1).forward(prompt, logits: .all)
        XCTAssertEqual(rest.map(\.bitPattern), Array(whole.suffix(rest.count)).map(\.bitPattern))
    }
}
