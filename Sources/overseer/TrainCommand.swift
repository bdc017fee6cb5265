// `overseer train`: fit detectors on collected activations and write a calibrated bundle.

import Activations
import ArgumentParser
import Detectors
import Evaluation
import Foundation
import Probes
import Taps

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Fit probes on collected activations and write a supervisor bundle.",
        discussion: """
        Every candidate tap is fitted on the training rows and scored on validation rows (--val-acts, \
        or a hash split of --acts); the best tap (or --pick N / all) goes into the bundle with the \
        threshold that keeps the false-positive rate on validation at --target-fpr.
        """)

    @Option(help: "Folder written by `overseer collect`; repeat it to train on several collections made with the same settings, read as one.")
    var acts: [String] = []
    @Option(name: .customLong("val-acts"), help: "Validation folder (default: a hash split of --acts).") var valActs: String?
    @Option(help: "Probe kind.") var kind: TrainOptions.Kind = .logistic
    @Option(help: "Candidate taps among the collected ones (names or KIND[:LAYERS]; default: all collected).") var taps: String?
    @Option(help: "Candidate layers: all, N, A-B or N+M (filters the taps).") var layers = "all"
    @Option(help: "best (one tap), N (the N best), or all candidates in one rule.") var pick: TrainOptions.Pick = .best
    @Option(name: .customLong("target-fpr"), help: "False-positive rate on validation that sets the threshold.") var targetFPR = 0.01
    @Option(help: "A fixed threshold instead of the calibrated one.") var threshold: Float?
    @Option(name: .customLong("val-fraction"), help: "Share of examples held out when there is no --val-acts.") var valFraction = 0.2
    @Option(name: .customLong("split-by"), help: "Without --val-acts: draw validation by text, or by source (each wrapper of the framing sets wholly on one side, so the threshold is set on wrappers training never saw).")
    var splitBy: SplitKey = .text
    @Option(name: .customLong("drop-source"), help: "Leave examples whose source starts with this out of training, not out of validation (repeatable): what that data adds, on the same validation.")
    var dropSource: [String] = []
    @Option(help: "Seed for the split and the MLP.") var seed: UInt64 = 0
    @Option(help: "L2 strengths to try, comma-separated positive numbers (logistic).")
    var l2 = PositiveNumbers(argument: "1,0.1,0.01,0.001,0.0001")!
    @Option(help: "Logistic solver.") var solver: LogisticOptions.Solver = .auto
    @Option(help: "diffmean input normalisation.") var normalize: DirectionDetector.Normalization = .none
    @Option(help: "MLP hidden width.") var hidden = 64
    @Option(help: "MLP epochs.") var epochs = 60
    @Option(name: .customLong("learning-rate"), help: "MLP Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Bundle and rule name.") var name = "supervisor"
    @Option(help: "Rule action.") var action: RuleAction = .halt
    @Option(help: ArgumentHelp("Rule scope (default: the positions the activations were collected at: request for last, last:N and mean, prompt for all).",
                               valueName: "prompt|prompt_end|generation|request"))
    var scope: RuleScope?
    @Option(help: "Rule aggregation: last, max:N, mean:N or ema:N.") var aggregation: Aggregation = .last
    @Option(help: ArgumentHelp("Answers (positions answer): aggregations to choose from on the validation answers, comma-separated (e.g. last,max:4,mean:8,ema:8); replaces --aggregation.",
                               valueName: "AGG,AGG,..."))
    var aggregations: String?
    @Option(name: [.customShort("o"), .long], help: "Output bundle folder.") var output: String
    @Option(help: "Write the per-layer validation AUROC plot (SVG).") var plot: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard !acts.isEmpty else { throw ValidationError("--acts: name at least one folder written by `overseer collect`") }
        try requireFinite(targetFPR, in: 0...0.999_999, "--target-fpr")
        try requireFinite(valFraction, in: 0.000_001...0.999_999, "--val-fraction")
        try requireFinite(learningRate, in: 1e-12...10, "--learning-rate")
        if let threshold { try requireFinite(threshold, in: -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude, "--threshold") }
        guard hidden >= 1, hidden <= 1 << 16 else { throw ValidationError("--hidden must be in 1...65536") }
        guard epochs >= 1, epochs <= 1 << 20 else { throw ValidationError("--epochs must be in 1...1048576") }
    }

    func options(layers count: Int, store: ActivationStore) throws -> TrainOptions {
        var o = TrainOptions()
        o.kind = kind
        var candidates = try taps.map { try TapSelection.taps($0, layers: count) } ?? store.taps
        let allowed = Set(try TapSelection.layers(layers, layers: count))
        candidates = candidates.filter { $0.layer.map(allowed.contains) ?? (layers == "all") }
        guard !candidates.isEmpty else { throw ValidationError("--taps/--layers select none of the collected taps") }
        o.taps = candidates
        o.l2Grid = l2.values
        o.solver = solver
        o.normalization = normalize
        o.mlp = MLPOptions(hidden: hidden, epochs: epochs, learningRate: learningRate, seed: seed)
        o.targetFPR = targetFPR
        o.threshold = threshold
        o.validationFraction = valFraction
        o.splitBy = splitBy
        o.dropFromTraining = dropSource
        o.seed = seed
        o.pick = pick
        o.name = name
        o.action = action
        let positions = store.index.settings.positions
        o.scope = scope ?? positions.matchingScope
        if let scope, let why = positions.mismatch(with: scope) { log("warning: \(why)") }
        o.aggregation = aggregation
        if let aggregations {
            guard positions == .answer else { throw ValidationError("--aggregations needs a collection of answers (--positions answer)") }
            o.aggregationCandidates = try aggregations.split(separator: ",").map {
                guard let a = Aggregation(argument: String($0)) else { throw ValidationError("--aggregations: '\($0)' is not last, max:N, mean:N or ema:N") }
                return a
            }
        }
        return o
    }

    func run() throws {
        let store = try ActivationStore.joining(acts.map { try ActivationStore(URL(fileURLWithPath: $0)) })
        let validation = try valActs.map { try ActivationStore(URL(fileURLWithPath: $0)) }
        let layerCount = store.index.model.layers ?? (store.taps.compactMap(\.layer).max() ?? 0) + 1
        let o = try options(layers: layerCount, store: store)
        log("training \(o.kind.rawValue) on \(o.taps!.count) taps of \(acts.joined(separator: " + ")) (\(store.rowCount) rows)")
        let (bundle, report) = try ProbeTrainer.train(store, validation: validation, options: o) { r in
            log(String(format: "  %@  train AUROC %.4f  val AUROC %.4f  val TPR@1%%FPR %.3f%@", r.tap, r.trainAUROC,
                       r.validationAUROC, r.validationTPRAt1, r.l2.map { String(format: "  l2 %g", $0) } ?? ""))
        }
        try bundle.write(to: URL(fileURLWithPath: output))
        if let plot {
            let points = report.taps.enumerated().map { (x: Double(TapPoint(name: $1.tap)?.layer ?? $0), y: $1.validationAUROC) }
            let train = report.taps.enumerated().map { (x: Double(TapPoint(name: $1.tap)?.layer ?? $0), y: $1.trainAUROC) }
            let lo = min(0.5, (points + train).map(\.y).min() ?? 0.5)
            let svg = SVGPlot.lineChart(title: "\(name): AUROC per layer (\(o.kind.rawValue))", xLabel: "layer", yLabel: "AUROC",
                                        series: [PlotSeries(name: "validation", points: points, markers: true),
                                                 PlotSeries(name: "train", points: train, markers: true)],
                                        x: 0...Double(max(1, layerCount - 1)), y: lo...1)
            try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
        }
        if json { return try printJSON(report) }
        let m = report.validation
        print("\(output): \(report.chosen.joined(separator: ", ")), threshold \(report.threshold), bundle \(bundle.sha256.prefix(16))…")
        print(String(format: "validation: AUROC %.4f, TPR@1%%FPR %.3f, at the threshold TPR %.3f FPR %.3f (target %.3f), %d rows",
                     m.auroc, m.tprAt1, m.tprAtThreshold ?? .nan, m.fprAtThreshold ?? .nan, report.targetFPR,
                     report.validationRows))
        for c in report.answers ?? [] {
            let v = c.validation
            print(String(format: "  answers, %@: AUROC %.4f, threshold %g: halted %d/%d, released median %@ p90 %@, false halts %d/%d%@",
                         c.aggregation.description, v.auroc, Double(c.threshold), v.halted, v.harmful,
                         v.releasedMedian.map { String(format: "%.1f", $0) } ?? "-", v.releasedP90.map { "\($0)" } ?? "-",
                         v.falseHalts, v.harmless, c.aggregation == bundle.manifest.rules.first?.aggregation ? "  (chosen)" : ""))
        }
    }
}
