// Per-request steering (`overseer.steer`): the edits a request names change its generation
// exactly as the same plan does outside the server, are reported in the response and recorded
// in the run's receipts (replayed by verify), leave other requests untouched, and bad edits
// are 400s naming the edit.

import Foundation
import Hummingbird
import HummingbirdTesting
import Models
@testable import Server
import Steering
import Supervisor
import XCTest

final class SteeringRequestTests: XCTestCase {
    /// A control vector on every layer of the tiny model, written next to it.
    func controlVector(_ f: ServerFixture) throws -> String {
        let d = f.model.config.dModel
        var directions: [Int: [Float]] = [:]
        for n in 1..<f.model.config.layers { directions[n] = f.weights(d, seed: UInt64(100 + n)).map { $0 * 40 } }
        let url = f.folder.appendingPathComponent("push.gguf")
        try ControlVector(modelHint: "tiny", directions: directions).write(to: url)
        return url.path
    }

    struct Answer: Equatable {
        var content: String
        var logprobs: [Double]
    }

    static func ask(_ client: some TestClientProtocol, _ prompt: String, steer: [[String: Any]]?, maxTokens: Int = 16,
                    check: (([String: Any]) throws -> Void)? = nil) async throws -> Answer {
        var body: [String: Any] = ["messages": [["role": "user", "content": prompt]], "max_tokens": maxTokens,
                                   "temperature": 0.8, "seed": 11, "logprobs": true]
        if let steer { body["overseer"] = ["steer": steer] }
        return try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: jsonBody(body)) { r in
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            let o = try jsonObject(r.body)
            let choice = try XCTUnwrap((o["choices"] as? [[String: Any]])?.first)
            try check?(try XCTUnwrap(o["overseer"] as? [String: Any]))
            let lps = ((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])?.compactMap { $0["logprob"] as? Double } ?? []
            return Answer(content: try XCTUnwrap((choice["message"] as? [String: Any])?["content"] as? String), logprobs: lps)
        }
    }

    func testSteeredRequestMatchesThePlanOutsideTheServerAndReplays() async throws {
        let f = try ServerFixture()
        let cv = try controlVector(f)
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let engine = try f.engine(bundles: [quiet], steering: SteeringCatalog(controlVectors: ["push": cv]))
        defer { engine.shutdown(grace: 0) }

        // The same generation outside the server, with the plan built from the same spec.
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: cv)], layerStart: 1, layerEnd: 2),
                                                 scale: -0.5)])
        let plan = try SteeringPlan.build(spec, model: f.model.config)
        var sampling = SamplingOptions()
        sampling.temperature = 0.8
        sampling.seed = 11
        let session = InferenceSession(model: f.model.transformer, contextLength: 512, threads: 1)
        session.editor = plan
        let direct = try f.model.generate(promptTokens: try f.chatPrompt("the subject"), options: GenerationOptions(maxTokens: 16, sampling: sampling),
                                          session: session)
        let plain = try f.directGeneration(try f.chatPrompt("the subject"), maxTokens: 16, sampling: sampling)
        XCTAssertNotEqual(direct.tokens, plain.tokens, "the vector changes this generation (the test is not vacuous)")

        let planSHA256 = try plan.spec.sha256()
        try await f.server(engine).application().test(.router) { client in
            let steered = try await Self.ask(client, "the subject", steer: [["kind": "add", "vector": "push", "layers": [1, 2], "scale": -0.5]]) { o in
                let steering = try XCTUnwrap(o["steering"] as? [String: Any])
                let edits = try XCTUnwrap(steering["edits"] as? [[String: Any]])
                XCTAssertEqual(edits.count, 1)
                XCTAssertEqual((edits[0]["vectors"] as? [Any])?.count, 1, "one vector per steered layer (direction.1), with its SHA-256")
                XCTAssertEqual(o["steering_sha256"] as? String, planSHA256)
                let summary = try summaryPayload(f.receipts, runID: try XCTUnwrap(o["run_id"] as? String))
                XCTAssertNotNil(summary["steering"], "the run's summary receipt records the plan")
            }
            XCTAssertEqual(steered.content, f.model.tokenizer.decode(direct.tokens))
            // The next request on the same session runs unsteered again.
            let after = try await Self.ask(client, "the subject", steer: nil) { o in XCTAssertNil(o["steering"]) }
            XCTAssertEqual(after.content, f.model.tokenizer.decode(plain.tokens))
        }
        let report = try Verifier.verify(store: f.receipts)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 2)
    }

    func testSteeredAndPlainRequestsBatchedTogetherKeepTheirBits() async throws {
        let f = try ServerFixture()
        let cv = try controlVector(f)
        let quiet = try f.bundle(name: "quiet", threshold: 2)
        let catalog = SteeringCatalog(controlVectors: ["push": cv])
        let steer: [[String: Any]] = [["kind": "add", "vector": "push", "scale": 0.7],
                                      ["kind": "ablate", "bundle": "quiet", "detector": "probe1", "taps": "ln_final", "when": "rule"]]
        let lone = try f.engine(bundles: [quiet], parallel: 1, steering: catalog)
        let (refSteered, refPlain) = try await f.server(lone).application().test(.router) { client in
            (try await Self.ask(client, "the subject", steer: steer), try await Self.ask(client, "another one", steer: nil))
        }
        lone.shutdown(grace: 0)
        let plainEngine = try f.engine(bundles: [quiet], parallel: 1, steering: catalog)
        let unsteered = try await f.server(plainEngine).application().test(.router) { client in
            try await Self.ask(client, "the subject", steer: nil)
        }
        plainEngine.shutdown(grace: 0)
        XCTAssertNotEqual(refSteered, unsteered, "steering changes this request")

        let batched = try f.engine(bundles: [quiet], parallel: 4, batching: true, steering: catalog)
        defer { batched.shutdown(grace: 0) }
        try await f.server(batched).application().test(.router) { client in
            async let a = Self.ask(client, "the subject", steer: steer)
            async let b = Self.ask(client, "another one", steer: nil)
            async let c = Self.ask(client, "x", steer: [["kind": "add", "vector": "push", "scale": -1.5]], maxTokens: 9)
            let (steered, plain, _) = try await (a, b, c)
            XCTAssertEqual(steered, refSteered, "a steered request beside others: its own tokens and log-probabilities")
            XCTAssertEqual(plain, refPlain, "a plain request beside steered ones is not steered")
            XCTAssertGreaterThan(batched.largestBatch, 1)
        }
        let report = try Verifier.verify(store: f.receipts)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
    }

    func testBadEditsAre400sNamingTheEdit() async throws {
        let f = try ServerFixture()
        let cv = try controlVector(f)
        let engine = try f.engine(bundles: [try f.bundle(name: "quiet", threshold: 2)], steering: SteeringCatalog(controlVectors: ["push": cv]))
        defer { engine.shutdown(grace: 0) }
        try await f.server(engine).application().test(.router) { client in
            func expect400(_ steer: Any, param: String, mentions: String, line: UInt = #line) async throws {
                let body = jsonBody(["messages": [["role": "user", "content": "x"]], "max_tokens": 2, "overseer": ["steer": steer]])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: body) { r in
                    XCTAssertEqual(r.status, .badRequest, String(buffer: r.body), line: line)
                    let error = try XCTUnwrap(try jsonObject(r.body)["error"] as? [String: Any], line: line)
                    XCTAssertEqual(error["param"] as? String, param, line: line)
                    let message = error["message"] as? String ?? ""
                    XCTAssertTrue(message.contains(mentions), "'\(message)' should mention '\(mentions)'", line: line)
                }
            }
            try await expect400([["kind": "add", "vector": "nope"]], param: "overseer.steer[0]", mentions: "offered: push")
            try await expect400([["kind": "add", "vector": "push"], ["kind": "add", "vector": "/etc/passwd"]], param: "overseer.steer[1]",
                                mentions: "named '/etc/passwd'")
            try await expect400([["kind": "push", "vector": "push"]], param: "overseer.steer[0]", mentions: "add, ablate or clamp")
            try await expect400([["kind": "clamp", "vector": "push", "value": 1]], param: "overseer.steer[0]", mentions: "clamp needs an sae")
            try await expect400([["kind": "add", "vector": "push", "bundle": "quiet"]], param: "overseer.steer[0]", mentions: "exactly one source")
            try await expect400([["kind": "add", "bundle": "quiet", "detector": "nope"]], param: "overseer.steer", mentions: "no detector 'nope'")
            try await expect400([["kind": "add", "vector": "push", "layers": [3, 1]]], param: "overseer.steer[0]", mentions: "layers")
            try await expect400([["kind": "add", "vector": "push", "scal": 2]], param: "overseer.steer[0].scal", mentions: "unknown key 'scal'")
            try await expect400(Array(repeating: ["kind": "add", "vector": "push"], count: 17), param: "overseer.steer", mentions: "at most 16")
        }
    }

    func testStartupRefusesABadSource() throws {
        let f = try ServerFixture()
        let broken = f.folder.appendingPathComponent("broken.gguf")
        try Data("GGUF not really".utf8).write(to: broken)
        XCTAssertThrowsError(try f.engine(bundles: [], steering: SteeringCatalog(controlVectors: ["broken": broken.path]))) { error in
            XCTAssertTrue("\(error)".contains("control vector 'broken'"), "\(error)")
        }
        // A vector for a wider model does not fit this one.
        let wide = f.folder.appendingPathComponent("wide.gguf")
        try ControlVector(modelHint: "other", directions: [1: [Float](repeating: 0.1, count: f.model.config.dModel + 1)]).write(to: wide)
        XCTAssertThrowsError(try f.engine(bundles: [], steering: SteeringCatalog(controlVectors: ["wide": wide.path])))
    }

    /// The server reads an offered vector once, at start-up: replacing the file afterwards
    /// changes neither what a request is steered with nor the SHA-256 its record carries.
    func testRequestsUseTheVectorReadAtStartUp() async throws {
        let f = try ServerFixture()
        let cv = try controlVector(f)
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: cv)], layerStart: 1, layerEnd: 2),
                                                 scale: -0.5)])
        let planSHA256 = try SteeringPlan.build(spec, model: f.model.config).spec.sha256()
        let engine = try f.engine(bundles: [], steering: SteeringCatalog(controlVectors: ["push": cv]))
        defer { engine.shutdown(grace: 0) }
        let steer: [[String: Any]] = [["kind": "add", "vector": "push", "layers": [1, 2], "scale": -0.5]]
        try await f.server(engine).application().test(.router) { client in
            let before = try await Self.ask(client, "the subject", steer: steer) { o in
                XCTAssertEqual(o["steering_sha256"] as? String, planSHA256)
            }
            let d = f.model.config.dModel
            try ControlVector(modelHint: "tiny", directions: [1: f.weights(d, seed: 7).map { $0 * 40 }]).write(to: URL(fileURLWithPath: cv))
            XCTAssertNotEqual(try SteeringPlan.build(spec, model: f.model.config).spec.sha256(), planSHA256,
                              "the file on disk now holds another vector (the test is not vacuous)")
            let after = try await Self.ask(client, "the subject", steer: steer) { o in
                XCTAssertEqual(o["steering_sha256"] as? String, planSHA256)
            }
            XCTAssertEqual(after, before)
        }
    }
}
