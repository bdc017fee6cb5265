// Tiny random-weight models written as GGUF files, for tests that need a whole model without
// downloading one: a Llama-family, GPT-2 or Gemma 3 network with a byte-level tokenizer (the 256
// byte tokens, a few merges, ChatML control tokens) and a ChatML chat template.

import Foundation
import Formats
import Kernels
import Tokenizers

public struct TinyModelSpec {
    public var architecture = "llama"
    public var dModel = 64
    public var layers = 2
    public var heads = 4
    public var kvHeads = 2
    public var dFF = 96
    public var contextLength = 128
    public var weightType: TensorType = .f32
    public var seed: UInt64 = 1
    /// Adds Q/K/V biases (Qwen 2 style).
    public var qkvBias = false
    /// Adds per-head Q/K norms (Qwen 3 style).
    public var qkNorm = false
    /// Adds `rope_freqs.weight` (Llama 3.1 style frequency divisors), [headDim/2].
    public var ropeFreqFactors: [Float]? = nil
    /// Head dimension written as `attention.key_length`/`value_length`; nil: dModel / heads, no key.
    public var headDim: Int? = nil
    /// Gemma 3: `attention.sliding_window` (written when set; "gemma3" files need it).
    public var slidingWindow: Int? = nil
    /// Gemma 3: `attention.sliding_window_pattern` (written when set; the loader defaults to 6).
    public var slidingWindowPattern: Int? = nil
    /// Tensor names left out of the file (for malformed-file tests).
    public var omitTensors: Set<String> = []
    /// Tensors whose first value is written as NaN (broken weights that parse fine).
    public var nanTensors: Set<String> = []
    /// Writes the tokenizer metadata and no tensors (a vocab-only file, as llama.cpp ships them).
    public var vocabOnly = false
    public init() {}

    /// A Gemma-3-shaped model: 6 layers (the default pattern makes layer 5 the one global
    /// layer), head dimension 32 != dModel / heads, one KV head, a window of 5 positions.
    public static var gemma3: TinyModelSpec {
        var s = TinyModelSpec()
        s.architecture = "gemma3"
        s.layers = 6
        s.heads = 4
        s.kvHeads = 1
        s.headDim = 32
        s.slidingWindow = 5
        return s
    }
}

