import Detectors
import Foundation
import TestSupport
import XCTest

/// End-to-end: train a control vector, steer generate and score with it (llama.cpp's flags,
/// negative scales included), steer a supervised run and verify its receipts.
final class SteeringCLITests: XCTestCase {
    func overseer(_ args: [String]) throws -> OverseerBinary.Result { try OverseerBinary.run(args) }

    func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], s)
    }

    func testTrainSteerSuperviseVerify() throws {
        var spec = TinyModelSpec()
        spec.layers = 3
        let modelURL = try TinyModel.write(spec)
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pairs = dir.appendingPathComponent("pairs.jsonl")
        try Data("""
            {"positive": "the cat is happy", "negative": "the cat is sad"}
            {"positive": "a happy dog", "negative": "a sad dog"}
            {"positive": "happy then", "negative": "sad then"}
            """.utf8).write(to: pairs)
        let cv = dir.appendingPathComponent("happy.gguf").path
        let train = try overseer(["steer", "train", "-m", modelURL.path, "--pairs", pairs.path, "--method", "mean_diff",
                                  "--threads", "1", "-o", cv, "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let trained = try json(train.stdout)
        XCTAssertEqual((trained["layers"] as? [[String: Any]])?.compactMap { $0["layer"] as? Int }, [1, 2])

        func generate(_ extra: [String]) throws -> [String: Any] {
            let r = try overseer(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "6", "--threads", "1", "--json"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            return try json(r.stdout)
        }
        let plain = try generate([])
        let strong = try generate(["--control-vector-scaled", cv, "-40"])
        XCTAssertNotEqual(plain["generated_tokens"] as? [Int], strong["generated_tokens"] as? [Int])
        XCTAssertNotNil(strong["steering"])
        // Same plan by another spelling: the same tokens.
        let again = try generate(["--steer", "add,vector=\(cv),scale=-40"])
        XCTAssertEqual(again["generated_tokens"] as? [Int], strong["generated_tokens"] as? [Int])
        // A layer range that selects no direction changes nothing.
        let none = try overseer(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "2", "--control-vector", cv,
                                 "--control-vector-layer-range", "5", "9"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("selects no tap"), none.stderr)

        let score = try overseer(["score", "-m", modelURL.path, "--text", "the cat is happy", "--json",
                                  "--control-vector-scaled", cv, "-0.5"])
        XCTAssertEqual(score.status, 0, score.stderr)

        // One-line errors for bad items.
        for bad in [["--steer", "add,vector=\(cv),value=2"], ["--steer", "clamp,vector=\(cv)"], ["--control-vector-scaled", cv, "x"]] {
            let r = try overseer(["generate", "-m", modelURL.path, "-p", "x", "-n", "1"] + bad)
            XCTAssertNotEqual(r.status, 0, bad.joined(separator: " "))
            XCTAssertTrue(r.stderr.hasPrefix("Error:"), r.stderr)
        }

        // Supervised and steered: the summary records the plan; verify replays it.
        let sha = try fileSHA256(modelURL)
        var b = BundleBuilder(name: "cli", model: ModelBinding(sha256: sha))
        var g = SeededGenerator(seed: 3)
        try b.add(LinearProbe(id: "p0", tap: .residPost(0), weight: (0..<64).map { _ in g.normal() / 8 }, bias: 0))
        b.rules = [RuleSpec(id: "r", detectors: ["p0"], threshold: 0.5, action: .log, scope: .prompt)]
        let bundle = dir.appendingPathComponent("cli.bundle")
        try b.build().write(to: bundle)
        let db = dir.appendingPathComponent("r.sqlite").path
        let supervised = try generate(["--supervisor", bundle.path, "--receipts", db, "--control-vector", cv,
                                       "--steer", "add,bundle=\(bundle.path),detector=p0,scale=3,taps=resid_post:2,when=r"])
        XCTAssertNotNil(supervised["run_id"])
        let verify = try overseer(["verify", db, "--json"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertEqual(try json(verify.stdout)["ok"] as? Bool, true)
        // Change the vector: verify refuses.
        try Data(repeating: 0, count: 16).write(to: URL(fileURLWithPath: cv))
        let refused = try overseer(["verify", db])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stdout.contains("happy.gguf"), refused.stdout)
    }
}
