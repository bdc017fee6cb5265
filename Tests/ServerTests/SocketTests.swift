// The server over a real loopback socket: a whole stream, a client that disconnects mid-stream,
// and a graceful shutdown while a request runs.

import Foundation
import Hummingbird
import Logging
import Models
@testable import Server
import ServiceLifecycle
import Supervisor
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1, for speaking HTTP by hand (and hanging up mid-response).
final class LoopbackConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// A POST with a JSON body.
    func post(_ path: String, json: [String: Any]) {
        let body = String(decoding: try! JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        send("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }

    /// Reads until `done` holds for everything read so far, the peer closes, or `seconds` pass.
    func read(seconds: Double, until done: (String) -> Bool) -> String {
        var data = [UInt8]()
        let deadline = Date(timeIntervalSinceNow: seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
            if done(String(decoding: data, as: UTF8.self)) { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    func close() { Glibc.close(fd) }
}

/// Runs `server` on a free port for the duration of `body`, then shuts it down gracefully.
func withLiveServer<T: Sendable>(_ server: OverseerServer, _ body: @Sendable (Int, ServiceGroup) async throws -> T) async throws -> T {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let group = ServiceGroup(configuration: .init(services: [server.service { portSink.yield($0) }],
                                                  gracefulShutdownSignals: [], logger: Logger(label: "test")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw POSIXError(.EIO) }
        do {
            let value = try await body(port, group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// The body of an HTTP/1.1 response sent with chunked transfer encoding.
func dechunk(_ response: String) throws -> String {
    let bytes = Array(response.utf8)
    let crlf2: [UInt8] = [13, 10, 13, 10]
    guard let headEnd = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == crlf2 }) else {
        throw POSIXError(.EBADMSG)
    }
    var i = headEnd + 4
    var body = [UInt8]()
    while i < bytes.count {
        guard let lineEnd = (i..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
              let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self), radix: 16) else { throw POSIXError(.EBADMSG) }
        if size == 0 { break }
        let start = lineEnd + 2
        guard start + size <= bytes.count else { throw POSIXError(.EBADMSG) }
        body += bytes[start..<start + size]
        i = start + size + 2
    }
    return String(decoding: body, as: UTF8.self)
}

/// The summary receipt of `runID`, as JSON.
func summaryPayload(_ store: ReceiptStore, runID: String) throws -> [String: Any] {
    let row = try XCTUnwrap(try store.rows(runID: runID).last { $0.kind == "summary" })
    let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(row.body.utf8)) as? [String: Any])
    return try XCTUnwrap(body["payload"] as? [String: Any])
}

final class SocketTests: XCTestCase {
    func testStreamOverSocket() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)])
        let prompt = try f.chatPrompt("over the wire")
        let expected = try f.directGeneration(prompt, maxTokens: 20)
        let text = try await withLiveServer(f.server(engine)) { port, _ in
            let c = try LoopbackConnection(port: port)
            defer { c.close() }
            c.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": "over the wire"]], "max_tokens": 20,
                                                  "temperature": 0, "stream": true])
            return c.read(seconds: 20) { $0.contains("data: [DONE]") }
        }
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200"), text)
        let payloads = sseEvents(try dechunk(text))
        XCTAssertEqual(payloads.last, "[DONE]")
        let chunks = try payloads.filter { $0 != "[DONE]" }.map { try jsonObject(.init(string: $0)) }
        XCTAssertEqual(streamedContent(chunks), expected.text)
    }

    /// The client hangs up after the first tokens: generation stops (well before max_tokens),
    /// the run's receipts say `cancelled`, and the log replays.
    func testDisconnectCancelsGeneration() async throws {
        let f = try ServerFixture()
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let engine = try f.engine(bundles: [f.slowed(quiet, milliseconds: 5)])  // ≈ 10 ms per token
        let maxTokens = 400
        let runID = try await withLiveServer(f.server(engine)) { port, _ in
            let c = try LoopbackConnection(port: port)
            c.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": "talk"]], "max_tokens": maxTokens,
                                                  "temperature": 0.9, "seed": 3, "stream": true])
            let start = c.read(seconds: 20) { $0.components(separatedBy: "\"content\"").count > 4 }
            c.close()
            var waited = 0
            while engine.activeCount > 0 && waited < 1000 {
                try await Task.sleep(nanoseconds: 10_000_000)
                waited += 1
            }
            XCTAssertEqual(engine.activeCount, 0, "generation stopped after the client left")
            let range = try XCTUnwrap(start.range(of: "chatcmpl-"))
            return String(start[range.upperBound...].prefix(36))
        }
        let summary = try summaryPayload(f.receipts, runID: runID)
        XCTAssertEqual(summary["finish_reason"] as? String, "cancelled")
        let generated = try XCTUnwrap(summary["generated_tokens"] as? [Int])
        XCTAssertGreaterThan(generated.count, 0)
        XCTAssertLessThan(generated.count, maxTokens / 2)
        let report = try Verifier.verify(store: f.receipts, runID: runID)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.first?.replayed, true)
    }

    /// Shutdown while a request runs: the request completes normally (within the grace period),
    /// its receipts are written, and the server then stops accepting connections.
    func testGracefulShutdownFinishesRunningRequest() async throws {
        let f = try ServerFixture()
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let engine = try f.engine(bundles: [f.slowed(quiet, milliseconds: 5)])
        let (text, port) = try await withLiveServer(f.server(engine)) { port, group in
            let c = try LoopbackConnection(port: port)
            defer { c.close() }
            c.post("/v1/chat/completions", json: ["messages": [["role": "user", "content": "talk"]], "max_tokens": 30,
                                                  "temperature": 0, "stream": true])
            _ = c.read(seconds: 20) { $0.contains("\"content\"") }
            await group.triggerGracefulShutdown()
            return (c.read(seconds: 20) { $0.contains("data: [DONE]") }, port)
        }
        XCTAssertTrue(text.contains("data: [DONE]"), "the running stream ran to its end")
        XCTAssertFalse(engine.isAccepting)
        XCTAssertThrowsError(try LoopbackConnection(port: port), "the listener is closed")
        let summaries = try f.receipts.rows().filter { $0.kind == "summary" }
        XCTAssertEqual(summaries.count, 1)
    }
}
