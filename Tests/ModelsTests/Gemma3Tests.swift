import Foundation
import Formats
import Kernels
import Models
import Taps
import TestSupport
import XCTest

/// Gemma 3 on tiny random models: agreement with an independent double-precision forward pass,
/// the sliding-window mask, invariance to threads and batching, and typed errors for bad files.
final class Gemma3Tests: XCTestCase {
    /// 20 tokens: longer than the tiny model's window of 5, so the mask matters.
    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3, 260, 33, 45, 99, 200, 17, 64, 2, 9, 80]

    func load(_ spec: TinyModelSpec) throws -> Transformer {
        try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
    }

    func testConfigurationFromMetadata() throws {
        let c = try load(.gemma3).config
        XCTAssertEqual(c.architecture, .gemma3)
        XCTAssertEqual(c.headDim, 32)
        XCTAssertEqual(c.kvHeads, 1)
        XCTAssertEqual(c.ropeStyle, .neox)
        XCTAssertEqual(c.slidingWindow, 5)
        XCTAssertEqual(c.slidingWindowPattern, 6)
        XCTAssertEqual(c.ropeBase, 1_000_000)
        XCTAssertEqual(c.localRopeBase, 10_000)
        XCTAssertEqual(c.embeddingScale, Float(64).squareRoot())
        XCTAssertEqual((0..<6).map(c.isLocalLayer), [true, true, true, true, true, false])
        XCTAssertEqual(c.attentionWindow(layer: 5), nil)
        XCTAssertEqual(c.ropeBase(layer: 0), 10_000)
        // The config survives a JSON round trip (and is validated on the way in).
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(decoded, c)
    }

    func testMatchesDoublePrecisionReference() throws {
        for (type, pattern) in [(TensorType.f32, nil), (.f32, 2), (.q8_0, nil)] as [(TensorType, Int?)] {
            var spec = TinyModelSpec.gemma3
            spec.weightType = type
            spec.slidingWindowPattern = pattern
            let file = try GGUFFile(bytes: TinyModel.gguf(spec))
            let model = try Transformer.load(gguf: file)
            let ours = try InferenceSession(model: model, maxBatch: 8, threads: 2).forward(prompt, logits: .all)
            let reference = ReferenceGemma3(file: file, config: model.config).logits(prompt)
            var worst = 0.0, scale = 0.0
            for i in 0..<ours.count {
                worst = max(worst, abs(Double(ours[i]) - reference[i]))
                scale = max(scale, abs(reference[i]))
            }
            // Keys and values are cached as f16, so f32 weights agree to about 1e-3 relative. With
            // Q8_0 weights every matmul also quantizes its input activations to 8 bits (the
            // reference keeps them exact), which leaves about 2% after six layers (the tiny Llama model
            // shows the same).
            let tolerance = type == .f32 ? 5e-3 : 4e-2
            XCTAssertLessThan(worst, tolerance * max(1, scale), "\(type), pattern \(pattern ?? 6): max |Δlogit| \(worst) (scale \(scale))")
        }
    }

    func testSlidingWindowChangesLaterPositionsOnly() throws {
        var wide = TinyModelSpec.gemma3
        wide.slidingWindow = 1000
        let narrow = try InferenceSession(model: load(.gemma3), threads: 1).forward(prompt, logits: .all)
        let full = try InferenceSession(model: load(wide), threads: 1).forward(prompt, logits: .all)
        let V = narrow.count / prompt.count
        // Positions 0..4 see at most 5 keys, so the window of 5 masks nothing there.
        for p in 0..<5 {
            XCTAssertTrue(narrow[(p * V)..<((p + 1) * V)].elementsEqual(full[(p * V)..<((p + 1) * V)]), "position \(p)")
        }
        XCTAssertFalse(narrow[(5 * V)...].elementsEqual(full[(5 * V)...]), "the window must change positions ≥ 5")
    }

    func testLogitsIdenticalAcrossThreadCounts() throws {
        var spec = TinyModelSpec.gemma3
        spec.weightType = .q5_0
        let model = try load(spec)
        var runs: [[Float]] = []
        for threads in [1, 2, 3] {
            runs.append(try InferenceSession(model: model, maxBatch: 16, threads: threads).forward(prompt, logits: .all))
        }
        for r in runs.dropFirst() {
            XCTAssertTrue(r.elementsEqual(runs[0]) { $0.bitPattern == $1.bitPattern })
        }
    }

    func testPrefillEqualsOneTokenAtATime() throws {
        for type in [TensorType.f32, .q5_0, .q8_0] {
            var spec = TinyModelSpec.gemma3
            spec.weightType = type
            let model = try load(spec)
            let batched = try InferenceSession(model: model, maxBatch: 7, threads: 2).forward(prompt, logits: .all)
            let single = InferenceSession(model: model, maxBatch: 1, threads: 1)
            var stepwise: [Float] = []
            for t in prompt { stepwise += Array(try single.step(t)) }
            XCTAssertTrue(batched.elementsEqual(stepwise) { $0.bitPattern == $1.bitPattern }, "\(type)")
        }
    }

    func testEveryTapPointIsEmitted() throws {
        let model = try load(.gemma3)
        var points: Set<TapPoint> = [.embed, .finalNormalized]
        for l in 0..<model.config.layers {
            points.formUnion([.residPre(l), .attnOut(l), .residMid(l), .mlpPre(l), .mlpPost(l), .mlpOut(l), .residPost(l)])
        }
        let sink = RecordingSink(points: points)
        _ = try InferenceSession(model: model, threads: 1).forward(Array(prompt.prefix(3)), logits: .last, sink: sink)
        XCTAssertEqual(Set(sink.widths.keys), sink.points)
        XCTAssertEqual(sink.widths[.mlpPre(0)], model.config.dFF)
        XCTAssertEqual(sink.widths[.attnOut(5)], model.config.dModel)
        XCTAssertEqual(sink.counts[.embed], 3)
    }

    func testMalformedFilesGiveTypedErrors() throws {
        var noPostNorm = TinyModelSpec.gemma3
        noPostNorm.omitTensors = ["blk.2.post_ffw_norm.weight"]
        XCTAssertThrowsError(try load(noPostNorm)) { error in
            XCTAssertEqual(error as? ModelError, .missingTensor("blk.2.post_ffw_norm.weight"))
        }
        var noQNorm = TinyModelSpec.gemma3
        noQNorm.omitTensors = ["blk.0.attn_q_norm.weight"]
        XCTAssertThrowsError(try load(noQNorm)) { error in
            XCTAssertEqual(error as? ModelError, .missingTensor("blk.0.attn_q_norm.weight"))
        }
        var noWindow = TinyModelSpec.gemma3
        noWindow.slidingWindow = nil
        XCTAssertThrowsError(try load(noWindow)) { error in
            XCTAssertEqual(error as? ModelError, .missingMetadata("gemma3.attention.sliding_window"))
        }
        for bad in [0, -3] {
            var spec = TinyModelSpec.gemma3
            spec.slidingWindow = bad
            XCTAssertThrowsError(try load(spec)) { error in
                guard case .invalidMetadata("slidingWindow", _)? = error as? ModelError else {
                    return XCTFail("window \(bad): \(error)")
                }
            }
        }
        var badPattern = TinyModelSpec.gemma3
        badPattern.slidingWindowPattern = 0
        XCTAssertThrowsError(try load(badPattern)) { error in
            guard case .invalidMetadata("slidingWindowPattern", _)? = error as? ModelError else { return XCTFail("\(error)") }
        }
    }

    func testBuiltInChatTemplateRendersLikeGemmasOwn() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TemplatesTests/Fixtures/templates/gemma3.jinja")
        let official = try ChatTemplateCheck(source: String(contentsOf: fixture, encoding: .utf8))
        let ours = try ChatTemplateCheck(source: LanguageModel.gemma3ChatTemplate)
        let conversations: [[(String, String)]] = [
            [("user", "Hi")],
            [("system", "Be brief."), ("user", "  What is 2+2?\n")],
            [("user", "a"), ("assistant", "b"), ("user", "c")],
            [("system", "S"), ("user", "a"), ("assistant", " b "), ("user", "c")],
        ]
        for turns in conversations {
            for generation in [true, false] {
                XCTAssertEqual(try ours.render(turns, generation), try official.render(turns, generation), "\(turns)")
            }
        }
        XCTAssertThrowsError(try ours.render([("assistant", "x")], true))
    }
}

