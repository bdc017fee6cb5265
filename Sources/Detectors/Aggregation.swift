// Aggregating per-token scores over a window of recent tokens.
//
// A rule compares an aggregate, not a single token's score, with its threshold: `max` reacts to
// one strong token, `mean` needs a sustained signal, `ema` weighs recent tokens more. The window
// always counts evaluated positions, in position order.

/// How a rule aggregates its per-token scores.
public struct Aggregation: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The token's own score (window ignored).
        case last
        /// Largest of the last `window` scores.
        case max
        /// Mean of the last `window` scores (fewer at the start).
        case mean
        /// e_t = α s_t + (1 − α) e_{t−1}, e_0 = s_0; α defaults to 2 / (window + 1).
        case ema
    }

    public static let maxWindow = 4096

    public var kind: Kind
    public var window: Int
    public var alpha: Float?

    public init(kind: Kind, window: Int = 1, alpha: Float? = nil) {
        self.kind = kind
        self.window = window
        self.alpha = alpha
    }

    public static let last = Aggregation(kind: .last)

    /// α actually used by `ema`.
    public var effectiveAlpha: Float { alpha ?? 2 / (Float(window) + 1) }

    public var description: String {
        switch kind {
        case .last: return "last"
        case .ema: return "ema(window \(window), alpha \(effectiveAlpha))"
        default: return "\(kind.rawValue)(\(window))"
        }
    }

    /// Throws a message for a window outside 1...4096 or an α outside (0, 1].
    public func validate() throws -> Void {
        guard window >= 1, window <= Self.maxWindow else {
            throw BundleError.invalidManifest("aggregation window \(window) must be in 1...\(Self.maxWindow)")
        }
        if let alpha, !(alpha > 0 && alpha <= 1) {
            throw BundleError.invalidManifest("ema alpha \(alpha) must be in (0, 1]")
        }
    }
}

/// The running state of one aggregation.
///
/// ```swift
/// var agg = WindowAggregator(Aggregation(kind: .mean, window: 3))
/// agg.push(0.2); agg.push(0.4)   // → 0.3
/// ```
public struct WindowAggregator: Sendable {
    public let aggregation: Aggregation
    private var ring: [Float]       // [window], oldest at `head` once full
    private var head = 0
    private var count = 0
    private var ema: Float = 0
    private var pushed = 0

    public init(_ aggregation: Aggregation) {
        self.aggregation = aggregation
        ring = [Float](repeating: 0, count: max(1, aggregation.window))
    }

    /// Scores currently in the window, oldest first.
    public var window: [Float] {
        (0..<count).map { ring[(head + ring.count - count + $0) % ring.count] }
    }

    /// Adds the next token's score; returns the aggregate including it.
    public mutating func push(_ score: Float) -> Float {
        ring[head] = score
        head = (head + 1) % ring.count
        count = min(count + 1, ring.count)
        pushed += 1
        switch aggregation.kind {
        case .last:
            return score
        case .max:
            var m = -Float.infinity
            for v in window { m = Swift.max(m, v) }
            return m
        case .mean:
            // Summed oldest first in Double, divided once: the same bits for the same window.
            var s: Double = 0
            for v in window { s += Double(v) }
            return Float(s / Double(count))
        case .ema:
            let a = aggregation.effectiveAlpha
            ema = pushed == 1 ? score : a * score + (1 - a) * ema
            return ema
        }
    }
}
