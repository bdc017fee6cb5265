import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// `overseer serve` as a process: option errors, start on a free port, answer, stop on SIGINT.
final class ServeCLITests: XCTestCase {
    func testOptionErrors() throws {
        let port = try OverseerBinary.run(["serve", "--port", "70000"])
        XCTAssertNotEqual(port.status, 0)
        XCTAssertTrue(port.stderr.contains("--port"), port.stderr)
        let parallel = try OverseerBinary.run(["serve", "--parallel", "0"])
        XCTAssertNotEqual(parallel.status, 0)
        XCTAssertTrue(parallel.stderr.contains("--parallel"), parallel.stderr)
        let twice = try OverseerBinary.run(["generate", "-p", "x", "--supervisor", "a", "--supervisor", "b"])
        XCTAssertNotEqual(twice.status, 0)
        XCTAssertTrue(twice.stderr.contains("--supervisor once"), twice.stderr)
    }

    func testServeAnswersAndStopsOnSignal() async throws {
        let modelURL = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: modelURL.deletingLastPathComponent()) }
        let binary = try XCTUnwrap(OverseerBinary.url)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["serve", "-m", modelURL.path, "--port", "0", "--threads", "1", "--context", "128"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        // The port is printed once the server listens.
        var log = ""
        var port: Int?
        let deadline = Date(timeIntervalSinceNow: 30)
        while port == nil && Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            if let r = log.range(of: "listening on http://127.0.0.1:") {
                port = Int(log[r.upperBound...].prefix { $0.isNumber })
            }
        }
        let p0 = try XCTUnwrap(port, log)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(p0)/v1/completions")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"prompt": "the cat", "max_tokens": 3, "temperature": 0}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["object"] as? String, "text_completion")
        let usage = try XCTUnwrap(object["usage"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(usage["prompt_tokens"] as? Int), 0)
        XCTAssertLessThanOrEqual(try XCTUnwrap(usage["completion_tokens"] as? Int), 3)

        p.interrupt()  // SIGINT: graceful shutdown
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        log += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("overseer serve: stopped"), log)
    }
}
