import XCTest
import Detectors
import Foundation
import Models
import TestSupport
@testable import Supervisor

/// Receipts written ahead of what they record, concurrent writers, and runs that fail closed on
/// a NaN score.
final class ReceiptWriteAheadTests: ReceiptTestCase {

    func testStartReceiptIsStoredBeforeTheFirstTokenLeaves() throws {
        let store = try ReceiptStore(path: dbPath)
        let s = try Supervisor(bundle: writeBundle("flag.bundle", threshold: 0, action: .flag), model: fx.model,
                               options: SupervisorOptions(receipts: store))
        var kindsAtFirstText: [String]?
        let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session(),
                                 onText: { _ in if kindsAtFirstText == nil { kindsAtFirstText = try? store.rows().map(\.kind) } })
        XCTAssertEqual(kindsAtFirstText, ["start"], "the start receipt is on disk when the first text leaves")
        XCTAssertEqual(out.report.startSeq, 1)
        XCTAssertEqual(try store.rows().map(\.kind), ["start", "flag", "flag", "flag", "summary"])
    }

    /// A run killed after its halt: the halt is on record already, and verify reports the run
    /// as unfinished, not as tampering.
    func testHaltIsStoredWhenItHappensAndAnUnfinishedRunIsReported() throws {
        let store = try ReceiptStore(path: dbPath)
        let flag = try Supervisor(bundle: writeBundle("flag.bundle", threshold: 0, action: .flag), model: fx.model,
                                  options: SupervisorOptions(receipts: store))
        _ = try flag.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 2), session: fx.session())
        for mode in [SupervisionMode.sync, .async(lag: 0)] {
            let halt = try Supervisor(bundle: writeBundle("halt.bundle", threshold: 0, action: .halt), model: fx.model,
                                      options: SupervisorOptions(mode: mode, receipts: store))
            let session = fx.session()
            let run = halt.attach(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 4), session: session)
            let result = try fx.model.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 4), session: session,
                                               sink: run, gate: run)
            XCTAssertEqual(result.finishReason, .halted)
            // The process "dies" here: finish is never called.
            let mine = try store.rows(runID: run.runID)
            XCTAssertEqual(mine.map(\.kind), ["start", "halt"], "\(mode)")
        }
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.map(\.unfinished), [false, true, true])
        XCTAssertTrue(report.runs.allSatisfy(\.replayed), "an unfinished run's halt is replayed too")
        XCTAssertTrue(report.runs[1].notes.first?.contains("never finished") ?? false, "\(report.runs[1].notes)")

        // A forged halt in an unfinished run (its score changed, the chain re-hashed) is caught.
        var rows = try store.rows()
        let i = rows.lastIndex { $0.kind == "halt" }!
        rows[i].body = try Forger.rewrite(rows[i].body, EventReceipt.self) { $0.verdict.tokenScore = ExactFloat(0.25) }
        try Forger.rewrite(store, rows)
        let forged = try Verifier.verify(store: store)
        XCTAssertFalse(forged.ok)
        XCTAssertTrue(forged.firstMismatch?.contains("token score recorded") ?? false, forged.firstMismatch ?? "")
    }

    /// If the start receipt cannot be stored, nothing is generated.
    func testNoStartReceiptNoTokens() throws {
        _ = try ReceiptStore(path: dbPath)
        let readOnly = try ReceiptStore(readOnly: dbPath)
        let s = try Supervisor(bundle: writeBundle("flag.bundle", threshold: 0, action: .flag), model: fx.model,
                               options: SupervisorOptions(mode: .async(lag: 1), receipts: readOnly))
        var released = ""
        XCTAssertThrowsError(try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session(),
                                            onText: { released += $0 })) { error in
            XCTAssertTrue("\(error)".contains("start receipt"), "\(error)")
        }
        XCTAssertEqual(released, "")
        // Driving generation directly: the gate refuses at the prompt (fail closed).
        let session = fx.session()
        let run = s.attach(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: session)
        let result = try fx.model.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: session,
                                           sink: run, gate: run)
        XCTAssertEqual(result.finishReason, .halted)
        XCTAssertEqual(result.tokens, [])
        XCTAssertTrue(result.gateError?.contains("start receipt") ?? false, result.gateError ?? "")
        XCTAssertThrowsError(try run.finish(result))
    }

    /// Several threads, each with its own session: some with their own connection to the file
    /// (as separate processes would have), some sharing one supervisor and its store (as a
    /// server's request threads do): one chain, every run.
    func testConcurrentWritersFormOneChain() throws {
        let shared = try ReceiptStore(path: dbPath)
        let bundle = try writeBundle("flag.bundle", threshold: 0, action: .flag)
        let haltBundle = try writeBundle("halt.bundle", threshold: 0, action: .halt)
        // A log that already holds a run.
        _ = try Supervisor(bundle: bundle, model: fx.model, options: SupervisorOptions(receipts: shared))
            .generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 2), session: fx.session())
        // One supervisor shared by several threads (as a server shares one), and others of their own.
        let sharedSupervisor = try Supervisor(bundle: bundle, model: fx.model,
                                              options: SupervisorOptions(mode: .async(lag: 1), receipts: shared))
        let n = 6
        let lock = NSLock()
        var runIDs: [String] = []
        var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: n) { i in
            do {
                let s = i % 2 == 1 ? sharedSupervisor
                    : try Supervisor(bundle: i % 4 == 0 ? haltBundle : bundle, model: fx.model,
                                     options: SupervisorOptions(receipts: try ReceiptStore(path: dbPath)))
                let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 3), session: fx.session())
                lock.lock()
                runIDs.append(out.report.runID)
                lock.unlock()
            } catch {
                lock.lock()
                errors.append("\(error)")
                lock.unlock()
            }
        }
        XCTAssertEqual(errors, [])
        let rows = try shared.rows()
        XCTAssertEqual(rows.map(\.seq), (1...Int64(rows.count)).map { $0 })
        XCTAssertEqual(Set(rows.filter { $0.kind == "summary" }.map(\.runID)).count, n + 1)
        XCTAssertTrue(Set(runIDs).isSubset(of: Set(rows.map(\.runID))))
        let report = try Verifier.verify(store: try ReceiptStore(readOnly: dbPath))
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, n + 1)
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))
    }

    /// A probe whose weights hold a NaN scores NaN: S fails closed, and replay reproduces it.
    func testNaNFailClosedVerifies() throws {
        let d = fx.model.config.dModel
        var w = fx.weights(d, seed: 4)
        w[3] = .nan
        var b = BundleBuilder(name: "nan", model: ModelBinding(sha256: fx.sha))
        try b.add(LinearProbe(id: "nan", tap: .residPost(1), weight: w, bias: 0))
        b.rules = [RuleSpec(id: "r", detectors: ["nan"], threshold: 0.5, action: .flag, scope: .generation)]
        let folder = fx.folder.appendingPathComponent("nan.bundle")
        try b.build().write(to: folder)
        let store = try ReceiptStore(path: dbPath)
        for mode in [SupervisionMode.sync, .async(lag: 2)] {
            let s = try Supervisor(bundle: SupervisorBundle.load(folder), model: fx.model,
                                   options: SupervisorOptions(mode: mode, receipts: store))
            let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 4), session: fx.session())
            XCTAssertTrue(out.report.halted)
            XCTAssertEqual(out.report.haltVerdict?.cause, .nonFiniteScore)
        }
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertEqual(report.runs.count, 2)
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))
    }

    /// Async runs halt up to `lag` tokens after S's verdict; replay accepts exactly that much.
    func testAsyncHaltWithinTheLagVerifies() throws {
        let store = try ReceiptStore(path: dbPath)
        for lag in [1, 3] {
            let s = try Supervisor(bundle: writeBundle("halt\(lag).bundle", threshold: 0, action: .halt), model: fx.model,
                                   options: SupervisorOptions(mode: .async(lag: lag), receipts: store))
            let out = try s.generate(promptTokens: fx.prompt, options: GenerationOptions(maxTokens: 8), session: fx.session())
            XCTAssertTrue(out.report.halted)
            XCTAssertLessThanOrEqual(out.result.tokens.count, lag)
        }
        let report = try Verifier.verify(store: store)
        XCTAssertTrue(report.ok, report.firstMismatch ?? "")
        XCTAssertTrue(report.runs.allSatisfy(\.replayed))
    }
}
