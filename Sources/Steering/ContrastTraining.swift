// Training control vectors from contrast pairs, as repeng does: run each pair's positive and
// negative text, read the residual stream leaving each block (`blocks.N.hook_resid_post`, HF
// `hidden_states[N + 1]`) at the last token, and find per layer the direction that separates
// them.
//
// Legend: N = pairs, D = dModel, M = rows of the matrix PCA runs on.
//
// Methods (per layer; pos_i, neg_i [D] the pair's two rows):
//   mean_diff   d = mean_i (pos_i − neg_i), then unit length
//   pca_diff    first principal component of the rows pos_i − neg_i            (M = N)
//   pca_center  first principal component of the rows pos_i − c_i, neg_i − c_i,
//               c_i = (pos_i + neg_i) / 2                                       (M = 2N)
// PCA follows scikit-learn's (what repeng calls): columns centred by their mean, then the top
// right singular vector — here by power iteration on XᵀX, v ← Xᵀ(X v) / ‖·‖, in Double, rows and
// columns summed in index order, from a start drawn from SplitMix64(seed): the same bits for the
// same data on any machine and thread count. A principal component's sign is arbitrary; as
// repeng does, it is flipped when the positive row of a pair projects below the negative one in
// more pairs than above (on a tie, when the summed projection difference is negative).

import Foundation
import Kernels
import Models
import Taps

/// How a layer's direction is computed from the pairs.
public enum ContrastMethod: String, Sendable, CaseIterable, Codable {
    case meanDiff = "mean_diff"
    case pcaDiff = "pca_diff"
    case pcaCenter = "pca_center"
}

/// One contrast pair: a text showing the concept and one showing its opposite.
public struct ContrastPair: Sendable, Equatable, Codable {
    public var positive: String
    public var negative: String
    public init(positive: String, negative: String) {
        self.positive = positive
        self.negative = negative
    }

    /// Pairs from JSON lines `{"positive": "...", "negative": "..."}` (repeng's `DatasetEntry`).
    /// Blank lines are skipped; a bad line is named in the error.
    public static func load(jsonl data: Data, name: String) throws -> [ContrastPair] {
        var out: [ContrastPair] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            do { out.append(try JSONDecoder().decode(ContrastPair.self, from: Data(t.utf8))) } catch {
                throw SteeringError.badTrainingData("\(name) line \(i + 1): expected {\"positive\": \"...\", \"negative\": \"...\"}")
            }
        }
        guard !out.isEmpty else { throw SteeringError.badTrainingData("\(name) holds no pairs") }
        return out
    }
}

/// Control-vector training (see the file header).
public enum ContrastTrainer {
    /// Layers repeng trains by default: every block but the first (llama.cpp never applies
    /// layer 0).
    public static func defaultLayers(_ layers: Int) -> [Int] { Array(1..<max(1, layers)) }

    /// Last-token residuals of every text: per layer, rows [N, D] for the positives and negatives.
    /// `session.editor` (if any) applies, so a vector can be trained on a steered model.
    public static func collect(model: LanguageModel, pairs: [ContrastPair], layers: [Int], chat: Bool, system: String?,
                               session: InferenceSession, progress: (Int, Int) -> Void = { _, _ in })
        throws -> (positive: [Int: [[Float]]], negative: [Int: [[Float]]]) {
        guard !layers.isEmpty else { throw SteeringError.badTrainingData("no layers selected") }
        var pos: [Int: [[Float]]] = [:], neg: [Int: [[Float]]] = [:]
        func run(_ text: String) throws -> [TapPoint: [Float]] {
            let ids = try model.promptTokens(text, chat: chat, system: system)
            guard !ids.isEmpty else { throw SteeringError.badTrainingData("a text has no tokens") }
            guard ids.count <= session.cache.capacity else {
                throw SteeringError.badTrainingData("a text has \(ids.count) tokens, over the context of \(session.cache.capacity)")
            }
            session.rewind(to: 0)
            let sink = LastRowsSink(points: Set(layers.map { ControlVector.tap(forLayer: $0) }), last: ids.count - 1)
            _ = try session.forward(ids, logits: .none, sink: sink)
            return sink.rows
        }
        for (i, p) in pairs.enumerated() {
            let a = try run(p.positive), b = try run(p.negative)
            for l in layers {
                let tap = ControlVector.tap(forLayer: l)
                pos[l, default: []].append(a[tap]!)
                neg[l, default: []].append(b[tap]!)
            }
            progress(i + 1, pairs.count)
        }
        return (pos, neg)
    }

