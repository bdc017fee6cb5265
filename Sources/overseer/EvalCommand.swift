// `overseer eval`: a bundle's detection quality on labeled text, with bootstrap intervals.

import ArgumentParser
import Detectors
import Foundation
import Models
import Training

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Measure a supervisor bundle on labeled text: AUROC, TPR at 1% and 5% FPR, accuracy.",
        discussion: """
        Texts are run the way the bundle's training data were (chat template, positions: from the \
        bundle's training metadata). A row's score is the rule's: the maximum over its detectors; \
        accuracy, TPR and FPR at the rule's own threshold are reported too.
        """)

    @Option(help: "Supervisor bundle folder.") var bundle: String
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Rule to evaluate (default: the first).") var rule: String?
    @Option(help: "Bootstrap resamples for the 95% intervals (0: none).") var bootstrap = 1000
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadsOption
    @Option(help: "Write the ROC curve (SVG).") var plot: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var steering: SteeringOptions

    func validate() throws {
        try dataOptions.check()
        guard bootstrap >= 0 && bootstrap <= 100_000 else { throw ValidationError("--bootstrap must be in 0...100000") }
        try steering.check()
    }

    func run() throws {
        let b = try loadBundleFolder(bundle)
        let lm = try modelOption.load()
        let sha = try ModelFingerprint.sha256(of: lm.url)
        let fallback = CollectionSettings(modelSHA256: sha, taps: [], positions: .last, chat: false)
        let settings = try BundleEvaluator.settings(of: b, fallback: fallback)
        let plan = try steering.plan(model: lm, supervisorBundle: bundle)
        let bar = ProgressLine()
        let report = try BundleEvaluator.evaluate(b, model: lm, modelSHA256: sha, sources: dataOptions.sources,
                                                  settings: settings, ruleID: rule, bootstrap: bootstrap, seed: seed,
                                                  threads: threads.threads, editor: plan) { bar.update($0, $1, "texts") }
        if let plot {
            let svg = SVGPlot.lineChart(title: "\(b.manifest.name) rule \(report.rule): ROC", xLabel: "false-positive rate",
                                        yLabel: "true-positive rate",
                                        series: [PlotSeries(name: String(format: "AUROC %.4f", report.metrics.auroc),
                                                            points: report.roc.map { (x: $0.fpr, y: $0.tpr) })],
                                        x: 0...1, y: 0...1, diagonal: true)
            try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
        }
        if json { return try printJSON(report) }
        let m = report.metrics
        func ci(_ i: Interval?) -> String { i.map { String(format: " [%.3f, %.3f]", $0.low, $0.high) } ?? "" }
        print("\(report.bundle) rule \(report.rule) on \(report.examples) texts (\(report.rows) rows; \(m.positives) label 1, \(m.negatives) label 0)")
        print(String(format: "AUROC          %.4f", m.auroc) + ci(m.aurocCI))
        print(String(format: "TPR @ 1%% FPR   %.3f", m.tprAt1) + ci(m.tprAt1CI))
        print(String(format: "TPR @ 5%% FPR   %.3f", m.tprAt5) + ci(m.tprAt5CI))
        print(String(format: "at threshold %g: accuracy %.3f, TPR %.3f, FPR %.3f", Double(report.threshold),
                     m.accuracy ?? .nan, m.tprAtThreshold ?? .nan, m.fprAtThreshold ?? .nan))
        if report.detectors.count > 1 {
            for d in report.detectors { print(String(format: "  %@ (%@): AUROC %.4f", d.detector, d.tap, d.metrics.auroc)) }
        }
    }
}
