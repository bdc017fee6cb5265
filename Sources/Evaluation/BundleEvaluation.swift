// Evaluating a supervisor bundle on labeled text: run the model with the bundle's collection
// settings (from its training metadata: chat template, positions), score the kept rows with
// the bundle's own detectors, and report the rule's metrics against its threshold.
//
// A row's score for a rule is the maximum over the rule's detectors, as the supervisor computes it.
//
// Besides the whole set, the rule is reported per source (file, built-in set, or the row's
// `source` field) and per category (for framed requests, the wrapper kind), so that one weak
// framing shows by name instead of vanishing in the average. The rows can also come from a
// collection made with the bundle's settings (`evaluate(_:store:...)`), so several bundles are
// measured on one run of the model.

import Activations
import Detectors
import Foundation
import LabeledData
import Models
import Taps

public struct DetectorEvaluation: Sendable, Codable {
    public var detector: String
    public var tap: String
    public var metrics: BinaryMetrics
}

/// The rule on one group of rows (a source or a category).
public struct GroupEvaluation: Sendable, Codable, Equatable {
    /// "source" or "category".
    public var by: String
    /// The group's value ("(none)" for rows without one).
    public var name: String
    public var positives: Int
    public var negatives: Int
    /// Within the group, when it holds both labels (nil otherwise).
    public var auroc: Double?
    public var tprAt1: Double?
    /// At the rule's threshold: the share of label-1 rows that fire (nil without any), and of
    /// label-0 rows (the false-halt rate for a halting rule).
    public var tprAtThreshold: Double?
    public var fprAtThreshold: Double?
    enum CodingKeys: String, CodingKey {
        case by, name, positives, negatives, auroc
        case tprAt1 = "tpr_at_1pct_fpr", tprAtThreshold = "tpr_at_threshold", fprAtThreshold = "fpr_at_threshold"
    }

    /// The rows grouped by `keys` (one per row), sorted by name; a row fires at `threshold` as in `Metrics.rates`.
    static func groups(by: String, keys: [String], scores: [Double], labels: [Int], threshold: Double) -> [GroupEvaluation] {
        var members: [String: [Int]] = [:]
        for (r, k) in keys.enumerated() { members[k, default: []].append(r) }
        return members.keys.sorted().map { name in
            let rows = members[name]!
            let s = rows.map { scores[$0] }, y = rows.map { labels[$0] }
            let p = y.filter { $0 == 1 }.count, n = y.count - p
            let fires = zip(s, y).filter { $0.0 >= threshold }
            let pFire = fires.filter { $0.1 == 1 }.count, nFire = fires.count - pFire
            let both = p > 0 && n > 0
            return GroupEvaluation(by: by, name: name, positives: p, negatives: n,
                                   auroc: both ? Metrics.auroc(s, y) : nil,
                                   tprAt1: both ? Metrics.tpr(atFPR: 0.01, s, y) : nil,
                                   tprAtThreshold: p > 0 ? Double(pFire) / Double(p) : nil,
                                   fprAtThreshold: n > 0 ? Double(nFire) / Double(n) : nil)
        }
    }
}

public struct BundleEvaluation: Sendable, Codable {
    public var bundle: String
    public var bundleSHA256: String
    public var rule: String
    public var threshold: Float
    public var collection: CollectionSettings
    public var dataSHA256: String
    public var examples: Int
    public var rows: Int
    public var metrics: BinaryMetrics
    public var detectors: [DetectorEvaluation]
    /// The rule per source, then per category.
    public var groups: [GroupEvaluation]
    /// The ROC of the rule's score (for plots).
    public var roc: [ROCPoint]
    /// For a bundle trained on answers (positions `answer`): the rule as S applies it to whole
    /// answers — halts, false halts, tokens released before the halt. `metrics`, `groups` and
    /// `roc` are then per answer too (an answer's score is its peak aggregate).
    public var answers: AnswerMetrics?
    enum CodingKeys: String, CodingKey {
        case bundle, rule, threshold, collection, examples, rows, metrics, detectors, groups, roc, answers
        case bundleSHA256 = "bundle_sha256", dataSHA256 = "data_sha256"
    }
}

public enum BundleEvaluator {
    /// The collection settings a bundle was trained with (its `training.collection`), with the
    /// taps replaced by those its detectors read. Bundles without that metadata use `fallback`.
    public static func settings(of bundle: SupervisorBundle, fallback: CollectionSettings) throws -> CollectionSettings {
        var s = fallback
        if case .object(let training)? = bundle.manifest.training, let collection = training["collection"] {
            s = try collection.decode(as: CollectionSettings.self)
        }
        s.modelSHA256 = bundle.manifest.model.sha256
        s.taps = Array(Set(bundle.detectors.map(\.tap))).sorted().map(\.description)
        return s
    }

