import ArgumentParser
import Foundation
import Gradients
import Models
import SAE
import Steering
import Taps

/// Where `teach` and `finetune` find concepts.
struct ConceptOptions: ParsableArguments {
    @Option(help: "A supervisor bundle whose detectors' directions are concepts (repeatable).") var bundle: [String] = []
    @Option(name: .customLong("control-vector"), help: "A control-vector GGUF, one concept named after the file (repeatable).")
    var controlVector: [String] = []
    @Option(name: .customLong("concept"), help: "A concept file (`overseer concept diff-pca`), one concept named by its \"concept\" metadata (repeatable).")
    var conceptFile: [String] = []
    @Option(help: "A SAELens folder whose latents (--sae-features) are concepts.") var sae: String?
    @Option(name: .customLong("sae-features"), help: "SAE latents, comma-separated.", transform: parseIntList)
    var saeFeatures: [Int] = []

    var isEmpty: Bool { bundle.isEmpty && controlVector.isEmpty && conceptFile.isEmpty && sae == nil }

    func validate() throws {
        if sae != nil && saeFeatures.isEmpty { throw ValidationError("--sae needs --sae-features") }
        if sae == nil && !saeFeatures.isEmpty { throw ValidationError("--sae-features needs --sae") }
    }

    func load(width: Int) throws -> [Concept] {
        var out: [Concept] = []
        for path in bundle {
            let (concepts, skipped) = try Concept.fromBundle(loadBundleFolder(path), width: width)
            if !skipped.isEmpty { log("skipped detectors without a single direction: \(skipped.joined(separator: ", "))") }
            out += concepts
        }
        for path in controlVector {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            out.append(try Concept.fromControlVector(try ControlVector.read(URL(fileURLWithPath: path)), name: name, width: width))
        }
        for path in conceptFile {
            out.append(try Concept(try ConceptFile.read(URL(fileURLWithPath: path)), width: width))
        }
        if let sae {
            let model = try SAELensFolder.read(URL(fileURLWithPath: sae))
            out += try Concept.fromSAE(model, features: saeFeatures, prefix: URL(fileURLWithPath: sae).lastPathComponent, width: width)
        }
        let names = out.map(\.name)
        if Set(names).count != names.count { throw ValidationError("two concepts share a name: \(names.joined(separator: ", "))") }
        return out
    }
}

func parseIntList(_ s: String) throws -> [Int] {
    try s.split(separator: ",").map {
        guard let v = Int($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("'\($0)' is not an integer") }
        return v
    }
}

struct TeachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teach",
        abstract: "What a fine-tuning data set teaches: its gradients projected onto known concepts (see docs/gradients.md).",
        discussion: """
        For each batch and concept, the projection of the update direction −∂L/∂h onto the concept's \
        direction(s), summed over tokens, as a z-score against random directions of equal norm; over \
        the run, the concepts most taught and most untaught. Writes JSON (stdout or --output) and an \
        HTML report with an SVG plot (--html).
        """)

    @OptionGroup var modelOption: ModelOption
    @OptionGroup var concepts: ConceptOptions
    @Option(help: "JSONL data set: {\"text\"}, {\"prompt\",\"completion\"} or {\"messages\"} per line.") var data: String
    @Option(help: "Examples per batch.") var batch = 4
    @Option(help: "Random directions in the null.") var null = 64
    @Option(help: "Seed of the null directions.") var seed: UInt64 = 1
    @Option(name: .customLong("max-tokens"), help: "Truncate sequences to this many tokens.") var maxTokens = 256
    @Option(name: [.customShort("o"), .long], help: "Write the JSON report here (default: stdout).") var output: String?
    @Option(help: "Write the HTML report here.") var html: String?
    @OptionGroup var threads: ThreadsOption

    func validate() throws {
        if concepts.isEmpty { throw ValidationError("give at least one concept source (--bundle, --control-vector, --concept or --sae)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard null >= 2 else { throw ValidationError("--null must be at least 2") }
        guard maxTokens >= 2 else { throw ValidationError("--max-tokens must be at least 2") }
    }

    func run() throws {
        let lm = try modelOption.load()
        let dense = try DenseTransformer(lm.transformer)
        let list = try concepts.load(width: lm.config.dModel)
        let dataset = try FineTuneDataset.load(URL(fileURLWithPath: data), model: lm, maxTokens: min(maxTokens, lm.config.contextLength))
        var options = TeachOptions()
        options.batchSize = batch
        options.nullDirections = null
        options.seed = seed
        options.threads = threads.threads
        let teacher = try ConceptTeacher(model: dense, concepts: list, options: options)
        let report = try teacher.run(dataset) { b in
            let top = b.scores.max { $0.z < $1.z }
            log("batch \(b.batch): loss \(String(format: "%.4f", b.loss)), top \(top?.concept ?? "-") z \(String(format: "%.2f", top?.z ?? 0))")
        }
        if let html {
            do { try Data(report.html().utf8).write(to: URL(fileURLWithPath: html)) } catch { throw ValidationError("cannot write \(html)") }
        }
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do { try encoder.encode(report).write(to: URL(fileURLWithPath: output)) } catch { throw ValidationError("cannot write \(output)") }
            log("most taught: \(report.mostTaught.prefix(5).joined(separator: ", "))")
        } else {
            try printJSON(report)
        }
    }
}

struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "LoRA fine-tuning with concept control; writes a Hugging Face PEFT adapter (see docs/gradients.md).",
        discussion: """
        --suppress C ablates concept C's directions from its taps during training (Concept Ablation \
        Fine-Tuning); --project C removes C's component from the gradient at its taps; --amplify C \
        scales that component by --amplify-factor. The adapter runs with `--lora DIR` on generate, \
        score, collect and serve; --merge writes the base GGUF with the adapter merged in.
        """)

    @OptionGroup var modelOption: ModelOption
    @OptionGroup var concepts: ConceptOptions
    @Option(help: "JSONL training set.") var data: String?
    @Option(name: .customLong("eval"), help: "JSONL held-out set: its loss is reported before and after.") var evalData: String?
    @Option(name: [.customShort("o"), .long], help: "Adapter folder to write.") var output: String?
    @Flag(name: .customLong("eval-only"), help: "Only report the --eval set's loss under the model (with --lora: the adapted model); no training.")
    var evalOnly = false
    @Option(help: "LoRA rank.") var rank = 8
    @Option(help: "LoRA alpha (the update is scaled by alpha / rank).") var alpha: Float = 16
    @Option(help: "Learning rate.") var lr: Float = 1e-3
    @Option(help: "Epochs.") var epochs = 1
    @Option(help: "Examples per batch.") var batch = 4
    @Option(help: "Seed (adapter initialisation and shuffling).") var seed: UInt64 = 1
    @Option(help: "Adapted layers, comma-separated (default: all).", transform: parseIntList) var layers: [Int] = []
    @Option(help: "Adapted projections: q,k,v,o,gate,up,down.") var targets = "q,v"
    @Option(name: .customLong("max-tokens"), help: "Truncate sequences to this many tokens.") var maxTokens = 256
    @Option(help: "Concept to ablate during training (repeatable).") var suppress: [String] = []
    @Option(help: "Concept to remove from the gradient (repeatable).") var project: [String] = []
    @Option(help: "Concept whose gradient component is scaled (repeatable).") var amplify: [String] = []
    @Option(name: .customLong("amplify-factor"), help: "Factor for --amplify.") var amplifyFactor: Float = 2
    @Option(name: .customLong("edit-layers"), help: "Edit the concepts only at these layers, comma-separated (default: all of theirs).",
            transform: parseIntList) var editLayers: [Int] = []
    @Flag(name: .customLong("suppress-to-mean"),
          help: "--suppress sets the concept's component to its mean over the training data (under the unedited model; without each example's first token when --suppress-positions spares it) instead of zero.")
    var suppressToMean = false
    @Option(name: .customLong("suppress-positions"),
            help: "Where --suppress ablates: all (every token), after-first (every token but the first, the attention sink) or completion (from the token that predicts the reply on).")
    var suppressPositions = "all"
    @Option(name: .customLong("suppress-above"),
            help: "--suppress removes only the excess of the concept's component above its mean + this many standard deviations over the training data.")
    var suppressAbove: Double?
    @Option(name: .customLong("task-data"),
            help: "JSONL of the task without the concept: --suppress first orthogonalises the concept against the task's principal directions there.")
    var taskData: String?
    @Option(name: .customLong("task-directions"), help: "How many of the task's principal directions (with --task-data).") var taskDirections = 4
    @Flag(name: .customLong("eval-with-edits"), help: "Also report the --eval loss with the run's edits applied (as in training).")
    var evalWithEdits = false
    @Option(name: .customLong("max-steps"), help: "Stop after this many optimiser steps (e.g. to time a few).") var maxSteps: Int?
    @Option(help: "Also write the base GGUF with the adapter merged in to this path.") var merge: String?
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print a JSON summary.") var json = false

    struct Summary: Encodable {
        var adapter: String?
        var parameters: Int
        var steps: [FineTuneStep]
        var trainTokensPerSecond: Double
        var evalLossBefore: Double?
        var evalLossAfter: Double?
        var edits: [String]
        var evalLossAfterWithEdits: Double?
        var editStatistics: [ConceptEdit.Statistics]?
        var removedByTask: [[Double]]?
        enum CodingKeys: String, CodingKey {
            case adapter, parameters, steps, edits
            case evalLossAfterWithEdits = "eval_loss_after_with_edits", editStatistics = "edit_statistics"
            case removedByTask = "removed_by_task"
            case trainTokensPerSecond = "train_tokens_per_second"
            case evalLossBefore = "eval_loss_before", evalLossAfter = "eval_loss_after"
        }
    }

    func validate() throws {
        if evalOnly {
            guard evalData != nil else { throw ValidationError("--eval-only needs --eval") }
            guard data == nil, output == nil, merge == nil else { throw ValidationError("--eval-only trains nothing: drop --data, -o and --merge") }
        } else {
            guard data != nil, output != nil else { throw ValidationError("give --data and -o (or --eval-only with --eval)") }
        }
        guard rank >= 1 else { throw ValidationError("--rank must be at least 1") }
        guard lr > 0, alpha > 0 else { throw ValidationError("--lr and --alpha must be positive") }
        guard epochs >= 1, batch >= 1 else { throw ValidationError("--epochs and --batch must be at least 1") }
        if (!suppress.isEmpty || !project.isEmpty || !amplify.isEmpty) && concepts.isEmpty {
            throw ValidationError("--suppress, --project and --amplify need a concept source (--bundle, --control-vector, --concept or --sae)")
        }
        if merge != nil && modelOption.lora != nil { throw ValidationError("--merge merges the new adapter; drop --lora") }
        if !editLayers.isEmpty && suppress.isEmpty && project.isEmpty && amplify.isEmpty {
            throw ValidationError("--edit-layers needs --suppress, --project or --amplify")
        }
        if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
        if suppressToMean && suppress.isEmpty { throw ValidationError("--suppress-to-mean needs --suppress") }
        guard ["all", "after-first", "completion"].contains(suppressPositions) else {
            throw ValidationError("--suppress-positions is all, after-first or completion, not '\(suppressPositions)'")
        }
        if (suppressPositions != "all" || suppressAbove != nil || taskData != nil) && suppress.isEmpty {
            throw ValidationError("--suppress-positions, --suppress-above and --task-data need --suppress")
        }
        if suppressAbove != nil && suppressToMean { throw ValidationError("--suppress-above and --suppress-to-mean exclude each other") }
        if let s = suppressAbove, !s.isFinite { throw ValidationError("--suppress-above needs a finite number") }
        if evalWithEdits && evalData == nil { throw ValidationError("--eval-with-edits needs --eval") }
    }

    func run() throws {
        let lm = try modelOption.load()
        let c = lm.config
        let dense = try DenseTransformer(lm.transformer)
        let projections: [Projection]
        do { projections = try targets.split(separator: ",").map { try Projection(parsing: String($0)) } } catch {
            throw ValidationError("\(error)")
        }
        var options = FineTuneOptions(lora: LoRAConfig(rank: rank, alpha: alpha, layers: layers.isEmpty ? Array(0..<c.layers) : layers,
                                                       projections: projections))
        options.learningRate = lr
        options.epochs = epochs
        options.batchSize = batch
        options.seed = seed
        options.threads = threads.threads
        options.maxSteps = maxSteps
        let list = concepts.isEmpty ? [] : try concepts.load(width: c.dModel)
        func named(_ n: String) throws -> Concept {
            guard let found = list.first(where: { $0.name == n }) else {
                throw ValidationError("no concept '\(n)' (loaded: \(list.map(\.name).joined(separator: ", ")))")
            }
            return editLayers.isEmpty ? found : try found.restricted(toLayers: Set(editLayers))
        }
        var editNames: [String] = []
        let at = editLayers.isEmpty ? "" : " at layers \(editLayers.map(String.init).joined(separator: ","))"
        let positions: ConceptEdit.Positions = suppressPositions == "completion" ? .completion
            : suppressPositions == "after-first" ? .afterFirst : .all
        for n in suppress {
            options.edits += try named(n).edits(.ablate).map { try $0.at(positions) }
            let how = suppressToMean ? " to the mean" : suppressAbove.map { " above mean + \($0) sd" } ?? ""
            let task = taskData == nil ? "" : " orthogonal to \(taskDirections) task directions"
            let only = positions == .completion ? " at completion tokens" : positions == .afterFirst ? " at every token but the first" : ""
            editNames.append("suppress \(n)\(how)\(task)\(at)\(only)")
        }
        for n in project { options.edits += try named(n).edits(.project); editNames.append("project \(n)\(at)") }
        for n in amplify { options.edits += try named(n).edits(.amplify(amplifyFactor)); editNames.append("amplify \(n) ×\(amplifyFactor)\(at)") }
        let limit = min(maxTokens, c.contextLength)
        let held = try evalData.map { try FineTuneDataset.load(URL(fileURLWithPath: $0), model: lm, maxTokens: limit) }
        let train = try data.map { try FineTuneDataset.load(URL(fileURLWithPath: $0), model: lm, maxTokens: limit) }
        var removedByTask: [[Double]]?
        if let taskData {
            let task = try FineTuneDataset.load(URL(fileURLWithPath: taskData), model: lm, maxTokens: limit)
            let r = try ConceptEdit.orthogonalised(options.edits, toTask: task.examples, components: taskDirections, model: dense,
                                                   threads: threads.threads)
            options.edits = r.edits
            removedByTask = r.removed
            log("orthogonalised the suppressed directions against \(taskDirections) principal directions of the task's stream "
                + "(share removed: \(r.removed.flatMap { $0 }.map { String(format: "%.2f", $0) }.joined(separator: " ")))")
        }
        if suppressToMean, let train {
            options.edits = try ConceptEdit.ablatingToMeans(options.edits, model: dense, examples: train.examples, threads: threads.threads)
            log("ablating to the mean over the \(train.examples.count) training examples")
        }
        if let suppressAbove, let train {
            options.edits = try ConceptEdit.clampingAbove(options.edits, sds: suppressAbove, model: dense, examples: train.examples,
                                                          threads: threads.threads)
            log("ablating only the excess above mean + \(suppressAbove) sd over the \(train.examples.count) training examples")
        }
        var editStatistics: [ConceptEdit.Statistics]?
        if !suppress.isEmpty, let train {
            let stats = try ConceptEdit.statistics(options.edits.filter { $0.mode == .ablate }, model: dense, examples: train.examples,
                                                   threads: threads.threads)
            for s in stats {
                log("\(s.point): h·u mean \(String(format: "%.3f", s.mean[0])), sd \(String(format: "%.3f", s.sd[0])), first token "
                    + "\(String(format: "%.3f", s.firstTokenMean[0])), cos(u, mean stream) \(String(format: "%.3f", s.cosineWithMeanStream[0]))")
            }
            editStatistics = stats
        }
        let tuner = try FineTuner(model: dense, options: options)
        let before = try held.map { try tuner.evaluate($0) }
        if let before { log("held-out loss before: \(String(format: "%.4f", before))") }
        guard let train, let output else {   // --eval-only
            if json { try printJSON(Summary(adapter: nil, parameters: 0, steps: [], trainTokensPerSecond: 0, evalLossBefore: before,
                                            evalLossAfter: nil, edits: [])) }
            return
        }
        var steps: [FineTuneStep] = []
        let adapter = try tuner.train(train) { s in
            steps.append(s)
            log("step \(s.step) (epoch \(s.epoch)): loss \(String(format: "%.4f", s.loss)), \(s.tokens) tokens in "
                + "\(String(format: "%.2f", s.seconds)) s")
        }
        let after = try held.map { try tuner.evaluate($0) }
        if let after { log("held-out loss after: \(String(format: "%.4f", after))") }
        let afterEdited = evalWithEdits ? try held.map { try tuner.evaluate($0, withEdits: true) } : nil
        if let afterEdited { log("held-out loss after, with the edits: \(String(format: "%.4f", afterEdited))") }
        let folder = URL(fileURLWithPath: output)
        let baseSHA = try ModelFingerprint.sha256(of: lm.url)
        try PEFTAdapter.write(adapter, model: c, to: folder, baseModel: lm.url.lastPathComponent, baseModelSHA256: baseSHA)
        log("wrote \(folder.path)")
        if let merge {
            try LoRAMerge.writeMergedGGUF(base: lm.url, adapter: adapter, baseSHA256: baseSHA,
                                          adapterSHA256: try LoRAMerge.adapterSHA256(folder), to: URL(fileURLWithPath: merge))
            log("wrote \(merge) (the base model with the adapter merged in)")
        }
        let tokens = steps.reduce(0) { $0 + $1.tokens }, seconds = steps.reduce(0) { $0 + $1.seconds }
        if json {
            try printJSON(Summary(adapter: folder.path, parameters: adapter.parameterCount, steps: steps,
                                  trainTokensPerSecond: seconds > 0 ? Double(tokens) / seconds : 0,
                                  evalLossBefore: before, evalLossAfter: after, edits: editNames,
                                  evalLossAfterWithEdits: afterEdited, editStatistics: editStatistics, removedByTask: removedByTask))
        }
    }
}
