// Exact binomial confidence intervals (Clopper–Pearson) from a deterministic regularized
// incomplete beta function and its inverse.
//
// Clopper–Pearson at confidence 1 − δ for k events in n trials:
//   lower = B⁻¹(δ/2; k, n − k + 1)        (0 when k = 0)
//   upper = B⁻¹(1 − δ/2; k + 1, n − k)    (1 when k = n)
// where B⁻¹(q; a, b) is the q-quantile of the Beta(a, b) distribution, i.e. the x with
// I_x(a, b) = q. With k = 0 the upper bound has the closed form 1 − (δ/2)^(1/n) (n = 100 at 95 %:
// 0.0362), the "rule of three" made exact: zero events never gives zero.
//
// Every transcendental function here is the project's own (`dlog`, `dexp` from Kernels), not the
// C library's, whose results may differ between CPUs: the same counts give the same bits on
// every machine. The pieces:
//   - log Γ(x): recurrence up to x ≥ 10, then Stirling's series with five correction terms
//     (truncation error below 3e-16 there);
//   - I_x(a, b): the continued fraction of the incomplete beta function evaluated by the
//     modified Lentz method, on the side of x where it converges fast (x < (a+1)/(a+b+2)), and
//     I_x(a, b) = 1 − I_{1−x}(b, a) on the other side;
//   - the inverse: bisection on [0, 1] for a fixed number of steps. I_x is monotone in x, so
//     bisection cannot fail; 200 halvings reach the spacing of doubles near any root, and a fixed
//     count keeps the result independent of any tolerance test.

import Kernels

/// A two-sided confidence interval [lower, upper] for a probability.
public struct Interval: Sendable, Codable, Equatable {
    public var lower: Double
    public var upper: Double
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
    public func contains(_ p: Double) -> Bool { lower <= p && p <= upper }
}

public enum BinomialInterval {
    /// log Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double {
        precondition(x > 0, "logGamma needs x > 0")
        var shift = 0.0
        var z = x
        // Γ(z) = Γ(z + 1) / z: move z up to where Stirling's series is accurate.
        while z < 10 {
            shift += dlog(z)
            z += 1
        }
        let inv = 1 / z, inv2 = inv * inv
        // 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹); the next term is below 3e-16 at z ≥ 10.
        let series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188))))
        let halfLog2Pi = 0.918_938_533_204_672_8
        return (z - 0.5) * dlog(z) - z + halfLog2Pi + series - shift
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized incomplete beta function I_x(a, b) for a, b > 0, x in [0, 1].
    public static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedBeta(1 - x, a: b, b: a) }
        // x^a (1−x)^b / (a B(a, b)) times the continued fraction.
        let logFront = a * dlog(x) + b * log1p(-x) - logBeta(a, b)
        return dexp(logFront) * continuedFraction(x, a: a, b: b) / a
    }

    /// log(1 + y) for y > −1, accurate also for small |y| (where 1 + y would round away y's low bits).
    static func log1p(_ y: Double) -> Double {
        let u = 1 + y
        if u == 1 { return y }
        // log(u) · y / (u − 1) corrects the rounding of 1 + y (Goldberg's trick).
        return dlog(u) * y / (u - 1)
    }

    /// The incomplete beta's continued fraction 1/(1+ d₁/(1+ d₂/(1+ …))), modified Lentz method:
    ///   d_{2m+1} = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),   d_{2m} = m(b−m) x / ((a+2m−1)(a+2m)).
    static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        func guarded(_ v: Double) -> Double { abs(v) < tiny ? tiny : v }
        var c = 1.0
        var d = 1 / guarded(1 - (a + b) * x / (a + 1))
        var f = d
        for m in 1...10_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            f *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            f *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return f
    }

    /// The q-quantile of Beta(a, b): the x in [0, 1] with I_x(a, b) = q (bisection, fixed steps).
    public static func betaQuantile(_ q: Double, a: Double, b: Double) -> Double {
        if q <= 0 { return 0 }
        if q >= 1 { return 1 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = lo + (hi - lo) / 2
            if mid <= lo || mid >= hi { break }
            if regularizedBeta(mid, a: a, b: b) < q { lo = mid } else { hi = mid }
        }
        return lo + (hi - lo) / 2
    }

    /// The Clopper–Pearson interval for `events` in `trials` at `confidence` (two-sided, δ/2 in
    /// each tail). With no trials it is [0, 1].
    public static func clopperPearson(events k: Int, trials n: Int, confidence: Double) -> Interval {
        precondition(k >= 0 && k <= n, "events must be in 0...trials")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        if n == 0 { return Interval(lower: 0, upper: 1) }
        let tail = (1 - confidence) / 2
        let lower = k == 0 ? 0 : betaQuantile(tail, a: Double(k), b: Double(n - k + 1))
        let upper = k == n ? 1 : betaQuantile(1 - tail, a: Double(k + 1), b: Double(n - k))
        return Interval(lower: lower, upper: upper)
    }
}
