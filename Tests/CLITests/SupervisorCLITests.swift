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

        let modelHash = try sha256(of: modelURL)
        let bundleDir = try writeFlagBundle(for: modelURL)
        let db = dir.appendingPathComponent("r.sqlite").path

        let gen = try run(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "4", "--threads", "1",
                           "--supervisor", bundleDir.path, "--receipts", db, "--json"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(gen.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["halted"] as? Bool, false)
        XCTAssertEqual((json["verdicts"] as? [Any])?.count, 4)
        XCTAssertEqual(json["receipt_ids"] as? [Int], [2, 3, 4, 5])  // #1 is the run's start
        XCTAssertEqual(json["summary_receipt_id"] as? Int, 6)

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

    /// N supervised `generate` processes started together on one log that already holds runs:
    /// every run lands, in one chain, and the log verifies.
    func testConcurrentProcessesAppendToOneLog() throws {
        let modelURL = try TinyModel.write()
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = try writeFlagBundle(for: modelURL)
        let db = dir.appendingPathComponent("r.sqlite").path
        @Sendable func generate(_ i: Int) throws -> OverseerBinary.Result {
            try OverseerBinary.run(["generate", "-m", modelURL.path, "-p", "the cat \(i)", "-n", "3", "--threads", "1",
                                    "--supervisor", bundleDir.path, "--receipts", db, "--json"]
                                   + (i % 2 == 0 ? [] : ["--mode", "async", "--lag", "1"]))
        }
        var receipts = 0
        func count(_ r: OverseerBinary.Result) throws {
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
            receipts += try XCTUnwrap(json["verdicts"] as? [Any]).count + 2  // events, start, summary
        }
        for i in 0..<2 { try count(try generate(i)) }

        let n = 5
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var all: [Int: OverseerBinary.Result] = [:]
            var failures: [Int: String] = [:]
        }
        let results = Results()
        let group = DispatchGroup()
        for i in 0..<n {
            group.enter()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20 * i)) {
                let r = Result { try generate(i) }
                results.lock.lock()
                switch r {
                case .success(let out): results.all[i] = out
                case .failure(let e): results.failures[i] = "\(e)"
                }
                results.lock.unlock()
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success)
        XCTAssertEqual(results.failures, [:])
        var runIDs = Set<String>()
        for i in 0..<n {
            let r = try XCTUnwrap(results.all[i])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            runIDs.insert(try XCTUnwrap(json["run_id"] as? String))
            try count(r)
        }
        XCTAssertEqual(runIDs.count, n)

        let verify = try OverseerBinary.run(["verify", db, "--json"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let vj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        let runs = try XCTUnwrap(vj["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, n + 2)
        XCTAssertTrue(runIDs.isSubset(of: Set(runs.compactMap { $0["run_id"] as? String })))
        XCTAssertTrue(runs.allSatisfy { $0["replayed"] as? Bool == true })
        XCTAssertEqual(vj["receipts"] as? Int, receipts)
    }

    /// A bundle trained on the base model: warned about with `--lora`, refused on a merged file.
    func testBundleOnAnAdaptedModelWarnsAndOnAMergedModelIsRefused() throws {
        let modelURL = try TinyModel.write()
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = try writeFlagBundle(for: modelURL)
        let data = dir.appendingPathComponent("train.jsonl")
        try Data(#"{"text": "the cat sat on the mat"}"#.utf8).write(to: data)
        let adapter = dir.appendingPathComponent("adapter").path, merged = dir.appendingPathComponent("merged.gguf").path
        let ft = try run(["finetune", "-m", modelURL.path, "--data", data.path, "-o", adapter, "--rank", "2", "--merge", merged])
        XCTAssertEqual(ft.status, 0, ft.stderr)
        let warned = try run(["generate", "-m", modelURL.path, "--lora", adapter, "-p", "the cat", "-n", "2",
                              "--supervisor", bundleDir.path])
        XCTAssertEqual(warned.status, 0, warned.stderr)
        XCTAssertTrue(warned.stderr.contains("warning: the bundle was trained on the base model"), warned.stderr)
        let refused = try run(["generate", "-m", merged, "-p", "the cat", "-n", "2", "--supervisor", bundleDir.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("LoRA adapter merged into its weights"), refused.stderr)
    }

    /// A bundle for the tiny model at `modelURL`: a probe on both layers, flagging every token.
    func writeFlagBundle(for modelURL: URL) throws -> URL {
        var b = BundleBuilder(name: "cli", model: ModelBinding(sha256: try sha256(of: modelURL)))
        var g = SeededGenerator(seed: 3)
        for l in 0..<2 {
            try b.add(LinearProbe(id: "p\(l)", tap: .residPost(l), weight: (0..<64).map { _ in g.normal() / 8 }, bias: 0))
        }
        b.rules = [RuleSpec(id: "flag", detectors: ["p0", "p1"], threshold: 0, action: .flag, scope: .generation)]
        let bundleDir = modelURL.deletingLastPathComponent().appendingPathComponent("cli.bundle")
        try b.build().write(to: bundleDir)
        return bundleDir
    }

    /// `bundles sign` and `--bundle-signer`: the signer's bundle loads; an edited bundle, another
    /// signer, a forged signature or no signature at all are refused.
    func testSignedBundles() throws {
        let modelURL = try TinyModel.write()
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = try writeFlagBundle(for: modelURL)
        let key = dir.appendingPathComponent("k.key"), other = dir.appendingPathComponent("o.key")
        try Data((0..<32).map { UInt8($0) }).write(to: key)
        try Data((0..<32).map { UInt8(100 + $0) }).write(to: other)
        func sign(_ k: URL) throws -> String {
            let r = try OverseerBinary.run(["bundles", "sign", bundleDir.path, "--key", k.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            return String(try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("signer ") }?.dropFirst("signer ".count)))
        }
        func generate(_ signer: String) throws -> OverseerBinary.Result {
            try OverseerBinary.run(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "2", "--threads", "1",
                                    "--supervisor", bundleDir.path, "--bundle-signer", signer])
        }
        let unsigned = try generate(String(repeating: "ab", count: 32))
        XCTAssertNotEqual(unsigned.status, 0)
        XCTAssertTrue(unsigned.stderr.contains("not signed"), unsigned.stderr)

        let signer = try sign(key)
        XCTAssertEqual(signer.count, 64)
        XCTAssertEqual(try generate(signer).status, 0)

        // A forged signature (one hex digit changed) is invalid.
        let sigURL = bundleDir.appendingPathComponent("signature.json")
        var sig = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: sigURL)) as? [String: Any])
        let good = try XCTUnwrap(sig["signature"] as? String)
        sig["signature"] = (good.first == "0" ? "1" : "0") + good.dropFirst()
        try JSONSerialization.data(withJSONObject: sig).write(to: sigURL)
        let forged = try generate(signer)
        XCTAssertNotEqual(forged.status, 0)
        XCTAssertTrue(forged.stderr.contains("signature is invalid"), forged.stderr)

        // Another key's signature does not stand for the pinned signer.
        XCTAssertNotEqual(try sign(other), signer)
        let foreign = try generate(signer)
        XCTAssertNotEqual(foreign.status, 0)
        XCTAssertTrue(foreign.stderr.contains("not by the expected signer"), foreign.stderr)

        // Signed, then edited: raising a threshold changes the bundle's SHA-256.
        XCTAssertEqual(try sign(key), signer)
        let manifestURL = bundleDir.appendingPathComponent("bundle.json")
        var manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        var rules = try XCTUnwrap(manifest["rules"] as? [[String: Any]])
        rules[0]["threshold"] = 0.9999999
        manifest["rules"] = rules
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        let edited = try generate(signer)
        XCTAssertNotEqual(edited.status, 0)
        XCTAssertTrue(edited.stderr.contains("changed after it was signed"), edited.stderr)
    }

    /// Signed receipts, a signed checkpoint, and the pins: --signer, --checkpoint,
    /// --bundle-sha256 (verify) and --expect-sha256 (generate).
    func testSignersCheckpointsAndPins() throws {
        let modelURL = try TinyModel.write()
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = try writeFlagBundle(for: modelURL)
        let db = dir.appendingPathComponent("r.sqlite").path
        let key = dir.appendingPathComponent("k.key"), other = dir.appendingPathComponent("o.key")
        try Data((0..<32).map { UInt8($0) }).write(to: key)
        try Data((0..<32).map { UInt8(100 + $0) }).write(to: other)
        func generate(_ extra: [String]) throws -> OverseerBinary.Result {
            try OverseerBinary.run(["generate", "-m", modelURL.path, "-p", "the cat", "-n", "2", "--threads", "1",
                                    "--supervisor", bundleDir.path, "--receipts", db, "--json"] + extra)
        }
        XCTAssertEqual(try generate(["--sign-key", key.path]).status, 0)

        // The bundle pin at generate time.
        let bundleSHA = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(
            try OverseerBinary.run(["receipts", db, "--kind", "start"]).stdout.utf8)) as? [[String: Any]])?.first
            .flatMap { (($0["body"] as? [String: Any])?["payload"] as? [String: Any])?["bundle"] as? [String: Any] }?["sha256"] as? String)
        XCTAssertEqual(try generate(["--sign-key", key.path, "--expect-sha256", bundleSHA]).status, 0)
        let wrong = try generate(["--expect-sha256", String(repeating: "ab", count: 32)])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("--expect-sha256"), wrong.stderr)

        // A checkpoint of the head, signed.
        let cp = dir.appendingPathComponent("head.json").path
        let made = try OverseerBinary.run(["checkpoint", db, "--sign-key", key.path, "-o", cp])
        XCTAssertEqual(made.status, 0, made.stderr)
        let ok = try OverseerBinary.run(["verify", db, "--checkpoint", cp, "--bundle-sha256", bundleSHA])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("signer "), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("checkpoint: receipts 1...8"), ok.stdout)
        let foreign = try OverseerBinary.run(["verify", db, "--bundle-sha256", String(repeating: "cd", count: 32)])
        XCTAssertEqual(foreign.status, 1)
        XCTAssertTrue(foreign.stdout.contains("not the expected"), foreign.stdout)

        // The public key pins the signer: every receipt so far is signed by it.
        let keyHex = try XCTUnwrap(ok.stdout.split(separator: "\n").first { $0.hasPrefix("signer ") }?
            .split(separator: " ")[1].dropLast())
        XCTAssertEqual(try OverseerBinary.run(["verify", db, "--chain-only", "--signer", String(keyHex)]).status, 0)
        // A run signed by another key, and an unsigned one, break the pin.
        XCTAssertEqual(try generate(["--sign-key", other.path]).status, 0)
        let pinned = try OverseerBinary.run(["verify", db, "--chain-only", "--signer", String(keyHex)])
        XCTAssertEqual(pinned.status, 1)
        XCTAssertTrue(pinned.stdout.contains("not by the expected signer"), pinned.stdout)

        // Not a receipt log: one line, exit status non-zero, the file untouched.
        let empty = dir.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let refused = try OverseerBinary.run(["verify", empty])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("not a receipt log"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: empty)).count, 0)
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

