// The judge: turns tapped vectors into scores, scores into aggregates, aggregates into verdicts.
//
// Legend: P = prompt tokens, D = a tap's width, N = detectors.
//
// Vectors arrive in the model's order: within a batch of tokens, layer by layer for all tokens,
// so a position is complete only when the last tap it needs has arrived. The judge scores each
// vector on arrival (every detector on that tap, in manifest order), keeps a copy until its
// position is complete (receipts need the vector for its hash and top contributions), and
// evaluates complete positions strictly in position order, so the rules' windows see the same
// sequence whatever thread or mode runs the judge. It is not thread-safe: one caller at a time.

import Detectors
import Formats
import Foundation
import Kernels
import Taps

final class Judge {
    let policy: Policy
    let promptCount: Int
    let topContributions: Int
    /// Threads a detector may use while it scores; set only where the pool is idle during
    /// `ingest` (sync mode, called between the forward pass's loops). Scores do not depend on it.
    var pool: ThreadPool?

    /// Distinct taps the policy reads, in model order.
    let taps: [TapPoint]
    let tapIndex: [TapPoint: Int]
    /// Tap index by `TapPoint.ordinal` (−1: not read), for the per-vector lookup.
    let tapOfOrdinal: [Int]
    /// Detector indices per tap.
    let detectorsOfTap: [[Int]]
    let tapWidth: [Int]
    /// First and last position each tap / detector / rule is needed at (Int.max: no end).
    let tapStart: [Int]
    let detectorStart: [Int]
    let ruleStart: [Int]
    let tapEnd: [Int]
    let detectorEnd: [Int]
    let ruleEnd: [Int]
    /// The last position anything is judged at; positions after it count as judged.
    let lastPosition: Int
    let ruleDetectors: [[Int]]
    /// The first position anything is judged at; positions before it count as judged.
    let firstPosition: Int

    private var aggregators: [WindowAggregator]

    /// A position whose taps are still arriving.
    final class Pending {
        var scores: [Float]        // [N]
        var vectors: [[Float]]     // [taps][D of that tap]
        var received = 0
        init(detectors: Int, widths: [Int]) {
            scores = [Float](repeating: .nan, count: detectors)
            vectors = widths.map { [Float](repeating: 0, count: $0) }
        }
    }
    private var pending: [Int: Pending] = [:]
    private var spare: [Pending] = []

    // Outputs.
    /// Positions ≤ this are judged.
    private(set) var evaluatedThrough: Int
    /// Scores [position − firstPosition][N]; NaN where a detector is out of scope.
    private(set) var scoreRows: [[Float]] = []
    /// Each rule's aggregate, flat [position − firstPosition, rules]; NaN where a rule is out of
    /// scope (what a dashboard shows next to the threshold). Flat, so judging allocates nothing new.
    private(set) var ruleAggregates: [Float] = []
    private(set) var verdicts: [Verdict] = []
    /// Set when a halt rule fired or S failed; the judge stops after a failure.
    private(set) var halted = false
    private(set) var failed = false

