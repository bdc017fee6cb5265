import ArgumentParser
import Foundation
import Models
import Risk

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Log-probability of each token of a text, or perplexity of a file in chunks.",
        discussion: """
        With --text (or --file without --context): every token's log-probability given its prefix, \
        the total and the perplexity. With --context N: perplexity over non-overlapping chunks of N \
        tokens, each scored on its second half, as GGUF perplexity tools do. With --chat --prompt P \
        --response R: log P(R | P) — the reply's tokens scored after the chat template's rendering of \
        the user turn P and the assistant header. With --tokens: the given token ids as they are.
        """)

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Text to score.") var text: String?
    @Option(help: "File to score.") var file: String?
    @Option(help: "Chunk size for perplexity over a long text.") var context: Int?
    @Flag(help: "Score --response as the assistant's reply to --prompt under the model's chat template.") var chat = false
    @Option(help: "With --chat: the user's message.") var prompt: String?
    @Option(help: "With --chat: the reply whose log-probability is computed.") var response: String?
    @Option(help: "System message for --chat.") var system: String?
    @Option(help: ArgumentHelp("Token ids to score, comma-separated (no BOS is added).", valueName: "ID,ID,..."))
    var tokens: TokenIDs?
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var steering: SteeringOptions

    struct TokenOutput: Encodable {
        var id: Int
        var text: String
        /// nil for the first token, which nothing predicts; written as JSON null.
        var logprob: Float?

        enum CodingKeys: String, CodingKey { case id, text, logprob }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(text, forKey: .text)
            try c.encode(logprob, forKey: .logprob)
        }
    }

    struct SequenceOutput: Encodable {
        var tokens: [TokenOutput]
        var totalLogprob: Double
        var perplexity: Double
        var scoredTokens: Int
        /// With --chat: the tokens of the rendered prompt the reply is conditioned on.
        var contextTokens: [Int]?
        enum CodingKeys: String, CodingKey {
            case tokens, perplexity
            case totalLogprob = "total_logprob", scoredTokens = "scored_tokens", contextTokens = "context_tokens"
        }
    }

    struct ChunkedOutput: Encodable {
        var context: Int
        var chunks: Int
        var scoredTokens: Int
        var tokenCount: Int
        var perplexity: Double
        var runningPerplexity: [Double]
        var totalLogprob: Double
        enum CodingKeys: String, CodingKey {
            case context, chunks, perplexity
            case scoredTokens = "scored_tokens", tokenCount = "token_count"
            case runningPerplexity = "running_perplexity", totalLogprob = "total_logprob"
        }
    }

    func validate() throws {
        let inputs = [text != nil, file != nil, chat, tokens != nil].filter { $0 }.count
        guard inputs == 1 else { throw ValidationError("give exactly one of --text, --file, --chat (with --prompt and --response) and --tokens") }
        if chat {
            guard prompt != nil, response != nil else { throw ValidationError("--chat needs --prompt and --response") }
            guard context == nil else { throw ValidationError("--context is for --text or --file") }
        } else if prompt != nil || response != nil || system != nil {
            throw ValidationError("--prompt, --response and --system need --chat")
        }
        if tokens != nil && context != nil { throw ValidationError("--context is for --text or --file") }
        if let context, context < 4 { throw ValidationError("--context must be ≥ 4") }
        try steering.check()
    }

    func run() throws {
        if chat || tokens != nil { return try scoreTokens() }
        let input: String
        if let text { input = text } else {
            guard let data = FileManager.default.contents(atPath: file!) else {
                throw ValidationError("cannot read \(file!)")
            }
            input = String(decoding: data, as: UTF8.self)
        }
        let lm = try modelOption.load()
        let plan = try steering.plan(model: lm)
        let tok = lm.tokenizer
        if let context {
            let tokens = tok.encode(input, parseSpecialTokens: false, addBOS: tok.addBOS)
            let session = InferenceSession(model: lm.transformer, contextLength: context,
                                           maxBatch: max(1, min(context / 2, 256)), threads: threads.threads)
            session.editor = plan
            let result = try session.perplexity(tokens, context: context, bos: tok.addBOS ? tok.specialTokens.bos : nil) { i, n, ppl in
                if !json { log("[\(i)/\(n)] \(String(format: "%.4f", ppl))") }
            }
            if json {
                return try printJSON(ChunkedOutput(context: context, chunks: result.chunks, scoredTokens: result.scoredTokens,
                                                   tokenCount: tokens.count, perplexity: result.perplexity,
                                                   runningPerplexity: result.runningPerplexity,
                                                   totalLogprob: -result.negativeLogLikelihood))
            }
            print(String(format: "perplexity %.4f over %d chunks of %d tokens (%d scored)", result.perplexity,
                         result.chunks, context, result.scoredTokens))
            return
        }
        var tokens = tok.encode(input, parseSpecialTokens: false, addBOS: false)
        if let bos = tok.specialTokens.bos, tok.addBOS { tokens.insert(bos, at: 0) }
        guard tokens.count <= lm.config.contextLength else {
            throw ModelError.contextExceeded(limit: lm.config.contextLength, requested: tokens.count)
        }
        let session = InferenceSession(model: lm.transformer, contextLength: tokens.count,
                                       maxBatch: min(tokens.count, 256), threads: threads.threads)
        session.editor = plan
        let s = try session.score(tokens)
        let rows = zip(s.tokens, s.logProbs).map { TokenOutput(id: $0, text: tok.decode([$0], renderControlTokens: true), logprob: $1) }
        if json {
            return try printJSON(SequenceOutput(tokens: rows, totalLogprob: s.total, perplexity: s.perplexity,
                                                scoredTokens: max(0, s.tokens.count - 1)))
        }
        Self.printRows(rows)
        print(String(format: "total log-prob %.4f, perplexity %.4f over %d tokens", s.total, s.perplexity, max(0, s.tokens.count - 1)))
    }

    /// One line per token: id, log-probability, text.
    static func printRows(_ rows: [TokenOutput]) {
        for r in rows {
            print(String(format: "%7d  %10@  %@", r.id, r.logprob.map { String(format: "%.4f", $0) } ?? "-", r.text.debugDescription))
        }
    }

    /// --chat or --tokens: scores the ids; with --chat only the reply's tokens count.
    func scoreTokens() throws {
        let lm = try modelOption.load()
        let plan = try steering.plan(model: lm)
        let tok = lm.tokenizer
        var ids: [Int], first = 1
        var contextIDs: [Int]?
        if let tokens {
            ids = tokens.ids
            for id in ids where id >= lm.config.vocab {
                throw ValidationError("token id \(id) is outside the vocabulary (\(lm.config.vocab) tokens)")
            }
        } else {
            let head = try lm.promptTokens(prompt ?? "", chat: true, system: system)
            let reply = tok.encode(response ?? "", parseSpecialTokens: false, addBOS: false)
            guard !reply.isEmpty else { throw ValidationError("--response is empty") }
            ids = head + reply
            first = head.count
            contextIDs = head
        }
        guard ids.count <= lm.config.contextLength else {
            throw ModelError.contextExceeded(limit: lm.config.contextLength, requested: ids.count)
        }
        let session = InferenceSession(model: lm.transformer, contextLength: ids.count, maxBatch: min(ids.count, 256), threads: threads.threads)
        session.editor = plan
        let s = try session.score(ids)
        let scored = Array(first..<ids.count)
        let total = scored.reduce(0.0) { $0 + Double(s.logProbs[$1] ?? 0) }
        let rows = (contextIDs == nil ? Array(0..<ids.count) : scored).map {
            TokenOutput(id: ids[$0], text: tok.decode([ids[$0]], renderControlTokens: true), logprob: s.logProbs[$0])
        }
        let perplexity = scored.isEmpty ? Double.nan : Foundation.exp(-total / Double(scored.count))
        if json {
            return try printJSON(SequenceOutput(tokens: rows, totalLogprob: total, perplexity: perplexity,
                                                scoredTokens: scored.count, contextTokens: contextIDs))
        }
        Self.printRows(rows)
        print(String(format: "total log-prob %.4f, perplexity %.4f over %d tokens%@", total, perplexity, scored.count,
                     contextIDs.map { " (after \($0.count) prompt tokens)" } ?? ""))
    }
}

/// Comma-separated token ids ≥ 0.
struct TokenIDs: ExpressibleByArgument {
    let ids: [Int]
    init?(argument: String) {
        guard let ids = EventClause.tokenIDs(argument) else { return nil }
        self.ids = ids
    }
}
