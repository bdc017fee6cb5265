import Foundation
import Formats
import Kernels
import Models
import TestSupport
import XCTest

/// Forward-pass properties on tiny random models: invariance to batching and thread count, and
/// agreement with an independent double-precision implementation.
final class TinyModelTests: XCTestCase {
    func load(_ spec: TinyModelSpec) throws -> Transformer {
        try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
    }

    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3, 260, 33, 45, 99, 200, 17, 64, 2, 9, 80]

    func testConfigurationFromMetadata() throws {
        let m = try load(TinyModelSpec())
        XCTAssertEqual(m.config.architecture, .llama)
        XCTAssertEqual(m.config.dModel, 64)
        XCTAssertEqual(m.config.layers, 2)
        XCTAssertEqual(m.config.heads, 4)
        XCTAssertEqual(m.config.kvHeads, 2)
        XCTAssertEqual(m.config.headDim, 16)
        XCTAssertEqual(m.config.vocab, TinyModel.vocabulary.count)
        XCTAssertEqual(m.config.ropeStyle, .interleaved)
    }

    func testPrefillEqualsOneTokenAtATime() throws {
        for type in [TensorType.f32, .q8_0, .q4_1] {
            var spec = TinyModelSpec()
            spec.weightType = type
            let model = try load(spec)
            let batched = InferenceSession(model: model, maxBatch: 7, threads: 2)
            let all = try batched.forward(prompt, logits: .all)
            let single = InferenceSession(model: model, maxBatch: 1, threads: 1)
            var stepwise: [Float] = []
            for t in prompt { stepwise += try single.forward([t], logits: .last) }
            XCTAssertEqual(all.count, prompt.count * model.config.vocab)
            XCTAssertTrue(all.elementsEqual(stepwise) { $0.bitPattern == $1.bitPattern }, "\(type): batched and stepwise logits differ")
        }
    }

    func testLogitsIdenticalAcrossThreadCounts() throws {
        var spec = TinyModelSpec()
        spec.weightType = .q4_1
        spec.dFF = 160
        let model = try load(spec)
        var results: [[Float]] = []
        for threads in [1, 2, 3, 4] {
            let s = InferenceSession(model: model, maxBatch: 16, threads: threads)
            results.append(try s.forward(prompt, logits: .all))
        }
        for r in results.dropFirst() {
            XCTAssertTrue(r.elementsEqual(results[0]) { $0.bitPattern == $1.bitPattern })
        }
    }

    func testMatchesDoublePrecisionReference() throws {
        let factors: [Float] = (0..<8).map { 1 + Float($0) * 0.75 }
        for (bias, qkNorm, arch, freqs) in [(false, false, "llama", nil), (true, false, "qwen2", nil),
                                            (false, true, "qwen3", nil), (false, false, "llama", factors)] {
            var spec = TinyModelSpec()
            spec.architecture = arch
            spec.qkvBias = bias
            spec.qkNorm = qkNorm
            spec.ropeFreqFactors = freqs
            let bytes = TinyModel.gguf(spec)
            let file = try GGUFFile(bytes: bytes)
            let model = try Transformer.load(gguf: file)
            let session = InferenceSession(model: model, threads: 2)
            let ours = try session.forward(prompt, logits: .all)
            let reference = try ReferenceLlama(file: file, config: model.config).logits(prompt)
            var worst = 0.0
            var scale = 0.0
            for i in 0..<ours.count {
                worst = max(worst, abs(Double(ours[i]) - reference[i]))
                scale = max(scale, abs(reference[i]))
            }
            // Keys and values are cached as f16, so agreement is to about 1e-3 relative.
            XCTAssertLessThan(worst, 5e-3 * max(1, scale), "\(arch): max |Δlogit| \(worst) (scale \(scale))")
        }
    }

    func testGPT2MatchesDoublePrecisionReference() throws {
        var spec = TinyModelSpec()
        spec.architecture = "gpt2"
        spec.heads = 4
        spec.kvHeads = 4
        let file = try GGUFFile(bytes: TinyModel.gguf(spec))
        let model = try Transformer.load(gguf: file)
        XCTAssertEqual(model.config.architecture, .gpt2)
        let ours = try InferenceSession(model: model, maxBatch: 8, threads: 2).forward(prompt, logits: .all)
        let reference = ReferenceGPT2(file: file, config: model.config).logits(prompt)
        var worst = 0.0, scale = 0.0
        for i in 0..<ours.count {
            worst = max(worst, abs(Double(ours[i]) - reference[i]))
            scale = max(scale, abs(reference[i]))
        }
        XCTAssertLessThan(worst, 5e-3 * max(1, scale), "gpt2: max |Δlogit| \(worst) (scale \(scale))")
    }

    func testContextLimitAndBadTokens() throws {
        let model = try load(TinyModelSpec())
        let s = InferenceSession(model: model, contextLength: 8, threads: 1)
        XCTAssertThrowsError(try s.forward(Array(repeating: 1, count: 9), logits: .last)) { error in
            XCTAssertEqual(error as? ModelError, .contextExceeded(limit: 8, requested: 9))
        }
        XCTAssertThrowsError(try s.forward([model.config.vocab], logits: .last)) { error in
            XCTAssertEqual(error as? ModelError, .invalidToken(model.config.vocab))
        }
        XCTAssertThrowsError(try s.forward([], logits: .last)) { error in
            XCTAssertEqual(error as? ModelError, .emptyInput)
        }
        _ = try s.forward(Array(repeating: 1, count: 8), logits: .last)
        XCTAssertEqual(s.remaining, 0)
        XCTAssertThrowsError(try s.forward([1], logits: .last))
    }

    /// Broken weights that parse (a NaN in the output matrix) give a typed error from the
    /// forward pass, so generation never samples from NaN logits and scoring never reports a
    /// made-up perplexity.
    func testNaNLogitsAreReported() throws {
        var spec = TinyModelSpec()
        spec.nanTensors = ["token_embd.weight"]   // tied: token 0's logit is NaN for every input
        let lm = try LanguageModel.load(try TinyModel.write(spec).path)
        let s = InferenceSession(model: lm.transformer, contextLength: 32, threads: 1)
        XCTAssertThrowsError(try s.forward([1, 2, 3], logits: .last)) { error in
            XCTAssertEqual(error as? ModelError, .nonFiniteLogits(position: 2))
        }
        XCTAssertThrowsError(try lm.generate(promptTokens: [1, 2], options: GenerationOptions(maxTokens: 4), session: s)) { error in
            XCTAssertEqual(error as? ModelError, .nonFiniteLogits(position: 1))
        }
        // Taps-only passes compute no logits and are unaffected.
        s.rewind(to: 0)
        XCTAssertNoThrow(try s.forward([1, 2, 3], logits: .none))
    }

    func testScoresAreLogSoftmaxOfLogits() throws {
        let model = try load(TinyModelSpec())
        let s = InferenceSession(model: model, threads: 1)
        let score = try s.score(prompt)
        s.rewind(to: 0)
        let fresh = try s.forward(prompt, logits: .all)
        let V = model.config.vocab
        XCTAssertNil(score.logProbs[0])
        var total = 0.0
        for i in 1..<prompt.count {
            let row = fresh[((i - 1) * V)..<(i * V)].map(Double.init)
            let m = row.max()!
            let lse = m + log(row.map { exp($0 - m) }.reduce(0, +))
            let expected = row[prompt[i]] - lse
            XCTAssertEqual(Double(score.logProbs[i]!), expected, accuracy: 1e-4)
            total += expected
        }
        XCTAssertEqual(score.total, total, accuracy: 1e-3)
        XCTAssertEqual(score.perplexity, exp(-total / Double(prompt.count - 1)), accuracy: 1e-3 * score.perplexity)
    }

    func testPerplexityScoresSecondHalfOfEachChunk() throws {
        let model = try load(TinyModelSpec())
        let s = InferenceSession(model: model, contextLength: 16, threads: 2)
        let tokens = (0..<70).map { ($0 * 37) % 250 }
        let r = try s.perplexity(tokens, context: 16, bos: nil)
        XCTAssertEqual(r.chunks, 4)
        XCTAssertEqual(r.scoredTokens, 4 * (16 - 1 - 8))
        XCTAssertEqual(r.runningPerplexity.count, 4)
        // The first chunk's perplexity, recomputed from its own scores.
        let first = try s.score(Array(tokens[0..<16]))
        let nll = -first.logProbs[9...15].map { Double($0!) }.reduce(0, +)
        XCTAssertEqual(r.runningPerplexity[0], exp(nll / 7), accuracy: 1e-3 * r.runningPerplexity[0])
        XCTAssertThrowsError(try s.perplexity(Array(tokens[0..<10]), context: 16, bos: nil))
    }
}

