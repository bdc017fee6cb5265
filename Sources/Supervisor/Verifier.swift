// Verifying a receipt log: the chain first, then a replay of each run.
//
// Chain: rows are read by seq; seq must run 1, 2, 3, ... without gaps; each body's envelope must
// repeat its row's seq, run id and kind; prev_hash must equal the previous row's hash (64 zeros
// for the first); hash must equal SHA-256(prev_hash ‖ "\n" ‖ body); a signed body's signature
// must verify with the key the body names (and, with a pinned signer, every row must be signed by
// it). Each run's rows (interleaved with other runs' when several writers share the log) are its
// start receipt, its events, then its summary, which repeats the start's fields and counts the
// events. A run with a start and no summary is unfinished (killed, or still running): reported,
// not replayed, not an error.
//
// Replay: load the model from the recorded path (or an override; only regular files are read)
// and check its SHA-256; load the bundle likewise; check that every recorded engine and sampling
// setting is one a build can produce; regenerate with S attached in sync mode (the engine's own
// batch size and thread count: results do not depend on them), the recorded sampling settings
// and seed, and a gate that refuses exactly where the run says it stopped. The regenerated
// tokens and finish reason must equal the recorded ones; every score must match bit for bit;
// every replayable verdict must be reproduced field by field; where S would have halted must
// agree with where the run stopped (within the async lag). Verdicts caused by timing (a missed
// deadline) cannot be replayed: they are checked for consistency and listed as notes.
//
// docs/supervisor.md lists every receipt field and how it is checked.

import Crypto
import Detectors
import Foundation
import Models
import Steering

/// The outcome of `overseer verify`.
public struct VerificationReport: Sendable, Codable {
    public struct RunResult: Sendable, Codable {
        public var runID: String
        public var replayed: Bool
        public var scores: Int
        public var verdicts: Int
        public var notes: [String]
        /// The run has a start receipt but no summary (killed mid-generation, or still running).
        public var unfinished: Bool = false
        public var bundleSHA256: String?
        enum CodingKeys: String, CodingKey {
            case runID = "run_id", replayed, scores, verdicts, notes, unfinished, bundleSHA256 = "bundle_sha256"
        }
    }

    public var ok: Bool
    public var receipts: Int
    /// Hash of the newest receipt: keep it elsewhere (or sign a checkpoint) to detect truncation.
    public var head: String
    public var runs: [RunResult]
    public var firstMismatch: String?
    /// Public keys (hex) that signed receipts, with how many each signed.
    public var signers: [String: Int] = [:]
    public var unsignedReceipts = 0
    /// The checkpoint checked (seq it covers), when one was given.
    public var checkpointSeq: Int64?
    enum CodingKeys: String, CodingKey {
        case ok, receipts, head, runs, firstMismatch = "first_mismatch", signers, unsignedReceipts = "unsigned_receipts"
        case checkpointSeq = "checkpoint_seq"
    }
}

/// What `Verifier.verify` checks besides the chain.
public struct VerificationOptions: Sendable {
    /// Verify one run only.
    public var runID: String?
    /// Model file / bundle folder to load instead of the recorded paths (hashes must still match).
    public var model: String?
    public var bundle: String?
    public var replay = true
    /// Threads for replay (results are identical for any count); never the recorded count.
    public var threads: Int?
    /// Every receipt must be signed by this Ed25519 public key (hex).
    public var signer: String?
    /// Every run must have used the bundle with this SHA-256.
    public var bundleSHA256: String?
    /// A signed head the log must still contain.
    public var checkpoint: ReceiptCheckpoint?

    public init(runID: String? = nil, model: String? = nil, bundle: String? = nil, replay: Bool = true, threads: Int? = nil,
                signer: String? = nil, bundleSHA256: String? = nil, checkpoint: ReceiptCheckpoint? = nil) {
        self.runID = runID
        self.model = model
        self.bundle = bundle
        self.replay = replay
        self.threads = threads
        self.signer = signer
        self.bundleSHA256 = bundleSHA256
        self.checkpoint = checkpoint
    }
}

public enum Verifier {
    /// Limits on recorded engine settings: what a build can record. Replay never uses the
    /// recorded thread count or batch size; these bounds only reject impossible values.
    static let maxThreads = 1024
    static let maxBatch = 1 << 16
    static let maxTopContributions = 1 << 16

