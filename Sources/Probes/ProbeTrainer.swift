// From collected activations to a calibrated supervisor bundle.
//
// Legend: N = rows, D = tap width.
//
// 1. Split: a validation store when given; otherwise examples go to validation when the first
//    8 bytes of SHA-256(seed ‖ text) fall below the fraction (stable under reordering; all
//    rows of an example stay on one side).
// 2. For every candidate tap: fit on the training rows (logistic: every L2 strength of the grid,
//    warm-started from the strongest, keeping the best validation AUROC, ties to the stronger),
//    then score the validation rows with the detector exactly as the supervisor will (Float
//    arithmetic of Detectors), so the threshold is calibrated on the scores S computes.
// 3. Pick the best tap, the top n, or all; the rule's per-row score is the maximum over the
//    picked detectors. The threshold is chosen on validation counterexamples for the target FPR.
// 4. Write the bundle with the report (per-tap AUROC, settings, data hash) as training metadata.
//    No clock or path enters it: the same store and options give the same bytes.

import Crypto
import Activations
import Detectors
import Evaluation
import Foundation
import Kernels
import LabeledData
import Taps

/// What a hash split keys on (see `TrainOptions.splitBy`).
public enum SplitKey: String, Sendable, Codable, CaseIterable {
    case text, source
}

public struct TrainOptions: Sendable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case logistic, diffmean, mlp
    }
    public enum Pick: Sendable, Equatable, Codable, CustomStringConvertible {
        case best
        case top(Int)
        case all

        public init(parsing s: String) throws {
            switch s {
            case "best": self = .best
            case "all": self = .all
            default:
                guard let n = Int(s), n >= 1 else { throw TrainingError.badOption("--pick must be best, all or a count") }
                self = .top(n)
            }
        }
        public var description: String {
            switch self {
            case .best: return "best"
            case .all: return "all"
            case .top(let n): return "\(n)"
            }
        }
        public init(from decoder: Decoder) throws { self = try Pick(parsing: try decoder.singleValueContainer().decode(String.self)) }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(description)
        }
    }

    public var kind: Kind = .logistic
    /// Candidate taps; nil means every tap of the store.
    public var taps: [TapPoint]?
    /// L2 strengths tried (logistic); the best on validation is kept.
    public var l2Grid: [Double] = [1, 0.1, 0.01, 0.001, 0.0001]
    public var solver: LogisticOptions.Solver = .auto
    public var normalization: DirectionDetector.Normalization = .none
    public var mlp = MLPOptions()
    public var targetFPR = 0.01
    public var validationFraction = 0.2
    /// What the hash split draws: each text on its own, or (`source`) every row that names its
    /// own `source` — a wrapper of the framing sets — as one group, so that validation holds
    /// wrappers training never saw and a threshold set there carries over to new wrappers.
    public var splitBy: SplitKey = .text
    /// Examples whose source starts with one of these are left out of training (validation keeps
    /// them): to measure what some of the data adds, on the same validation rows.
    public var dropFromTraining: [String] = []
    public var seed: UInt64 = 0
    public var pick: Pick = .best
    public var name = "supervisor"
    public var description: String?
    public var action: RuleAction = .halt
    /// Which positions the rule judges; nil: the scope that matches how the activations were
    /// collected (`PositionSelection.matchingScope`).
    public var scope: RuleScope?
    public var aggregation: Aggregation = .last
    /// For answers (positions `answer`): aggregations to choose from on validation, by the AUROC
    /// of the answers' peaks (ties: more answers halted at the calibrated threshold, then the
    /// earlier candidate); empty: `aggregation`.
    public var aggregationCandidates: [Aggregation] = []
    /// A fixed threshold instead of the calibrated one (validation metrics are still reported at it).
    public var threshold: Float?

    public init() {}

    public func validate() throws {
        guard targetFPR >= 0, targetFPR < 1 else { throw TrainingError.badOption("the target FPR must be in [0, 1)") }
        if let threshold, !threshold.isFinite { throw TrainingError.badOption("the threshold must be a finite number") }
        guard validationFraction > 0, validationFraction < 1 else {
            throw TrainingError.badOption("the validation fraction must be in (0, 1)")
        }
        guard !l2Grid.isEmpty, l2Grid.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw TrainingError.badOption("L2 strengths must be positive numbers")
        }
        try aggregation.validate()
        for a in aggregationCandidates { try a.validate() }
        if kind == .mlp {
            guard mlp.hidden >= 1, mlp.epochs >= 1, mlp.batch >= 1 else {
                throw TrainingError.badOption("the MLP needs at least one hidden unit, epoch and row per batch")
            }
            guard mlp.learningRate.isFinite, mlp.learningRate > 0, mlp.weightDecay.isFinite, mlp.weightDecay >= 0 else {
                throw TrainingError.badOption("the MLP learning rate must be a positive number and its weight decay ≥ 0")
            }
        }
    }
}

