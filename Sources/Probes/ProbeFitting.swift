// Fitting the three detector kinds on rows of one tap: logistic probe, difference-of-means
// direction, small MLP. Each returns a Detectors type ready for a bundle.
//
// Legend: N = training rows, D = tap width, H = MLP hidden width.

import Activations
import Detectors
import Evaluation
import Foundation
import Kernels
import LabeledData
import Taps

/// Σ a_i b_i over n Doubles in 8 lanes (element i in lane i mod 8), lanes summed in a fixed
/// tree: the same bits on every CPU and faster than a scalar loop.
@inline(__always)
func dotDouble(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var acc = SIMD8<Double>()
    var i = 0
    while i + 8 <= n {
        acc.addProduct(UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Double>.self),
                       UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Double>.self))
        i += 8
    }
    var l = 0
    while i < n { acc[l] = acc[l].addingProduct(a[i], b[i]); i += 1; l += 1 }
    let h = SIMD4(acc[0], acc[1], acc[2], acc[3]) + SIMD4(acc[4], acc[5], acc[6], acc[7])
    return (h[0] + h[2]) + (h[1] + h[3])
}

/// Rows of one tap, split for fitting and choosing.
public struct LabeledRows: Sendable {
    public var x: Matrix      // [N, D]
    public var y: [Int]       // [N]
    public init(x: Matrix, y: [Int]) {
        self.x = x
        self.y = y
    }
    public var positives: Int { y.filter { $0 == 1 }.count }
}

public enum ProbeFitting {
    /// A logistic probe: standardisation from `train`, weights from `LogisticRegression`.
    public static func logistic(id: String, tap: TapPoint, train: LabeledRows, options: LogisticOptions,
                                scaling: FeatureScaling? = nil, start: LogisticFit? = nil) throws -> (LinearProbe, LogisticFit) {
        let scaling = scaling ?? FeatureScaling(train.x)
        let fit = try LogisticRegression.fit(scaling.apply(train.x), train.y, options: options, start: start)
        let probe = LinearProbe(id: id, tap: tap, weight: fit.weights.map { Float($0) }, bias: Float(fit.bias),
                                standardization: Standardization(mean: scaling.mean.map { Float($0) },
                                                                 scale: scaling.scale.map { Float($0) }),
                                output: .sigmoid)
        return (probe, fit)
    }

    /// A difference-of-means direction u = μ₁ − μ₀ (on x or x/‖x‖), centred at (μ₁ + μ₀)/2 and
    /// scaled by the pooled within-class standard deviation of the projections.
    public static func diffMean(id: String, tap: TapPoint, train: LabeledRows,
                                normalization: DirectionDetector.Normalization) throws -> DirectionDetector {
        let D = train.x.cols
        let n1 = train.positives, n0 = train.y.count - n1
        guard n1 > 0, n0 > 0 else { throw TrainingError.oneClass("\(n1) positive and \(n0) negative rows") }
        var rows = train.x.values
        if normalization == .unit {
            for r in 0..<train.x.rows {
                var s = 0.0
                for c in 0..<D { s += rows[r * D + c] * rows[r * D + c] }
                let k = s > 0 ? 1 / s.squareRoot() : 1
                for c in 0..<D { rows[r * D + c] *= k }
            }
        }
        var m1 = [Double](repeating: 0, count: D), m0 = m1
        for r in 0..<train.x.rows {
            for c in 0..<D {
                if train.y[r] == 1 { m1[c] += rows[r * D + c] } else { m0[c] += rows[r * D + c] }
            }
        }
        for c in 0..<D { m1[c] /= Double(n1); m0[c] /= Double(n0) }
        let u = (0..<D).map { m1[$0] - m0[$0] }
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { throw TrainingError.notConverged("the class means coincide: no direction") }
        let unit = u.map { $0 / norm }
        let centre = (0..<D).map { (m1[$0] + m0[$0]) / 2 }
        // Pooled within-class variance of the projections.
        let c1 = dotD(unit, m1), c0 = dotD(unit, m0)
        var ss = 0.0
        for r in 0..<train.x.rows {
            var p = 0.0
            for c in 0..<D { p += unit[c] * rows[r * D + c] }
            let d = p - (train.y[r] == 1 ? c1 : c0)
            ss += d * d
        }
        let scale = max((ss / Double(max(1, train.x.rows - 2))).squareRoot(), 1e-6)
        return try DirectionDetector(id: id, tap: tap, direction: unit.map { Float($0) }, mean: centre.map { Float($0) },
                                     scale: Float(scale), normalization: normalization)
    }
}

/// Settings of the MLP probe's training.
public struct MLPOptions: Sendable, Equatable {
    public var hidden: Int
    public var epochs: Int
    public var batch: Int
    public var learningRate: Double
    public var weightDecay: Double
    public var seed: UInt64
    public init(hidden: Int = 64, epochs: Int = 60, batch: Int = 32, learningRate: Double = 1e-3,
                weightDecay: Double = 1e-3, seed: UInt64 = 0) {
        self.hidden = hidden
        self.epochs = epochs
        self.batch = batch
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.seed = seed
    }
}

