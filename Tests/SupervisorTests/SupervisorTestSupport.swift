import Foundation
import XCTest
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

/// Plays a forger with write access to a receipt log: edits bodies, drops, reorders and
/// renumbers rows, and re-hashes (and optionally re-signs) the whole chain so that it is
/// consistent again.
enum Forger {
    /// Runs SQL with the append-only triggers dropped.
    static func tamper(_ store: ReceiptStore, _ sql: String) throws {
        try store.execute("DROP TRIGGER IF EXISTS receipts_no_update; DROP TRIGGER IF EXISTS receipts_no_delete; " + sql)
    }

    /// Re-encodes a body with the store's encoder after `edit` changed its typed payload.
    static func rewrite<P: Codable>(_ body: String, _: P.Type, _ edit: (inout P) throws -> Void) throws -> String {
        var env = try JSONDecoder().decode(ReceiptEnvelope<P>.self, from: Data(body.utf8))
        try edit(&env.payload)
        return try encode(env)
    }

    static func encode<P: Codable>(_ env: ReceiptEnvelope<P>) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(env), as: UTF8.self)
    }

    /// Sets the value at `path` (keys from the envelope down) where the body has it.
    static func set(_ body: String, _ path: [String], _ value: JSONValue) throws -> String {
        func put(_ v: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
            guard let key = path.first else { return value }
            guard case .object(var o) = v, let inner = o[key] else { return v }
            o[key] = put(inner, path.dropFirst())
            return .object(o)
        }
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(put(json, path[...])), as: UTF8.self)
    }

    enum SignerEdit { case keep, set(String?) }

    /// The body with the envelope's seq (and signer) replaced, every other byte kept.
    static func envelope(_ body: String, seq: Int64, signer: SignerEdit) -> String {
        // Sorted keys: ..."run_id":"…","seq":N,["signer":"…",]"time":…
        var out = body.replacingOccurrences(of: #"("run_id":"[^"]*","seq":)-?\d+"#, with: "$1\(seq)", options: .regularExpression)
        if case .set(let key) = signer {
            out = out.replacingOccurrences(of: #""signer":"[0-9a-f]*","#, with: "", options: .regularExpression)
            if let key { out = out.replacingOccurrences(of: #""time":"#, with: "\"signer\":\"\(key)\",\"time\":") }
        }
        return out
    }

    /// Replaces the whole log with `rows`, renumbered 1, 2, ... in the given order (bodies get
    /// their new seq), re-hashed, and signed with `signer` (or unsigned: signer and signature
    /// removed) — or, with `keepSignatures`, each row keeps the signer and signature it had.
    static func rewrite(_ store: ReceiptStore, _ rows: [ReceiptRow], signer: ReceiptSigner? = nil,
                        keepSignatures: Bool = true) throws {
        try tamper(store, "DELETE FROM receipts")
        var prev = ReceiptStore.genesis
        try store.queue.write { db in
            for (i, r) in rows.enumerated() {
                let body = envelope(r.body, seq: Int64(i + 1), signer: keepSignatures ? .keep : .set(signer?.publicKeyHex))
                let h = ReceiptStore.hash(prev: prev, body: Data(body.utf8))
                let signature = keepSignatures ? r.signature : try signer?.sign(hash: h)
                try db.execute(sql: "INSERT INTO receipts (seq, run_id, kind, body, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [Int64(i + 1), r.runID, r.kind, body, prev, h, signature])
                prev = h
            }
        }
    }
}

/// A tiny model in a fresh folder, and a receipt log's path there: what the receipt tests share.
class ReceiptTestCase: XCTestCase {
    var fx: TinyFixture!
    var dbPath: String!

    override func setUpWithError() throws {
        fx = try TinyFixture.make()
        dbPath = fx.folder.appendingPathComponent("receipts.sqlite").path
    }
    override func tearDown() { fx?.remove() }

    /// `fx.bundle(...)` written to the folder `name` and loaded from it (so receipts record a
    /// path replay can load again).
    func writeBundle(_ name: String, threshold: Float, action: RuleAction, aggregation: Aggregation = .last,
                     scope: RuleScope = .generation) throws -> SupervisorBundle {
        let folder = fx.folder.appendingPathComponent(name)
        try fx.bundle(threshold: threshold, action: action, aggregation: aggregation, scope: scope).write(to: folder)
        return try SupervisorBundle.load(folder)
    }
}
