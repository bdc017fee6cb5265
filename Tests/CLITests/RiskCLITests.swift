import Foundation
import TestSupport
import XCTest

/// `overseer risk` end to end on a tiny generated model.
final class RiskCLITests: XCTestCase {
    var model: URL!
    var prompts: URL!

    override func setUpWithError() throws {
        model = try TinyModel.write()
        prompts = model.deletingLastPathComponent().appendingPathComponent("prompts.txt")
        try "the cat sat\n\nin the\n".write(to: prompts, atomically: true, encoding: .utf8)
    }

    func json(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
    }

    func testMonteCarloJSONIsReproducibleAcrossThreadsAndBatches() throws {
        let base = ["risk", "-m", model.path, "--prompts", prompts.path, "--event", "text:e", "--event", "tokens:116,104",
                    "--horizon", "4", "--samples", "30", "--seed", "3", "--json"]
        let a = try OverseerBinary.run(base + ["--threads", "2", "--batch", "8"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let b = try OverseerBinary.run(base + ["--threads", "1", "--batch", "3"])
        XCTAssertEqual(a.stdout, b.stdout)
        let j = try json(a.stdout)
        XCTAssertEqual(j["method"] as? String, "mc")
        XCTAssertEqual(((j["model"] as! [String: Any])["sha256"] as! String).count, 64)
        XCTAssertEqual((j["record_sha256"] as! String).count, 64)
        let event = (j["monte_carlo"] as! [String: Any])["event"] as! [String: Any]
        XCTAssertEqual(event["samples"] as? Int, 60)
        let interval = event["interval"] as! [String: Double]
        let estimate = event["estimate"] as! Double
        XCTAssertLessThanOrEqual(interval["lower"]!, estimate)
        XCTAssertGreaterThanOrEqual(interval["upper"]!, estimate)
        // Another seed, other samples, another record.
        let c = try OverseerBinary.run(Array(base.dropLast(3)) + ["--seed", "4", "--json"])
        XCTAssertNotEqual(try json(c.stdout)["record_sha256"] as? String, j["record_sha256"] as? String)
    }

    func testExactAndImportanceRun() throws {
        let exact = try OverseerBinary.run(["risk", "-m", model.path, "--prompts", prompts.path, "--event", "text:e",
                                            "--horizon", "2", "--method", "exact", "--budget", "20", "--json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        let x = try json(exact.stdout)["exact"] as! [String: Any]
        XCTAssertLessThanOrEqual(x["lower"] as! Double, x["upper"] as! Double)
        XCTAssertEqual(x["expansions"] as? Int, 40)
        let imp = try OverseerBinary.run(["risk", "-m", model.path, "--prompts", prompts.path, "--event", "text:e",
                                          "--horizon", "3", "--method", "is", "--proposal-temperature", "1.5",
                                          "--samples", "20", "--json"])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let j = try json(imp.stdout)
        XCTAssertEqual(((j["proposal"] as! [String: Any])["sha256"] as! String).count, 64)
        let s = j["importance"] as! [String: Any]
        XCTAssertEqual(s["samples"] as? Int, 40)
        XCTAssertNotNil(s["effective_sample_size"] as? Double)
    }

    func testBoostedImportanceRun() throws {
        let base = ["risk", "-m", model.path, "--prompts", prompts.path, "--event", "text:he", "--horizon", "3",
                    "--method", "is", "--samples", "20", "--json"]
        let r = try OverseerBinary.run(base + ["--proposal-boost", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r.stdout)
        let boost = (j["proposal"] as! [String: Any])["boost"] as! [String: Any]
        XCTAssertEqual(boost["tokens"] as? Int, 2)   // "he" and " the"
        XCTAssertEqual(boost["logit"] as? Double, 2)
        XCTAssertEqual((j["importance"] as! [String: Any])["samples"] as? Int, 40)
        // Another boost, another proposal hash; explicit tokens, another one again.
        let other = try json(try OverseerBinary.run(base + ["--proposal-boost", "3"]).stdout)
        let explicit = try json(try OverseerBinary.run(base + ["--proposal-boost", "2", "--proposal-boost-tokens", "104"]).stdout)
        let hashes = [j, other, explicit].map { ($0["proposal"] as! [String: Any])["sha256"] as! String }
        XCTAssertEqual(Set(hashes).count, 3)
        for (args, words) in [(["--event", "tokens:1,2", "--method", "is", "--proposal-boost", "2"], "nothing to boost"),
                              (["--event", "text:a", "--method", "is", "--proposal-boost-tokens", "3"], "needs --proposal-boost"),
                              (["--event", "text:a", "--proposal-boost", "2"], "--method is"),
                              (["--event", "text:a", "--method", "is", "--proposal-boost", "2", "--proposal-boost-tokens", "1,,2"], "token ids"),
                              (["--event", "text:a", "--method", "is", "--proposal-boost", "2", "--proposal-boost-tokens", "99999"], "outside the vocabulary")] {
            let e = try OverseerBinary.run(["risk", "-m", model.path, "--prompts", prompts.path] + args)
            XCTAssertNotEqual(e.status, 0)
            XCTAssertTrue(e.stderr.contains(words), "\(args): \(e.stderr)")
            XCTAssertFalse(e.stderr.contains("Fatal error"))
        }
    }

    func testBadInputIsAOneLineError() throws {
        for (args, words) in [(["--event", "regex:("], "does not compile"), (["--event", "nope"], "regex:"),
                              (["--event", "rule:x"], "--event-bundle"), (["--event", "text:a", "--horizon", "0"], "--horizon"),
                              (["--event", "text:a", "--benign", "x.txt"], "--supervisor")] {
            let r = try OverseerBinary.run(["risk", "-m", model.path, "--prompts", prompts.path] + args)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(words), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"))
        }
        let missing = try OverseerBinary.run(["risk", "-m", model.path, "--prompts", "/nonexistent", "--event", "text:a"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
    }
}

/// `score --chat` and `score --tokens`.
final class ScoreChatCLITests: XCTestCase {
    func testChatScoresTheReplyAfterTheTemplateAndTokensScoreIDs() throws {
        let model = try TinyModel.write()
        let r = try OverseerBinary.run(["score", "-m", model.path, "--chat", "--prompt", "hi there", "--response", "the theme", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let context = j["context_tokens"] as! [Int]
        let rows = j["tokens"] as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["text"] as! String }.joined(), "the theme")
        let total = j["total_logprob"] as! Double
        XCTAssertEqual(total, rows.map { $0["logprob"] as! Double }.reduce(0, +), accuracy: 1e-3)
        // --tokens on the same ids: the reply's log-probabilities are the same numbers.
        let ids = context + rows.map { $0["id"] as! Int }
        let t = try OverseerBinary.run(["score", "-m", model.path, "--tokens", ids.map(String.init).joined(separator: ","), "--json"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let tj = try JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as! [String: Any]
        let all = tj["tokens"] as! [[String: Any]]
        XCTAssertEqual(all.count, ids.count)
        let tail = all.suffix(rows.count).map { $0["logprob"] as! Double }.reduce(0, +)
        XCTAssertEqual(tail, total, accuracy: 1e-4)
        for (args, words) in [(["--chat", "--prompt", "x"], "--response"), (["--tokens", "1,x"], "--tokens"),
                              (["--tokens", "99999"], "outside the vocabulary"), (["--prompt", "x", "--text", "y"], "--chat")] {
            let bad = try OverseerBinary.run(["score", "-m", model.path] + args)
            XCTAssertNotEqual(bad.status, 0)
            XCTAssertTrue(bad.stderr.contains(words), "\(args): \(bad.stderr)")
        }
    }
}
