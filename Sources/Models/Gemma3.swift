// Gemma 3 (text): configuration, tensor names, weights and forward pass.
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim,
// W = sliding window, V = vocab.
//
// x = E[token] · sqrt(d)                                               [T, d]
// Per block l:
//             h = RMSNorm(x) · g_attn
//             q, k, v = h·Wqᵀ, h·Wkᵀ, h·Wvᵀ                           [T, H*hd], [T, Hkv*hd] ×2
//             RMSNorm each head of q and k (· g_q, · g_k)
//             rotary (NEOX pairs) on q and k: base 10,000 on local layers, the file's base
//             (1,000,000) on global ones; k, v appended to the cache
//             a = softmax(q·kᵀ · s + mask) · v                         [T, H*hd]
//                 s = 1/sqrt(query_pre_attn_scalar) (= 1/sqrt(hd) for 270M–12B);
//                 mask: causal; on local layers also keys older than W positions
//             x = x + RMSNorm(a·Woᵀ) · g_post_attn
//             h = RMSNorm(x) · g_ffn
//             x = x + RMSNorm((gelu_tanh(h·Wgateᵀ) ⊙ h·Wupᵀ)·Wdownᵀ) · g_post_ffn
// Layer l is global when l % n == n - 1 (n = 6), local otherwise.
// Then logits = RMSNorm(x) · g_final · Eᵀ (the output matrix is tied to the embedding), and,
// when the configuration asks for it, cap · tanh(logits / cap) (Gemma 3 checkpoints set no cap).
//
// Gemma's RMSNorm scales by (1 + w). GGUF files store 1 + w already (llama.cpp's converter adds
// 1 to every norm weight), so every g above is the GGUF weight; a Hugging Face checkpoint stores
// w, and 1 is added in f32 when it loads. The sliding-window layers keep every position in the
// KV cache and mask the old ones instead of using a ring buffer (18 KiB per position at 270M).
//
// Files. GGUF (`gemma3`): the common keys (epsilon `attention.layer_norm_rms_epsilon`) and
// gemma3.attention.sliding_window (required), gemma3.attention.sliding_window_pattern (default
// 6), gemma3.rope.freq_base (global layers), gemma3.rope.freq_base_swa (local layers, default
// 10,000), gemma3.final_logit_softcapping (optional); tensors token_embd, output_norm,
// blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_q_norm, attn_k_norm, attn_output,
// post_attention_norm, ffn_norm, ffn_gate, ffn_up, ffn_down, post_ffw_norm}. Hugging Face
// (`gemma3_text`): hidden_size, head_dim, sliding_window (required), layer_types or
// sliding_window_pattern, rope_theta, rope_local_base_freq, query_pre_attn_scalar,
// final_logit_softcapping; tensors model.embed_tokens, model.norm, model.layers.N.{
// input_layernorm, self_attn.{q,k,v,o}_proj, self_attn.{q,k}_norm, post_attention_layernorm,
// pre_feedforward_layernorm, mlp.{gate,up,down}_proj, post_feedforward_layernorm}.

import Formats
import Kernels
import Taps

enum Gemma3Family: ArchitectureFamily {
    static let architectures: [Architecture] = [.gemma3]
    static let ggufNames: [String: Architecture] = ["gemma3": .gemma3]
    static let huggingFaceNames: [String: Architecture] = ["gemma3_text": .gemma3]

    static func configuration(gguf m: GGUFMetadata, architecture a: Architecture) throws -> ModelConfig {
        var c = try ModelConfig(architecture: a, ropeStyle: .neox, gguf: m, epsKey: "attention.layer_norm_rms_epsilon")
        c.slidingWindow = try m.int(m.arch("attention.sliding_window"))
        c.slidingWindowPattern = try m.optionalInt(m.arch("attention.sliding_window_pattern")) ?? 6
        c.localRopeBase = try m.optionalDouble(m.arch("rope.freq_base_swa")) ?? 10_000
        c.embeddingScale = Float(c.dModel).squareRoot()
        c.finalLogitSoftcap = try m.optionalDouble(m.arch("final_logit_softcapping")).map { Float($0) }
        if let kind = m.value(m.arch("rope.scaling.type"))?.stringValue, kind != "none",
           let factor = try m.optionalDouble(m.arch("rope.scaling.factor")), factor != 1 {
            throw ModelError.invalidMetadata(m.arch("rope.scaling.type"),
                                             "\(kind) RoPE scaling (factor \(factor)) is not supported for Gemma 3 yet")
        }
        return c
    }

