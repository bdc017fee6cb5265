// One supervised generation: the tap sink A writes to, the gate A asks, and its receipts.
//
// Receipts are written ahead of what they record: the run's start receipt before the first token
// can leave (`begin`, called by `Supervisor.generate` before generating, or by the first `admit`;
// if it cannot be stored, no token is released), its halt and fail-closed verdicts when the gate
// refuses a token (with the verdicts before them), and the rest with the summary in `finish`. A
// run killed mid-generation therefore leaves a start receipt that `verify` reports as unfinished.
//
// Data flows one way. A calls `receive` with read-only vectors and `admit` with the token it
// just computed; the only thing A reads back is admit's yes/no. Nothing S does can change A's
// arithmetic, which the tests check to the bit.
//
// Sync mode: `receive` scores on the generation thread while the pointer is valid (no copy);
// `admit` then knows the verdict for the token. Time spent in S for a token is measured; past
// the deadline the token is refused (fail closed). A detector that never returns would hang a
// sync run; the deadline catches slow detectors, async mode also catches stuck ones.
//
// Async mode: `receive` copies each vector (only the taps and positions some rule needs) and
// hands batches to S's thread through a bounded queue; `admit(q)` returns once S has judged
// every position ≤ q − lag, halting if any verdict so far says halt, or after the deadline
// (fail closed). When the queue is full, `receive` waits, also up to the deadline.

import Detectors
import Foundation
import Models
import Taps

/// What S concluded about a run.
public struct SupervisionReport: Sendable {
    public var runID: String
    public var verdicts: [Verdict]
    /// Whether S stopped generation (a halt rule or a fail-closed verdict).
    public var halted: Bool
    /// The verdict that stopped generation.
    public var haltVerdict: Verdict?
    /// Sequence numbers of the event receipts (parallel to `verdicts`) and of the summary.
    public var receiptSeqs: [Int64]
    public var summarySeq: Int64?
    /// Sequence number of the run's start receipt.
    public var startSeq: Int64?
    public var summary: RunSummary
}

/// What S has judged so far in a running generation (for showing live, e.g. in a stream).
public struct SupervisionProgress: Sendable {
    /// Positions ≤ this are judged.
    public var evaluatedThrough: Int
    /// Rule ids, in the order of `ruleScores`' columns.
    public var rules: [String]
    /// Judged positions from the asked-for one on, with each rule's aggregate (NaN: out of scope).
    public var ruleScores: [(position: Int, scores: [Float])]
    /// Verdicts from the asked-for index on (token texts are filled in only by `finish`).
    public var verdicts: [Verdict]
}

public final class SupervisedRun: TapSink, TokenGate, @unchecked Sendable {
    // @unchecked: the generation thread and (async mode) S's thread share it; what both touch
    // is guarded by `lock`, the rest is owned by one of the two (see the comments on each part).
    public let points: Set<TapPoint>
    public let runID = UUID().uuidString.lowercased()
    public let supervisor: Supervisor
    public let promptTokens: [Int]
    let generation: GenerationOptions
    let session: InferenceSession
    let judge: Judge
    let mode: SupervisionMode
    let deadlineNanos: UInt64
    let startedAt = Date()
    /// The engine settings receipts record (fixed for the run).
    let engine: EngineRecord

    /// Replay: the gate's refusals are recorded, not enforced, so S judges every token the
    /// original run judged (an async run may have released up to `lag` tokens past a halt).
    var recordsRefusalsOnly = false
    /// Positions the gate refused while `recordsRefusalsOnly` (in order).
    private(set) var refusals: [Int] = []

    // Write-ahead receipts.
    private var begun = false
    private var beginError: String?
    public private(set) var startSeq: Int64?
    /// Judge / gate verdicts already stored (prefixes of their lists), in the order stored.
    private var storedJudge = 0
    private var storedGate = 0
    private var storedVerdicts: [Verdict] = []
    private var storedSeqs: [Int64] = []

