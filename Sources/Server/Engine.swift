// The generation engine behind the HTTP API: `parallel` worker threads, each with its own
// InferenceSession (KV cache and scratch; sessions are not thread-safe), sharing the model's
// weights read-only; a bounded queue of waiting requests; one receipt store for the process.
//
// A worker takes the oldest waiting job, attaches S when the job asks for a bundle, generates
// with the job as the GenerationObserver (so a cancelled job stops within one token), and writes
// the run's receipts whatever the finish reason — halted, cancelled and failed runs included.
// Receipt appends from different workers go through one lock, so runs enter the hash chain one
// at a time.

import Detectors
import Foundation
import Models
import Steering
import Supervisor
import Tokenizers

/// A bundle the server loaded, by name.
public struct LoadedBundle: @unchecked Sendable {
    // @unchecked: a name and a `Policy`, whose detectors are read-only after loading.
    public var name: String
    public var policy: Policy
    public init(name: String, policy: Policy) {
        self.name = name
        self.policy = policy
    }
    public init(_ bundle: SupervisorBundle) {
        self.init(name: bundle.manifest.name, policy: Policy(bundle: bundle))
    }
}

/// How the engine runs generations.
public struct EngineConfiguration: @unchecked Sendable {
    // @unchecked: values, plus the receipt log and signer, which are safe to share (the log
    // serialises its appends; the signer is immutable).
    /// Concurrent generations (one session each).
    public var parallel = 1
    /// Requests that may wait for a free session; more are refused with 429.
    public var queue = 16
    /// Context window of each session.
    public var contextLength = 2048
    /// Threads of each session's forward pass (results are identical for any count).
    public var threads = 1
    /// Sync, or async with the largest lag a request may ask for.
    public var mode: SupervisionMode = .sync
    public var deadlineMilliseconds: Double = 1000
    public var receipts: (any ReceiptLog)?
    public var signer: ReceiptSigner?
    /// Continuous batching: one scheduler thread runs the decode steps of all active requests as
    /// one forward pass (`BatchedDecode`); each request's bits are those it gets alone. Only for
    /// models `BatchedDecode` supports; others run one thread per session.
    public var batching = false
    /// With batching, the most prompt tokens a new request runs between two decode steps of the
    /// running ones (chunked prefill): a long prompt delays the others' next token by one chunk's
    /// forward pass per step, not by the whole prompt. 0: every admitted prompt runs whole before
    /// the next step. The chunks change no bit.
    public var promptChunk = 32

    public init(parallel: Int = 1, queue: Int = 16, contextLength: Int = 2048, threads: Int = 1,
                mode: SupervisionMode = .sync, deadlineMilliseconds: Double = 1000,
                receipts: (any ReceiptLog)? = nil, signer: ReceiptSigner? = nil, promptChunk: Int = 32, batching: Bool = false) {
        self.batching = batching
        self.promptChunk = promptChunk
        self.parallel = parallel
        self.queue = queue
        self.contextLength = contextLength
        self.threads = threads
        self.mode = mode
        self.deadlineMilliseconds = deadlineMilliseconds
        self.receipts = receipts
        self.signer = signer
    }
}

/// Runs generations on worker threads.
public final class Engine: @unchecked Sendable {
    // @unchecked: the queue, running jobs and flags are guarded by `condition`; receipt appends
    // by `receiptLock`; sessions are owned by the worker (or batch) thread that created them.
    public let model: LanguageModel
    public let modelSHA256: String
    public let bundles: [LoadedBundle]
    /// The steering sources requests may name (the loaded bundles' folders included).
    public let steering: SteeringCatalog
    public let configuration: EngineConfiguration

    private let condition = NSCondition()
    private var waiting: [GenerationJob] = []
    private var running: [ObjectIdentifier: GenerationJob] = [:]
    private var accepting = true
    private var stopping = false
    private var liveWorkers = 0
    private let receiptLock = NSLock()
    private var largestBatchSeen = 0