    static func configuration(huggingFace h: HFConfig, architecture a: Architecture) throws -> ModelConfig {
        var c = ModelConfig(architecture: a, ropeStyle: .neox, huggingFace: h)
        guard let window = h.slidingWindow else { throw ModelError.missingMetadata("sliding_window") }
        c.slidingWindow = window
        c.slidingWindowPattern = try pattern(h)
        c.localRopeBase = h.ropeLocalBaseFreq ?? 10_000
        c.embeddingScale = Float(c.dModel).squareRoot()
        if let s = h.queryPreAttnScalar, s != Double(c.headDim) {
            guard s.isFinite, s > 0 else { throw ModelError.invalidMetadata("query_pre_attn_scalar", "\(s) must be positive") }
            c.attentionScale = 1 / Float(s).squareRoot()
        }
        c.finalLogitSoftcap = h.finalLogitSoftcapping.map { Float($0) }
        if let cap = h.attnLogitSoftcapping {
            throw ModelError.invalidMetadata("attn_logit_softcapping", "\(cap): attention soft-capping is not supported")
        }
        if let s = h.ropeScaling, let factor = s.factor, factor != 1 {
            throw ModelError.invalidMetadata("rope_scaling",
                                             "\(s.ropeType ?? "?") RoPE scaling (factor \(factor)) is not supported for Gemma 3 yet")
        }
        return c
    }

    /// n from `layer_types` (n - 1 sliding layers, then one full one, repeated) or
    /// `sliding_window_pattern` (default 6).
    static func pattern(_ h: HFConfig) throws -> Int {
        guard let types = h.layerTypes else { return h.slidingWindowPattern ?? 6 }
        let n = (types.firstIndex(of: "full_attention") ?? types.count) + 1
        for (l, kind) in types.enumerated() {
            let expected = l % n == n - 1 ? "full_attention" : "sliding_attention"
            guard kind == expected else {
                throw ModelError.invalidMetadata("layer_types", "layer \(l) is \(kind); only \(n - 1) sliding layers then one full layer, repeated, are supported")
            }
        }
        return n
    }

    static func huggingFaceTensor(_ n: GGUFTensorName, config c: ModelConfig) -> HFTensor? {
        let norm: HFTensor.Layout = .plusOne
        guard let l = n.layer else {
            switch n.kind {
            case "token_embd": return HFTensor("model.embed_tokens.\(n.suffix)")
            case "output_norm": return HFTensor("model.norm.\(n.suffix)", layout: norm)
            case "output": return HFTensor("lm_head.\(n.suffix)")
            default: return nil
            }
        }
        let p = "model.layers.\(l)."
        switch n.kind {
        case "attn_norm": return HFTensor(p + "input_layernorm.\(n.suffix)", layout: norm)
        case "attn_q": return HFTensor(p + "self_attn.q_proj.\(n.suffix)")
        case "attn_k": return HFTensor(p + "self_attn.k_proj.\(n.suffix)")
        case "attn_v": return HFTensor(p + "self_attn.v_proj.\(n.suffix)")
        case "attn_q_norm": return HFTensor(p + "self_attn.q_norm.\(n.suffix)", layout: norm)
        case "attn_k_norm": return HFTensor(p + "self_attn.k_norm.\(n.suffix)", layout: norm)
        case "attn_output": return HFTensor(p + "self_attn.o_proj.\(n.suffix)")
        case "post_attention_norm": return HFTensor(p + "post_attention_layernorm.\(n.suffix)", layout: norm)
        case "ffn_norm": return HFTensor(p + "pre_feedforward_layernorm.\(n.suffix)", layout: norm)
        case "ffn_gate": return HFTensor(p + "mlp.gate_proj.\(n.suffix)")
        case "ffn_up": return HFTensor(p + "mlp.up_proj.\(n.suffix)")
        case "ffn_down": return HFTensor(p + "mlp.down_proj.\(n.suffix)")
        case "post_ffw_norm": return HFTensor(p + "post_feedforward_layernorm.\(n.suffix)", layout: norm)
        default: return nil
        }
    }

