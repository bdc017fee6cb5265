// `overseer steer train`: a control vector from contrast pairs, written as llama.cpp's GGUF.

import ArgumentParser
import Foundation
import Models
import Steering
import Taps

struct SteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steer", abstract: "Control vectors for steering (see docs/steering.md).",
        subcommands: [SteerTrainCommand.self])
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
        let out = Output(output: output, sha256: try ModelStore.sha256(of: url), method: method.rawValue, pairs: list.count,
                         layers: summaries)
        if json { return try printJSON(out) }
        for s in summaries {
            print(String(format: "layer %2d (%@): %d/%d pairs ordered, mean separation %.3f", s.layer, s.tap, s.pairsOrdered,
                         list.count, s.meanSeparation))
        }
        print("\(output): \(cv.directions.count) directions (\(method.rawValue), \(list.count) pairs), SHA-256 \(out.sha256)")
    }
}