    /// Tokens passed to `admit` after the prompt.
    public private(set) var judgedTokens: [Int] = []
    /// Verdicts made by the gate itself (deadline, backlog).
    private var gateVerdicts: [Verdict] = []
    /// The gate has refused a token; everything after is ignored.
    private var stopped = false
    private var finished = false

    // Sync mode.
    private var spentNanos: UInt64 = 0

    // Async mode: shared state guarded by `lock`.
    struct Item {
        var tap: Int
        var position: Int
        var values: [Float]
    }
    private let lock = NSCondition()
    private var staging: [Item] = []
    private var queue: [Item] = []
    private let queueCapacity: Int
    private var stopping = false
    private var workerDone = false
    private var cancelled = false
    private var publishedThrough: Int
    private var publishedHalted = false
    private var publishedVerdicts: [Verdict] = []
    private var publishedRows: [[Float]] = []
    private var publishedRuleAggregates: [Float] = []

    init(supervisor: Supervisor, prompt: [Int], generation: GenerationOptions, session: InferenceSession) {
        self.supervisor = supervisor
        promptTokens = prompt
        self.generation = generation
        self.session = session
        mode = supervisor.options.mode
        deadlineNanos = UInt64(supervisor.options.deadlineMilliseconds * 1_000_000)
        judge = Judge(policy: supervisor.policy, promptCount: prompt.count, topContributions: supervisor.options.topContributions)
        if case .sync = mode { judge.pool = session.pool }
        points = Set(judge.taps)
        engine = EngineRecord(threads: session.pool.threadCount, maxBatch: session.maxBatch, contextLength: session.cache.capacity,
                              build: EngineRecord.buildDescription, mode: mode == .sync ? "sync" : "async",
                              lag: mode.lag, deadlineMilliseconds: supervisor.options.deadlineMilliseconds,
                              topContributions: supervisor.options.topContributions)
        publishedThrough = judge.evaluatedThrough
        queueCapacity = max(256, judge.taps.count * (mode.lag + 2) * 2)
        if case .async = mode, !judge.taps.isEmpty {
            // The thread holds the run until it exits, so a worker abandoned inside a stuck
            // detector can still finish safely after the caller has let the run go.
            let thread = Thread { self.workerLoop() }
            thread.name = "overseer-supervisor"
            thread.start()
        } else {
            workerDone = true
        }
    }

    // MARK: TapSink

