// Sparse autoencoders on a real model: activations at the SAE's tap, quality on held-out text
// (explained variance, L0, dead latents, loss recovered), feature contexts and contrasts, and
// the raw-probe vs SAE-probe comparison.
//
// Legend: N = rows (tokens), D = the tap's width, L = latents, T = texts.
//
// Loss recovered: for each text, the mean next-token cross-entropy CE over predictions made
// from spliced positions (p ≥ skipFirst), three ways: clean, with the tap's activation replaced
// by the SAE's reconstruction (a `TapEditor`), and with it replaced by zeros. Recovered =
// (CE_zero − CE_sae) / (CE_zero − CE_clean): 1 is a perfect SAE, 0 no better than erasing the
// activation (SAELens reports the same ratio).

import Activations
import Detectors
import Evaluation
import Foundation
import Kernels
import LabeledData
import Models
import Probes
import Taps

/// Activations of one tap over a set of texts, positions ≥ `skipFirst` of each.
public struct TextActivations: Sendable {
    public var width: Int
    public var values: [Float]          // [N, D]
    public var tokens: [Int]            // [N] token id at each row
    public var sequenceStarts: [Int]    // [T] first row of each text (texts with no rows are skipped)
    public var texts: [LabeledExample]  // [T]
    /// Every text's full token list (for loss recovered).
    public var textTokens: [[Int]]      // [T]
    public var rows: Int { tokens.count }

    /// Labels per row.
    public var rowLabels: [Int] {
        var out: [Int] = []
        for (t, start) in sequenceStarts.enumerated() {
            let end = t + 1 < sequenceStarts.count ? sequenceStarts[t + 1] : rows
            out += [Int](repeating: texts[t].label, count: end - start)
        }
        return out
    }

    /// Runs `model` over `sources` and keeps `tap` at the selected positions.
    public static func collect(model: LanguageModel, sources: [DataSource], tap: TapPoint, positions: PositionSelection,
                               chat: Bool, skipFirst: Int, maxTokens: Int, threads: Int,
                               progress: (Int, Int) -> Void = { _, _ in }) throws -> TextActivations {
        let settings = CollectionSettings(modelSHA256: String(repeating: "0", count: 64), taps: [tap], positions: positions,
                                          skipFirst: skipFirst, chat: chat, maxTokens: maxTokens)
        let collector = try Collector(model: model, plan: CollectionPlan(settings: settings, sources: sources))
        let width = collector.dims[tap.description]!
        var out = TextActivations(width: width, values: [], tokens: [], sequenceStarts: [], texts: [], textTokens: [])
        let n = collector.examples.count
        try collector.forEach(0..<n, threads: threads) { i, ids, _, kept, sink in
            let rows = sink.rows[0].count / width
            guard rows > 0 else { return }
            out.sequenceStarts.append(out.rows)
            out.texts.append(collector.examples[i])
            out.textTokens.append(ids)
            out.values += sink.rows[0]
            out.tokens += positions == .mean ? [-1] : kept.map { ids[$0] }
            progress(i + 1, n)
        }
        return out
    }
}

/// Replaces a tap's activation by its SAE reconstruction (or zeros) at positions ≥ `from`.
final class SAESplice: TapEditor {
    enum Mode { case reconstruct, zero }
    let points: Set<TapPoint>
    let sae: SparseAutoencoder
    let mode: Mode
    let from: Int
    private(set) var error: Error?

    init(sae: SparseAutoencoder, tap: TapPoint, mode: Mode, from: Int) {
        self.sae = sae
        points = [tap]
        self.mode = mode
        self.from = from
    }

    func edit(_ point: TapPoint, position: Int, values: UnsafeMutableBufferPointer<Float>) {
        guard position >= from else { return }
        switch mode {
        case .zero:
            for i in values.indices { values[i] = 0 }
        case .reconstruct:
            do {
                let r = try sae.reconstruct(Array(values))
                for i in values.indices { values[i] = r[i] }
            } catch {
                self.error = error
            }
        }
    }
}

