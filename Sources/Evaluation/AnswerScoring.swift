// From per-token scores to per-answer verdicts, the way a `generation` rule judges an answer.
//
// Legend: T = tokens of one answer.
//
// At run time S pushes each generated token's score (the maximum over the rule's detectors, in
// Float) through the rule's aggregation window and halts at the first token whose aggregate
// reaches the threshold; that token is never released, the ones before it are. So an answer
// halts at threshold t exactly when its largest aggregate is ≥ t, and the halt releases as many
// tokens as precede the first aggregate ≥ t. Calibration, the choice of window and the
// evaluation all work on these two numbers per answer, not on single tokens: a threshold at
// 1% of harmless *tokens* would halt far more than 1% of harmless *answers*.

import Detectors

/// One answer's aggregates under a rule.
public struct AnswerTrace: Sendable, Equatable {
    /// The example the answer belongs to.
    public var example: Int
    /// The rule's aggregate after each token, in position order. [T]
    public var aggregates: [Float]

    /// The answer's score: its largest aggregate (−∞ for an empty answer).
    public var peak: Float { aggregates.max() ?? -.infinity }

    /// Tokens released before a halt at `threshold` (the index of the first aggregate ≥ it), or
    /// nil when the answer never halts.
    public func released(threshold: Float) -> Int? {
        aggregates.firstIndex { $0 >= threshold }
    }
}

public enum AnswerScoring {
    /// Consecutive rows of one example: (example, row range), in row order.
    public static func spans(_ rowExamples: [Int]) -> [(example: Int, rows: Range<Int>)] {
        var out: [(example: Int, rows: Range<Int>)] = []
        var start = 0
        for r in rowExamples.indices where r + 1 == rowExamples.count || rowExamples[r + 1] != rowExamples[r] {
            out.append((rowExamples[r], start..<(r + 1)))
            start = r + 1
        }
        return out
    }

    /// Every answer's trace: the rows' scores (one per token, the rule's maximum over its
    /// detectors, exactly representable as Float) pushed through `aggregation` answer by answer.
    public static func traces(scores: [Double], rowExamples: [Int], aggregation: Aggregation) -> [AnswerTrace] {
        spans(rowExamples).map { span in
            var window = WindowAggregator(aggregation)
            return AnswerTrace(example: span.example, aggregates: span.rows.map { window.push(Float(scores[$0])) })
        }
    }

    /// Median and 90th percentile (nearest rank) of `values`; nil when empty.
    public static func medianAndP90(_ values: [Int]) -> (median: Double, p90: Int)? {
        guard !values.isEmpty else { return nil }
        let v = values.sorted()
        let n = v.count
        let median = n % 2 == 1 ? Double(v[n / 2]) : Double(v[n / 2 - 1] + v[n / 2]) / 2
        let rank = (9 * n + 9) / 10   // ⌈0.9 n⌉
        return (median, v[max(0, rank - 1)])
    }
}

/// A `generation` rule on held-out answers: how well the answer's peak separates harmful from
/// harmless answers, and, at the rule's threshold, how many harmful answers halt, after how many
/// released tokens, and how many harmless answers halt by mistake.
public struct AnswerMetrics: Sendable, Codable, Equatable {
    public var harmful: Int
    public var harmless: Int
    /// AUROC of the answers' peaks.
    public var auroc: Double
    /// TPR at 1% FPR of the peaks (answers, not tokens).
    public var tprAt1: Double
    /// Harmful answers halted at the threshold, and the share.
    public var halted: Int
    public var haltRate: Double
    /// Harmless answers halted at the threshold (false halts), and the share.
    public var falseHalts: Int
    public var falseHaltRate: Double
    /// Tokens of halted harmful answers released before the halt: median and 90th percentile.
    public var releasedMedian: Double?
    public var releasedP90: Int?
    /// Mean length of the harmful answers, in tokens (what an unhalted answer releases).
    public var harmfulMeanTokens: Double

    enum CodingKeys: String, CodingKey {
        case harmful, harmless, auroc, halted
        case tprAt1 = "tpr_at_1pct_fpr", haltRate = "halt_rate", falseHalts = "false_halts", falseHaltRate = "false_halt_rate"
        case releasedMedian = "released_median", releasedP90 = "released_p90", harmfulMeanTokens = "harmful_mean_tokens"
    }

    public init(traces: [AnswerTrace], labels: [Int], threshold: Float) {
        let peaks = traces.map { Double($0.peak) }
        let y = traces.map { labels[$0.example] }
        harmful = y.filter { $0 == 1 }.count
        harmless = y.count - harmful
        let both = harmful > 0 && harmless > 0
        auroc = both ? Metrics.auroc(peaks, y) : .nan
        tprAt1 = both ? Metrics.tpr(atFPR: 0.01, peaks, y) : .nan
        var released: [Int] = []
        var falseHalts = 0, tokens = 0
        for (t, label) in zip(traces, y) {
            let r = t.released(threshold: threshold)
            if label == 1 {
                tokens += t.aggregates.count
                if let r { released.append(r) }
            } else if r != nil {
                falseHalts += 1
            }
        }
        halted = released.count
        haltRate = harmful > 0 ? Double(halted) / Double(harmful) : .nan
        self.falseHalts = falseHalts
        falseHaltRate = harmless > 0 ? Double(falseHalts) / Double(harmless) : .nan
        let q = AnswerScoring.medianAndP90(released)
        releasedMedian = q?.median
        releasedP90 = q?.p90
        harmfulMeanTokens = harmful > 0 ? Double(tokens) / Double(harmful) : 0
    }
}
