// `overseer sae train|eval|features` and `overseer compare-probes`.

import Activations
import ArgumentParser
import Detectors
import Foundation
import Kernels
import LabeledData
import Models
import Probes
import SAE
import Taps

struct SAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sae", abstract: "Train, evaluate and explore sparse autoencoders on a tap's activations.",
        subcommands: [Train.self, Eval.self, Features.self, Bundle.self, Bench.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an SAE on collected activations (`overseer collect --positions all`) and write a SAELens folder.")
        @Option(help: "Folder written by `overseer collect` (repeatable: the rows are joined in order).") var acts: [String]
        @Option(name: .customLong("val-acts"), help: "Held-out activations (default: a hash split of --acts).") var valActs: String?
        @Option(help: "Tap to train on (default: the store's only tap).") var tap: String?
        @Option(help: "topk, relu or jumprelu.") var arch = "topk"
        @Option(help: "Latents (d_sae).") var latents = 4096
        @Option(help: "Active latents per token (topk).") var k = 32
        @Option(help: "Passes over the data.") var epochs = 1
        @Option(name: .customLong("batch"), help: "Rows per step.") var batch = 4096
        @Option(name: .customLong("learning-rate"), help: "Adam learning rate (default: 2e-4 / sqrt(latents / 16384)).")
        var learningRate: Float?
        @Option(name: .customLong("sparsity"), help: "L1 (relu) or L0 (jumprelu) coefficient.") var sparsity: Float?
        @Option(name: .customLong("val-fraction"), help: "Share of texts held out without --val-acts.") var valFraction = 0.05
        @Option(help: "Seed for initialisation and batch order.") var seed: UInt64 = 0
        @OptionGroup var threads: ThreadsOption
        @Option(name: [.customShort("o"), .long], help: "Output SAELens folder.") var output: String
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws { guard !acts.isEmpty else { throw ValidationError("name the activations with --acts") } }

        func run() throws {
            let stores = try acts.map { try ActivationStore(URL(fileURLWithPath: $0)) }
            let store = stores[0]
            let point = try tap.map { name -> TapPoint in
                guard let p = TapPoint(name: name) else { throw ValidationError("'\(name)' is not a tap name") }
                return p
            }
            let data = try SAETrainingData(stores: stores, tap: point, heldOut: try valActs.map { try ActivationStore(URL(fileURLWithPath: $0)) },
                                           seed: seed, validationFraction: valFraction)
            let D = data.width, trainRows = data.trainRows
            var config = SAETrainingConfig(latents: latents, architecture: try architecture())
            config.epochs = epochs
            config.batchSize = batch
            config.learningRate = learningRate
            config.seed = seed
            if let sparsity {
                if case .relu = config.architecture { config.l1Coefficient = sparsity } else { config.l0Coefficient = sparsity }
            }
            config.progressEvery = 50
            let s = store.index.settings
            let metadata = SAEMetadata(hookName: data.tap.description, modelName: store.index.model.name, contextSize: s.maxTokens,
                                       prependBOS: false,
                                       datasetPath: "overseer-activations:" + stores.map(\.index.dataSHA256).joined(separator: "+"))
            log("training \(config.architecture) SAE, \(D) → \(latents), on \(trainRows) rows of \(data.tap)"
                + " (\(data.heldRows) held out)")
            let stepsPerEpoch = trainRows / batch
            guard stepsPerEpoch >= 1 else {
                throw ValidationError("\(trainRows) training rows make no batch of \(batch): collect more text or lower --batch")
            }
            let steps = stepsPerEpoch * epochs
            log("\(steps) steps (\(epochs) epoch(s) of \(stepsPerEpoch) steps of \(batch) rows)")
            if let why = SAEDataAdvice.warning(rows: trainRows, latents: latents, steps: steps) { log("warning: \(why)") }
            let pool = ThreadPool(threads: threads.threads)
            let result = try withMatrixView(data.train, cols: D) { m in
                try SAETrainer(config).train(m, pool: pool, metadata: metadata) { p in log("  \(p)") }
            }
            try SAELensFolder.write(result.sae, to: URL(fileURLWithPath: output))
            let evaluation = try withMatrixView(data.held, cols: D) { try result.sae.evaluate($0, pool: pool) }
            struct Output: Encodable {
                var output: String, tap: String, latents: Int, architecture: String, trainRows: Int, steps: Int
                var seconds: Double, activationsPerSecond: Double, heldOutRows: Int
                var explainedVariance: Double, meanL0: Double, deadFraction: Double, sha256: String
                enum CodingKeys: String, CodingKey {
                    case output, tap, latents, architecture, steps, seconds, sha256
                    case trainRows = "train_rows", activationsPerSecond = "activations_per_second", heldOutRows = "held_out_rows"
                    case explainedVariance = "held_out_explained_variance", meanL0 = "held_out_mean_l0"
                    case deadFraction = "held_out_dead_fraction"
                }
            }
            let out = Output(output: output, tap: data.tap.description, latents: latents, architecture: "\(config.architecture)",
                             trainRows: trainRows, steps: result.steps, seconds: result.seconds,
                             activationsPerSecond: result.activationsPerSecond, heldOutRows: evaluation.rows,
                             explainedVariance: evaluation.explainedVariance, meanL0: evaluation.meanL0,
                             deadFraction: evaluation.deadFraction,
                             sha256: try SAELensFolder.sha256(URL(fileURLWithPath: output)))
            if json { return try printJSON(out) }
            print("\(output): \(out.architecture), \(D) → \(latents), \(result.steps) steps in "
                  + String(format: "%.1f s (%.0f activations/s)", result.seconds, result.activationsPerSecond))
            print(String(format: "held out (%d rows): explained variance %.4f, L0 %.1f, dead %.2f%%", evaluation.rows,
                         evaluation.explainedVariance, evaluation.meanL0, 100 * evaluation.deadFraction))
        }

        func architecture() throws -> SAEArchitecture {
            switch arch {
            case "topk": return .topK(k: k)
            case "relu": return .relu
            case "jumprelu": return .jumpReLU
            default: throw ValidationError("--arch must be topk, relu or jumprelu")
            }
        }
    }

    /// Options shared by eval and features: the SAE, the model, the texts.
    struct Source: ParsableArguments {
        @Option(help: "SAELens folder.") var sae: String
        @OptionGroup var modelOption: ModelOption
        @OptionGroup var dataOptions: DataOptions
        @Flag(help: "Wrap each text as a user turn of the chat template.") var chat = false
        @Option(name: .customLong("skip-first"), help: "Leading positions of each text left out (and not spliced).")
        var skipFirst = 1
        @Option(name: .customLong("max-tokens"), help: "Cut texts to this many tokens.") var maxTokens = 256
        @OptionGroup var threads: ThreadsOption

        func validate() throws {
            try dataOptions.check()
            guard skipFirst >= 0, maxTokens >= 2 else { throw ValidationError("--skip-first ≥ 0 and --max-tokens ≥ 2") }
        }

        func load() throws -> (SparseAutoencoder, TapPoint, LanguageModel, TextActivations) {
            let s = try SAELensFolder.read(URL(fileURLWithPath: sae))
            guard let tap = s.metadata.tap else {
                throw ValidationError("the SAE's cfg.json names no hook (hook_name) this tool can tap")
            }
            let lm = try modelOption.load()
            guard (tap.layer ?? 0) < lm.config.layers else { throw ValidationError("the SAE reads \(tap), past the model's layers") }
            let bar = ProgressLine()
            let data = try TextActivations.collect(model: lm, sources: dataOptions.sources, tap: tap, positions: .all,
                                                   chat: chat, skipFirst: skipFirst, maxTokens: maxTokens,
                                                   threads: threads.threads) { bar.update($0, $1, "texts") }
            guard data.values.count / max(1, data.width) == data.rows, data.width == s.inputWidth else {
                throw ValidationError("the SAE reads \(s.inputWidth) values, \(tap) has \(data.width)")
            }
            return (s, tap, lm, data)
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SAE quality on text: explained variance, L0, dead latents, and loss recovered when spliced into the model.")
        @OptionGroup var source: Source
        @Option(name: .customLong("loss-texts"), help: "Texts used for loss recovered (three scoring passes each).")
        var lossTexts = 200
        @Option(name: .customLong("encoder-rows"), help: "Rows on which the Q8_0 and Q4_1 encoders are compared with F32 (0: skip).")
        var encoderRows = 2000
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard lossTexts >= 1 else { throw ValidationError("--loss-texts must be at least 1") }
            guard encoderRows >= 0 else { throw ValidationError("--encoder-rows must be ≥ 0") }
        }

        func run() throws {
            let (sae, tap, lm, data) = try source.load()
            let bar = ProgressLine()
            let q = try SAEStudies.quality(sae, tap: tap, model: lm, data: data, skipFirst: source.skipFirst,
                                           lossTexts: lossTexts, encoderRows: encoderRows,
                                           threads: source.threads.threads) { bar.update($0, $1, "texts scored 3×") }
            if json { return try printJSON(q) }
            print("\(source.sae): \(q.architecture), \(sae.inputWidth) → \(q.latents) on \(q.tap)")
            print(String(format: "explained variance %.4f, L0 %.1f, dead %.2f%% (%d rows of %d texts)",
                         q.explainedVariance, q.meanL0, 100 * q.deadFraction, q.rows, q.texts))
            print(String(format: "cross-entropy: clean %.4f, with the SAE %.4f, zero-ablated %.4f → loss recovered %.4f (%d predictions, %d texts)",
                         q.ceClean, q.ceSAE, q.ceZero, q.lossRecovered, q.predictions, q.lossTexts))
            for e in q.encoders { print("\(e.precision) encoder (\(e.bytes) bytes) against F32: \(e.comparison)") }
        }
    }

    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Top-activating contexts of SAE features; with labeled data, the features that best separate the labels.",
            discussion: """
            With --feature, those features. Otherwise, when the data has both labels, the features \
            ranked by AUROC (higher on label 1 tokens than on label 0 tokens); else the features with \
            the largest activations. -o writes one HTML page.
            """)
        @OptionGroup var source: Source
        @Option(help: "Feature to show (repeatable).") var feature: [Int] = []
        @Option(help: "Features to report when none is named.") var features = 10
        @Option(help: "Contexts per feature.") var top = 20
        @Option(name: [.customShort("o"), .long], help: "HTML report.") var output: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (sae, tap, lm, data) = try source.load()
            let pool = ThreadPool(threads: source.threads.threads)
            let codes = try withMatrixView(data.values, cols: data.width) { try sae.encodeBatch($0, pool: pool) }
            var chosen = feature
            var contrasts: [Int: FeatureContrast] = [:]
            var how = "named"
            if chosen.isEmpty {
                let pick = try FeatureAnalysis.choose(codes: codes, labels: data.rowLabels, count: features)
                chosen = pick.features
                contrasts = Dictionary(uniqueKeysWithValues: pick.contrasts.map { ($0.feature, $0) })
                how = pick.how
            }
            for f in chosen where f < 0 || f >= sae.latents { throw ValidationError("feature \(f) is not in 0..<\(sae.latents)") }
            let texts = data.tokens.map { lm.tokenizer.decode([$0], renderControlTokens: true) }
            let counts = codes.firingCounts()
            var reports: [FeatureReport] = []
            for f in chosen {
                let contexts = try FeatureAnalysis.topContexts(feature: f, codes: codes, tokens: texts,
                                                              sequenceStarts: data.sequenceStarts, count: top)
                var description: String?
                if let c = contrasts[f] {
                    description = String(format: "AUROC %.4f; fires on %.2f%% of label 1 tokens, %.2f%% of label 0 tokens",
                                         c.auroc, 100 * c.firingRateA, 100 * c.firingRateB)
                }
                reports.append(FeatureReport(feature: f, description: description,
                                             frequency: Double(counts[f]) / Double(max(1, codes.rows)), contexts: contexts))
            }
            if let output {
                let page = FeatureReport.page(title: "SAE features on \(tap)",
                                              description: "\(source.sae), \(data.texts.count) texts, \(data.rows) tokens; features \(how).",
                                              reports: reports)
                try Data(page.utf8).write(to: URL(fileURLWithPath: output))
            }
            struct Printed: Encodable {
                var feature: Int, frequency: Double, auroc: Double?, contexts: [[String: String]]
            }
            let printed = reports.map { r in
                Printed(feature: r.feature, frequency: r.frequency ?? 0, auroc: contrasts[r.feature]?.auroc,
                        contexts: r.contexts.map { c in
                            ["activation": String(format: "%.4g", Double(c.activation)),
                             "text": c.tokens.enumerated().map { $0 == c.markedOffset ? "[[\($1)]]" : $1 }.joined()]
                        })
            }
            if json { return try printJSON(printed) }
            print("features \(how):")
            for p in printed {
                print(String(format: "feature %d: fires on %.3f%% of tokens", p.feature, 100 * p.frequency)
                      + (p.auroc.map { String(format: ", AUROC %.4f", $0) } ?? ""))
                for c in p.contexts.prefix(3) { print("  \(c["activation"]!)  \(c["text"]!.replacingOccurrences(of: "\n", with: "↵"))") }
            }
        }
    }
}

