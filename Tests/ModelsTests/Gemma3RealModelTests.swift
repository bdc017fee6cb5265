import Foundation
import Models
import TestSupport
import XCTest

/// The real Gemma 3 270M Q4_K_M file against figures from llama.cpp (same file, greedy; see
/// docs/gemma3.md). Skipped when the file is absent (CI has none). With
/// OVERSEER_GEMMA3_REFERENCE pointing at the output folder of bench/reference/gemma3_reference.py,
/// `testAgainstReferenceFolder` also compares every token list and every prompt logit.
final class Gemma3RealModelTests: XCTestCase {
    static var cached: LanguageModel?

    func model() throws -> LanguageModel {
        guard let url = DefaultModel.gemma3 else { throw XCTSkip(DefaultModel.gemma3SkipMessage) }
        if let m = Self.cached { return m }
        let m = try LanguageModel.load(url.path)
        Self.cached = m
        return m
    }

    func testConfigurationAndTokenizer() throws {
        let lm = try model()
        let c = lm.config
        XCTAssertEqual(c.architecture, .gemma3)
        XCTAssertEqual([c.layers, c.dModel, c.dFF, c.heads, c.kvHeads, c.headDim], [18, 640, 2048, 4, 1, 256])
        XCTAssertEqual(c.slidingWindow, 512)
        XCTAssertEqual((0..<18).filter { !c.isLocalLayer($0) }, [5, 11, 17])
        XCTAssertEqual(lm.transformer.weights.output.type, .q8_0)   // tied to token_embd
        XCTAssertTrue(lm.endOfGeneration.isSuperset(of: [1, 106]))  // <eos>, <end_of_turn>
        // llama.cpp's tokenizer on the same file (BOS added, no prefix space).
        let cases: [(String, [Int])] = [
            ("The quick brown fox jumps over the lazy dog.", [2, 818, 3823, 8864, 37423, 38167, 1024, 506, 31770, 4799, 236761]),
            (" Hello world", [2, 26352, 1902]),
            ("   three leading spaces", [2, 139, 19891, 5830, 9952]),
            ("Hello world ", [2, 9259, 1902, 236743]),
            ("a  b   c    d     e", [2, 236746, 138, 236763, 139, 236755, 140, 236753, 141, 236744]),
        ]
        for (text, ids) in cases { XCTAssertEqual(try lm.promptTokens(text, chat: false), ids, text) }
        XCTAssertEqual(try lm.promptTokens("What is the capital of France?", chat: true),
                       [2, 105, 2364, 107, 3689, 563, 506, 5279, 529, 7001, 236881, 106, 107, 105, 4368, 107])
    }

    func testGreedyMatchesReferenceEngineUntilItsFirstNearTie() throws {
        let lm = try model()
        let session = InferenceSession(model: lm.transformer, contextLength: 128, threads: 2)
        // llama.cpp's continuations (flash attention on and off agree) up to the first step
        // where its top-two logits are within 0.3.
        let cases: [([Int], [Int])] = [
            ([2, 818, 5279, 529, 7001, 563], [506, 5279, 529, 506]),
            ([2, 2063, 10779, 78113, 236769, 236749, 1473],
             [107, 140, 584, 538, 1251, 236743, 236771, 236787, 107, 144, 2060, 236743, 236771, 107, 140]),
            ([2, 236770, 236764, 236743, 236778, 236764, 236743, 236800, 236764, 236743, 236812, 236764, 236743, 236810, 236764],
             [236743, 236825, 236764, 236743, 236832, 236764, 236743, 236828, 236764, 236743, 236819, 236764]),
        ]
        for (prompt, expected) in cases {
            session.rewind(to: 0)
            let r = try lm.generate(promptTokens: prompt, options: GenerationOptions(maxTokens: expected.count),
                                    session: session)
            XCTAssertEqual(r.tokens, expected)
        }
    }

    func testLogProbabilitiesCloseToReferenceEngine() throws {
        let lm = try model()
        let s = try InferenceSession(model: lm.transformer, contextLength: 64, threads: 2).score([2, 818, 5279, 529, 7001, 563])
        // llama.cpp with flash attention on; off gives [-2.9853, -9.8902, -0.7940, -4.8347, -1.3170].
        let reference: [Float] = [-2.9853, -9.6048, -0.8169, -5.1745, -1.3514]
        for (ours, theirs) in zip(s.logProbs.dropFirst().map { $0! }, reference) {
            XCTAssertEqual(ours, theirs, accuracy: 0.4)
        }
    }

