import ArgumentParser
import Foundation
import Supervisor

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a receipt log's hash chain, then replay its runs and recompute every score.",
        discussion: """
        Exit status 0 when the chain is intact and every replayed score and verdict matches; 1 at \
        the first mismatch, which is printed. The head hash printed at the end detects truncation \
        if you keep it elsewhere.
        """)

    @Argument(help: "The receipts database.") var database: String
    @Option(name: .customLong("run"), help: "Verify one run only.") var runID: String?
    @Option(name: [.customShort("m"), .long], help: "Model file to use instead of the recorded path (its SHA-256 must match).")
    var model: String?
    @Option(help: "Bundle folder to use instead of the recorded path (its SHA-256 must match).") var bundle: String?
    @Flag(name: .customLong("chain-only"), help: "Check the chain without replaying.") var chainOnly = false
    @Option(help: "Threads for replay (results are identical for any count).") var threads: Int?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else { throw ValidationError("no such file: \(database)") }
        let store = try ReceiptStore(path: database)
        let report = try Verifier.verify(store: store, runID: runID, model: model, bundle: bundle, replay: !chainOnly,
                                         threads: threads, registry: bundleRegistry)
        if json {
            try printJSON(report)
        } else {
            for r in report.runs {
                print("run \(r.runID): \(r.replayed ? "replayed, \(r.scores) scores and \(r.verdicts) verdicts match" : "chain only")")
                for n in r.notes { print("  note: \(n)") }
            }
            if let m = report.firstMismatch { print("MISMATCH: \(m)") }
            print("\(report.receipts) receipts, head \(report.head): \(report.ok ? "OK" : "FAILED")")
        }
        if !report.ok { throw ExitCode(1) }
    }
}
