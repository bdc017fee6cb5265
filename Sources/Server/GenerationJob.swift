// One request's generation as the engine runs it: what to generate, the events it produces for
// the HTTP side, and the cancellation flag the generation loop reads between tokens.
//
// Legend: V = vocabulary size.

import Foundation
import Kernels
import Models
import Supervisor
import Tokenizers

/// The bundle and mode one request is supervised with.
struct SupervisionChoice: @unchecked Sendable {
    // @unchecked: a loaded bundle (read-only detectors) and a mode value.
    var bundle: LoadedBundle
    var mode: SupervisionMode
}

/// Everything a worker needs to run one request, validated by the HTTP side.
struct GenerationPlan: Sendable {
    var promptTokens: [Int]
    var options: GenerationOptions
    var supervision: SupervisionChoice?
    /// Log-probabilities: nil for none, k for the chosen token and its k most likely alternatives.
    var logprobs: Int?
    /// Stream each rule's aggregate for every judged position.
    var streamScores: Bool
    /// The request's steering plan, when it asked for edits.
    var steering: SteeringAttachment? = nil
}

/// Text released since the previous delta, with what S reported meanwhile.
struct JobDelta: Sendable {
    var text: String
    var logprobs: [TokenLogprob] = []
    var scores: [ScoreRowJSON] = []
    var verdicts: [VerdictJSON] = []
    /// Rule aggregates of the positions judged since the previous delta, whether or not the
    /// request asked for them (`scores`): what the live page shades the text with.
    var judged: [ScoreRowJSON] = []
    var isEmpty: Bool { text.isEmpty && logprobs.isEmpty && scores.isEmpty && verdicts.isEmpty }
}

/// How a run ended.
struct JobOutcome: Sendable {
    var promptTokens: Int
    var completionTokens: Int
    /// OpenAI's finish reason: stop, length, content_filter (S halted), or cancelled.
    var finishReason: String
    var overseer: OverseerJSON
}

enum JobEvent: Sendable {
    /// A worker took the job; its run id (the supervised run's, which receipts carry).
    case started(runID: String)
    case delta(JobDelta)
    case finished(JobOutcome)
    case failed(APIError)
}

/// One request in the engine. The worker thread writes events; the HTTP side reads them and
/// cancels the job when its client goes away (or the server stops).
final class GenerationJob: GenerationObserver, @unchecked Sendable {
    // @unchecked: the cancellation flags are guarded by `lock`; pending log-probabilities belong
    // to the generation thread alone; events go through the AsyncStream continuation (thread-safe).
    let plan: GenerationPlan
    let events: AsyncStream<JobEvent>
    private let continuation: AsyncStream<JobEvent>.Continuation
    private let lock = NSLock()
    private var cancelled = false
    /// Set when the engine stopped the job (shutdown), as opposed to its client leaving.
    private(set) var cancelledByServer = false
    let tokenizer: any Tokenizer
    let submittedAt = Date()

    /// Log-probabilities of sampled tokens not yet handed out (generation thread only).
    private var pendingLogprobs: [TokenLogprob] = []

    init(plan: GenerationPlan, tokenizer: any Tokenizer) {
        self.plan = plan
        self.tokenizer = tokenizer
        (events, continuation) = AsyncStream.makeStream(of: JobEvent.self)
    }

    /// Stops the generation before its next token (or before it starts).
    func cancel(byServer: Bool = false) {
        lock.lock()
        if !cancelled { cancelledByServer = byServer }
        cancelled = true
        lock.unlock()
    }

    var shouldCancel: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func emit(_ event: JobEvent) {
        continuation.yield(event)
        switch event {
        case .finished, .failed: continuation.finish()
        case .started, .delta: break
        }
    }

    // MARK: GenerationObserver

    func sampled(token: Int, logits: UnsafeBufferPointer<Float>) {
        guard let k = plan.logprobs, let base = logits.baseAddress else { return }
        let V = logits.count
        let lse = logSumExp(base, n: V)
        var top: [TokenLogprob.Alternative] = []
        if k > 0 {
            // The k largest logits, ties to the lower id: one pass keeping a small sorted list.
            var best: [(id: Int, logit: Float)] = []
            for i in 0..<V {
                let v = logits[i]
                if best.count == k, v <= best[k - 1].logit { continue }
                var j = best.count
                while j > 0 && best[j - 1].logit < v { j -= 1 }
                best.insert((i, v), at: j)
                if best.count > k { best.removeLast() }
            }
            top = best.map { alternative($0.id, logprob: $0.logit - lse) }
        }
        let chosen = alternative(token, logprob: logits[token] - lse)
        pendingLogprobs.append(TokenLogprob(token: chosen.token, logprob: chosen.logprob, bytes: chosen.bytes, topLogprobs: top))
    }

    private func alternative(_ id: Int, logprob: Float) -> TokenLogprob.Alternative {
        let bytes = tokenizer.pieceBytes(id, renderControlTokens: true)
        return TokenLogprob.Alternative(token: String(decoding: bytes, as: UTF8.self), logprob: logprob, bytes: bytes)
    }

    /// Log-probabilities of the tokens released so far and not yet handed out.
    func takeLogprobs() -> [TokenLogprob] {
        defer { pendingLogprobs.removeAll() }
        return pendingLogprobs
    }
}
