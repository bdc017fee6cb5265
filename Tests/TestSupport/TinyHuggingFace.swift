// The tiny models of TinyModel.swift written as Hugging Face folders: config.json,
// model.safetensors (or shards with an index), tokenizer.json and tokenizer_config.json — the
// same weights as the GGUF file, in the checkpoint's own names and layout, so a test can load
// both and compare. The conversion is written here independently of the loader, from the
// checkpoint conventions:
//   - Linear weights are stored [out, in] (math order), the reverse of the GGUF shape;
//   - GPT-2's Conv1D weights (c_attn, c_proj, c_fc, mlp.c_proj) are stored [in, out];
//   - Llama q/k projections keep each head's rotary pairs as halves (i, i + hd/2), where the
//     GGUF file interleaves them (2i, 2i + 1);
//   - Gemma norm weights are stored as w where the GGUF file holds 1 + w.

import Foundation
import Formats
import Kernels

extension TinyModel {
    /// config.json of the model described by `spec`, as a dictionary a test may edit.
    public static func huggingFaceConfig(_ spec: TinyModelSpec = TinyModelSpec()) -> [String: Any] {
        let vocab = vocabulary.count
        let d = spec.dModel, hd = spec.headDim ?? spec.dModel / spec.heads
        switch spec.architecture {
        case "gpt2":
            return ["model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_embd": d, "n_layer": spec.layers,
                    "n_head": spec.heads, "n_positions": spec.contextLength, "n_inner": spec.dFF,
                    "layer_norm_epsilon": 1e-5, "vocab_size": vocab, "activation_function": "gelu_new",
                    "bos_token_id": vocab - 2, "eos_token_id": vocab - 1]
        case "gemma3":
            let n = spec.slidingWindowPattern ?? 6
            var config: [String: Any] = [
                "model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "hidden_size": d,
                "intermediate_size": spec.dFF, "num_hidden_layers": spec.layers, "num_attention_heads": spec.heads,
                "num_key_value_heads": spec.kvHeads, "head_dim": hd, "rms_norm_eps": 1e-5, "rope_theta": 1_000_000.0,
                "rope_local_base_freq": 10_000.0, "query_pre_attn_scalar": hd, "max_position_embeddings": spec.contextLength,
                "vocab_size": vocab, "hidden_activation": "gelu_pytorch_tanh", "final_logit_softcapping": NSNull(),
                "attn_logit_softcapping": NSNull(), "rope_scaling": NSNull(), "tie_word_embeddings": true,
                "layer_types": (0..<spec.layers).map { $0 % n == n - 1 ? "full_attention" : "sliding_attention" },
                "bos_token_id": vocab - 2, "eos_token_id": vocab - 1]
            if let window = spec.slidingWindow { config["sliding_window"] = window }
            return config
        default:
            var config: [String: Any] = [
                "model_type": spec.architecture, "hidden_size": d, "intermediate_size": spec.dFF,
                "num_hidden_layers": spec.layers, "num_attention_heads": spec.heads, "num_key_value_heads": spec.kvHeads,
                "rms_norm_eps": 1e-5, "rope_theta": 10_000.0, "max_position_embeddings": spec.contextLength,
                "vocab_size": vocab, "tie_word_embeddings": true, "hidden_act": "silu",
                "bos_token_id": vocab - 2, "eos_token_id": vocab - 1]
            if let hd = spec.headDim { config["head_dim"] = hd }
            return config
        }
    }