    /// The chain's verdict: the first problem, the runs still open, the signers seen.
    public struct ChainCheck: Sendable {
        public var problem: String?
        /// Runs with a start receipt and no summary, in order of their start.
        public var unfinished: [String] = []
        public var signers: [String: Int] = [:]
        public var unsigned = 0
    }

    /// Checks the chain; returns the first problem, or nil.
    public static func checkChain(_ rows: [ReceiptRow]) -> String? { checkChain(rows, signer: nil).problem }

    /// Checks the chain (see the file header); with `signer`, every row must be signed by it.
    public static func checkChain(_ rows: [ReceiptRow], signer pinned: String?) -> ChainCheck {
        var check = ChainCheck()
        func fail(_ m: String) -> ChainCheck { check.problem = m; return check }
        var prev = ReceiptStore.genesis
        enum State { case open(RunStart, events: Int), closed }
        var runs: [String: State] = [:]
        var order: [String] = []
        let pinned = pinned?.lowercased()
        for (i, row) in rows.enumerated() {
            if let problem = ReceiptChain.linkProblem(row, expectedSeq: Int64(i + 1), prev: prev) { return fail(problem) }
            let body = Data(row.body.utf8)
            guard let header = try? JSONDecoder().decode(EnvelopeHeader.self, from: body), header.version == 1 else {
                return fail("receipt #\(row.seq): body is not a receipt envelope of version 1")
            }
            guard header.seq == row.seq, header.runID == row.runID, header.kind == row.kind else {
                return fail("receipt #\(row.seq): body says #\(header.seq) \(header.kind) of run \(header.runID) (moved or edited)")
            }
            if let key = header.signer {
                guard let sig = row.signature, let hashBytes = ReceiptSigner.bytes(hex: row.hash),
                      ReceiptSigner.isValid(signature: sig, by: key, for: hashBytes) else {
                    return fail("receipt #\(row.seq): signature missing or invalid")
                }
                check.signers[key.lowercased(), default: 0] += 1
                if let pinned, key.lowercased() != pinned {
                    return fail("receipt #\(row.seq) is signed by \(key), not by the expected signer \(pinned)")
                }
            } else {
                check.unsigned += 1
                if let pinned { return fail("receipt #\(row.seq) is not signed (expected signer \(pinned))") }
            }
            switch (row.kind, runs[row.runID]) {
            case (RunStart.kind, nil):
                guard let start = try? decode(RunStart.self, row) else { return fail("receipt #\(row.seq): unreadable start receipt") }
                runs[row.runID] = .open(start, events: 0)
                order.append(row.runID)
            case (RunStart.kind, _):
                return fail("receipt #\(row.seq): a second start receipt for run \(row.runID)")
            case (_, nil):
                return fail("receipt #\(row.seq): run \(row.runID) has no start receipt before it")
            case (_, .closed?):
                return fail("receipt #\(row.seq): \(row.kind) receipt after run \(row.runID)'s summary")
            case ("summary", .open(let start, let events)?):
                guard let s = try? decode(RunSummary.self, row) else { return fail("receipt #\(row.seq): unreadable summary") }
                guard s.eventCount == events else {
                    return fail("run \(row.runID): summary lists \(s.eventCount) events, the log has \(events)")
                }
                guard s.start == start else { return fail("run \(row.runID): the summary (#\(row.seq)) contradicts the start receipt") }
                runs[row.runID] = .closed
            case (_, .open(let start, let events)?):
                guard Verdict.Kind(rawValue: row.kind) != nil, let e = try? decode(EventReceipt.self, row) else {
                    return fail("receipt #\(row.seq): unreadable \(row.kind) receipt")
                }
                guard e.verdict.kind.rawValue == row.kind else { return fail("receipt #\(row.seq): its verdict is a \(e.verdict.kind.rawValue)") }
                guard e.modelSHA256 == start.model.sha256, e.bundleSHA256 == start.bundle.sha256,
                      e.promptSHA256 == start.promptSHA256, e.engine == start.engine else {
                    return fail("receipt #\(row.seq) names a different model, bundle, prompt or engine than its run's start")
                }
                runs[row.runID] = .open(start, events: events + 1)
            }
            prev = row.hash
        }
        check.unfinished = order.filter { if case .open? = runs[$0] { return true } else { return false } }
        return check
    }

