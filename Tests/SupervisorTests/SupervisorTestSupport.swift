import Foundation
import Detectors
import Models
import Taps
import TestSupport
@testable import Supervisor

/// A tiny random model on disk, loaded, with its hash.
struct TinyFixture {
    let url: URL
    let model: LanguageModel
    let sha: String
    let folder: URL

    static func make(layers: Int = 2) throws -> TinyFixture {
        var spec = TinyModelSpec()
        spec.layers = layers
        let url = try TinyModel.write(spec)
        let model = try LanguageModel.load(url.path)
        return TinyFixture(url: url, model: model, sha: try ModelFingerprint.sha256(of: url), folder: url.deletingLastPathComponent())
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    var prompt: [Int] { model.tokenizer.encode("the cat sat on the mat", parseSpecialTokens: false, addBOS: false) }

    func session() -> InferenceSession { InferenceSession(model: model.transformer, contextLength: 128, maxBatch: 8, threads: 1) }

    /// Deterministic pseudo-random probe weights.
    func weights(_ n: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in g.normal() / Float(n).squareRoot() }
    }

    /// A bundle with a linear probe on every layer's resid_post and one rule over all of them.
    func bundle(threshold: Float, action: RuleAction, aggregation: Aggregation = .last, scope: RuleScope = .generation,
                modelSHA: String? = nil) throws -> SupervisorBundle {
        let d = model.config.dModel
        var b = BundleBuilder(name: "test", model: ModelBinding(sha256: modelSHA ?? sha))
        var ids: [String] = []
        for l in 0..<model.config.layers {
            let p = LinearProbe(id: "probe\(l)", tap: .residPost(l), weight: weights(d, seed: UInt64(l + 10)), bias: 0)
            try b.add(p)
            ids.append(p.id)
        }
        b.rules = [RuleSpec(id: "rule", detectors: ids, aggregation: aggregation, threshold: threshold, action: action, scope: scope)]
        return try b.build()
    }
}

/// Test detectors that misbehave on purpose.
final class MisbehavingDetector: Detector, @unchecked Sendable {
    enum Behaviour { case throwAt(Int), nanAt(Int), stall(seconds: Double, at: Int) }
    let id = "bad"
    var kind: String { "test" }
    let tap: TapPoint
    let dimension: Int
    let behaviour: Behaviour
    private let lock = NSLock()
    private var calls = 0

    init(tap: TapPoint, dimension: Int, behaviour: Behaviour) {
        self.tap = tap
        self.dimension = dimension
        self.behaviour = behaviour
    }

    struct Boom: Error {}

    func score(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        lock.lock()
        let n = calls
        calls += 1
        lock.unlock()
        switch behaviour {
        case .throwAt(let k): if n == k { throw Boom() }
        case .nanAt(let k): if n == k { return .nan }
        case .stall(let s, let k): if n == k { Thread.sleep(forTimeInterval: s) }
        }
        return 0.1
    }

    func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] { [] }
}
