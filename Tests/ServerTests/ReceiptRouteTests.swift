// API keys, the receipt routes and the metrics, in-process.

import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import Supervisor
import XCTest

final class ReceiptRouteTests: XCTestCase {
    func testKeysRunsHeadAndMetrics() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)])
        defer { engine.shutdown(grace: 0) }
        let keys = try APIKeys([("sk-alice-0123", "alice"), ("sk-bob-456789", "bob")])
        let server = OverseerServer(engine: engine, configuration: ServerConfiguration(modelID: "tiny", port: 0, apiKeys: keys))
        let generated = try f.directGeneration(try f.chatPrompt("hi"), maxTokens: 4).tokens.count
        @Sendable func auth(_ key: String) -> HTTPFields { [.contentType: "application/json", .authorization: "Bearer \(key)"] }
        try await server.application().test(.router) { client in
            let chat = jsonBody(["messages": [["role": "user", "content": "hi"]], "max_tokens": 4, "temperature": 0])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: chat) { r in
                XCTAssertEqual(r.status, .unauthorized)
                XCTAssertEqual((try jsonObject(r.body)["error"] as? [String: Any])?["type"] as? String, "authentication_error")
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: auth("sk-alice-0124")) { r in
                XCTAssertEqual(r.status, .unauthorized)
                XCTAssertEqual((try jsonObject(r.body)["error"] as? [String: Any])?["code"] as? String, "invalid_api_key")
            }
            try await client.execute(uri: "/health", method: .get) { r in XCTAssertEqual(r.status, .ok) }

            let runID: String = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth("sk-alice-0123"), body: chat) { r in
                XCTAssertEqual(r.status, .ok)
                return try XCTUnwrap((try jsonObject(r.body)["overseer"] as? [String: Any])?["run_id"] as? String)
            }
            try await client.execute(uri: "/v1/runs/\(runID)", method: .get, headers: auth("sk-alice-0123")) { r in
                XCTAssertEqual(r.status, .ok)
                let receipts = try XCTUnwrap(try jsonObject(r.body)["receipts"] as? [[String: Any]])
                XCTAssertEqual(receipts.last?["kind"] as? String, "summary")
                // The body is given as stored: hashing it again gives the stored hash.
                for row in receipts {
                    let body = try XCTUnwrap(row["body"] as? String)
                    XCTAssertEqual(ReceiptStore.hash(prev: try XCTUnwrap(row["prev_hash"] as? String), body: Data(body.utf8)),
                                   row["hash"] as? String)
                }
            }
            try await client.execute(uri: "/v1/runs/\(runID)", method: .get, headers: auth("sk-bob-456789")) { r in
                XCTAssertEqual(r.status, .notFound, "another key does not see the run")
            }
            try await client.execute(uri: "/v1/runs/no-such-run", method: .get, headers: auth("sk-alice-0123")) { r in
                XCTAssertEqual(r.status, .notFound)
            }
            try await client.execute(uri: "/v1/receipts/head", method: .get, headers: auth("sk-bob-456789")) { r in
                XCTAssertEqual(r.status, .ok)
                let head = try jsonObject(r.body)
                let rows = try f.receipts.rows()
                XCTAssertEqual(head["hash"] as? String, rows.last?.hash)
                XCTAssertEqual(head["seq"] as? Int, rows.count)
                XCTAssertEqual(head["receipts"] as? Int, rows.count)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let text = String(buffer: r.body)
                XCTAssertTrue(text.contains(#"overseer_requests_total{endpoint="/v1/chat/completions",status="200"} 1"#), text)
                XCTAssertTrue(text.contains(#"overseer_requests_total{endpoint="/v1/chat/completions",status="401"} 1"#), text)
                XCTAssertTrue(text.contains("overseer_generated_tokens_total \(generated)\n"), text)
                XCTAssertTrue(text.contains("overseer_queue_depth 0"), text)
                XCTAssertTrue(text.contains("overseer_request_duration_seconds_bucket"), text)
            }
        }
    }

    func testKeyFileParsing() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).txt")
        try "# keys\nsk-first-key-1 first\n\nsk-second-key-2\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let keys = try APIKeys(file: url)
        XCTAssertEqual(try keys.authenticate(authorization: "Bearer sk-first-key-1"), "first")
        XCTAssertEqual(try keys.authenticate(authorization: "bearer sk-second-key-2"), "key-4")
        XCTAssertThrowsError(try keys.authenticate(authorization: "Bearer sk-first-key-"))
        XCTAssertThrowsError(try keys.authenticate(authorization: nil))
        XCTAssertThrowsError(try APIKeys([("short", "s")]))
    }
}
