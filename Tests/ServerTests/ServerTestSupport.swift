import Detectors
import Foundation
import Hummingbird
import HummingbirdTesting
import Models
import Server
import Supervisor
import Taps
import TestSupport
import XCTest

/// A tiny random model on disk with bundles written next to it, and a server over them.
final class ServerFixture {
    let folder: URL
    let model: LanguageModel
    let sha: String
    let receipts: ReceiptStore
    let receiptsPath: String

    init(contextLength: Int = 512) throws {
        var spec = TinyModelSpec()
        spec.contextLength = contextLength
        let url = try TinyModel.write(spec)
        folder = url.deletingLastPathComponent()
        model = try LanguageModel.load(url.path)
        sha = try ModelFingerprint.sha256(of: url)
        receiptsPath = folder.appendingPathComponent("receipts.sqlite").path
        receipts = try ReceiptStore(path: receiptsPath)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Deterministic pseudo-random probe weights.
    func weights(_ n: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in g.normal() / Float(n).squareRoot() }
    }

    /// A bundle (written to disk and loaded, so replay can find it) with a linear probe on each
    /// layer's resid_post and one rule over all of them.
    func bundle(name: String, threshold: Float, action: RuleAction = .halt, scope: RuleScope = .generation) throws -> LoadedBundle {
        let d = model.config.dModel
        var b = BundleBuilder(name: name, model: ModelBinding(sha256: sha))
        var ids: [String] = []
        for l in 0..<model.config.layers {
            let p = LinearProbe(id: "probe\(l)", tap: .residPost(l), weight: weights(d, seed: UInt64(l + 10)), bias: 0)
            try b.add(p)
            ids.append(p.id)
        }
        b.rules = [RuleSpec(id: "rule", detectors: ids, aggregation: .last, threshold: threshold, action: action, scope: scope)]
        let dir = folder.appendingPathComponent("\(name).bundle")
        try b.build().write(to: dir)
        return LoadedBundle(try SupervisorBundle.load(dir))
    }

    /// `bundle` with every detector slowed down (same scores, same identity, so its runs still
    /// replay against the bundle on disk): keeps a session busy long enough to interrupt.
    func slowed(_ bundle: LoadedBundle, milliseconds: Double) -> LoadedBundle {
        let p = bundle.policy
        return LoadedBundle(name: bundle.name, policy: Policy(
            detectors: p.detectors.map { SlowDetector(wrapping: $0, seconds: milliseconds / 1000) }, rules: p.rules,
            bundleSHA256: p.bundleSHA256, bundleName: p.bundleName, bundlePath: p.bundlePath, modelSHA256: p.modelSHA256))
    }

    func engine(bundles: [LoadedBundle], parallel: Int = 1, queue: Int = 4, receipts: Bool = true,
                mode: SupervisionMode = .sync, batching: Bool = false, steering: SteeringCatalog = SteeringCatalog()) throws -> Engine {
        try Engine(model: model, modelSHA256: sha, bundles: bundles, steering: steering,
                   configuration: EngineConfiguration(parallel: parallel, queue: queue, contextLength: 512, threads: 1,
                                                      mode: mode, receipts: receipts ? self.receipts : nil, batching: batching))
    }

    func server(_ engine: Engine, maxBodyBytes: Int = 64 << 10) -> OverseerServer {
        OverseerServer(engine: engine, configuration: ServerConfiguration(modelID: "tiny", port: 0, maxBodyBytes: maxBodyBytes,
                                                                          shutdownGraceSeconds: 5))
    }

    /// What the model generates for `prompt` without the server (greedy or seeded), for comparison.
    func directGeneration(_ prompt: [Int], maxTokens: Int, sampling: SamplingOptions = SamplingOptions()) throws -> GenerationResult {
        let session = InferenceSession(model: model.transformer, contextLength: 512, threads: 1)
        return try model.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: maxTokens, sampling: sampling),
                                  session: session)
    }

    func chatPrompt(_ text: String) throws -> [Int] {
        try model.chatTokens([ChatTurn(role: "user", content: text)], addGenerationPrompt: true)
    }
}

/// Another detector's scores, each after a pause.
final class SlowDetector: Detector, @unchecked Sendable {
    let inner: any Detector
    let seconds: Double
    var id: String { inner.id }
    var kind: String { inner.kind }
    var tap: TapPoint { inner.tap }
    var dimension: Int { inner.dimension }
    init(wrapping inner: any Detector, seconds: Double) {
        self.inner = inner
        self.seconds = seconds
    }
    func score(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        Thread.sleep(forTimeInterval: seconds)
        return try inner.score(x)
    }
    func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] { inner.contributions(x, top: top) }
}

/// JSON helpers for responses.
func jsonObject(_ buffer: ByteBuffer) throws -> [String: Any] {
    let data = Data(buffer.readableBytesView)
    guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object: \(String(decoding: data, as: UTF8.self))"])
    }
    return o
}

func jsonBody(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(data: try! JSONSerialization.data(withJSONObject: object))
}

/// The `data:` payloads of a server-sent event stream, in order.
func sseEvents(_ text: String) -> [String] {
    text.components(separatedBy: "\n\n").compactMap { block in
        let lines = block.split(separator: "\n")
        guard let line = lines.first(where: { $0.hasPrefix("data: ") }) else { return nil }
        return String(line.dropFirst(6))
    }
}

/// Decoded stream chunks (everything but the final `[DONE]`).
func sseChunks(_ text: String) throws -> [[String: Any]] {
    try sseEvents(text).filter { $0 != "[DONE]" }.map { try jsonObject(ByteBuffer(string: $0)) }
}

/// The text of a chat stream's chunks.
func streamedContent(_ chunks: [[String: Any]]) -> String {
    chunks.compactMap { c -> String? in
        guard let choices = c["choices"] as? [[String: Any]], let delta = choices.first?["delta"] as? [String: Any] else { return nil }
        return delta["content"] as? String
    }.joined()
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]