public enum TinyModel {
    /// Control tokens appended after the 256 byte tokens and the merges.
    public static let controlTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    /// Merged tokens (each is one merge of two earlier tokens).
    static let merges: [(String, String)] = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("a", "n")]

    public static let chatTemplate = """
        {% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    /// The vocabulary: 256 byte tokens, the merge results, then the control tokens.
    public static var vocabulary: [String] {
        var tokens = (0..<256).map { ByteLevel.encode([UInt8($0)]) }
        tokens += merges.map { $0.0 + $0.1 }
        tokens += controlTokens
        return tokens
    }

    /// A GGUF image of a random model described by `spec`.
    public static func gguf(_ spec: TinyModelSpec = TinyModelSpec()) -> [UInt8] {
        let tokens = vocabulary
        let vocab = tokens.count
        let d = spec.dModel, f = spec.dFF
        let arch = spec.architecture, gemma = arch == "gemma3"
        var w = GGUFWriter()
        w.add("general.architecture", .string(arch))
        w.add("general.name", .string("tiny-test-model"))
        w.add("\(arch).block_count", .uint32(UInt32(spec.layers)))
        w.add("\(arch).context_length", .uint32(UInt32(spec.contextLength)))
        w.add("\(arch).embedding_length", .uint32(UInt32(d)))
        w.add("\(arch).feed_forward_length", .uint32(UInt32(f)))
        w.add("\(arch).attention.head_count", .uint32(UInt32(spec.heads)))
        w.add("\(arch).attention.head_count_kv", .uint32(UInt32(spec.kvHeads)))
        w.add("\(arch).attention.layer_norm_rms_epsilon", .float32(1e-5))
        w.add("\(arch).attention.layer_norm_epsilon", .float32(1e-5))
        w.add("\(arch).rope.freq_base", .float32(gemma ? 1_000_000 : 10000))
        if let hd = spec.headDim {
            w.add("\(arch).attention.key_length", .uint32(UInt32(hd)))
            w.add("\(arch).attention.value_length", .uint32(UInt32(hd)))
        }
        if let window = spec.slidingWindow { w.add("\(arch).attention.sliding_window", .int32(Int32(window))) }
        if let n = spec.slidingWindowPattern { w.add("\(arch).attention.sliding_window_pattern", .uint32(UInt32(n))) }
        w.add("tokenizer.ggml.model", .string("gpt2"))
        w.add("tokenizer.ggml.pre", .string("gpt2"))
        w.add("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
        let types = (0..<vocab).map { $0 >= vocab - controlTokens.count ? Int32(3) : Int32(1) }
        w.add("tokenizer.ggml.token_type", .array(.int32, types.map { .int32($0) }))
        w.add("tokenizer.ggml.merges", .array(.string, merges.map { .string("\($0.0) \($0.1)") }))
        w.add("tokenizer.ggml.bos_token_id", .uint32(UInt32(vocab - 2)))
        w.add("tokenizer.ggml.eos_token_id", .uint32(UInt32(vocab - 1)))
        w.add("tokenizer.ggml.add_bos_token", .bool(false))
        w.add("tokenizer.chat_template", .string(chatTemplate))
        for t in tensors(spec) { w.addTensor(name: t.name, type: t.type, shape: t.shape, values: t.values) }
        return w.bytes()
    }

    /// One tensor of a tiny model: its GGUF name, type and shape (ggml order) and its values.
    public struct Tensor {
        public var name: String
        public var type: TensorType
        public var shape: [Int]
        public var values: [Float]
    }

    /// The random tensors of the model described by `spec`, in file order, by GGUF name
    /// (`omitTensors` left out; none for a vocab-only file). The same spec gives the same values.
    public static func tensors(_ spec: TinyModelSpec = TinyModelSpec()) -> [Tensor] {
        var rng = SeededGenerator(seed: spec.seed)
        let vocab = vocabulary.count
        let d = spec.dModel, hd = spec.headDim ?? d / spec.heads, f = spec.dFF
        let qw = spec.heads * hd, kvw = spec.kvHeads * hd
        let arch = spec.architecture, gemma = arch == "gemma3"
        var out: [Tensor] = []

        func matrix(_ name: String, cols: Int, rows: Int, type: TensorType? = nil) {
            let scale = 1 / Float(cols).squareRoot()
            var values = (0..<(cols * rows)).map { _ in rng.normal() * scale }
            if spec.nanTensors.contains(name) { values[0] = .nan }
            if spec.omitTensors.contains(name) || spec.vocabOnly { return }
            out.append(Tensor(name: name, type: type ?? spec.weightType, shape: [cols, rows], values: values))
        }
        func vector(_ name: String, _ n: Int, around: Float = 1) {
            let values = (0..<n).map { _ in around + 0.1 * rng.normal() }
            if spec.omitTensors.contains(name) || spec.vocabOnly { return }
            out.append(Tensor(name: name, type: .f32, shape: [n], values: values))
        }
        matrix("token_embd.weight", cols: d, rows: vocab, type: spec.weightType == .f32 ? .f32 : .q8_0)
        if arch == "gpt2" {
            // GPT-2: learned positions, LayerNorm with biases, fused QKV, GELU MLP, biases everywhere.
            matrix("position_embd.weight", cols: d, rows: spec.contextLength, type: .f32)
            for l in 0..<spec.layers {
                let p = "blk.\(l)."
                vector(p + "attn_norm.weight", d)
                vector(p + "attn_norm.bias", d, around: 0)
                matrix(p + "attn_qkv.weight", cols: d, rows: 3 * d)
                vector(p + "attn_qkv.bias", 3 * d, around: 0)
                matrix(p + "attn_output.weight", cols: d, rows: d)
                vector(p + "attn_output.bias", d, around: 0)
                vector(p + "ffn_norm.weight", d)
                vector(p + "ffn_norm.bias", d, around: 0)
                matrix(p + "ffn_up.weight", cols: d, rows: f)
                vector(p + "ffn_up.bias", f, around: 0)
                matrix(p + "ffn_down.weight", cols: f, rows: d)
                vector(p + "ffn_down.bias", d, around: 0)
            }
            vector("output_norm.weight", d)
            vector("output_norm.bias", d, around: 0)
            return out
        }
        if gemma {
            // Gemma 3: Q/K norms, post-attention and post-MLP norms, output tied to the embedding.
            // Norm weights are stored as Gemma's 1 + w (around 1), as GGUF converters write them.
            for l in 0..<spec.layers {
                let p = "blk.\(l)."
                vector(p + "attn_norm.weight", d)
                matrix(p + "attn_q.weight", cols: d, rows: qw)
                matrix(p + "attn_k.weight", cols: d, rows: kvw)
                matrix(p + "attn_v.weight", cols: d, rows: kvw)
                vector(p + "attn_q_norm.weight", hd)
                vector(p + "attn_k_norm.weight", hd)
                matrix(p + "attn_output.weight", cols: qw, rows: d)
                vector(p + "post_attention_norm.weight", d)
                vector(p + "ffn_norm.weight", d)
                matrix(p + "ffn_gate.weight", cols: d, rows: f)
                matrix(p + "ffn_up.weight", cols: d, rows: f)
                matrix(p + "ffn_down.weight", cols: f, rows: d)
                vector(p + "post_ffw_norm.weight", d)
            }
            vector("output_norm.weight", d)
            return out
        }
        for l in 0..<spec.layers {
            let p = "blk.\(l)."
            vector(p + "attn_norm.weight", d)
            matrix(p + "attn_q.weight", cols: d, rows: d)
            matrix(p + "attn_k.weight", cols: d, rows: kvw)
            matrix(p + "attn_v.weight", cols: d, rows: kvw)
            if spec.qkvBias {
                vector(p + "attn_q.bias", d, around: 0)
                vector(p + "attn_k.bias", kvw, around: 0)
                vector(p + "attn_v.bias", kvw, around: 0)
            }
            if spec.qkNorm {
                vector(p + "attn_q_norm.weight", hd)
                vector(p + "attn_k_norm.weight", hd)
            }
            matrix(p + "attn_output.weight", cols: d, rows: d)
            vector(p + "ffn_norm.weight", d)
            matrix(p + "ffn_gate.weight", cols: d, rows: f)
            matrix(p + "ffn_up.weight", cols: d, rows: f)
            matrix(p + "ffn_down.weight", cols: f, rows: d)
        }
        vector("output_norm.weight", d)
        if let factors = spec.ropeFreqFactors {
            out.append(Tensor(name: "rope_freqs.weight", type: .f32, shape: [factors.count], values: factors))
        }
        return out
    }

    /// Writes a tiny model to a fresh temporary file and returns its URL.
    public static func write(_ spec: TinyModelSpec = TinyModelSpec()) throws -> URL {
        let dir = try ScratchDirectory.make("model")
        let url = dir.appendingPathComponent("tiny-\(spec.architecture)-\(spec.weightType).gguf")
        try Data(gguf(spec)).write(to: url)
        return url
    }
}

/// Seeded test data: SplitMix64 with uniform and Box–Muller normal draws.
public struct SeededGenerator: RandomNumberGenerator {
    var base: SplitMix64
    public init(seed: UInt64) { base = SplitMix64(seed: seed) }
    public mutating func next() -> UInt64 { base.next() }
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    public mutating func normal() -> Float {
        let u1 = max(uniform(), 1e-7), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