    init(policy: Policy, promptCount: Int, topContributions: Int) {
        self.policy = policy
        self.promptCount = promptCount
        self.topContributions = topContributions
        let P = promptCount
        func start(_ scope: RuleScope) -> Int {
            switch scope {
            case .prompt: return 0
            case .promptEnd, .request: return max(0, P - 1)
            case .generation: return P
            }
        }
        func end(_ scope: RuleScope) -> Int { scope == .request ? max(0, P - 1) : Int.max }
        let ids = Dictionary(policy.detectors.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        ruleDetectors = policy.rules.map { $0.detectors.compactMap { ids[$0] } }
        ruleStart = policy.rules.map { start($0.scope) }
        ruleEnd = policy.rules.map { end($0.scope) }
        var dStart = [Int](repeating: Int.max, count: policy.detectors.count)
        var dEnd = [Int](repeating: Int.min, count: policy.detectors.count)
        for (r, ds) in ruleDetectors.enumerated() {
            for d in ds {
                dStart[d] = min(dStart[d], ruleStart[r])
                dEnd[d] = max(dEnd[d], ruleEnd[r])
            }
        }
        detectorStart = dStart
        detectorEnd = dEnd
        // Only detectors some rule uses are read.
        let used = policy.detectors.indices.filter { dStart[$0] != Int.max }
        taps = Array(Set(used.map { policy.detectors[$0].tap })).sorted()
        tapIndex = Dictionary(uniqueKeysWithValues: taps.enumerated().map { ($1, $0) })
        var byOrdinal = [Int](repeating: -1, count: (taps.map(\.ordinal).max() ?? -1) + 1)
        for (i, t) in taps.enumerated() { byOrdinal[t.ordinal] = i }
        tapOfOrdinal = byOrdinal
        detectorsOfTap = taps.map { t in used.filter { policy.detectors[$0].tap == t } }
        tapWidth = detectorsOfTap.map { policy.detectors[$0[0]].dimension }
        tapStart = detectorsOfTap.map { $0.map { dStart[$0] }.min()! }
        tapEnd = detectorsOfTap.map { $0.map { dEnd[$0] }.max()! }
        lastPosition = tapEnd.max() ?? Int.max
        firstPosition = tapStart.min() ?? Int.max
        evaluatedThrough = (tapStart.min() ?? P) - 1
        aggregators = policy.rules.map { WindowAggregator($0.aggregation) }
    }

    /// Whether S has judged `position`, given that it has judged every position ≤ `through`:
    /// positions after the last one any rule reads need nothing.
    func covers(_ position: Int, through: Int) -> Bool {
        through >= position || through >= lastPosition
    }

    /// Whether a vector of `point` at `position` is needed; returns its tap index.
    @inline(__always)
    func wants(_ point: TapPoint, _ position: Int) -> Int? {
        let o = point.ordinal
        guard o < tapOfOrdinal.count else { return nil }
        let t = tapOfOrdinal[o]
        guard t >= 0, position >= tapStart[t], position <= tapEnd[t] else { return nil }
        return t
    }

    /// Taps needed at `position`.
    private func expected(_ position: Int) -> Int {
        var n = 0
        for t in tapStart.indices where tapStart[t] <= position && position <= tapEnd[t] { n += 1 }
        return n
    }

    /// Scores one vector of tap `t` at `position`; evaluates positions that became complete.
    func ingest(tap t: Int, position: Int, values: UnsafeBufferPointer<Float>) {
        guard !failed, position > evaluatedThrough else { return }
        let p: Pending
        if let existing = pending[position] {
            p = existing
        } else {
            p = spare.popLast() ?? Pending(detectors: policy.detectors.count, widths: tapWidth)
            p.received = 0
            for i in p.scores.indices { p.scores[i] = .nan }
            pending[position] = p
        }
        guard values.count == tapWidth[t] else {
            fail(position: position, cause: .detectorError, detector: policy.detectors[detectorsOfTap[t][0]],
                 reason: "tap \(taps[t]) delivered \(values.count) values, expected \(tapWidth[t])")
            return
        }
        p.vectors[t].withUnsafeMutableBufferPointer { dst in
            _ = dst.initialize(from: values)
        }
        for d in detectorsOfTap[t] where position >= detectorStart[d] && position <= detectorEnd[d] {
            let detector = policy.detectors[d]
            do {
                let s = try pool.map { try detector.score(values, pool: $0) } ?? detector.score(values)
                guard s.isFinite else {
                    fail(position: position, cause: .nonFiniteScore, detector: detector, reason: "score \(s)")
                    return
                }
                p.scores[d] = s
            } catch {
                fail(position: position, cause: .detectorError, detector: detector, reason: "\(error)")
                return
            }
        }
        p.received += 1
        while let next = pending[evaluatedThrough + 1], next.received == expected(evaluatedThrough + 1) {
            evaluate(position: evaluatedThrough + 1, next)
            pending[evaluatedThrough + 1] = nil
            spare.append(next)
            evaluatedThrough += 1
        }
    }

    /// Applies every rule in scope at `position`, in manifest order.
    private func evaluate(position: Int, _ p: Pending) {
        scoreRows.append(p.scores)
        let row = ruleAggregates.count
        ruleAggregates.append(contentsOf: repeatElement(Float.nan, count: policy.rules.count))
        for (r, rule) in policy.rules.enumerated() where position >= ruleStart[r] && position <= ruleEnd[r] {
            var best = -Float.infinity, bestDetector = ruleDetectors[r][0]
            for d in ruleDetectors[r] where p.scores[d] > best {
                best = p.scores[d]
                bestDetector = d
            }
            let aggregate = aggregators[r].push(best)
            ruleAggregates[row + r] = aggregate
            guard aggregate >= rule.threshold else { continue }
            let detector = policy.detectors[bestDetector]
            var v = Verdict(kind: Verdict.Kind(rawValue: rule.action.rawValue)!, position: position, action: rule.action)
            v.rule = rule.id
            v.detector = detector.id
            v.tap = detector.tap.description
            v.score = ExactFloat(aggregate)
            v.tokenScore = ExactFloat(best)
            v.threshold = ExactFloat(rule.threshold)
            v.aggregation = rule.aggregation
            v.window = aggregators[r].window
            describe(&v, detector: detector, vector: p.vectors[tapIndex[detector.tap]!])
            verdicts.append(v)
            if rule.action == .halt { halted = true }
        }
    }

    /// Adds the activation hash and top contributions of `vector` to a verdict.
    private func describe(_ v: inout Verdict, detector: any Detector, vector: [Float]) {
        vector.withUnsafeBufferPointer { x in
            v.contributions = detector.contributions(x, top: topContributions).map(ContributionRecord.init)
            v.activationSHA256 = Self.activationHash(x)
        }
    }

    private func fail(position: Int, cause: Verdict.FailureCause, detector: any Detector, reason: String) {
        var v = Verdict(kind: .failClosed, position: position, action: .halt)
        v.detector = detector.id
        v.tap = detector.tap.description
        v.cause = cause
        v.reason = reason
        if let p = pending[position] { describe(&v, detector: detector, vector: p.vectors[tapIndex[detector.tap]!]) }
        verdicts.append(v)
        failed = true
        halted = true
    }

    /// SHA-256 of the vector's little-endian f32 bytes, hex.
    static func activationHash(_ x: UnsafeBufferPointer<Float>) -> String {
        #if _endian(big)
        return Digest.sha256(littleEndian: Array(x))
        #else
        return Digest.sha256(UnsafeRawBufferPointer(x))
        #endif
    }
}
