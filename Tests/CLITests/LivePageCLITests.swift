// The live page in a real browser: headless Chromium shows server A's page while a run on
// server B (same PostgreSQL log, so its events arrive through LISTEN/NOTIFY) streams shaded
// text and halts; the page marks the halt with its rule, score and threshold, links the run's
// receipts, and shows nothing of another key's runs.

import Foundation
import TestSupport
import XCTest

final class LivePageCLITests: FleetTestCase {
    /// Scores the shading rule gives the greedy continuation of `prompt` (one per generated token).
    func tokenScores(model: URL, bundle: URL, prompt: String, tokens: Int) throws -> [Double] {
        let r = try overseer(["generate", "-m", model.path, "-p", prompt, "-n", "\(tokens)", "--threads", "1",
                              "--supervisor", bundle.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let verdicts = try json(r.stdout)["verdicts"] as? [[String: Any]] ?? []
        return verdicts.compactMap { v -> Double? in
            if let d = v["score"] as? Double { return d }
            if let o = v["score"] as? [String: Any] { return o["value"] as? Double }
            return nil
        }
    }

    func testLivePageShowsAnotherServersHaltWithItsRuleScoreAndThreshold() throws {
        guard HeadlessChromium.executable != nil else { throw XCTSkip(HeadlessChromium.skipMessage) }
        let model = try TinyModel.write()
        let dir = model.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The probe's score on every token of a few greedy continuations; the threshold goes between
        // the first tokens' scores and a later one's, so the halting run streams some text first.
        let probe = try writeBundle("probe", model: model, threshold: -1e9, action: .flag)
        var prompt = "the cat sat on the mat", threshold: Double?
        for candidate in ["the cat sat on the mat", "once upon a time", "a b c d e f", "hello world", "zebra"] {
            let scores = try tokenScores(model: model, bundle: probe, prompt: candidate, tokens: 16)
            XCTAssertEqual(scores.count, 16)
            if let k = (3..<scores.count).first(where: { scores[$0] > scores[..<$0].max()! }) {
                prompt = candidate
                threshold = (scores[..<k].max()! + scores[k]) / 2
                break
            }
        }
        let t = threshold ?? -1e9  // no such continuation: the run halts at its first token
        // Shading relative to the same threshold, and the halting rule.
        let shade = try writeBundle("shade", model: model, threshold: Float(t), action: .flag)
        let halt = try writeBundle("halt", model: model, threshold: Float(t), action: .halt)
        let (pg, _, fleet) = try fleetDatabase(model: model, bundle: probe)
        defer { pg.stop() }
        let keys = dir.appendingPathComponent("keys")
        try "sk-alice-0123456789 alice\nsk-bob-0123456789 bob\n".write(to: keys, atomically: true, encoding: .utf8)
        let args = ["-m", model.path, "--supervisor", shade.path, "--supervisor", halt.path, "--receipts", fleet,
                    "--api-key-file", keys.path]
        let a = try ServeProcess(args), b = try ServeProcess(args)
        defer { a.stop(); b.stop() }

        let browser: HeadlessChromium
        do { browser = try HeadlessChromium() } catch { throw XCTSkip("\(error)") }
        defer { browser.close() }
        try browser.open("http://127.0.0.1:\(a.port)/#key=sk-alice-0123456789")
        XCTAssertNotNil(try browser.waitFor("document.getElementById('status').textContent.startsWith('live') ? 'yes' : ''", seconds: 20),
                        "the page connected to its feed")
        XCTAssertEqual(try browser.evaluate("location.hash") as? String, "", "the key leaves the address bar")

        // While the page watches A: alice's run on A (shaded), bob's on B (not alice's business),
        // then alice's on B, which halts.
        XCTAssertEqual(LocalHTTP.complete(port: a.port, prompt: "a quiet afternoon", maxTokens: 10, bundle: "shade",
                                          key: "sk-alice-0123456789").status, 200)
        let bob = LocalHTTP.complete(port: b.port, prompt: prompt, maxTokens: 4, bundle: "shade", key: "sk-bob-0123456789")
        XCTAssertEqual(bob.status, 200)
        let bobRun = try XCTUnwrap((bob.json?["overseer"] as? [String: Any])?["run_id"] as? String)
        let alice = LocalHTTP.complete(port: b.port, prompt: prompt, maxTokens: 16, bundle: "halt", key: "sk-alice-0123456789")
        XCTAssertEqual(alice.status, 200)
        let overseerJSON = try XCTUnwrap(alice.json?["overseer"] as? [String: Any])
        XCTAssertEqual(overseerJSON["halted"] as? Bool, true)
        let run = try XCTUnwrap(overseerJSON["run_id"] as? String)

        let haltText = try browser.waitFor("document.querySelector('#run-\(run) .halt')?.textContent || ''", seconds: 20) as? String
        let shown = try XCTUnwrap(haltText, "the page shows the halt")
        XCTAssertTrue(shown.contains("HALT") && shown.contains("rule halt-rule"), shown)
        XCTAssertTrue(shown.contains("≥ threshold"), shown)
        let data = try XCTUnwrap(browser.evaluate("""
            (() => { const h = document.querySelector('#run-\(run) .halt');
                     return [h.dataset.rule, h.dataset.score, h.dataset.threshold].join('|'); })()
            """) as? String).split(separator: "|").map(String.init)
        XCTAssertEqual(data.first, "halt-rule")
        let shownScore = try XCTUnwrap(Double(data[1])), shownThreshold = try XCTUnwrap(Double(data[2]))
        XCTAssertGreaterThanOrEqual(shownScore, shownThreshold)
        XCTAssertEqual(shownThreshold, t, accuracy: 1e-3 * max(1, abs(t)))
        XCTAssertEqual(try browser.evaluate("document.querySelector('#run-\(run) .state').textContent") as? String, "halted")
        // Text before the halt, each piece shaded by its score; nothing of bob's run.
        let pieces = try XCTUnwrap(browser.evaluate("document.querySelectorAll('#run-\(run) .tok[data-level]').length") as? Int)
        let released = try XCTUnwrap((alice.json?["usage"] as? [String: Any])?["completion_tokens"] as? Int)
        if threshold != nil { XCTAssertGreaterThanOrEqual(released, 3) }
        XCTAssertLessThanOrEqual(pieces, released)
        XCTAssertEqual(pieces > 0, released > 0)
        XCTAssertEqual(try browser.evaluate("document.getElementById('run-\(bobRun)') === null") as? Bool, true)

        // The receipts link shows the run's stored receipts, the halt among them.
        _ = try browser.evaluate("document.querySelector('#run-\(run) .receipts-link').click()")
        let receipts = try browser.waitFor("""
            (document.querySelector('#run-\(run) pre.receipts')?.textContent || '').includes('"kind": "summary"') ? 'ok' : ''
            """, seconds: 10)
        XCTAssertNotNil(receipts)
        XCTAssertEqual(try browser.evaluate("document.querySelector('#run-\(run) pre.receipts').textContent.includes('\"kind\": \"halt\"')") as? Bool, true)

        if let path = ProcessInfo.processInfo.environment["OVERSEER_LIVE_SCREENSHOT"] {
            _ = try browser.evaluate("document.querySelector('#run-\(run) pre.receipts')?.remove()")
            try browser.screenshot().write(to: URL(fileURLWithPath: path))
        }
    }
}
