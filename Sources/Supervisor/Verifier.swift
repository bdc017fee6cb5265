// Verifying a receipt log: the chain first, then a replay of each run.
//
// Chain: rows are read by seq; seq must run 1, 2, 3, ... without gaps; each body's envelope must
// repeat its row's seq, run id and kind; prev_hash must equal the previous row's hash (64 zeros
// for the first); hash must equal SHA-256(prev_hash ‖ "\n" ‖ body); a signed body's signature
// must verify with the key the body names. Every run needs its summary, with as many event rows
// before it as it says.
//
// Replay: load the model from the recorded path (or an override) and check its SHA-256; load the
// bundle likewise; rebuild the session with the recorded context and batch size; run the
// recorded prompt, then each judged token one at a time (teacher forcing), with S attached in
// sync mode. Before each token the recorded sampler settings and seed must choose that very
// token from the replayed logits. Then every score (bit for bit) and every replayable verdict
// must match; verdicts caused by timing (a missed deadline) are reported, not replayed.

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
        enum CodingKeys: String, CodingKey { case runID = "run_id", replayed, scores, verdicts, notes }
    }

    public var ok: Bool
    public var receipts: Int
    /// Hash of the newest receipt: keep it elsewhere to detect truncation later.
    public var head: String
    public var runs: [RunResult]
    public var firstMismatch: String?
    enum CodingKeys: String, CodingKey { case ok, receipts, head, runs, firstMismatch = "first_mismatch" }
}

public enum Verifier {
    /// Checks the chain; returns the first problem, or nil.
    public static func checkChain(_ rows: [ReceiptRow]) -> String? {
        var prev = ReceiptStore.genesis
        var events: [String: Int] = [:]
        var summarised = Set<String>()
        for (i, row) in rows.enumerated() {
            let expectedSeq = Int64(i + 1)
            guard row.seq == expectedSeq else { return "receipt #\(expectedSeq) is missing (found #\(row.seq) in its place)" }
            guard row.prevHash == prev else { return "receipt #\(row.seq): prev_hash does not match receipt #\(row.seq - 1)'s hash" }
            let body = Data(row.body.utf8)
            guard ReceiptStore.hash(prev: row.prevHash, body: body) == row.hash else {
                return "receipt #\(row.seq): its hash does not match its contents (edited)"
            }
            guard let header = try? JSONDecoder().decode(EnvelopeHeader.self, from: body) else {
                return "receipt #\(row.seq): body is not a receipt envelope"
            }
            guard header.seq == row.seq, header.runID == row.runID, header.kind == row.kind else {
                return "receipt #\(row.seq): body says #\(header.seq) \(header.kind) of run \(header.runID) (moved or edited)"
            }
            if let signer = header.signer {
                guard let sig = row.signature, let sigBytes = ReceiptSigner.bytes(hex: sig),
                      let keyBytes = ReceiptSigner.bytes(hex: signer),
                      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
                      key.isValidSignature(sigBytes, for: ReceiptSigner.bytes(hex: row.hash)!) else {
                    return "receipt #\(row.seq): signature missing or invalid"
                }
            }
            if row.kind == "summary" {
                guard let s = try? decodeSummary(row) else { return "receipt #\(row.seq): unreadable summary" }
                guard s.eventCount == events[row.runID, default: 0] else {
                    return "run \(row.runID): summary lists \(s.eventCount) events, the log has \(events[row.runID, default: 0])"
                }
                summarised.insert(row.runID)
            } else {
                guard !summarised.contains(row.runID) else { return "receipt #\(row.seq): event after its run's summary" }
                events[row.runID, default: 0] += 1
            }
            prev = row.hash
        }
        for run in events.keys.sorted() where !summarised.contains(run) {
            return "run \(run) has events but no summary (incomplete or truncated)"
        }
        return nil
    }

    static func decodeSummary(_ row: ReceiptRow) throws -> RunSummary {
        try JSONDecoder().decode(ReceiptEnvelope<RunSummary>.self, from: Data(row.body.utf8)).payload
    }

