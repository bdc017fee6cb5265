// Options that attach the supervisor to a command (generate; bench will reuse them).

import ArgumentParser
import Detectors
import Foundation
import Gradients
import Models
import Steering
import Supervisor
import Training

struct SupervisionOptions: ParsableArguments {
    @Option(help: "Supervisor bundle folder (bundle.json + weights.safetensors), or a built-in bundle's name (harm). `serve` takes several.")
    var supervisor: [String] = []
    @Option(help: "sync: a token is released only after S judged it; async: S runs on its own thread.")
    var mode: String = "sync"
    @Option(help: "Async mode: tokens S may fall behind before generation waits (the halt lands within this many tokens).")
    var lag: Int = 2
    @Option(help: "Receipt log: a SQLite file (created if missing) or postgres://USER@HOST:PORT/DATABASE (docs/fleet.md).")
    var receipts: String?
    @Option(name: .customLong("deadline-ms"), help: "Per-token deadline for S in milliseconds; missing it halts generation.")
    var deadlineMs: Double = 1000
    @Option(name: .customLong("sign-key"), help: "Ed25519 private key file (32 bytes, raw or hex) to sign receipts.")
    var signKey: String?
    @Option(name: .customLong("expect-sha256"),
            help: "Refuse the bundle unless its SHA-256 (over bundle.json and the weights) is this one.")
    var expectSHA256: String?
    @Option(name: .customLong("bundle-signer"),
            help: "Refuse the bundle unless its folder holds a valid signature (`overseer bundles sign`) by this Ed25519 public key (64 hex digits, or a file holding them).")
    var bundleSigner: String?

    /// `allowSeveral`: whether the command can use more than one bundle (`serve` can).
    func check(allowSeveral: Bool = false) throws {
        guard allowSeveral || supervisor.count <= 1 else { throw ValidationError("give --supervisor once") }
        guard mode == "sync" || mode == "async" else { throw ValidationError("--mode must be sync or async") }
        guard lag >= 0 && lag <= 4096 else { throw ValidationError("--lag must be between 0 and 4096") }
        guard deadlineMs > 0 && deadlineMs.isFinite else { throw ValidationError("--deadline-ms must be > 0") }
        if supervisor.isEmpty && (receipts != nil || signKey != nil || expectSHA256 != nil || bundleSigner != nil) {
            throw ValidationError("--receipts, --sign-key, --expect-sha256 and --bundle-signer need --supervisor")
        }
        if let h = expectSHA256, h.count != 64 || !h.allSatisfy(\.isHexDigit) {
            throw ValidationError("--expect-sha256 must be 64 hex digits")
        }
    }

    var supervisionMode: SupervisionMode { mode == "async" ? .async(lag: lag) : .sync }

    /// The receipt store (--receipts) and signer (--sign-key), when given.
    func receiptStore() throws -> ((any ReceiptLog)?, ReceiptSigner?) {
        (try receipts.map { try ReceiptLogs.forAppending($0) }, try signKey.map { try ReceiptSigner(keyFile: URL(fileURLWithPath: $0)) })
    }

    /// Every --supervisor bundle, loaded; with --expect-sha256, each must have that SHA-256; with
    /// --bundle-signer, each folder must hold that key's valid signature of the bundle as loaded.
    func loadBundles() throws -> [SupervisorBundle] {
        let signer = try bundleSigner.map { try ReceiptSigner.publicKey(hexOrFile: $0) }
        return try supervisor.map { name in
            let bundle = try Self.loadBundle(name, threads: ThreadsOption.defaultThreads)
            if let expected = expectSHA256?.lowercased(), bundle.sha256 != expected {
                throw ValidationError("bundle \(name) has SHA-256 \(bundle.sha256), not the expected \(expected) (--expect-sha256): it was changed or is another bundle")
            }
            if let signer {
                let folder = FileManager.default.fileExists(atPath: name) ? URL(fileURLWithPath: name) : BuiltinBundle.named(name)?.folder
                guard let folder else { throw ValidationError("bundle \(name) has no folder to hold a signature") }
                do { try BundleSignature.check(bundle, folder: folder, signer: signer) } catch {
                    throw ValidationError("bundle \(name) refused (--bundle-signer): \(error)")
                }
            }
            return bundle
        }
    }

    /// The supervisor for `model`, or nil without --supervisor.
    /// `steering` is the plan the session runs with: recorded in every receipt, replayed by verify.
    func makeSupervisor(model: LanguageModel, steering: SteeringPlan? = nil) throws -> Supervisor? {
        guard let bundle = try loadBundles().first else { return nil }
        let (store, signer) = try receiptStore()
        let options = SupervisorOptions(mode: supervisionMode, deadlineMilliseconds: deadlineMs, receipts: store, signer: signer,
                                        steering: steering)
        if let adapter = model.formatSummary[LanguageModel.loraSummaryKey] {
            log("warning: the bundle was trained on the base model; this run merges the LoRA adapter \(adapter), which changes "
                + "the activations its detectors read, so their scores and thresholds may no longer hold. Retrain the bundle "
                + "on the adapted model (collect and train with --lora) before relying on its verdicts.")
        }
        if let base = model.mergedBaseModelSHA256, base.lowercased() == bundle.manifest.model.sha256.lowercased() {
            throw ValidationError("refused: this model file is the bundle's base model (\(base.prefix(12))…) with a LoRA adapter "
                                  + "merged into its weights, so its hash differs and the bundle's detectors were calibrated on "
                                  + "other activations. Run the base model with --lora DIR (the supervisor then warns), or retrain "
                                  + "the bundle on the merged model.")
        }
        return try Supervisor(bundle: bundle, model: model, options: options)
    }

    /// The folder of the --supervisor bundle (a built-in bundle's cache folder), or nil.
    func bundleFolder() throws -> String? {
        guard let supervisor = supervisor.first else { return nil }
        if FileManager.default.fileExists(atPath: supervisor) { return supervisor }
        return BuiltinBundle.named(supervisor)?.folder.path
    }

    /// A bundle folder, or the name of a built-in bundle (trained and cached on first use).
    static func loadBundle(_ nameOrPath: String, threads: Int) throws -> SupervisorBundle {
        if FileManager.default.fileExists(atPath: nameOrPath) { return try loadBundleFolder(nameOrPath) }
        guard let builtin = BuiltinBundle.named(nameOrPath) else {
            throw ValidationError("no bundle folder '\(nameOrPath)' and no built-in bundle of that name (built-in: "
                                  + BuiltinBundle.all.map(\.name).joined(separator: ", ") + ")")
        }
        if !builtin.isCached {
            log("building the built-in bundle '\(builtin.name)' from \(builtin.data) (once; cached in \(builtin.folder.path))")
        }
        return try builtin.load(threads: threads) { log("  \($0)") }
    }

    /// One line per verdict on standard error.
    static func logReport(_ r: SupervisionReport) {
        for v in r.verdicts {
            var line = "[S] \(v.kind.rawValue) at position \(v.position)"
            if let t = v.tokenText { line += " token \(String(reflecting: t))" }
            if let rule = v.rule, let d = v.detector, let s = v.score, let th = v.threshold {
                line += ": rule \(rule), detector \(d) on \(v.tap ?? "?"), score \(s.value) ≥ \(th.value)"
            }
            if let reason = v.reason { line += ": \(reason)" }
            log(line)
        }
        log("[S] run \(r.runID): \(r.halted ? "halted" : "not halted"), \(r.verdicts.count) verdicts"
            + (r.summarySeq.map { ", summary receipt #\($0)" } ?? ""))
    }
}