extension SAECommand {
    struct Bundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A supervisor bundle whose detector is one SAE feature, its threshold set on labeled text.",
            discussion: """
            The feature is --feature, or the one whose activation best separates label 1 from label 0 \
            (AUROC) on 80% of the texts (hash split); the threshold keeps the FPR on the other 20% at \
            --target-fpr. The SAE is copied into the bundle and pinned by SHA-256; receipts list the \
            token's most active features.
            """)
        @Option(help: "SAELens folder.") var sae: String
        @OptionGroup var modelOption: ModelOption
        @OptionGroup var dataOptions: DataOptions
        @Flag(help: "Wrap each text as a user turn of the chat template.") var chat = false
        @Option(help: "Positions read per text: last, last:N, mean or all.") var positions: PositionSelection = .last
        @Option(help: "The feature (default: the best separating one).") var feature: Int?
        @Option(help: "Encoder the supervisor runs (q8_0 and q4_1 are smaller and coarser).") var precision: SAEEncoderPrecision = .f32
        @Option(name: .customLong("target-fpr"), help: "False-positive rate on the held-out texts.") var targetFPR = 0.01
        @Option(help: "Bundle and rule name.") var name = "sae-feature"
        @Option(help: "Rule action.") var action: RuleAction = .flag
        @Option(help: ArgumentHelp("Rule scope (default: request for last, last:N and mean positions, prompt for all).",
                                   valueName: "prompt|prompt_end|generation|request"))
        var scope: RuleScope?
        @OptionGroup var threads: ThreadsOption
        @Option(name: [.customShort("o"), .long], help: "Output bundle folder.") var output: String
        @Flag(help: "Print the report as JSON.") var json = false

        func validate() throws { try dataOptions.check() }

        func run() throws {
            let s = try SAELensFolder.read(URL(fileURLWithPath: sae))
            guard let tap = s.metadata.tap else { throw ValidationError("the SAE's cfg.json names no hook this tool can tap") }
            let lm = try modelOption.load()
            let sha = try ModelFingerprint.sha256(of: lm.url)
            let selection = positions
            let bar = ProgressLine()
            let data = try TextActivations.collect(model: lm, sources: dataOptions.sources, tap: tap, positions: selection,
                                                   chat: chat, skipFirst: 0, maxTokens: 512,
                                                   threads: threads.threads) { bar.update($0, $1, "texts") }
            var o = SAEFeatureBundleOptions()
            o.feature = feature
            o.precision = precision
            o.targetFPR = targetFPR
            o.name = name
            o.action = action
            o.scope = scope ?? selection.matchingScope
            if let scope, let why = selection.mismatch(with: scope) { log("warning: \(why)") }
            let settings = CollectionSettings(modelSHA256: sha, taps: [tap], positions: selection, chat: chat)
            let (bundle, report) = try SAEFeatureBundles.build(
                sae: URL(fileURLWithPath: sae), data: data, settings: settings,
                model: ModelBinding(sha256: sha, name: lm.url.lastPathComponent, dModel: lm.config.dModel, layers: lm.config.layers),
                options: o, into: URL(fileURLWithPath: output))
            if json { return try printJSON(report) }
            print("\(output): feature \(report.feature) on \(tap) (\(report.precision)), threshold \(report.threshold), bundle \(bundle.sha256.prefix(16))…")
            print(String(format: "fitting AUROC %.4f; held out: AUROC %.4f, TPR %.3f and FPR %.3f at the threshold",
                         report.fitAUROC, report.validation.auroc, report.validation.tprAtThreshold ?? .nan,
                         report.validation.fprAtThreshold ?? .nan))
        }
    }
}

