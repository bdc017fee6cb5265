// Evaluating a supervisor bundle on labeled text: run the model with the bundle's collection
// settings (from its training metadata: chat template, positions), score the kept rows with
// the bundle's own detectors, and report the rule's metrics against its threshold.
//
// A row's score for a rule is the maximum over the rule's detectors, as the supervisor computes it.

import Detectors
import Foundation
import Models
import Taps

public struct DetectorEvaluation: Sendable, Codable {
    public var detector: String
    public var tap: String
    public var metrics: BinaryMetrics
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
    /// The ROC of the rule's score (for plots).
    public var roc: [ROCPoint]
    enum CodingKeys: String, CodingKey {
        case bundle, rule, threshold, collection, examples, rows, metrics, detectors, roc
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
        guard let rule = ruleID.map({ id in bundle.manifest.rules.first { $0.id == id } }) ?? bundle.manifest.rules.first else {
            throw TrainingError.badOption(ruleID.map { "the bundle has no rule '\($0)'" } ?? "the bundle has no rules")
        }
        let collector = try Collector(model: model, plan: CollectionPlan(settings: settings, sources: sources))
        collector.editor = editor
        let taps = settings.tapPoints
        let tapIndex = Dictionary(uniqueKeysWithValues: taps.enumerated().map { ($1, $0) })
        let detectors = bundle.detectors
        var perDetector = [[Double]](repeating: [], count: detectors.count)
        var labels: [Int] = []
        let n = collector.examples.count
        try collector.forEach(0..<n, threads: threads) { i, _, _, _, sink in
            let label = collector.examples[i].label
            let rows = sink.rows[0].count / max(1, sink.dims[0])
            for r in 0..<rows {
                for (d, det) in detectors.enumerated() {
                    let t = tapIndex[det.tap]!, D = sink.dims[t]
                    let s = try sink.rows[t].withUnsafeBufferPointer {
                        try det.score(UnsafeBufferPointer(rebasing: $0[(r * D)..<((r + 1) * D)]))
                    }
                    perDetector[d].append(Double(s))
                }
                labels.append(label)
            }
            progress(i + 1, n)
        }
        let ids = Dictionary(uniqueKeysWithValues: detectors.enumerated().map { ($1.id, $0) })
        let ruleDetectors = rule.detectors.compactMap { ids[$0] }
        let combined = (0..<labels.count).map { r in ruleDetectors.map { perDetector[$0][r] }.max()! }
        let metrics = Metrics.evaluate(combined, labels, threshold: Double(rule.threshold), bootstrap: bootstrap, seed: seed)
        let each = detectors.enumerated().map { d, det in
            DetectorEvaluation(detector: det.id, tap: det.tap.description,
                               metrics: Metrics.evaluate(perDetector[d], labels))
        }
        return BundleEvaluation(bundle: bundle.manifest.name, bundleSHA256: bundle.sha256, rule: rule.id,
                                threshold: rule.threshold, collection: settings, dataSHA256: collector.dataSHA256,
                                examples: n, rows: labels.count, metrics: metrics, detectors: each,
                                roc: Metrics.roc(combined, labels))
    }
}