    static func decode<P: Codable>(_: P.Type, _ row: ReceiptRow) throws -> P {
        try JSONDecoder().decode(ReceiptEnvelope<P>.self, from: Data(row.body.utf8)).payload
    }

    static func decodeSummary(_ row: ReceiptRow) throws -> RunSummary { try decode(RunSummary.self, row) }
    static func decodeEvent(_ row: ReceiptRow) throws -> EventReceipt { try decode(EventReceipt.self, row) }

    /// Checks the chain, then replays `runID` (or every run). `model` and `bundle` override the
    /// recorded paths (their hashes must still match); `registry` builds the bundles' detectors
    /// (pass one that knows every kind the runs used, e.g. SAE features).
    public static func verify(store: any ReceiptLog, runID: String? = nil, model: String? = nil, bundle: String? = nil,
                              replay: Bool = true, threads: Int? = nil,
                              registry: DetectorRegistry = .standard) throws -> VerificationReport {
        try verify(store: store, options: VerificationOptions(runID: runID, model: model, bundle: bundle, replay: replay,
                                                              threads: threads), registry: registry)
    }

    public static func verify(store: any ReceiptLog, options o: VerificationOptions,
                              registry: DetectorRegistry = .standard) throws -> VerificationReport {
        let rows = try store.rows()
        var report = VerificationReport(ok: true, receipts: rows.count, head: rows.last?.hash ?? ReceiptStore.genesis, runs: [])
        func fail(_ m: String) -> VerificationReport {
            report.ok = false
            report.firstMismatch = m
            return report
        }
        let chain = checkChain(rows, signer: o.signer)
        report.signers = chain.signers
        report.unsignedReceipts = chain.unsigned
        if let problem = chain.problem { return fail(problem) }
        if let c = o.checkpoint {
            report.checkpointSeq = c.seq
            if let problem = c.check(rows: rows, signer: o.signer) { return fail(problem) }
        }
        let starts = rows.filter { $0.kind == RunStart.kind && (o.runID == nil || $0.runID == o.runID) }
        if let runID = o.runID, starts.isEmpty { return fail("no run \(runID) in the log") }
        let unfinished = Set(chain.unfinished)
        let rowsOfRun = Dictionary(grouping: rows, by: \.runID)
        var models: [String: LanguageModel] = [:]
        for startRow in starts {
            let id = startRow.runID
            let start = try decode(RunStart.self, startRow)
            let runRows = rowsOfRun[id] ?? []
            let events = try runRows.filter { $0.kind != RunStart.kind && $0.kind != "summary" }.map { ($0.seq, try decodeEvent($0)) }
            var result = VerificationReport.RunResult(runID: id, replayed: false, scores: 0, verdicts: events.count, notes: [],
                                                      bundleSHA256: start.bundle.sha256)
            if let expected = o.bundleSHA256, start.bundle.sha256 != expected.lowercased() {
                report.runs.append(result)
                return fail("run \(id) used bundle \(start.bundle.name) with SHA-256 \(start.bundle.sha256), not the expected \(expected.lowercased())")
            }
            let summary: RunSummary?
            if unfinished.contains(id) {
                summary = nil
                result.unfinished = true
                result.notes.append("started (receipt #\(startRow.seq)) but never finished: no summary, so the tokens it released are not on record"
                                    + (events.isEmpty ? "" : "; \(events.count) verdicts stored as they happened"))
            } else {
                guard let summaryRow = runRows.last, summaryRow.kind == "summary" else { return fail("run \(id): internal: no summary") }
                summary = try decodeSummary(summaryRow)
            }
            if o.replay && (summary != nil || events.contains { $0.1.verdict.isReplayable }) {
                do {
                    let lm = try loadModel(start, override: o.model, cache: &models)
                    let b = try loadBundle(start, override: o.bundle, registry: registry)
                    let mismatch: String?
                    if let summary {
                        mismatch = try replayRun(summary, events: events, model: lm, bundle: b, threads: o.threads,
                                                 registry: registry, result: &result)
                    } else {
                        mismatch = try replayUnfinished(start, events: events, model: lm, bundle: b, threads: o.threads,
                                                        registry: registry, result: &result)
                    }
                    if let mismatch {
                        report.runs.append(result)
                        return fail("run \(id): \(mismatch)")
                    }
                } catch {
                    report.runs.append(result)
                    return fail("run \(id): cannot replay: \(error)")
                }
            }
            report.runs.append(result)
        }
        return report
    }

