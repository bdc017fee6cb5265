// Sequence probability: the log-probability of each token of a text given its prefix, and
// perplexity over long texts computed chunk by chunk.
//
// Perplexity follows the common GGUF-engine protocol so the figures compare directly: the
// token stream is cut into non-overlapping chunks of `context` tokens; each chunk is evaluated
// from an empty cache (its first token replaced by BOS when the model adds one), and only the
// second half of each chunk is scored (positions context/2 ..< context-1 predict the next
// token), so every scored token sees at least context/2 tokens of history.

import Kernels

/// Log-probability of `target` under `logits` [V]: logit - logΣexp.
public func logProbability(_ logits: UnsafePointer<Float>, vocab: Int, target: Int) -> Float {
    logits[target] - logSumExp(logits, n: vocab)
}

/// Per-token scores of one sequence.
public struct SequenceScore: Sendable, Codable {
    /// The scored tokens.
    public var tokens: [Int]
    /// logProbs[i] = log p(tokens[i] | tokens[..<i]); nil for the first token (nothing predicts it).
    public var logProbs: [Float?]
    /// Sum of the defined log-probabilities (natural log).
    public var total: Double
    /// exp(-total / scored tokens).
    public var perplexity: Double
}

/// Result of a chunked perplexity run.
public struct PerplexityResult: Sendable, Codable {
    public var context: Int
    public var chunks: Int
    public var scoredTokens: Int
    /// Running perplexity after each chunk (the last one is the result).
    public var runningPerplexity: [Double]
    public var perplexity: Double
    public var negativeLogLikelihood: Double
}

extension InferenceSession {
    /// Runs `tokens` from the current position in batches of `maxBatch` and hands `body` the
    /// logits [V] of every position from `first` on, one row at a time, so a long text never
    /// holds more than one batch of logits. Batches before `first` skip the output matrix.
    func forEachLogitRow(_ tokens: [Int], from first: Int,
                         _ body: (Int, UnsafePointer<Float>) -> Void) throws {
        let V = model.config.vocab
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + maxBatch)
            let batch = Array(tokens[start..<end])
            if end <= first {
                _ = try forward(batch, logits: .none)
            } else {
                let logits = try forward(batch, logits: .all)
                logits.withUnsafeBufferPointer { l in
                    for j in max(start, first)..<end { body(j, l.baseAddress! + (j - start) * V) }
                }
            }
            start = end
        }
    }

    /// Scores `tokens` from an empty cache: log p(token i | tokens before it) for i ≥ 1.
    public func score(_ tokens: [Int]) throws -> SequenceScore {
        guard !tokens.isEmpty else { throw ModelError.emptyInput }
        rewind(to: 0)
        let V = model.config.vocab
        var logProbs = [Float?](repeating: nil, count: tokens.count)
        var total = 0.0
        try forEachLogitRow(tokens, from: 0) { j, row in
            guard j + 1 < tokens.count else { return }
            let lp = logProbability(row, vocab: V, target: tokens[j + 1])
            logProbs[j + 1] = lp
            total += Double(lp)
        }
        let n = tokens.count - 1
        return SequenceScore(tokens: tokens, logProbs: logProbs, total: total,
                             perplexity: n > 0 ? Foundation.exp(-total / Double(n)) : .nan)
    }

    /// Perplexity of a long token stream in chunks of `context` tokens (see the file header).
    /// `bos` replaces each chunk's first token when the model adds a BOS token.
    public func perplexity(_ tokens: [Int], context: Int, bos: Int?,
                           progress: ((Int, Int, Double) -> Void)? = nil) throws -> PerplexityResult {
        guard context >= 4 else { throw ModelError.invalidOption("the perplexity context must be at least 4 tokens") }
        guard context <= cache.capacity else {
            throw ModelError.contextExceeded(limit: cache.capacity, requested: context)
        }
        let chunks = tokens.count / context
        guard chunks >= 1 else {
            throw ModelError.invalidOption("the text has \(tokens.count) tokens, less than one chunk of \(context)")
        }
        let V = model.config.vocab
        let first = context / 2
        var nll = 0.0
        var count = 0
        var running: [Double] = []
        for c in 0..<chunks {
            var chunk = Array(tokens[(c * context)..<((c + 1) * context)])
            if let bos { chunk[0] = bos }
            rewind(to: 0)
            try forEachLogitRow(chunk, from: first) { j, row in
                guard j < context - 1 else { return }
                nll -= Double(logProbability(row, vocab: V, target: tokens[c * context + j + 1]))
                count += 1
            }
            let ppl = Foundation.exp(nll / Double(count))
            running.append(ppl)
            progress?(c + 1, chunks, ppl)
        }
        return PerplexityResult(context: context, chunks: chunks, scoredTokens: count,
                                runningPerplexity: running, perplexity: running.last!,
                                negativeLogLikelihood: nll)
    }
}

import Foundation