    public func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        guard !stopped, let t = judge.wants(point, position) else { return }
        switch mode {
        case .sync:
            let t0 = DispatchTime.now().uptimeNanoseconds
            judge.ingest(tap: t, position: position, values: values)
            spentNanos &+= DispatchTime.now().uptimeNanoseconds &- t0
        case .async:
            staging.append(Item(tap: t, position: position, values: Array(values)))
            if staging.count >= 64 { flush() }
        }
    }

    // MARK: TokenGate

    public func admit(token: Int?, position: Int, generatedIndex: Int?) throws -> Bool {
        // No token leaves a run whose activations were edited by anything but the recorded plan.
        try supervisor.checkEditor(of: session)
        if let token { judgedTokens.append(token) }
        if stopped { return false }
        if !begun {
            do { try begin() } catch {
                // No start receipt, no release (fail closed).
                stopped = true
                throw error
            }
        }
        let admitted = try decide(position: position)
        if !admitted {
            if recordsRefusalsOnly {
                refusals.append(position)
                stopped = false
                return true
            }
            storeNewEvents()
        }
        return admitted
    }

    /// Writes the run's start receipt (once). `Supervisor.generate` calls it before generating,
    /// so a log that cannot be written stops the run before any computation; the first `admit`
    /// calls it otherwise. Without a receipt store it only marks the run as begun.
    public func begin() throws {
        if begun { return }
        if let beginError { throw SupervisorError.receipts(beginError) }
        if let store = supervisor.options.receipts {
            do {
                startSeq = try store.append(runID: runID, [ReceiptDraft(kind: RunStart.kind, payload: start)],
                                            signer: supervisor.options.signer).first
            } catch {
                beginError = "the run's start receipt could not be stored, so nothing is generated: \(error)"
                throw SupervisorError.receipts(beginError!)
            }
        }
        begun = true
    }

    /// The start receipt's payload.
    var start: RunStart {
        let s = supervisor
        return RunStart(model: ModelRecord(path: s.model.url.standardizedFileURL.path, sha256: s.modelSHA256,
                                           architecture: s.model.config.architecture.rawValue),
                        bundle: BundleRecord(path: s.policy.bundlePath, sha256: s.policy.bundleSHA256, name: s.policy.bundleName),
                        engine: engine, promptSHA256: RunSummary.tokensHash(promptTokens), promptTokens: promptTokens,
                        sampling: generation.sampling, maxTokens: generation.maxTokens, stopStrings: generation.stopStrings,
                        startedAt: ISO8601DateFormatter().string(from: startedAt), steering: s.options.steering?.spec)
    }

    /// The gate's decision for the token at `position`.
    private func decide(position: Int) throws -> Bool {
        if judge.taps.isEmpty { return true }
        switch mode {
        case .sync:
            defer { spentNanos = 0 }
            if spentNanos > deadlineNanos {
                failClosed(position: position, cause: .deadline,
                           reason: String(format: "S took %.3f ms for this token, the deadline is %.3f ms",
                                          Double(spentNanos) / 1e6, Double(deadlineNanos) / 1e6))
                return false
            }
            if judge.halted { stopped = true; return false }
            if !judge.covers(position, through: judge.evaluatedThrough) {
                failClosed(position: judge.evaluatedThrough + 1, cause: .incomplete,
                           reason: "position \(judge.evaluatedThrough + 1) was not fully delivered to S")
                return false
            }
            return true
        case .async(let lag):
            flush()
            let need = position - lag
            let deadline = Date(timeIntervalSinceNow: Double(deadlineNanos) / 1e9)
            lock.lock()
            var timedOut = false
            while !judge.covers(need, through: publishedThrough) && !publishedHalted && !workerDone {
                if !lock.wait(until: deadline) {
                    timedOut = !judge.covers(need, through: publishedThrough) && !publishedHalted
                    break
                }
            }
            let halted = publishedHalted, through = publishedThrough
            lock.unlock()
            if halted { stopped = true; return false }
            if timedOut || !judge.covers(need, through: through) {
                failClosed(position: through + 1, cause: .deadline,
                           reason: String(format: "S had judged through position %d, not %d, after the %.3f ms deadline",
                                          through, need, Double(deadlineNanos) / 1e6))
                return false
            }
            return true
        }
    }

    private func failClosed(position: Int, cause: Verdict.FailureCause, reason: String) {
        var v = Verdict(kind: .failClosed, position: position, action: .halt)
        v.cause = cause
        v.reason = reason
        gateVerdicts.append(v)
        stopped = true
    }

    // MARK: Async plumbing

    /// Moves staged vectors to S's queue, waiting (up to the deadline) while it is full.
    private func flush() {
        guard !staging.isEmpty else { return }
        let deadline = Date(timeIntervalSinceNow: Double(deadlineNanos) / 1e9)
        lock.lock()
        var full = false
        while queue.count + staging.count > queueCapacity && !workerDone && !publishedHalted {
            if !lock.wait(until: deadline) { full = true; break }
        }
        if !full { queue += staging; lock.signal() }
        let through = publishedThrough
        lock.unlock()
        staging.removeAll(keepingCapacity: true)
        if full {
            failClosed(position: through + 1, cause: .backlog,
                       reason: "S's queue stayed full (\(queueCapacity) vectors) past the deadline")
        }
    }

    private func workerLoop() {
        while true {
            lock.lock()
            while queue.isEmpty && !stopping { lock.wait() }
            if queue.isEmpty || cancelled {
                workerDone = true
                lock.broadcast()
                lock.unlock()
                return
            }
            let items = queue
            queue.removeAll(keepingCapacity: true)
            lock.broadcast()
            lock.unlock()
            for item in items {
                item.values.withUnsafeBufferPointer { judge.ingest(tap: item.tap, position: item.position, values: $0) }
            }
            lock.lock()
            if cancelled {
                workerDone = true
                lock.unlock()
                return
            }
            publishedThrough = judge.evaluatedThrough
            publishedHalted = judge.halted
            publishedVerdicts = judge.verdicts
            publishedRows = judge.scoreRows
            publishedRuleAggregates = judge.ruleAggregates
            lock.broadcast()
            lock.unlock()
        }
    }

    // MARK: Receipts

    /// Stores the verdicts made since the last store (the gate is refusing a token: its halt must
    /// be on record before generation ends). A failure here is retried by `finish`.
    private func storeNewEvents() {
        let judged: [Verdict]
        if case .async = mode, !judge.taps.isEmpty {
            lock.lock()
            judged = publishedVerdicts
            lock.unlock()
        } else {
            judged = judge.verdicts
        }
        try? storeEvents(judged: judged)
    }

    /// Appends event receipts for `judged[storedJudge...]` and the new gate verdicts, merged by
    /// position (a gate verdict after the judge's at the same position).
    private func storeEvents(judged: [Verdict]) throws {
        guard judged.count > storedJudge || gateVerdicts.count > storedGate else { return }
        let fresh = unstored(judged: judged)
        var seqs: [Int64] = []
        if let store = supervisor.options.receipts {
            let s = supervisor, start = start
            let drafts = fresh.map { v in
                ReceiptDraft(kind: v.kind.rawValue,
                             payload: EventReceipt(modelSHA256: s.modelSHA256, bundleSHA256: s.policy.bundleSHA256,
                                                   engine: engine, promptSHA256: start.promptSHA256, verdict: v))
            }
            seqs = try store.append(runID: runID, drafts, signer: s.options.signer)
        }
        storedJudge = judged.count
        storedGate = gateVerdicts.count
        storedVerdicts += fresh
        storedSeqs += seqs
    }

    /// The judge's and the gate's verdicts not stored yet, merged by position (a gate verdict
    /// after the judge's at the same position), with their tokens filled in.
    private func unstored(judged: [Verdict]) -> [Verdict] {
        var fresh = (judged[min(storedJudge, judged.count)...].map { ($0, 0) } + gateVerdicts[storedGate...].map { ($0, 1) })
            .enumerated()
            .sorted { ($0.element.0.position, $0.element.1, $0.offset) < ($1.element.0.position, $1.element.1, $1.offset) }
            .map { $0.element.0 }
        for i in fresh.indices { annotate(&fresh[i]) }
        return fresh
    }

    private func annotate(_ v: inout Verdict) {
        Verifier.annotate(&v, prompt: promptTokens, judged: judgedTokens, model: supervisor.model)
    }

    // MARK: Progress

    /// Rule aggregates for positions ≥ `position` and verdicts from index `verdict` on, as far as
    /// S has judged. Sync mode: call on the generation thread (inside `onText`), where S has
    /// judged every released token; async mode: what S's thread has published.
    public func progress(fromPosition position: Int, fromVerdict verdict: Int) -> SupervisionProgress {
        let through: Int, aggregates: [Float], verdicts: [Verdict]
        if case .async = mode, !judge.taps.isEmpty {
            lock.lock()
            (through, aggregates, verdicts) = (publishedThrough, publishedRuleAggregates, publishedVerdicts)
            lock.unlock()
        } else {
            (through, aggregates, verdicts) = (judge.evaluatedThrough, judge.ruleAggregates, judge.verdicts)
        }
        let first = judge.firstPosition
        let start = max(position, first)
        let R = supervisor.policy.rules.count
        var rows: [(position: Int, scores: [Float])] = []
        if start <= through, R > 0 {
            for p in start...through where (p - first + 1) * R <= aggregates.count {
                rows.append((p, Array(aggregates[(p - first) * R..<(p - first + 1) * R])))
            }
        }
        let tail = verdict < verdicts.count ? Array(verdicts[max(0, verdict)...]) : []
        return SupervisionProgress(evaluatedThrough: through, rules: supervisor.policy.rules.map(\.id),
                                   ruleScores: rows, verdicts: tail)
    }

    // MARK: Finishing

    /// Stops S, stores the verdicts not stored yet and then the summary (one transaction).
    /// `result` is nil when generation threw. Call once.
    public func finish(_ result: GenerationResult?) throws -> SupervisionReport {
        precondition(!finished, "finish called twice")
        finished = true
        flush()
        var verdicts: [Verdict]
        var rows: [[Float]]
        var through: Int
        if case .async = mode, !judge.taps.isEmpty {
            lock.lock()
            stopping = true
            lock.broadcast()
            let deadline = Date(timeIntervalSinceNow: max(1, Double(deadlineNanos) / 1e9))
            while !workerDone { if !lock.wait(until: deadline) { break } }
            if workerDone {
                verdicts = judge.verdicts
                rows = judge.scoreRows
                through = judge.evaluatedThrough
            } else {
                // S is stuck inside a detector: keep what it published and abandon it.
                cancelled = true
                verdicts = publishedVerdicts
                rows = publishedRows
                through = publishedThrough
                var v = Verdict(kind: .failClosed, position: through + 1, action: .halt)
                v.cause = .incomplete
                v.reason = "S did not finish judging the run's last tokens"
                gateVerdicts.append(v)
            }
            lock.unlock()
        } else {
            verdicts = judge.verdicts
            rows = judge.scoreRows
            through = judge.evaluatedThrough
        }
        let store = supervisor.options.receipts
        // A run that never reached the gate (generation threw first) still gets its start receipt.
        if !begun, store != nil { try begin() }

        // Everything not stored yet goes in with the summary, in one transaction.
        let firstNew = storedVerdicts.count
        let all = storedVerdicts + unstored(judged: verdicts)
        let halted = result.map { $0.finishReason == .halted } ?? stopped
        let haltVerdict = halted ? all.first { $0.action == .halt } : nil
        let summary = makeSummary(result: result, verdicts: all, rows: rows, through: through, halted: halted)

        var seqs = storedSeqs
        var summarySeq: Int64?
        if let store {
            let s = supervisor
            let events = all[firstNew...].map { v in
                ReceiptDraft(kind: v.kind.rawValue,
                             payload: EventReceipt(modelSHA256: s.modelSHA256, bundleSHA256: s.policy.bundleSHA256,
                                                   engine: engine, promptSHA256: summary.promptSHA256, verdict: v))
            }
            let written = try store.append(runID: runID, events + [ReceiptDraft(kind: "summary", payload: summary)],
                                           signer: s.options.signer)
            seqs += written.dropLast()
            summarySeq = written.last
        }
        return SupervisionReport(runID: runID, verdicts: all, halted: halted, haltVerdict: haltVerdict,
                                 receiptSeqs: seqs, summarySeq: summarySeq, startSeq: startSeq, summary: summary)
    }

    private func makeSummary(result: GenerationResult?, verdicts: [Verdict], rows: [[Float]], through: Int,
                             halted: Bool) -> RunSummary {
        let s = supervisor
        var counts: [String: Int] = [:]
        for v in verdicts { counts[v.kind.rawValue, default: 0] += 1 }
        let first = judge.taps.isEmpty ? promptTokens.count : judge.firstPosition
        return RunSummary(
            start: start,
            generatedTokens: result?.tokens ?? [],
            judgedTokens: judgedTokens,
            finishReason: result?.finishReason.rawValue ?? "error",
            halted: halted,
            gateError: result?.gateError,
            verdictCounts: counts,
            eventCount: verdicts.count,
            scores: ScoreTable(firstPosition: first, evaluatedThrough: through,
                               detectors: s.policy.detectors.map(\.id), rows: rows),
            endedAt: ISO8601DateFormatter().string(from: Date()))
    }
}