import Templates

/// Renders a template with Gemma's special-token strings.
struct ChatTemplateCheck {
    let template: ChatTemplate
    init(source: String) throws { template = try ChatTemplate(source: source) }
    func render(_ turns: [(String, String)], _ generation: Bool) throws -> String {
        try template.render(messages: turns.map { ChatMessage(role: $0.0, content: $0.1) },
                            addGenerationPrompt: generation, bosToken: "<bos>", eosToken: "<eos>")
    }
}

/// Records which points arrived, how wide they were and how many positions each carried.
final class RecordingSink: TapSink, @unchecked Sendable {
    let points: Set<TapPoint>
    var widths: [TapPoint: Int] = [:]
    var counts: [TapPoint: Int] = [:]
    init(points: Set<TapPoint>) { self.points = points }
    func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        widths[point] = values.count
        counts[point, default: 0] += 1
    }
}

/// Gemma 3 in double precision, written directly from the architecture's definition: one
/// position at a time, full key/value history, the window applied as a mask on the scores.
struct ReferenceGemma3 {
    let file: GGUFFile
    let config: ModelConfig

    func w(_ name: String) -> [Double] { dequantize(file.tensor(named: name)!).map(Double.init) }

    func mul(_ W: [Double], _ x: [Double], rows: Int) -> [Double] {
        let cols = x.count
        return (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + W[r * cols + $1] * x[$1] } }
    }

    /// RMSNorm with the weight as stored (the file holds Gemma's 1 + w).
    func rms(_ x: [Double], _ g: [Double]) -> [Double] {
        let s = 1 / (x.map { $0 * $0 }.reduce(0, +) / Double(x.count) + Double(config.normEps)).squareRoot()
        return zip(x, g).map { $0 * s * $1 }
    }

    func gelu(_ x: Double) -> Double { 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) }

    /// NEOX rotary: dimension i pairs with i + hd/2.
    func rope(_ v: [Double], pos: Int, base: Double) -> [Double] {
        let half = v.count / 2
        var out = v
        for i in 0..<half {
            let theta = Double(pos) * pow(base, -Double(2 * i) / Double(v.count))
            out[i] = v[i] * cos(theta) - v[i + half] * sin(theta)
            out[i + half] = v[i] * sin(theta) + v[i + half] * cos(theta)
        }
        return out
    }

    func logits(_ tokens: [Int]) -> [Double] {
        let c = config, d = c.dModel, hd = c.headDim, H = c.heads, group = c.heads / c.kvHeads
        let window = c.slidingWindow!, period = c.slidingWindowPattern ?? 6
        let emb = w("token_embd.weight")
        var keys = [[[Double]]](repeating: [], count: c.layers), values = keys   // [layer][pos][Hkv*hd]
        var out: [Double] = []
        for (pos, tok) in tokens.enumerated() {
            var x = (0..<d).map { emb[tok * d + $0] * Double(d).squareRoot() }
            for l in 0..<c.layers {
                let b = "blk.\(l)."
                let global = l % period == period - 1
                let base = global ? 1_000_000.0 : 10_000.0
                let h = rms(x, w(b + "attn_norm.weight"))
                let q = mul(w(b + "attn_q.weight"), h, rows: H * hd)
                let k = mul(w(b + "attn_k.weight"), h, rows: c.kvHeads * hd)
                let v = mul(w(b + "attn_v.weight"), h, rows: c.kvHeads * hd)
                let gq = w(b + "attn_q_norm.weight"), gk = w(b + "attn_k_norm.weight")
                func head(_ a: [Double], _ i: Int) -> [Double] { Array(a[(i * hd)..<((i + 1) * hd)]) }
                keys[l].append((0..<c.kvHeads).flatMap { rope(rms(head(k, $0), gk), pos: pos, base: base) })
                values[l].append(v)
                var attn: [Double] = []
                for i in 0..<H {
                    let qh = rope(rms(head(q, i), gq), pos: pos, base: base)
                    let kv = i / group
                    // Causal; a local layer also masks keys W or more positions back.
                    let visible = (0...pos).filter { global || pos - $0 < window }
                    var s = visible.map { j in
                        zip(qh, head(keys[l][j], kv)).map(*).reduce(0, +) / Double(hd).squareRoot()
                    }
                    let m = s.max()!
                    s = s.map { exp($0 - m) }
                    let z = s.reduce(0, +)
                    var o = [Double](repeating: 0, count: hd)
                    for (n, j) in visible.enumerated() {
                        let vh = head(values[l][j], kv)
                        for e in 0..<hd { o[e] += s[n] / z * vh[e] }
                    }
                    attn += o
                }
                let a = rms(mul(w(b + "attn_output.weight"), attn, rows: d), w(b + "post_attention_norm.weight"))
                x = zip(x, a).map(+)
                let h2 = rms(x, w(b + "ffn_norm.weight"))
                let g = mul(w(b + "ffn_gate.weight"), h2, rows: c.dFF)
                let u = mul(w(b + "ffn_up.weight"), h2, rows: c.dFF)
                let m = rms(mul(w(b + "ffn_down.weight"), zip(g, u).map { gelu($0) * $1 }, rows: d),
                            w(b + "post_ffw_norm.weight"))
                x = zip(x, m).map(+)
            }
            out += mul(emb, rms(x, w("output_norm.weight")), rows: c.vocab)
        }
        return out
    }
}
