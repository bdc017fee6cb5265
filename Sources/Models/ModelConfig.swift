// Hyper-parameters of a decoder-only transformer, whatever file they came from.

import Kernels

/// The architecture families the engine runs.
public enum Architecture: String, Sendable, Codable, CaseIterable {
    /// Llama 2/3, SmolLM2, Mistral: RMSNorm, rotary, grouped-query attention, SwiGLU.
    case llama
    /// Qwen 2 / 2.5: llama with biases on Q, K and V.
    case qwen2
    /// Qwen 3: llama with RMSNorm on each query and key head.
    case qwen3
    /// GPT-2: LayerNorm, learned positions, fused QKV, GELU MLP, biases everywhere.
    case gpt2
    /// Gemma 3 (text): scaled embeddings, Q/K norms, post-attention and post-MLP norms,
    /// GELU-gated MLP, sliding-window attention on all but every n-th layer.
    case gemma3
}

/// Errors found while turning a file's metadata into a model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case unsupportedArchitecture(String)
    case missingMetadata(String)
    case invalidMetadata(String, String)
    case missingTensor(String)
    case tensorShape(name: String, expected: [Int], found: [Int])
    case unsupportedTensorType(name: String, type: String)
    case contextExceeded(limit: Int, requested: Int)
    case invalidToken(Int)
    case emptyInput
    /// A run needs blocks a previous activations-only run skipped at cached positions.
    case incompleteCache(position: Int, layers: Int)
    case invalidOption(String)
    case io(String)
    /// The model computed a NaN or infinite logit (broken weights, usually): nothing sampled or
    /// scored from it would mean anything.
    case nonFiniteLogits(position: Int)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let a):
            return "unsupported architecture '\(a)' (supported: \(ArchitectureRegistry.supportedDescription))"
        case .missingMetadata(let k): return "missing metadata key '\(k)'"
        case .invalidMetadata(let k, let why): return "invalid metadata '\(k)': \(why)"
        case .missingTensor(let n): return "missing tensor '\(n)'"
        case .tensorShape(let n, let e, let f): return "tensor '\(n)' has shape \(f), expected \(e)"
        case .unsupportedTensorType(let n, let t): return "tensor '\(n)' has unsupported type \(t)"
        case .contextExceeded(let limit, let requested):
            return "context length exceeded: \(requested) tokens requested, the context holds \(limit)"
        case .invalidToken(let t): return "token id \(t) is outside the vocabulary"
        case .emptyInput: return "no input tokens"
        case .incompleteCache(let p, let l):
            return "the cache from position \(p) on holds only the first \(l) blocks (an activations-only run "
                + "stopped there); rewind to \(p) or earlier before running more blocks"
        case .invalidOption(let m): return m
        case .io(let m): return m
        case .nonFiniteLogits(let p): return "the model computed a NaN or infinite logit at position \(p) (are the weights intact?)"
        }
    }
}

/// Shape and numerics of a model. Dimensions are named as in the forward pass.
public struct ModelConfig: Sendable, Codable, Equatable {
    public var architecture: Architecture
    public var dModel: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var dFF: Int
    public var vocab: Int
    public var contextLength: Int
    public var normEps: Float
    public var ropeBase: Double
    public var ropeDims: Int
    public var ropeStyle: RopeStyle

    // Gemma 3. All nil for the other architectures, which then behave as before.

    /// W: on a local layer the query at position p attends to keys p-W+1 ... p (HF `sliding_window`).
    public var slidingWindow: Int?
    /// n: layer l is global (full causal attention, `ropeBase`) when l % n == n - 1, local
    /// (window W, `localRopeBase`) otherwise (HF `sliding_window_pattern`; Gemma 3: 6).
    public var slidingWindowPattern: Int?
    /// RoPE base of the local layers (HF `rope_local_base_freq`; Gemma 3: 10,000).
    public var localRopeBase: Double?
    /// Factor applied to the token embeddings (Gemma: sqrt(dModel) in f32; a bf16 run of the
    /// Hugging Face model rounds it to bf16, 25.25 instead of 25.298 at 270M — see docs/gemma3.md).
    public var embeddingScale: Float?
    /// Factor on q·k before the softmax; nil means 1/sqrt(headDim). Gemma 3 uses
    /// 1/sqrt(query_pre_attn_scalar), which equals 1/sqrt(headDim) up to 12B.
    public var attentionScale: Float?
    /// cap: logits become cap · tanh(logits / cap) (HF `final_logit_softcapping`); nil: none.
    /// Gemma 3 checkpoints set none; the field is read so that one that does is not run wrong.
    public var finalLogitSoftcap: Float?

    public init(architecture: Architecture, dModel: Int, layers: Int, heads: Int, kvHeads: Int,
                headDim: Int, dFF: Int, vocab: Int, contextLength: Int, normEps: Float,
                ropeBase: Double, ropeDims: Int, ropeStyle: RopeStyle,
                slidingWindow: Int? = nil, slidingWindowPattern: Int? = nil, localRopeBase: Double? = nil,
                embeddingScale: Float? = nil, attentionScale: Float? = nil, finalLogitSoftcap: Float? = nil) {
        self.architecture = architecture
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.dFF = dFF
        self.vocab = vocab
        self.contextLength = contextLength
        self.normEps = normEps
        self.ropeBase = ropeBase
        self.ropeDims = ropeDims
        self.ropeStyle = ropeStyle
        self.slidingWindow = slidingWindow
        self.slidingWindowPattern = slidingWindowPattern
        self.localRopeBase = localRopeBase
        self.embeddingScale = embeddingScale
        self.attentionScale = attentionScale
        self.finalLogitSoftcap = finalLogitSoftcap
    }

