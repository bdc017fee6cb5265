// Difference-of-means direction: score = (u · x̂ − u · μ) / s.
//
// Legend: D = tap width.
//
// u is the unit vector from the mean of the counterexamples to the mean of the examples; x̂ is x,
// or x / ‖x‖ when the direction was fitted on unit-normalised activations; μ (optional, the
// centre) and s (optional, a positive scale such as the projections' standard deviation) put the
// score on a scale where a threshold is easy to choose.

import Kernels
import Taps

/// A projection onto a difference-of-means direction.
///
/// ```swift
/// let d = try DirectionDetector(id: "truth", tap: .residPost(8), direction: u, mean: mu, scale: 2.5)
/// let s = try d.score(x)   // x [D] → signed distance along u, in units of s
/// ```
public final class DirectionDetector: Detector {
    /// How the activation is prepared before the projection.
    public enum Normalization: String, Sendable, Codable, CaseIterable {
        case none
        /// x / ‖x‖ (‖x‖ accumulated in Double).
        case unit
    }

    public let id: String
    public var kind: String { "diff_mean" }
    public let tap: TapPoint
    public var dimension: Int { direction.count }
    public let direction: [Float]   // [D], unit length (normalised when built)
    public let mean: [Float]?       // [D]
    public let scale: Float
    public let normalization: Normalization
    /// u · μ, accumulated in Double.
    private let centre: Float

    /// Normalises `direction` to unit length (in Double, rounded once per element). Throws for a
    /// zero direction or a non-positive scale.
    public init(id: String, tap: TapPoint, direction: [Float], mean: [Float]? = nil, scale: Float = 1,
                normalization: Normalization = .none) throws {
        var norm: Double = 0
        for v in direction { norm += Double(v) * Double(v) }
        norm = norm.squareRoot()
        guard norm > 0, norm.isFinite else { throw DetectorError.failed(detector: id, reason: "zero or non-finite direction") }
        guard scale > 0, scale.isFinite else { throw DetectorError.failed(detector: id, reason: "scale must be > 0") }
        if let mean, mean.count != direction.count {
            throw DetectorError.dimensionMismatch(detector: id, expected: direction.count, found: mean.count)
        }
        self.id = id
        self.tap = tap
        self.direction = direction.map { Float(Double($0) / norm) }
        self.mean = mean
        self.scale = scale
        self.normalization = normalization
        var c: Double = 0
        if let mean { for i in 0..<mean.count { c += Double(self.direction[i]) * Double(mean[i]) } }
        centre = Float(c)
    }

    /// 1 / ‖x‖ for `.unit`, else 1.
    private func inputScale(_ x: UnsafeBufferPointer<Float>) -> Float {
        guard normalization == .unit else { return 1 }
        var sum: Double = 0
        for v in x { sum += Double(v) * Double(v) }
        return sum > 0 ? Float(1 / sum.squareRoot()) : 1
    }

    public func score(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        try checkDimension(self, x)
        let projection = direction.withUnsafeBufferPointer { dot($0.baseAddress!, x.baseAddress!, x.count) }
        return (projection * inputScale(x) - centre) / scale
    }

    public func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] {
        guard x.count == dimension else { return [] }
        let k = inputScale(x)
        let values = (0..<x.count).map { i in direction[i] * (x[i] * k - (mean?[i] ?? 0)) / scale }
        return topContributions(values, top: top)
    }
}
