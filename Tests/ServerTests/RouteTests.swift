// The API's routes, in-process (Hummingbird's router test framework), on a tiny random model.

import Foundation
import Hummingbird
import HummingbirdTesting
import Models
@testable import Server
import Supervisor
import XCTest

final class RouteTests: XCTestCase {
    func testHealthAndModels() async throws {
        let f = try ServerFixture()
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let engine = try f.engine(bundles: [quiet])
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(try jsonObject(r.body)["status"] as? String, "ok")
            }
            try await client.execute(uri: "/v1/models", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let o = try jsonObject(r.body)
                let data = try XCTUnwrap(o["data"] as? [[String: Any]])
                XCTAssertEqual(data.count, 1)
                XCTAssertEqual(data[0]["id"] as? String, "tiny")
                let bundles = try XCTUnwrap(data[0]["bundles"] as? [[String: Any]])
                XCTAssertEqual(bundles.first?["name"] as? String, "quiet")
                XCTAssertEqual(bundles.first?["sha256"] as? String, quiet.policy.bundleSHA256)
            }
        }
    }

    /// A non-streamed chat answer is exactly what the model generates alone, with usage, the
    /// run's id and its receipts.
    func testChatCompletionMatchesDirectGeneration() async throws {
        let f = try ServerFixture()
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let engine = try f.engine(bundles: [quiet])
        defer { engine.shutdown(grace: 0) }
        let prompt = try f.chatPrompt("the cat sat")
        let expected = try f.directGeneration(prompt, maxTokens: 12)
        try await f.server(engine).application().test(.router) { client in
            let body = jsonBody(["model": "tiny", "messages": [["role": "user", "content": "the cat sat"]],
                                 "max_tokens": 12, "temperature": 0, "some_unknown_field": ["ignored": true]])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let o = try jsonObject(r.body)
                XCTAssertEqual(o["object"] as? String, "chat.completion")
                let choice = try XCTUnwrap((o["choices"] as? [[String: Any]])?.first)
                let message = try XCTUnwrap(choice["message"] as? [String: Any])
                XCTAssertEqual(message["role"] as? String, "assistant")
                XCTAssertEqual(message["content"] as? String, expected.text)
                XCTAssertEqual(choice["finish_reason"] as? String, expected.finishReason == .length ? "length" : "stop")
                let usage = try XCTUnwrap(o["usage"] as? [String: Any])
                XCTAssertEqual(usage["prompt_tokens"] as? Int, prompt.count)
                XCTAssertEqual(usage["completion_tokens"] as? Int, expected.tokens.count)
                XCTAssertEqual(usage["total_tokens"] as? Int, prompt.count + expected.tokens.count)
                let overseer = try XCTUnwrap(o["overseer"] as? [String: Any])
                let runID = try XCTUnwrap(overseer["run_id"] as? String)
                XCTAssertEqual(o["id"] as? String, "chatcmpl-" + runID)
                XCTAssertEqual((overseer["bundle"] as? [String: Any])?["sha256"] as? String, quiet.policy.bundleSHA256)
                XCTAssertEqual(overseer["halted"] as? Bool, false)
                let summarySeq = try XCTUnwrap(overseer["summary_receipt"] as? Int)
                let rows = try f.receipts.rows(runID: runID)
                XCTAssertEqual(rows.last?.seq, Int64(summarySeq))
                XCTAssertEqual(rows.last?.kind, "summary")
            }
        }
    }

    /// The stream carries the same text as the whole response, opens with the role, ends with
    /// the finish reason and the overseer object, then usage (the only chunk without choices), then [DONE].
    func testStreamingChat() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)])
        defer { engine.shutdown(grace: 0) }
        let prompt = try f.chatPrompt("hello there")
        try await f.server(engine).application().test(.router) { client in
            let body = jsonBody(["messages": [["role": "system", "content": "be brief"], ["role": "user", "content": [["type": "text", "text": "hello there"]]]],
                                 "max_tokens": 16, "temperature": 0, "stream": true,
                                 "stream_options": ["include_usage": true], "overseer": ["scores": true]])
            // The system turn changes the prompt: compare with the same two turns.
            let twoTurns = try f.model.chatTokens([ChatTurn(role: "system", content: "be brief"), ChatTurn(role: "user", content: "hello there")],
                                                  addGenerationPrompt: true)
            let expected2 = try f.directGeneration(twoTurns, maxTokens: 16)
            XCTAssertNotEqual(twoTurns, prompt)
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "text/event-stream")
                let text = String(buffer: r.body)
                XCTAssertEqual(sseEvents(text).last, "[DONE]")
                let chunks = try sseChunks(text)
                XCTAssertGreaterThanOrEqual(chunks.count, 3)
                XCTAssertEqual(streamedContent(chunks), expected2.text)
                let first = try XCTUnwrap((chunks.first?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                XCTAssertEqual(first["role"] as? String, "assistant")
                let usageChunk = try XCTUnwrap(chunks.last)
                XCTAssertEqual((usageChunk["choices"] as? [Any])?.count, 0)
                XCTAssertEqual((usageChunk["usage"] as? [String: Any])?["completion_tokens"] as? Int, expected2.tokens.count)
                for c in chunks.dropLast() {
                    XCTAssertEqual((c["choices"] as? [Any])?.count, 1, "only the usage chunk may have no choices")
                    XCTAssertEqual(c["object"] as? String, "chat.completion.chunk")
                }
                let final = chunks[chunks.count - 2]
                let finalChoice = try XCTUnwrap((final["choices"] as? [[String: Any]])?.first)
                XCTAssertNotNil(finalChoice["finish_reason"] as? String)
                let overseer = try XCTUnwrap(final["overseer"] as? [String: Any])
                XCTAssertNotNil(overseer["summary_receipt"] as? Int)
                // Scores were asked for: every released token's position has a row, in order.
                let rows = chunks.compactMap { ($0["overseer"] as? [String: Any])?["scores"] as? [[String: Any]] }.flatMap { $0 }
                let positions = rows.compactMap { $0["position"] as? Int }
                XCTAssertEqual(positions, Array(positions.sorted()))
                XCTAssertEqual(Set(positions).count, positions.count)
                XCTAssertTrue(positions.contains(twoTurns.count), "the first generated token's scores are streamed")
                XCTAssertNotNil((rows.first?["rules"] as? [String: Any])?["rule"] as? Double)
            }
        }
    }

    /// A halt ends the stream with content_filter; the text before it is exactly the tokens
    /// before the halted position; the halt verdict and its receipt are in the overseer object;
    /// the log replays.
    func testHaltInStream() async throws {
        let f = try ServerFixture()
        let prompt = try f.chatPrompt("tell me")
        // Find the scores the rule sees on the unsupervised answer, and set the threshold at
        // the highest one among the first five generated tokens: S must halt there.
        let probe = try f.bundle(name: "probe", threshold: 2)
        let scoring = try f.engine(bundles: [probe], receipts: false)
        let scores: [Int: Double] = try await f.server(scoring).application().test(.router) { client in
            let body = jsonBody(["messages": [["role": "user", "content": "tell me"]], "max_tokens": 5, "temperature": 0,
                                 "stream": true, "overseer": ["scores": true]])
            return try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                var scores: [Int: Double] = [:]
                for c in try sseChunks(String(buffer: r.body)) {
                    for row in ((c["overseer"] as? [String: Any])?["scores"] as? [[String: Any]]) ?? [] {
                        if let p = row["position"] as? Int, let s = (row["rules"] as? [String: Any])?["rule"] as? Double { scores[p] = s }
                    }
                }
                return scores
            }
        }
        scoring.shutdown(grace: 0)
        let generated = (prompt.count..<prompt.count + 5).compactMap { scores[$0] }
        XCTAssertEqual(generated.count, 5)
        // The highest score after the first token: S halts at the first position reaching it.
        let threshold = try XCTUnwrap(generated.dropFirst().max())
        let haltIndex = try XCTUnwrap(generated.firstIndex { $0 >= threshold })
        let haltPosition = prompt.count + haltIndex
        let direct = try f.directGeneration(prompt, maxTokens: 5)

        let halting = try f.bundle(name: "halting", threshold: Float(threshold))
        let engine = try f.engine(bundles: [halting])
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            let body = jsonBody(["messages": [["role": "user", "content": "tell me"]], "max_tokens": 5, "temperature": 0, "stream": true,
                                 "stream_options": ["include_usage": true]])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                let chunks = try sseChunks(String(buffer: r.body))
                let released = f.model.tokenizer.decode(Array(direct.tokens.prefix(haltIndex)))
                XCTAssertTrue(released.hasPrefix(streamedContent(chunks)), "nothing past the halted token is streamed")
                // Usage counts the released tokens: exactly those before the halted position.
                let usage = try XCTUnwrap(chunks.last?["usage"] as? [String: Any])
                XCTAssertEqual(usage["completion_tokens"] as? Int, haltIndex)
                let final = chunks[chunks.count - 2]
                let choice = try XCTUnwrap((final["choices"] as? [[String: Any]])?.first)
                XCTAssertEqual(choice["finish_reason"] as? String, "content_filter")
                let overseer = try XCTUnwrap(final["overseer"] as? [String: Any])
                XCTAssertEqual(overseer["halted"] as? Bool, true)
                let verdicts = try XCTUnwrap(overseer["verdicts"] as? [[String: Any]])
                let halt = try XCTUnwrap(verdicts.first { $0["kind"] as? String == "halt" })
                XCTAssertEqual(halt["position"] as? Int, haltPosition)
                XCTAssertEqual(halt["rule"] as? String, "rule")
                XCTAssertNotNil(halt["detector"] as? String)
                XCTAssertNotNil(halt["tap"] as? String)
                XCTAssertNotNil(halt["threshold"] as? Double)
                XCTAssertEqual((overseer["receipts"] as? [Int])?.count, verdicts.count)
            }
        }
        let report = try Verifier.verify(store: f.receipts)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 1)
    }

    func testCompletionsWithLogprobs() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [])
        defer { engine.shutdown(grace: 0) }
        let prompt = try f.model.promptTokens("the cat", chat: false)
        let expected = try f.directGeneration(prompt, maxTokens: 6)
        try await f.server(engine).application().test(.router) { client in
            let body = jsonBody(["prompt": "the cat", "max_tokens": 6, "temperature": 0, "logprobs": 2])
            try await client.execute(uri: "/v1/completions", method: .post, headers: jsonHeaders, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let o = try jsonObject(r.body)
                XCTAssertEqual(o["object"] as? String, "text_completion")
                let choice = try XCTUnwrap((o["choices"] as? [[String: Any]])?.first)
                XCTAssertEqual(choice["text"] as? String, expected.text)
                let lp = try XCTUnwrap(choice["logprobs"] as? [String: Any])
                let values = try XCTUnwrap(lp["token_logprobs"] as? [Double])
                XCTAssertEqual(values.count, expected.tokens.count)
                XCTAssertTrue(values.allSatisfy { $0 <= 0 && $0.isFinite })
                let tops = try XCTUnwrap(lp["top_logprobs"] as? [[String: Double]])
                // Greedy: the chosen token is the most likely one, so its log-probability is the top one.
                for (v, top) in zip(values, tops) {
                    XCTAssertLessThanOrEqual(top.count, 2)
                    XCTAssertEqual(Float(top.values.max() ?? 1), Float(v))
                }
            }
            // Token ids as the prompt give the same answer.
            let ids = jsonBody(["prompt": prompt, "max_tokens": 6, "temperature": 0])
            try await client.execute(uri: "/v1/completions", method: .post, headers: jsonHeaders, body: ids) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual((try jsonObject(r.body)["choices"] as? [[String: Any]])?.first?["text"] as? String, expected.text)
            }
        }
    }

    /// Same request and seed twice: the same tokens (and log-probabilities), sampled, not greedy.
    func testSeededRequestsAreDeterministic() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)], parallel: 2)
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            @Sendable func ask(seed: Int) async throws -> (String, [Double]) {
                let body = jsonBody(["messages": [["role": "user", "content": "a story"]], "max_tokens": 24,
                                     "temperature": 1.0, "top_p": 0.95, "seed": seed, "logprobs": true])
                return try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                    XCTAssertEqual(r.status, .ok)
                    let choice = try XCTUnwrap((try jsonObject(r.body)["choices"] as? [[String: Any]])?.first)
                    let content = try XCTUnwrap((choice["message"] as? [String: Any])?["content"] as? String)
                    let lps = ((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])?.compactMap { $0["logprob"] as? Double } ?? []
                    return (content, lps)
                }
            }
            async let a = ask(seed: 42)
            async let b = ask(seed: 42)
            let (first, second) = try await (a, b)
            XCTAssertEqual(first.0, second.0)
            XCTAssertEqual(first.1, second.1)
            XCTAssertFalse(first.1.isEmpty)
            let other = try await ask(seed: 7)
            XCTAssertNotEqual(other.0, first.0, "another seed draws other tokens")
        }
    }

    func testErrors() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)])
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine, maxBodyBytes: 4096).application().test(.router) { client in
            func expectError(_ uri: String, _ body: ByteBuffer?, status: HTTPResponse.Status, param: String? = nil,
                             method: HTTPRequest.Method = .post, file: StaticString = #filePath, line: UInt = #line) async throws {
                try await client.execute(uri: uri, method: method, headers: jsonHeaders, body: body) { r in
                    XCTAssertEqual(r.status, status, String(buffer: r.body), file: file, line: line)
                    let error = try XCTUnwrap(try jsonObject(r.body)["error"] as? [String: Any], file: file, line: line)
                    XCTAssertNotNil(error["message"] as? String, file: file, line: line)
                    XCTAssertNotNil(error["type"] as? String, file: file, line: line)
                    XCTAssertTrue(error.keys.contains("param") && error.keys.contains("code"), file: file, line: line)
                    if let param { XCTAssertEqual(error["param"] as? String, param, file: file, line: line) }
                }
            }
            let chat = "/v1/chat/completions"
            try await expectError(chat, ByteBuffer(string: "{not json"), status: .badRequest)
            try await expectError(chat, nil, status: .badRequest)
            try await expectError(chat, jsonBody(["model": "tiny"]), status: .badRequest, param: "messages")
            try await expectError(chat, jsonBody(["messages": []]), status: .badRequest, param: "messages")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "n": 2]), status: .badRequest, param: "n")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "temperature": "hot"]),
                                  status: .badRequest, param: "temperature")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "temperature": 3]),
                                  status: .badRequest, param: "temperature")
            try await expectError(chat, jsonBody(["messages": [["role": "tool", "content": "x"]]]), status: .badRequest,
                                  param: "messages[0].role")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": [["type": "image_url"]]]]]),
                                  status: .badRequest)
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "max_tokens": 0]),
                                  status: .badRequest, param: "max_tokens")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "top_logprobs": 2]),
                                  status: .badRequest, param: "top_logprobs")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "overseer": ["bundle": "nope"]]),
                                  status: .badRequest, param: "overseer.bundle")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": "x"]], "overseer": ["lag": 1]]),
                                  status: .badRequest, param: "overseer.lag")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": String(repeating: "long ", count: 400)]]]),
                                  status: .badRequest, param: "messages")
            try await expectError(chat, jsonBody(["messages": [["role": "user", "content": String(repeating: "x", count: 5000)]]]),
                                  status: .contentTooLarge)
            try await expectError("/v1/completions", jsonBody(["prompt": [1, 2, 99999]]), status: .badRequest, param: "prompt")
            try await expectError("/v1/completions", jsonBody(["prompt": ["a", "b"]]), status: .badRequest, param: "prompt")
            try await expectError("/v1/nothing", nil, status: .notFound, method: .get)
        }
    }

    /// Async mode: a request may lower the lag (not raise it); a halt lets at most `lag` tokens out.
    func testAsyncLagPerRequest() async throws {
        let f = try ServerFixture()
        // Threshold 0: the rule fires on the first generated token.
        let engine = try f.engine(bundles: [try f.bundle(name: "always", threshold: 0)], mode: .async(lag: 2))
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            for lag in [0, 1, 2] {
                let body = jsonBody(["messages": [["role": "user", "content": "x"]], "max_tokens": 8, "temperature": 0,
                                     "overseer": ["lag": lag]])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                    XCTAssertEqual(r.status, .ok)
                    let o = try jsonObject(r.body)
                    let overseer = try XCTUnwrap(o["overseer"] as? [String: Any])
                    XCTAssertEqual(overseer["mode"] as? String, "async")
                    XCTAssertEqual(overseer["lag"] as? Int, lag)
                    XCTAssertEqual((o["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String, "content_filter")
                    let released = try XCTUnwrap((o["usage"] as? [String: Any])?["completion_tokens"] as? Int)
                    XCTAssertLessThanOrEqual(released, lag, "at most lag tokens at or after the offending one")
                }
            }
            let tooMuch = jsonBody(["messages": [["role": "user", "content": "x"]], "overseer": ["lag": 3]])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: tooMuch) { r in
                XCTAssertEqual(r.status, .badRequest)
            }
        }
    }

    /// After shutdown began: 503 with Retry-After, and /health says so.
    func testShuttingDownRefusesRequests() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [])
        defer { engine.shutdown(grace: 0) }
        engine.beginShutdown()
        try await f.server(engine).application().test(.router) { client in
            let body = jsonBody(["messages": [["role": "user", "content": "x"]], "max_tokens": 2])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                XCTAssertEqual(r.status, .serviceUnavailable)
                XCTAssertNotNil(r.headers[.retryAfter])
                XCTAssertEqual((try jsonObject(r.body)["error"] as? [String: Any])?["code"] as? String, "shutting_down")
            }
            try await client.execute(uri: "/health", method: .get) { r in XCTAssertEqual(r.status, .serviceUnavailable) }
        }
    }

    /// One session busy, no queue: the next request gets 429 with Retry-After.
    func testQueueFull() async throws {
        let f = try ServerFixture()
        let engine = try f.engine(bundles: [f.slowed(try f.bundle(name: "quiet", threshold: 2), milliseconds: 10)], parallel: 1, queue: 0)
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            let long = jsonBody(["messages": [["role": "user", "content": "x"]], "max_tokens": 100, "temperature": 0])
            async let first: HTTPResponse.Status = client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: long) { $0.status }
            var waited = 0
            while engine.activeCount == 0 && waited < 500 {
                try await Task.sleep(nanoseconds: 10_000_000)
                waited += 1
            }
            XCTAssertEqual(engine.activeCount, 1)
            let second = jsonBody(["messages": [["role": "user", "content": "y"]], "max_tokens": 2])
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: second) { r in
                XCTAssertEqual(r.status, .tooManyRequests)
                XCTAssertEqual(r.headers[.retryAfter], "1")
                XCTAssertEqual((try jsonObject(r.body)["error"] as? [String: Any])?["type"] as? String, "rate_limit_error")
            }
            let status = try await first
            XCTAssertEqual(status, .ok)
        }
    }
}