    /// Checks every bundle against the model (hash and taps) and starts the workers.
    public init(model: LanguageModel, modelSHA256: String? = nil, bundles: [LoadedBundle],
                steering: SteeringCatalog = SteeringCatalog(), configuration: EngineConfiguration) throws {
        guard configuration.parallel >= 1, configuration.parallel <= 256 else { throw APIError(.internalServerError, "--parallel must be in 1...256") }
        guard configuration.queue >= 0 else { throw APIError(.internalServerError, "--queue must be ≥ 0") }
        let sha = try modelSHA256 ?? ModelFingerprint.sha256(of: model.url)
        var seen = Set<String>()
        for b in bundles {
            guard seen.insert(b.name).inserted else { throw SupervisorError.bundle("two bundles are named '\(b.name)'") }
            // Supervisor's initializer refuses a bundle for another model or with missing taps.
            _ = try Supervisor(policy: b.policy, model: model, modelSHA256: sha,
                               options: SupervisorOptions(mode: configuration.mode,
                                                          deadlineMilliseconds: configuration.deadlineMilliseconds))
        }
        var catalog = steering
        for b in bundles { if let path = b.policy.bundlePath { catalog.bundles[b.name] = path } }
        try catalog.validate(model: model.config)
        self.model = model
        self.modelSHA256 = sha
        self.bundles = bundles
        self.steering = catalog
        var config = configuration
        config.contextLength = min(max(1, configuration.contextLength), model.config.contextLength)
        if config.batching && !BatchedDecode.supports(model.transformer) { config.batching = false }
        self.configuration = config
        if config.batching {
            liveWorkers = 1
            let thread = Thread { [self] in batchLoop() }
            thread.name = "overseer-batcher"
            thread.stackSize = 8 << 20
            thread.start()
        } else {
            liveWorkers = config.parallel
            for i in 0..<config.parallel {
                let thread = Thread { [self] in workerLoop() }
                thread.name = "overseer-worker-\(i)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
    }

    // MARK: Queue

    /// Queues a job; 429 when the queue is full, 503 once shutdown began.
    func submit(_ job: GenerationJob) throws {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { throw APIError.shuttingDown }
        let idle = configuration.parallel - running.count
        guard waiting.count < configuration.queue + max(0, idle) else {
            throw APIError(.tooManyRequests, "all \(configuration.parallel) sessions are busy and the queue (\(configuration.queue)) is full",
                           code: "queue_full", retryAfter: 1)
        }
        waiting.append(job)
        condition.signal()
    }

    /// Requests waiting for a session.
    public var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting.count
    }

    /// Generations running now.
    public var activeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return running.count
    }

    /// The most sequences one batched decode step has carried so far (continuous batching).
    public var largestBatch: Int {
        condition.lock()
        defer { condition.unlock() }
        return largestBatchSeen
    }

    public var isAccepting: Bool {
        condition.lock()
        defer { condition.unlock() }
        return accepting
    }

    /// Refuses new requests from now on (503); queued and running ones go on.
    public func beginShutdown() {
        condition.lock()
        accepting = false
        condition.unlock()
    }

    /// Cancels every queued and running job: queued ones get 503, running ones stop within one
    /// token and write their receipts with finish reason `cancelled`.
    public func cancelAll() {
        condition.lock()
        let queued = waiting
        waiting.removeAll()
        let active = Array(running.values)
        condition.unlock()
        for job in queued {
            job.cancel(byServer: true)
            job.emit(.failed(.shuttingDown))
        }
        for job in active { job.cancel(byServer: true) }
    }

    /// Waits until no job is queued or running, at most `seconds`; returns whether it is idle.
    public func waitUntilIdle(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !(waiting.isEmpty && running.isEmpty) {
            if !condition.wait(until: deadline) { return waiting.isEmpty && running.isEmpty }
        }
        return true
    }

