// A fleet: two `overseer serve` processes appending to one PostgreSQL receipt log (a temporary
// server on loopback), then `verify`, `receipts` and `checkpoint` on the shared log; and the live
// page in headless Chromium while a run halts.

import Detectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// An `overseer serve` process and the port it listens on.
final class ServeProcess {
    let process = Process()
    let errors = Pipe()
    var port = 0
    var log = ""

    init(_ arguments: [String]) throws {
        process.executableURL = try XCTUnwrap(OverseerBinary.url)
        process.arguments = ["serve", "--port", "0", "--threads", "1", "--context", "128"] + arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date(timeIntervalSinceNow: 60)
        while port == 0 && Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            if let r = log.range(of: "listening on http://127.0.0.1:") { port = Int(log[r.upperBound...].prefix { $0.isNumber }) ?? 0 }
        }
        if port == 0 {
            stop()
            throw HeadlessChromium.Failure(description: "overseer serve did not start: \(log)")
        }
        // Keep draining standard error so the server never blocks on a full pipe.
        let handle = errors.fileHandleForReading
        handle.readabilityHandler = { h in _ = h.availableData }
    }

    func stop() {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    deinit { if process.isRunning { process.terminate() } }
}

/// Plain HTTP requests to a local server (synchronous, for worker threads).
enum LocalHTTP {
    struct Reply {
        var status: Int
        var json: [String: Any]?
    }

