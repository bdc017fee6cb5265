// Intervals for an importance-sampling estimate.
//
// The estimate of P(event) is the mean of Y_i = w_i · 1[event in sample i], with w_i the
// importance weight p(x_i)/q(x_i). A *valid* interval needs a known bound on Y: the proposal is a
// defensive mixture (with probability α a sample is drawn from the target itself; see
// `ImportanceSampler`), whose weights are p/(αp + (1−α)q) ≤ 1/α, so Y ∈ [0, B] with B = 1/α.
//
// The interval is the empirical Bernstein bound of Maurer & Pontil (2009, Theorem 4), applied to
// Y/B ∈ [0, 1] on each side with δ/2 (two-sided confidence 1 − δ):
//   |mean − E Y| ≤ sqrt(2 V ln(4/δ) / n) + 7 B ln(4/δ) / (3 (n − 1))
// with V the unbiased sample variance of Y. Why this one: it is closed-form (no search, so the
// same samples give the same bits everywhere), valid for any bounded i.i.d. variables at any n,
// and, unlike Hoeffding's bound, it shrinks with the observed variance — which is the whole point
// of a good proposal. A betting confidence sequence (Waudby-Smith & Ramdas 2023) is tighter by a
// constant factor and valid at stopping times, at the price of a numerical search per bound; the
// bound's B/n term, which dominates for rare events, is shared by every valid bound.
//
// Also reported: the standard error sqrt(V/n) and the normal-approximation interval built from it
// (not valid at small n, but what "relative precision" compares), and Kish's effective sample
// size (Σw)² / Σw² over all samples: far below n means a few samples carry all the weight and the
// estimate cannot be trusted.

import Kernels

public struct ImportanceSummary: Sendable, Codable, Equatable {
    /// The estimate: mean of w · 1[event].
    public var estimate: Double
    /// sqrt(sample variance of w · 1[event] / n).
    public var standardError: Double
    /// Kish's effective sample size of the weights.
    public var effectiveSampleSize: Double
    /// The empirical Bernstein interval (valid for Y ∈ [0, weightBound]).
    public var interval: Interval
    /// estimate ± z · standardError, clipped to [0, 1] (approximate).
    public var normalInterval: Interval
    public var samples: Int
    public var events: Int
    public var weightBound: Double

    /// Why the estimate should not be trusted, when the effective sample size is small.
    public var warning: String? {
        guard effectiveSampleSize < max(30, 0.01 * Double(samples)) else { return nil }
        return String(format: "the effective sample size is %.1f of %d samples: a few samples carry the weight; "
                      + "use a proposal closer to the target or more samples", effectiveSampleSize, samples)
    }

    enum CodingKeys: String, CodingKey {
        case estimate, interval, samples, events
        case standardError = "standard_error", effectiveSampleSize = "effective_sample_size"
        case normalInterval = "normal_interval", weightBound = "weight_bound"
    }
}

public enum ImportanceInterval {
    /// Maurer–Pontil empirical Bernstein interval for the mean of `values` ∈ [0, bound],
    /// two-sided at `confidence`, clipped to [0, 1]. Needs at least two values.
    public static func empiricalBernstein(_ values: [Double], bound: Double, confidence: Double) -> Interval {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        let n = values.count
        guard n >= 2 else { return Interval(lower: 0, upper: 1) }
        let (mean, variance) = meanAndVariance(values)
        let l = dlog(4 / (1 - confidence))
        let radius = (2 * variance * l / Double(n)).squareRoot() + 7 * bound * l / (3 * Double(n - 1))
        return Interval(lower: max(0, mean - radius), upper: min(1, mean + radius))
    }

    /// Mean and unbiased sample variance (two passes, in index order).
    static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count > 1 else { return (mean, 0) }
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, ss / (n - 1))
    }

    /// Kish's effective sample size (Σw)² / Σw²; 0 when every weight is 0.
    public static func effectiveSampleSize(_ weights: [Double]) -> Double {
        let s = weights.reduce(0, +), s2 = weights.reduce(0) { $0 + $1 * $1 }
        return s2 > 0 ? s * s / s2 : 0
    }

    /// The two-sided standard normal quantile z with P(|Z| ≤ z) = confidence (bisection on the
    /// normal CDF written with the project's `dexp`; fixed steps, so deterministic).
    public static func normalQuantile(confidence: Double) -> Double {
        // P(|Z| ≤ z) = erf(z/√2), by its Taylor series; on z ≤ 6 the alternating terms stay below
        // e^18, so the sum keeps about 8 correct digits there, plenty to place z.
        func coverage(_ z: Double) -> Double {
            // erf(z/√2) by its Taylor series: 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1)), x = z/√2.
            let x = z / 2.0.squareRoot()
            var term = x, sum = x
            var k = 0.0
            while abs(term) > 1e-17 * abs(sum) && k < 400 {
                k += 1
                term *= -x * x / k
                sum += term / (2 * k + 1)
            }
            return min(1, max(0, 2 / Double.pi.squareRoot() * sum))
        }
        var lo = 0.0, hi = 6.0
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if coverage(mid) < confidence { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Everything reported for an importance-sampling run: `weights` of all samples, `hits` whether
    /// each sample had the event, `bound` the weights' known bound.
    public static func summarize(weights: [Double], hits: [Bool], bound: Double, confidence: Double) -> ImportanceSummary {
        let y = zip(weights, hits).map { $1 ? $0 : 0 }
        let n = y.count
        let (mean, variance) = n > 0 ? meanAndVariance(y) : (0, 0)
        let se = n > 0 ? (variance / Double(n)).squareRoot() : .infinity
        let z = normalQuantile(confidence: confidence)
        return ImportanceSummary(
            estimate: mean, standardError: se, effectiveSampleSize: effectiveSampleSize(weights),
            interval: empiricalBernstein(y, bound: bound, confidence: confidence),
            normalInterval: Interval(lower: max(0, mean - z * se), upper: min(1, mean + z * se)),
            samples: n, events: hits.filter { $0 }.count, weightBound: bound)
    }
}