    /// Stops accepting, lets running jobs finish for up to `grace` seconds, cancels the rest,
    /// and ends the worker threads once their last receipts are written.
    public func shutdown(grace: Double) {
        beginShutdown()
        if !waitUntilIdle(seconds: grace) {
            cancelAll()
            _ = waitUntilIdle(seconds: 60)
        }
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: 10)
        while liveWorkers > 0 { if !condition.wait(until: deadline) { break } }
        condition.unlock()
    }

    // MARK: Workers

    private func workerLoop() {
        let session = InferenceSession(model: model.transformer, contextLength: configuration.contextLength,
                                       threads: configuration.threads)
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            if waiting.isEmpty {
                liveWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = waiting.removeFirst()
            running[ObjectIdentifier(job)] = job
            condition.unlock()

            run(job, session: session)

            condition.lock()
            running[ObjectIdentifier(job)] = nil
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Continuous batching: up to `parallel` jobs at once, each in its own session; every
    /// iteration admits waiting jobs into free sessions, runs one chunk of at most `promptChunk`
    /// tokens of the oldest admitted prompt (chunked prefill: the running jobs wait one chunk, not
    /// a whole prompt; with `promptChunk` 0 every admitted prompt runs whole), draws one token for
    /// every active job, and runs all those tokens in one `BatchedDecode.step`. A job joins the
    /// decode steps once its whole prompt has run.
    private func batchLoop() {
        var free = (0..<configuration.parallel).map { _ in
            InferenceSession(model: model.transformer, contextLength: configuration.contextLength,
                             maxBatch: max(64, configuration.parallel), threads: configuration.threads)
        }
        var active: [ActiveRun] = []
        var prefilling: [ActiveRun] = []
        let chunk = configuration.promptChunk > 0 ? configuration.promptChunk : Int.max
        func release(_ job: GenerationJob, _ session: InferenceSession) {
            free.append(session)
            condition.lock()
            running[ObjectIdentifier(job)] = nil
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while waiting.isEmpty && active.isEmpty && prefilling.isEmpty && !stopping { condition.wait() }
            if waiting.isEmpty && active.isEmpty && prefilling.isEmpty {
                liveWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            var starting: [(GenerationJob, InferenceSession)] = []
            while !free.isEmpty && !waiting.isEmpty {
                let job = waiting.removeFirst()
                running[ObjectIdentifier(job)] = job
                starting.append((job, free.removeLast()))
            }
            condition.unlock()
            for (job, session) in starting {
                if let a = begin(job, session: session) { prefilling.append(a) } else { release(job, session) }
            }
            for a in chunk == Int.max ? prefilling : Array(prefilling.prefix(1)) {
                do {
                    guard try a.stepper.runPrompt(maxTokens: chunk) else { continue }
                    active.append(a)
                } catch {
                    fail(a, error)
                    release(a.job, a.session)
                }
                prefilling.removeAll { $0 === a }
            }
            var stepping: [ActiveRun] = []
            var tokens: [Int] = []
            for a in active {
                if let token = a.stepper.nextToken() {
                    stepping.append(a)
                    tokens.append(token)
                } else {
                    complete(a)
                    release(a.job, a.session)
                }
            }
            active = stepping
            guard !stepping.isEmpty else { continue }
            condition.lock()
            largestBatchSeen = max(largestBatchSeen, stepping.count)
            condition.unlock()
            do {
                let views = try BatchedDecode.step(stepping.map(\.session), tokens: tokens, sinks: stepping.map(\.stepper.sink))
                for (a, logits) in zip(stepping, views) { a.stepper.accept(logits) }
            } catch {
                for a in stepping {
                    fail(a, error)
                    release(a.job, a.session)
                }
                active = []
            }
        }
    }

    /// A job being generated: its session, S's run, and the generation loop.
    final class ActiveRun {
        let job: GenerationJob
        let runID: String
        let session: InferenceSession
        let supervised: SupervisedRun?
        let stepper: GenerationStepper
        let cursor: ProgressCursor
        init(job: GenerationJob, runID: String, session: InferenceSession, supervised: SupervisedRun?, stepper: GenerationStepper,
             cursor: ProgressCursor) {
            self.job = job
            self.runID = runID
            self.session = session
            self.supervised = supervised
            self.stepper = stepper
            self.cursor = cursor
        }
    }

    /// How far a job's stream has reported S's scores and verdicts.
    final class ProgressCursor {
        var position = 0
        var verdict = 0
    }

    /// Runs one job to its end alone in `session`; always emits `.finished` or `.failed`.
    private func run(_ job: GenerationJob, session: InferenceSession) {
        guard let a = begin(job, session: session) else { return }
        do {
            _ = try a.stepper.runPrompt()
            while let token = a.stepper.nextToken() {
                a.stepper.accept(try session.step(token, sink: a.stepper.sink))
            }
        } catch {
            fail(a, error)
            return
        }
        complete(a)
    }

    /// Attaches S and emits `.started`; nil (after emitting `.failed`) when the job was
    /// cancelled while queued or cannot start. The caller runs the prompt (`runPrompt`).
    func begin(_ job: GenerationJob, session: InferenceSession) -> ActiveRun? {
        let plan = job.plan
        if job.shouldCancel {
            job.emit(.failed(job.cancelledByServer ? .shuttingDown : APIError(.requestTimeout, "the client went away before generation started")))
            return nil
        }
        // The request's steering plan is the session's editor for this run (none: the session
        // may have been steered by the previous job), and the supervised run records it.
        let steering = plan.steering?.plan
        session.editor = steering
        var supervisedRun: SupervisedRun?
        if let choice = plan.supervision {
            let options = SupervisorOptions(mode: choice.mode, deadlineMilliseconds: configuration.deadlineMilliseconds,
                                            receipts: configuration.receipts, signer: configuration.signer, steering: steering)
            do {
                let s = try Supervisor(policy: choice.bundle.policy, model: model, modelSHA256: modelSHA256, options: options)
                supervisedRun = s.attach(promptTokens: plan.promptTokens, options: plan.options, session: session)
            } catch {
                job.emit(.failed(APIError(.internalServerError, "cannot attach the supervisor: \(error)")))
                return nil
            }
        }
        let runID = supervisedRun?.runID ?? UUID().uuidString.lowercased()
        job.emit(.started(runID: runID))
        let cursor = ProgressCursor()
        let run = supervisedRun
        do {
            let stepper = try GenerationStepper(model: model, promptTokens: plan.promptTokens, options: plan.options,
                                                session: session, sink: run, gate: run, observer: job) { text in
                var delta = JobDelta(text: text, logprobs: job.takeLogprobs())
                if let run {
                    let p = run.progress(fromPosition: cursor.position, fromVerdict: cursor.verdict)
                    cursor.verdict += p.verdicts.count
                    cursor.position = max(cursor.position, p.evaluatedThrough + 1)
                    delta.verdicts = p.verdicts.map(VerdictJSON.init)
                    delta.judged = Self.scoreRows(p)
                    if plan.streamScores { delta.scores = delta.judged }
                }
                if !delta.isEmpty { job.emit(.delta(delta)) }
            }
            return ActiveRun(job: job, runID: runID, session: session, supervised: run, stepper: stepper, cursor: cursor)
        } catch {
            if let run { finishReceipts(run, nil) }
            job.emit(.failed(Self.apiError(error)))
            return nil
        }
    }

    /// A forward pass threw: S's run is finished without a result (its receipts say `error`).
    func fail(_ a: ActiveRun, _ error: any Error) {
        if let run = a.supervised { finishReceipts(run, nil) }
        a.job.emit(.failed(Self.apiError(error)))
    }

    @discardableResult
    private func finishReceipts(_ run: SupervisedRun, _ result: GenerationResult?) -> Result<SupervisionReport, any Error> {
        receiptLock.lock()
        defer { receiptLock.unlock() }
        return Result { try run.finish(result) }
    }

    /// Writes the run's receipts and emits `.finished`.
    func complete(_ a: ActiveRun) {
        let plan = a.job.plan
        let result = a.stepper.result
        var overseer = OverseerJSON(runID: a.runID, finishReason: result.finishReason.rawValue)
        if let spec = plan.steering?.plan.spec {
            overseer.steering = spec
            overseer.steeringSHA256 = try? spec.sha256()
        }
        if let run = a.supervised, let choice = plan.supervision {
            let report: SupervisionReport
            switch finishReceipts(run, result) {
            case .success(let r): report = r
            case .failure(let error):
                a.job.emit(.failed(APIError(.internalServerError, "cannot write the run's receipts: \(error)", code: "receipts")))
                return
            }
            overseer.bundle = .init(name: choice.bundle.name, sha256: choice.bundle.policy.bundleSHA256)
            overseer.mode = choice.mode == .sync ? "sync" : "async"
            overseer.lag = choice.mode.lag
            overseer.halted = report.halted
            overseer.verdicts = report.verdicts.map(VerdictJSON.init)
            overseer.receipts = report.receiptSeqs
            overseer.summaryReceipt = report.summarySeq
            if plan.streamScores {
                let rest = Self.scoreRows(run.progress(fromPosition: a.cursor.position, fromVerdict: 0))
                overseer.scores = rest.isEmpty ? nil : rest
            }
        }
        a.job.emit(.finished(JobOutcome(promptTokens: plan.promptTokens.count, completionTokens: result.tokens.count,
                                        finishReason: Self.openAIFinishReason(result.finishReason), overseer: overseer)))
    }

    static func scoreRows(_ p: SupervisionProgress) -> [ScoreRowJSON] {
        p.ruleScores.map { row in
            var rules: [String: Float?] = [:]
            for (i, id) in p.rules.enumerated() { rules[id] = row.scores[i].isFinite ? row.scores[i] : nil }
            return ScoreRowJSON(position: row.position, rules: rules)
        }
    }

    /// OpenAI's names: `stop` for an end-of-turn token or a stop string, `length` for the token
    /// limit or a full context, `content_filter` when S halted.
    static func openAIFinishReason(_ r: FinishReason) -> String {
        switch r {
        case .eos, .stop: return "stop"
        case .length, .context: return "length"
        case .halted: return "content_filter"
        case .cancelled: return "cancelled"
        }
    }

    static func apiError(_ error: any Error) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? ModelError {
            switch e {
            case .contextExceeded: return APIError.badRequest("\(e)", param: "messages", code: "context_length_exceeded")
            case .invalidOption, .invalidToken, .emptyInput: return APIError.badRequest("\(e)")
            default: return APIError(.internalServerError, "\(e)")
            }
        }
        return APIError(.internalServerError, "\(error)")
    }
}