extension PositionSelection {
    /// The rule scope that judges the positions a probe was trained on: a probe fitted on the
    /// last position of each prompt (or its last few, or its mean) has never seen a generated
    /// token, so it judges the request only; one fitted on every position of its texts judges
    /// every token.
    public var matchingScope: RuleScope {
        switch self {
        case .last, .lastN, .mean: return .request
        case .all: return .prompt
        case .answer: return .generation
        }
    }

    /// Why `scope` judges positions unlike the training rows, or nil when it does not.
    public func mismatch(with scope: RuleScope) -> String? {
        if self == .answer, scope != .generation {
            return "scope \(scope.rawValue) judges prompt tokens, but the probe was trained on answers only: its scores there "
                + "are uncalibrated (use --scope generation)"
        }
        guard matchingScope == .request, scope != .request else { return nil }
        return "scope \(scope.rawValue) also judges generated tokens, but the probe was trained on \(self) prompt "
            + "positions only: expect halts in the middle of harmless answers (collect with --positions all, or "
            + "use --scope request)"
    }
}

/// One aggregation tried for a rule on answers, on the validation answers.
public struct AnswerCandidate: Sendable, Equatable, Codable {
    public var aggregation: Aggregation
    public var threshold: Float
    public var validation: AnswerMetrics
}

/// One candidate tap's result.
public struct TapResult: Sendable, Equatable, Codable {
    public var tap: String
    public var detector: String
    public var trainAUROC: Double
    public var validationAUROC: Double
    public var validationTPRAt1: Double
    public var l2: Double?
    public var iterations: Int?
    enum CodingKeys: String, CodingKey {
        case tap, detector, l2, iterations
        case trainAUROC = "train_auroc", validationAUROC = "val_auroc", validationTPRAt1 = "val_tpr_at_1pct_fpr"
    }
}

public struct TrainReport: Sendable, Equatable, Codable {
    public var kind: TrainOptions.Kind
    public var pick: TrainOptions.Pick
    public var modelSHA256: String
    public var dataSHA256: String
    public var validationDataSHA256: String?
    public var collection: CollectionSettings
    public var trainRows: Int
    public var trainPositives: Int
    public var validationRows: Int
    public var validationPositives: Int
    public var seed: UInt64
    public var targetFPR: Double
    public var taps: [TapResult]
    public var chosen: [String]
    /// For answers (positions `answer`): each candidate aggregation on the validation answers
    /// at its own calibrated threshold, and the one chosen (its threshold is the rule's).
    public var answers: [AnswerCandidate]?
    /// How the hash split drew validation, when not by text (nil: by text, or a validation store).
    public var split: SplitKey?
    /// Source prefixes left out of training (nil: none).
    public var droppedFromTraining: [String]?
    public var threshold: Float
    /// Of the picked rule on the validation rows, at `threshold`.
    public var validation: BinaryMetrics