    static func loadModel(_ s: RunStart, override: String?, cache: inout [String: LanguageModel]) throws -> LanguageModel {
        let path = override ?? s.model.path
        if let lm = cache[path] { return lm }
        try UntrustedPath.requireModel(path)
        let sha = try ModelFingerprint.sha256(of: URL(fileURLWithPath: path))
        guard sha == s.model.sha256 else {
            throw SupervisorError.replay("model \(path) has SHA-256 \(sha), the run used \(s.model.sha256)")
        }
        let lm = try LanguageModel.load(path)
        cache[path] = lm
        return lm
    }

    static func loadBundle(_ s: RunStart, override: String?, registry: DetectorRegistry) throws -> SupervisorBundle {
        guard let path = override ?? s.bundle.path else {
            throw SupervisorError.replay("the run's bundle has no recorded path (pass --bundle)")
        }
        try UntrustedPath.requireDirectory(path, what: "bundle")
        let b = try SupervisorBundle.load(URL(fileURLWithPath: path), registry: registry)
        guard b.sha256 == s.bundle.sha256 else {
            throw SupervisorError.replay("bundle \(path) has SHA-256 \(b.sha256), the run used \(s.bundle.sha256)")
        }
        return b
    }

    /// Settings no build records: the first one found, or nil.
    static func impossibleSettings(_ s: RunStart, model lm: LanguageModel) -> String? {
        let e = s.engine
        guard (1...maxThreads).contains(e.threads) else { return "engine.threads \(e.threads) is not a thread count a build uses (1...\(maxThreads))" }
        guard (1...maxBatch).contains(e.maxBatch) else { return "engine.max_batch \(e.maxBatch) is not a batch size a build uses (1...\(maxBatch))" }
        guard (1...lm.config.contextLength).contains(e.contextLength) else {
            return "engine.context_length \(e.contextLength) is not possible with this model (1...\(lm.config.contextLength))"
        }
        guard e.mode == "sync" && e.lag == 0 || e.mode == "async" && (0...4096).contains(e.lag) else {
            return "engine mode \(e.mode) with lag \(e.lag) is not a supervision mode"
        }
        guard e.deadlineMilliseconds > 0, e.deadlineMilliseconds.isFinite else { return "engine.deadline_ms \(e.deadlineMilliseconds) is not a deadline" }
        guard (0...maxTopContributions).contains(e.topContributions) else { return "engine.top_contributions \(e.topContributions) is out of range" }
        do { try s.sampling.validate() } catch { return "sampling settings no build accepts: \(error)" }
        guard s.maxTokens >= 0 else { return "max_tokens \(s.maxTokens) is negative" }
        guard !s.promptTokens.isEmpty, s.promptTokens.allSatisfy({ (0..<lm.config.vocab).contains($0) }) else {
            return "prompt token ids outside the model's vocabulary (or an empty prompt)"
        }
        guard RunSummary.tokensHash(s.promptTokens) == s.promptSHA256 else { return "prompt tokens do not match their hash" }
        guard s.model.architecture == lm.config.architecture.rawValue else {
            return "the run says architecture \(s.model.architecture), the model is \(lm.config.architecture.rawValue)"
        }
        return nil
    }

