// GPT-2: configuration, tensor names, weights and forward pass.
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, hd = headDim, V = vocab,
// C = context length.
//
// x = E[token] + P[position]
// Per block:  h = LayerNorm(x)
//             q, k, v = split(h·Wqkvᵀ + bqkv)                     [T, H*hd] each
//             a = softmax(q·kᵀ / sqrt(hd), causal) · v
//             x = x + a·Woᵀ + bo
//             h = LayerNorm(x)
//             x = x + gelu(h·Wupᵀ + bup)·Wdownᵀ + bdown
// Then logits = LayerNorm(x) · Woutᵀ (Wout is E: GPT-2 ties them).
//
// Files. GGUF (`gpt2`): keys gpt2.* (epsilon `attention.layer_norm_epsilon`); tensors
// token_embd, position_embd, output_norm (+ .bias), output (absent: tied), blk.N.{attn_norm,
// attn_qkv, attn_output, ffn_norm, ffn_up, ffn_down} (each .weight and .bias). Hugging Face
// (`gpt2`): config n_embd, n_layer, n_head, n_positions, n_inner (null: 4·d), layer_norm_epsilon;
// tensors wte, wpe, ln_f, h.N.{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}, with
// or without a `transformer.` prefix. Its projections are Conv1D modules whose weights are stored
// [in, out], the transpose of a Linear's [out, in]: they are transposed once when they load (as
// llama.cpp's converter does), and the fused c_attn [d, 3d] holds q, k, v in that order.

import Formats
import Kernels
import Taps

enum GPT2Family: ArchitectureFamily {
    static let architectures: [Architecture] = [.gpt2]
    static let ggufNames: [String: Architecture] = ["gpt2": .gpt2]
    static let huggingFaceNames: [String: Architecture] = ["gpt2": .gpt2]

    static func configuration(gguf m: GGUFMetadata, architecture a: Architecture) throws -> ModelConfig {
        try checked(ModelConfig(architecture: a, ropeStyle: .neox, gguf: m, epsKey: "attention.layer_norm_epsilon"),
                    key: m.arch("attention.head_count_kv"))
    }

    static func configuration(huggingFace h: HFConfig, architecture a: Architecture) throws -> ModelConfig {
        try checked(ModelConfig(architecture: a, ropeStyle: .neox, huggingFace: h), key: "num_key_value_heads")
    }

    /// GPT-2 has one key and value head per query head: its fused projection is [d, 3·d].
    static func checked(_ c: ModelConfig, key: String) throws -> ModelConfig {
        guard c.kvHeads == c.heads else {
            throw ModelError.invalidMetadata(key, "GPT-2 has as many key/value heads as heads (\(c.heads)), not \(c.kvHeads)")
        }
        return c
    }

    static func huggingFaceTensor(_ n: GGUFTensorName, config c: ModelConfig) -> HFTensor? {
        func named(_ name: String, _ layout: HFTensor.Layout = .same) -> HFTensor {
            HFTensor(name, "transformer." + name, layout: layout)
        }
        guard let l = n.layer else {
            switch n.kind {
            case "token_embd": return named("wte.\(n.suffix)")
            case "position_embd": return named("wpe.\(n.suffix)")
            case "output_norm": return named("ln_f.\(n.suffix)")
            case "output": return HFTensor("lm_head.\(n.suffix)")
            default: return nil
            }
        }
        let p = "h.\(l)."
        let layout: HFTensor.Layout = n.suffix == "weight" ? .transposed : .same   // Conv1D [in, out]
        switch n.kind {
        case "attn_norm": return named(p + "ln_1.\(n.suffix)")
        case "attn_qkv": return named(p + "attn.c_attn.\(n.suffix)", layout)
        case "attn_output": return named(p + "attn.c_proj.\(n.suffix)", layout)
        case "ffn_norm": return named(p + "ln_2.\(n.suffix)")
        case "ffn_up": return named(p + "mlp.c_fc.\(n.suffix)", layout)
        case "ffn_down": return named(p + "mlp.c_proj.\(n.suffix)", layout)
        default: return nil
        }
    }