    /// Decodes and validates: a config that fails `validate()` never exists.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(architecture: try c.decode(Architecture.self, forKey: .architecture),
                  dModel: try c.decode(Int.self, forKey: .dModel),
                  layers: try c.decode(Int.self, forKey: .layers),
                  heads: try c.decode(Int.self, forKey: .heads),
                  kvHeads: try c.decode(Int.self, forKey: .kvHeads),
                  headDim: try c.decode(Int.self, forKey: .headDim),
                  dFF: try c.decode(Int.self, forKey: .dFF),
                  vocab: try c.decode(Int.self, forKey: .vocab),
                  contextLength: try c.decode(Int.self, forKey: .contextLength),
                  normEps: try c.decode(Float.self, forKey: .normEps),
                  ropeBase: try c.decode(Double.self, forKey: .ropeBase),
                  ropeDims: try c.decode(Int.self, forKey: .ropeDims),
                  ropeStyle: try c.decode(RopeStyle.self, forKey: .ropeStyle),
                  slidingWindow: try c.decodeIfPresent(Int.self, forKey: .slidingWindow),
                  slidingWindowPattern: try c.decodeIfPresent(Int.self, forKey: .slidingWindowPattern),
                  localRopeBase: try c.decodeIfPresent(Double.self, forKey: .localRopeBase),
                  embeddingScale: try c.decodeIfPresent(Float.self, forKey: .embeddingScale),
                  attentionScale: try c.decodeIfPresent(Float.self, forKey: .attentionScale),
                  finalLogitSoftcap: try c.decodeIfPresent(Float.self, forKey: .finalLogitSoftcap))
        try validate()
    }

    /// Whether layer `l` uses sliding-window attention (and the local RoPE base).
    public func isLocalLayer(_ l: Int) -> Bool {
        guard slidingWindow != nil else { return false }
        guard let n = slidingWindowPattern else { return true }
        return l % n != n - 1
    }

    /// The attention window of layer `l`, or nil for full causal attention.
    public func attentionWindow(layer l: Int) -> Int? { isLocalLayer(l) ? slidingWindow : nil }

    /// The RoPE base of layer `l`.
    public func ropeBase(layer l: Int) -> Double { isLocalLayer(l) ? localRopeBase ?? ropeBase : ropeBase }

    /// Checks the numbers are usable together; throws a `ModelError` naming the first problem.
    public func validate() throws {
        func require(_ ok: Bool, _ key: String, _ why: String) throws {
            if !ok { throw ModelError.invalidMetadata(key, why) }
        }
        let limit = 1 << 20
        try require(dModel > 0 && dModel <= limit, "dModel", "\(dModel) out of range")
        try require(layers > 0 && layers <= 1024, "layers", "\(layers) out of range")
        try require(heads > 0 && heads <= 1024, "heads", "\(heads) out of range")
        try require(kvHeads > 0 && kvHeads <= heads && heads % kvHeads == 0, "kvHeads",
                    "\(kvHeads) must divide heads (\(heads))")
        try require(headDim > 0 && headDim <= 4096, "headDim", "\(headDim) out of range")
        try require(dFF > 0 && dFF <= limit, "dFF", "\(dFF) out of range")
        try require(vocab > 0 && vocab <= 1 << 24, "vocab", "\(vocab) out of range")
        try require(contextLength > 0 && contextLength <= 1 << 24, "contextLength", "\(contextLength) out of range")
        try require(normEps > 0 && normEps < 1, "normEps", "\(normEps) out of range")
        try require(architecture == .gpt2 || (ropeDims > 0 && ropeDims <= headDim && ropeDims % 2 == 0),
                    "ropeDims", "\(ropeDims) must be even and at most headDim (\(headDim))")
        try require(architecture == .gpt2 || ropeBase > 0, "ropeBase", "\(ropeBase) must be positive")
        if let w = slidingWindow {
            try require(w > 0 && w <= 1 << 24, "slidingWindow", "\(w) out of range")
        }
        if let n = slidingWindowPattern {
            try require(slidingWindow != nil, "slidingWindowPattern", "set without a sliding window")
            try require(n > 0 && n <= 1024, "slidingWindowPattern", "\(n) out of range")
        }
        if let b = localRopeBase {
            try require(b.isFinite && b > 0, "localRopeBase", "\(b) must be positive")
        }
        if let s = embeddingScale {
            try require(s.isFinite && s > 0, "embeddingScale", "\(s) must be positive")
        }
        if let s = attentionScale {
            try require(s.isFinite && s > 0, "attentionScale", "\(s) must be positive")
        }
        if let s = finalLogitSoftcap {
            try require(s.isFinite && s > 0, "finalLogitSoftcap", "\(s) must be positive")
        }
        if architecture == .gemma3 {
            try require(slidingWindow != nil, "slidingWindow", "Gemma 3 needs a sliding window")
            try require(embeddingScale != nil, "embeddingScale", "Gemma 3 scales its embeddings")
        }
    }
}
