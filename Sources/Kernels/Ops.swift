// Row-wise operations of a transformer forward pass, with fixed evaluation order.
//
// Legend: n = row length (dModel or head dimension).

/// y = x / sqrt(mean(x²) + eps) * weight. `weight` may be nil (no scale). In place is allowed.
/// The mean of squares is accumulated in Double, in order, which makes it exact enough that
/// the result does not depend on how a faster implementation might group the sum.
@inlinable
public func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, eps: Float,
                    into y: UnsafeMutablePointer<Float>, n: Int) {
    var sum: Double = 0
    for i in 0..<n { let v = Double(x[i]); sum += v * v }
    let scale = Float(1.0 / (sum / Double(n) + Double(eps)).squareRoot())
    if let weight {
        for i in 0..<n { y[i] = (x[i] * scale) * weight[i] }
    } else {
        for i in 0..<n { y[i] = x[i] * scale }
    }
}

/// LayerNorm: y = (x - mean) / sqrt(var + eps) * weight + bias.
@inlinable
public func layerNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                      eps: Float, into y: UnsafeMutablePointer<Float>, n: Int) {
    var sum: Double = 0
    for i in 0..<n { sum += Double(x[i]) }
    let mean = Float(sum / Double(n))
    var sq: Double = 0
    for i in 0..<n { let d = Double(x[i] - mean); sq += d * d }
    let scale = Float(1.0 / (sq / Double(n) + Double(eps)).squareRoot())
    for i in 0..<n {
        var v = (x[i] - mean) * scale
        if let weight { v *= weight[i] }
        if let bias { v += bias[i] }
        y[i] = v
    }
}

/// How rotary embedding pairs the dimensions of a head.
public enum RopeStyle: String, Sendable, Codable {
    /// Pairs (2i, 2i+1): GGUF files of the llama architecture (converted with permuted Q/K).
    case interleaved
    /// Pairs (i, i + d/2): Hugging Face checkpoints, and GGUF qwen2/qwen3/gemma3/gpt-neox.
    case neox
}

/// Writes the `rotaryDims / 2` cosines and sines of the rotary angles at `position` into
/// caller-owned buffers: θ_i = position · base^(-2i / rotaryDims) / factor_i, computed in Double
/// with the deterministic `dpow`/`dsincos` (not the C library's, whose per-CPU code paths could
/// change a bit) and rounded once. `freqFactors` (Llama 3.1's long-context scaling) divides each frequency.
@inlinable
public func ropeAngles(position: Int, rotaryDims: Int, base: Double, freqFactors: UnsafePointer<Float>? = nil,
                       cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
    for i in 0..<(rotaryDims / 2) {
        let freq = 1.0 / dpow(base, Double(2 * i) / Double(rotaryDims))
        let theta = Double(position) * freq / Double(freqFactors?[i] ?? 1)
        let (s, c) = dsincos(theta)
        cos[i] = Float(c)
        sin[i] = Float(s)
    }
}

/// Rotates the first `2 * half` dimensions of one head vector in place by the given angles.
@inlinable
public func applyRope(_ x: UnsafeMutablePointer<Float>, cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>,
                      half: Int, style: RopeStyle) {
    switch style {
    case .interleaved:
        for i in 0..<half {
            let a = x[2 * i], b = x[2 * i + 1]
            x[2 * i] = a * c[i] - b * s[i]
            x[2 * i + 1] = a * s[i] + b * c[i]
        }
    case .neox:
        for i in 0..<half {
            let a = x[i], b = x[i + half]
            x[i] = a * c[i] - b * s[i]
            x[i + half] = a * s[i] + b * c[i]
        }
    }
}

/// In-place softmax over `n` values; returns nothing. Max-subtracted, summed in order.
@inlinable
public func softmax(_ x: UnsafeMutablePointer<Float>, n: Int) {
    var mx = -Float.infinity
    for i in 0..<n { mx = max(mx, x[i]) }
    var sum: Float = 0
    if expShifted(x, n: n, shift: mx) {
        for i in 0..<n { sum += x[i] }
    } else {
        for i in 0..<n { let e = fexp(x[i] - mx); x[i] = e; sum += e }
    }
    let inv = 1 / sum
    for i in 0..<n { x[i] *= inv }
}

/// log Σ exp(x_i), max-subtracted and summed in order (used for log-probabilities).
@inlinable
public func logSumExp(_ x: UnsafePointer<Float>, n: Int) -> Float {
    var mx = -Float.infinity
    for i in 0..<n { mx = max(mx, x[i]) }
    var sum: Double = 0
    for i in 0..<n { sum += Double(fexp(x[i] - mx)) }
    return mx + flog(Float(sum))
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The index of the first NaN or infinity in `x` [n], or nil when every value is finite.
/// (x − x is 0 for a finite x and NaN otherwise; 16 lanes at a time, then the tail.)
public func firstNonFinite(_ x: UnsafePointer<Float>, count n: Int) -> Int? {
    var i = 0
    while i + 16 <= n {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
        if any((v - v) .!= SIMD16<Float>(repeating: 0)) { break }
        i += 16
    }
    while i < n {
        if !x[i].isFinite { return i }
        i += 1
    }
    return nil
}
