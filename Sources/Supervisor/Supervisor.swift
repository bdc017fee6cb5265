// Attaching S to a model: checks that the bundle fits the model, then hands out one
// `SupervisedRun` (tap sink + token gate) per generation.

import Crypto
import Detectors
import Foundation
import Models
import Steering
import Taps

/// Settings for S.
public struct SupervisorOptions: @unchecked Sendable {
    // @unchecked: it carries the steering plan (a class with per-sequence state) and the receipt
    // log by reference; one run's options are handed to the one thread that runs it.
    public var mode: SupervisionMode = .sync
    /// Per-token deadline. Sync: S's time for a token may not exceed it. Async: the gate waits at
    /// most this long for S to come within `lag` tokens. Missing it halts (fail closed).
    public var deadlineMilliseconds: Double = 1000
    /// Dimensions listed in each receipt.
    public var topContributions = 8
    /// Where receipts go; nil keeps verdicts in memory only.
    public var receipts: (any ReceiptLog)?
    public var signer: ReceiptSigner?
    /// The only editor a supervised session may run with: its spec goes into every run's
    /// summary receipt, and replay rebuilds it. Nil: the session must have no editor at all
    /// (plain supervision only reads). A run whose session editor is anything else is refused.
    public var steering: SteeringPlan?

    public init(mode: SupervisionMode = .sync, deadlineMilliseconds: Double = 1000, topContributions: Int = 8,
                receipts: (any ReceiptLog)? = nil, signer: ReceiptSigner? = nil, steering: SteeringPlan? = nil) {
        self.mode = mode
        self.deadlineMilliseconds = deadlineMilliseconds
        self.topContributions = topContributions
        self.receipts = receipts
        self.signer = signer
        self.steering = steering
    }
}

/// The read-only supervisor of one model.
///
/// ```swift
/// let s = try Supervisor(bundle: SupervisorBundle.load(url), model: lm, options: SupervisorOptions(receipts: store))
/// let out = try s.generate(promptTokens: ids, options: GenerationOptions(maxTokens: 64), session: session)
/// print(out.report.halted, out.report.verdicts.count)
///
/// // or, to drive generation yourself (a benchmark, say):
/// let run = s.attach(promptTokens: ids, options: opts, session: session)
/// let result = try lm.generate(promptTokens: ids, options: opts, session: session, sink: run, gate: run)
/// let report = try run.finish(result)
/// ```
public final class Supervisor: @unchecked Sendable {
    // @unchecked: every stored property is a constant set in init (the model's weights are
    // read-only); each `attach` builds a fresh run with its own mutable state.
    public let policy: Policy
    public let model: LanguageModel
    public let modelSHA256: String
    public let options: SupervisorOptions

    /// Refuses a policy trained for another model (by SHA-256) or reading taps the model lacks.
    /// `modelSHA256` defaults to the hash of the model's file (computed once per process).
    public init(policy: Policy, model: LanguageModel, modelSHA256: String? = nil, options: SupervisorOptions = SupervisorOptions()) throws {
        let sha = try modelSHA256 ?? ModelFingerprint.sha256(of: model.url)
        guard policy.modelSHA256.lowercased() == sha.lowercased() else {
            throw SupervisorError.bundle(BundleError.modelMismatch(bundle: policy.modelSHA256, model: sha).description)
        }
        let c = model.config
        try policy.checkTaps(layers: c.layers, dModel: c.dModel, dFF: c.dFF)
        guard options.deadlineMilliseconds > 0, options.deadlineMilliseconds.isFinite else {
            throw SupervisorError.bundle("the deadline must be a positive number of milliseconds")
        }
        guard options.mode.lag >= 0, options.mode.lag <= 4096 else { throw SupervisorError.bundle("async lag must be in 0...4096") }
        self.policy = policy
        self.model = model
        self.modelSHA256 = sha
        self.options = options
    }

    public convenience init(bundle: SupervisorBundle, model: LanguageModel, modelSHA256: String? = nil,
                            options: SupervisorOptions = SupervisorOptions()) throws {
        try self.init(policy: Policy(bundle: bundle), model: model, modelSHA256: modelSHA256, options: options)
    }

    /// A sink and gate for one generation from `promptTokens` in `session`.
    public func attach(promptTokens: [Int], options generation: GenerationOptions, session: InferenceSession) -> SupervisedRun {
        SupervisedRun(supervisor: self, prompt: promptTokens, generation: generation, session: session)
    }

    /// Throws unless `session`'s editor is exactly the recorded steering plan (none without one).
    public func checkEditor(of session: InferenceSession) throws {
        guard (session.editor as AnyObject?) !== (options.steering as AnyObject?) else { return }
        throw SupervisorError.unrecordedEdit(options.steering == nil
            ? "the session has an editor, and plain supervision only reads: pass the plan as SupervisorOptions.steering to record it"
            : "the session's editor is not the steering plan recorded in SupervisorOptions.steering")
    }

    /// Generates under supervision and finishes the run (writing receipts when configured).
    /// `observer` may cancel between tokens; a cancelled run still gets its receipts.
    public func generate(promptTokens: [Int], options generation: GenerationOptions, session: InferenceSession,
                         observer: GenerationObserver? = nil,
                         onText: (String) -> Void = { _ in }) throws -> SupervisedGeneration {
        try checkEditor(of: session)
        let run = attach(promptTokens: promptTokens, options: generation, session: session)
        // The start receipt goes in before any computation; if it cannot, nothing is generated.
        do { try run.begin() } catch {
            _ = try? run.finish(nil)  // stops S's thread
            throw error
        }
        let result: GenerationResult
        do {
            result = try model.generate(promptTokens: promptTokens, options: generation, session: session,
                                        sink: run, gate: run, observer: observer, onText: onText)
        } catch {
            _ = try? run.finish(nil)
            throw error
        }
        return SupervisedGeneration(result: result, report: try run.finish(result))
    }
}

public struct SupervisedGeneration: Sendable {
    public var result: GenerationResult
    public var report: SupervisionReport
}
