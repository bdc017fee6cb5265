// Building a `Transformer` from a GGUF file's metadata and tensors.
//
// Metadata keys are prefixed by the architecture name: `llama.block_count`,
// `qwen2.attention.head_count`, ... Tensor names follow the GGUF convention:
// token_embd, output_norm, output, blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_output,
// attn_q_norm, attn_k_norm, ffn_norm, ffn_gate, ffn_up, ffn_down} (+ .weight / .bias), for
// GPT-2 position_embd and blk.N.attn_qkv, and for Gemma 3 blk.N.{post_attention_norm, post_ffw_norm}.
//
// Gemma 3 keys besides the common ones: gemma3.attention.sliding_window (required),
// gemma3.attention.sliding_window_pattern (optional, default 6: layer l is global when
// l % 6 == 5), gemma3.rope.freq_base (global layers; the local layers use 10,000 unless
// gemma3.rope.freq_base_swa says otherwise). Gemma's RMSNorm multiplies by (1 + w); the GGUF
// converter stores 1 + w, so the norm weights are used as stored (checked against llama.cpp's
// logits, docs/gemma3.md).

import Formats
import Kernels

extension GGUFFile: TensorSource {
    public func tensorView(_ name: String) throws -> TensorView? { tensor(named: name) }
}

/// Typed metadata look-ups with model errors.
struct GGUFMetadata {
    let file: GGUFFile
    let prefix: String

    func value(_ key: String) -> GGUFValue? { file.metadata[key] }

    func int(_ key: String) throws -> Int {
        guard let v = try optionalInt(key) else { throw ModelError.missingMetadata(key) }
        return v
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        if let i = v.intValue { return i }
        if case .array(_, let items) = v, let first = items.first?.intValue,
           items.allSatisfy({ $0.intValue == first }) {
            return first  // per-layer array with one value for every layer
        }
        throw ModelError.invalidMetadata(key, "expected an integer, found \(v.type)")
    }

    func optionalDouble(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw ModelError.invalidMetadata(key, "expected a number, found \(v.type)") }
        return d
    }

    func arch(_ key: String) -> String { "\(prefix).\(key)" }
}

extension Transformer {
    /// Reads the model described by an open GGUF file. The file stays mapped while the model lives.
    public static func load(gguf file: GGUFFile) throws -> Transformer {
        guard let archName = file.metadata["general.architecture"]?.stringValue else {
            throw ModelError.missingMetadata("general.architecture")
        }
        let architecture: Architecture
        let ropeStyle: RopeStyle
        switch archName {
        case "llama", "mistral": (architecture, ropeStyle) = (.llama, .interleaved)
        case "qwen2": (architecture, ropeStyle) = (.qwen2, .neox)
        case "qwen3": (architecture, ropeStyle) = (.qwen3, .neox)
        case "gpt2": (architecture, ropeStyle) = (.gpt2, .neox)
        case "gemma3": (architecture, ropeStyle) = (.gemma3, .neox)
        default: throw ModelError.unsupportedArchitecture(archName)
        }
        let m = GGUFMetadata(file: file, prefix: archName)
        let d = try m.int(m.arch("embedding_length"))
        let heads = try m.int(m.arch("attention.head_count"))
        let kvHeads = try m.optionalInt(m.arch("attention.head_count_kv")) ?? heads
        guard heads > 0, d > 0 else { throw ModelError.invalidMetadata(m.arch("attention.head_count"), "must be positive") }
        let headDim = try m.optionalInt(m.arch("attention.key_length")) ?? d / heads
        if let valueDim = try m.optionalInt(m.arch("attention.value_length")), valueDim != headDim {
            throw ModelError.invalidMetadata(m.arch("attention.value_length"),
                                             "\(valueDim) differs from the key length \(headDim)")
        }
        guard let embedding = file.tensor(named: "token_embd.weight") else { throw ModelError.missingTensor("token_embd.weight") }
        let vocab = try m.optionalInt(m.arch("vocab_size")) ?? embedding.rows
        let epsKey = architecture == .gpt2 ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon"
        var config = ModelConfig(
            architecture: architecture,
            dModel: d,
            layers: try m.int(m.arch("block_count")),
            heads: heads,
            kvHeads: kvHeads,
            headDim: headDim,
            dFF: try m.int(m.arch("feed_forward_length")),
            vocab: vocab,
            contextLength: try m.optionalInt(m.arch("context_length")) ?? 2048,
            normEps: Float(try m.optionalDouble(m.arch(epsKey)) ?? 1e-5),
            ropeBase: try m.optionalDouble(m.arch("rope.freq_base")) ?? 10_000,
            ropeDims: try m.optionalInt(m.arch("rope.dimension_count")) ?? headDim,
            ropeStyle: ropeStyle)
        if architecture == .gemma3 {
            config.slidingWindow = try m.int(m.arch("attention.sliding_window"))
            config.slidingWindowPattern = try m.optionalInt(m.arch("attention.sliding_window_pattern")) ?? 6
            config.localRopeBase = try m.optionalDouble(m.arch("rope.freq_base_swa")) ?? 10_000
            config.embeddingScale = Float(d).squareRoot()
            if let kind = m.value(m.arch("rope.scaling.type"))?.stringValue, kind != "none",
               let factor = try m.optionalDouble(m.arch("rope.scaling.factor")), factor != 1 {
                throw ModelError.invalidMetadata(m.arch("rope.scaling.type"),
                                                 "\(kind) RoPE scaling (factor \(factor)) is not supported for Gemma 3 yet")
            }
        }
        try config.validate()
        let weights = try TransformerWeights.fromGGUFNames(file, config: config)
        return try Transformer(config: config, weights: weights, owner: file)
    }
}

