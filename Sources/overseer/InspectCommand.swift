import ArgumentParser
import Foundation
import Models

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Describe a model: architecture, sizes, tensor types, tokenizer, template.")
    @Argument(help: "A .gguf file, a Hugging Face folder, or a known name.") var model: String
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var path: String
        var config: ModelConfig
        var format: [String: String]
        var parameters: Int
        var chatTemplate: String?
        var bos: Int?
        var eos: Int?
        var endOfGeneration: [Int]
    }

    func run() throws {
        let lm = try LanguageModel.load(model)
        let c = lm.config
        let perLayer = c.dModel * (c.heads + 2 * c.kvHeads) * c.headDim + c.heads * c.headDim * c.dModel
            + 3 * c.dModel * c.dFF
        let embeddings = c.vocab * c.dModel
        let tied = lm.transformer.weights.output.data == lm.transformer.weights.tokenEmbedding.data
        let params = perLayer * c.layers + embeddings * (tied ? 1 : 2)
        let report = Report(path: lm.url.path, config: c, format: lm.formatSummary, parameters: params,
                            chatTemplate: lm.chatTemplateSource, bos: lm.tokenizer.specialTokens.bos,
                            eos: lm.tokenizer.specialTokens.eos, endOfGeneration: lm.endOfGeneration.sorted())
        if json { return try printJSON(report) }
        print("path:          \(report.path)")
        for (k, v) in lm.formatSummary.sorted(by: { $0.key < $1.key }) { print("\(k + ":")\(String(repeating: " ", count: max(1, 14 - k.count)))\(v)") }
        print("architecture:  \(c.architecture.rawValue)")
        print("parameters:    ~\(params / 1_000_000)M (\(tied ? "tied" : "separate") output matrix)")
        print("layers:        \(c.layers)   d_model: \(c.dModel)   d_ff: \(c.dFF)")
        print("heads:         \(c.heads) (kv \(c.kvHeads), head dim \(c.headDim))")
        print("vocab:         \(c.vocab)   context: \(c.contextLength)")
        print("norm eps:      \(c.normEps)   rope base: \(c.ropeBase) (\(c.ropeStyle.rawValue), \(c.ropeDims) dims)")
        if let window = c.slidingWindow {
            let global = (0..<c.layers).filter { !c.isLocalLayer($0) }
            print("attention:     sliding window \(window) (rope base \(c.localRopeBase ?? c.ropeBase)), global layers \(global)")
        }
        print("special:       bos \(report.bos.map(String.init) ?? "-")  eos \(report.eos.map(String.init) ?? "-")  end-of-generation \(report.endOfGeneration)")
        if let t = lm.chatTemplateSource {
            print("chat template: \(t.count) characters")
            print(t)
        } else {
            print("chat template: none")
        }
    }
}
