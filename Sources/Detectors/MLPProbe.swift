// Small MLP probe: score = σ(w2 · act(W1 z + b1) + b2), one hidden layer.
//
// Legend: D = tap width, H = hidden width.

import Kernels
import Taps

/// A one-hidden-layer probe (ReLU or tanh-GELU).
///
/// ```swift
/// let mlp = MLPProbe(id: "harm-mlp", tap: .residPost(10), w1: w1, b1: b1, w2: w2, b2: 0, activation: .relu)
/// ```
public final class MLPProbe: Detector {
    public enum Activation: String, Sendable, Codable {
        case relu
        /// GELU, tanh approximation.
        case gelu
        func callAsFunction(_ a: Float) -> Float {
            switch self {
            case .relu: return max(0, a)
            case .gelu: return fgeluTanh(a)
            }
        }
        /// d act / d a (for contributions only; not on the score path).
        func derivative(_ a: Float) -> Float {
            switch self {
            case .relu: return a > 0 ? 1 : 0
            case .gelu:
                let h: Float = 1e-3
                return (fgeluTanh(a + h) - fgeluTanh(a - h)) / (2 * h)
            }
        }
    }

    public let id: String
    public var kind: String { "mlp" }
    public let tap: TapPoint
    public let dimension: Int
    public let hidden: Int
    public let w1: [Float]          // [H, D] row-major, on the standardised input
    public let b1: [Float]          // [H]
    public let w2: [Float]          // [H]
    public let b2: Float
    public let activation: Activation
    public let standardization: Standardization?
    public let output: ProbeOutput
    private let foldedW1: [Float]   // [H, D] = W1 / σ
    private let foldedB1: [Float]   // [H]

    public init(id: String, tap: TapPoint, w1: [Float], b1: [Float], w2: [Float], b2: Float,
                activation: Activation, standardization: Standardization? = nil, output: ProbeOutput = .sigmoid) throws {
        let H = b1.count
        guard H > 0, w2.count == H, w1.count % H == 0, w1.count / H > 0 else {
            throw DetectorError.failed(detector: id, reason: "MLP shapes disagree: W1 \(w1.count), b1 \(b1.count), w2 \(w2.count)")
        }
        let D = w1.count / H
        if let s = standardization, s.mean.count != D || s.scale.count != D {
            throw DetectorError.dimensionMismatch(detector: id, expected: D, found: s.mean.count)
        }
        self.id = id
        self.tap = tap
        dimension = D
        hidden = H
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
        self.activation = activation
        self.standardization = standardization
        self.output = output
        var fw = [Float](), fb = [Float]()
        fw.reserveCapacity(w1.count)
        for j in 0..<H {
            let (row, offset) = foldStandardization(Array(w1[(j * D)..<((j + 1) * D)]), standardization)
            fw += row
            fb.append(b1[j] + offset)
        }
        foldedW1 = fw
        foldedB1 = fb
    }

    /// Pre-activations a [H] = W1 z + b1.
    private func preActivations(_ x: UnsafeBufferPointer<Float>, into a: UnsafeMutableBufferPointer<Float>) {
        foldedW1.withUnsafeBufferPointer { w in
            for j in 0..<hidden { a[j] = dot(w.baseAddress! + j * dimension, x.baseAddress!, dimension) + foldedB1[j] }
        }
    }

    public func logit(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        try checkDimension(self, x)
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: hidden) { a in
            preActivations(x, into: a)
            for j in 0..<hidden { a[j] = activation(a[j]) }
            return w2.withUnsafeBufferPointer { dot($0.baseAddress!, UnsafePointer(a.baseAddress!), hidden) } + b2
        }
    }

    public func score(_ x: UnsafeBufferPointer<Float>) throws -> Float {
        let l = try logit(x)
        return output == .sigmoid ? fsigmoid(l) : l
    }

    /// Input × gradient of the logit: z_i Σ_j w2_j act'(a_j) W1[j, i].
    public func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] {
        guard x.count == dimension else { return [] }
        var z = Array(x)
        standardization?.apply(x, into: &z)
        var a = [Float](repeating: 0, count: hidden)
        a.withUnsafeMutableBufferPointer { preActivations(x, into: $0) }
        var grad = [Float](repeating: 0, count: dimension)
        for j in 0..<hidden {
            let g = w2[j] * activation.derivative(a[j])
            if g == 0 { continue }
            for i in 0..<dimension { grad[i] += g * w1[j * dimension + i] }
        }
        return topContributions((0..<dimension).map { z[$0] * grad[$0] }, top: top)
    }
}
