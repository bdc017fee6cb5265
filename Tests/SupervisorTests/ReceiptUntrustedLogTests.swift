import XCTest
import Crypto
import Detectors
import GRDB
import Models
import TestSupport
@testable import Supervisor

/// `verify` on a log nobody vouches for: it opens read-only, refuses what is not a receipt log,
/// turns NULLs into errors, and never trusts a recorded path or resource setting.
final class ReceiptUntrustedLogTests: ReceiptTestCase {

    func writeRun(_ store: ReceiptStore) throws -> SupervisionReport {
        return try Supervisor(bundle: writeBundle("flag.bundle", threshold: 0, action: .flag), model: fx.model,
                              options: SupervisorOptions(receipts: store))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 2), session: fx.session()).report
    }

    func files(_ path: String) -> [String] {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("receipts.sqlite") }.sorted()
    }

    func testEmptyAndUnrelatedFilesAreRefusedAndLeftAlone() throws {
        FileManager.default.createFile(atPath: dbPath, contents: Data())
        XCTAssertThrowsError(try ReceiptStore(readOnly: dbPath)) { XCTAssertTrue("\($0)".contains("not a receipt log"), "\($0)") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath)).count, 0)
        XCTAssertEqual(files(dbPath), ["receipts.sqlite"], "no journal or WAL file appears")

        try FileManager.default.removeItem(atPath: dbPath)
        let other = try DatabaseQueue(path: dbPath)
        try other.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes VALUES (1, 'x')") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: dbPath))
        XCTAssertThrowsError(try ReceiptStore(readOnly: dbPath)) { XCTAssertTrue("\($0)".contains("no receipts table"), "\($0)") }
        // Nor does a writer take it over.
        XCTAssertThrowsError(try ReceiptStore(path: dbPath)) { XCTAssertTrue("\($0)".contains("its tables: notes"), "\($0)") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath)), before)

        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: dbPath))
        XCTAssertThrowsError(try ReceiptStore(readOnly: dbPath)) { XCTAssertTrue("\($0)".contains("not a receipt log"), "\($0)") }
        XCTAssertThrowsError(try ReceiptStore(readOnly: fx.folder.appendingPathComponent("missing.sqlite").path))
        // A FIFO or a device in the log's place is refused before it is opened.
        let fifo = fx.folder.appendingPathComponent("log.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for path in [fifo, "/dev/zero"] {
            XCTAssertThrowsError(try ReceiptStore(readOnly: path)) { XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)") }
            XCTAssertThrowsError(try ReceiptStore(path: path)) { XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)") }
        }
    }

    /// A log in rollback-journal mode stays in that mode, byte for byte, through verify.
    func testVerifyDoesNotChangeTheFile() throws {
        _ = try writeRun(try ReceiptStore(path: dbPath))
        let q = try DatabaseQueue(path: dbPath)
        try q.writeWithoutTransaction { _ = try String.fetchOne($0, sql: "PRAGMA journal_mode = DELETE") }
        try q.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: dbPath))
        let listing = files(dbPath)
        let store = try ReceiptStore(readOnly: dbPath)
        XCTAssertTrue(try Verifier.verify(store: store).ok)
        XCTAssertThrowsError(try store.append(runID: "x", []))
        XCTAssertEqual(try store.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "delete")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath)), before)
        XCTAssertEqual(files(dbPath), listing)
    }

    /// A table with the right columns but no constraints, holding NULLs and wrong types.
    func testNullAndMistypedColumnsAreErrors() throws {
        let q = try DatabaseQueue(path: dbPath)
        try q.write {
            try $0.execute(sql: "CREATE TABLE receipts (seq INTEGER, run_id TEXT, kind TEXT, body TEXT, prev_hash TEXT, hash TEXT, signature TEXT)")
            try $0.execute(sql: "INSERT INTO receipts VALUES (1, 'r', 'start', NULL, '00', 'ab', NULL)")
        }
        try q.close()
        let store = try ReceiptStore(readOnly: dbPath)
        XCTAssertThrowsError(try Verifier.verify(store: store)) { XCTAssertTrue("\($0)".contains("column body is NULL"), "\($0)") }
        let w = try DatabaseQueue(path: dbPath)
        try w.write {
            try $0.execute(sql: "DELETE FROM receipts")
            try $0.execute(sql: "INSERT INTO receipts VALUES (NULL, 'r', 'start', '{}', '00', 'ab', NULL)")
        }
        XCTAssertThrowsError(try Verifier.verify(store: store)) { XCTAssertTrue("\($0)".contains("column seq is NULL"), "\($0)") }
        try w.write {
            try $0.execute(sql: "DELETE FROM receipts")
            try $0.execute(sql: "INSERT INTO receipts VALUES (1, 'r', 'start', X'00FF', '00', 'ab', 12)")
        }
        XCTAssertThrowsError(try Verifier.verify(store: store)) { XCTAssertTrue("\($0)".contains("wrong type"), "\($0)") }
        try w.close()
    }

    /// Runs `body` on another thread; fails instead of hanging the suite when it does not return.
    func withinSeconds(_ seconds: Double, _ body: @escaping () throws -> VerificationReport) throws -> VerificationReport {
        final class Box: @unchecked Sendable { var result: Result<VerificationReport, Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread { box.result = Result { try body() }; done.signal() }.start()
        guard done.wait(timeout: .now() + seconds) == .success, let r = box.result else {
            XCTFail("did not finish within \(seconds) s")
            throw CocoaError(.userCancelled)
        }
        return try r.get()
    }

    /// The recorded model path points at /dev/zero, a FIFO or a link to /dev/zero.
    func testRecordedPathsThatWouldHangAreRefused() throws {
        let store = try ReceiptStore(path: dbPath)
        let report = try writeRun(store)
        let fifo = fx.folder.appendingPathComponent("model.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let link = fx.folder.appendingPathComponent("zero.gguf").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        let pristine = try store.rows()
        for path in ["/dev/zero", fifo, link] {
            var rows = pristine
            for i in rows.indices where rows[i].runID == report.runID && (rows[i].kind == "start" || rows[i].kind == "summary") {
                rows[i].body = try Forger.set(rows[i].body, ["payload", "model", "path"], .string(path))
            }
            try Forger.rewrite(store, rows)
            let r = try withinSeconds(30) { try Verifier.verify(store: try ReceiptStore(readOnly: self.dbPath)) }
            XCTAssertFalse(r.ok)
            XCTAssertTrue(r.firstMismatch?.contains("is not a regular file") ?? false, r.firstMismatch ?? "")
        }
        // The same for the bundle's files: bundle.json as a FIFO.
        var rows = pristine
        let fakeBundle = fx.folder.appendingPathComponent("fifo.bundle")
        try FileManager.default.createDirectory(at: fakeBundle, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(fakeBundle.appendingPathComponent("bundle.json").path, 0o600), 0)
        for i in rows.indices where rows[i].kind == "start" || rows[i].kind == "summary" {
            rows[i].body = try Forger.set(rows[i].body, ["payload", "bundle", "path"], .string(fakeBundle.path))
        }
        try Forger.rewrite(store, rows)
        let r = try withinSeconds(30) { try Verifier.verify(store: try ReceiptStore(readOnly: self.dbPath)) }
        XCTAssertTrue(r.firstMismatch?.contains("is not a regular file") ?? false, r.firstMismatch ?? "")
    }

    /// Replay uses its own thread count and batch size, so any count gives the same verdict.
    func testReplayDoesNotDependOnThreads() throws {
        let store = try ReceiptStore(path: dbPath)
        _ = try writeRun(store)
        for threads in [1, 3] {
            let r = try Verifier.verify(store: store, threads: threads)
            XCTAssertTrue(r.ok, r.firstMismatch ?? "")
            XCTAssertEqual(r.runs.first?.scores, 2 * 2)
        }
    }
}
