// `overseer risk`: the probability that the model produces an event within a horizon, over a
// prompt set, with confidence bounds (docs/risk.md).

import ArgumentParser
import Crypto
import Foundation
import Models
import Risk
import Steering
import Supervisor

extension RiskMethod: ExpressibleByArgument {}

struct RiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Estimate P(event within T tokens) over a prompt set, with confidence bounds.",
        discussion: """
        --event takes regex:PATTERN, text:STRING, tokens:ID,ID,... or rule:RULE (a rule of \
        --event-bundle firing on a generated token); several --event options mean any of them. \
        Methods: mc (sampling, Clopper–Pearson intervals), is (importance sampling with a steered \
        or hotter proposal, empirical Bernstein interval), exact (tree search with probability-mass \
        bounds; short horizons). With --supervisor: P(event) without S, P(event in the released \
        text) with S, and P(halt) on --benign prompts. See docs/risk.md.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Prompts, one per line (blank lines are skipped).") var prompts: String
    @Flag(help: "Wrap each prompt as a user turn in the model's chat template.") var chat = false
    @Option(help: "System message for --chat.") var system: String?
    @Option(help: ArgumentHelp("An event clause: regex:P | text:S | tokens:I,J | rule:RULE (repeatable: any of them).", valueName: "CLAUSE"),
            transform: { try EventClause(parsing: $0) })
    var event: [EventClause] = []
    @Option(name: .customLong("event-bundle"), help: "The bundle whose rules rule: clauses name (a folder or a built-in name).")
    var eventBundle: String?
    @Option(help: "Generated tokens per sample at most.") var horizon = 32
    @Option(help: "Samples per prompt (mc, is).") var samples = 1000
    @Option(help: "mc | is | exact") var method: RiskMethod = .mc
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Confidence of the intervals.") var confidence = 0.95
    @Option(help: "Samples decoded together (mc, and is without steering).") var batch = 16
    @Option(help: "Target sampling temperature (the model's sampler; 0 = greedy).") var temperature: Float = 1
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0 = off).") var topK = 0
    @Option(name: .customLong("top-p"), help: "Nucleus sampling threshold (1 = off).") var topP: Float = 1
    @Option(name: .customLong("min-p"), help: "Drop tokens below min-p × the top probability (0 = off).") var minP: Float = 0
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1 = off).") var repeatPenalty: Float = 1
    @Option(name: .customLong("proposal-temperature"), help: "is: the proposal's temperature (default: the target's).")
    var proposalTemperature: Float?
    @Option(name: .customLong("proposal-boost"),
            help: "is: add this to the proposal's logits of the event's own tokens (those whose text alone makes the event hold).")
    var proposalBoost: Float?
    @Option(name: .customLong("proposal-boost-tokens"), help: ArgumentHelp("is: boost these token ids instead of the event's own tokens.", valueName: "I,J,..."),
            transform: { s in
                guard let ids = EventClause.tokenIDs(s) else { throw ValidationError("--proposal-boost-tokens takes comma-separated token ids ≥ 0, not '\(s)'") }
                return ids
            })
    var proposalBoostTokens: [Int]?
    @Option(help: "is: the share of samples drawn from the target itself (defensive mixture; weights ≤ 1/share).")
    var defensive = 0.1
    @Option(help: "exact: forward passes to spend per prompt.") var budget = 2000
    @Option(help: "With --supervisor: benign prompts, one per line, for the false-halt rate.") var benign: String?
    @Option(help: "Supervisor bundle S (a folder or a built-in name): estimates with and without it.") var supervisor: String?
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var steering: SteeringOptions

    func validate() throws {
        guard !event.isEmpty else { throw ValidationError("give at least one --event") }
        guard horizon >= 1 else { throw ValidationError("--horizon must be ≥ 1") }
        guard samples >= 1 else { throw ValidationError("--samples must be ≥ 1") }
        guard batch >= 1 && batch <= 256 else { throw ValidationError("--batch must be in 1...256") }
        guard budget >= 1 else { throw ValidationError("--budget must be ≥ 1") }
        try requireFinite(confidence, in: 0.5...0.999999, "--confidence")
        try requireFinite(defensive, in: 0.000001...1, "--defensive")
        if let t = proposalTemperature { try requireFinite(t, in: 0.01...100, "--proposal-temperature") }
        if let b = proposalBoost { try requireFinite(b, in: -100...100, "--proposal-boost") }
        if proposalBoostTokens != nil && proposalBoost == nil { throw ValidationError("--proposal-boost-tokens needs --proposal-boost") }
        if (proposalBoost != nil || proposalTemperature != nil) && method != .is {
            throw ValidationError("--proposal-boost and --proposal-temperature set the proposal of --method is")
        }
        if event.contains(where: { if case .rule = $0 { return true } else { return false } }) && eventBundle == nil {
            throw ValidationError("rule: clauses need --event-bundle")
        }
        if benign != nil && supervisor == nil { throw ValidationError("--benign needs --supervisor") }
        if supervisor != nil && method != .mc { throw ValidationError("--supervisor works with --method mc") }
        if steering.isActive && method != .is { throw ValidationError("steering options set the proposal of --method is") }
        try steering.check()
    }

    /// Non-empty lines of a prompts file.
    static func readPrompts(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw ValidationError("\(path) holds no prompts") }
        return lines
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func run() throws {
        let lm = try modelOption.load()
        let sampling = SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP, repetitionPenalty: repeatPenalty)
        let settings = RiskSettings(horizon: horizon, sampling: sampling, seed: seed, confidence: confidence, threads: threads.threads)
        try settings.validate()
        let riskEvent = try RiskEvent(event)
        let texts = try Self.readPrompts(prompts)
        let ids = try texts.map { try lm.promptTokens($0, chat: chat, system: system) }
        let modelSHA = try ModelFingerprint.sha256(of: lm.url)
        var record = RiskRecord(method: method.rawValue, model: .init(path: lm.url.path, sha256: modelSHA),
                                event: event, horizon: horizon, prompts: ids.count,
                                promptsSHA256: Self.sha256(Data(texts.joined(separator: "\n").utf8)), chat: chat,
                                seed: seed, sampling: sampling, confidence: confidence)
        let start = Date()
        let eventSupervisor = try eventBundle.map { try makeSupervisor($0, model: lm, sha: modelSHA) }
        record.eventBundle = eventSupervisor.map { .init(name: $0.policy.bundleName, sha256: $0.policy.bundleSHA256) }
        switch method {
        case .mc:
            let s = try supervisor.map { try makeSupervisor($0, model: lm, sha: modelSHA) }
            record.bundle = s.map { .init(name: $0.policy.bundleName, sha256: $0.policy.bundleSHA256) }
            record.samplesPerPrompt = samples
            let mc = try MonteCarloEstimator(model: lm, event: riskEvent, settings: settings, supervisor: s,
                                             eventBundle: eventSupervisor, batch: batch)
            record.monteCarlo = try mc.run(prompts: ids, samplesPerPrompt: samples) { done, total in
                if !json && (done % 100 == 0 || done == total) { log("[mc] \(done)/\(total) samples") }
            }
            if let benign {
                let benignTexts = try Self.readPrompts(benign)
                let benignIDs = try benignTexts.map { try lm.promptTokens($0, chat: chat, system: system) }
                record.benignSHA256 = Self.sha256(Data(benignTexts.joined(separator: "\n").utf8))
                record.benign = try mc.run(prompts: benignIDs, samplesPerPrompt: samples).halt
            }
        case .is:
            let plan = try steering.plan(model: lm)
            let boost = try proposalBoost.map { logit in
                let tokens = proposalBoostTokens ?? ProposalBoost.eventTokens(model: lm, event: riskEvent)
                guard !tokens.isEmpty else {
                    throw ValidationError("no single token makes the event hold, so --proposal-boost has nothing to boost; name tokens with --proposal-boost-tokens")
                }
                return try ProposalBoost(tokens: tokens, logit: logit)
            }
            if let boost, !json { log("[is] boosting \(boost.tokens.count) tokens by \(boost.logit)") }
            let sampler = try ImportanceSampler(model: lm, event: riskEvent, settings: settings, proposalTemperature: proposalTemperature,
                                                steering: plan, boost: boost, defensive: defensive, batch: batch)
            record.samplesPerPrompt = samples
            record.proposal = try ProposalRecord(temperature: sampler.proposal.temperature, steering: plan?.spec, boost: boost,
                                                 defensive: defensive)
            let summary = try sampler.run(prompts: ids, samplesPerPrompt: samples) { done, total in
                if !json && (done % 100 == 0 || done == total) { log("[is] \(done)/\(total) samples") }
            }
            record.importance = summary
            if let warning = summary.warning { log("[is] warning: \(warning)") }
        case .exact:
            let search = try ExactSearch(model: lm, event: riskEvent, settings: settings, budget: budget)
            record.exact = try search.run(prompts: ids)
        }
        record.configSHA256 = try record.digest()
        let seconds = Date().timeIntervalSince(start)
        if json { return try printJSON(record) }
        print(record.humanReadable)
        log(String(format: "[%.1f s]", seconds))
    }

    /// A bundle for risk: sync mode, no receipts (the estimate is the record).
    func makeSupervisor(_ name: String, model: LanguageModel, sha: String) throws -> Supervisor {
        let bundle = try SupervisionOptions.loadBundle(name, threads: threads.threads)
        return try Supervisor(bundle: bundle, model: model, modelSHA256: sha)
    }
}