public struct SAEQuality: Sendable, Codable {
    public var tap: String
    public var latents: Int
    public var architecture: String
    public var texts: Int
    public var rows: Int
    public var explainedVariance: Double
    public var mse: Double
    public var meanL0: Double
    public var deadFraction: Double
    public var lossTexts: Int
    public var predictions: Int
    public var ceClean: Double
    public var ceSAE: Double
    public var ceZero: Double
    public var lossRecovered: Double
    /// How far the quantized encoders a detector may run move the activations (`EncoderComparison`
    /// against F32 on some of the rows); empty when the SAE's width is not a multiple of 32.
    public var encoders: [QuantizedEncoderFidelity]
    enum CodingKeys: String, CodingKey {
        case tap, latents, architecture, texts, rows, mse, predictions, encoders
        case explainedVariance = "explained_variance", meanL0 = "mean_l0", deadFraction = "dead_fraction"
        case lossTexts = "loss_texts", ceClean = "ce_clean", ceSAE = "ce_sae", ceZero = "ce_zero_ablation"
        case lossRecovered = "loss_recovered"
    }
}

/// One quantized encoder against the F32 encoder on real rows.
public struct QuantizedEncoderFidelity: Sendable, Codable {
    public var precision: String
    public var bytes: Int
    public var comparison: EncoderComparison
}

public enum SAEStudies {
    /// Explained variance, L0 and dead fraction on `data`'s rows; loss recovered on its first
    /// `lossTexts` texts; the Q8_0 and Q4_1 encoders against F32 on up to `encoderRows` rows
    /// (evenly spaced).
    public static func quality(_ sae: SparseAutoencoder, tap: TapPoint, model: LanguageModel, data: TextActivations,
                               skipFirst: Int, lossTexts: Int, encoderRows: Int = 2000, threads: Int,
                               progress: (Int, Int) -> Void = { _, _ in }) throws -> SAEQuality {
        let pool = ThreadPool(threads: threads)
        let evaluation = try withMatrixView(data.values, cols: data.width) { try sae.evaluate($0, pool: pool) }
        var encoders: [QuantizedEncoderFidelity] = []
        if sae.inputWidth % 32 == 0, encoderRows > 0, data.rows > 0 {
            let n = min(encoderRows, data.rows), D = data.width
            var sample = [Float](repeating: 0, count: n * D)
            for i in 0..<n {
                let r = i * data.rows / n
                for j in 0..<D { sample[i * D + j] = data.values[r * D + j] }
            }
            let precisions = [SAEEncoderPrecision.q8_0, .q4_1]
            let quantized = try precisions.map { try QuantizedSAEEncoder(sae, type: $0.weightType!) }
            let reports = try withMatrixView(sample, cols: D) { try EncoderComparison.measure(quantized, on: $0, pool: pool) }
            encoders = zip(precisions, zip(quantized, reports)).map { p, qr in
                QuantizedEncoderFidelity(precision: p.rawValue, bytes: qr.0.byteCount, comparison: qr.1)
            }
        }
        let texts = Array(data.textTokens.prefix(lossTexts))
        let capacity = (texts.map(\.count).max() ?? 1) + 1
        var nll = [0.0, 0.0, 0.0]
        var predictions = 0
        for (i, ids) in texts.enumerated() {
            let session = InferenceSession(model: model.transformer, contextLength: capacity, threads: threads)
            for (k, mode) in [SAESplice.Mode?.none, .reconstruct, .zero].enumerated() {
                let splice = mode.map { SAESplice(sae: sae, tap: tap, mode: $0, from: skipFirst) }
                session.editor = splice
                let score = try session.score(ids)
                if let e = splice?.error { throw e }
                for j in (skipFirst + 1)..<max(skipFirst + 1, ids.count) { nll[k] -= Double(score.logProbs[j]!) }
            }
            predictions += max(0, ids.count - skipFirst - 1)
            progress(i + 1, texts.count)
        }
        let ce = nll.map { $0 / Double(max(1, predictions)) }
        return SAEQuality(tap: tap.description, latents: sae.latents, architecture: sae.architecture.saeLensName,
                          texts: data.texts.count, rows: data.rows, explainedVariance: evaluation.explainedVariance,
                          mse: evaluation.mse, meanL0: evaluation.meanL0, deadFraction: evaluation.deadFraction,
                          lossTexts: texts.count, predictions: predictions, ceClean: ce[0], ceSAE: ce[1], ceZero: ce[2],
                          lossRecovered: (ce[2] - ce[1]) / (ce[2] - ce[0]), encoders: encoders)
    }