    static func decodeEvent(_ row: ReceiptRow) throws -> EventReceipt {
        try JSONDecoder().decode(ReceiptEnvelope<EventReceipt>.self, from: Data(row.body.utf8)).payload
    }

    /// Checks the chain, then replays `runID` (or every run). `model` and `bundle` override the
    /// recorded paths (their hashes must still match); `registry` builds the bundles' detectors
    /// (pass one that knows every kind the runs used, e.g. SAE features).
    public static func verify(store: ReceiptStore, runID: String? = nil, model: String? = nil, bundle: String? = nil,
                              replay: Bool = true, threads: Int? = nil,
                              registry: DetectorRegistry = .standard) throws -> VerificationReport {
        let rows = try store.rows()
        var report = VerificationReport(ok: true, receipts: rows.count, head: rows.last?.hash ?? ReceiptStore.genesis, runs: [])
        if let problem = checkChain(rows) {
            report.ok = false
            report.firstMismatch = problem
            return report
        }
        let summaries = rows.filter { $0.kind == "summary" && (runID == nil || $0.runID == runID) }
        if let runID, summaries.isEmpty {
            report.ok = false
            report.firstMismatch = "no run \(runID) in the log"
            return report
        }
        var models: [String: LanguageModel] = [:]
        for s in summaries {
            let summary = try decodeSummary(s)
            let events = try rows.filter { $0.runID == s.runID && $0.kind != "summary" }.map { ($0.seq, try decodeEvent($0)) }
            var result = VerificationReport.RunResult(runID: s.runID, replayed: false, scores: 0, verdicts: events.count, notes: [])
            if replay {
                do {
                    let lm = try loadModel(summary, override: model, cache: &models)
                    let b = try loadBundle(summary, override: bundle, registry: registry)
                    if let mismatch = try replayRun(summary, events: events, model: lm, bundle: b, threads: threads,
                                                    registry: registry, result: &result) {
                        report.ok = false
                        report.firstMismatch = "run \(s.runID): \(mismatch)"
                        report.runs.append(result)
                        return report
                    }
                } catch {
                    report.ok = false
                    report.firstMismatch = "run \(s.runID): cannot replay: \(error)"
                    report.runs.append(result)
                    return report
                }
            }
            report.runs.append(result)
        }
        return report
    }

    static func loadModel(_ s: RunSummary, override: String?, cache: inout [String: LanguageModel]) throws -> LanguageModel {
        let path = override ?? s.model.path
        if let lm = cache[path] { return lm }
        guard FileManager.default.fileExists(atPath: path) else {
            throw SupervisorError.replay("model \(path) not found (pass --model)")
        }
        let sha = try ModelFingerprint.sha256(of: URL(fileURLWithPath: path))
        guard sha == s.model.sha256 else {
            throw SupervisorError.replay("model \(path) has SHA-256 \(sha), the run used \(s.model.sha256)")
        }
        let lm = try LanguageModel.load(path)
        cache[path] = lm
        return lm
    }

    static func loadBundle(_ s: RunSummary, override: String?, registry: DetectorRegistry) throws -> SupervisorBundle {
        guard let path = override ?? s.bundle.path else {
            throw SupervisorError.replay("the run's bundle has no recorded path (pass --bundle)")
        }
        let b = try SupervisorBundle.load(URL(fileURLWithPath: path), registry: registry)
        guard b.sha256 == s.bundle.sha256 else {
            throw SupervisorError.replay("bundle \(path) has SHA-256 \(b.sha256), the run used \(s.bundle.sha256)")
        }
        return b
    }

