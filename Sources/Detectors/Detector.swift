// Detectors: functions from one activation vector to one score.
//
// Legend: D = the tap's width (dModel for residual taps, dFF for mlp.hook_pre/post),
//         H = hidden width of an MLP probe.
//
// Every detector computes its score with a fixed evaluation order (dot products in lanes of 16
// reduced by `reduceLanes16`, norms accumulated in Double in index order, `fexp` for the
// sigmoid), so a score recorded in a receipt is reproduced to the bit by replay on any x86-64
// CPU. Standardisation (z = (x − μ) / σ) is folded into the weights when a detector is built:
// the score path is then a single dot product, which is what keeps supervision cheap.

import Kernels
import Taps

/// One dimension's share of a score, for receipts: `value` is w_i · z_i for a linear probe (its
/// contribution to the logit), u_i · (x̂_i − μ_i) / s for a direction, and input × gradient of
/// the logit for an MLP probe.
public struct Contribution: Sendable, Equatable, Codable {
    public var index: Int
    public var value: Float
    public init(index: Int, value: Float) {
        self.index = index
        self.value = value
    }
}

public enum DetectorError: Error, Equatable, CustomStringConvertible {
    case dimensionMismatch(detector: String, expected: Int, found: Int)
    case nonFiniteScore(detector: String)
    case failed(detector: String, reason: String)

    public var description: String {
        switch self {
        case .dimensionMismatch(let d, let e, let f): return "detector '\(d)' expects \(e) values, got \(f)"
        case .nonFiniteScore(let d): return "detector '\(d)' produced a non-finite score"
        case .failed(let d, let r): return "detector '\(d)' failed: \(r)"
        }
    }
}

/// Scores one activation vector of one tap.
///
/// Implementations must be deterministic and must not keep state between calls (the supervisor
/// may call them from its own thread, and replay calls them again later). A detector may throw;
/// the supervisor treats a throw, like a NaN score, as a reason to halt (fail closed).
public protocol Detector: AnyObject, Sendable {
    /// Unique within a bundle; named by rules and receipts.
    var id: String { get }
    /// The manifest kind (`linear`, `diff_mean`, `mlp`, ...).
    var kind: String { get }
    /// Where the detector reads.
    var tap: TapPoint { get }
    /// D, the width of the vectors it accepts.
    var dimension: Int { get }
    /// The score of `x` [D].
    func score(_ x: UnsafeBufferPointer<Float>) throws -> Float
    /// The score of `x` [D], free to spread its work over `pool` (idle while it is called).
    /// Must return exactly `score(x)`: the pool decides who computes, never what. The default
    /// ignores the pool; detectors too small to gain from threads keep it.
    func score(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool) throws -> Float
    /// The `top` dimensions with the largest |contribution|, largest first (ties: lower index).
    func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution]
}

extension Detector {
    public func score(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool) throws -> Float { try score(x) }
}

/// How a probe's logit becomes its score.
public enum ProbeOutput: String, Sendable, Codable {
    /// 1 / (1 + e^−logit), a probability in (0, 1).
    case sigmoid
    /// The logit itself.
    case logit
}

/// Optional per-dimension standardisation z_i = (x_i − μ_i) / σ_i, stored with a probe.
public struct Standardization: Sendable, Equatable {
    public var mean: [Float]   // [D]
    public var scale: [Float]  // [D], all > 0
    public init(mean: [Float], scale: [Float]) {
        self.mean = mean
        self.scale = scale
    }

    func apply(_ x: UnsafeBufferPointer<Float>, into z: inout [Float]) {
        for i in 0..<x.count { z[i] = (x[i] - mean[i]) / scale[i] }
    }
}

/// Folds standardisation into one weight row: returns (w / σ, −Σ w_i μ_i / σ_i), the constant
/// accumulated in Double in index order and rounded once.
func foldStandardization(_ w: [Float], _ s: Standardization?) -> (weights: [Float], offset: Float) {
    guard let s else { return (w, 0) }
    var folded = [Float](repeating: 0, count: w.count)
    var offset: Double = 0
    for i in 0..<w.count {
        folded[i] = w[i] / s.scale[i]
        offset -= Double(w[i]) * Double(s.mean[i]) / Double(s.scale[i])
    }
    return (folded, Float(offset))
}

/// Σ a_i b_i in lanes of 16 with the fixed reduction of the model's own float kernels.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    dotF32(a, b, n: n)
}

/// The `top` entries of `values` by |value|, largest first, ties to the lower index. A
/// partial selection (a sorted buffer of `top`), not a full sort: receipts are written on hot
/// paths.
func topContributions(_ values: [Float], top: Int) -> [Contribution] {
    guard top > 0, !values.isEmpty else { return [] }
    let k = min(top, values.count)
    var best: [(Float, Int)] = []      // (|v|, index), ordered: larger |v| first, then lower index
    best.reserveCapacity(k + 1)
    @inline(__always) func before(_ a: (Float, Int), _ b: (Float, Int)) -> Bool { a.0 != b.0 ? a.0 > b.0 : a.1 < b.1 }
    for (i, v) in values.enumerated() {
        let item = (abs(v), i)
        if best.count == k, !before(item, best[k - 1]) { continue }
        var j = best.count
        while j > 0 && before(item, best[j - 1]) { j -= 1 }
        best.insert(item, at: j)
        if best.count > k { best.removeLast() }
    }
    return best.map { Contribution(index: $0.1, value: values[$0.1]) }
}

/// Checks the width of a vector before scoring it.
@inline(__always)
func checkDimension(_ d: some Detector, _ x: UnsafeBufferPointer<Float>) throws {
    guard x.count == d.dimension else {
        throw DetectorError.dimensionMismatch(detector: d.id, expected: d.dimension, found: x.count)
    }
}