    static func request(_ url: String, method: String = "GET", body: [String: Any]? = nil, key: String? = nil,
                        seconds: Double = 60) -> Reply {
        var r = URLRequest(url: URL(string: url)!, timeoutInterval: seconds)
        r.httpMethod = method
        if let body {
            r.httpBody = try? JSONSerialization.data(withJSONObject: body)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let key { r.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        final class Box: @unchecked Sendable { var reply = Reply(status: 0) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: r) { data, response, _ in
            box.reply = Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0,
                              json: data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
            done.signal()
        }.resume()
        done.wait()
        return box.reply
    }

    static func complete(port: Int, prompt: String, maxTokens: Int, bundle: String? = nil, key: String? = nil) -> Reply {
        var body: [String: Any] = ["prompt": prompt, "max_tokens": maxTokens, "temperature": 0]
        if let bundle { body["overseer"] = ["bundle": bundle] }
        return request("http://127.0.0.1:\(port)/v1/completions", method: "POST", body: body, key: key)
    }
}

/// What the fleet tests share: the tool, bundles for the tiny model, a fleet's database.
class FleetTestCase: XCTestCase {
    func overseer(_ args: [String]) throws -> OverseerBinary.Result { try OverseerBinary.run(args) }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// A bundle for the tiny model: a random probe on each layer, one rule.
    func writeBundle(_ name: String, model: URL, threshold: Float, action: RuleAction, bias: Float = 0) throws -> URL {
        let sha = try fileSHA256(model)
        var b = BundleBuilder(name: name, model: ModelBinding(sha256: sha))
        var g = SeededGenerator(seed: 3)
        for l in 0..<2 {
            try b.add(LinearProbe(id: "p\(l)", tap: .residPost(l), weight: (0..<64).map { _ in g.normal() / 8 }, bias: bias))
        }
        b.rules = [RuleSpec(id: name + "-rule", detectors: ["p0", "p1"], threshold: threshold, action: action, scope: .generation)]
        let dir = model.deletingLastPathComponent().appendingPathComponent("\(name).bundle")
        try b.build().write(to: dir)
        return dir
    }

    /// A temporary PostgreSQL with database `receipts`, its schema created by the superuser, and a
    /// login role `fleet` that may only read and append.
    func fleetDatabase(model: URL, bundle: URL) throws -> (TemporaryPostgres, admin: String, fleet: String) {
        let pg: TemporaryPostgres
        do { pg = try TemporaryPostgres() } catch let e as TemporaryPostgres.Unavailable { throw XCTSkip(e.description) }
        try pg.psql("CREATE DATABASE receipts")
        let admin = pg.url(database: "receipts")
        // The first run, as the superuser, creates the table, its triggers and the appender role.
        let first = try overseer(["generate", "-m", model.path, "-p", "the cat", "-n", "3", "--threads", "1",
                                  "--supervisor", bundle.path, "--receipts", admin, "--json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        try pg.psql("CREATE ROLE fleet LOGIN IN ROLE overseer_appender")
        return (pg, admin, pg.url(user: "fleet", database: "receipts"))
    }
}

final class FleetCLITests: FleetTestCase {
    /// Two servers, four clients each, one log: every completed request's run is in the log with
    /// its summary, no seq is lost or doubled, and the whole log verifies by replay.
    func testTwoServersAppendConcurrentlyAndTheLogVerifies() throws {
        let model = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
        let flag = try writeBundle("flag", model: model, threshold: 0, action: .flag)
        let (pg, admin, fleet) = try fleetDatabase(model: model, bundle: flag)
        defer { pg.stop() }

        let servers = try (0..<2).map { _ in
            try ServeProcess(["-m", model.path, "--supervisor", flag.path, "--receipts", fleet, "--parallel", "2"])
        }
        defer { servers.forEach { $0.stop() } }
        final class Runs: @unchecked Sendable {
            let lock = NSLock()
            var ids: [String] = []
            var failures: [String] = []
        }
        let runs = Runs()
        let clients = 8, perClient = 3
        DispatchQueue.concurrentPerform(iterations: clients) { c in
            for i in 0..<perClient {
                let reply = LocalHTTP.complete(port: servers[c % 2].port, prompt: "client \(c) request \(i)", maxTokens: 4)
                runs.lock.lock()
                if reply.status == 200, let o = reply.json?["overseer"] as? [String: Any], let id = o["run_id"] as? String {
                    runs.ids.append(id)
                } else {
                    runs.failures.append("\(reply.status) \(String(describing: reply.json))")
                }
                runs.lock.unlock()
            }
        }
        XCTAssertEqual(runs.failures, [])
        XCTAssertEqual(runs.ids.count, clients * perClient)

        // The appender may not rewrite history; verify replays every run from the shared log.
        XCTAssertThrowsError(try pg.psql("UPDATE receipts SET body = 'x' WHERE seq = 1", user: "fleet", database: "receipts"))
        let verified = try overseer(["verify", fleet, "--json", "--threads", "1"])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let report = try json(verified.stdout)
        XCTAssertEqual(report["ok"] as? Bool, true)
        let reported = (report["runs"] as? [[String: Any]] ?? [])
        XCTAssertEqual(reported.count, 1 + clients * perClient)
        XCTAssertTrue(reported.allSatisfy { $0["replayed"] as? Bool == true && $0["unfinished"] as? Bool == false })
        XCTAssertEqual(Set(reported.compactMap { $0["run_id"] as? String }).intersection(runs.ids).count, runs.ids.count)
        let count = Int(try pg.psql("SELECT count(*) FROM receipts", database: "receipts")
            .trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(report["receipts"] as? Int, count)
        XCTAssertEqual(try pg.psql("SELECT max(seq) = count(*) FROM receipts", database: "receipts").trimmingCharacters(in: .whitespacesAndNewlines), "t")

        // `receipts` prints one run's rows; `--run` verifies one run.
        let one = try overseer(["receipts", fleet, "--run", runs.ids[0]])
        XCTAssertEqual(one.status, 0, one.stderr)
        let printed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(printed.first?["kind"] as? String, "start")
        XCTAssertEqual(printed.last?["kind"] as? String, "summary")
        XCTAssertEqual(try overseer(["verify", admin, "--run", runs.ids[1], "--threads", "1"]).status, 0)

        // A signed checkpoint of the shared log's head; the log then loses its newest rows: caught.
        let dir = model.deletingLastPathComponent()
        let key = dir.appendingPathComponent("checkpoint.key")
        try Data((0..<32).map { UInt8($0 * 7 % 256) }).write(to: key)
        let checkpoint = dir.appendingPathComponent("head.checkpoint").path
        let signed = try overseer(["checkpoint", fleet, "--sign-key", key.path, "-o", checkpoint])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        XCTAssertEqual(try overseer(["verify", fleet, "--chain-only", "--checkpoint", checkpoint]).status, 0)
        try pg.psql("ALTER TABLE receipts DISABLE TRIGGER USER", database: "receipts")
        try pg.psql("DELETE FROM receipts WHERE seq > (SELECT max(seq) - 2 FROM receipts)", database: "receipts")
        let truncated = try overseer(["verify", fleet, "--chain-only", "--checkpoint", checkpoint])
        XCTAssertEqual(truncated.status, 1)
        XCTAssertTrue(truncated.stdout.contains("receipts were deleted"), truncated.stdout)
    }
}