    static func weights(_ src: TensorSource, config c: ModelConfig) throws -> any FamilyWeights {
        let d = c.dModel, hd = c.headDim
        var layers: [Gemma3Layer] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            layers.append(Gemma3Layer(
                attnNorm: try src.vector(p + "attn_norm.weight", count: d),
                qkv: try QKVProjections(src, p, config: c),
                qNorm: try src.vector(p + "attn_q_norm.weight", count: hd),
                kNorm: try src.vector(p + "attn_k_norm.weight", count: hd),
                wo: try src.matrix(p + "attn_output.weight", cols: c.heads * hd, rows: d),
                postAttnNorm: try src.vector(p + "post_attention_norm.weight", count: d),
                ffnNorm: try src.vector(p + "ffn_norm.weight", count: d),
                mlp: try GatedMLPWeights(src, p, config: c),
                postFFNNorm: try src.vector(p + "post_ffw_norm.weight", count: d)))
        }
        let embedding = try src.matrix("token_embd.weight", cols: d, rows: c.vocab)
        return Gemma3Weights(
            tokenEmbedding: embedding, layers: layers,
            finalNorm: try src.vector("output_norm.weight", count: d),
            output: try src.optionalMatrix("output.weight", cols: d, rows: c.vocab) ?? embedding)
    }

    static func weights(neutral W: TransformerWeights, config c: ModelConfig) throws -> any FamilyWeights {
        Gemma3Weights(
            tokenEmbedding: W.tokenEmbedding,
            layers: try W.layers.enumerated().map { l, L in
                let p = "blk.\(l)."
                return Gemma3Layer(
                    attnNorm: L.attnNorm, qkv: try QKVProjections(neutral: L, p),
                    qNorm: try required(L.qNorm, p + "attn_q_norm.weight"), kNorm: try required(L.kNorm, p + "attn_k_norm.weight"),
                    wo: L.wo, postAttnNorm: try required(L.postAttnNorm, p + "post_attention_norm.weight"),
                    ffnNorm: L.ffnNorm, mlp: try GatedMLPWeights(neutral: L, p),
                    postFFNNorm: try required(L.postFFNNorm, p + "post_ffw_norm.weight"))
            },
            finalNorm: W.finalNorm, output: W.output)
    }
}

/// One Gemma 3 block; every norm weight is the GGUF one (1 + w). Matrices in ggml order.
struct Gemma3Layer: Sendable {
    var attnNorm: [Float]       // [d]
    var qkv: QKVProjections     // [d, H*hd], [d, Hkv*hd] ×2
    var qNorm: [Float]          // [hd]
    var kNorm: [Float]          // [hd]
    var wo: TensorView          // [H*hd, d]
    var postAttnNorm: [Float]   // [d] on the attention output before the residual add
    var ffnNorm: [Float]        // [d]
    var mlp: GatedMLPWeights    // [d, f] ×2, [f, d]
    var postFFNNorm: [Float]    // [d] on the MLP output before the residual add
}

struct Gemma3Weights: FamilyWeights {
    var tokenEmbedding: TensorView   // [d, V]
    var layers: [Gemma3Layer]
    var finalNorm: [Float]           // [d]
    var output: TensorView           // [d, V] (the embedding itself when tied)

