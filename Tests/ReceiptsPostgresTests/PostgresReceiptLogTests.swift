// The PostgreSQL receipt log against a real server (a temporary one on loopback): the same
// bytes as the SQLite log, supervised runs that verify by replay, append-only enforced by the
// database, one chain under concurrent writers, typed errors for bad input.

import Detectors
import Foundation
import Models
import ReceiptsPostgres
import Supervisor
import TestSupport
import XCTest

/// One temporary server for the whole class; each test gets its own database.
final class PostgresReceiptLogTests: XCTestCase {
    nonisolated(unsafe) static var server: TemporaryPostgres?
    nonisolated(unsafe) static var startError: String?
    nonisolated(unsafe) static var databases = 0

    override class func tearDown() {
        server?.stop()
        server = nil
    }

    /// A fresh database's admin URL (the server is started on first use).
    func freshDatabase() throws -> (TemporaryPostgres, String) {
        if Self.server == nil && Self.startError == nil {
            do { Self.server = try TemporaryPostgres() } catch { Self.startError = "\(error)" }
        }
        guard let pg = Self.server else { throw XCTSkip(Self.startError ?? TemporaryPostgres.skipMessage) }
        Self.databases += 1
        let name = "receipts\(Self.databases)"
        try pg.psql("CREATE DATABASE \(name)")
        return (pg, name)
    }

    var fixture: (url: URL, model: LanguageModel, sha: String)!
    override func setUpWithError() throws {
        let url = try TinyModel.write()
        fixture = (url, try LanguageModel.load(url.path), try ModelFingerprint.sha256(of: url))
    }
    override func tearDown() { if let f = fixture { try? FileManager.default.removeItem(at: f.url.deletingLastPathComponent()) } }

    /// A bundle on disk (so replay can load it) with one probe per layer and one rule.
    func bundle(threshold: Float, action: RuleAction) throws -> SupervisorBundle {
        let d = fixture.model.config.dModel
        var b = BundleBuilder(name: "pg", model: ModelBinding(sha256: fixture.sha))
        var ids: [String] = []
        for l in 0..<fixture.model.config.layers {
            var g = SeededGenerator(seed: UInt64(l + 10))
            try b.add(LinearProbe(id: "probe\(l)", tap: .residPost(l), weight: (0..<d).map { _ in g.normal() / Float(d).squareRoot() }, bias: 0))
            ids.append("probe\(l)")
        }
        b.rules = [RuleSpec(id: "rule", detectors: ids, aggregation: .last, threshold: threshold, action: action, scope: .generation)]
        let dir = fixture.url.deletingLastPathComponent().appendingPathComponent("\(action)-\(threshold).bundle")
        try b.build().write(to: dir)
        return try SupervisorBundle.load(dir)
    }

