import Detectors
import Foundation
import Models
import SAE
import Steering
import Taps
import TestSupport

/// A tiny model on disk with helpers to run it with and without a plan.
struct SteeringFixture {
    let url: URL
    let model: LanguageModel
    let folder: URL

    static func make(layers: Int = 3) throws -> SteeringFixture {
        var spec = TinyModelSpec()
        spec.layers = layers
        let url = try TinyModel.write(spec)
        return SteeringFixture(url: url, model: try LanguageModel.load(url.path), folder: url.deletingLastPathComponent())
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    var d: Int { model.config.dModel }
    var layers: Int { model.config.layers }

    var prompt: [Int] { model.tokenizer.encode("the cat sat on the mat, then the dog", parseSpecialTokens: false, addBOS: false) }

    func session(threads: Int = 1, maxBatch: Int = 8) -> InferenceSession {
        InferenceSession(model: model.transformer, contextLength: 128, maxBatch: maxBatch, threads: threads)
    }

    /// Logits [T, V] of the prompt under `editor`, and what `taps` held (after the edits).
    func run(_ editor: TapEditor?, taps: Set<TapPoint> = [], threads: Int = 1, maxBatch: Int = 8) throws
        -> (logits: [Float], taps: [TapPoint: [[Float]]]) {
        let s = session(threads: threads, maxBatch: maxBatch)
        s.editor = editor
        let sink = RecordingSink(points: taps)
        let logits = try s.forward(prompt, logits: .all, sink: sink)
        return (logits, sink.rows)
    }

    func vector(seed: UInt64, scale: Float = 1) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<d).map { _ in g.normal() * scale }
    }

    func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
}

/// Keeps every delivered vector, by tap, in position order.
final class RecordingSink: TapSink {
    let points: Set<TapPoint>
    var rows: [TapPoint: [[Float]]] = [:]
    init(points: Set<TapPoint>) { self.points = points }
    func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        rows[point, default: []].append(Array(values))
    }
}

func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

func controlVectorEdit(_ path: String, strength: Float = 1, scale: Float = 1, start: Int? = nil, end: Int? = nil) -> EditSpec {
    EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: path, strength: strength)], layerStart: start, layerEnd: end),
             scale: scale)
}