    /// The checkpoint tensors (name, math-order shape, values) holding the same weights as the
    /// GGUF file of `spec`. Only F32 models convert (safetensors has no quantized types).
    public static func huggingFaceTensors(_ spec: TinyModelSpec = TinyModelSpec()) -> [(name: String, shape: [Int], values: [Float])] {
        let arch = spec.architecture
        let hd = spec.headDim ?? spec.dModel / spec.heads
        var out: [(name: String, shape: [Int], values: [Float])] = []
        for t in tensors(spec) {
            precondition(t.type == .f32, "\(t.name): only F32 tiny models are written as Hugging Face folders")
            let parts = t.name.split(separator: ".").map(String.init)
            let layer = parts.count == 4 ? Int(parts[1]) : nil
            let kind = parts.count == 4 ? parts[2] : parts[0], suffix = parts.last!
            guard let base = huggingFaceName(arch: arch, layer: layer, kind: kind) else { continue }
            var values = t.values
            var shape = Array(t.shape.reversed())                            // [out, in]
            if arch == "gpt2", suffix == "weight", ["attn_qkv", "attn_output", "ffn_up", "ffn_down"].contains(kind) {
                let cols = t.shape[0], rows = t.shape[1]                      // Conv1D: [in, out]
                values = (0..<(cols * rows)).map { i in t.values[(i % rows) * cols + i / rows] }
                shape = [cols, rows]
            }
            if arch == "llama", kind == "attn_q" || kind == "attn_k" {
                let rows = t.shape.count == 1 ? t.shape[0] : t.shape[1], rowLength = t.values.count / rows
                let half = hd / 2
                var halves = values
                for r in 0..<rows {   // GGUF row h·hd + 2i + j holds checkpoint row h·hd + j·hd/2 + i
                    let h = r / hd, i = (r % hd) / 2, j = r % 2
                    let source = h * hd + j * half + i
                    for c in 0..<rowLength { halves[source * rowLength + c] = values[r * rowLength + c] }
                }
                values = halves
            }
            if arch == "gemma3", kind.hasSuffix("norm") { values = values.map { $0 - 1 } }
            out.append((base + "." + suffix, shape, values))
        }
        return out
    }

    static func huggingFaceName(arch: String, layer: Int?, kind: String) -> String? {
        if arch == "gpt2" {
            guard let l = layer else {
                return ["token_embd": "wte", "position_embd": "wpe", "output_norm": "ln_f"][kind]
            }
            let names = ["attn_norm": "ln_1", "attn_qkv": "attn.c_attn", "attn_output": "attn.c_proj", "ffn_norm": "ln_2",
                         "ffn_up": "mlp.c_fc", "ffn_down": "mlp.c_proj"]
            return names[kind].map { "h.\(l).\($0)" }
        }
        guard let l = layer else { return ["token_embd": "model.embed_tokens", "output_norm": "model.norm"][kind] }
        var names = ["attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
                     "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "attn_q_norm": "self_attn.q_norm",
                     "attn_k_norm": "self_attn.k_norm", "ffn_norm": "post_attention_layernorm",
                     "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"]
        if arch == "gemma3" {
            names["post_attention_norm"] = "post_attention_layernorm"
            names["ffn_norm"] = "pre_feedforward_layernorm"
            names["post_ffw_norm"] = "post_feedforward_layernorm"
        }
        return names[kind].map { "model.layers.\(l).\($0)" }
    }

