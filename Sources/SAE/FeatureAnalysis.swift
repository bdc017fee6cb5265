// Reading what SAE features mean: their strongest contexts, and the features that tell two data
// sets apart. Pure functions of per-token activations; no model involved.
//
// Legend: N = tokens (rows), L = latents, N_A / N_B = tokens of the two data sets.
//
// Contexts: the N tokens come from sequences laid end to end (`sequenceStarts` gives where each
// begins); a context is a window of tokens around one activating token that never crosses a
// sequence boundary.
//
// Contrast: for each feature f, with a the activations on set A and b those on set B (zeros
// included — a feature that does not fire has activation 0),
//   AUROC_f  = P(a > b) + ½ P(a = b)   over all (A token, B token) pairs  (Mann–Whitney U / N_A N_B)
//   d_f      = (mean a − mean b) / √((var a + var b) / 2)                 (standardised difference)
//   rate     = fraction of tokens where the feature is non-zero
// AUROC 1 means every A token activates f more than every B token; 0.5 means no separation.
// Ranking breaks ties by the lower feature index, so results are reproducible.

/// A window of tokens around one activating token.
public struct FeatureContext: Sendable, Equatable {
    public var feature: Int
    /// Index (among all N tokens) of the token the context is about.
    public var tokenIndex: Int
    public var activation: Float
    /// Indices (among all N tokens) of the window.
    public var range: Range<Int>
    public var tokens: [String]          // [range.count]
    public var activations: [Float]      // [range.count], the feature's activation on each token
    /// Position of `tokenIndex` within the window.
    public var markedOffset: Int { tokenIndex - range.lowerBound }
}

/// One feature's separation of two data sets.
public struct FeatureContrast: Sendable, Equatable {
    public var feature: Int
    public var auroc: Double
    public var standardizedDifference: Double
    public var meanA: Double, meanB: Double
    public var firingRateA: Double, firingRateB: Double
}

/// What orders a contrast search.
public enum ContrastRanking: String, Sendable, Codable {
    case auroc
    case standardizedDifference = "standardized_difference"
    case firingRate = "firing_rate"
}

/// Which side a contrast search looks for.
public enum ContrastDirection: String, Sendable, Codable {
    /// Features stronger on A.
    case higherInA = "a"
    /// Features stronger on B.
    case higherInB = "b"
    /// Either way (by distance from no separation).
    case either
}

public enum FeatureAnalysis {
    /// The `count` tokens where `feature` is most active (largest first, ties: lower index),
    /// each with `before` tokens before it and `after` tokens after it (clipped to its sequence).
    ///
    /// ```swift
    /// let contexts = try FeatureAnalysis.topContexts(feature: 1234, codes: codes, tokens: texts,
    ///                                                sequenceStarts: starts, count: 20)
    /// ```
    /// - Parameters:
    ///   - codes: the SAE codes of the N tokens.
    ///   - tokens: the text of each token [N].
    ///   - sequenceStarts: where each sequence starts, ascending, beginning with 0.
    ///   - onePerSequence: keep only the strongest token of each sequence.
    public static func topContexts(feature: Int, codes: SparseCodes, tokens: [String], sequenceStarts: [Int] = [0],
                                   count: Int = 10, before: Int = 8, after: Int = 4,
                                   onePerSequence: Bool = false) throws -> [FeatureContext] {
        guard feature >= 0, feature < codes.latents else {
            throw SAEError.invalidConfiguration("feature \(feature) is not in 0..<\(codes.latents)")
        }
        guard tokens.count == codes.rows else { throw SAEError.shapeMismatch(what: "token texts", expected: [codes.rows], found: [tokens.count]) }
        return try topContexts(activation: { codes.activation(row: $0, feature: feature) },
                               candidates: (0..<codes.rows).filter { codes.activation(row: $0, feature: feature) != 0 },
                               feature: feature, tokens: tokens, sequenceStarts: sequenceStarts, count: count,
                               before: before, after: after, onePerSequence: onePerSequence)
    }

