// `overseer eval`: a bundle's detection quality on labeled text, with bootstrap intervals.

import Activations
import ArgumentParser
import Detectors
import Evaluation
import Foundation
import Models

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Measure a supervisor bundle on labeled text: AUROC, TPR at 1% and 5% FPR, accuracy.",
        discussion: """
        Texts are run the way the bundle's training data were (chat template, positions: from the \
        bundle's training metadata). A row's score is the rule's: the maximum over its detectors; \
        accuracy, TPR and FPR at the rule's own threshold are reported too, overall and per source \
        and per category (for framed requests, the wrapper kind). With --acts, the rows come from a \
        collection made with the bundle's settings instead of a new run of the model.
        """)

    @Option(help: "Supervisor bundle folder.") var bundle: String
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Evaluate on this activation folder (from overseer collect with the bundle's settings) instead of --data.")
    var acts: String?
    @Option(help: "Rule to evaluate (default: the first).") var rule: String?
    @Option(help: "Bootstrap resamples for the 95% intervals (0: none).") var bootstrap = 1000
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadsOption
    @Option(help: "Write the ROC curve (SVG).") var plot: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var steering: SteeringOptions

    func validate() throws {
        if acts == nil { try dataOptions.check() } else if !dataOptions.sources.isEmpty {
            throw ValidationError("--acts replaces --data, --positive and --negative: give one or the other")
        }
        guard bootstrap >= 0 && bootstrap <= 100_000 else { throw ValidationError("--bootstrap must be in 0...100000") }
        try steering.check()
    }

    func run() throws {
        let b = try loadBundleFolder(bundle)
        let bar = ProgressLine()
        let report: BundleEvaluation
        if let acts {
            guard !steering.isActive else { throw ValidationError("--acts scores a stored collection: steering options need the model run") }
            report = try BundleEvaluator.evaluate(b, store: try ActivationStore(URL(fileURLWithPath: acts)), ruleID: rule,
                                                  bootstrap: bootstrap, seed: seed)
        } else {
            let lm = try modelOption.load()
            let sha = try ModelFingerprint.sha256(of: lm.url)
            let fallback = CollectionSettings(modelSHA256: sha, taps: [], positions: .last, chat: false)
            let settings = try BundleEvaluator.settings(of: b, fallback: fallback)
            let plan = try steering.plan(model: lm, supervisorBundle: bundle)
            report = try BundleEvaluator.evaluate(b, model: lm, modelSHA256: sha, sources: dataOptions.sources,
                                                  settings: settings, ruleID: rule, bootstrap: bootstrap, seed: seed,
                                                  threads: threads.threads, editor: plan) { bar.update($0, $1, "texts") }
        }
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
        if let a = report.answers {
            print("per answer (score: the peak aggregate; a halt at the threshold releases the tokens before the first aggregate ≥ it):")
            print(String(format: "  halted %d of %d harmful answers (%.3f), after %@ tokens released (median; p90 %@; harmful answers average %.1f tokens)",
                         a.halted, a.harmful, a.haltRate, a.releasedMedian.map { String(format: "%.1f", $0) } ?? "-",
                         a.releasedP90.map { "\($0)" } ?? "-", a.harmfulMeanTokens))
            print(String(format: "  false halts: %d of %d harmless answers (%.3f)", a.falseHalts, a.harmless, a.falseHaltRate))
        }
        print(String(format: "AUROC          %.4f", m.auroc) + ci(m.aurocCI))
        print(String(format: "TPR @ 1%% FPR   %.3f", m.tprAt1) + ci(m.tprAt1CI))
        print(String(format: "TPR @ 5%% FPR   %.3f", m.tprAt5) + ci(m.tprAt5CI))
        print(String(format: "at threshold %g: accuracy %.3f, TPR %.3f, FPR %.3f", Double(report.threshold),
                     m.accuracy ?? .nan, m.tprAtThreshold ?? .nan, m.fprAtThreshold ?? .nan))
        for by in ["source", "category"] {
            let groups = report.groups.filter { $0.by == by }
            guard groups.count > 1 else { continue }
            print("per \(by): label 1 / label 0, AUROC and TPR @ 1% FPR within the group, firing at the threshold (label 1 / label 0)")
            func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
            let width = groups.map(\.name.count).max() ?? 0
            for g in groups {
                let name = g.name.padding(toLength: width, withPad: " ", startingAt: 0)
                print("  \(name)  \(g.positives) / \(g.negatives)  AUROC \(f(g.auroc, "%.4f"))  TPR@1% \(f(g.tprAt1, "%.3f"))  "
                      + "fires \(f(g.tprAtThreshold, "%.3f")) / \(f(g.fprAtThreshold, "%.3f"))")
            }
        }
        if report.detectors.count > 1 {
            for d in report.detectors { print(String(format: "  %@ (%@): AUROC %.4f", d.detector, d.tap, d.metrics.auroc)) }
        }
    }
}
