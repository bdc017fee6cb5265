// `overseer steer train`: a control vector from contrast pairs, written as llama.cpp's GGUF.

import ArgumentParser
import Formats
import Foundation
import Models
import Steering
import Taps

struct SteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steer", abstract: "Control vectors for steering (see docs/steering.md).",
        subcommands: [SteerTrainCommand.self, SteerStudyCommand.self])
}

struct SteerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a control vector from contrast pairs; write it as a llama.cpp control-vector GGUF.",
        discussion: """
        PAIRS is JSON lines {"positive": "...", "negative": "..."}. Each text is run (as a user turn \
        of the chat template with --chat); the last token's blocks.N.hook_resid_post is read for \
        each layer N, and per layer a unit direction separates the pairs: mean_diff, pca_diff \
        (repeng's default) or pca_center. direction.N in the output is added to that same point \
        by llama.cpp's --control-vector and by this tool's.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Contrast pairs, JSON lines with positive and negative fields.") var pairs: String
    @Flag(help: "Wrap each text as a user turn of the model's chat template.") var chat = false
    @Option(help: "System message for --chat.") var system: String?
    @Option(help: "mean_diff, pca_diff or pca_center.", transform: { s in
        guard let m = ContrastMethod(rawValue: s) else {
            throw ValidationError("--method must be one of \(ContrastMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return m
    }) var method: ContrastMethod = .pcaDiff
    @Option(help: "Layers: all, N, A-B or N+M (default: 1 … n_layer − 1; llama.cpp never uses layer 0).") var layers: String?
    @Option(help: "Seed of the power iteration's start.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var steering: SteeringOptions
    @Option(name: [.customShort("o"), .long], help: "Output control-vector GGUF.") var output: String
    @Flag(help: "Print a JSON summary.") var json = false

    struct LayerSummary: Encodable {
        var layer: Int
        var tap: String
        /// Pairs whose positive projects above its negative on the direction.
        var pairsOrdered: Int
        /// Mean projection difference (positive − negative) on the unit direction.
        var meanSeparation: Double
        enum CodingKeys: String, CodingKey { case layer, tap, pairsOrdered = "pairs_ordered", meanSeparation = "mean_separation" }
    }

    struct Output: Encodable {
        var output: String
        var sha256: String
        var method: String
        var pairs: Int
        var layers: [LayerSummary]
    }

    func validate() throws { try steering.check() }

    func run() throws {
        let lm = try modelOption.load()
        guard let data = FileManager.default.contents(atPath: pairs) else { throw ValidationError("cannot read \(pairs)") }
        let list = try ContrastPair.load(jsonl: data, name: pairs)
        let layerList = try layers.map { try TapSelection.layers($0, layers: lm.config.layers) }
            ?? ContrastTrainer.defaultLayers(lm.config.layers)
        guard !layerList.contains(0) else { throw ValidationError("--layers: llama.cpp never applies a vector to layer 0") }
        let session = InferenceSession(model: lm.transformer, contextLength: min(lm.config.contextLength, 4096),
                                       threads: threads.threads)
        session.editor = try steering.plan(model: lm)
        let bar = ProgressLine()
        let (pos, neg) = try ContrastTrainer.collect(model: lm, pairs: list, layers: layerList, chat: chat, system: system,
                                                     session: session) { bar.update($0, $1, "pairs") }
        let cv = try ContrastTrainer.train(positive: pos, negative: neg, method: method,
                                           modelHint: lm.config.architecture.rawValue, seed: seed)
        let url = URL(fileURLWithPath: output)
        try cv.write(to: url)
        var summaries: [LayerSummary] = []
        for l in layerList {
            let d = cv.directions[l]!
            var ordered = 0, sum = 0.0
            for i in 0..<list.count {
                var a = 0.0, b = 0.0
                for j in 0..<d.count { a += Double(pos[l]![i][j]) * Double(d[j]); b += Double(neg[l]![i][j]) * Double(d[j]) }
                if a > b { ordered += 1 }
                sum += a - b
            }
            summaries.append(LayerSummary(layer: l, tap: ControlVector.tap(forLayer: l).description, pairsOrdered: ordered,
                                          meanSeparation: sum / Double(list.count)))
        }
        let out = Output(output: output, sha256: try Digest.sha256(fileAt: url), method: method.rawValue, pairs: list.count,
                         layers: summaries)
        if json { return try printJSON(out) }
        for s in summaries {
            print(String(format: "layer %2d (%@): %d/%d pairs ordered, mean separation %.3f", s.layer, s.tap, s.pairsOrdered,
                         list.count, s.meanSeparation))
        }
        print("\(output): \(cv.directions.count) directions (\(method.rawValue), \(list.count) pairs), SHA-256 \(out.sha256)")
    }
}

struct SteerStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study", abstract: "Measure a control vector at several scales: concept rate by a judge probe, wrong-way moves, perplexity.",
        discussion: """
        Each prompt is answered greedily with the vector added at each scale (0 is always run as \
        the baseline). The judge bundle's rule scores each answer as plain text (unsteered): the \
        concept rate counts answers at or above the rule's threshold; "wrong way" counts answers \
        whose score moved against the scale's sign compared with the same prompt at scale 0. \
        With --neutral, the perplexity of that text with the vector active is the cost.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Control-vector GGUF.") var vector: String
    @Option(name: .customLong("layers"), help: "Apply the vector to layers A-B only (llama.cpp's indices).") var layers: String?
    @Option(help: "Judge: a supervisor bundle trained separately (its first rule, or --rule).") var judge: String
    @Option(help: "The judge's rule.") var rule: String?
    @Option(help: "Held-out prompts, one per line.") var prompts: String
    @Flag(help: "Send prompts as a user turn of the chat template.") var chat = false
    @Option(name: [.customShort("n"), .customLong("max-tokens")], help: "Tokens per answer.") var maxTokens = 48
    @Option(help: "Scales, comma-separated (e.g. -4,-2,2,4).", transform: { s in
        try s.split(separator: ",").map { item -> Float in
            guard let v = Float(item.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw ValidationError("--scales: '\(item)' is not a number")
            }
            return v
        }
    }) var scales: [Float]
    @Option(help: "Neutral text file for the perplexity cost.") var neutral: String?
    @Option(help: "Perplexity chunk size.") var context = 128
    @Option(help: "Example answers kept per scale.") var examples = 3
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard maxTokens >= 1 else { throw ValidationError("-n must be ≥ 1") }
        guard context >= 4 else { throw ValidationError("--context must be ≥ 4") }
        guard examples >= 0 else { throw ValidationError("--examples must be ≥ 0") }
    }

    func run() throws {
        let lm = try modelOption.load()
        guard let data = FileManager.default.contents(atPath: prompts) else { throw ValidationError("cannot read \(prompts)") }
        let list = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        var start: Int?, end: Int?
        if let layers {
            let ab = layers.split(separator: "-").map { Int($0) }
            guard ab.count == 2, let a = ab[0], let b = ab[1], a <= b else { throw ValidationError("--layers must be A-B") }
            (start, end) = (a, b)
        }
        var neutralTokens: [Int] = []
        if let neutral {
            guard let d = FileManager.default.contents(atPath: neutral) else { throw ValidationError("cannot read \(neutral)") }
            neutralTokens = lm.tokenizer.encode(String(decoding: d, as: UTF8.self), parseSpecialTokens: false, addBOS: lm.tokenizer.addBOS)
        }
        let study = try SteeringStudy(model: lm, source: .controlVector(files: [ControlVectorFile(path: vector)], layerStart: start, layerEnd: end),
                                      judge: try loadBundleFolder(judge), rule: rule, prompts: list, chat: chat,
                                      maxTokens: maxTokens, neutral: neutralTokens, context: context, threads: threads.threads,
                                      examples: examples)
        let bar = ProgressLine()
        var step = 0
        let total = (Set(scales + [0]).count) * list.count
        let rows = try study.run(scales: scales) { _ in step += 1; bar.update(min(step, total), total, "answers") }
        if json { return try printJSON(rows) }
        print("scale  concept rate  mean judge  wrong way  perplexity")
        for r in rows {
            print(String(format: "%5.2f  %12.3f  %10.3f  %9@  %10@", r.scale, r.conceptRate, r.meanJudge,
                         r.wrongWay.map { String(format: "%.3f", $0) } ?? "-", r.perplexity.map { String(format: "%.3f", $0) } ?? "-"))
        }
        for r in rows {
            for e in r.examples { print(String(format: "[%.2f] %@ → %@ (judge %.3f)", r.scale, e.prompt, e.answer.debugDescription, e.judge)) }
        }
    }
}
