// How well scores separate examples (label 1) from counterexamples (label 0).
//
// Conventions: a higher score means "more likely an example"; a threshold t flags scores ≥ t.
//   AUROC       P(score of a random example > score of a random counterexample), ties count ½
//               (the Mann–Whitney statistic with mid-ranks).
//   TPR@FPR f   the largest true-positive rate among thresholds whose false-positive rate is ≤ f
//               on the same data (no interpolation).
//   threshold   for a target FPR f on calibration data: the lowest t (just above a counterexample
//               score) such that at most ⌊f·N₀⌋ counterexamples score ≥ t.
// Bootstrap intervals resample examples and counterexamples separately (stratified), with
// SplitMix64 from a fixed seed, and report the 2.5 and 97.5 percentiles.

import Foundation
import Kernels

public struct ROCPoint: Sendable, Equatable, Codable {
    public var threshold: Double
    public var fpr: Double
    public var tpr: Double
}

public struct Interval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
}

/// Metrics of one score set, as written to JSON reports.
public struct BinaryMetrics: Sendable, Equatable, Codable {
    public var positives: Int
    public var negatives: Int
    public var auroc: Double
    public var tprAt1: Double
    public var tprAt5: Double
    /// At the detector's own threshold (when one is given).
    public var threshold: Double?
    public var accuracy: Double?
    public var tprAtThreshold: Double?
    public var fprAtThreshold: Double?
    /// 95% bootstrap intervals.
    public var aurocCI: Interval?
    public var tprAt1CI: Interval?
    public var tprAt5CI: Interval?

    enum CodingKeys: String, CodingKey {
        case positives, negatives, auroc, threshold, accuracy
        case tprAt1 = "tpr_at_1pct_fpr", tprAt5 = "tpr_at_5pct_fpr"
        case tprAtThreshold = "tpr_at_threshold", fprAtThreshold = "fpr_at_threshold"
        case aurocCI = "auroc_ci95", tprAt1CI = "tpr_at_1pct_fpr_ci95", tprAt5CI = "tpr_at_5pct_fpr_ci95"
    }
}

public enum Metrics {
    /// Mann–Whitney AUROC with mid-ranks for ties. NaN when a class is missing.
    public static func auroc(_ scores: [Double], _ labels: [Int]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var rankSum = 0.0
        var n1 = 0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { rankSum += midRank; n1 += 1 }
            i = j + 1
        }
        let n0 = scores.count - n1
        guard n1 > 0, n0 > 0 else { return .nan }
        return (rankSum - Double(n1) * Double(n1 + 1) / 2) / (Double(n1) * Double(n0))
    }

    /// The ROC curve from (0, 0) to (1, 1), one point per distinct score (descending thresholds).
    public static func roc(_ scores: [Double], _ labels: [Int]) -> [ROCPoint] {
        let n1 = Double(labels.filter { $0 == 1 }.count), n0 = Double(labels.count) - n1
        guard n1 > 0, n0 > 0 else { return [] }
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var points = [ROCPoint(threshold: .infinity, fpr: 0, tpr: 0)]
        var tp = 0.0, fp = 0.0
        var i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                if labels[order[i]] == 1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            points.append(ROCPoint(threshold: s, fpr: fp / n0, tpr: tp / n1))
        }
        return points
    }

    /// Largest TPR with FPR ≤ `fpr`.
    public static func tpr(atFPR fpr: Double, _ scores: [Double], _ labels: [Int]) -> Double {
        roc(scores, labels).filter { $0.fpr <= fpr + 1e-12 }.map(\.tpr).max() ?? .nan
    }

    /// The threshold for a target FPR on calibration scores (see the file header).
    public static func threshold(forFPR fpr: Double, negatives: [Double]) -> Double {
        precondition(!negatives.isEmpty)
        let sorted = negatives.sorted(by: >)
        let allowed = allowedFalsePositives(fpr, of: sorted.count)
        let boundary = allowed < sorted.count ? sorted[allowed] : -Double.infinity
        return boundary == -.infinity ? -Double.greatestFiniteMagnitude : boundary.nextUp
    }

    /// ⌊f·N₀⌋, with a little slack so that 0.01 × 600 counts as 6.
    public static func allowedFalsePositives(_ fpr: Double, of negatives: Int) -> Int {
        Int((fpr * Double(negatives) + 1e-9).rounded(.down))
    }

    /// TPR, FPR and accuracy of "score ≥ t".
    public static func rates(at t: Double, _ scores: [Double], _ labels: [Int]) -> (tpr: Double, fpr: Double, accuracy: Double) {
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (s, y) in zip(scores, labels) {
            switch (s >= t, y == 1) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        return (Double(tp) / Double(max(1, tp + fn)), Double(fp) / Double(max(1, fp + tn)),
                Double(tp + tn) / Double(max(1, scores.count)))
    }

    /// All metrics; `bootstrap` resamples (0 = no intervals).
    public static func evaluate(_ scores: [Double], _ labels: [Int], threshold: Double? = nil,
                                bootstrap: Int = 0, seed: UInt64 = 0) -> BinaryMetrics {
        let n1 = labels.filter { $0 == 1 }.count
        var m = BinaryMetrics(positives: n1, negatives: labels.count - n1, auroc: auroc(scores, labels),
                              tprAt1: tpr(atFPR: 0.01, scores, labels), tprAt5: tpr(atFPR: 0.05, scores, labels))
        if let threshold {
            let r = rates(at: threshold, scores, labels)
            m.threshold = threshold
            m.accuracy = r.accuracy
            m.tprAtThreshold = r.tpr
            m.fprAtThreshold = r.fpr
        }
        if bootstrap > 0 && n1 > 0 && n1 < labels.count {
            let pos = labels.indices.filter { labels[$0] == 1 }, neg = labels.indices.filter { labels[$0] == 0 }
            var rng = SplitMix64(seed: seed)
            var a: [Double] = [], t1: [Double] = [], t5: [Double] = []
            for _ in 0..<bootstrap {
                var s: [Double] = [], y: [Int] = []
                s.reserveCapacity(labels.count)
                for _ in pos { s.append(scores[pos[rng.nextInt(below: pos.count)]]); y.append(1) }
                for _ in neg { s.append(scores[neg[rng.nextInt(below: neg.count)]]); y.append(0) }
                let curve = roc(s, y)
                a.append(auroc(s, y))
                t1.append(curve.filter { $0.fpr <= 0.01 + 1e-12 }.map(\.tpr).max() ?? .nan)
                t5.append(curve.filter { $0.fpr <= 0.05 + 1e-12 }.map(\.tpr).max() ?? .nan)
            }
            m.aurocCI = percentileInterval(a)
            m.tprAt1CI = percentileInterval(t1)
            m.tprAt5CI = percentileInterval(t5)
        }
        return m
    }

    /// The 2.5 and 97.5 percentiles (nearest rank).
    static func percentileInterval(_ values: [Double]) -> Interval {
        let v = values.sorted()
        func at(_ q: Double) -> Double { v[min(v.count - 1, max(0, Int((q * Double(v.count)).rounded(.up)) - 1))] }
        return Interval(low: at(0.025), high: at(0.975))
    }
}