    /// Generates the run again with S attached in sync mode, judging every token (its refusals
    /// recorded, not enforced), with the engine's own thread count and batch size and a context
    /// of at most `tokens` + 1 after the prompt; the gate stops generation at `stopAt`.
    /// A steered run is regenerated with its recorded plan, rebuilt from the same files: a file
    /// (or vector) whose SHA-256 differs from the record is refused.
    static func regenerate(_ s: RunStart, model lm: LanguageModel, bundle: SupervisorBundle, stopAt: Int?, tokens: Int,
                           threads: Int?, registry: DetectorRegistry) throws -> (SupervisedRun, GenerationResult) {
        var steering: SteeringPlan?
        if let spec = s.steering {
            do { steering = try SteeringPlan.build(spec, model: lm.config, registry: registry) } catch {
                throw SupervisorError.replay("steering: \(error)")
            }
            guard steering?.spec == spec else { throw SupervisorError.replay("steering: the rebuilt plan's record differs from the recorded one") }
        }
        let options = SupervisorOptions(mode: .sync, deadlineMilliseconds: 1e12, topContributions: s.engine.topContributions,
                                        steering: steering)
        let supervisor = try Supervisor(bundle: bundle, model: lm, modelSHA256: s.model.sha256, options: options)
        let capacity = min(s.engine.contextLength, s.promptTokens.count + tokens + 1)
        let session = InferenceSession(model: lm.transformer, contextLength: capacity, threads: min(max(threads ?? 1, 1), 256))
        session.editor = steering
        let generation = GenerationOptions(maxTokens: s.maxTokens, sampling: s.sampling, stopStrings: s.stopStrings)
        let run = supervisor.attach(promptTokens: s.promptTokens, options: generation, session: session)
        run.recordsRefusalsOnly = true
        let result = try lm.generate(promptTokens: s.promptTokens, options: generation, session: session, sink: run,
                                     gate: ReplayGate(run: run, stopAt: stopAt))
        return (run, result)
    }

    /// Replays an unfinished run up to its last replayable verdict (a run killed after S halted
    /// it): the stored verdicts must be exactly S's up to there. Returns the first mismatch.
    static func replayUnfinished(_ s: RunStart, events: [(Int64, EventReceipt)], model lm: LanguageModel,
                                 bundle: SupervisorBundle, threads: Int?, registry: DetectorRegistry,
                                 result: inout VerificationReport.RunResult) throws -> String? {
        if let problem = impossibleSettings(s, model: lm) { return problem }
        let want = events.filter { $0.1.verdict.isReplayable }
        guard let last = want.map({ $0.1.verdict.position }).max() else { return nil }
        let P = s.promptTokens.count
        let stopAt = max(last, P - 1)
        guard stopAt - P < s.maxTokens, stopAt < s.engine.contextLength else { return "a verdict at position \(last) lies outside the run" }
        let (run, regenerated) = try regenerate(s, model: lm, bundle: bundle, stopAt: stopAt, tokens: stopAt - P + 1, threads: threads,
                                                registry: registry)
        let got = try run.finish(regenerated).verdicts.filter { $0.isReplayable && $0.position <= stopAt }
        if let problem = compare(want, got) { return problem }
        result.replayed = true
        result.notes.append("its \(want.count) verdicts through position \(last) are reproduced by replay")
        return nil
    }

    /// Recorded replayable verdicts against replayed ones: the same, in order, field by field.
    static func compare(_ want: [(Int64, EventReceipt)], _ got: [Verdict]) -> String? {
        for (k, (seq, e)) in want.enumerated() {
            guard k < got.count else { return "receipt #\(seq) (\(describe(e.verdict))) is not reproduced by replay" }
            if let diff = difference(e.verdict, got[k]) { return "receipt #\(seq): \(diff)" }
        }
        if got.count > want.count { return "replay produces a verdict the log lacks: \(describe(got[want.count]))" }
        return nil
    }

