// The live page's feed in-process: what a request becomes (start, shaded text, end with the
// halt), who sees it (a key its own runs), and the relay between two servers.

import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import Supervisor
import XCTest

final class LiveRunsTests: XCTestCase {
    /// A stream's events up to its `ends`-th end event or `count`-th event (it never ends by itself).
    func drain(_ stream: AsyncStream<String>, count: Int = .max, ends: Int = .max) async -> [LiveEvent] {
        var out: [LiveEvent] = []
        for await frame in stream {
            guard frame.hasPrefix("data: ") else { continue }
            if let e = try? JSONDecoder().decode(LiveEvent.self, from: Data(frame.dropFirst(6).utf8)) { out.append(e) }
            if out.count == count || out.filter({ $0.kind == .end }).count == ends { break }
        }
        return out
    }

    func testRequestsBecomeEventsAndAKeySeesOnlyItsOwnRuns() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "shade", threshold: -1e9, action: .flag),
                                            try f.bundle(name: "stop", threshold: -1e9)])
        defer { engine.shutdown(grace: 0) }
        let keys = try APIKeys([("sk-alice-0123", "alice"), ("sk-bob-456789", "bob")])
        let server = OverseerServer(engine: engine, configuration: ServerConfiguration(modelID: "tiny", port: 0, apiKeys: keys))
        @Sendable func auth(_ key: String) -> HTTPFields { [.contentType: "application/json", .authorization: "Bearer \(key)"] }
        let (aliceRun, bobRun) = try await server.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                XCTAssertEqual(r.status, .ok, "the page itself needs no key")
                XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("/v1/live"))
                XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="),
                               "nothing is loaded from elsewhere")
            }
            try await client.execute(uri: "/v1/live", method: .get) { r in XCTAssertEqual(r.status, .unauthorized) }
            func run(_ key: String, bundle: String) async throws -> String {
                let body = jsonBody(["prompt": "the cat", "max_tokens": 3, "temperature": 0, "overseer": ["bundle": bundle]])
                return try await client.execute(uri: "/v1/completions", method: .post, headers: auth(key), body: body) { r in
                    XCTAssertEqual(r.status, .ok)
                    return try XCTUnwrap((try jsonObject(r.body)["overseer"] as? [String: Any])?["run_id"] as? String)
                }
            }
            return (try await run("sk-alice-0123", bundle: "stop"), try await run("sk-bob-456789", bundle: "shade"))
        }
        let alice = await drain(server.live.subscribe(viewer: .some("alice")), count: 2)
        XCTAssertEqual(alice.map(\.kind), [.start, .end], "a run halted at its first token released no text")
        XCTAssertTrue(alice.allSatisfy { $0.run == aliceRun && $0.owner == "alice" })
        XCTAssertEqual(alice[0].rules?.first?.id, "rule")
        XCTAssertEqual(alice[1].halted, true)
        let halt = try XCTUnwrap(alice[1].verdicts?.first)
        XCTAssertEqual(halt.rule, "rule")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(halt.score), try XCTUnwrap(halt.threshold))
        XCTAssertEqual(alice[1].receipts?.count, 2, "the halt's receipt and the summary's")

        let bob = await drain(server.live.subscribe(viewer: .some("bob")), ends: 1)
        XCTAssertEqual(bob.first?.kind, .start)
        XCTAssertEqual(bob.last?.kind, .end)
        let texts = bob.filter { $0.kind == .text }
        XCTAssertFalse(texts.isEmpty)
        XCTAssertTrue(bob.allSatisfy { $0.run == bobRun })
        // The text carries the rule's scores at the generated positions (three tokens).
        let scored = texts.flatMap { $0.scores ?? [] }.filter { ($0.rules["rule"] ?? nil) != nil }
        XCTAssertEqual(Set(scored.map(\.position)).count, 3, "\(texts.map { $0.scores ?? [] })")
        XCTAssertEqual(bob.last?.halted, false)
        // A server without keys streams every run.
        let everyone = await drain(server.live.subscribe(viewer: nil), ends: 2)
        XCTAssertEqual(Set(everyone.map(\.run)), [aliceRun, bobRun])
    }

    /// Two hubs joined by a relay (what LISTEN/NOTIFY does across servers): each shows the
    /// other's runs, never its own twice, and a closed hub ends its streams.
    func testRelayCarriesEventsBetweenServers() async throws {
        final class Bus: LiveRelay, @unchecked Sendable {
            let lock = NSLock()
            var receivers: [@Sendable (String) -> Void] = []
            func publish(_ payload: String) {
                lock.lock(); let r = receivers; lock.unlock()
                for f in r { f(payload) }
            }
            func subscribe(_ receive: @escaping @Sendable (String) -> Void) throws {
                lock.lock(); receivers.append(receive); lock.unlock()
            }
        }
        let bus = Bus()
        let a = LiveRuns(), b = LiveRuns()
        try a.connect(bus)
        try b.connect(bus)
        let watching = b.subscribe(viewer: nil)
        a.record(LiveEvent(kind: .start, run: "r1", server: a.serverID, time: 1))
        a.record(LiveEvent(kind: .text, run: "r1", server: a.serverID, time: 2, text: "hello"))
        b.record(LiveEvent(kind: .start, run: "r2", server: b.serverID, time: 3))
        let seen = await drain(watching, count: 3)
        XCTAssertEqual(seen.map(\.run), ["r1", "r1", "r2"])
        XCTAssertEqual(seen[1].text, "hello")
        XCTAssertEqual(a.runCount, 2)
        XCTAssertEqual(b.runCount, 2)

        // Finished runs beyond the limit are forgotten; closing ends the streams.
        let small = LiveRuns(keepFinished: 1)
        for r in ["x", "y"] {
            small.record(LiveEvent(kind: .start, run: r, server: small.serverID, time: 0))
            small.record(LiveEvent(kind: .end, run: r, server: small.serverID, time: 0))
        }
        XCTAssertEqual(small.runCount, 1)
        let stream = small.subscribe(viewer: nil)
        small.closeAll()
        let left = await drain(stream, count: 100)
        XCTAssertEqual(left.map(\.run), ["y", "y"])
    }
}
