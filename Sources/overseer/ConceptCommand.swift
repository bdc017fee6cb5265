// `overseer concept`: concept files (several directions per residual tap) that `teach` and
// `finetune` read with `--concept FILE`. `diff-pca` finds one in a fine-tuned model's own
// activations; `show` prints what a file holds.

import ArgumentParser
import Foundation
import Gradients
import Models
import Taps

struct ConceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concept", abstract: "Concept files for teach and finetune --concept (see docs/gradients.md).",
        subcommands: [ConceptDiffPCACommand.self, ConceptShowCommand.self])
}

struct ConceptDiffPCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff-pca",
        abstract: "The principal directions of how an adapter changes the residual stream, as a concept file.",
        discussion: """
        Runs the base model (-m) and the base model with the adapter (--lora) over the data set (the \
        fine-tuning JSONL format), takes the per-token difference of blocks.L.hook_resid_post at each \
        layer of --layers over --positions, and keeps the top --k principal directions per layer of \
        the differences' second moment (--center: of their covariance). Concept Ablation Fine-Tuning \
        ablates such directions while fine-tuning again: `finetune --concept FILE --suppress NAME`. \
        The file is the same bytes for any thread count.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "JSONL data set ({\"text\"}, {\"prompt\", \"completion\"} or {\"messages\"}).") var data: String
    @Option(help: "Layers whose resid_post is read: N, A-B or N+M.") var layers: String
    @Option(help: "Directions kept per layer.") var k = 4
    @Option(help: "Tokens whose differences count: completion (from the token that predicts the reply on) or after-first (every token but each example's first).",
            transform: { s in
                guard let p = DiffPCA.Positions(rawValue: s) else {
                    throw ValidationError("--positions is \(DiffPCA.Positions.allCases.map(\.rawValue).joined(separator: " or ")), not '\(s)'")
                }
                return p
            })
    var positions: DiffPCA.Positions = .completion
    @Flag(help: "Subtract the mean difference first (the covariance's directions instead of the second moment's).") var center = false
    @Option(name: .customLong("exclude-data"),
            help: "JSONL of what to keep (e.g. the task alone): its own top --exclude-k difference directions are removed from the differences first.")
    var excludeData: String?
    @Option(name: .customLong("exclude-k"), help: "How many difference directions of --exclude-data to remove per layer.") var excludeK = 4
    @Option(help: "The concept's name (default: the output file's name without extension).") var name: String?
    @Option(name: .customLong("max-tokens"), help: "Truncate sequences to this many tokens.") var maxTokens = 256
    @Option(name: [.customShort("o"), .long], help: "Concept file to write (safetensors).") var output: String
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print a JSON summary.") var json = false

    struct Summary: Encodable {
        struct Tap: Encodable {
            var point: String
            var variances: [Double]
            var share: [Double]
            var meanProjections: [Double]
            enum CodingKeys: String, CodingKey { case point, variances, share, meanProjections = "mean_projections" }
        }
        var output: String
        var concept: String
        var tokens: Int
        var taps: [Tap]
    }

    func validate() throws {
        guard modelOption.lora != nil else { throw ValidationError("give the fine-tuned adapter with --lora DIR (-m is the base model)") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard maxTokens >= 2 else { throw ValidationError("--max-tokens must be at least 2") }
        guard excludeK >= 1 else { throw ValidationError("--exclude-k must be at least 1") }
    }

    func run() throws {
        // The base model as it is: the adapter is applied in the training pass, not merged.
        let lm = try LanguageModel.load(modelOption.model)
        let c = lm.config
        let adapterURL = URL(fileURLWithPath: modelOption.lora ?? "")
        let adapter = try PEFTAdapter.read(adapterURL, model: c)
        let layerList: [Int]
        do { layerList = try TapSelection.layers(layers, layers: c.layers) } catch { throw ValidationError("--layers: \(error)") }
        let set = try FineTuneDataset.load(URL(fileURLWithPath: data), model: lm, maxTokens: min(maxTokens, c.contextLength))
        var options = DiffPCA.Options(layers: layerList, k: k)
        options.positions = positions
        options.centered = center
        options.threads = threads.threads
        let dense = try DenseTransformer(lm.transformer)
        var meta: [String: String] = [:]
        if let excludeData {
            // The keep set's own difference directions, taken the same way, then removed from every difference.
            let keep = try FineTuneDataset.load(URL(fileURLWithPath: excludeData), model: lm, maxTokens: min(maxTokens, c.contextLength))
            var kept = options
            kept.k = excludeK
            let r = try DiffPCA.compute(model: dense, adapter: adapter, examples: keep.examples, options: kept)
            options.excluded = Dictionary(uniqueKeysWithValues: r.components.map { ($0.point, $0.directions) })
            meta["excluded"] = "\(excludeK) difference directions of \(URL(fileURLWithPath: excludeData).lastPathComponent)"
            log("removing \(excludeK) difference directions per layer of \(excludeData) (\(r.tokens) tokens)")
        }
        let result = try DiffPCA.compute(model: dense, adapter: adapter, examples: set.examples, options: options)
        let out = URL(fileURLWithPath: output)
        let conceptName = name ?? out.deletingPathExtension().lastPathComponent
        meta.merge(["method": "diff-pca", "k": "\(k)", "positions": positions.rawValue, "centered": "\(center)",
                    "base_model": lm.url.lastPathComponent, "base_model_sha256": try ModelFingerprint.sha256(of: lm.url),
                    "adapter_sha256": try LoRAMerge.adapterSHA256(adapterURL)]) { $1 }
        meta["data"] = URL(fileURLWithPath: data).lastPathComponent
        try result.conceptFile(name: conceptName, metadata: meta).write(to: out)
        for comp in result.components {
            log("\(comp.point): variance share \(comp.variances.map { String(format: "%.3f", $0 / comp.totalVariance) }.joined(separator: " "))")
        }
        log("wrote \(out.path) (\(result.tokens) tokens)")
        if json {
            try printJSON(Summary(output: out.path, concept: conceptName, tokens: result.tokens, taps: result.components.map { comp in
                Summary.Tap(point: "\(comp.point)", variances: comp.variances, share: comp.variances.map { $0 / comp.totalVariance },
                            meanProjections: comp.meanProjections)
            }))
        }
    }
}

struct ConceptShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a concept file's name, taps, shapes and metadata as JSON.")

    @Argument(help: "A concept file.") var file: String

    struct Output: Encodable {
        struct Tap: Encodable {
            var point: String
            var directions: Int
            var width: Int
        }
        var concept: String
        var taps: [Tap]
        var metadata: [String: String]
    }

    func run() throws {
        let f = try ConceptFile.read(URL(fileURLWithPath: file))
        try printJSON(Output(concept: f.name, taps: f.components.map { .init(point: "\($0.point)", directions: $0.directions.count,
                                                                               width: $0.directions[0].count) },
                             metadata: f.metadata))
    }
}