    static func weights(_ src: TensorSource, config c: ModelConfig) throws -> any FamilyWeights {
        let d = c.dModel, f = c.dFF, w = c.heads * c.headDim
        var layers: [GPT2Layer] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            layers.append(GPT2Layer(
                attnNorm: try src.vector(p + "attn_norm.weight", count: d),
                attnNormBias: try src.vector(p + "attn_norm.bias", count: d),
                wqkv: try src.matrix(p + "attn_qkv.weight", cols: d, rows: 3 * w),
                bqkv: try src.vector(p + "attn_qkv.bias", count: 3 * w),
                wo: try src.matrix(p + "attn_output.weight", cols: w, rows: d),
                bo: try src.vector(p + "attn_output.bias", count: d),
                ffnNorm: try src.vector(p + "ffn_norm.weight", count: d),
                ffnNormBias: try src.vector(p + "ffn_norm.bias", count: d),
                wUp: try src.matrix(p + "ffn_up.weight", cols: d, rows: f),
                bUp: try src.vector(p + "ffn_up.bias", count: f),
                wDown: try src.matrix(p + "ffn_down.weight", cols: f, rows: d),
                bDown: try src.vector(p + "ffn_down.bias", count: d)))
        }
        let embedding = try src.matrix("token_embd.weight", cols: d, rows: c.vocab)
        return GPT2Weights(
            tokenEmbedding: embedding,
            positionEmbedding: try src.matrix("position_embd.weight", cols: d, rows: c.contextLength),
            layers: layers,
            finalNorm: try src.vector("output_norm.weight", count: d),
            finalNormBias: try src.vector("output_norm.bias", count: d),
            output: try src.optionalMatrix("output.weight", cols: d, rows: c.vocab) ?? embedding)
    }

    static func weights(neutral W: TransformerWeights, config c: ModelConfig) throws -> any FamilyWeights {
        GPT2Weights(
            tokenEmbedding: W.tokenEmbedding,
            positionEmbedding: try required(W.positionEmbedding, "position_embd.weight"),
            layers: try W.layers.enumerated().map { l, L in
                let p = "blk.\(l)."
                return GPT2Layer(
                    attnNorm: L.attnNorm, attnNormBias: try required(L.attnNormBias, p + "attn_norm.bias"),
                    wqkv: try required(L.wqkv, p + "attn_qkv.weight"), bqkv: try required(L.bqkv, p + "attn_qkv.bias"),
                    wo: L.wo, bo: try required(L.bo, p + "attn_output.bias"),
                    ffnNorm: L.ffnNorm, ffnNormBias: try required(L.ffnNormBias, p + "ffn_norm.bias"),
                    wUp: L.wUp, bUp: try required(L.bUp, p + "ffn_up.bias"),
                    wDown: L.wDown, bDown: try required(L.bDown, p + "ffn_down.bias"))
            },
            finalNorm: W.finalNorm, finalNormBias: try required(W.finalNormBias, "output_norm.bias"), output: W.output)
    }
}

/// One GPT-2 block: LayerNorms with biases, the fused QKV projection, a GELU MLP, biases
/// everywhere. Matrices in ggml order ([cols, rows]).
struct GPT2Layer: Sendable {
    var attnNorm: [Float]       // [d]
    var attnNormBias: [Float]   // [d]
    var wqkv: TensorView        // [d, 3*H*hd]
    var bqkv: [Float]           // [3*H*hd]
    var wo: TensorView          // [H*hd, d]
    var bo: [Float]             // [d]
    var ffnNorm: [Float]        // [d]
    var ffnNormBias: [Float]    // [d]
    var wUp: TensorView         // [d, f]
    var bUp: [Float]            // [f]
    var wDown: TensorView       // [f, d]
    var bDown: [Float]          // [d]
}

struct GPT2Weights: FamilyWeights {
    var tokenEmbedding: TensorView      // [d, V]
    var positionEmbedding: TensorView   // [d, C]
    var layers: [GPT2Layer]
    var finalNorm: [Float]              // [d]
    var finalNormBias: [Float]          // [d]
    var output: TensorView              // [d, V] (the embedding itself when tied)

