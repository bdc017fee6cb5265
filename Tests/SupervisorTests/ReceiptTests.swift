import XCTest
import Crypto
import Detectors
import Models
import TestSupport
@testable import Supervisor

final class ReceiptTests: ReceiptTestCase {

    /// Two runs written to the log: one flagging every token, one halting on the 3rd generated token.
    func writeRuns(signer: ReceiptSigner? = nil) throws -> ReceiptStore {
        let store = try ReceiptStore(path: dbPath)
        let flagFolder = fx.folder.appendingPathComponent("flag.bundle")
        try fx.bundle(threshold: 0, action: .flag, aggregation: Aggregation(kind: .ema, window: 3)).write(to: flagFolder)
        let flag = try Supervisor(bundle: SupervisorBundle.load(flagFolder), model: fx.model,
                                  options: SupervisorOptions(receipts: store, signer: signer))
        let a = try flag.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 4), session: fx.session())
        XCTAssertEqual(a.report.startSeq, 1)
        XCTAssertEqual(a.report.receiptSeqs, [2, 3, 4, 5])
        XCTAssertEqual(a.report.summarySeq, 6)

        let haltFolder = fx.folder.appendingPathComponent("halt.bundle")
        try fx.bundle(threshold: 0, action: .halt, aggregation: Aggregation(kind: .max, window: 2)).write(to: haltFolder)
        let sampling = SamplingOptions(temperature: 0.8, topK: 40, seed: 7)
        let halt = try Supervisor(bundle: SupervisorBundle.load(haltFolder), model: fx.model,
                                  options: SupervisorOptions(mode: .async(lag: 0), receipts: store, signer: signer))
        let b = try halt.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 6, sampling: sampling),
                                  session: fx.session())
        XCTAssertTrue(b.report.halted)
        return store
    }

    func testReceiptsHoldWhatReplayNeedsAndVerify() throws {
        let store = try writeRuns()
        let rows = try store.rows()
        XCTAssertEqual(rows.map(\.kind), ["start", "flag", "flag", "flag", "flag", "summary", "start", "halt", "summary"])
        XCTAssertEqual(rows.first?.prevHash, ReceiptStore.genesis)
        let event = try Verifier.decodeEvent(rows[1])
        XCTAssertEqual(event.modelSHA256, fx.sha)
        XCTAssertEqual(event.verdict.contributions.count, 8)
        XCTAssertEqual(event.verdict.aggregation, Aggregation(kind: .ema, window: 3))
        XCTAssertEqual(event.engine.threads, 1)
        let summary = try Verifier.decodeSummary(rows[8])
        XCTAssertEqual(try Verifier.decode(RunStart.self, rows[6]), summary.start)
        // One flat object: the start's keys sit beside the summary's own.
        let payload = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(rows[8].body.utf8)) as? [String: Any])?["payload"] as? [String: Any])
        XCTAssertNotNil(payload["prompt_tokens"])
        XCTAssertNotNil(payload["judged_tokens"])
        XCTAssertNil(payload["start"])
        XCTAssertEqual(summary.sampling.seed, 7)
        XCTAssertEqual(summary.promptTokens, fx.prompt)
        XCTAssertEqual(summary.judgedTokens.count, 1)

        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 2)
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))
        XCTAssertEqual(report.runs[0].scores, 4 * 2)   // 4 generated positions × 2 probes
        XCTAssertEqual(report.head, rows.last?.hash)
    }

    func testAppendOnlyTriggers() throws {
        let store = try writeRuns()
        XCTAssertThrowsError(try store.execute("UPDATE receipts SET kind = 'log' WHERE seq = 1"))
        XCTAssertThrowsError(try store.execute("DELETE FROM receipts WHERE seq = 1"))
        XCTAssertEqual(try store.rows().count, 9)
        let mode = try store.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
        let sync = try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        XCTAssertEqual(sync, 2)  // FULL
    }

    func tamper(_ store: ReceiptStore, _ sql: String) throws { try Forger.tamper(store, sql) }

    /// Writes `rows` back with a freshly computed, consistent chain (a forger with write access).
    func rechain(_ store: ReceiptStore, _ rows: [ReceiptRow]) throws { try Forger.rewrite(store, rows) }

    func testEditedByteIsDetected() throws {
        let store = try writeRuns()
        let body = try store.rows()[1].body
        let i = body.range(of: "\"position\":")!.upperBound
        var bytes = Array(body.utf8)
        let offset = body.utf8.distance(from: body.utf8.startIndex, to: i)
        bytes[offset] = bytes[offset] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let edited = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "'", with: "''")
        try tamper(store, "UPDATE receipts SET body = '\(edited)' WHERE seq = 2")
        let report = try Verifier.verify(store: store, replay: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("#2"), report.firstMismatch!)
    }

    func testDeletedRowIsDetected() throws {
        let store = try writeRuns()
        try tamper(store, "DELETE FROM receipts WHERE seq = 3")
        let report = try Verifier.verify(store: store, replay: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("#3"), report.firstMismatch!)
    }

    func testDeletedMiddleSummaryIsDetected() throws {
        let store = try writeRuns()
        try tamper(store, "DELETE FROM receipts WHERE seq = 6")
        let report = try Verifier.verify(store: store, replay: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("#6"), report.firstMismatch!)
    }

    func testReorderedRowsAreDetected() throws {
        let store = try writeRuns()
        try tamper(store, """
            UPDATE receipts SET seq = 100 WHERE seq = 2;
            UPDATE receipts SET seq = 2 WHERE seq = 3;
            UPDATE receipts SET seq = 3 WHERE seq = 100;
            """)
        let report = try Verifier.verify(store: store, replay: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("#2"), report.firstMismatch!)
    }

    /// An attacker who edits a receipt and recomputes the whole chain is caught by replay.
    func testRehashedForgeryIsCaughtByReplay() throws {
        let store = try writeRuns()
        var rows = try store.rows()
        let original = try Verifier.decodeEvent(rows[2]).verdict.activationSHA256!
        let forged = (original.first == "0" ? "1" : "0") + original.dropFirst()
        rows[2].body = rows[2].body.replacingOccurrences(of: original, with: forged)
        try rechain(store, rows)
        XCTAssertNil(Verifier.checkChain(try store.rows()), "the forged chain is consistent")
        let report = try Verifier.verify(store: store)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("activation hash"), report.firstMismatch!)
    }

    func testReplayDetectsAForgedGeneratedToken() throws {
        let store = try writeRuns()
        var rows = try store.rows()
        var summary = try Verifier.decodeSummary(rows[5])
        summary.judgedTokens[1] = (summary.judgedTokens[1] + 1) % 200
        summary.generatedTokens = summary.judgedTokens
        rows[5].body = try Forger.rewrite(rows[5].body, RunSummary.self) { $0 = summary }
        try rechain(store, rows)
        let report = try Verifier.verify(store: store)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("generated token 1"), report.firstMismatch!)
    }

    func testSignedReceipts() throws {
        let keyURL = fx.folder.appendingPathComponent("key")
        let key = Curve25519.Signing.PrivateKey()
        try Data(key.rawRepresentation.map { String(format: "%02x", $0) }.joined().utf8).write(to: keyURL)
        let signer = try ReceiptSigner(keyFile: keyURL)
        let store = try writeRuns(signer: signer)
        let rows = try store.rows()
        XCTAssertTrue(rows.allSatisfy { $0.signature?.count == 128 })
        XCTAssertTrue(rows[0].body.contains(signer.publicKeyHex))
        XCTAssertTrue(try Verifier.verify(store: store, replay: false).ok)
        let bad = String(rows[2].signature!.reversed())
        try tamper(store, "UPDATE receipts SET signature = '\(bad)' WHERE seq = 3")
        let report = try Verifier.verify(store: store, replay: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("signature"), report.firstMismatch!)
    }

    func testMissingModelOrBundleIsReported() throws {
        let store = try writeRuns()
        try FileManager.default.removeItem(at: fx.folder.appendingPathComponent("flag.bundle"))
        let report = try Verifier.verify(store: store)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.firstMismatch!.contains("cannot replay"), report.firstMismatch!)
    }

    /// A log whose receipts table allows NULLs (not written by this program) crashed the row
    /// reader; found by the receipts fuzzing harness (Fuzz/corpus/receipts/nulls.sqlite).
    /// `head()` reads the newest row only: the genesis hash on an empty log, then the last row's
    /// seq and hash; a NULL hash there is a typed error, not a crash.
    func testHeadIsTheNewestRow() throws {
        let empty = try ReceiptStore(path: dbPath + ".empty")
        XCTAssertEqual(try empty.head().seq, 0)
        XCTAssertEqual(try empty.head().hash, ReceiptStore.genesis)
        let store = try writeRuns()
        let rows = try store.rows()
        XCTAssertEqual(try store.head().seq, rows.last?.seq)
        XCTAssertEqual(try store.head().hash, rows.last?.hash)
        try store.execute("""
            DROP TRIGGER receipts_no_update; DROP TRIGGER receipts_no_delete; DROP TABLE receipts;
            CREATE TABLE receipts (seq INTEGER PRIMARY KEY, run_id TEXT, kind TEXT, body TEXT, prev_hash TEXT,
                                   hash TEXT, signature TEXT);
            INSERT INTO receipts VALUES (1, 'r', 'summary', '{}', 'x', NULL, NULL);
            """)
        XCTAssertThrowsError(try store.head()) { error in
            guard case SupervisorError.receipts(let m) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(m.contains("NULL or mistyped"), m)
        }
    }

    func testNullOrMissingColumnIsATypedError() throws {
        let store = try ReceiptStore(path: dbPath)
        try store.execute("""
            DROP TRIGGER receipts_no_update; DROP TRIGGER receipts_no_delete; DROP TABLE receipts;
            CREATE TABLE receipts (seq INTEGER PRIMARY KEY, run_id TEXT, kind TEXT, body TEXT, prev_hash TEXT,
                                   hash TEXT UNIQUE, signature TEXT);
            INSERT INTO receipts VALUES (1, NULL, 'summary', NULL, 'x', 'y', NULL);
            """)
        XCTAssertThrowsError(try store.rows()) { error in
            XCTAssertTrue("\(error)".contains("receipt row 1") && "\(error)".contains("column run_id is NULL"), "\(error)")
        }
        XCTAssertThrowsError(try Verifier.verify(store: store, replay: false))

        try store.execute("""
            DROP TABLE receipts;
            CREATE TABLE receipts (seq INTEGER PRIMARY KEY, run_id TEXT, kind TEXT, body BLOB, prev_hash TEXT, hash TEXT,
                                   signature INTEGER);
            INSERT INTO receipts VALUES (1, 'r', 'summary', '{}', 'x', 'y', 5);
            """)
        XCTAssertThrowsError(try store.rows()) { error in
            XCTAssertTrue("\(error)".contains("column signature is of the wrong type"), "\(error)")
        }
        try store.execute("DROP TABLE receipts; CREATE TABLE receipts (seq INTEGER PRIMARY KEY, other TEXT); INSERT INTO receipts VALUES (1, 'a')")
        XCTAssertThrowsError(try store.rows()) { error in
            // A typed receipts error naming the missing column (SQLite's own words).
            guard case SupervisorError.receipts(let m) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(m.contains("run_id"), m)
        }
    }
}
