import Foundation
import Kernels
import Risk
import XCTest

final class StatisticsTests: XCTestCase {
    /// P(X ≥ k) for X ~ Binomial(n, p), summed term by term with Foundation's functions.
    func upperTail(_ k: Int, _ n: Int, _ p: Double) -> Double {
        var sum = 0.0
        for j in k...n {
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1))
            let logTerm: Double = logChoose + Double(j) * Foundation.log(p) + Double(n - j) * Foundation.log1p(-p)
            sum += Foundation.exp(logTerm)
        }
        return sum
    }

    func testClopperPearsonKnownValues() {
        // Zero events: the exact bound 1 − (δ/2)^(1/n), 0.0362 for n = 100 at 95 %.
        let zero = BinomialInterval.clopperPearson(events: 0, trials: 100, confidence: 0.95)
        XCTAssertEqual(zero.lower, 0)
        XCTAssertEqual(zero.upper, 1 - pow(0.025, 0.01), accuracy: 1e-12)
        XCTAssertEqual(zero.upper, 0.0362, accuracy: 1e-4)
        // n = 10, k = 5: [0.1871, 0.8129] (the textbook value).
        let half = BinomialInterval.clopperPearson(events: 5, trials: 10, confidence: 0.95)
        XCTAssertEqual(half.lower, 0.187086, accuracy: 1e-6)
        XCTAssertEqual(half.upper, 0.812914, accuracy: 1e-6)
        let all = BinomialInterval.clopperPearson(events: 7, trials: 7, confidence: 0.9)
        XCTAssertEqual(all.upper, 1)
        XCTAssertEqual(all.lower, pow(0.05, 1.0 / 7), accuracy: 1e-12)
    }

    func testClopperPearsonBoundsSolveTheBinomialTails() {
        // The defining equations: P(X ≥ k | lower) = δ/2 and P(X ≤ k | upper) = δ/2.
        for (k, n) in [(1, 20), (3, 20), (12, 50), (4, 1000), (40, 5000)] {
            for confidence in [0.9, 0.95, 0.99] {
                let ci = BinomialInterval.clopperPearson(events: k, trials: n, confidence: confidence)
                let tail = (1 - confidence) / 2
                XCTAssertEqual(upperTail(k, n, ci.lower), tail, accuracy: tail * 1e-7, "lower, k=\(k) n=\(n)")
                XCTAssertEqual(1 - upperTail(k + 1, n, ci.upper), tail, accuracy: tail * 1e-7, "upper, k=\(k) n=\(n)")
                XCTAssertLessThan(ci.lower, Double(k) / Double(n))
                XCTAssertGreaterThan(ci.upper, Double(k) / Double(n))
            }
        }
    }

    func testLogGammaAndIncompleteBeta() {
        for x in [0.5, 1, 2.5, 7, 10, 33.3, 1000] {
            XCTAssertEqual(BinomialInterval.logGamma(x), lgamma(x), accuracy: 1e-12 * max(1, abs(lgamma(x))))
        }
        for x in [0.1, 0.5, 0.93] {
            XCTAssertEqual(BinomialInterval.regularizedBeta(x, a: 1, b: 1), x, accuracy: 1e-13)
            // I_x(a, 1) = x^a; symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
            XCTAssertEqual(BinomialInterval.regularizedBeta(x, a: 3, b: 1), pow(x, 3), accuracy: 1e-13)
            XCTAssertEqual(BinomialInterval.regularizedBeta(x, a: 2.5, b: 4),
                           1 - BinomialInterval.regularizedBeta(1 - x, a: 4, b: 2.5), accuracy: 1e-13)
        }
    }

    func testEmpiricalBernsteinKnownValues() {
        // 3 values of 2 among 10, bound 4, 95 %: mean 0.6, variance 1.0667; radius by hand.
        let values: [Double] = [0, 2, 0, 0, 2, 0, 0, 0, 2, 0]
        let ci = ImportanceInterval.empiricalBernstein(values, bound: 4, confidence: 0.95)
        let mean = 0.6, variance = (3 * 1.4 * 1.4 + 7 * 0.6 * 0.6) / 9
        let l = Foundation.log(4 / 0.05)
        let radius = (2 * variance * l / 10).squareRoot() + 7 * 4 * l / 27
        XCTAssertEqual(ci.lower, max(0, mean - radius), accuracy: 1e-12)
        XCTAssertEqual(ci.upper, min(1, mean + radius), accuracy: 1e-12)
        // Large n, small variance: the interval narrows around the mean.
        let many = (0..<20_000).map { $0 % 100 == 0 ? 0.5 : 0.0 }
        let tight = ImportanceInterval.empiricalBernstein(many, bound: 1, confidence: 0.95)
        XCTAssertTrue(tight.contains(0.005))
        XCTAssertLessThan(tight.upper - tight.lower, 0.01)
        XCTAssertEqual(ImportanceInterval.normalQuantile(confidence: 0.95), 1.959964, accuracy: 1e-6)
        XCTAssertEqual(ImportanceInterval.effectiveSampleSize([1, 1, 1, 1]), 4, accuracy: 1e-12)
        XCTAssertEqual(ImportanceInterval.effectiveSampleSize([0, 0, 3, 0]), 1, accuracy: 1e-12)
    }

    func testEmpiricalBernsteinCoverageBySimulation() {
        // Y = w · 1[event] with event probability 0.05 and weights uniform in [0, 2] (bound 2):
        // E Y = 0.05. Over 400 repetitions of n = 300 the 90 % interval must cover at least 90 %.
        var rng = SplitMix64(seed: 11)
        var covered = 0
        let reps = 400
        for _ in 0..<reps {
            let y = (0..<300).map { _ in rng.nextUnit() < 0.05 ? 2 * rng.nextUnit() : 0 }
            if ImportanceInterval.empiricalBernstein(y, bound: 2, confidence: 0.9).contains(0.05) { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(covered) / Double(reps), 0.9)
        // And Clopper–Pearson at 90 %, p = 0.02, n = 200.
        covered = 0
        for _ in 0..<reps {
            let k = (0..<200).filter { _ in rng.nextUnit() < 0.02 }.count
            if BinomialInterval.clopperPearson(events: k, trials: 200, confidence: 0.9).contains(0.02) { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(covered) / Double(reps), 0.9)
    }
}

