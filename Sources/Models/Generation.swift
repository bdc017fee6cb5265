// Generating text: prefill the prompt, then sample, feed back, and release tokens one by one.
//
// Each sampled token is run through the model (its activations computed, and delivered to any
// tap sink) *before* it is released to the caller. A gate (the supervisor) sees those
// activations and can refuse the token: it is then never released and generation stops.
// The forward pass of a token is needed for the next one anyway, so gating costs no extra
// forward pass except for the very last token.

import Foundation
import Kernels
import Taps
import Tokenizers

/// Why generation ended.
public enum FinishReason: String, Sendable, Codable {
    /// The model produced an end-of-generation token.
    case eos
    /// A stop string appeared in the output.
    case stop
    /// The requested number of new tokens was reached.
    case length
    /// The context window is full.
    case context
    /// The gate (supervisor) halted generation.
    case halted
    /// The caller stopped generation between two tokens (`GenerationObserver.shouldCancel`), for
    /// example because the client that asked for it went away.
    case cancelled
}

public struct GenerationOptions: Sendable {
    public var maxTokens: Int = 128
    public var sampling = SamplingOptions()
    public var stopStrings: [String] = []
    public init(maxTokens: Int = 128, sampling: SamplingOptions = SamplingOptions(), stopStrings: [String] = []) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
    }
}

/// Decides whether a token computed by the model may be released.
public protocol TokenGate: AnyObject {
    /// Called after the forward pass of the prompt (index nil) or of a generated token, with the
    /// token's absolute position. Return false to halt before the token is released. Throwing
    /// also halts (fail closed).
    func admit(token: Int?, position: Int, generatedIndex: Int?) throws -> Bool
}

/// Watches a generation from outside without taking part in it: it can stop generation between
/// two tokens and sees the logits each token was drawn from (for log-probabilities). Nothing it
/// does changes which tokens are chosen.
public protocol GenerationObserver: AnyObject {
    /// Asked before each new token is drawn; true ends generation with finish reason `cancelled`.
    /// A server sets this when its client disconnects, so a generation stops within one token.
    var shouldCancel: Bool { get }
    /// Token `token` was drawn from `logits` [V] (raw, before any sampling transform). Called
    /// before the token's forward pass and before the gate judges it: the token may still be
    /// refused, so an observer keeps what it computes here until the token is released.
    func sampled(token: Int, logits: UnsafeBufferPointer<Float>)
}

public struct GenerationResult: Sendable {
    public var promptTokens: [Int]
    public var tokens: [Int]
    public var text: String
    public var finishReason: FinishReason
    /// Error message when a gate threw (generation halted, fail closed).
    public var gateError: String?

    public init(promptTokens: [Int], tokens: [Int], text: String, finishReason: FinishReason, gateError: String? = nil) {
        self.promptTokens = promptTokens
        self.tokens = tokens
        self.text = text
        self.finishReason = finishReason
        self.gateError = gateError
    }
}

/// Holds back text that might be the start of a stop string.
struct StopMatcher {
    let stops: [String]
    var pending = ""

    /// Adds text; returns (text safe to release, whether a stop string was found).
    mutating func feed(_ piece: String) -> (String, Bool) {
        pending += piece
        for s in stops where !s.isEmpty {
            if let r = pending.range(of: s) {
                let out = String(pending[..<r.lowerBound])
                pending = ""
                return (out, true)
            }
        }
        // Keep the longest suffix that is a prefix of some stop string.
        var keep = 0
        for s in stops where !s.isEmpty {
            var n = min(s.count, pending.count)
            while n > 0 {
                if pending.hasSuffix(s.prefix(n)) { keep = max(keep, n); break }
                n -= 1
            }
        }
        let cut = pending.index(pending.endIndex, offsetBy: -keep)
        let out = String(pending[..<cut])
        pending = String(pending[cut...])
        return (out, false)
    }

    mutating func flush() -> String {
        defer { pending = "" }
        return pending
    }
}

extension LanguageModel {
    /// Generates from `prompt` tokens. `onText` receives released text as it becomes final
    /// (complete UTF-8, not part of a possible stop string); it is called once per released
    /// token (possibly with "") and once more at the end. `sink` and `gate` attach a
    /// supervisor, `observer` can cancel between tokens; without them the computation is the same.
    public func generate(promptTokens prompt: [Int], options: GenerationOptions, session: InferenceSession,
                         sink: TapSink? = nil, gate: TokenGate? = nil, observer: GenerationObserver? = nil,
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        try withoutActuallyEscaping(onText) { onText in
            let g = try GenerationStepper(model: self, promptTokens: prompt, options: options, session: session,
                                          sink: sink, gate: gate, observer: observer, onText: onText)
            _ = try g.runPrompt()
            while let token = g.nextToken() {
                g.accept(try session.step(token, sink: sink))
            }
            return g.result
        }
    }
}