    /// Replays one run; returns the first mismatch, or nil.
    static func replayRun(_ s: RunSummary, events: [(Int64, EventReceipt)], model lm: LanguageModel, bundle: SupervisorBundle,
                          threads: Int?, registry: DetectorRegistry, result: inout VerificationReport.RunResult) throws -> String? {
        if let problem = impossibleSettings(s.start, model: lm) { return problem }
        guard s.judgedTokens.allSatisfy({ (0..<lm.config.vocab).contains($0) }) else { return "judged token ids outside the model's vocabulary" }
        guard s.promptTokens.count + s.judgedTokens.count <= s.engine.contextLength else {
            return "\(s.promptTokens.count) prompt and \(s.judgedTokens.count) judged tokens do not fit the recorded context of \(s.engine.contextLength)"
        }
        guard s.judgedTokens.count <= s.maxTokens else { return "\(s.judgedTokens.count) judged tokens exceed max_tokens \(s.maxTokens)" }
        guard s.bundle.name == bundle.manifest.name else { return "the summary names bundle '\(s.bundle.name)', the bundle is '\(bundle.manifest.name)'" }
        let P = s.promptTokens.count
        let J = s.judgedTokens.count
        // The run's own bookkeeping.
        // "cancelled": the caller stopped generation between two tokens (a server whose client
        // went away). Where is the caller's choice: replay checks everything up to there.
        let cancelled = s.finishReason == "cancelled"
        guard FinishReason(rawValue: s.finishReason) != nil || s.finishReason == "error" || cancelled else {
            return "unknown finish reason '\(s.finishReason)'"
        }
        if cancelled {
            guard s.generatedTokens.count < s.maxTokens else { return "a run cancelled after reaching max_tokens" }
        }
        if s.finishReason != "error" {
            guard s.halted == (s.finishReason == FinishReason.halted.rawValue) else {
                return "the summary says halted \(s.halted) with finish reason \(s.finishReason)"
            }
        }
        let expectedReleased = s.halted && J > 0 ? Array(s.judgedTokens.dropLast()) : s.judgedTokens
        guard s.generatedTokens == expectedReleased else {
            return "released tokens (\(s.generatedTokens.count)) are not the judged tokens (\(J))" + (s.halted ? " minus the withheld one" : "")
        }
        var counts: [String: Int] = [:]
        for (_, e) in events { counts[e.verdict.kind.rawValue, default: 0] += 1 }
        guard counts == s.verdictCounts else { return "verdict_counts \(s.verdictCounts) do not count the run's events \(counts)" }
        guard s.gateError == nil || s.halted else { return "a gate error is recorded on a run that did not halt" }
        let haltEvents = events.filter { $0.1.verdict.action == .halt }
        guard !s.halted || !haltEvents.isEmpty || s.gateError != nil else { return "the run halted but no halt or fail-closed receipt says why" }

        // Replay with the engine's own resource settings: the recorded thread count and batch
        // size change no result, and are never used (a log may ask for 10⁹ of either). The gate
        // stops exactly where the run stopped: at the withheld token, or at the prompt; a
        // cancelled run is regenerated up to its last token, and the gate refuses the next.
        let stopAt = s.halted ? P - 1 + J : cancelled ? P + J : nil
        let run: SupervisedRun, regenerated: GenerationResult
        do {
            (run, regenerated) = try regenerate(s.start, model: lm, bundle: bundle, stopAt: stopAt, tokens: J, threads: threads,
                                                registry: registry)
        } catch {
            if s.finishReason == "error" {
                result.notes.append("generation failed again on replay (\(error)), as it did in the run")
                result.replayed = true
                return nil
            }
            throw error
        }
        let replayedTokens = run.judgedTokens
        for i in 0..<min(replayedTokens.count, J) where replayedTokens[i] != s.judgedTokens[i] {
            return "generated token \(i) (position \(P + i)): recorded \(s.judgedTokens[i]), the model and sampler choose \(replayedTokens[i])"
        }
        let extra = cancelled && regenerated.finishReason == .halted ? 1 : 0  // the token after the cancel
        guard replayedTokens.count == J + extra else {
            return "the run judged \(J) generated tokens, regenerating judges \(replayedTokens.count) (finish reason \(regenerated.finishReason.rawValue))"
        }
        guard regenerated.tokens == s.generatedTokens else { return "released tokens differ from the regenerated ones" }
        if cancelled {
            // Cancelling comes before drawing the next token, so the generation would otherwise
            // have gone on (halted here: our gate refused the next token), or ended at an EOS or a
            // full context.
            guard [.halted, .eos, .context].contains(regenerated.finishReason) else {
                return "finish reason recorded cancelled, but generation ends there by \(regenerated.finishReason.rawValue)"
            }
            result.notes.append("cancelled by the caller after \(J) tokens: where a run is cancelled is not replayable; "
                                + "only the log's signature vouches for it")
        } else if regenerated.finishReason.rawValue != s.finishReason {
            return "finish reason recorded \(s.finishReason), regenerating gives \(regenerated.finishReason.rawValue)"
        }
        let replayed = try run.finish(regenerated)

        // Scores, bit for bit, up to where the original S got.
        guard let recorded = s.scores.rows else { return "the summary's score table is unreadable" }
        guard s.scores.detectors == replayed.summary.scores.detectors else { return "the run's detectors differ from the bundle's" }
        guard let again = replayed.summary.scores.rows else { return "internal: replayed score table unreadable" }
        let first = s.scores.firstPosition
        guard first == replayed.summary.scores.firstPosition else {
            return "scores start at position \(first), replay starts at \(replayed.summary.scores.firstPosition)"
        }
        guard recorded.count == s.scores.evaluatedThrough - first + 1, again.count >= recorded.count else {
            return "the run scored \(recorded.count) positions, replay scored \(again.count)"
        }
        guard s.scores.sha256 == ScoreTable(firstPosition: first, evaluatedThrough: s.scores.evaluatedThrough,
                                            detectors: s.scores.detectors, rows: recorded).sha256 else {
            return "the score table's sha256 does not match its values"
        }
        for (p, row) in recorded.enumerated() {
            for (d, v) in row.enumerated() where v.bitPattern != again[p][d].bitPattern {
                return "score of detector '\(s.scores.detectors[d])' at position \(first + p): recorded \(ExactFloat(v)), replayed \(ExactFloat(again[p][d]))"
            }
        }
        result.scores = recorded.count * s.scores.detectors.count
        let timing = events.filter { !$0.1.verdict.isReplayable }
        let replayThrough = replayed.summary.scores.evaluatedThrough
        if cancelled {
            guard s.scores.evaluatedThrough == min(replayThrough, P - 1 + J) else {
                return "the run's scores stop at position \(s.scores.evaluatedThrough), S judges through \(min(replayThrough, P - 1 + J))"
            }
        } else if timing.isEmpty {
            guard s.scores.evaluatedThrough == replayThrough else {
                return "the run's scores stop at position \(s.scores.evaluatedThrough), S judges through \(replayThrough) with no failure recorded"
            }
        } else if let f = timing.map({ $0.1.verdict.position }).min(), s.scores.evaluatedThrough < f - 1 {
            return "the run's scores stop at position \(s.scores.evaluatedThrough), before its first timing failure at \(f)"
        }

        // Verdicts: every replayable recorded verdict, field by field, in order, and nothing else
        // up to where the original S got (a failure is made at the position after that).
        let limit = s.scores.evaluatedThrough
        let want = events.filter { $0.1.verdict.isReplayable }
        let got = replayed.verdicts.filter {
            $0.isReplayable && ($0.position <= limit || $0.kind == .failClosed && $0.position == limit + 1)
        }
        if let problem = compare(want, got) { return problem }

        // Where S would have stopped the run against where it stopped.
        let lag = s.engine.lag
        let lastAdmitted = s.halted ? P - 2 + J : P - 1 + J
        if let p = run.refusals.first, p <= lastAdmitted - lag {
            return "S halts at position \(p), yet the run let the token at position \(lastAdmitted) go"
                + (lag > 0 ? " (more than its lag of \(lag) later)" : "")
        }
        if s.halted && timing.isEmpty && s.gateError == nil && run.refusals.isEmpty {
            return "the run says S halted it at position \(P - 1 + J), but S does not halt this run"
        }
        for (seq, e) in timing {
            if let problem = checkTimingVerdict(e.verdict, summary: s, model: lm) { return "receipt #\(seq): \(problem)" }
            result.notes.append("fail-closed at position \(e.verdict.position) (\(e.verdict.cause?.rawValue ?? "")) depends on timing: "
                                + "not replayed; only the log's signature vouches for it")
        }
        result.replayed = true
        return nil
    }