    var neutral: TransformerWeights {
        TransformerWeights(
            tokenEmbedding: tokenEmbedding, positionEmbedding: nil,
            layers: layers.map { L in
                LayerWeights(attnNorm: L.attnNorm, attnNormBias: nil, wq: L.qkv.wq, wk: L.qkv.wk, wv: L.qkv.wv, wqkv: nil,
                             bq: nil, bk: nil, bv: nil, bqkv: nil, qNorm: L.qNorm, kNorm: L.kNorm, wo: L.wo, bo: nil,
                             postAttnNorm: L.postAttnNorm, ffnNorm: L.ffnNorm, ffnNormBias: nil, wGate: L.mlp.wGate,
                             wUp: L.mlp.wUp, bUp: nil, wDown: L.mlp.wDown, bDown: nil, postFFNNorm: L.postFFNNorm)
            },
            finalNorm: finalNorm, finalNormBias: nil, output: output, ropeFreqFactors: nil)
    }

    func forward(_ session: InferenceSession, _ tokens: UnsafeBufferPointer<Int>, logits: LogitsSelection,
                 sink: TapSink?) -> Int {
        session.gemma3Forward(self, tokens, logits: logits, sink: sink)
    }
}

extension InferenceSession {
    func gemma3Forward(_ W: Gemma3Weights, _ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection,
                       sink: TapSink?) -> Int {
        let c = model.config
        let T = tokens.count, start = cache.length
        let d = c.dModel, hd = c.headDim
        let x = self.x.pointer, h = self.h.pointer, proj = self.proj.pointer
        let half = c.ropeDims / 2
        // [T, ropeDims/2] rotary angles for the global and for the local layers
        let globalCos = self.ropeCos.pointer, globalSin = self.ropeSin.pointer
        let localCos = self.ropeCosLocal.pointer, localSin = self.ropeSinLocal.pointer
        let localBase = c.localRopeBase ?? c.ropeBase
        for t in 0..<T {
            ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: c.ropeBase,
                       cos: globalCos + t * half, sin: globalSin + t * half)
            ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: localBase,
                       cos: localCos + t * half, sin: localSin + t * half)
        }
        let scale = c.attentionScale ?? 1 / Float(hd).squareRoot()
        let embeddingScale = c.embeddingScale ?? 1
        let tap = { (point: TapPoint, buffer: UnsafeMutablePointer<Float>, width: Int) in
            self.emit(sink, point, buffer, width: width, tokens: T, start: start)
        }

        embed(tokens)                                                        // x [T, d]
        for i in 0..<(T * d) { x[i] *= embeddingScale }
        tap(.embed, x, d)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            let L = W.layers[l]
            let local = c.isLocalLayer(l)
            tap(.residPre(l), x, d)

            // Attention
            attentionInputs(norm: L.attnNorm, L.qkv, bq: nil, bk: nil, bv: nil,
                            qNorm: L.qNorm, kNorm: L.kNorm, rows: T,
                            ropeCos: local ? localCos : globalCos, ropeSin: local ? localSin : globalSin)
            storeKV(layer: l, tokens: T, start: start)
            attention(layer: l, tokens: T, start: start, scale: scale,          // attn [T, H*hd]
                      window: c.attentionWindow(layer: l))
            attnInput.set(attn.pointer, tokens: T)
            matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)  // [T, d]
            for t in 0..<T { rmsNorm(proj + t * d, weight: L.postAttnNorm, eps: c.normEps, into: proj + t * d, n: d) }
            tap(.attnOut(l), proj, d)
            add(proj, into: x, count: T * d)
            tap(.residMid(l), x, d)

            // MLP
            gatedMLP(l, norm: L.ffnNorm, L.mlp, activation: .geluTanh, rows: T, emit: tap)   // proj [T, d]
            for t in 0..<T { rmsNorm(proj + t * d, weight: L.postFFNNorm, eps: c.normEps, into: proj + t * d, n: d) }
            tap(.mlpOut(l), proj, d)
            add(proj, into: x, count: T * d)
            tap(.residPost(l), x, d)
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T { rmsNorm(x + t * d, weight: W.finalNorm, eps: c.normEps, into: h + t * d, n: d) }
        tap(.finalNormalized, h, d)
        let rows = unembed(tokens: T, selection: selection)
        if let cap = c.finalLogitSoftcap {
            let logits = logitsBuffer.pointer
            for i in 0..<(rows * c.vocab) { logits[i] = cap * ftanh(logits[i] / cap) }
        }
        return rows
    }
}