    /// The same from one feature's activation on every token [N].
    public static func topContexts(feature: Int, activations: [Float], tokens: [String], sequenceStarts: [Int] = [0],
                                   count: Int = 10, before: Int = 8, after: Int = 4,
                                   onePerSequence: Bool = false) throws -> [FeatureContext] {
        guard tokens.count == activations.count else {
            throw SAEError.shapeMismatch(what: "token texts", expected: [activations.count], found: [tokens.count])
        }
        return try topContexts(activation: { activations[$0] }, candidates: activations.indices.filter { activations[$0] != 0 },
                               feature: feature, tokens: tokens, sequenceStarts: sequenceStarts, count: count,
                               before: before, after: after, onePerSequence: onePerSequence)
    }

    private static func topContexts(activation: (Int) -> Float, candidates: [Int], feature: Int, tokens: [String],
                                    sequenceStarts: [Int], count: Int, before: Int, after: Int,
                                    onePerSequence: Bool) throws -> [FeatureContext] {
        let n = tokens.count
        guard count >= 0, before >= 0, after >= 0 else { throw SAEError.invalidConfiguration("count, before and after must be ≥ 0") }
        guard sequenceStarts.first == 0 || (n == 0 && sequenceStarts.isEmpty),
              zip(sequenceStarts, sequenceStarts.dropFirst()).allSatisfy({ $0 < $1 }),
              (sequenceStarts.last ?? 0) <= max(n - 1, 0) else {
            throw SAEError.invalidConfiguration("sequenceStarts must ascend strictly from 0 and stay below the token count \(n)")
        }
        /// The sequence holding token t: the last start ≤ t.
        func sequence(of t: Int) -> Int {
            var lo = 0, hi = sequenceStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if sequenceStarts[mid] <= t { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        let ranked = candidates.sorted { a, b in
            let va = activation(a), vb = activation(b)
            return va != vb ? va > vb : a < b
        }
        var chosen: [Int] = []
        var seenSequences = Set<Int>()
        for t in ranked where chosen.count < count {
            if onePerSequence && !seenSequences.insert(sequence(of: t)).inserted { continue }
            chosen.append(t)
        }
        return chosen.map { t in
            let s = sequence(of: t)
            let lower = sequenceStarts[s], upper = s + 1 < sequenceStarts.count ? sequenceStarts[s + 1] : n
            let range = max(lower, t - before)..<min(upper, t + after + 1)
            return FeatureContext(feature: feature, tokenIndex: t, activation: activation(t), range: range,
                                  tokens: Array(tokens[range]), activations: range.map(activation))
        }
    }

    /// The `count` features worth showing for codes of labeled tokens: when both labels occur,
    /// those ranked by AUROC (higher on label 1 than on label 0), with their contrasts; otherwise
    /// those with the largest peak activation (ties to the lower index). `how` says which.
    public static func choose(codes: SparseCodes, labels: [Int], count: Int) throws
        -> (features: [Int], contrasts: [FeatureContrast], how: String) {
        let positive = labels.indices.filter { labels[$0] == 1 }, negative = labels.indices.filter { labels[$0] == 0 }
        if !positive.isEmpty && !negative.isEmpty {
            func subset(_ rows: [Int]) throws -> SparseCodes {
                var s = SparseCodes(latents: codes.latents)
                for r in rows { try s.append(codes.code(r)) }
                return s
            }
            let ranked = try contrast(subset(positive), subset(negative), rankBy: .auroc, direction: .higherInA, top: count)
            return (ranked.map(\.feature), ranked, "ranked by AUROC, label 1 tokens vs label 0 tokens")
        }
        var peak = [Float](repeating: 0, count: codes.latents)
        for r in 0..<codes.rows {
            let c = codes.code(r)
            for (i, v) in zip(c.indices, c.values) { peak[i] = max(peak[i], v) }
        }
        let top = peak.indices.sorted { peak[$0] != peak[$1] ? peak[$0] > peak[$1] : $0 < $1 }.prefix(count)
        return (Array(top), [], "largest activations")
    }

    /// Features ranked by how well they separate data set A from data set B.
    ///
    /// ```swift
    /// let ranked = try FeatureAnalysis.contrast(harmful, harmless, rankBy: .auroc, direction: .higherInA, top: 20)
    /// print(ranked[0].feature, ranked[0].auroc)
    /// ```
    public static func contrast(_ a: SparseCodes, _ b: SparseCodes, rankBy ranking: ContrastRanking = .auroc,
                                direction: ContrastDirection = .higherInA, top: Int? = nil) throws -> [FeatureContrast] {
        guard a.latents == b.latents else { throw SAEError.shapeMismatch(what: "contrast codes", expected: [a.latents], found: [b.latents]) }
        guard a.rows > 0, b.rows > 0 else { throw SAEError.invalidConfiguration("both data sets need at least one token") }
        let colsA = a.columns(), colsB = b.columns()
        let nA = Double(a.rows), nB = Double(b.rows)
        var out: [FeatureContrast] = []
        out.reserveCapacity(a.latents)
        for f in 0..<a.latents {
            let va = colsA[f].values, vb = colsB[f].values
            let (meanA, varA) = moments(va, n: nA), (meanB, varB) = moments(vb, n: nB)
            let pooled = ((varA + varB) / 2).squareRoot()
            let d = pooled > 0 ? (meanA - meanB) / pooled : (meanA == meanB ? 0 : (meanA > meanB ? .infinity : -.infinity))
            out.append(FeatureContrast(feature: f, auroc: auroc(va, zerosA: a.rows - va.count, vb, zerosB: b.rows - vb.count),
                                       standardizedDifference: d, meanA: meanA, meanB: meanB,
                                       firingRateA: Double(va.count) / nA, firingRateB: Double(vb.count) / nB))
        }
        func key(_ c: FeatureContrast) -> Double {
            let (v, neutral): (Double, Double)
            switch ranking {
            case .auroc: (v, neutral) = (c.auroc, 0.5)
            case .standardizedDifference: (v, neutral) = (c.standardizedDifference, 0)
            case .firingRate: (v, neutral) = (c.firingRateA - c.firingRateB, 0)
            }
            switch direction {
            case .higherInA: return v - neutral
            case .higherInB: return neutral - v
            case .either: return abs(v - neutral)
            }
        }
        let keys = out.map(key)
        let order = out.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
        return order.prefix(top ?? order.count).map { out[$0] }
    }

    /// Mean and population variance of values plus (n − count) zeros, in Double.
    static func moments(_ v: [Float], n: Double) -> (Double, Double) {
        var s: Double = 0, s2: Double = 0
        for x in v { s += Double(x); s2 += Double(x) * Double(x) }
        let mean = s / n
        return (mean, max(0, s2 / n - mean * mean))
    }

    /// P(a > b) + ½ P(a = b) for a = `a` plus `zerosA` zeros, b likewise, counting tied values
    /// exactly: a sweep over the distinct values in ascending order, negatives, then 0, then
    /// positives.
    static func auroc(_ a: [Float], zerosA: Int, _ b: [Float], zerosB: Int) -> Double {
        let nA = Double(a.count + zerosA), nB = Double(b.count + zerosB)
        guard nA > 0, nB > 0 else { return 0.5 }
        var all = a.filter { $0 != 0 }.map { ($0, true) } + b.filter { $0 != 0 }.map { ($0, false) }
        all.sort { $0.0 < $1.0 }
        var u: Double = 0, bBelow: Double = 0
        func add(_ countA: Double, _ countB: Double) {
            u += countA * bBelow + 0.5 * countA * countB
            bBelow += countB
        }
        var i = 0
        func nextGroup() {
            let v = all[i].0
            var ca: Double = 0, cb: Double = 0
            while i < all.count && all[i].0 == v {
                if all[i].1 { ca += 1 } else { cb += 1 }
                i += 1
            }
            add(ca, cb)
        }
        while i < all.count && all[i].0 < 0 { nextGroup() }
        add(Double(zerosA + a.filter { $0 == 0 }.count), Double(zerosB + b.filter { $0 == 0 }.count))
        while i < all.count { nextGroup() }
        return u / (nA * nB)
    }
}