    /// A timing verdict carries nothing replay can recompute; its fields must still fit the run.
    static func checkTimingVerdict(_ v: Verdict, summary s: RunSummary, model: LanguageModel) -> String? {
        guard v.kind == .failClosed, v.action == .halt else { return "a timing cause on a \(v.kind.rawValue) verdict" }
        guard s.halted else { return "a fail-closed verdict on a run that was not halted" }
        let P = s.promptTokens.count
        guard v.position >= 0, v.position <= P + s.judgedTokens.count else { return "position \(v.position) is outside the run" }
        guard v.rule == nil, v.detector == nil, v.tap == nil, v.score == nil, v.tokenScore == nil, v.threshold == nil,
              v.aggregation == nil, v.window == nil, v.contributions.isEmpty, v.activationSHA256 == nil else {
            return "a timing failure with detector fields"
        }
        var expected = Verdict(kind: v.kind, position: v.position, action: v.action)
        annotate(&expected, prompt: s.promptTokens, judged: s.judgedTokens, model: model)
        guard expected.tokenID == v.tokenID, expected.tokenText == v.tokenText, expected.generatedIndex == v.generatedIndex else {
            return "its token does not match the run's token at position \(v.position)"
        }
        return nil
    }

    /// Fills in the token a verdict's position holds (id and text, generated index).
    static func annotate(_ v: inout Verdict, prompt: [Int], judged: [Int], model: LanguageModel) {
        let q = v.position
        var id: Int?
        if q >= 0 && q < prompt.count {
            id = prompt[q]
        } else if q >= prompt.count && q - prompt.count < judged.count {
            id = judged[q - prompt.count]
            v.generatedIndex = q - prompt.count
        }
        if let id {
            v.tokenID = id
            v.tokenText = model.tokenizer.decode([id], renderControlTokens: true)
        }
    }

