// Supervisor bundles whose detector is one SAE feature.
//
// The feature is named, or picked as the one whose activation best separates examples from
// counterexamples (AUROC, higher on examples) on the fitting part of the data; the threshold is
// set on the held-out part (a hash split of the texts, as `overseer train` does) for a target FPR,
// from the scores the detector itself computes at the chosen precision. The SAE folder is copied
// into the bundle and pinned by its SHA-256 in the manifest.

import Activations
import Detectors
import Evaluation
import Foundation
import Kernels
import LabeledData
import Models
import Probes
import Taps

public struct SAEFeatureBundleOptions: Sendable {
    public var feature: Int?
    public var precision: SAEEncoderPrecision = .f32
    public var targetFPR = 0.01
    public var validationFraction = 0.2
    public var seed: UInt64 = 0
    public var name = "sae-feature"
    public var action: RuleAction = .flag
    public var scope: RuleScope = .promptEnd
    public var aggregation: Aggregation = .last
    public init() {}
}

public struct SAEFeatureBundleReport: Sendable, Codable {
    public var feature: Int
    public var precision: String
    public var fitAUROC: Double
    public var threshold: Float
    public var collection: CollectionSettings
    public var validation: BinaryMetrics
    public var saeSHA256: String
    enum CodingKeys: String, CodingKey {
        case feature, precision, threshold, collection, validation
        case fitAUROC = "fit_auroc", saeSHA256 = "sae_sha256"
    }
}

public enum SAEFeatureBundles {
    /// Builds and writes the bundle into `folder` (created; the SAE goes to `folder/sae`).
    public static func build(sae saeFolder: URL, data: TextActivations, settings: CollectionSettings,
                             model: ModelBinding, options o: SAEFeatureBundleOptions,
                             into folder: URL) throws -> (SupervisorBundle, SAEFeatureBundleReport) {
        let sae = try SAELensFolder.read(saeFolder)
        guard let tap = sae.metadata.tap else { throw TrainingError.badOption("the SAE names no hook") }
        let inVal = data.texts.map { ProbeTrainer.isValidation($0.text, seed: o.seed, fraction: o.validationFraction) }
        var fitRows: [Int] = [], valRows: [Int] = []
        for (t, start) in data.sequenceStarts.enumerated() {
            let end = t + 1 < data.sequenceStarts.count ? data.sequenceStarts[t + 1] : data.rows
            if inVal[t] { valRows += Array(start..<end) } else { fitRows += Array(start..<end) }
        }
        let labels = data.rowLabels
        for (name, rows) in [("fitting", fitRows), ("validation", valRows)] {
            let p = rows.filter { labels[$0] == 1 }.count
            guard p > 0, p < rows.count else {
                throw TrainingError.oneClass("the \(name) split has \(p) examples and \(rows.count - p) counterexamples")
            }
        }

        // Copy the SAE in and build the detector the bundle will load.
        let fm = FileManager.default
        try? fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let inside = folder.appendingPathComponent("sae")
        try? fm.removeItem(at: inside)
        try fm.createDirectory(at: inside, withIntermediateDirectories: true)
        for name in [SAELensFolder.configFileName, SAELensFolder.weightsFileName] {
            try fm.copyItem(at: saeFolder.appendingPathComponent(name), to: inside.appendingPathComponent(name))
        }
        let pin = try SAELensFolder.sha256(inside)
        let encoder = try SharedSAEEncoder(sae, precision: o.precision)

        // Pick the feature on the fitting rows.
        let pool = ThreadPool(threads: 1)
        let feature: Int, fitAUROC: Double
        let codes = try withMatrixView(data.values, cols: data.width) { try sae.encodeBatch($0, pool: pool) }
        let fitScores = { (f: Int) in fitRows.map { Double(codes.activation(row: $0, feature: f)) } }
        let fitLabels = fitRows.map { labels[$0] }
        if let f = o.feature {
            guard f >= 0, f < sae.latents else { throw TrainingError.badOption("feature \(f) is not in 0..<\(sae.latents)") }
            feature = f
        } else {
            var a = SparseCodes(latents: sae.latents), b = SparseCodes(latents: sae.latents)
            for r in fitRows { try (labels[r] == 1 ? { try a.append(codes.code(r)) } : { try b.append(codes.code(r)) })() }
            feature = try FeatureAnalysis.contrast(a, b, rankBy: .auroc, direction: .higherInA, top: 1)[0].feature
        }
        fitAUROC = Metrics.auroc(fitScores(feature), fitLabels)

        // Calibrate on validation rows with the detector's own scores.
        let detector = try SAEFeatureDetector(id: "\(o.name).f\(feature)", tap: tap, feature: feature, encoder: encoder)
        let valScores = try ProbeTrainer.scores(detector, data.values, D: data.width, rows: valRows)
        let valLabels = valRows.map { labels[$0] }
        let negatives = zip(valScores, valLabels).filter { $0.1 == 0 }.map(\.0)
        let threshold = ProbeTrainer.floatThreshold(Metrics.threshold(forFPR: o.targetFPR, negatives: negatives),
                                                    negatives: negatives,
                                                    allowed: Metrics.allowedFalsePositives(o.targetFPR, of: negatives.count))
        let report = SAEFeatureBundleReport(feature: feature, precision: o.precision.rawValue, fitAUROC: fitAUROC,
                                            threshold: threshold, collection: settings,
                                            validation: Metrics.evaluate(valScores, valLabels, threshold: Double(threshold)),
                                            saeSHA256: pin)
        var builder = BundleBuilder(name: o.name, description: "SAE feature \(feature) on \(tap)", model: model,
                                    training: try ProbeTrainer.jsonValue(report))
        builder.add(spec: DetectorSpec(id: detector.id, kind: SAEFeatureDetector.kind, tap: tap.description,
                                       dimension: sae.inputWidth, tensors: [:],
                                       sae: SAEFeatureReference(path: "sae", feature: feature, sha256: pin,
                                                                precision: o.precision.rawValue)))
        builder.rules.append(RuleSpec(id: o.name, detectors: [detector.id], aggregation: o.aggregation, threshold: threshold,
                                      action: o.action, scope: o.scope))
        let bundle = try builder.build(registry: .withSAEFeatures(loader: SAEFeatureLoader(inMemoryBundleFolder: folder)))
        try bundle.write(to: folder)
        return (bundle, report)
    }
}
