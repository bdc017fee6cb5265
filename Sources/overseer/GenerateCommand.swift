import ArgumentParser
import Foundation
import Detectors
import Models
import Steering
import Supervisor

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate text from a prompt.")

    @OptionGroup var modelOption: ModelOption
    @Option(name: [.short, .long], help: "The prompt.") var prompt: String
    @Flag(help: "Wrap the prompt as a user turn in the model's chat template.") var chat = false
    @Option(help: "System message for --chat.") var system: String?
    @Option(name: [.customShort("n"), .customLong("max-tokens")], help: "Maximum new tokens.") var maxTokens = 128
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Float = 0
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0 = off).") var topK = 0
    @Option(name: .customLong("top-p"), help: "Nucleus sampling threshold (1 = off).") var topP: Float = 1
    @Option(name: .customLong("min-p"), help: "Drop tokens below min-p × the top probability (0 = off).") var minP: Float = 0
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1 = off).") var repeatPenalty: Float = 1
    @Option(help: "Random seed for sampling.") var seed: UInt64 = 0
    @Option(name: .customLong("stop"), help: "Stop string (repeatable).") var stops: [String] = []
    @Option(help: "Context window to allocate (default: the model's, at most 4096).") var context: Int?
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print one JSON object: prompt and generated token ids, text, finish reason.") var json = false
    @OptionGroup var supervision: SupervisionOptions
    @OptionGroup var steering: SteeringOptions

    struct Output: Encodable {
        var model: String
        var prompt: String
        var promptTokens: [Int]
        var tokens: [Int]
        var text: String
        var finishReason: String
        var seconds: Double
        var tokensPerSecond: Double
        /// Present with --supervisor.
        var halted: Bool?
        var verdicts: [Verdict]?
        var runID: String?
        var receiptIDs: [Int64]?
        var summaryReceiptID: Int64?
        var gateError: String?
        /// Present with steering options: the plan as recorded (sources, vector SHA-256s).
        var steering: SteeringSpec?
        enum CodingKeys: String, CodingKey {
            case model, prompt, text, seconds, halted, verdicts
            case promptTokens = "prompt_tokens", tokens = "generated_tokens"
            case finishReason = "finish_reason", tokensPerSecond = "tokens_per_second"
            case runID = "run_id", receiptIDs = "receipt_ids", summaryReceiptID = "summary_receipt_id"
            case gateError = "gate_error", steering
        }
    }

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("-n must be ≥ 0") }
        if let context, context < 1 { throw ValidationError("--context must be ≥ 1") }
        try supervision.check()
        try steering.check()
    }

    func run() throws {
        let lm = try modelOption.load()
        let sampling = SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                       repetitionPenalty: repeatPenalty, seed: seed)
        try sampling.validate()
        let promptTokens = try lm.promptTokens(prompt, chat: chat, system: system)
        let ctx = context ?? min(lm.config.contextLength, 4096)
        let session = InferenceSession(model: lm.transformer, contextLength: ctx, threads: threads.threads)
        let options = GenerationOptions(maxTokens: maxTokens, sampling: sampling, stopStrings: stops)
        let plan = try steering.plan(model: lm, supervisorBundle: try supervision.bundleFolder())
        session.editor = plan
        let supervisor = try supervision.makeSupervisor(model: lm, steering: plan)
        let start = Date()
        let result: GenerationResult
        var report: SupervisionReport?
        if let supervisor {
            let out = try supervisor.generate(promptTokens: promptTokens, options: options, session: session,
                                              onText: { if !json { emit($0) } })
            result = out.result
            report = out.report
        } else {
            result = try lm.generate(promptTokens: promptTokens, options: options, session: session,
                                     onText: { if !json { emit($0) } })
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            var out = Output(model: lm.url.path, prompt: prompt, promptTokens: result.promptTokens,
                             tokens: result.tokens, text: result.text, finishReason: result.finishReason.rawValue,
                             seconds: seconds, tokensPerSecond: Double(result.tokens.count) / seconds)
            out.steering = plan?.spec
            if let report {
                out.halted = report.halted
                out.verdicts = report.verdicts
                out.runID = report.runID
                out.receiptIDs = report.receiptSeqs
                out.summaryReceiptID = report.summarySeq
                out.gateError = result.gateError
            }
            try printJSON(out)
        } else {
            emit("\n")
            log("[\(result.finishReason.rawValue); \(result.promptTokens.count) prompt + \(result.tokens.count) generated tokens in \(String(format: "%.2f", seconds)) s]")
            if let report { SupervisionOptions.logReport(report) }
        }
    }
}