    static func describe(_ v: Verdict) -> String {
        "\(v.kind.rawValue) at position \(v.position) by rule \(v.rule ?? "-") detector \(v.detector ?? "-")"
    }

    /// The first field in which two verdicts differ (every field is compared).
    static func difference(_ a: Verdict, _ b: Verdict) -> String? {
        if a.kind != b.kind || a.position != b.position || a.rule != b.rule {
            return "recorded \(describe(a)), replay gives \(describe(b))"
        }
        if a.detector != b.detector || a.tap != b.tap { return "detector \(a.detector ?? "-") vs \(b.detector ?? "-")" }
        if a.score?.bits != b.score?.bits { return "aggregate score recorded \(a.score.map(\.description) ?? "-"), replayed \(b.score.map(\.description) ?? "-")" }
        if a.tokenScore?.bits != b.tokenScore?.bits {
            return "token score recorded \(a.tokenScore.map(\.description) ?? "-"), replayed \(b.tokenScore.map(\.description) ?? "-")"
        }
        if a.threshold?.bits != b.threshold?.bits || a.aggregation != b.aggregation { return "threshold or aggregation differs" }
        if a.activationSHA256 != b.activationSHA256 { return "activation hash recorded \(a.activationSHA256 ?? "-"), replayed \(b.activationSHA256 ?? "-")" }
        if a.contributions.map({ "\($0.index):\($0.value.bits)" }) != b.contributions.map({ "\($0.index):\($0.value.bits)" }) {
            return "top contributions differ"
        }
        if a.tokenID != b.tokenID { return "token id recorded \(a.tokenID ?? -1), replayed \(b.tokenID ?? -1)" }
        if a.cause != b.cause { return "failure cause differs" }
        // The rest, field by field, through the stored encoding (floats by their bits).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let x = try? encoder.encode(a), let y = try? encoder.encode(b),
              let dx = (try? JSONSerialization.jsonObject(with: x)) as? [String: Any],
              let dy = (try? JSONSerialization.jsonObject(with: y)) as? [String: Any] else {
            return "the verdict cannot be encoded"
        }
        for key in Set(dx.keys).union(dy.keys).sorted() {
            let vx = dx[key].flatMap { try? JSONSerialization.data(withJSONObject: [$0], options: [.sortedKeys]) }
            let vy = dy[key].flatMap { try? JSONSerialization.data(withJSONObject: [$0], options: [.sortedKeys]) }
            if vx != vy {
                return "\(key) recorded \(vx.map { String(decoding: $0, as: UTF8.self) } ?? "absent"), replay gives \(vy.map { String(decoding: $0, as: UTF8.self) } ?? "absent")"
            }
        }
        return nil
    }
}

/// Replay's gate: S judges every token (its refusals are only recorded), and generation stops
/// where the recorded run stopped.
final class ReplayGate: TokenGate {
    let run: SupervisedRun
    let stopAt: Int?
    init(run: SupervisedRun, stopAt: Int?) {
        self.run = run
        self.stopAt = stopAt
    }
    func admit(token: Int?, position: Int, generatedIndex: Int?) throws -> Bool {
        _ = try run.admit(token: token, position: position, generatedIndex: generatedIndex)
        return position != stopAt
    }
}