/// The generation loop of `LanguageModel.generate`, one token at a time, so that a scheduler can
/// run the forward passes of several generations together (`BatchedDecode`) between
/// `nextToken()` and `accept(_:)`, and can run a new generation's prompt in chunks between
/// the decode steps of the others (`runPrompt(maxTokens:)`). Driving it with `runPrompt()` and
/// `session.step` is exactly `generate`.
///
/// ```swift
/// let g = try GenerationStepper(model: lm, promptTokens: ids, options: opts, session: session)
/// _ = try g.runPrompt()
/// while let token = g.nextToken() { g.accept(try session.step(token)) }
/// let result = g.result
/// ```
public final class GenerationStepper {
    public let promptTokens: [Int]
    public let session: InferenceSession
    public let sink: TapSink?
    let model: LanguageModel
    let options: GenerationOptions
    let gate: TokenGate?
    let observer: GenerationObserver?
    let onText: (String) -> Void
    private var sampler: Sampler
    private var decoder: StreamingDecoder
    private var stops: StopMatcher
    private var history: [Int]
    private var generated: [Int] = []
    private var text = ""
    private var gateError: String?
    /// Why generation ended; nil while it goes on.
    public private(set) var finishReason: FinishReason?
    /// The token `nextToken` handed out, waiting for its logits.
    private var pending: Int?
    /// The logits [V] the next token is drawn from: a view into the session's buffer (empty
    /// until the whole prompt has run).
    private var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
    /// Prompt tokens already run through the model.
    public private(set) var promptRun = 0

    /// Whether the whole prompt has run (and the gate judged it): only then may `nextToken` be called.
    public var promptDone: Bool { promptRun == promptTokens.count }

    /// Checks the settings and rewinds the session; `runPrompt` then runs the prompt.
    public init(model: LanguageModel, promptTokens prompt: [Int], options: GenerationOptions, session: InferenceSession,
                sink: TapSink? = nil, gate: TokenGate? = nil, observer: GenerationObserver? = nil,
                onText: @escaping (String) -> Void = { _ in }) throws {
        try options.sampling.validate()
        guard !prompt.isEmpty else { throw ModelError.emptyInput }
        session.rewind(to: 0)
        if prompt.count > session.remaining {
            throw ModelError.contextExceeded(limit: session.cache.capacity, requested: prompt.count)
        }
        self.model = model
        promptTokens = prompt
        self.session = session
        self.options = options
        self.sink = sink
        self.gate = gate
        self.observer = observer
        self.onText = onText
        sampler = Sampler(options: options.sampling)
        decoder = StreamingDecoder(tokenizer: model.tokenizer)
        stops = StopMatcher(stops: options.stopStrings)
        history = prompt
    }

    /// Runs the next at most `maxTokens` prompt tokens (all by default) and returns whether the
    /// whole prompt has now run; after its last token the gate judges the prompt.
    ///
    /// The chunks change no bit: every chunk continues at the cache's position exactly as the
    /// session's own batches of `maxBatch` tokens do (a matrix product's output row depends only
    /// on its input row, attention of each token reads the cache up to its own position), and
    /// the sink receives every position once, in order. Every chunk computes all blocks and its
    /// last token's logits (a chunk asking for none could stop at the sink's highest tap and
    /// leave the cache incomplete); only the last chunk's logits are used.
    public func runPrompt(maxTokens: Int = .max) throws -> Bool {
        guard !promptDone else { return true }
        guard maxTokens >= 1 else { throw ModelError.invalidOption("a prompt chunk needs at least one token") }
        let end = promptRun + min(maxTokens, promptTokens.count - promptRun)
        let chunk = Array(promptTokens[promptRun..<end])
        let last = try session.forwardLast(chunk, sink: sink)
        promptRun = end
        if promptDone {
            logits = last
            if !admitted(nil, nil) { finishReason = .halted }
        }
        return promptDone
    }

    private func admitted(_ token: Int?, _ index: Int?) -> Bool {
        guard let gate else { return true }
        do { return try gate.admit(token: token, position: session.position - 1, generatedIndex: index) } catch {
            gateError = "\(error)"
            return false
        }
    }

    /// The next token to run through the model, or nil once generation has ended.
    public func nextToken() -> Int? {
        guard finishReason == nil else { return nil }
        precondition(promptDone, "GenerationStepper.nextToken before runPrompt finished the prompt")
        guard generated.count < options.maxTokens else { end(.length); return nil }
        if observer?.shouldCancel == true { end(.cancelled); return nil }
        let token = sampler.sample(logits, history: history)
        if model.endOfGeneration.contains(token) { end(.eos); return nil }
        if session.remaining < 1 { end(.context); return nil }
        observer?.sampled(token: token, logits: logits)
        pending = token
        return token
    }

    /// Takes the logits [V] of the forward pass of the token `nextToken` returned (valid until
    /// the session's next pass); asks the gate, then releases the token's text.
    public func accept(_ newLogits: UnsafeBufferPointer<Float>) {
        guard let token = pending else { return }
        pending = nil
        logits = newLogits
        if !admitted(token, generated.count) { end(.halted); return }
        generated.append(token)
        history.append(token)
        let (out, stopped) = stops.feed(decoder.append(token))
        text += out
        onText(out)
        if stopped { end(.stop) }
    }

    private func end(_ reason: FinishReason) {
        finishReason = reason
        if reason != .stop && reason != .halted {
            let tail = stops.feed(decoder.finish()).0 + stops.flush()
            text += tail
            onText(tail)
        }
    }

    /// What `generate` returns; read after `nextToken()` returned nil.
    public var result: GenerationResult {
        GenerationResult(promptTokens: promptTokens, tokens: generated, text: text, finishReason: finishReason ?? .length,
                         gateError: gateError)
    }
}
