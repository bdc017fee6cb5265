// A run's receipts: the start receipt (written before the first token can leave: model, bundle,
// engine settings, prompt, sampling settings and seed), event receipts (verdicts), and the summary
// receipt (everything replay needs, the generated token ids and every score S computed).

import Detectors
import Formats
import Foundation
import Models
import Steering

/// How S is attached to generation.
public enum SupervisionMode: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A token is released only after S has judged it. S runs on the generation thread, inside
    /// the model's tap callbacks, so its cost adds to each token directly (a few dot products).
    case sync
    /// S runs on its own thread, fed copies of the tapped vectors through a bounded queue. The
    /// gate lets token q go when S has judged every position ≤ q − lag, and blocks (up to the
    /// deadline) otherwise, so a halt lands within `lag` tokens: at most `lag` tokens at or after
    /// the offending one are released. `lag` 0 behaves like sync on another thread.
    case async(lag: Int)

    public var lag: Int {
        if case .async(let k) = self { return k }
        return 0
    }
    public var description: String {
        switch self {
        case .sync: return "sync"
        case .async(let k): return "async(lag \(k))"
        }
    }
}

public struct ModelRecord: Sendable, Equatable, Codable {
    public var path: String
    public var sha256: String
    public var architecture: String
}

public struct BundleRecord: Sendable, Equatable, Codable {
    public var path: String?
    public var sha256: String
    public var name: String
}

/// The engine settings that decide every bit of the computation (threads do not, but are recorded).
public struct EngineRecord: Sendable, Equatable, Codable {
    public var threads: Int
    public var maxBatch: Int
    public var contextLength: Int
    public var build: String
    public var mode: String
    public var lag: Int
    public var deadlineMilliseconds: Double
    public var topContributions: Int
    enum CodingKeys: String, CodingKey {
        case threads, maxBatch = "max_batch", contextLength = "context_length", build, mode, lag
        case deadlineMilliseconds = "deadline_ms", topContributions = "top_contributions"
    }

    public static var buildDescription: String {
        var arch = "unknown"
        #if arch(x86_64)
        arch = "x86_64"
        #elseif arch(arm64)
        arch = "arm64"
        #endif
        var os = "unknown"
        #if os(Linux)
        os = "linux"
        #elseif os(macOS)
        os = "macos"
        #endif
        return "overseer \(OverseerVersion.string) \(arch)-\(os)"
    }
}

public enum OverseerVersion {
    public static let string = "0.1.0"
}

/// Every score of a run: rows [positions, detectors] of little-endian f32, base64. NaN marks a
/// detector that was out of scope at that position.
public struct ScoreTable: Sendable, Equatable, Codable {
    public var firstPosition: Int
    public var evaluatedThrough: Int
    public var detectors: [String]
    public var f32le: String
    public var sha256: String
    enum CodingKeys: String, CodingKey {
        case firstPosition = "first_position", evaluatedThrough = "evaluated_through", detectors, f32le, sha256
    }

    init(firstPosition: Int, evaluatedThrough: Int, detectors: [String], rows: [[Float]]) {
        self.firstPosition = firstPosition
        self.evaluatedThrough = evaluatedThrough
        self.detectors = detectors
        var data = Data(capacity: rows.count * detectors.count * 4)
        for row in rows { for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
        f32le = data.base64EncodedString()
        sha256 = Digest.sha256(data)
    }

    /// The decoded rows; nil when the base64 or its length is wrong.
    public var rows: [[Float]]? {
        guard let data = Data(base64Encoded: f32le), !detectors.isEmpty, data.count % (4 * detectors.count) == 0 else {
            return detectors.isEmpty ? [] : nil
        }
        let n = detectors.count
        let values = (0..<(data.count / 4)).map { i in
            Float(bitPattern: data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) })
        }
        return stride(from: 0, to: values.count, by: n).map { Array(values[$0..<($0 + n)]) }
    }
}

/// The start receipt's payload: what the run is about to do, stored before any token is released.
/// The summary repeats every field, and verify checks that the two agree.
public struct RunStart: Sendable, Equatable, Codable {
    /// The receipt kind of a start receipt.
    public static let kind = "start"
    public var model: ModelRecord
    public var bundle: BundleRecord
    public var engine: EngineRecord
    public var promptSHA256: String
    public var promptTokens: [Int]
    public var sampling: SamplingOptions
    public var maxTokens: Int
    public var stopStrings: [String]
    public var startedAt: String
    /// The steering plan the run's activations are edited by (sources and vectors with their
    /// SHA-256), recorded before the first token like everything else the run promises; absent
    /// for plain supervision.
    public var steering: SteeringSpec?

