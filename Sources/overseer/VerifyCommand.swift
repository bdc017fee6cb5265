import ArgumentParser
import Foundation
import Supervisor

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a receipt log's hash chain, then replay its runs and recompute every score.",
        discussion: """
        The log is opened read-only and nothing in it is trusted: recorded paths must be regular \
        files, recorded engine settings are checked but never used for resources. Exit status 0 \
        when the chain is intact and every replayed run matches; 1 at the first mismatch, which is \
        printed. A run that started but never finished (no summary) is reported, not failed. \
        The head hash printed at the end detects truncation if you keep it elsewhere, or sign it \
        with `overseer checkpoint` and pass the file with --checkpoint.
        """)

    @Argument(help: "The receipt log: a SQLite file or postgres://USER@HOST:PORT/DATABASE.") var database: String
    @Option(name: .customLong("run"), help: "Verify one run only.") var runID: String?
    @Option(name: [.customShort("m"), .long], help: "Model file to use instead of the recorded path (its SHA-256 must match).")
    var model: String?
    @Option(help: "Bundle folder to use instead of the recorded path (its SHA-256 must match).") var bundle: String?
    @Flag(name: .customLong("chain-only"), help: "Check the chain without replaying.") var chainOnly = false
    @Option(help: "Threads for replay (results are identical for any count).") var threads: Int = ThreadsOption.defaultThreads
    @Option(help: "Every receipt must be signed by this Ed25519 public key (64 hex digits, or a file holding it).")
    var signer: String?
    @Option(help: "A checkpoint file written by `overseer checkpoint`: the log must still hold the head it signed.")
    var checkpoint: String?
    @Option(name: .customLong("bundle-sha256"), help: "Every run must have used the bundle with this SHA-256.")
    var bundleSHA256: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        if let h = bundleSHA256, h.count != 64 || !h.allSatisfy(\.isHexDigit) {
            throw ValidationError("--bundle-sha256 must be 64 hex digits")
        }
    }

    func run() throws {
        let store = try ReceiptLogs.forReading(database)
        let options = VerificationOptions(runID: runID, model: model, bundle: bundle, replay: !chainOnly, threads: threads,
                                          signer: try signer.map { try ReceiptSigner.publicKey(hexOrFile: $0) },
                                          bundleSHA256: bundleSHA256,
                                          checkpoint: try checkpoint.map { try ReceiptCheckpoint.read(URL(fileURLWithPath: $0)) })
        let report = try Verifier.verify(store: store, options: options, registry: bundleRegistry)
        if json {
            try printJSON(report)
        } else {
            for r in report.runs {
                let what = r.unfinished ? "unfinished" : r.replayed ? "replayed, \(r.scores) scores and \(r.verdicts) verdicts match" : "chain only"
                print("run \(r.runID): \(what)")
                for n in r.notes { print("  note: \(n)") }
            }
            for (key, n) in report.signers.sorted(by: { $0.key < $1.key }) { print("signer \(key): \(n) receipts") }
            if report.unsignedReceipts > 0 { print("unsigned: \(report.unsignedReceipts) receipts") }
            if let c = report.checkpointSeq { print("checkpoint: receipts 1...\(c) are the ones it signed") }
            if let m = report.firstMismatch { print("MISMATCH: \(m)") }
            print("\(report.receipts) receipts, head \(report.head): \(report.ok ? "OK" : "FAILED")")
        }
        if !report.ok { throw ExitCode(1) }
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a receipt log's current head (seq, hash, time), so that later deletions are caught by verify --checkpoint.",
        discussion: "The chain is checked first; a broken log is not signed. Keep the file away from the log.")

    @Argument(help: "The receipt log: a SQLite file or postgres://USER@HOST:PORT/DATABASE.") var database: String
    @Option(name: .customLong("sign-key"), help: "Ed25519 private key file (32 bytes, raw or hex).") var signKey: String
    @Option(name: [.customShort("o"), .long], help: "Where to write the checkpoint (default: standard output).") var output: String?

    func run() throws {
        let store = try ReceiptLogs.forReading(database)
        let signer = try ReceiptSigner(keyFile: URL(fileURLWithPath: signKey))
        if let problem = Verifier.checkChain(try store.rows()) {
            throw ValidationError("the log's chain is broken, not signing it: \(problem)")
        }
        let c = try ReceiptCheckpoint.make(store: store, signer: signer)
        if let output {
            try c.write(to: URL(fileURLWithPath: output))
            log("checkpoint of receipt #\(c.seq) (head \(c.head)) written to \(output)")
        } else {
            try printJSON(c)
        }
    }
}