/// A one-hidden-layer ReLU probe trained with Adam on class-balanced binary cross-entropy,
/// keeping the epoch with the lowest validation loss (or the last, without validation rows).
/// Deterministic: Double arithmetic on one thread, batches drawn with SplitMix64 from `seed`.
public enum MLPTraining {
    public static func fit(id: String, tap: TapPoint, train: LabeledRows, validation: LabeledRows?,
                           options o: MLPOptions) throws -> MLPProbe {
        let D = train.x.cols, H = o.hidden, N = train.x.rows
        let n1 = train.positives
        guard n1 > 0, n1 < N else { throw TrainingError.oneClass("\(n1) positive of \(N) rows") }
        guard H >= 1, H <= 4096, o.epochs >= 1, o.batch >= 1 else {
            throw TrainingError.badOption("MLP hidden width must be 1...4096, epochs and batch ≥ 1")
        }
        let scaling = FeatureScaling(train.x)
        let z = scaling.apply(train.x)
        let zVal = validation.map { scaling.apply($0.x) }
        var rng = SplitMix64(seed: o.seed)
        // He-uniform initialisation; θ = [W1 (H×D) | b1 (H) | w2 (H) | b2].
        let P = H * D + 2 * H + 1
        var theta = [Double](repeating: 0, count: P)
        let bound1 = (6.0 / Double(D)).squareRoot(), bound2 = (6.0 / Double(H)).squareRoot()
        for i in 0..<(H * D) { theta[i] = (2 * rng.nextUnit() - 1) * bound1 }
        for i in 0..<H { theta[H * D + H + i] = (2 * rng.nextUnit() - 1) * bound2 }
        let weight1 = Double(N) / (2 * Double(n1)), weight0 = Double(N) / (2 * Double(N - n1))
        var mAdam = [Double](repeating: 0, count: P), vAdam = mAdam
        var grad = [Double](repeating: 0, count: P)
        var hidden = [Double](repeating: 0, count: H)
        var best = theta, bestLoss = Double.infinity
        var power1 = 1.0, power2 = 1.0   // β₁ᵗ, β₂ᵗ (running products, not pow: same bits everywhere)
        var order = Array(0..<N)

        func loss(_ z: Matrix, _ y: [Int]) -> Double {
            var total = 0.0
            var h = [Double](repeating: 0, count: H)
            for r in 0..<z.rows {
                let s = forward(theta, z, r, D: D, H: H, hidden: &h)
                total += (y[r] == 1 ? weight1 : weight0) * (dsoftplus(s) - Double(y[r]) * s)
            }
            return total / Double(z.rows)
        }

        for _ in 0..<o.epochs {
            rng.shuffle(&order)
            var start = 0
            while start < N {
                let batch = order[start..<min(N, start + o.batch)]
                start += o.batch
                for i in 0..<P { grad[i] = 0 }
                for r in batch {
                    let s = forward(theta, z, r, D: D, H: H, hidden: &hidden)
                    let e = (train.y[r] == 1 ? weight1 : weight0) * (dsigmoid(s) - Double(train.y[r])) / Double(batch.count)
                    grad[P - 1] += e
                    z.values.withUnsafeBufferPointer { zv in
                        grad.withUnsafeMutableBufferPointer { g in
                            let row = zv.baseAddress! + r * D
                            for h in 0..<H where hidden[h] > 0 {
                                g[H * D + H + h] += e * hidden[h]
                                let back = e * theta[H * D + H + h]
                                g[H * D + h] += back
                                let gRow = g.baseAddress! + h * D
                                for c in 0..<D { gRow[c] += back * row[c] }
                            }
                        }
                    }
                }
                power1 *= 0.9
                power2 *= 0.999
                let b1 = 1 - power1, b2 = 1 - power2
                for i in 0..<P {
                    let g = grad[i] + (i < H * D || (i >= H * D + H && i < P - 1) ? o.weightDecay * theta[i] : 0)
                    mAdam[i] = 0.9 * mAdam[i] + 0.1 * g
                    vAdam[i] = 0.999 * vAdam[i] + 0.001 * g * g
                    theta[i] -= o.learningRate * (mAdam[i] / b1) / ((vAdam[i] / b2).squareRoot() + 1e-8)
                }
            }
            let l = zVal.map { loss($0, validation!.y) } ?? loss(z, train.y)
            if l < bestLoss { bestLoss = l; best = theta }
        }
        theta = best
        return try MLPProbe(id: id, tap: tap, w1: theta[0..<(H * D)].map { Float($0) },
                            b1: theta[(H * D)..<(H * D + H)].map { Float($0) },
                            w2: theta[(H * D + H)..<(H * D + 2 * H)].map { Float($0) },
                            b2: Float(theta[P - 1]), activation: .relu,
                            standardization: Standardization(mean: scaling.mean.map { Float($0) },
                                                             scale: scaling.scale.map { Float($0) }),
                            output: .sigmoid)
    }

    /// The logit of row r; fills `hidden` with the ReLU activations.
    @inline(__always)
    static func forward(_ theta: [Double], _ z: Matrix, _ r: Int, D: Int, H: Int, hidden: inout [Double]) -> Double {
        var s = theta[theta.count - 1]
        theta.withUnsafeBufferPointer { t in
            z.values.withUnsafeBufferPointer { zv in
                let row = zv.baseAddress! + r * D
                for h in 0..<H {
                    let a = dotDouble(t.baseAddress! + h * D, row, D) + t[H * D + h]
                    hidden[h] = max(0, a)
                    s += t[H * D + H + h] * hidden[h]
                }
            }
        }
        return s
    }
}