extension TransformerWeights {
    /// Looks up every tensor by its GGUF name and checks its shape against `config`.
    static func fromGGUFNames(_ src: TensorSource, config c: ModelConfig) throws -> TransformerWeights {
        let d = c.dModel, f = c.dFF, qw = c.heads * c.headDim, kvw = c.kvHeads * c.headDim
        let gpt2 = c.architecture == .gpt2, gemma = c.architecture == .gemma3
        // Gemma 3 requires the norms that are optional elsewhere.
        func norm(_ name: String, count: Int) throws -> [Float]? {
            gemma ? try src.vector(name, count: count) : try src.optionalVector(name, count: count)
        }
        var layers: [LayerWeights] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            let wqkv = gpt2 ? try src.matrix(p + "attn_qkv.weight", cols: d, rows: qw + 2 * kvw) : nil
            layers.append(LayerWeights(
                attnNorm: try src.vector(p + "attn_norm.weight", count: d),
                attnNormBias: try src.optionalVector(p + "attn_norm.bias", count: d),
                wq: gpt2 ? nil : try src.matrix(p + "attn_q.weight", cols: d, rows: qw),
                wk: gpt2 ? nil : try src.matrix(p + "attn_k.weight", cols: d, rows: kvw),
                wv: gpt2 ? nil : try src.matrix(p + "attn_v.weight", cols: d, rows: kvw),
                wqkv: wqkv,
                bq: try src.optionalVector(p + "attn_q.bias", count: qw),
                bk: try src.optionalVector(p + "attn_k.bias", count: kvw),
                bv: try src.optionalVector(p + "attn_v.bias", count: kvw),
                bqkv: try src.optionalVector(p + "attn_qkv.bias", count: qw + 2 * kvw),
                qNorm: try norm(p + "attn_q_norm.weight", count: c.headDim),
                kNorm: try norm(p + "attn_k_norm.weight", count: c.headDim),
                wo: try src.matrix(p + "attn_output.weight", cols: qw, rows: d),
                bo: try src.optionalVector(p + "attn_output.bias", count: d),
                postAttnNorm: gemma ? try src.vector(p + "post_attention_norm.weight", count: d) : nil,
                ffnNorm: try src.vector(p + "ffn_norm.weight", count: d),
                ffnNormBias: try src.optionalVector(p + "ffn_norm.bias", count: d),
                wGate: gpt2 ? nil : try src.matrix(p + "ffn_gate.weight", cols: d, rows: f),
                wUp: try src.matrix(p + "ffn_up.weight", cols: d, rows: f),
                bUp: try src.optionalVector(p + "ffn_up.bias", count: f),
                wDown: try src.matrix(p + "ffn_down.weight", cols: f, rows: d),
                bDown: try src.optionalVector(p + "ffn_down.bias", count: d),
                postFFNNorm: gemma ? try src.vector(p + "post_ffw_norm.weight", count: d) : nil))
        }
        let embedding = try src.matrix("token_embd.weight", cols: d, rows: c.vocab)
        return TransformerWeights(
            tokenEmbedding: embedding,
            positionEmbedding: gpt2 ? try src.optionalMatrix("position_embd.weight", cols: d, rows: c.contextLength) : nil,
            layers: layers,
            finalNorm: try src.vector("output_norm.weight", count: d),
            finalNormBias: try src.optionalVector("output_norm.bias", count: d),
            output: try src.optionalMatrix("output.weight", cols: d, rows: c.vocab) ?? embedding,
            ropeFreqFactors: gpt2 || gemma ? nil : try src.optionalVector("rope_freqs.weight", count: c.ropeDims / 2))
    }
}
