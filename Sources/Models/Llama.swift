// The Llama family: Llama 2/3, SmolLM2, Mistral, Qwen 2/2.5 (Q/K/V biases), Qwen 3 (per-head
// RMSNorm on queries and keys) — configuration, tensor names, weights and forward pass.
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim,
// V = vocab.
//
// Per block:  h = RMSNorm(x) · g_attn
//             q, k, v = h·Wqᵀ (+bq), h·Wkᵀ (+bk), h·Wvᵀ (+bv)      [T, H*hd], [T, Hkv*hd] ×2
//             (Qwen 3: RMSNorm each head of q and k)
//             rotary on q and k; k, v appended to the cache
//             a = softmax(q·kᵀ / sqrt(hd), causal) · v                 [T, H*hd]
//             x = x + a·Woᵀ
//             h = RMSNorm(x) · g_ffn
//             x = x + (silu(h·Wgateᵀ) ⊙ h·Wupᵀ)·Wdownᵀ
// Then logits = RMSNorm(x) · g_final · Woutᵀ.
//
// Files. GGUF: `general.architecture` llama, mistral, qwen2 or qwen3; keys {arch}.* (the common
// ones, epsilon `attention.layer_norm_rms_epsilon`); tensors token_embd, output_norm, output
// (absent: tied to token_embd), rope_freqs (Llama 3.1), blk.N.{attn_norm, attn_q, attn_k, attn_v
// (+ .bias in Qwen 2), attn_q_norm, attn_k_norm (Qwen 3), attn_output, ffn_norm, ffn_gate,
// ffn_up, ffn_down}. Hugging Face: `model_type` of the same names; model.embed_tokens,
// model.norm, lm_head, model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
// self_attn.{q,k}_norm, post_attention_layernorm, mlp.{gate,up,down}_proj}.
//
// Rotary pairs: llama.cpp's converter reorders each head of a Llama (and Mistral) q/k projection
// so that rotary pairs are adjacent (2i, 2i+1) and the file rotates them "interleaved"; Qwen
// files keep Hugging Face's halves (i, i + hd/2), "NEOX". A Hugging Face Llama folder is reordered
// the same way when it loads, so both formats run the same pass and give the same bits.

import Formats
import Kernels
import Taps

enum LlamaFamily: ArchitectureFamily {
    static let architectures: [Architecture] = [.llama, .qwen2, .qwen3]
    static let ggufNames: [String: Architecture] = ["llama": .llama, "mistral": .llama, "qwen2": .qwen2, "qwen3": .qwen3]
    static let huggingFaceNames: [String: Architecture] = ["llama": .llama, "mistral": .llama, "qwen2": .qwen2, "qwen3": .qwen3]

    static func ropeStyle(_ a: Architecture) -> RopeStyle { a == .llama ? .interleaved : .neox }

    static func configuration(gguf m: GGUFMetadata, architecture a: Architecture) throws -> ModelConfig {
        try ModelConfig(architecture: a, ropeStyle: ropeStyle(a), gguf: m, epsKey: "attention.layer_norm_rms_epsilon")
    }

    static func configuration(huggingFace h: HFConfig, architecture a: Architecture) throws -> ModelConfig {
        ModelConfig(architecture: a, ropeStyle: ropeStyle(a), huggingFace: h)
    }

    static func huggingFaceTensor(_ n: GGUFTensorName, config c: ModelConfig) -> HFTensor? {
        guard let l = n.layer else {
            switch n.kind {
            case "token_embd": return HFTensor("model.embed_tokens.\(n.suffix)")
            case "output_norm": return HFTensor("model.norm.\(n.suffix)")
            case "output": return HFTensor("lm_head.\(n.suffix)")
            default: return nil
            }
        }
        let p = "model.layers.\(l)."
        let reorder = c.ropeStyle == .interleaved
        switch n.kind {
        case "attn_norm": return HFTensor(p + "input_layernorm.\(n.suffix)")
        case "attn_q": return HFTensor(p + "self_attn.q_proj.\(n.suffix)", layout: reorder ? .interleavedHeads(c.heads) : .same)
        case "attn_k": return HFTensor(p + "self_attn.k_proj.\(n.suffix)", layout: reorder ? .interleavedHeads(c.kvHeads) : .same)
        case "attn_v": return HFTensor(p + "self_attn.v_proj.\(n.suffix)")
        case "attn_q_norm": return HFTensor(p + "self_attn.q_norm.\(n.suffix)")
        case "attn_k_norm": return HFTensor(p + "self_attn.k_norm.\(n.suffix)")
        case "attn_output": return HFTensor(p + "self_attn.o_proj.\(n.suffix)")
        case "ffn_norm": return HFTensor(p + "post_attention_layernorm.\(n.suffix)")
        case "ffn_gate": return HFTensor(p + "mlp.gate_proj.\(n.suffix)")
        case "ffn_up": return HFTensor(p + "mlp.up_proj.\(n.suffix)")
        case "ffn_down": return HFTensor(p + "mlp.down_proj.\(n.suffix)")
        default: return nil
        }
    }

