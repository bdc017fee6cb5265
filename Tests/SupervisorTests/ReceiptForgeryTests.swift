import XCTest
import Crypto
import Detectors
import Models
import TestSupport
@testable import Supervisor

/// Forgeries by someone with write access to the log, each with the chain re-hashed so that it is
/// consistent again. Replay catches every forgery of what S computed; what replay cannot
/// recompute (timestamps, timing failures, which runs exist and in what order) is caught by a
/// pinned signer or a signed checkpoint.
final class ReceiptForgeryTests: ReceiptTestCase {
    let key = Curve25519.Signing.PrivateKey()
    var signer: ReceiptSigner { ReceiptSigner(key: key) }
    let forgerKey = ReceiptSigner(key: Curve25519.Signing.PrivateKey())

    struct Log {
        var store: ReceiptStore
        /// Runs in order: flag (sync, greedy, 4 tokens), halt (sync, sampled), flag (async lag 1, 3 tokens).
        var runs: [String]
    }

    func bundle(_ name: String, action: RuleAction) throws -> SupervisorBundle {
        try writeBundle(name, threshold: 0, action: action, aggregation: Aggregation(kind: .max, window: 2))
    }

    func writeLog(signed: Bool = false) throws -> Log {
        let store = try ReceiptStore(path: dbPath)
        let sign = signed ? signer : nil
        let flag = try bundle("flag.bundle", action: .flag), halt = try bundle("halt.bundle", action: .halt)
        var runs: [String] = []
        let a = try Supervisor(bundle: flag, model: fx.model, options: SupervisorOptions(receipts: store, signer: sign))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 4), session: fx.session())
        XCTAssertEqual(a.result.finishReason, .length)
        runs.append(a.report.runID)
        let b = try Supervisor(bundle: halt, model: fx.model, options: SupervisorOptions(receipts: store, signer: sign))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 6, sampling: SamplingOptions(temperature: 0.8, topK: 40, seed: 7)),
                      session: fx.session())
        XCTAssertTrue(b.report.halted)
        runs.append(b.report.runID)
        let c = try Supervisor(bundle: flag, model: fx.model, options: SupervisorOptions(mode: .async(lag: 1), receipts: store, signer: sign))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session())
        runs.append(c.report.runID)
        XCTAssertTrue(try Verifier.verify(store: store).ok)
        return Log(store: store, runs: runs)
    }

    func verify(_ store: ReceiptStore, signer: String? = nil, checkpoint: ReceiptCheckpoint? = nil) throws -> VerificationReport {
        try Verifier.verify(store: store, options: VerificationOptions(signer: signer, checkpoint: checkpoint))
    }

    func assertRejected(_ r: VerificationReport, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.ok, "verify accepted the forgery (\(needle))", file: file, line: line)
        XCTAssertTrue(r.firstMismatch?.contains(needle) ?? false, r.firstMismatch ?? "", file: file, line: line)
    }

    /// The summary row of `run` and its index.
    func summary(_ rows: [ReceiptRow], _ run: String) -> Int { rows.lastIndex { $0.runID == run && $0.kind == "summary" }! }

    // MARK: What S computed: caught by replay

    /// A halted run rewritten as one that was never halted: its halt receipt dropped and a
    /// summary that is the full, self-consistent run S would have stopped (tokens, scores and
    /// all, as a forger who runs the model himself would write it).
    func testHaltedRunRewrittenAsNotHalted() throws {
        let log = try writeLog()
        var rows = try log.store.rows()
        let id = log.runs[1]
        let original = try Verifier.decodeSummary(rows[summary(rows, id)])
        // What the run would have been without the halt.
        let s = try Supervisor(bundle: bundle("halt.bundle", action: .halt), model: fx.model)
        let session = fx.session()
        let generation = GenerationOptions(maxTokens: original.maxTokens, sampling: original.sampling)
        let run = s.attach(promptTokens: fx.prompt, options: generation, session: session)
        run.recordsRefusalsOnly = true
        let result = try fx.model.generate(promptTokens: fx.prompt, options: generation, session: session, sink: run, gate: run)
        let free = try run.finish(result).summary
        XCTAssertGreaterThan(free.generatedTokens.count, original.generatedTokens.count)
        let i = summary(rows, id)
        rows[i].body = try Forger.rewrite(rows[i].body, RunSummary.self) {
            $0.generatedTokens = free.generatedTokens
            $0.judgedTokens = free.judgedTokens
            $0.finishReason = free.finishReason
            $0.halted = false
            $0.scores = free.scores
            $0.eventCount = 0
            $0.verdictCounts = [:]
        }
        rows.removeAll { $0.runID == id && $0.kind == "halt" }
        try Forger.rewrite(log.store, rows)
        XCTAssertNil(Verifier.checkChain(try log.store.rows()), "the forged chain is consistent")
        assertRejected(try verify(log.store), "run \(id): replay produces a verdict the log lacks: halt")
    }

    func testEventTokenTextChanged() throws {
        let log = try writeLog()
        var rows = try log.store.rows()
        let i = rows.firstIndex { $0.kind == "flag" }!
        rows[i].body = try Forger.set(rows[i].body, ["payload", "verdict", "token_text"], .string("harmless"))
        try Forger.rewrite(log.store, rows)
        assertRejected(try verify(log.store), "token_text recorded")
    }

    func testEventGeneratedIndexChanged() throws {
        let log = try writeLog()
        var rows = try log.store.rows()
        let i = rows.firstIndex { $0.kind == "flag" }!
        rows[i].body = try Forger.set(rows[i].body, ["payload", "verdict", "generated_index"], .number(3))
        try Forger.rewrite(log.store, rows)
        assertRejected(try verify(log.store), "generated_index recorded")
    }

    /// Released tokens truncated (with the scores and events after the cut), whatever finish
    /// reason the forger gives.
    func testReleasedTokensTruncated() throws {
        let log = try writeLog()
        let pristine = try log.store.rows()
        let id = log.runs[0]
        for finish in ["length", "eos", "stop", "context", "halted"] {
            try Forger.rewrite(log.store, try truncate(pristine, run: id, keep: 2, finish: finish))
            XCTAssertNil(Verifier.checkChain(try log.store.rows()))
            assertRejected(try verify(log.store), "run \(id): ")
        }
    }

    /// `rows` with flagging run `run` cut to its first `keep` tokens (scores and events too),
    /// ending with `finish`.
    func truncate(_ rows: [ReceiptRow], run id: String, keep: Int, finish: String) throws -> [ReceiptRow] {
        var rows = rows
        let i = summary(rows, id)
        let s = try Verifier.decodeSummary(rows[i])
        let P = s.promptTokens.count
        rows[i].body = try Forger.rewrite(rows[i].body, RunSummary.self) {
            $0.generatedTokens = Array(s.generatedTokens.prefix(keep))
            $0.judgedTokens = Array(s.judgedTokens.prefix(keep))
            $0.finishReason = finish
            $0.halted = finish == "halted"
            $0.scores = ScoreTable(firstPosition: s.scores.firstPosition, evaluatedThrough: P + keep - 1,
                                   detectors: s.scores.detectors, rows: Array(s.scores.rows!.prefix(keep)))
            $0.eventCount = keep
            $0.verdictCounts = ["flag": keep]
        }
        rows.removeAll { row in
            row.runID == id && row.kind == "flag" && ((try? Verifier.decodeEvent(row).verdict.position) ?? 0) >= P + keep
        }
        return rows
    }

    /// A run its caller cancelled between two tokens (a server's client went away) looks like a
    /// truncated one: everything up to the cancel is replayed, where it happened is not — verify
    /// says so, and the signature is what vouches for it.
    func testCancelledRunIsReplayedUpToTheCancel() throws {
        let log = try writeLog(signed: true)
        let pristine = try log.store.rows()
        let id = log.runs[0]
        let cancelled = try truncate(pristine, run: id, keep: 2, finish: "cancelled")
        try Forger.rewrite(log.store, cancelled, signer: signer, keepSignatures: false)
        let r = try verify(log.store, signer: signer.publicKeyHex)
        XCTAssertTrue(r.ok, r.firstMismatch ?? "")
        XCTAssertTrue(r.runs[0].notes.contains { $0.contains("cancelled by the caller after 2 tokens") }, "\(r.runs[0].notes)")
        // A token changed before the cancel, or a cancel claimed after max_tokens, is still caught.
        var edited = cancelled
        let i = summary(edited, id)
        edited[i].body = try Forger.rewrite(edited[i].body, RunSummary.self) {
            $0.judgedTokens[1] = ($0.judgedTokens[1] + 1) % 200
            $0.generatedTokens = $0.judgedTokens
        }
        try Forger.rewrite(log.store, edited, signer: signer, keepSignatures: false)
        assertRejected(try verify(log.store), "generated token 1")
        try Forger.rewrite(log.store, try truncate(pristine, run: id, keep: 4, finish: "cancelled"), signer: signer, keepSignatures: false)
        assertRejected(try verify(log.store), "cancelled after reaching max_tokens")
        // Re-signed by someone else, the pinned signer refuses it.
        try Forger.rewrite(log.store, cancelled, signer: forgerKey, keepSignatures: false)
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "not by the expected signer")
    }

    /// Engine and sampling values no build can produce, written into every receipt of a run.
    func testImpossibleEngineAndSamplingValues() throws {
        let cases: [([String], JSONValue, String)] = [
            (["payload", "engine", "threads"], .number(-1), "engine.threads -1"),
            (["payload", "engine", "max_batch"], .number(0), "engine.max_batch 0"),
            (["payload", "engine", "context_length"], .number(1e12), "engine.context_length 1000000000000"),
            (["payload", "sampling", "topK"], .number(-7), "top-k"),
            (["payload", "engine", "threads"], .number(100_000), "engine.threads 100000"),
            (["payload", "engine", "max_batch"], .number(1e9), "engine.max_batch 1000000000"),
            (["payload", "engine", "mode"], .string("turbo"), "engine mode turbo"),
        ]
        let log = try writeLog()
        let pristine = try log.store.rows()
        for (path, value, needle) in cases {
            var rows = pristine
            for i in rows.indices where rows[i].runID == log.runs[0] {
                rows[i].body = try Forger.set(rows[i].body, path, value)
            }
            try Forger.rewrite(log.store, rows)
            XCTAssertNil(Verifier.checkChain(try log.store.rows()), needle)
            assertRejected(try verify(log.store), needle)
        }
    }

    /// The summary and the start receipt must agree; so must every event and its run.
    func testStartAndSummaryMustAgree() throws {
        let log = try writeLog()
        var rows = try log.store.rows()
        let i = summary(rows, log.runs[0])
        rows[i].body = try Forger.set(rows[i].body, ["payload", "max_tokens"], .number(3))
        try Forger.rewrite(log.store, rows)
        assertRejected(try verify(log.store), "contradicts the start receipt")
    }

    // MARK: What replay cannot recompute: caught by a pinned signer or a checkpoint

    /// A completed run rewritten as one that S stopped on a missed deadline, its tokens cut. A
    /// deadline is timing: replay cannot disprove it, and verify says so; the signature can.
    func testCompletedRunRewrittenAsDeadlineFailClosed() throws {
        let log = try writeLog(signed: true)
        let checkpoint = try ReceiptCheckpoint.make(store: log.store, signer: signer)
        var rows = try log.store.rows()
        let id = log.runs[0]
        let i = summary(rows, id)
        let s = try Verifier.decodeSummary(rows[i])
        let P = s.promptTokens.count, keep = 2
        // The deadline "hit" the third token: two released, the third withheld.
        var failure = Verdict(kind: .failClosed, position: P + keep, action: .halt)
        failure.cause = .deadline
        failure.reason = "S took 1500.000 ms for this token, the deadline is 1000.000 ms"
        Verifier.annotate(&failure, prompt: s.promptTokens, judged: Array(s.judgedTokens.prefix(keep + 1)), model: fx.model)
        let flagRow = rows.first { $0.runID == id && $0.kind == "flag" }!
        var failureRow = flagRow
        failureRow.kind = "fail_closed"
        failureRow.body = try Forger.rewrite(flagRow.body, EventReceipt.self) { $0.verdict = failure }
            .replacingOccurrences(of: "\"kind\":\"flag\"", with: "\"kind\":\"fail_closed\"")
        rows[i].body = try Forger.rewrite(rows[i].body, RunSummary.self) {
            $0.generatedTokens = Array(s.generatedTokens.prefix(keep))
            $0.judgedTokens = Array(s.judgedTokens.prefix(keep + 1))
            $0.finishReason = "halted"
            $0.halted = true
            $0.scores = ScoreTable(firstPosition: s.scores.firstPosition, evaluatedThrough: P + keep,
                                   detectors: s.scores.detectors, rows: Array(s.scores.rows!.prefix(keep + 1)))
            $0.eventCount = keep + 2
            $0.verdictCounts = ["flag": keep + 1, "fail_closed": 1]
        }
        rows.removeAll { row in
            row.runID == id && row.kind == "flag" && ((try? Verifier.decodeEvent(row).verdict.position) ?? 0) > P + keep
        }
        rows.insert(failureRow, at: summary(rows, id))
        try Forger.rewrite(log.store, rows, signer: forgerKey, keepSignatures: false)

        let open = try verify(log.store)
        XCTAssertTrue(open.ok, "a timing failure is not replayable: \(open.firstMismatch ?? "")")
        XCTAssertTrue(open.runs[0].notes.contains { $0.contains("depends on timing") }, "\(open.runs[0].notes)")
        XCTAssertEqual(open.signers, [forgerKey.publicKeyHex: rows.count], "verify shows who signed")
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "not by the expected signer")
        assertRejected(try verify(log.store, checkpoint: checkpoint), "rewritten or deleted")
    }

    func testMiddleRunDeleted() throws {
        let log = try writeLog(signed: true)
        let checkpoint = try ReceiptCheckpoint.make(store: log.store, signer: signer)
        let rows = try log.store.rows().filter { $0.runID != log.runs[1] }
        try assertCaughtBySignatureOrCheckpoint(log, rows, checkpoint, "deleted")
    }

    /// `rows`, re-hashed: keeping the original signatures fails (the rows no longer match them);
    /// re-signed by the forger, or unsigned, the log verifies on its own, and only the pinned
    /// signer or the checkpoint tells.
    func assertCaughtBySignatureOrCheckpoint(_ log: Log, _ rows: [ReceiptRow], _ checkpoint: ReceiptCheckpoint, _ needle: String,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        try Forger.rewrite(log.store, rows)
        assertRejected(try verify(log.store), "signature missing or invalid", file: file, line: line)
        try Forger.rewrite(log.store, rows, signer: forgerKey, keepSignatures: false)
        XCTAssertTrue(try verify(log.store).ok, file: file, line: line)
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "not by the expected signer", file: file, line: line)
        try Forger.rewrite(log.store, rows, signer: nil, keepSignatures: false)
        XCTAssertTrue(try verify(log.store).ok, file: file, line: line)
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "is not signed", file: file, line: line)
        assertRejected(try verify(log.store, checkpoint: checkpoint), needle, file: file, line: line)
    }

    func testRunsReordered() throws {
        let log = try writeLog(signed: true)
        let checkpoint = try ReceiptCheckpoint.make(store: log.store, signer: signer)
        let rows = try log.store.rows()
        let reordered = rows.filter { $0.runID == log.runs[1] } + rows.filter { $0.runID != log.runs[1] }
        try assertCaughtBySignatureOrCheckpoint(log, reordered, checkpoint, "rewritten or deleted")
    }

    func testTimestampsChanged() throws {
        let log = try writeLog(signed: true)
        let checkpoint = try ReceiptCheckpoint.make(store: log.store, signer: signer)
        var rows = try log.store.rows()
        for i in rows.indices {
            rows[i].body = try Forger.set(rows[i].body, ["time"], .string("2020-01-01T00:00:00Z"))
            if rows[i].kind == RunStart.kind || rows[i].kind == "summary" {
                rows[i].body = try Forger.set(rows[i].body, ["payload", "started_at"], .string("2020-01-01T00:00:00Z"))
            }
        }
        try assertCaughtBySignatureOrCheckpoint(log, rows, checkpoint, "rewritten or deleted")
    }

    func testSignaturesStripped() throws {
        let log = try writeLog(signed: true)
        let n = try log.store.rows().count
        XCTAssertEqual(try verify(log.store, signer: signer.publicKeyHex).signers, [signer.publicKeyHex: n])
        try Forger.rewrite(log.store, try log.store.rows(), signer: nil, keepSignatures: false)
        let open = try verify(log.store)
        XCTAssertTrue(open.ok)
        XCTAssertEqual(open.signers, [:])
        XCTAssertEqual(open.unsignedReceipts, n)
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "receipt #1 is not signed")
    }

    func testResignedWithAnotherKey() throws {
        let log = try writeLog(signed: true)
        try Forger.rewrite(log.store, try log.store.rows(), signer: forgerKey, keepSignatures: false)
        let open = try verify(log.store)
        XCTAssertTrue(open.ok)
        XCTAssertEqual(Array(open.signers.keys), [forgerKey.publicKeyHex])
        assertRejected(try verify(log.store, signer: signer.publicKeyHex), "receipt #1 is signed by \(forgerKey.publicKeyHex)")
    }

    // MARK: Checkpoints

    func testCheckpointCatchesDeletedNewestRuns() throws {
        let log = try writeLog()
        let checkpoint = try ReceiptCheckpoint.make(store: log.store, signer: signer)
        let url = fx.folder.appendingPathComponent("head.checkpoint")
        try checkpoint.write(to: url)
        let read = try ReceiptCheckpoint.read(url)
        XCTAssertEqual(read, checkpoint)
        XCTAssertTrue(try verify(log.store, checkpoint: read).ok)
        XCTAssertEqual(try verify(log.store, checkpoint: read).checkpointSeq, Int64(try log.store.rows().count))
        // A later run does not disturb it.
        _ = try Supervisor(bundle: bundle("flag.bundle", action: .flag), model: fx.model, options: SupervisorOptions(receipts: log.store))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 1), session: fx.session())
        XCTAssertTrue(try verify(log.store, checkpoint: read).ok)
        // Deleting the last run it covers (with the run after it) is caught; the chain alone is fine.
        let rows = try log.store.rows()
        try Forger.tamper(log.store, "DELETE FROM receipts WHERE run_id = '\(log.runs[2])' OR seq > \(checkpoint.seq)")
        XCTAssertNil(Verifier.checkChain(try log.store.rows()))
        assertRejected(try verify(log.store, checkpoint: read), "receipts were deleted")
        XCTAssertLessThan(try log.store.rows().count, rows.count)
        // A checkpoint by another key, or edited, is refused.
        XCTAssertTrue(read.check(rows: rows, signer: forgerKey.publicKeyHex)?.contains("checkpoint is signed by") ?? false)
        var edited = read
        edited.seq = 1
        assertRejected(try verify(log.store, checkpoint: edited), "signature is invalid")
    }

    // MARK: Bundles

    /// A threshold raised in bundle.json changes the bundle's SHA-256: the run it allowed replays
    /// honestly, and `--bundle-sha256` shows it was not the expected bundle.
    func testEditedBundleManifestIsNotTheExpectedBundle() throws {
        let store = try ReceiptStore(path: dbPath)
        let good = try bundle("halt.bundle", action: .halt)
        let editedFolder = fx.folder.appendingPathComponent("edited.bundle")
        try FileManager.default.copyItem(at: good.url!, to: editedFolder)
        let manifestURL = editedFolder.appendingPathComponent("bundle.json")
        let text = try String(contentsOf: manifestURL, encoding: .utf8)
        XCTAssertTrue(text.contains("\"threshold\" : 0\n"), text)
        try Data(text.replacingOccurrences(of: "\"threshold\" : 0\n", with: "\"threshold\" : 0.9999999\n").utf8).write(to: manifestURL)
        let edited = try SupervisorBundle.load(editedFolder)
        XCTAssertNotEqual(edited.sha256, good.sha256, "the bundle hash covers bundle.json")
        XCTAssertEqual(edited.weightsBytes, good.weightsBytes)

        let honest = try Supervisor(bundle: good, model: fx.model, options: SupervisorOptions(receipts: store))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session())
        XCTAssertTrue(honest.report.halted)
        let allowed = try Supervisor(bundle: edited, model: fx.model, options: SupervisorOptions(receipts: store))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session())
        XCTAssertFalse(allowed.report.halted)
        XCTAssertTrue(try Verifier.verify(store: store).ok)
        let pinned = try Verifier.verify(store: store, options: VerificationOptions(bundleSHA256: good.sha256))
        assertRejected(pinned, "run \(allowed.report.runID) used bundle test with SHA-256 \(edited.sha256)")
        XCTAssertEqual(pinned.runs.map(\.bundleSHA256), [good.sha256, edited.sha256])
    }
}