    /// The unit direction [D] separating paired rows `positive` and `negative` ([N, D] each).
    public static func direction(positive: [[Float]], negative: [[Float]], method: ContrastMethod,
                                 seed: UInt64 = 0, iterations: Int = 1000) throws -> [Float] {
        let n = positive.count
        guard n >= 1, negative.count == n else { throw SteeringError.badTrainingData("need as many negatives as positives (≥ 1)") }
        let D = positive[0].count
        guard D >= 1, (positive + negative).allSatisfy({ $0.count == D }) else {
            throw SteeringError.badTrainingData("rows of different widths")
        }
        var v: [Double]
        switch method {
        case .meanDiff:
            v = [Double](repeating: 0, count: D)
            for i in 0..<n { for j in 0..<D { v[j] += Double(positive[i][j]) - Double(negative[i][j]) } }
            for j in 0..<D { v[j] /= Double(n) }
            return try unit(v)
        case .pcaDiff:
            let rows = (0..<n).map { i in (0..<D).map { Double(positive[i][$0]) - Double(negative[i][$0]) } }
            v = try firstPrincipalComponent(rows, seed: seed, iterations: iterations)
        case .pcaCenter:
            var rows: [[Double]] = []
            rows.reserveCapacity(2 * n)
            for i in 0..<n {
                let c = (0..<D).map { (Double(positive[i][$0]) + Double(negative[i][$0])) / 2 }
                rows.append((0..<D).map { Double(positive[i][$0]) - c[$0] })
                rows.append((0..<D).map { Double(negative[i][$0]) - c[$0] })
            }
            v = try firstPrincipalComponent(rows, seed: seed, iterations: iterations)
        }
        // repeng's sign: positives should project above their negatives in most pairs.
        var above = 0, below = 0
        var margin = 0.0
        for i in 0..<n {
            var a = 0.0, b = 0.0
            for j in 0..<D { a += Double(positive[i][j]) * v[j]; b += Double(negative[i][j]) * v[j] }
            if a > b { above += 1 } else if a < b { below += 1 }
            margin += a - b
        }
        if below > above || (below == above && margin < 0) { v = v.map { -$0 } }
        return try unit(v)
    }

    /// Trains one direction per layer and returns them as a control vector.
    public static func train(positive: [Int: [[Float]]], negative: [Int: [[Float]]], method: ContrastMethod,
                             modelHint: String, seed: UInt64 = 0) throws -> ControlVector {
        var directions: [Int: [Float]] = [:]
        for l in positive.keys.sorted() {
            guard let neg = negative[l] else { throw SteeringError.badTrainingData("layer \(l) has no negatives") }
            guard l >= 1 else { throw SteeringError.badTrainingData("llama.cpp never applies a vector to layer 0") }
            directions[l] = try direction(positive: positive[l]!, negative: neg, method: method, seed: seed)
        }
        return ControlVector(modelHint: modelHint, directions: directions)
    }

    /// Top right singular vector of the column-centred rows [M, D], unit length (sign arbitrary).
    static func firstPrincipalComponent(_ rows: [[Double]], seed: UInt64, iterations: Int) throws -> [Double] {
        let M = rows.count, D = rows[0].count
        var mean = [Double](repeating: 0, count: D)
        for r in rows { for j in 0..<D { mean[j] += r[j] } }
        for j in 0..<D { mean[j] /= Double(M) }
        let X = rows.map { r in (0..<D).map { r[$0] - mean[$0] } }
        var rng = SplitMix64(seed: seed)
        var v = (0..<D).map { _ in rng.nextUnit() * 2 - 1 }
        v = try unit(v)
        var Xv = [Double](repeating: 0, count: M)
        for _ in 0..<max(1, iterations) {
            for i in 0..<M { var s = 0.0; for j in 0..<D { s += X[i][j] * v[j] }; Xv[i] = s }
            var w = [Double](repeating: 0, count: D)
            for i in 0..<M { for j in 0..<D { w[j] += X[i][j] * Xv[i] } }
            var norm = 0.0
            for x in w { norm += x * x }
            norm = norm.squareRoot()
            guard norm > 0, norm.isFinite else {
                throw SteeringError.badTrainingData("the rows do not vary: no principal component")
            }
            var change = 0.0
            for j in 0..<D { let x = w[j] / norm; change += (x - v[j]) * (x - v[j]); v[j] = x }
            if change < 1e-24 { break }
        }
        return v
    }

    static func unit(_ v: [Double]) throws -> [Double] {
        guard let u = unitLength(v) else { throw SteeringError.badTrainingData("the contrast has no direction") }
        return u
    }

    static func unit(_ v: [Double]) throws -> [Float] {
        let u: [Double] = try unit(v)
        return u.map { Float($0) }
    }
}