    /// Dense feature activations [N, L] of `data` as a Double matrix for the probe solvers.
    static func featureMatrix(_ sae: SparseAutoencoder, _ data: TextActivations, pool: ThreadPool) throws -> (Matrix, SparseCodes) {
        let codes = try withMatrixView(data.values, cols: data.width) { try sae.encodeBatch($0, pool: pool) }
        var v = [Double](repeating: 0, count: data.rows * sae.latents)
        for r in 0..<data.rows {
            let c = codes.code(r)
            for (i, a) in zip(c.indices, c.values) { v[r * sae.latents + i] = Double(a) }
        }
        return (Matrix(rows: data.rows, cols: sae.latents, values: v), codes)
    }
}

/// One method's scores on one evaluation set.
public struct ProbeComparisonRow: Sendable, Codable {
    public var method: String
    public var set: String
    public var positives: Int
    public var negatives: Int
    public var auroc: Double
    public var tprAt1: Double
    enum CodingKeys: String, CodingKey { case method, set, positives, negatives, auroc, tprAt1 = "tpr_at_1pct_fpr" }
}

public struct ProbeComparison: Sendable, Codable {
    public var tap: String
    public var latents: Int
    /// The single best feature (by training AUROC, higher in examples) and its training AUROC.
    public var bestFeature: Int
    public var bestFeatureTrainAUROC: Double
    public var rawL2: Double
    public var saeL2: Double
    public var rows: [ProbeComparisonRow]
    enum CodingKeys: String, CodingKey {
        case tap, latents, rows, bestFeature = "best_feature", bestFeatureTrainAUROC = "best_feature_train_auroc"
        case rawL2 = "raw_l2", saeL2 = "sae_l2"
    }

