// `overseer collect`: activations of chosen taps over labeled text, into a resumable folder.

import Activations
import ArgumentParser
import Foundation
import Models
import Taps

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect", abstract: "Run the model over labeled text and store the activations of chosen taps.",
        discussion: """
        Writes DIR/index.json and safetensors shards (see docs/training.md). Running the same command \
        again resumes an interrupted collection; other settings or data into the same folder are \
        refused unless --overwrite is given.
        """)

    @OptionGroup var modelOption: ModelOption
    @OptionGroup var dataOptions: DataOptions
    @Flag(help: "Wrap each text as a user turn of the model's chat template.") var chat = false
    @Option(help: "System message for --chat.") var system: String?
    @Option(help: "Taps: TransformerLens names or KIND[:LAYERS], comma-separated (e.g. resid_post, resid_post:8-16,mlp_out:12).")
    var taps = "resid_post"
    @Option(help: "Positions kept per text: last, last:N, mean, all, or answer (the tokens of a closing assistant turn: what a generation rule judges).") var positions: PositionSelection = .last
    @Option(name: .customLong("skip-first"), help: "Leading positions never kept (for mean and all).") var skipFirst = 0
    @Option(name: .customLong("max-tokens"), help: "Cut texts to this many tokens (chat prompts keep their end).")
    var maxTokens = 512
    @Option(help: "Stored element type.") var dtype: StoredType = .f32
    @Option(name: .customLong("shard-examples"), help: "Examples per shard.") var shardExamples = 512
    @OptionGroup var threads: ThreadsOption
    @Option(name: [.customShort("o"), .long], help: "Output folder.") var output: String
    @Flag(help: "Replace an incompatible collection in the output folder.") var overwrite = false
    @OptionGroup var steering: SteeringOptions
    @Flag(name: .customLong("compare-prefill"),
          help: "Afterwards, time collection against plain prefill (last-token logits, no taps) on the same texts.")
    var comparePrefill = false

    func validate() throws {
        try dataOptions.check()
        guard maxTokens >= 1 && maxTokens <= 1 << 16 else { throw ValidationError("--max-tokens must be in 1...65536") }
        guard skipFirst >= 0 else { throw ValidationError("--skip-first must be ≥ 0") }
        guard shardExamples >= 1 else { throw ValidationError("--shard-examples must be ≥ 1") }
        try steering.check()
    }

    func run() throws {
        let lm = try modelOption.load()
        let sha = try ModelFingerprint.sha256(of: lm.url)
        let points = try TapSelection.taps(taps, layers: lm.config.layers)
        let plan = try steering.plan(model: lm)
        let settings = CollectionSettings(modelSHA256: sha, taps: points, positions: positions,
                                          skipFirst: skipFirst, chat: chat, system: system,
                                          maxTokens: min(maxTokens, lm.config.contextLength), dtype: dtype.rawValue.uppercased(),
                                          steeringSHA256: try plan?.spec.sha256())
        let collector = try Collector(model: lm, plan: CollectionPlan(settings: settings, sources: dataOptions.sources,
                                                                      examplesPerShard: shardExamples))
        collector.editor = plan
        let positives = collector.examples.filter { $0.label == 1 }.count
        log("collecting \(points.count) taps × \(positions) over \(collector.examples.count) texts "
            + "(\(positives) label 1, \(collector.examples.count - positives) label 0) into \(output)")
        let bar = ProgressLine()
        var last: CollectionProgress?
        let index = try collector.run(into: URL(fileURLWithPath: output), threads: threads.threads, overwrite: overwrite) { p in
            last = p
            bar.update(p.examples, p.planned, String(format: "%d tokens, %.0f tokens/s", p.tokens, p.tokensPerSecond))
        }
        let ran = (last?.tokens ?? 0) > 0
        if let p = last, p.resumedAt > 0 { log(ran ? "resumed after \(p.resumedAt) examples" : "already complete") }
        print("\(output): \(index.examples) examples, \(index.rows) rows, \(index.tokens) tokens, "
              + "taps \(points.first!)…\(points.last!) (\(points.count))"
              + (ran ? String(format: ", %.1f tokens/s", last!.tokensPerSecond) : ""))
        if comparePrefill { try compare(collector) }
    }

    /// Collection (taps, no disk) against plain prefill on the same texts, alternated three
    /// times; medians.
    func compare(_ collector: Collector) throws {
        let n = min(collector.examples.count, 200)
        var collect: [Double] = [], prefill: [Double] = []
        var tokens = 0
        for _ in 0..<3 {
            let start = Date()
            tokens = 0
            try collector.forEach(0..<n, threads: threads.threads) { _, ids, _, _, _ in tokens += ids.count }
            collect.append(Double(tokens) / Date().timeIntervalSince(start))
            let (t, s) = try collector.measurePrefill(examples: n, threads: threads.threads)
            prefill.append(Double(t) / s)
        }
        let c = collect.sorted()[1], p = prefill.sorted()[1]
        print(String(format: "collect %.1f tokens/s, plain prefill %.1f tokens/s on the same %d texts (%d tokens): ratio %.3f",
                     c, p, n, tokens, c / p))
    }
}