    func testLogitsIdenticalForThreadCountsAndBatching() throws {
        let lm = try model()
        let prompt = try lm.promptTokens("Explain photosynthesis in one sentence.", chat: true)
        var runs: [[Float]] = []
        for (threads, batch) in [(1, 64), (2, 64), (2, 5)] {
            let s = InferenceSession(model: lm.transformer, contextLength: 64, maxBatch: batch, threads: threads)
            runs.append(try s.forward(prompt, logits: .last))
        }
        for r in runs.dropFirst() {
            XCTAssertTrue(r.elementsEqual(runs[0]) { $0.bitPattern == $1.bitPattern })
        }
    }

    /// Every string of tokens.jsonl and every prompt's logits in greedy.jsonl / logits/*.f32.
    func testAgainstReferenceFolder() throws {
        guard let dir = ProcessInfo.processInfo.environment["OVERSEER_GEMMA3_REFERENCE"], !dir.isEmpty else {
            throw XCTSkip("set OVERSEER_GEMMA3_REFERENCE to the output of bench/reference/gemma3_reference.py")
        }
        let lm = try model()
        let root = URL(fileURLWithPath: dir)
        func lines(_ name: String) throws -> [[String: Any]] {
            try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
                .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        }
        var tokenMismatches: [String] = []
        let tokenRows = try lines("tokens.jsonl")
        for row in tokenRows {
            let expected = row["ids"] as! [Int]
            let ours = try row["chat_user"].map { try lm.promptTokens($0 as! String, chat: true) }
                ?? lm.promptTokens(row["text"] as! String, chat: false)
            if ours != expected { tokenMismatches.append("\(row["name"]!): ours \(ours), llama.cpp \(expected)") }
        }
        print("tokens: \(tokenRows.count - tokenMismatches.count)/\(tokenRows.count) identical")
        XCTAssert(tokenMismatches.isEmpty, tokenMismatches.joined(separator: "\n"))

        let V = lm.config.vocab
        /// log-softmax of row p of logits [T, V], in Double.
        func logSoftmax(_ l: [Float], _ p: Int) -> [Double] {
            let row = l[(p * V)..<((p + 1) * V)].map(Double.init)
            let m = row.max()!
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            return row.map { $0 - lse }
        }
        var seen = Set<String>()
        for row in try lines("greedy.jsonl") where seen.insert(row["id"] as! String).inserted {
            let id = row["id"] as! String, prompt = row["prompt_ids"] as! [Int]
            let ours = try InferenceSession(model: lm.transformer, contextLength: 128, threads: 2).forward(prompt, logits: .all)
            let reference = try [1, 0].map { fa in
                try Data(contentsOf: root.appendingPathComponent("logits/\(id).fa\(fa).f32"))
                    .withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            func maxAbs(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }
            // KL(llama.cpp ‖ ours) per position and |Δ log p| of each next prompt token, against
            // flash attention on (llama.cpp's CLI default).
            var worstKL = 0.0, worstLogProb = 0.0
            for p in 0..<prompt.count {
                let a = logSoftmax(reference[0], p), b = logSoftmax(ours, p)
                worstKL = max(worstKL, zip(a, b).reduce(0) { $0 + exp($1.0) * ($1.0 - $1.1) })
                if p + 1 < prompt.count { worstLogProb = max(worstLogProb, abs(a[prompt[p + 1]] - b[prompt[p + 1]])) }
            }
            XCTAssertEqual(reference[0].count, ours.count)
            print("\(id) (\(prompt.count) tokens): " + String(
                format: "max |Δ logit| vs fa on %.3f, vs fa off %.3f (llama.cpp fa on vs off %.3f); "
                    + "max KL %.4f; max |Δ log p(next prompt token)| %.3f",
                maxAbs(ours, reference[0]), maxAbs(ours, reference[1]), maxAbs(reference[0], reference[1]),
                worstKL, worstLogProb))
            XCTAssertLessThan(worstKL, 0.1, id)
            XCTAssertLessThan(worstLogProb, 1, id)
        }
    }
}
