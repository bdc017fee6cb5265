// Linear probe: score = σ(w · z + b), z = x or its standardisation.
//
// Legend: D = tap width.

import Kernels
import Taps

/// A logistic-regression probe on one tap.
///
/// ```swift
/// let probe = LinearProbe(id: "harm", tap: .residPost(12), weight: w, bias: -1.5)
/// let p = try probe.score(x)   // x [D] → probability
/// ```
public final class LinearProbe: Detector {
    public let id: String
    public var kind: String { "linear" }
    public let tap: TapPoint
    public var dimension: Int { weight.count }
    public let weight: [Float]      // [D], on the standardised input when `standardization` is set
    public let bias: Float
    public let standardization: Standardization?
    public let output: ProbeOutput
    /// w / σ and b − Σ w_i μ_i / σ_i: one dot product per score.
    private let folded: [Float]     // [D]
    private let foldedBias: Float

    public init(id: String, tap: TapPoint, weight: [Float], bias: Float,
                standardization: Standardization? = nil, output: ProbeOutput = .sigmoid) {
        self.id = id
        self.tap = tap
        self.weight = weight
        self.bias = bias
        self.standardization = standardization
        self.output = output
        let (w, offset) = foldStandardization(weight, standardization)
        folded = w
        foldedBias = bias + offset
    }

    /// w · z + b.
    public func logit(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        try checkDimension(self, x)
        return folded.withUnsafeBufferPointer { dot($0.baseAddress!, x.baseAddress!, x.count) } + foldedBias
    }

    public func score(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        let l = try logit(x)
        return output == .sigmoid ? fsigmoid(l) : l
    }

    public func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] {
        guard x.count == dimension else { return [] }
        var z = Array(x)
        standardization?.apply(x, into: &z)
        return topContributions((0..<z.count).map { weight[$0] * z[$0] }, top: top)
    }
}