    enum CodingKeys: String, CodingKey {
        case kind, pick, collection, seed, taps, chosen, threshold, validation, answers, split
        case droppedFromTraining = "dropped_from_training"
        case modelSHA256 = "model_sha256", dataSHA256 = "data_sha256", validationDataSHA256 = "val_data_sha256"
        case trainRows = "train_rows", trainPositives = "train_positives"
        case validationRows = "val_rows", validationPositives = "val_positives", targetFPR = "target_fpr"
    }
}

public enum ProbeTrainer {
    /// Trains on `store` (validating on `validation`, or on a hash split of `store`) and returns
    /// the bundle and its report. `progress` receives one line per candidate tap.
    public static func train(_ store: ActivationStore, validation: ActivationStore? = nil, options: TrainOptions,
                             progress: (TapResult) -> Void = { _ in }) throws -> (SupervisorBundle, TrainReport) {
        try options.validate()
        let settings = store.index.settings
        if let v = validation {
            guard v.index.settings.modelSHA256 == settings.modelSHA256 else {
                throw TrainingError.badOption("the validation activations come from another model")
            }
            guard v.index.settings.positions == settings.positions, v.index.settings.chat == settings.chat,
                  v.index.settings.system == settings.system else {
                throw TrainingError.badOption("the validation activations were collected with other positions or chat settings")
            }
        }
        let candidates = options.taps ?? store.taps
        guard !candidates.isEmpty else { throw TrainingError.noData("no tap selected") }
        for t in candidates {
            _ = try store.dimension(t)
            _ = try validation?.dimension(t)
        }

        // Split rows.
        var trainRows: [Int]
        let valRows: [Int]
        if validation != nil {
            trainRows = Array(0..<store.rowCount)
            valRows = Array(0..<validation!.rowCount)
        } else {
            let files = Set(store.index.sources.map(\.path))
            let inValidation = store.examples.map {
                isValidation(splitKey($0, by: options.splitBy, files: files), seed: options.seed, fraction: options.validationFraction)
            }
            trainRows = (0..<store.rowCount).filter { !inValidation[store.rowExamples[$0]] }
            valRows = (0..<store.rowCount).filter { inValidation[store.rowExamples[$0]] }
        }
        if !options.dropFromTraining.isEmpty {
            let dropped = store.examples.map { e in options.dropFromTraining.contains { e.source?.hasPrefix($0) == true } }
            trainRows = trainRows.filter { !dropped[store.rowExamples[$0]] }
        }
        let valStore = validation ?? store
        let yTrain = trainRows.map { store.rowLabels[$0] }
        let yVal = valRows.map { valStore.rowLabels[$0] }
        for (name, y) in [("training", yTrain), ("validation", yVal)] {
            let p = y.filter { $0 == 1 }.count
            guard p > 0, p < y.count else {
                throw TrainingError.oneClass("the \(name) split has \(p) examples and \(y.count - p) counterexamples")
            }
        }

        var results: [TapResult] = []
        var detectors: [any Detector] = []
        var valScores: [[Double]] = []
        for tap in candidates {
            let D = try store.dimension(tap)
            let all = try store.matrix(tap)
            let train = LabeledRows(x: Matrix(all, cols: D, rows: trainRows), y: yTrain)
            let valAll = validation == nil ? all : try validation!.matrix(tap)
            let val = LabeledRows(x: Matrix(valAll, cols: D, rows: valRows), y: yVal)
            let id = "\(options.name).\(tap)"
            var result = TapResult(tap: tap.description, detector: id, trainAUROC: 0, validationAUROC: 0, validationTPRAt1: 0)
            let detector: any Detector
            switch options.kind {
            case .logistic:
                let scaling = FeatureScaling(train.x)
                let zTrain = scaling.apply(train.x), zVal = scaling.apply(val.x)
                var best: (auroc: Double, l2: Double, fit: LogisticFit)?
                var previous: LogisticFit?
                for l2 in options.l2Grid.sorted(by: >) {
                    let fit = try LogisticRegression.fit(zTrain, train.y,
                                                         options: LogisticOptions(l2: l2, solver: options.solver),
                                                         start: previous)
                    previous = fit
                    let auroc = Metrics.auroc(LogisticRegression.logits(fit, zVal), val.y)
                    if best == nil || auroc > best!.auroc { best = (auroc, l2, fit) }
                }
                let fit = best!.fit
                detector = LinearProbe(id: id, tap: tap, weight: fit.weights.map { Float($0) }, bias: Float(fit.bias),
                                       standardization: Standardization(mean: scaling.mean.map { Float($0) },
                                                                        scale: scaling.scale.map { Float($0) }))
                result.l2 = best!.l2
                result.iterations = fit.iterations
            case .diffmean:
                detector = try ProbeFitting.diffMean(id: id, tap: tap, train: train, normalization: options.normalization)
            case .mlp:
                detector = try MLPTraining.fit(id: id, tap: tap, train: train, validation: val, options: options.mlp)
            }
            let sTrain = try scores(detector, all, D: D, rows: trainRows)
            let sVal = try scores(detector, valAll, D: D, rows: valRows)
            result.trainAUROC = Metrics.auroc(sTrain, yTrain)
            result.validationAUROC = Metrics.auroc(sVal, yVal)
            result.validationTPRAt1 = Metrics.tpr(atFPR: 0.01, sVal, yVal)
            progress(result)
            results.append(result)
            detectors.append(detector)
            valScores.append(sVal)
        }

        // Pick.
        let ranked = results.indices.sorted {
            results[$0].validationAUROC > results[$1].validationAUROC
                || (results[$0].validationAUROC == results[$1].validationAUROC && $0 < $1)
        }
        let picked: [Int]
        switch options.pick {
        case .best: picked = [ranked[0]]
        case .top(let n): picked = Array(ranked.prefix(n)).sorted()
        case .all: picked = Array(results.indices)
        }
        let combined = (0..<valRows.count).map { r in picked.map { valScores[$0][r] }.max()! }
        let negatives = zip(combined, yVal).filter { $0.1 == 0 }.map(\.0)
        // Scores are Float at run time: the threshold is a Float with the same ≥ semantics.
        var chosenThreshold = options.threshold
            ?? floatThreshold(Metrics.threshold(forFPR: options.targetFPR, negatives: negatives), negatives: negatives,
                              allowed: Metrics.allowedFalsePositives(options.targetFPR, of: negatives.count))
        var aggregation = options.aggregation
        var answerCandidates: [AnswerCandidate]?
        if settings.positions == .answer {
            // Answers halt as a whole: calibrate on the answers' peaks, per candidate window.
            let choice = chooseAnswerAggregation(scores: combined, rowExamples: valRows.map { valStore.rowExamples[$0] },
                                                 labels: valStore.examples.map(\.label), options: options)
            answerCandidates = choice.candidates
            aggregation = choice.candidates[choice.chosen].aggregation
            chosenThreshold = choice.candidates[choice.chosen].threshold
        }
        let metrics = Metrics.evaluate(combined, yVal, threshold: Double(chosenThreshold))

        let report = TrainReport(kind: options.kind, pick: options.pick, modelSHA256: settings.modelSHA256,
                                 dataSHA256: store.index.dataSHA256, validationDataSHA256: validation?.index.dataSHA256,
                                 collection: settings, trainRows: trainRows.count,
                                 trainPositives: yTrain.filter { $0 == 1 }.count, validationRows: valRows.count,
                                 validationPositives: yVal.filter { $0 == 1 }.count, seed: options.seed,
                                 targetFPR: options.targetFPR, taps: results,
                                 chosen: picked.map { results[$0].tap }, answers: answerCandidates,
                                 split: validation == nil && options.splitBy != .text ? options.splitBy : nil,
                                 droppedFromTraining: options.dropFromTraining.isEmpty ? nil : options.dropFromTraining,
                                 threshold: chosenThreshold,
                                 validation: metrics)

        var builder = BundleBuilder(name: options.name, description: options.description, model: store.index.model,
                                    training: try jsonValue(report))
        for i in picked {
            switch detectors[i] {
            case let d as LinearProbe: try builder.add(d)
            case let d as DirectionDetector: try builder.add(d)
            case let d as MLPProbe: try builder.add(d)
            default: throw TrainingError.badOption("cannot store detector kind \(detectors[i].kind)")
            }
        }
        builder.rules.append(RuleSpec(id: options.name, detectors: picked.map { detectors[$0].id },
                                      aggregation: aggregation, threshold: chosenThreshold,
                                      action: options.action, scope: options.scope ?? settings.positions.matchingScope))
        return (try builder.build(), report)
    }