struct CompareProbesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-probes",
        abstract: "Raw-activation logistic probe vs logistic probe on SAE features vs the best single feature.",
        discussion: """
        All three are fitted on --train at blocks.L.hook_resid_post (L2 chosen on a hash-split fifth, \
        then refitted on all of it) and scored on --test and every --shifted set: AUROC and TPR at 1% FPR.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Labeled training file.") var train: String
    @Option(help: "Labeled test file (same distribution).") var test: String
    @Option(help: "Labeled file from a shifted distribution (repeatable).") var shifted: [String] = []
    @Option(help: "SAELens folder (trained on the same tap).") var sae: String
    @Option(help: "Layer: the probes read blocks.L.hook_resid_post.") var layer: Int
    @Option(name: .customLong("text-field"), help: "Field (or CSV column) holding the text.") var textField = "text"
    @Option(name: .customLong("label-field"), help: "Field holding the label.") var labelField = "label"
    @Flag(help: "Wrap each text as a user turn of the chat template.") var chat = false
    @Option(help: "Positions: last, last:N, mean or all.") var positions: PositionSelection = .last
    @Option(name: .customLong("limit"), help: "Keep at most N rows of each file (seeded sample).") var limit: Int?
    @Option(name: .customLong("sample-seed"), help: "Seed for --limit.") var sampleSeed: UInt64 = 0
    @Option(help: "L2 strengths to try, comma-separated positive numbers.")
    var l2 = PositiveNumbers(argument: "1,0.1,0.01,0.001,0.0001")!
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let s = try SAELensFolder.read(URL(fileURLWithPath: sae))
        let tap = TapPoint.residPost(layer)
        if let hook = s.metadata.tap, hook != tap {
            throw ValidationError("the SAE was trained on \(hook), not \(tap)")
        }
        let lm = try modelOption.load()
        guard layer >= 0, layer < lm.config.layers else { throw ValidationError("--layer must be in 0..<\(lm.config.layers)") }
        let grid = l2.values
        let selection = positions
        func load(_ file: String) throws -> TextActivations {
            let bar = ProgressLine()
            let source = DataSource(path: file, textField: textField, labelField: labelField, limit: limit, sampleSeed: sampleSeed)
            return try TextActivations.collect(model: lm, sources: [source], tap: tap, positions: selection, chat: chat,
                                               skipFirst: 0, maxTokens: 512, threads: threads.threads) { bar.update($0, $1, file) }
        }
        let trainData = try load(train)
        var sets = [(name: "test", data: try load(test))]
        for f in shifted { sets.append((name: URL(fileURLWithPath: f).deletingPathExtension().lastPathComponent, data: try load(f))) }
        let result = try ProbeComparison.run(sae: s, tap: tap, train: trainData, evaluate: sets, l2Grid: grid,
                                             threads: threads.threads)
        if json { return try printJSON(result) }
        print("\(tap), SAE \(s.inputWidth) → \(s.latents); best single feature \(result.bestFeature) "
              + String(format: "(train AUROC %.4f); L2 raw %g, SAE %g", result.bestFeatureTrainAUROC, result.rawL2, result.saeL2))
        print("| method | set | pos/neg | AUROC | TPR@1%FPR |\n| --- | --- | --- | --- | --- |")
        for r in result.rows {
            print(String(format: "| %@ | %@ | %d/%d | %.4f | %.3f |", r.method, r.set, r.positives, r.negatives, r.auroc, r.tprAt1))
        }
    }
}
