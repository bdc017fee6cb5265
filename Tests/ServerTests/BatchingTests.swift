// Continuous batching: a request decoded beside others gets exactly the tokens, log-probabilities
// and score bits it gets alone, and its receipts replay alone.

import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import Supervisor
import XCTest

final class BatchingTests: XCTestCase {
    struct Answer: Equatable {
        var content: String
        var logprobs: [Double]
        var scoresSHA256: String
    }

    /// Asks `prompt` through `client`; returns its text, log-probabilities and the SHA-256 of the
    /// score table in its summary receipt (the exact f32 bits S computed).
    static func ask(_ client: some TestClientProtocol, _ prompt: String, seed: Int, maxTokens: Int,
                    receipts: ReceiptStore) async throws -> Answer {
        let body = jsonBody(["messages": [["role": "user", "content": prompt]], "max_tokens": maxTokens, "temperature": 0.9,
                             "seed": seed, "logprobs": true])
        return try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
            XCTAssertEqual(r.status, .ok)
            let o = try jsonObject(r.body)
            let choice = try XCTUnwrap((o["choices"] as? [[String: Any]])?.first)
            let content = try XCTUnwrap((choice["message"] as? [String: Any])?["content"] as? String)
            let lps = ((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])?.compactMap { $0["logprob"] as? Double } ?? []
            let runID = try XCTUnwrap((o["overseer"] as? [String: Any])?["run_id"] as? String)
            let scores = try XCTUnwrap(try summaryPayload(receipts, runID: runID)["scores"] as? [String: Any])
            return Answer(content: content, logprobs: lps, scoresSHA256: try XCTUnwrap(scores["sha256"] as? String))
        }
    }

    func testSameRequestAloneAndBesideOthers() async throws {
        let f = try ServerFixture()
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let store = f.receipts

        // Reference: one session, no batching.
        let lone = try f.engine(bundles: [quiet], parallel: 1)
        let reference = try await f.server(lone).application().test(.router) { client in
            try await Self.ask(client, "the subject", seed: 5, maxTokens: 20, receipts: store)
        }
        lone.shutdown(grace: 0)
        XCTAssertFalse(reference.logprobs.isEmpty)

        let batched = try f.engine(bundles: [quiet], parallel: 4, batching: true)
        defer { batched.shutdown(grace: 0) }
        try await f.server(batched).application().test(.router) { client in
            // Alone in the batching engine.
            let alone = try await Self.ask(client, "the subject", seed: 5, maxTokens: 20, receipts: store)
            XCTAssertEqual(alone, reference)
            // Beside three others of other lengths, started together.
            async let a = Self.ask(client, "something else entirely", seed: 1, maxTokens: 30, receipts: store)
            async let b = Self.ask(client, "the subject", seed: 5, maxTokens: 20, receipts: store)
            async let c = Self.ask(client, "x", seed: 2, maxTokens: 9, receipts: store)
            async let d = Self.ask(client, "a longer prompt than the others, to be prefilled", seed: 3, maxTokens: 14, receipts: store)
            let (others1, beside, others2, others3) = try await (a, b, c, d)
            XCTAssertEqual(beside, reference, "the same request beside others: same tokens, log-probabilities and score bits")
            XCTAssertFalse(others1.content.isEmpty || others2.content.isEmpty || others3.content.isEmpty)
            XCTAssertGreaterThan(batched.largestBatch, 1, "the requests were decoded together")
        }
        // Every run, batched or not, replays alone.
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 6)
    }

    /// Chunked prefill: a request whose prompt runs in 3-token chunks between the decode steps of
    /// a running request gets the bits it gets alone — prompt scores included (the rule's scope
    /// is the whole prompt) — and so does the running one; both replay alone.
    func testPromptInChunksBesideARunningRequest() async throws {
        let f = try ServerFixture()
        // Slowed detectors (same scores) keep the first request decoding while the second arrives.
        let watch = f.slowed(try f.bundle(name: "watch", threshold: 2, scope: .prompt), milliseconds: 3)
        let store = f.receipts
        let longPrompt = "a longer prompt than the first one, so that it runs in many chunks while the first request decodes"
        // Its ~35 chunks take ~35 of the first request's 80 decode steps: the two then decode together.
        XCTAssertGreaterThan(try f.chatPrompt(longPrompt).count, 60)

        let lone = try f.engine(bundles: [watch], parallel: 1)
        let (first, second) = try await f.server(lone).application().test(.router) { client in
            (try await Self.ask(client, "the subject", seed: 5, maxTokens: 80, receipts: store),
             try await Self.ask(client, longPrompt, seed: 3, maxTokens: 12, receipts: store))
        }
        lone.shutdown(grace: 0)
        XCTAssertEqual(first.logprobs.count, 80, "the first request runs its 80 tokens")

        let batched = try Engine(model: f.model, modelSHA256: f.sha, bundles: [watch],
                                 configuration: EngineConfiguration(parallel: 2, queue: 4, contextLength: 512, threads: 1,
                                                                    receipts: store, promptChunk: 3, batching: true))
        defer { batched.shutdown(grace: 0) }
        try await f.server(batched).application().test(.router) { client in
            async let a = Self.ask(client, "the subject", seed: 5, maxTokens: 80, receipts: store)
            try await Task.sleep(for: .milliseconds(60))
            async let b = Self.ask(client, longPrompt, seed: 3, maxTokens: 12, receipts: store)
            let (running, chunked) = try await (a, b)
            XCTAssertEqual(running, first, "the running request: same tokens, log-probabilities and score bits")
            XCTAssertEqual(chunked, second, "the chunked prompt: same tokens, log-probabilities and score bits")
            XCTAssertEqual(batched.largestBatch, 2, "the second request joined the first's decode steps")
        }
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 4)
    }
}