    /// Llama 3.1's `rope_scaling` becomes the `rope_freqs` tensor its GGUF files carry.
    static func huggingFaceDerived(_ h: HFConfig, config c: ModelConfig) throws -> [String: [Float]] {
        guard let scaling = h.ropeScaling, scaling.ropeType == "llama3" else { return [:] }
        return ["rope_freqs.weight": try llama3FrequencyFactors(scaling, config: c)]
    }

    static func weights(_ src: TensorSource, config c: ModelConfig) throws -> any FamilyWeights {
        let d = c.dModel, qw = c.heads * c.headDim, kvw = c.kvHeads * c.headDim
        var layers: [LlamaLayer] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            layers.append(LlamaLayer(
                attnNorm: try src.vector(p + "attn_norm.weight", count: d),
                qkv: try QKVProjections(src, p, config: c),
                bq: try src.optionalVector(p + "attn_q.bias", count: qw),
                bk: try src.optionalVector(p + "attn_k.bias", count: kvw),
                bv: try src.optionalVector(p + "attn_v.bias", count: kvw),
                qNorm: try src.optionalVector(p + "attn_q_norm.weight", count: c.headDim),
                kNorm: try src.optionalVector(p + "attn_k_norm.weight", count: c.headDim),
                wo: try src.matrix(p + "attn_output.weight", cols: qw, rows: d),
                ffnNorm: try src.vector(p + "ffn_norm.weight", count: d),
                mlp: try GatedMLPWeights(src, p, config: c)))
        }
        let embedding = try src.matrix("token_embd.weight", cols: d, rows: c.vocab)
        return LlamaWeights(
            tokenEmbedding: embedding, layers: layers,
            finalNorm: try src.vector("output_norm.weight", count: d),
            output: try src.optionalMatrix("output.weight", cols: d, rows: c.vocab) ?? embedding,
            ropeFreqFactors: try src.optionalVector("rope_freqs.weight", count: c.ropeDims / 2))
    }

    static func weights(neutral W: TransformerWeights, config c: ModelConfig) throws -> any FamilyWeights {
        LlamaWeights(
            tokenEmbedding: W.tokenEmbedding,
            layers: try W.layers.enumerated().map { l, L in
                let p = "blk.\(l)."
                return LlamaLayer(attnNorm: L.attnNorm, qkv: try QKVProjections(neutral: L, p), bq: L.bq, bk: L.bk, bv: L.bv,
                                  qNorm: L.qNorm, kNorm: L.kNorm, wo: L.wo, ffnNorm: L.ffnNorm,
                                  mlp: try GatedMLPWeights(neutral: L, p))
            },
            finalNorm: W.finalNorm, output: W.output, ropeFreqFactors: W.ropeFreqFactors)
    }
}

/// One Llama-family block. Matrices in ggml order ([cols, rows]); see TransformerWeights.swift.
struct LlamaLayer: Sendable {
    var attnNorm: [Float]     // [d]
    var qkv: QKVProjections   // [d, H*hd], [d, Hkv*hd] ×2
    var bq: [Float]?          // [H*hd] (Qwen 2)
    var bk: [Float]?          // [Hkv*hd] (Qwen 2)
    var bv: [Float]?          // [Hkv*hd] (Qwen 2)
    var qNorm: [Float]?       // [hd] (Qwen 3)
    var kNorm: [Float]?       // [hd] (Qwen 3)
    var wo: TensorView        // [H*hd, d]
    var ffnNorm: [Float]      // [d]
    var mlp: GatedMLPWeights  // [d, f] ×2, [f, d]
}

struct LlamaWeights: FamilyWeights {
    var tokenEmbedding: TensorView   // [d, V]
    var layers: [LlamaLayer]
    var finalNorm: [Float]           // [d]
    var output: TensorView           // [d, V] (the embedding itself when tied)
    /// [ropeDims/2] divisors of the rotary frequencies (Llama 3.1 long-context scaling), or nil.
    var ropeFreqFactors: [Float]?

    var neutral: TransformerWeights {
        TransformerWeights(
            tokenEmbedding: tokenEmbedding, positionEmbedding: nil,
            layers: layers.map { L in
                LayerWeights(attnNorm: L.attnNorm, attnNormBias: nil, wq: L.qkv.wq, wk: L.qkv.wk, wv: L.qkv.wv, wqkv: nil,
                             bq: L.bq, bk: L.bk, bv: L.bv, bqkv: nil, qNorm: L.qNorm, kNorm: L.kNorm, wo: L.wo, bo: nil,
                             ffnNorm: L.ffnNorm, ffnNormBias: nil, wGate: L.mlp.wGate, wUp: L.mlp.wUp, bUp: nil,
                             wDown: L.mlp.wDown, bDown: nil)
            },
            finalNorm: finalNorm, finalNormBias: nil, output: output, ropeFreqFactors: ropeFreqFactors)
    }