/// A direct double-precision implementation of the Llama-family forward pass, written
/// independently of the engine: dequantized weights, no caching tricks, one position at a time.
struct ReferenceLlama {
    let file: GGUFFile
    let config: ModelConfig

    func w(_ name: String) -> [Double]? { file.tensor(named: name).map { dequantize($0).map(Double.init) } }

    /// out[r] = Σ_c W[r, c] x[c] for W stored [cols, rows].
    func mul(_ W: [Double], _ x: [Double], rows: Int) -> [Double] {
        let cols = x.count
        return (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + W[r * cols + $1] * x[$1] } }
    }

    func rms(_ x: [Double], _ g: [Double]) -> [Double] {
        let s = 1 / (x.map { $0 * $0 }.reduce(0, +) / Double(x.count) + Double(config.normEps)).squareRoot()
        return zip(x, g).map { $0 * s * $1 }
    }

    func rope(_ v: inout [Double], pos: Int) {
        let hd = config.headDim
        for i in 0..<(hd / 2) {
            let divisor = w("rope_freqs.weight")?[i] ?? 1
            let theta = Double(pos) * pow(config.ropeBase, -Double(2 * i) / Double(hd)) / divisor
            let (a, b) = (v[2 * i], v[2 * i + 1])
            if config.ropeStyle == .interleaved {
                v[2 * i] = a * cos(theta) - b * sin(theta)
                v[2 * i + 1] = a * sin(theta) + b * cos(theta)
            } else {
                let (c, e) = (v[i], v[i + hd / 2])
                v[i] = c * cos(theta) - e * sin(theta)
                v[i + hd / 2] = c * sin(theta) + e * cos(theta)
            }
        }
    }

    func logits(_ tokens: [Int]) throws -> [Double] {
        let c = config, d = c.dModel, hd = c.headDim
        let emb = w("token_embd.weight")!
        var keys = [[[Double]]](repeating: [], count: c.layers)    // [layer][pos][kv*hd]
        var values = [[[Double]]](repeating: [], count: c.layers)
        var out: [Double] = []
        for (pos, tok) in tokens.enumerated() {
            var x = Array(emb[(tok * d)..<((tok + 1) * d)])
            for l in 0..<c.layers {
                let p = "blk.\(l)."
                let h = rms(x, w(p + "attn_norm.weight")!)
                var q = mul(w(p + "attn_q.weight")!, h, rows: c.heads * hd)
                var k = mul(w(p + "attn_k.weight")!, h, rows: c.kvHeads * hd)
                let v = zip(mul(w(p + "attn_v.weight")!, h, rows: c.kvHeads * hd), w(p + "attn_v.bias") ?? Array(repeating: 0, count: c.kvHeads * hd)).map(+)
                if let b = w(p + "attn_q.bias") { q = zip(q, b).map(+) }
                if let b = w(p + "attn_k.bias") { k = zip(k, b).map(+) }
                for head in 0..<c.heads {
                    var qh = Array(q[(head * hd)..<((head + 1) * hd)])
                    if let g = w(p + "attn_q_norm.weight") { qh = rms(qh, g) }
                    rope(&qh, pos: pos)
                    q.replaceSubrange((head * hd)..<((head + 1) * hd), with: qh)
                }
                for head in 0..<c.kvHeads {
                    var kh = Array(k[(head * hd)..<((head + 1) * hd)])
                    if let g = w(p + "attn_k_norm.weight") { kh = rms(kh, g) }
                    rope(&kh, pos: pos)
                    k.replaceSubrange((head * hd)..<((head + 1) * hd), with: kh)
                }
                keys[l].append(k)
                values[l].append(v)
                var attn = [Double](repeating: 0, count: c.heads * hd)
                for head in 0..<c.heads {
                    let kv = head / (c.heads / c.kvHeads)
                    var s = (0...pos).map { j in
                        (0..<hd).reduce(0.0) { $0 + q[head * hd + $1] * keys[l][j][kv * hd + $1] } / Double(hd).squareRoot()
                    }
                    let m = s.max()!
                    s = s.map { exp($0 - m) }
                    let z = s.reduce(0, +)
                    for j in 0...pos { for i in 0..<hd { attn[head * hd + i] += s[j] / z * values[l][j][kv * hd + i] } }
                }
                x = zip(x, mul(w(p + "attn_output.weight")!, attn, rows: d)).map(+)
                let h2 = rms(x, w(p + "ffn_norm.weight")!)
                let g = mul(w(p + "ffn_gate.weight")!, h2, rows: c.dFF)
                let u = mul(w(p + "ffn_up.weight")!, h2, rows: c.dFF)
                let a = zip(g, u).map { $0 / (1 + exp(-$0)) * $1 }
                x = zip(x, mul(w(p + "ffn_down.weight")!, a, rows: d)).map(+)
            }
            let hf = rms(x, w("output_norm.weight")!)
            out += mul(w("output.weight") ?? emb, hf, rows: c.vocab)
        }
        return out
    }
}