    /// tokenizer.json for the tiny vocabulary: byte-level BPE, the merges, the control tokens.
    public static var tokenizerJSON: [String: Any] {
        let tokens = vocabulary
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocab[token] = id }
        let added = controlTokens.map { token -> [String: Any] in
            ["id": tokens.firstIndex(of: token)!, "content": token, "single_word": false, "lstrip": false,
             "rstrip": false, "normalized": false, "special": true]
        }
        return ["version": "1.0", "added_tokens": added, "normalizer": NSNull(),
                "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
                "post_processor": NSNull(), "decoder": ["type": "ByteLevel"],
                "model": ["type": "BPE", "vocab": vocab, "merges": merges.map { "\($0.0) \($0.1)" },
                          "byte_fallback": false, "ignore_merges": false]]
    }

    /// The tokenizer.json styles a tiny folder can carry.
    public enum TokenizerStyle: Sendable {
        /// Byte-level BPE over the tiny vocabulary (`tokenizerJSON`).
        case byteLevel
        /// SentencePiece-style BPE as Hugging Face converts Llama 2: byte fallback, a
        /// Prepend("▁") + Replace(" ", "▁") normalizer, a Replace/ByteFallback/Fuse/Strip decoder.
        case llama
        /// SentencePiece-style BPE as Gemma's files have it: Replace(" ", "▁"), no prefix, a Split
        /// pre-tokenizer on " ", no Strip in the decoder.
        case gemma
    }

    /// The SentencePiece-style vocabulary, as many tokens as the tiny model has rows: <unk>, <s>,
    /// </s>, the 256 byte tokens "<0x00>"... and five pieces "▁", "h", "e", "▁h", "▁he" with the
    /// merges ("▁", "h") then ("▁h", "e"). Every other character falls back to its bytes.
    public static let sentencePieceVocabulary: [String] =
        ["<unk>", "<s>", "</s>"] + (0..<256).map { String(format: "<0x%02X>", UInt32($0)) }
        + ["▁", "h", "e", "▁h", "▁he"]

    /// tokenizer.json of the SentencePiece-style vocabulary in `style` (.llama or .gemma).
    public static func sentencePieceTokenizerJSON(_ style: TokenizerStyle) -> [String: Any] {
        let tokens = sentencePieceVocabulary
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocab[token] = id }
        let added = tokens.prefix(3).enumerated().map { id, token -> [String: Any] in
            ["id": id, "content": token, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let replaceSpace: [String: Any] = ["type": "Replace", "pattern": ["String": " "], "content": "▁"]
        var decoders: [[String: Any]] = [["type": "Replace", "pattern": ["String": "▁"], "content": " "],
                                         ["type": "ByteFallback"], ["type": "Fuse"]]
        let normalizer: Any
        let preTokenizer: Any
        if style == .gemma {
            normalizer = replaceSpace
            preTokenizer = ["type": "Split", "pattern": ["String": " "], "behavior": "MergedWithPrevious", "invert": false]
        } else {
            normalizer = ["type": "Sequence", "normalizers": [["type": "Prepend", "prepend": "▁"], replaceSpace]]
            preTokenizer = NSNull()
            decoders.append(["type": "Strip", "content": " ", "start": 1, "stop": 0])
        }
        return ["version": "1.0", "added_tokens": added, "normalizer": normalizer, "pre_tokenizer": preTokenizer,
                "post_processor": NSNull(), "decoder": ["type": "Sequence", "decoders": decoders],
                "model": ["type": "BPE", "vocab": vocab, "merges": [["▁", "h"], ["▁h", "e"]], "unk_token": "<unk>",
                          "byte_fallback": true, "fuse_unk": true, "ignore_merges": false]]
    }

    /// Writes the model of `spec` as a Hugging Face folder (in `shards` safetensors files with an
    /// index when more than one) and returns the folder. `config` replaces config.json's contents;
    /// `prefix` goes before every tensor name (GPT-2 checkpoints saved by newer `transformers`
    /// name theirs `transformer.h.0...`).
    public static func writeHuggingFace(_ spec: TinyModelSpec = TinyModelSpec(), shards: Int = 1,
                                        config: [String: Any]? = nil, prefix: String = "",
                                        tokenizer: TokenizerStyle = .byteLevel) throws -> URL {
        let dir = try ScratchDirectory.make("hf")
        func json(_ object: Any, _ name: String) throws {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: dir.appendingPathComponent(name))
        }
        try json(config ?? huggingFaceConfig(spec), "config.json")
        if tokenizer == .byteLevel {
            try json(tokenizerJSON, "tokenizer.json")
            let vocab = vocabulary
            try json(["bos_token": vocab[vocab.count - 2], "eos_token": ["content": vocab[vocab.count - 1]],
                      "add_bos_token": false, "chat_template": chatTemplate] as [String: Any], "tokenizer_config.json")
        } else {
            try json(sentencePieceTokenizerJSON(tokenizer), "tokenizer.json")
            try json(["bos_token": "<s>", "eos_token": ["content": "</s>"], "unk_token": "<unk>",
                      "add_bos_token": true] as [String: Any], "tokenizer_config.json")
        }
        var w = SafetensorsWriter()
        w.metadata["format"] = "pt"
        for t in huggingFaceTensors(spec) { w.add(prefix + t.name, shape: t.shape, values: t.values) }
        if shards > 1 {
            try w.writeSharded(to: dir, shardCount: shards)
        } else {
            try w.write(to: dir.appendingPathComponent(SafetensorsCollection.singleFileName))
        }
        return dir
    }
}
