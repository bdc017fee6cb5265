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
    case invalidOption(String)
    case io(String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let a):
            return "unsupported architecture '\(a)' (supported: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .missingMetadata(let k): return "missing metadata key '\(k)'"
        case .invalidMetadata(let k, let why): return "invalid metadata '\(k)': \(why)"
        case .missingTensor(let n): return "missing tensor '\(n)'"
        case .tensorShape(let n, let e, let f): return "tensor '\(n)' has shape \(f), expected \(e)"
        case .unsupportedTensorType(let n, let t): return "tensor '\(n)' has unsupported type \(t)"
        case .contextExceeded(let limit, let requested):
            return "context length exceeded: \(requested) tokens requested, the context holds \(limit)"
        case .invalidToken(let t): return "token id \(t) is outside the vocabulary"
        case .emptyInput: return "no input tokens"
        case .invalidOption(let m): return m
        case .io(let m): return m
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

    public init(architecture: Architecture, dModel: Int, layers: Int, heads: Int, kvHeads: Int,
                headDim: Int, dFF: Int, vocab: Int, contextLength: Int, normEps: Float,
                ropeBase: Double, ropeDims: Int, ropeStyle: RopeStyle) {
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
    }

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
    }
}