    enum CodingKeys: String, CodingKey {
        case model, bundle, engine, promptSHA256 = "prompt_sha256", promptTokens = "prompt_tokens", sampling
        case maxTokens = "max_tokens", stopStrings = "stop_strings", startedAt = "started_at", steering
    }
}

/// The summary receipt's payload: the start receipt's fields (flat, in the same JSON object)
/// and how the run ended. `summary.model`, `summary.engine`, … read the start's fields.
@dynamicMemberLookup
public struct RunSummary: Sendable, Equatable, Codable {
    /// What the start receipt promised; verify checks the two are equal.
    public var start: RunStart
    /// Tokens released to the caller.
    public var generatedTokens: [Int]
    /// Tokens S judged after the prompt (released ones plus a withheld one when halted).
    public var judgedTokens: [Int]
    public var finishReason: String
    public var halted: Bool
    public var gateError: String?
    public var verdictCounts: [String: Int]
    /// Event receipts of this run, appended before this summary.
    public var eventCount: Int
    public var scores: ScoreTable
    public var endedAt: String

    public subscript<T>(dynamicMember field: WritableKeyPath<RunStart, T>) -> T {
        get { start[keyPath: field] }
        set { start[keyPath: field] = newValue }
    }

    enum CodingKeys: String, CodingKey {
        case generatedTokens = "generated_tokens"
        case judgedTokens = "judged_tokens", finishReason = "finish_reason", halted, gateError = "gate_error"
        case verdictCounts = "verdict_counts", eventCount = "event_count", scores, endedAt = "ended_at"
    }

    public init(start: RunStart, generatedTokens: [Int], judgedTokens: [Int], finishReason: String, halted: Bool,
                gateError: String?, verdictCounts: [String: Int], eventCount: Int, scores: ScoreTable, endedAt: String) {
        self.start = start
        self.generatedTokens = generatedTokens
        self.judgedTokens = judgedTokens
        self.finishReason = finishReason
        self.halted = halted
        self.gateError = gateError
        self.verdictCounts = verdictCounts
        self.eventCount = eventCount
        self.scores = scores
        self.endedAt = endedAt
    }

    // One flat JSON object: the start's keys and these.
    public init(from decoder: Decoder) throws {
        start = try RunStart(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generatedTokens = try c.decode([Int].self, forKey: .generatedTokens)
        judgedTokens = try c.decode([Int].self, forKey: .judgedTokens)
        finishReason = try c.decode(String.self, forKey: .finishReason)
        halted = try c.decode(Bool.self, forKey: .halted)
        gateError = try c.decodeIfPresent(String.self, forKey: .gateError)
        verdictCounts = try c.decode([String: Int].self, forKey: .verdictCounts)
        eventCount = try c.decode(Int.self, forKey: .eventCount)
        scores = try c.decode(ScoreTable.self, forKey: .scores)
        endedAt = try c.decode(String.self, forKey: .endedAt)
    }

    public func encode(to encoder: Encoder) throws {
        try start.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedTokens, forKey: .generatedTokens)
        try c.encode(judgedTokens, forKey: .judgedTokens)
        try c.encode(finishReason, forKey: .finishReason)
        try c.encode(halted, forKey: .halted)
        try c.encodeIfPresent(gateError, forKey: .gateError)
        try c.encode(verdictCounts, forKey: .verdictCounts)
        try c.encode(eventCount, forKey: .eventCount)
        try c.encode(scores, forKey: .scores)
        try c.encode(endedAt, forKey: .endedAt)
    }

    /// SHA-256 of the token ids as little-endian u32.
    public static func tokensHash(_ tokens: [Int]) -> String {
        var data = Data(capacity: tokens.count * 4)
        for t in tokens { withUnsafeBytes(of: UInt32(truncatingIfNeeded: t).littleEndian) { data.append(contentsOf: $0) } }
        return Digest.sha256(data)
    }
}

/// The event receipt's payload: a verdict with the run's identities, so each receipt stands alone.
public struct EventReceipt: Sendable, Equatable, Codable {
    public var modelSHA256: String
    public var bundleSHA256: String
    public var engine: EngineRecord
    public var promptSHA256: String
    public var verdict: Verdict
    enum CodingKeys: String, CodingKey {
        case modelSHA256 = "model_sha256", bundleSHA256 = "bundle_sha256", engine, promptSHA256 = "prompt_sha256", verdict
    }
}
