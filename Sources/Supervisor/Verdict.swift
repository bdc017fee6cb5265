// What S decided about one position: a rule fired (log, flag, halt) or S failed (fail closed).

import Detectors
import Foundation

/// A float recorded with its exact bits, so replay compares bits, not decimal renderings.
public struct ExactFloat: Sendable, Equatable, Codable, CustomStringConvertible {
    public var value: Float
    public init(_ value: Float) { self.value = value }
    public var bits: String { String(format: "%08x", value.bitPattern) }
    public var description: String { "\(value) (0x\(bits))" }

    enum CodingKeys: String, CodingKey { case value, bits }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value.isFinite ? Double(value) : 0, forKey: .value)
        try c.encode(bits, forKey: .bits)
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let bits = try c.decode(String.self, forKey: .bits)
        guard let b = UInt32(bits, radix: 16) else {
            throw DecodingError.dataCorruptedError(forKey: .bits, in: c, debugDescription: "not 8 hex digits")
        }
        value = Float(bitPattern: b)
    }
}

/// One recorded decision.
public struct Verdict: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case log, flag, halt
        /// S could not judge (detector error, non-finite score, missed deadline): generation halts.
        case failClosed = "fail_closed"
    }

    /// Why S failed closed.
    public enum FailureCause: String, Sendable, Codable {
        case detectorError = "detector_error"
        case nonFiniteScore = "non_finite_score"
        case deadline
        /// S fell so far behind that its input queue stayed full past the deadline.
        case backlog
        /// S stopped before judging everything it was sent.
        case incomplete

        /// Timing causes cannot be reproduced by replay; the others can.
        public var isTiming: Bool { self == .deadline || self == .backlog || self == .incomplete }
    }

    public var kind: Kind
    /// Absolute position of the judged token (prompt positions come first).
    public var position: Int
    /// Index among generated tokens, nil for a prompt position.
    public var generatedIndex: Int?
    public var tokenID: Int?
    public var tokenText: String?
    public var rule: String?
    public var action: RuleAction
    /// The detector whose score was the rule's per-token maximum.
    public var detector: String?
    public var tap: String?
    /// The aggregate compared with the threshold.
    public var score: ExactFloat?
    /// The detector's own score at this position.
    public var tokenScore: ExactFloat?
    public var threshold: ExactFloat?
    public var aggregation: Aggregation?
    /// Per-token scores in the window, oldest first.
    public var window: [Float]?
    public var contributions: [ContributionRecord]
    /// SHA-256 of the activation vector's little-endian f32 bytes.
    public var activationSHA256: String?
    public var cause: FailureCause?
    public var reason: String?

    public init(kind: Kind, position: Int, action: RuleAction) {
        self.kind = kind
        self.position = position
        self.action = action
        contributions = []
    }

    enum CodingKeys: String, CodingKey {
        case kind, position, generatedIndex = "generated_index", tokenID = "token_id", tokenText = "token_text"
        case rule, action, detector, tap, score, tokenScore = "token_score", threshold, aggregation, window
        case contributions, activationSHA256 = "activation_sha256", cause, reason
    }

    /// Whether replay should reproduce this verdict.
    public var isReplayable: Bool { !(cause?.isTiming ?? false) }
}

/// A contribution with its exact bits.
public struct ContributionRecord: Sendable, Equatable, Codable {
    public var index: Int
    public var value: ExactFloat
    public init(_ c: Contribution) {
        index = c.index
        value = ExactFloat(c.value)
    }
}
