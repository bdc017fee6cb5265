// What a risk run reports: the estimates with the identities needed to reproduce them (model,
// bundles, proposal, prompts, seed), and a digest over all of it.

import Formats
import Foundation
import Models
import Steering

public enum RiskMethod: String, Sendable, Codable, CaseIterable {
    /// Plain sampling, Clopper–Pearson intervals.
    case mc
    /// Importance sampling, empirical Bernstein interval.
    case `is`
    /// Tree search with probability-mass bounds.
    case exact
}

/// The JSON record of one `overseer risk` run. Everything in it is a function of the command
/// (no timings), so the same command gives the same bytes.
public struct RiskRecord: Codable, Sendable {
    public struct Identity: Codable, Sendable {
        public var path: String?
        public var name: String?
        public var sha256: String
        public init(path: String? = nil, name: String? = nil, sha256: String) {
            self.path = path
            self.name = name
            self.sha256 = sha256
        }
    }

    public var method: String
    public var model: Identity
    public var event: [EventClause]
    public var horizon: Int
    public var prompts: Int
    public var promptsSHA256: String
    public var chat: Bool
    public var seed: UInt64
    public var sampling: SamplingOptions
    public var confidence: Double
    public var samplesPerPrompt: Int?
    /// The halting supervisor S.
    public var bundle: Identity?
    /// The bundle deciding rule: clauses.
    public var eventBundle: Identity?
    /// The importance-sampling proposal (its description and SHA-256).
    public var proposal: ProposalRecord?
    public var monteCarlo: MonteCarloResult?
    /// P(halt) on the benign prompts.
    public var benign: MonteCarloResult.Estimate?
    public var benignSHA256: String?
    public var importance: ImportanceSummary?
    public var exact: ExactResult?
    /// SHA-256 of this record's canonical JSON without this field.
    public var configSHA256: String?

    public init(method: String, model: Identity, event: [EventClause], horizon: Int, prompts: Int, promptsSHA256: String,
                chat: Bool, seed: UInt64, sampling: SamplingOptions, confidence: Double) {
        self.method = method
        self.model = model
        self.event = event
        self.horizon = horizon
        self.prompts = prompts
        self.promptsSHA256 = promptsSHA256
        self.chat = chat
        self.seed = seed
        self.sampling = sampling
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case method, model, event, horizon, prompts, chat, seed, sampling, confidence, bundle, proposal, benign, importance, exact
        case promptsSHA256 = "prompts_sha256", samplesPerPrompt = "samples_per_prompt", eventBundle = "event_bundle"
        case monteCarlo = "monte_carlo", benignSHA256 = "benign_sha256", configSHA256 = "record_sha256"
    }

    /// SHA-256 of the canonical JSON (sorted keys) of the record without its digest.
    public func digest() throws -> String {
        var copy = self
        copy.configSHA256 = nil
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Digest.sha256(try e.encode(copy))
    }

    /// A few lines for people.
    public var humanReadable: String {
        func pct(_ x: Double) -> String { String(format: "%.4g", x) }
        func line(_ name: String, _ e: MonteCarloResult.Estimate) -> String {
            "\(name): \(e.events)/\(e.samples) = \(pct(e.estimate))  [\(pct(e.interval.lower)), \(pct(e.interval.upper))] at \(confidence)"
        }
        var out: [String] = []
        if let m = monteCarlo {
            out.append(line("P(event)", m.event))
            if let r = m.releasedEvent { out.append(line("P(event in released text, with S)", r)) }
            if let h = m.halt { out.append(line("P(halt)", h)) }
        }
        if let b = benign { out.append(line("P(halt on benign prompts)", b)) }
        if let s = importance {
            out.append("P(event) ≈ \(pct(s.estimate)) ± \(pct(s.standardError)) (standard error); "
                       + "empirical Bernstein [\(pct(s.interval.lower)), \(pct(s.interval.upper))] at \(confidence); "
                       + "\(s.events) events in \(s.samples) samples, ESS \(String(format: "%.1f", s.effectiveSampleSize))")
        }
        if let x = exact {
            out.append("P(event) in [\(pct(x.lower)), \(pct(x.upper))] (exact bounds; \(x.expansions) forward passes, "
                       + "\(x.complete ? "tree exhausted" : "budget spent"))")
        }
        return out.joined(separator: "\n")
    }
}

/// The proposal of an importance-sampling run.
public struct ProposalRecord: Codable, Sendable, Equatable {
    public var temperature: Float
    /// The steering plan as recorded (sources and vector hashes), when steered.
    public var steering: SteeringSpecDigest?
    /// The logit boost of the event's tokens, when boosted.
    public var boost: BoostDigest?
    public var defensive: Double
    public var sha256: String

    public struct SteeringSpecDigest: Codable, Sendable, Equatable {
        public var sha256: String
        public var edits: Int
    }

    public struct BoostDigest: Codable, Sendable, Equatable {
        public var logit: Float
        public var tokens: Int
        /// SHA-256 of the boosted ids, comma-separated in ascending order.
        public var sha256: String
    }

    /// The record of a proposal: its temperature, the steering plan's SHA-256 (over its canonical
    /// spec, vector hashes included), the boost (logit and the SHA-256 of its token ids), the
    /// defensive share, and one SHA-256 over them (an unboosted proposal hashes as it did before
    /// boosts existed).
    public init(temperature: Float, steering: SteeringSpec?, boost: ProposalBoost? = nil, defensive: Double) throws {
        self.temperature = temperature
        self.steering = try steering.map { SteeringSpecDigest(sha256: try $0.sha256(), edits: $0.edits.count) }
        self.boost = boost.map {
            BoostDigest(logit: $0.logit, tokens: $0.tokens.count,
                        sha256: Digest.sha256(Data($0.tokens.map(String.init).joined(separator: ",").utf8)))
        }
        self.defensive = defensive
        var text = "temperature=\(temperature.bitPattern);defensive=\(defensive.bitPattern);steering=\(self.steering?.sha256 ?? "none")"
        if let b = self.boost { text += ";boost=\(b.logit.bitPattern),\(b.sha256)" }
        sha256 = Digest.sha256(Data(text.utf8))
    }
}