    /// The aggregation (among `options.aggregationCandidates`, or `options.aggregation`) and
    /// threshold for a rule on answers: per candidate, the rows' scores become answer traces,
    /// the threshold lets at most `targetFPR` of the harmless validation answers halt (or is the
    /// fixed `options.threshold`), and the answers' peaks are scored. Chosen: the best AUROC,
    /// ties to more harmful answers halted, then to the earlier candidate.
    static func chooseAnswerAggregation(scores: [Double], rowExamples: [Int], labels: [Int],
                                        options: TrainOptions) -> (candidates: [AnswerCandidate], chosen: Int) {
        let aggregations = options.aggregationCandidates.isEmpty ? [options.aggregation] : options.aggregationCandidates
        let candidates = aggregations.map { a -> AnswerCandidate in
            let traces = AnswerScoring.traces(scores: scores, rowExamples: rowExamples, aggregation: a)
            let negatives = traces.filter { labels[$0.example] == 0 }.map { Double($0.peak) }
            let threshold = options.threshold
                ?? floatThreshold(Metrics.threshold(forFPR: options.targetFPR, negatives: negatives), negatives: negatives,
                                  allowed: Metrics.allowedFalsePositives(options.targetFPR, of: negatives.count))
            return AnswerCandidate(aggregation: a, threshold: threshold,
                                   validation: AnswerMetrics(traces: traces, labels: labels, threshold: threshold))
        }
        var best = 0
        for (i, c) in candidates.enumerated() {
            let b = candidates[best].validation
            if c.validation.auroc > b.auroc || (c.validation.auroc == b.auroc && c.validation.halted > b.halted) { best = i }
        }
        return (candidates, best)
    }

