// A token-level tilt of the importance-sampling proposal toward the event.
//
// A steered copy of the model moves mass toward a *concept*; the event is usually a handful of
// tokens. The boost adds `logit` b to the raw logits [V] of a token set S at every generated
// position, before the proposal sampler's penalty and temperature: at proposal temperature 1,
//   q(t | h) = p(t | h) · e^{b·1[t ∈ S]} / Z(h),   Z(h) = 1 + p(S | h) (e^b − 1),
// so every event path through a token of S is boosted in proportion to its target probability
// (a path the target barely takes stays rare), and paths that reach the event otherwise are
// still possible (q > 0 wherever p > 0). The weights stay exact: q is computed by the same
// `Sampler.distribution` call as any proposal, from the boosted logits.
//
// S defaults to the event's own tokens: every id t whose decoding alone makes the event hold
// (a text or regex clause on the token's text, or a one-token `tokens:` clause), found by one
// pass over the vocabulary.

import Foundation
import Models

public struct ProposalBoost: Sendable, Equatable {
    /// Boosted token ids, ascending, unique.
    public let tokens: [Int]
    /// Added to each boosted token's raw logit.
    public let logit: Float

    public init(tokens: [Int], logit: Float) throws {
        guard logit.isFinite else { throw RiskError.invalidOption("the proposal boost must be a finite number") }
        let ids = Array(Set(tokens)).sorted()
        guard let first = ids.first else { throw RiskError.invalidOption("the proposal boost needs at least one token") }
        guard first >= 0 else { throw RiskError.invalidOption("boosted token ids must be ≥ 0") }
        self.tokens = ids
        self.logit = logit
    }

    /// The tokens (ascending) that alone make `event` hold: decoded on their own, a text or regex
    /// clause matches, or a one-token `tokens:` clause names them. End-of-generation tokens are
    /// left out (they end a sample without the event).
    public static func eventTokens(model: LanguageModel, event: RiskEvent) -> [Int] {
        (0..<model.config.vocab).filter { t in
            !model.endOfGeneration.contains(t)
                && event.matches(text: event.readsText ? model.tokenizer.decode([t]) : "", tokens: [t])
        }
    }

    /// Adds the boost to `logits` [V] in place (ids beyond the row are ignored).
    public func apply(to logits: inout [Float]) {
        for t in tokens where t < logits.count { logits[t] += logit }
    }
}