    func generate(_ log: any ReceiptLog, threshold: Float, action: RuleAction, maxTokens: Int = 3) throws -> SupervisionReport {
        let s = try Supervisor(bundle: bundle(threshold: threshold, action: action), model: fixture.model,
                               options: SupervisorOptions(receipts: log))
        let prompt = fixture.model.tokenizer.encode("the cat sat", parseSpecialTokens: false, addBOS: false)
        let session = InferenceSession(model: fixture.model.transformer, contextLength: 64, threads: 1)
        return try s.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: maxTokens), session: session).report
    }

    func testSameBodiesHashesAndSignaturesAsTheSQLiteLog() throws {
        let (pg, db) = try freshDatabase()
        let log = try PostgresReceiptLog(url: pg.url(database: db))
        let sqlite = try ReceiptStore(path: fixture.url.deletingLastPathComponent().appendingPathComponent("r.sqlite").path)
        let signer = ReceiptSigner(key: .init())
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        struct Payload: Codable { var text: String; var n: Int }
        for (i, run) in ["run-a", "run-b"].enumerated() {
            let drafts = [ReceiptDraft(kind: "note", payload: Payload(text: "é \(i) / \"q\"", n: i)),
                          ReceiptDraft(kind: "note", payload: Payload(text: "second", n: -i))]
            XCTAssertEqual(try log.append(runID: run, drafts, signer: signer, time: time),
                           try sqlite.append(runID: run, drafts, signer: signer, time: time))
        }
        let rows = try log.rows()
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows, try sqlite.rows())
        XCTAssertEqual(try log.rows(runID: "run-b"), try sqlite.rows(runID: "run-b"))
        XCTAssertEqual(try log.head().hash, rows.last?.hash)
        XCTAssertEqual(try log.head().seq, 4)
        XCTAssertNil(ReceiptChain.linkProblem(rows))
        XCTAssertTrue(rows.allSatisfy { $0.signature != nil && $0.body.contains(signer.publicKeyHex) })
    }

    func testSupervisedRunsVerifyByReplayAndHaltsAreStoredAhead() throws {
        let (pg, db) = try freshDatabase()
        let log = try PostgresReceiptLog(url: pg.url(database: db))
        let flagged = try generate(log, threshold: 0, action: .flag)
        XCTAssertEqual(flagged.verdicts.count, 3)
        let halted = try generate(log, threshold: 0, action: .halt)
        XCTAssertTrue(halted.halted)
        XCTAssertEqual(try log.rows(runID: halted.runID).map(\.kind), ["start", "halt", "summary"])

        let reader = try PostgresReceiptLog(url: pg.url(database: db), readOnly: true)
        let report = try Verifier.verify(store: reader)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 2)
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))
        XCTAssertEqual(report.receipts, 5 + 3)
        XCTAssertThrowsError(try reader.append(runID: "x", [ReceiptDraft(kind: "note", payload: [1])])) {
            XCTAssertTrue("\($0)".contains("read-only"), "\($0)")
        }

        // A checkpoint of this head holds; the log then loses its newest run: caught.
        let signer = ReceiptSigner(key: .init())
        let checkpoint = try ReceiptCheckpoint.make(store: reader, signer: signer)
        XCTAssertEqual(checkpoint.seq, 8)
        XCTAssertTrue(try Verifier.verify(store: reader, options: VerificationOptions(replay: false, checkpoint: checkpoint)).ok)
        try log.execute("ALTER TABLE receipts DISABLE TRIGGER USER")
        try log.execute("DELETE FROM receipts WHERE seq > 5")
        let truncated = try Verifier.verify(store: reader, options: VerificationOptions(replay: false, checkpoint: checkpoint))
        XCTAssertFalse(truncated.ok)
        XCTAssertTrue(truncated.firstMismatch?.contains("receipts were deleted") ?? false, truncated.firstMismatch ?? "")
    }

    func testAppendOnlyIsEnforcedByTheDatabase() throws {
        let (pg, db) = try freshDatabase()
        let owner = try PostgresReceiptLog(url: pg.url(database: db))
        _ = try generate(owner, threshold: 0, action: .flag, maxTokens: 2)
        try pg.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fleet') THEN CREATE ROLE fleet LOGIN; END IF; END $$")
        try pg.psql("GRANT \(PostgresReceiptLog.appenderRole) TO fleet")
        let writer = try PostgresReceiptLog(url: pg.url(user: "fleet", database: db))
        _ = try generate(writer, threshold: 0, action: .flag, maxTokens: 2)
        XCTAssertEqual(try writer.rows().count, 8)

        // The appender role may not change or remove anything.
        for sql in ["UPDATE receipts SET body = 'x' WHERE seq = 2", "DELETE FROM receipts WHERE seq = 8", "TRUNCATE receipts",
                    "DROP TABLE receipts", "ALTER TABLE receipts DISABLE TRIGGER USER"] {
            XCTAssertThrowsError(try writer.execute(sql), sql) { e in
                XCTAssertTrue("\(e)".contains("permission denied") || "\(e)".contains("must be owner"), "\(sql): \(e)")
            }
        }
        // The owner is stopped by the triggers.
        for sql in ["UPDATE receipts SET body = 'x' WHERE seq = 2", "DELETE FROM receipts WHERE seq = 8", "TRUNCATE receipts"] {
            XCTAssertThrowsError(try owner.execute(sql), sql) { XCTAssertTrue("\($0)".contains("append-only"), "\(sql): \($0)") }
        }
        // A row that does not continue the chain is refused, whoever inserts it.
        let head = try owner.head()
        let genesis = ReceiptStore.genesis
        for (seq, prev) in [(head.seq + 2, head.hash), (head.seq, head.hash), (head.seq + 1, genesis)] {
            XCTAssertThrowsError(try writer.execute("""
                INSERT INTO receipts VALUES (\(seq), 'r', 'note', '{}', '\(prev)', '\(String(repeating: "a", count: 64))', NULL)
                """)) { XCTAssertTrue("\($0)".contains("does not continue the chain") || "\($0)".contains("duplicate key"), "\($0)") }
        }
        XCTAssertThrowsError(try writer.execute("""
            INSERT INTO receipts VALUES (\(head.seq + 1), 'r', 'note', '{}', '\(head.hash)', '\(String(repeating: "a", count: 64))', NULL)
            """)) { XCTAssertTrue("\($0)".contains("hash does not match"), "\($0)") }
        XCTAssertTrue(try Verifier.verify(store: writer, options: VerificationOptions(replay: false)).ok)
    }

    /// Writers on separate connections (as separate servers would be) append at once: one chain.
    func testConcurrentWritersFormOneChain() throws {
        let (pg, db) = try freshDatabase()
        _ = try PostgresReceiptLog(url: pg.url(database: db))
        let writers = 4, appends = 25
        let logs = try (0..<writers).map { _ in try PostgresReceiptLog(url: pg.url(database: db)) }
        final class Seqs: @unchecked Sendable {
            let lock = NSLock()
            var all: [Int64] = []
            var errors: [String] = []
        }
        let seqs = Seqs()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for a in 0..<appends {
                do {
                    let s = try logs[w].append(runID: "w\(w)-\(a)", [ReceiptDraft(kind: "note", payload: [w, a]),
                                                                      ReceiptDraft(kind: "note", payload: [a])])
                    seqs.lock.lock(); seqs.all += s; seqs.lock.unlock()
                } catch {
                    seqs.lock.lock(); seqs.errors.append("\(error)"); seqs.lock.unlock()
                }
            }
        }
        XCTAssertEqual(seqs.errors, [])
        XCTAssertEqual(seqs.all.sorted(), (1...Int64(writers * appends * 2)).map { $0 })
        let rows = try logs[0].rows()
        XCTAssertEqual(rows.count, writers * appends * 2)
        XCTAssertNil(ReceiptChain.linkProblem(rows))
        // An append's rows are contiguous (one transaction under the lock).
        for (i, r) in rows.enumerated() where i % 2 == 0 { XCTAssertEqual(rows[i + 1].runID, r.runID) }
    }

    func testBadURLsAndMissingLogsAreTypedErrors() throws {
        for (url, words) in [("postgres://127.0.0.1:5432/db", "no user"), ("postgres://u@127.0.0.1:5432/", "no database"),
                             ("postgres://u@127.0.0.1:99999/db", "port"), ("postgres://u@127.0.0.1/db?x=1", "unknown PostgreSQL URL parameter")] {
            XCTAssertThrowsError(try PostgresReceiptLog(url: url)) { XCTAssertTrue("\($0)".contains(words), "\(url): \($0)") }
        }
        let parsed = try PostgresURL("postgres://fleet:secret@db.example:6543/receipts?sslmode=require")
        XCTAssertEqual(parsed.description, "postgres://fleet@db.example:6543/receipts")
        XCTAssertEqual(parsed.password, "secret")
        XCTAssertEqual(parsed.tls, .require)

        let (pg, db) = try freshDatabase()
        XCTAssertThrowsError(try PostgresReceiptLog(url: pg.url(database: db), readOnly: true)) {
            XCTAssertTrue("\($0)".contains("no receipts table"), "\($0)")
        }
        try pg.psql("CREATE TABLE receipts (id int)", database: db)
        XCTAssertThrowsError(try PostgresReceiptLog(url: pg.url(database: db))) {
            XCTAssertTrue("\($0)".contains("not a receipt log"), "\($0)")
        }
        XCTAssertThrowsError(try PostgresReceiptLog(url: pg.url(database: "missing_db"))) {
            XCTAssertTrue("\($0)".contains("cannot open") && "\($0)".contains("missing_db"), "\($0)")
        }
        let closed = try TemporaryPostgres.freePort()
        XCTAssertThrowsError(try PostgresReceiptLog(url: "postgres://u@127.0.0.1:\(closed)/db")) {
            XCTAssertTrue("\($0)".contains("cannot open"), "\($0)")
        }
    }
}