    /// Scores of rows `rows` of `matrix` [*, D] computed by `detector` itself.
    public static func scores(_ detector: any Detector, _ matrix: [Float], D: Int, rows: [Int]) throws -> [Double] {
        try matrix.withUnsafeBufferPointer { m in
            try rows.map { r in Double(try detector.score(UnsafeBufferPointer(rebasing: m[(r * D)..<((r + 1) * D)]))) }
        }
    }

    /// What the hash split draws for `e`: its text, or with `.source` its `source` when the row
    /// named one (not the file or built-in set it came from, listed in `files`) — all the rows
    /// of one wrapper then fall on the same side.
    static func splitKey(_ e: StoredExample, by key: SplitKey, files: Set<String>) -> String {
        guard key == .source, let s = e.source, !files.contains(s) else { return e.text }
        return "source:" + s
    }

    /// Whether an example goes to validation in a hash split.
    public static func isValidation(_ text: String, seed: UInt64, fraction: Double) -> Bool {
        var h = SHA256()
        withUnsafeBytes(of: seed.littleEndian) { h.update(bufferPointer: $0) }
        h.update(data: Data(text.utf8))
        let prefix = h.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(prefix) / 18_446_744_073_709_551_616.0 < fraction
    }

    /// The smallest Float t with at most `allowed` negatives ≥ t (the Double threshold rounded
    /// to a Float that keeps the same count).
    public static func floatThreshold(_ t: Double, negatives: [Double], allowed: Int) -> Float {
        var f = Float(t)
        while negatives.filter({ $0 >= Double(f) }).count > allowed { f = f.nextUp }
        return f
    }

    public static func jsonValue<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
    }
}
