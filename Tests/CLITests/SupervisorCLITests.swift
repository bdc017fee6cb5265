import XCTest
import Detectors
import Foundation
import TestSupport

/// End-to-end runs of the built `overseer` binary: generate under S with receipts, then verify.
final class SupervisorCLITests: XCTestCase {
    /// The `overseer` executable next to the test bundle.
    static var binary: URL? {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("overseer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ args: [String]) throws -> Output {
        let binary = try XCTUnwrap(Self.binary, "overseer binary not found near \(Bundle.main.bundleURL.path)")
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testGenerateUnderSupervisorThenVerify() throws {
        let modelURL = try TinyModel.write()
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sha = try run(["verify", "--help"])  // the binary runs
        XCTAssertEqual(sha.status, 0)

        // A bundle for this model: a probe on both layers, halting on a high score.
        let modelHash = try sha256(of: modelURL)
        var b = BundleBuilder(name: "cli", model: ModelBinding(sha256: modelHash))
        var g = SeededGenerator(seed: 3)
        for l in 0..<2 {
            try b.add(LinearProbe(id: "p\(l)", tap: .residPost(l), weight: (0..<64).map { _ in g.normal() / 8 }, bias: 0))
        }
        b.rules = [RuleSpec(id: "flag", detectors: ["p0", "p1"], threshold: 0, action: .flag, scope: .generation)]
        let bundleDir = dir.appendingPathComponent("cli.bundle")
        try b.build().write(to: bundleDir)
        let db = dir.appendingPathComponent("r.sqlite").path

        let gen = try run(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "4", "--threads", "1",
                           "--supervisor", bundleDir.path, "--receipts", db, "--json"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(gen.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["halted"] as? Bool, false)
        XCTAssertEqual((json["verdicts"] as? [Any])?.count, 4)
        XCTAssertEqual(json["receipt_ids"] as? [Int], [1, 2, 3, 4])
        XCTAssertEqual(json["summary_receipt_id"] as? Int, 5)

        // A halting run, async.
        var h = BundleBuilder(name: "halt", model: ModelBinding(sha256: modelHash))
        try h.add(LinearProbe(id: "p", tap: .residPost(1), weight: [Float](repeating: 0, count: 64), bias: 5))
        h.rules = [RuleSpec(id: "stop", detectors: ["p"], threshold: 0.5, action: .halt, scope: .generation)]
        let haltDir = dir.appendingPathComponent("halt.bundle")
        try h.build().write(to: haltDir)
        let halted = try run(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "4", "--threads", "1",
                              "--supervisor", haltDir.path, "--mode", "async", "--lag", "0", "--receipts", db, "--json"])
        XCTAssertEqual(halted.status, 0, halted.stderr)
        let hj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(halted.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(hj["halted"] as? Bool, true)
        XCTAssertEqual(hj["finish_reason"] as? String, "halted")
        XCTAssertEqual((hj["generated_tokens"] as? [Int])?.count, 0)

        let ok = try run(["verify", db, "--json"])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let vj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(vj["ok"] as? Bool, true)
        XCTAssertEqual((vj["runs"] as? [Any])?.count, 2)
        XCTAssertEqual(try run(["verify", db, "--run", "nope"]).status, 1)

        // Tampering (with the triggers dropped) makes verify exit 1 and name the receipt.
        let script = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute("DROP TRIGGER receipts_no_update")
            body = c.execute("SELECT body FROM receipts WHERE seq = 3").fetchone()[0]
            c.execute("UPDATE receipts SET body = ? WHERE seq = 3", (body.replace("position", "positiom", 1),))
            c.commit()
            """
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-c", script, db]
        try py.run()
        py.waitUntilExit()
        if py.terminationStatus == 0 {
            let bad = try run(["verify", db])
            XCTAssertEqual(bad.status, 1)
            XCTAssertTrue(bad.stdout.contains("MISMATCH: receipt #3"), bad.stdout)
        }

        // A bundle for another model is refused with a message, not a crash.
        var other = BundleBuilder(name: "other", model: ModelBinding(sha256: String(repeating: "0", count: 64)))
        try other.add(LinearProbe(id: "p", tap: .residPost(0), weight: [Float](repeating: 0, count: 64), bias: 0))
        let otherDir = dir.appendingPathComponent("other.bundle")
        try other.build().write(to: otherDir)
        let refused = try run(["generate", "-m", modelURL.path, "-p", "x", "-n", "1", "--supervisor", otherDir.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("trained for the model"), refused.stderr)
    }

    func sha256(of url: URL) throws -> String { try fileSHA256(url) }
}

/// SHA-256 of a file, hex, by `sha256sum` (the test target links no hashing library).
func fileSHA256(_ url: URL) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum", url.path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}