    /// Replays one run; returns the first mismatch, or nil.
    static func replayRun(_ s: RunSummary, events: [(Int64, EventReceipt)], model lm: LanguageModel, bundle: SupervisorBundle,
                          threads: Int?, registry: DetectorRegistry = .standard,
                          result: inout VerificationReport.RunResult) throws -> String? {
        // A steered run is replayed with its recorded plan, rebuilt from the same files: a file
        // whose SHA-256 (or a vector whose SHA-256) differs is refused.
        var steering: SteeringPlan?
        if let spec = s.steering {
            do { steering = try SteeringPlan.build(spec, model: lm.config, registry: registry) } catch {
                return "steering: \(error)"
            }
            guard steering?.spec == spec else { return "steering: the rebuilt plan's record differs from the recorded one" }
        }
        let options = SupervisorOptions(mode: .sync, deadlineMilliseconds: 1e12, topContributions: s.engine.topContributions,
                                        steering: steering)
        let supervisor = try Supervisor(bundle: bundle, model: lm, modelSHA256: s.model.sha256, options: options)
        let session = InferenceSession(model: lm.transformer, contextLength: s.engine.contextLength,
                                       maxBatch: s.engine.maxBatch, threads: threads ?? s.engine.threads)
        session.editor = steering
        guard RunSummary.tokensHash(s.promptTokens) == s.promptSHA256 else { return "prompt tokens do not match their hash" }
        let generation = GenerationOptions(maxTokens: s.maxTokens, sampling: s.sampling, stopStrings: s.stopStrings)
        let run = supervisor.attach(promptTokens: s.promptTokens, options: generation, session: session)
        var logits = try session.forward(s.promptTokens, logits: .last, sink: run)
        _ = try run.admit(token: nil, position: session.position - 1, generatedIndex: nil)
        var sampler = Sampler(options: s.sampling)
        var history = s.promptTokens
        for (i, token) in s.judgedTokens.enumerated() {
            let chosen = sampler.sample(logits, history: history)
            guard chosen == token else {
                return "generated token \(i) (position \(s.promptTokens.count + i)): recorded \(token), the model and sampler choose \(chosen)"
            }
            logits = try session.forward([token], logits: .last, sink: run)
            _ = try run.admit(token: token, position: session.position - 1, generatedIndex: i)
            history.append(token)
        }
        guard s.generatedTokens == Array(s.judgedTokens.prefix(s.generatedTokens.count)) else {
            return "released tokens are not a prefix of the judged tokens"
        }
        let replayed = try run.finish(nil)

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
        for (p, row) in recorded.enumerated() {
            for (d, v) in row.enumerated() where v.bitPattern != again[p][d].bitPattern {
                return "score of detector '\(s.scores.detectors[d])' at position \(first + p): recorded \(ExactFloat(v)), replayed \(ExactFloat(again[p][d]))"
            }
        }
        result.scores = recorded.count * s.scores.detectors.count

        // Verdicts: every replayable recorded verdict, in order, and nothing else up to that point.
        let limit = s.scores.evaluatedThrough
        let want = events.filter { $0.1.verdict.isReplayable }
        let got = replayed.verdicts.filter { $0.isReplayable && $0.position <= limit }
        for (k, (seq, e)) in want.enumerated() {
            guard e.modelSHA256 == s.model.sha256, e.bundleSHA256 == s.bundle.sha256, e.promptSHA256 == s.promptSHA256 else {
                return "receipt #\(seq) names a different model, bundle or prompt than its run"
            }
            guard k < got.count else { return "receipt #\(seq) (\(describe(e.verdict))) is not reproduced by replay" }
            if let diff = difference(e.verdict, got[k]) { return "receipt #\(seq): \(diff)" }
        }
        if got.count > want.count { return "replay produces a verdict the log lacks: \(describe(got[want.count]))" }
        for (_, e) in events where !e.verdict.isReplayable {
            result.notes.append("fail-closed at position \(e.verdict.position) (\(e.verdict.cause?.rawValue ?? "")) depends on timing: not replayed")
        }
        result.replayed = true
        return nil
    }

    static func describe(_ v: Verdict) -> String {
        "\(v.kind.rawValue) at position \(v.position) by rule \(v.rule ?? "-") detector \(v.detector ?? "-")"
    }

    /// The first field in which two verdicts differ.
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
        return nil
    }
}