    public static func evaluate(_ bundle: SupervisorBundle, model: LanguageModel, modelSHA256: String,
                                sources: [DataSource], settings: CollectionSettings, ruleID: String?,
                                bootstrap: Int, seed: UInt64, threads: Int, editor: TapEditor? = nil,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> BundleEvaluation {
        try bundle.checkModel(sha256: modelSHA256)
        let rule = try self.rule(ruleID, of: bundle)
        let collector = try Collector(model: model, plan: CollectionPlan(settings: settings, sources: sources))
        collector.editor = editor
        let taps = settings.tapPoints
        let tapIndex = Dictionary(uniqueKeysWithValues: taps.enumerated().map { ($1, $0) })
        let detectors = bundle.detectors
        var perDetector = [[Double]](repeating: [], count: detectors.count)
        var rowExamples: [Int] = []
        let n = collector.examples.count
        try collector.forEach(0..<n, threads: threads) { i, _, _, _, sink in
            let rows = sink.rows[0].count / max(1, sink.dims[0])
            for r in 0..<rows {
                for (d, det) in detectors.enumerated() {
                    let t = tapIndex[det.tap]!, D = sink.dims[t]
                    let s = try sink.rows[t].withUnsafeBufferPointer {
                        try det.score(UnsafeBufferPointer(rebasing: $0[(r * D)..<((r + 1) * D)]))
                    }
                    perDetector[d].append(Double(s))
                }
                rowExamples.append(i)
            }
            progress(i + 1, n)
        }
        let examples = collector.examples
        return report(bundle, rule: rule, settings: settings, dataSHA256: collector.dataSHA256, examples: n,
                      perDetector: perDetector, rowExamples: rowExamples, labels: rowExamples.map { examples[$0].label },
                      sources: rowExamples.map { examples[$0].source ?? "(none)" },
                      categories: rowExamples.map { examples[$0].category ?? "(none)" },
                      bootstrap: bootstrap, seed: seed)
    }

    /// The same report from a collection made with the bundle's settings (same model, chat
    /// template, system prompt and positions; the store holds every tap the detectors read).
    public static func evaluate(_ bundle: SupervisorBundle, store: ActivationStore, ruleID: String?,
                                bootstrap: Int, seed: UInt64) throws -> BundleEvaluation {
        let s = store.index.settings
        try bundle.checkModel(sha256: s.modelSHA256)
        let rule = try self.rule(ruleID, of: bundle)
        var want = try settings(of: bundle, fallback: s)
        want.taps = s.taps
        guard want == s else {
            throw TrainingError.badOption("\(store.url.path) was collected with other settings (chat, system prompt, positions, "
                                          + "token limit) than the bundle's training data; collect with the bundle's settings")
        }
        let detectors = bundle.detectors
        var perDetector: [[Double]] = []
        for det in detectors {
            let D = try store.dimension(det.tap)
            let x = try store.matrix(det.tap)   // [N, D]
            perDetector.append(try x.withUnsafeBufferPointer { p in
                try (0..<store.rowCount).map { r in Double(try det.score(UnsafeBufferPointer(rebasing: p[(r * D)..<((r + 1) * D)]))) }
            })
        }
        let examples = store.examples
        return report(bundle, rule: rule, settings: s, dataSHA256: store.index.dataSHA256, examples: examples.count,
                      perDetector: perDetector, rowExamples: store.rowExamples, labels: store.rowLabels,
                      sources: store.rowExamples.map { examples[$0].source ?? "(none)" },
                      categories: store.rowExamples.map { examples[$0].category ?? "(none)" },
                      bootstrap: bootstrap, seed: seed)
    }

    static func rule(_ id: String?, of bundle: SupervisorBundle) throws -> RuleSpec {
        guard let rule = id.map({ id in bundle.manifest.rules.first { $0.id == id } }) ?? bundle.manifest.rules.first else {
            throw TrainingError.badOption(id.map { "the bundle has no rule '\($0)'" } ?? "the bundle has no rules")
        }
        return rule
    }

    /// Scores per detector [detectors][rows] to the rule's report, overall and per group.
    static func report(_ bundle: SupervisorBundle, rule: RuleSpec, settings: CollectionSettings, dataSHA256: String,
                       examples: Int, perDetector: [[Double]], rowExamples: [Int], labels: [Int], sources: [String],
                       categories: [String], bootstrap: Int, seed: UInt64) -> BundleEvaluation {
        let detectors = bundle.detectors
        let ids = Dictionary(uniqueKeysWithValues: detectors.enumerated().map { ($1.id, $0) })
        let ruleDetectors = rule.detectors.compactMap { ids[$0] }
        var combined = (0..<labels.count).map { r in ruleDetectors.map { perDetector[$0][r] }.max() ?? -.infinity }
        let rowLabels = labels
        var (labels, sources, categories) = (labels, sources, categories)
        let threshold = Double(rule.threshold)
        var answers: AnswerMetrics?
        if settings.positions == .answer {
            // Answers halt as a whole: one score per answer, its peak aggregate under the rule.
            let firstRows = AnswerScoring.spans(rowExamples).map { $0.rows.lowerBound }
            let traces = AnswerScoring.traces(scores: combined, rowExamples: rowExamples, aggregation: rule.aggregation)
            var exampleLabels = [Int](repeating: 0, count: examples)
            for r in firstRows { exampleLabels[rowExamples[r]] = labels[r] }
            answers = AnswerMetrics(traces: traces, labels: exampleLabels, threshold: rule.threshold)
            combined = traces.map { Double($0.peak) }
            labels = firstRows.map { labels[$0] }
            sources = firstRows.map { sources[$0] }
            categories = firstRows.map { categories[$0] }
        }
        let metrics = Metrics.evaluate(combined, labels, threshold: threshold, bootstrap: bootstrap, seed: seed)
        let each = detectors.enumerated().map { d, det in
            DetectorEvaluation(detector: det.id, tap: det.tap.description,
                               metrics: Metrics.evaluate(perDetector[d], rowLabels))
        }
        let groups = GroupEvaluation.groups(by: "source", keys: sources, scores: combined, labels: labels, threshold: threshold)
            + GroupEvaluation.groups(by: "category", keys: categories, scores: combined, labels: labels, threshold: threshold)
        return BundleEvaluation(bundle: bundle.manifest.name, bundleSHA256: bundle.sha256, rule: rule.id,
                                threshold: rule.threshold, collection: settings, dataSHA256: dataSHA256,
                                examples: examples, rows: rowLabels.count, metrics: metrics, detectors: each,
                                groups: groups, roc: Metrics.roc(combined, labels), answers: answers)
    }
}