    func forward(_ session: InferenceSession, _ tokens: UnsafeBufferPointer<Int>, logits: LogitsSelection,
                 sink: TapSink?) -> Int {
        session.llamaForward(self, tokens, logits: logits, sink: sink)
    }
}

extension InferenceSession {
    func llamaForward(_ W: LlamaWeights, _ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection,
                      sink: TapSink?) -> Int {
        let c = model.config
        let T = tokens.count, start = cache.length
        let d = c.dModel, hd = c.headDim
        let x = self.x.pointer, h = self.h.pointer
        let half = c.ropeDims / 2
        let ropeCos = self.ropeCos.pointer, ropeSin = self.ropeSin.pointer   // [T, ropeDims/2]
        W.ropeFreqFactors.withOptionalPointer { factors in
            for t in 0..<T {
                ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: c.ropeBase, freqFactors: factors,
                           cos: ropeCos + t * half, sin: ropeSin + t * half)
            }
        }
        let scale = 1 / Float(hd).squareRoot()

        embed(tokens)                                                        // x [T, d]
        emit(sink, .embed, x, width: d, tokens: T, start: start)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            llamaBlock(W.layers[l], l, rows: T, emit: { point, buffer, width in
                emit(sink, point, buffer, width: width, tokens: T, start: start)
            }, attend: { l in
                storeKV(layer: l, tokens: T, start: start)
                attention(layer: l, tokens: T, start: start, scale: scale)        // attn [T, H*hd]
            })
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T { rmsNorm(x + t * d, weight: W.finalNorm, eps: c.normEps, into: h + t * d, n: d) }
        emit(sink, .finalNormalized, h, width: d, tokens: T, start: start)
        return unembed(tokens: T, selection: selection)
    }

    /// One Llama block `L` (layer `l`) over the T rows of this session's scratch x [T, d]: the
    /// rows may be T tokens of one sequence (a forward pass) or one token of each of T sequences
    /// (a batched decode step); `ropeCos`/`ropeSin` hold each row's own angles. Everything here
    /// is per row or a matrix product whose output row depends only on its input row; what is
    /// not — attention, which reads a cache — is `attend(l)`: q, k, v [T, …] → attn [T, H*hd],
    /// storing the new keys and values. `emit(point, buffer, width)` hands rows [T, width] to
    /// the taps (editor first, then sink), in place.
    @inline(__always)
    func llamaBlock(_ L: LlamaLayer, _ l: Int, rows T: Int, emit: (TapPoint, UnsafeMutablePointer<Float>, Int) -> Void,
                    attend: (Int) -> Void) {
        let d = model.config.dModel
        let x = self.x.pointer, proj = self.proj.pointer
        emit(.residPre(l), x, d)

        // Attention
        attentionInputs(norm: L.attnNorm, L.qkv, bq: L.bq, bk: L.bk, bv: L.bv,
                        qNorm: L.qNorm, kNorm: L.kNorm, rows: T, ropeCos: ropeCos.pointer, ropeSin: ropeSin.pointer)
        attend(l)                                                            // attn [T, H*hd]
        attnInput.set(attn.pointer, tokens: T)
        matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)      // [T, d]
        emit(.attnOut(l), proj, d)
        add(proj, into: x, count: T * d)
        emit(.residMid(l), x, d)

        // MLP
        gatedMLP(l, norm: L.ffnNorm, L.mlp, activation: .silu, rows: T, emit: emit)
        emit(.mlpOut(l), proj, d)                                            // [T, d]
        add(proj, into: x, count: T * d)
        emit(.residPost(l), x, d)
    }
}

/// Llama 3.1's frequency divisors from `rope_scaling` {factor, low_freq_factor, high_freq_factor,
/// original_max_position_embeddings}: wavelengths shorter than original/high keep their frequency,
/// longer than original/low are divided by `factor`, and those between are blended linearly.
func llama3FrequencyFactors(_ s: HFConfig.RopeScaling, config c: ModelConfig) throws -> [Float] {
    guard let factor = s.factor, let low = s.lowFreqFactor, let high = s.highFreqFactor,
          let original = s.originalMaxPositionEmbeddings, factor > 0, high > low, original > 0 else {
        throw ModelError.invalidMetadata("rope_scaling", "llama3 scaling needs factor, low_freq_factor, high_freq_factor and original_max_position_embeddings")
    }
    let lowWavelength = Double(original) / low, highWavelength = Double(original) / high
    return (0..<(c.ropeDims / 2)).map { i in
        let freq = 1.0 / dpow(c.ropeBase, Double(2 * i) / Double(c.ropeDims))
        let wavelength = 2 * Double.pi / freq
        if wavelength < highWavelength { return 1 }
        if wavelength > lowWavelength { return Float(factor) }
        let smooth = (Double(original) / wavelength - low) / (high - low)
        let scaled = (1 - smooth) * freq / factor + smooth * freq
        return Float(freq / scaled)
    }
}