/// A supervised generation killed with SIGKILL while its text is streaming: what it released is
/// covered by the run's write-ahead start receipt, and `verify` reports the run as unfinished,
/// not as tampering.
extension SupervisorCLITests {
    func testKilledMidGenerationLeavesAnUnfinishedRunThatVerifies() throws {
        var spec = TinyModelSpec()
        spec.contextLength = 4096
        let modelURL = try TinyModel.write(spec)
        let dir = modelURL.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = try writeFlagBundle(for: modelURL)
        let db = dir.appendingPathComponent("r.sqlite").path

        // The child writes its text to a pipe of one page that nobody reads, so it blocks in the
        // middle of the generation: a deterministic place to kill it, whatever the machine's speed.
        let binary = try XCTUnwrap(Self.binary, "overseer binary not found")
        let p = Process()
        p.executableURL = binary
        p.arguments = ["generate", "-m", modelURL.path, "-p", "the cat", "-n", "4000", "--threads", "1",
                       "--supervisor", bundleDir.path, "--receipts", db]
        let out = Pipe(), err = Pipe()
        _ = fcntl(out.fileHandleForWriting.fileDescriptor, 1031 /* F_SETPIPE_SZ */, 4096)
        p.standardOutput = out
        p.standardError = err
        try p.run()

        // Wait until the pipe has filled and stays full: the child is blocked writing.
        var pending: Int32 = 0, last: Int32 = -1, steady = 0
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, p.isRunning {
            _ = ioctl(out.fileHandleForReading.fileDescriptor, UInt(FIONREAD), &pending)
            steady = pending > 0 && pending == last ? steady + 1 : 0
            last = pending
            if steady >= 10 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(p.isRunning, "the generation ended before it filled the pipe: "
                      + String(decoding: err.fileHandleForReading.availableData, as: UTF8.self))
        XCTAssertGreaterThan(pending, 1000, "text released before the kill")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, SIGKILL)

        let verify = try OverseerBinary.run(["verify", db, "--json"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let vj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(vj["ok"] as? Bool, true)
        let runs = try XCTUnwrap(vj["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs.first?["unfinished"] as? Bool, true)

        // The log stays usable: a later run lands after the unfinished one and everything verifies.
        let next = try OverseerBinary.run(["generate", "-m", modelURL.path, "-p", "a dog", "-n", "3", "--threads", "1",
                                           "--supervisor", bundleDir.path, "--receipts", db, "--json"])
        XCTAssertEqual(next.status, 0, next.stderr)
        let again = try OverseerBinary.run(["verify", db, "--json"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        let aj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((aj["runs"] as? [[String: Any]])?.map { $0["unfinished"] as? Bool }, [true, false])
    }
}