    /// Raw-activation logistic probe vs logistic probe on SAE features vs the single best
    /// feature, fitted on `train` (L2 chosen on a hash-split fifth of it, then refitted on all of
    /// it), scored on every set of `evaluate`.
    public static func run(sae: SparseAutoencoder, tap: TapPoint, train: TextActivations,
                           evaluate sets: [(name: String, data: TextActivations)], l2Grid: [Double],
                           threads: Int) throws -> ProbeComparison {
        let pool = ThreadPool(threads: threads)
        let yTrain = train.rowLabels
        let rawTrain = Matrix(train.values, cols: train.width, rows: Array(0..<train.rows))
        let rawScaling = FeatureScaling(rawTrain)
        let (saeTrain, codesTrain) = try SAEStudies.featureMatrix(sae, train, pool: pool)
        // SAE features are sparse and mostly zero: one global scale (their RMS over the training
        // rows) keeps a feature that never fired in training from exploding when it fires later.
        var ss = 0.0
        for v in saeTrain.values { ss += v * v }
        let rms = max((ss / Double(max(1, saeTrain.values.count))).squareRoot(), 1e-12)
        let saeScaling = FeatureScaling(mean: [Double](repeating: 0, count: sae.latents),
                                        scale: [Double](repeating: rms, count: sae.latents))

        // L2 by validation AUROC on a hash split of the training texts, then a refit on all rows.
        let textOfRow = train.sequenceStarts.enumerated().flatMap { t, start -> [Int] in
            let end = t + 1 < train.sequenceStarts.count ? train.sequenceStarts[t + 1] : train.rows
            return [Int](repeating: t, count: end - start)
        }
        let inVal = train.texts.map { ProbeTrainer.isValidation($0.text, seed: 0, fraction: 0.2) }
        let fitRows = (0..<train.rows).filter { !inVal[textOfRow[$0]] }
        let valRows = (0..<train.rows).filter { inVal[textOfRow[$0]] }
        func chooseL2(_ z: Matrix) throws -> Double {
            let zFit = Matrix(rows: fitRows.count, cols: z.cols, values: fitRows.flatMap { r in z.values[(r * z.cols)..<((r + 1) * z.cols)] })
            let zVal = Matrix(rows: valRows.count, cols: z.cols, values: valRows.flatMap { r in z.values[(r * z.cols)..<((r + 1) * z.cols)] })
            var best: (Double, Double)?
            var previous: LogisticFit?
            for l2 in l2Grid.sorted(by: >) {
                let fit = try LogisticRegression.fit(zFit, fitRows.map { yTrain[$0] }, options: LogisticOptions(l2: l2), start: previous)
                previous = fit
                let a = Metrics.auroc(LogisticRegression.logits(fit, zVal), valRows.map { yTrain[$0] })
                if best == nil || a > best!.0 { best = (a, l2) }
            }
            return best!.1
        }
        let zRaw = rawScaling.apply(rawTrain), zSAE = saeScaling.apply(saeTrain)
        let rawL2 = try chooseL2(zRaw), saeL2 = try chooseL2(zSAE)
        let rawFit = try LogisticRegression.fit(zRaw, yTrain, options: LogisticOptions(l2: rawL2))
        let saeFit = try LogisticRegression.fit(zSAE, yTrain, options: LogisticOptions(l2: saeL2))

        // The single best feature: highest training AUROC with the feature higher in examples.
        let pos = (0..<train.rows).filter { yTrain[$0] == 1 }, neg = (0..<train.rows).filter { yTrain[$0] == 0 }
        let ranked = try FeatureAnalysis.contrast(subset(codesTrain, pos), subset(codesTrain, neg), rankBy: .auroc,
                                                  direction: .higherInA, top: 1)
        let best = ranked[0]

        var rows: [ProbeComparisonRow] = []
        for (name, data) in sets {
            let y = data.rowLabels
            let raw = rawScaling.apply(Matrix(data.values, cols: data.width, rows: Array(0..<data.rows)))
            let (feats, codes) = try SAEStudies.featureMatrix(sae, data, pool: pool)
            let methods: [(String, [Double])] = [
                ("raw logistic", LogisticRegression.logits(rawFit, raw)),
                ("SAE-feature logistic", LogisticRegression.logits(saeFit, saeScaling.apply(feats))),
                ("best single feature (\(best.feature))", codes.column(best.feature).map(Double.init)),
            ]
            for (method, scores) in methods {
                let p = y.filter { $0 == 1 }.count
                rows.append(ProbeComparisonRow(method: method, set: name, positives: p, negatives: y.count - p,
                                               auroc: Metrics.auroc(scores, y), tprAt1: Metrics.tpr(atFPR: 0.01, scores, y)))
            }
        }
        return ProbeComparison(tap: tap.description, latents: sae.latents, bestFeature: best.feature,
                               bestFeatureTrainAUROC: best.auroc, rawL2: rawL2, saeL2: saeL2, rows: rows)
    }

    /// The codes of `rows`.
    static func subset(_ codes: SparseCodes, _ rows: [Int]) throws -> SparseCodes {
        var out = SparseCodes(latents: codes.latents)
        for r in rows { try out.append(codes.code(r)) }
        return out
    }
}