/// GPT-2 in double precision, written directly from the architecture's definition.
struct ReferenceGPT2 {
    let file: GGUFFile
    let config: ModelConfig

    func w(_ name: String) -> [Double] { dequantize(file.tensor(named: name)!).map(Double.init) }

    func mul(_ W: [Double], _ x: [Double], rows: Int) -> [Double] {
        let cols = x.count
        return (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + W[r * cols + $1] * x[$1] } }
    }

    func layerNorm(_ x: [Double], _ g: [Double], _ b: [Double]) -> [Double] {
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
        let s = 1 / (variance + Double(config.normEps)).squareRoot()
        return (0..<x.count).map { (x[$0] - mean) * s * g[$0] + b[$0] }
    }

    func gelu(_ x: Double) -> Double { 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) }

    func logits(_ tokens: [Int]) -> [Double] {
        let c = config, d = c.dModel, hd = c.headDim, H = c.heads
        let emb = w("token_embd.weight"), pos = w("position_embd.weight")
        var keys = [[[Double]]](repeating: [], count: c.layers), values = keys
        var out: [Double] = []
        for (p, tok) in tokens.enumerated() {
            var x = (0..<d).map { emb[tok * d + $0] + pos[p * d + $0] }
            for l in 0..<c.layers {
                let b = "blk.\(l)."
                let h = layerNorm(x, w(b + "attn_norm.weight"), w(b + "attn_norm.bias"))
                let qkv = zip(mul(w(b + "attn_qkv.weight"), h, rows: 3 * d), w(b + "attn_qkv.bias")).map(+)
                let q = Array(qkv[0..<d]), k = Array(qkv[d..<(2 * d)]), v = Array(qkv[(2 * d)...])
                keys[l].append(k)
                values[l].append(v)
                var attn = [Double](repeating: 0, count: d)
                for head in 0..<H {
                    var s = (0...p).map { j in
                        (0..<hd).reduce(0.0) { $0 + q[head * hd + $1] * keys[l][j][head * hd + $1] } / Double(hd).squareRoot()
                    }
                    let m = s.max()!
                    s = s.map { exp($0 - m) }
                    let z = s.reduce(0, +)
                    for j in 0...p { for i in 0..<hd { attn[head * hd + i] += s[j] / z * values[l][j][head * hd + i] } }
                }
                let o = zip(mul(w(b + "attn_output.weight"), attn, rows: d), w(b + "attn_output.bias")).map(+)
                x = zip(x, o).map(+)
                let h2 = layerNorm(x, w(b + "ffn_norm.weight"), w(b + "ffn_norm.bias"))
                let u = zip(mul(w(b + "ffn_up.weight"), h2, rows: c.dFF), w(b + "ffn_up.bias")).map { gelu($0 + $1) }
                let down = zip(mul(w(b + "ffn_down.weight"), u, rows: d), w(b + "ffn_down.bias")).map(+)
                x = zip(x, down).map(+)
            }
            let hf = layerNorm(x, w("output_norm.weight"), w("output_norm.bias"))
            out += mul(emb, hf, rows: c.vocab)
        }
        return out
    }
}