    var neutral: TransformerWeights {
        TransformerWeights(
            tokenEmbedding: tokenEmbedding, positionEmbedding: positionEmbedding,
            layers: layers.map { L in
                LayerWeights(attnNorm: L.attnNorm, attnNormBias: L.attnNormBias, wq: nil, wk: nil, wv: nil, wqkv: L.wqkv,
                             bq: nil, bk: nil, bv: nil, bqkv: L.bqkv, qNorm: nil, kNorm: nil, wo: L.wo, bo: L.bo,
                             ffnNorm: L.ffnNorm, ffnNormBias: L.ffnNormBias, wGate: nil, wUp: L.wUp, bUp: L.bUp,
                             wDown: L.wDown, bDown: L.bDown)
            },
            finalNorm: finalNorm, finalNormBias: finalNormBias, output: output, ropeFreqFactors: nil)
    }

    func forward(_ session: InferenceSession, _ tokens: UnsafeBufferPointer<Int>, logits: LogitsSelection,
                 sink: TapSink?) -> Int {
        session.gpt2Forward(self, tokens, logits: logits, sink: sink)
    }
}

extension InferenceSession {
    func gpt2Forward(_ W: GPT2Weights, _ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection,
                     sink: TapSink?) -> Int {
        let c = model.config
        let T = tokens.count, start = cache.length
        let d = c.dModel, f = c.dFF, hd = c.headDim
        let width = c.heads * hd
        let x = self.x.pointer, h = self.h.pointer, q = self.q.pointer, k = self.k.pointer
        let v = self.v.pointer, qkv = self.qkv.pointer, attn = self.attn.pointer
        let proj = self.proj.pointer, up = self.up.pointer
        let scale = 1 / Float(hd).squareRoot()

        embed(tokens)                                                        // x [T, d]
        let P = W.positionEmbedding
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { row in
            for t in 0..<T {
                dequantizeRow(P.type, from: P.row(start + t), into: row.baseAddress!, count: d)
                add(row.baseAddress!, into: x + t * d, count: d)
            }
        }
        emit(sink, .embed, x, width: d, tokens: T, start: start)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            let L = W.layers[l]
            emit(sink, .residPre(l), x, width: d, tokens: T, start: start)

            for t in 0..<T {
                layerNorm(x + t * d, weight: L.attnNorm, bias: L.attnNormBias, eps: c.normEps, into: h + t * d, n: d)
            }
            normedInput.set(h, tokens: T)
            matmul(L.wqkv, normedInput.rows(for: L.wqkv), into: qkv, pool: pool)  // [T, 3*H*hd]
            addBias(qkv, L.bqkv, tokens: T)
            for t in 0..<T {
                let row = qkv + t * 3 * width
                (q + t * width).update(from: row, count: width)
                (k + t * width).update(from: row + width, count: width)
                (v + t * width).update(from: row + 2 * width, count: width)
            }
            storeKV(layer: l, tokens: T, start: start)
            attention(layer: l, tokens: T, start: start, scale: scale)
            attnInput.set(attn, tokens: T)
            matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)
            addBias(proj, L.bo, tokens: T)
            emit(sink, .attnOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residMid(l), x, width: d, tokens: T, start: start)

            for t in 0..<T {
                layerNorm(x + t * d, weight: L.ffnNorm, bias: L.ffnNormBias, eps: c.normEps, into: h + t * d, n: d)
            }
            normedInput.set(h, tokens: T)
            matmul(L.wUp, normedInput.rows(for: L.wUp), into: up, pool: pool)  // [T, f]
            addBias(up, L.bUp, tokens: T)
            emit(sink, .mlpPre(l), up, width: f, tokens: T, start: start)
            for i in 0..<(T * f) { up[i] = fgeluTanh(up[i]) }
            emit(sink, .mlpPost(l), up, width: f, tokens: T, start: start)
            mlpInput.set(up, tokens: T)
            matmul(L.wDown, mlpInput.rows(for: L.wDown), into: proj, pool: pool)
            addBias(proj, L.bDown, tokens: T)
            emit(sink, .mlpOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residPost(l), x, width: d, tokens: T, start: start)
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T {
            layerNorm(x + t * d, weight: W.finalNorm, bias: W.finalNormBias, eps: c.normEps, into: h + t * d, n: d)
        }
        emit(sink, .finalNormalized, h, width: d, tokens: T, start: start)
        return unembed(tokens: T, selection: selection)
    }
}
