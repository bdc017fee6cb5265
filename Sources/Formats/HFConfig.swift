// Hugging Face `config.json` for the decoder-only families we run.
//
// The file is one JSON object. Llama-family checkpoints (llama, mistral, qwen2, qwen3,
// gemma3_text) use `hidden_size`, `num_hidden_layers`, `num_attention_heads`, ...; GPT-2 uses the
// older `n_embd`, `n_layer`, `n_head`, `n_positions`, `n_inner`, `layer_norm_epsilon`. Decoding
// accepts either spelling and stores one normalized set of fields; encoding writes the
// Llama-style names (plus `model_type`), which decode back to the same value.
//
// Required: model_type, vocab_size, the width/depth/head count (either spelling) and, except for
// GPT-2, intermediate_size. Optional fields decode leniently: a missing, null or wrongly typed
// optional value falls back to the family default, so configs written by newer `transformers`
// versions still load. Shape relations (heads divide the width, KV heads divide the heads) are
// checked while decoding.

import Foundation

public enum HFConfigError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case invalidJSON(String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case invalidValue(field: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read config \(path): \(reason)"
        case .invalidJSON(let reason): return "config.json is not a valid JSON object: \(reason)"
        case .missingField(let field): return "config.json is missing required field \"\(field)\""
        case .wrongType(let field, let expected): return "config.json field \"\(field)\" should be \(expected)"
        case .invalidValue(let field, let value, let reason): return "config.json field \"\(field)\" = \(value): \(reason)"
        }
    }
}

/// The decoded, normalized `config.json` of a decoder-only language model.
///
/// ```swift
/// let config = try HFConfig.load(from: modelDir.appendingPathComponent("config.json"))
/// let kvWidth = config.numKeyValueHeads * config.headDim
/// ```
public struct HFConfig: Codable, Equatable, Sendable {
    /// Families whose configs this type understands; `nil` family means an unknown `model_type`
    /// (decoded all the same, with Llama defaults).
    public enum Family: String, Sendable {
        case llama, mistral, qwen2, qwen3, gemma3Text = "gemma3_text", gpt2
    }

    /// `rope_scaling`, e.g. Llama 3's `{"rope_type": "llama3", "factor": 32, ...}`.
    public struct RopeScaling: Codable, Equatable, Sendable {
        public var ropeType: String?
        public var factor: Double?
        public var lowFreqFactor: Double?
        public var highFreqFactor: Double?
        public var originalMaxPositionEmbeddings: Int?

        public init(ropeType: String? = nil, factor: Double? = nil, lowFreqFactor: Double? = nil,
                    highFreqFactor: Double? = nil, originalMaxPositionEmbeddings: Int? = nil) {
            self.ropeType = ropeType
            self.factor = factor
            self.lowFreqFactor = lowFreqFactor
            self.highFreqFactor = highFreqFactor
            self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        }

        enum CodingKeys: String, CodingKey {
            case ropeType = "rope_type", type
            case factor
            case lowFreqFactor = "low_freq_factor"
            case highFreqFactor = "high_freq_factor"
            case originalMaxPositionEmbeddings = "original_max_position_embeddings"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Older configs spell the kind "type".
            ropeType = c.lenient(String.self, .ropeType) ?? c.lenient(String.self, .type)
            factor = c.lenient(Double.self, .factor)
            lowFreqFactor = c.lenient(Double.self, .lowFreqFactor)
            highFreqFactor = c.lenient(Double.self, .highFreqFactor)
            originalMaxPositionEmbeddings = c.lenient(Int.self, .originalMaxPositionEmbeddings)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(ropeType, forKey: .ropeType)
            try c.encodeIfPresent(factor, forKey: .factor)
            try c.encodeIfPresent(lowFreqFactor, forKey: .lowFreqFactor)
            try c.encodeIfPresent(highFreqFactor, forKey: .highFreqFactor)
            try c.encodeIfPresent(originalMaxPositionEmbeddings, forKey: .originalMaxPositionEmbeddings)
        }
    }

    public var modelType: String
    public var architectures: [String]
    /// dModel (`hidden_size` / `n_embd`).
    public var hiddenSize: Int
    /// dFF (`intermediate_size` / `n_inner`, GPT-2 default 4 x dModel).
    public var intermediateSize: Int
    /// (`num_hidden_layers` / `n_layer`)
    public var numHiddenLayers: Int
    /// (`num_attention_heads` / `n_head`)
    public var numAttentionHeads: Int
    /// Defaults to `numAttentionHeads` (no grouped-query attention).
    public var numKeyValueHeads: Int
    /// Defaults to hiddenSize / numAttentionHeads; Qwen3 and Gemma 3 set it explicitly.
    public var headDim: Int
    /// `rms_norm_eps` (Llama family) or `layer_norm_epsilon` (GPT-2).
    public var normEps: Double
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling?
    /// (`max_position_embeddings` / `n_positions`)
    public var maxPositionEmbeddings: Int
    public var vocabSize: Int
    public var tieWordEmbeddings: Bool
    /// `bos_token_id`, which may be a number, a list or null in the file.
    public var bosTokenIds: [Int]
    /// `eos_token_id`, which may be a number, a list or null in the file.
    public var eosTokenIds: [Int]
    public var padTokenId: Int?
    /// Bias on the q/k/v/o projections (always true for GPT-2 and Qwen2).
    public var attentionBias: Bool
    public var mlpBias: Bool
    /// `hidden_act` / `hidden_activation` (Gemma) / `activation_function` (GPT-2).
    public var hiddenAct: String?
    public var slidingWindow: Int?
    public var useSlidingWindow: Bool?
    public var maxWindowLayers: Int?
    /// Per-layer attention kinds ("full_attention" / "sliding_attention") in newer configs.
    public var layerTypes: [String]?
    /// Gemma 3: every n-th layer is global.
    public var slidingWindowPattern: Int?
    /// Gemma 3: queries are scaled by 1/sqrt(query_pre_attn_scalar).
    public var queryPreAttnScalar: Double?
    /// Gemma 3: RoPE base of the sliding-window layers.
    public var ropeLocalBaseFreq: Double?
    public var finalLogitSoftcapping: Double?
    public var attnLogitSoftcapping: Double?
    public var torchDtype: String?

    public var family: Family? { Family(rawValue: modelType) }

    /// Reads and decodes `config.json`.
    public static func load(from url: URL) throws -> HFConfig {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HFConfigError.cannotRead(path: url.path, reason: "\(error)")
        }
        return try decode(data)
    }

    /// Decodes `config.json` bytes; every failure is an `HFConfigError`.
    public static func decode(_ data: Data) throws -> HFConfig {
        do {
            return try JSONDecoder().decode(HFConfig.self, from: data)
        } catch let error as HFConfigError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw HFConfigError.invalidJSON("top level is not an object")
        } catch DecodingError.dataCorrupted(let context) {
            throw HFConfigError.invalidJSON(context.debugDescription)
        } catch {
            throw HFConfigError.invalidJSON("\(error)")
        }
    }

    // MARK: Codable

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case architectures
        case hiddenSize = "hidden_size", nEmbd = "n_embd"
        case intermediateSize = "intermediate_size", nInner = "n_inner"
        case numHiddenLayers = "num_hidden_layers", nLayer = "n_layer"
        case numAttentionHeads = "num_attention_heads", nHead = "n_head"
        case numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim"
        case rmsNormEps = "rms_norm_eps", layerNormEpsilon = "layer_norm_epsilon"
        case ropeTheta = "rope_theta"
        case ropeScaling = "rope_scaling"
        case maxPositionEmbeddings = "max_position_embeddings", nPositions = "n_positions"
        case vocabSize = "vocab_size"
        case tieWordEmbeddings = "tie_word_embeddings"
        case bosTokenId = "bos_token_id", eosTokenId = "eos_token_id", padTokenId = "pad_token_id"
        case attentionBias = "attention_bias", mlpBias = "mlp_bias"
        case hiddenAct = "hidden_act", hiddenActivation = "hidden_activation", activationFunction = "activation_function"
        case slidingWindow = "sliding_window", useSlidingWindow = "use_sliding_window", maxWindowLayers = "max_window_layers"
        case layerTypes = "layer_types", slidingWindowPattern = "sliding_window_pattern"
        case queryPreAttnScalar = "query_pre_attn_scalar", ropeLocalBaseFreq = "rope_local_base_freq"
        case finalLogitSoftcapping = "final_logit_softcapping", attnLogitSoftcapping = "attn_logit_softcapping"
        case torchDtype = "torch_dtype"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.required(String.self, .modelType)
        let family = Family(rawValue: modelType)
        let isGPT2 = family == .gpt2
        architectures = c.lenient([String].self, .architectures) ?? []

        hiddenSize = try c.requiredPositive(.hiddenSize, or: .nEmbd)
        numHiddenLayers = try c.requiredPositive(.numHiddenLayers, or: .nLayer)
        numAttentionHeads = try c.requiredPositive(.numAttentionHeads, or: .nHead)
        vocabSize = try c.requiredPositive(.vocabSize, or: nil)
        if isGPT2 {
            intermediateSize = try c.optionalPositive(.nInner) ?? c.optionalPositive(.intermediateSize) ?? 4 * hiddenSize
        } else {
            intermediateSize = try c.requiredPositive(.intermediateSize, or: nil)
        }
        numKeyValueHeads = try c.optionalPositive(.numKeyValueHeads) ?? numAttentionHeads
        if let explicit = try c.optionalPositive(.headDim) {
            headDim = explicit
        } else {
            guard hiddenSize % numAttentionHeads == 0 else {
                throw HFConfigError.invalidValue(field: "num_attention_heads", value: "\(numAttentionHeads)",
                                                 reason: "does not divide hidden_size \(hiddenSize) and head_dim is not given")
            }
            headDim = hiddenSize / numAttentionHeads
        }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw HFConfigError.invalidValue(field: "num_key_value_heads", value: "\(numKeyValueHeads)",
                                             reason: "does not divide num_attention_heads \(numAttentionHeads)")
        }

        normEps = c.lenient(Double.self, .rmsNormEps) ?? c.lenient(Double.self, .layerNormEpsilon) ?? (isGPT2 ? 1e-5 : 1e-6)
        guard normEps > 0, normEps < 1 else {
            throw HFConfigError.invalidValue(field: "rms_norm_eps", value: "\(normEps)", reason: "must be in (0, 1)")
        }
        ropeTheta = c.lenient(Double.self, .ropeTheta) ?? (family == .gemma3Text ? 1_000_000 : 10_000)
        guard ropeTheta > 0 else {
            throw HFConfigError.invalidValue(field: "rope_theta", value: "\(ropeTheta)", reason: "must be positive")
        }
        ropeScaling = c.lenient(RopeScaling.self, .ropeScaling)
        maxPositionEmbeddings = try c.optionalPositive(.maxPositionEmbeddings) ?? c.optionalPositive(.nPositions)
            ?? (isGPT2 ? 1024 : 2048)
        tieWordEmbeddings = c.lenient(Bool.self, .tieWordEmbeddings) ?? (isGPT2 || family == .gemma3Text)
        bosTokenIds = c.tokenIDs(.bosTokenId)
        eosTokenIds = c.tokenIDs(.eosTokenId)
        padTokenId = c.lenient(Int.self, .padTokenId)
        attentionBias = c.lenient(Bool.self, .attentionBias) ?? (isGPT2 || family == .qwen2)
        mlpBias = c.lenient(Bool.self, .mlpBias) ?? isGPT2
        hiddenAct = c.lenient(String.self, .hiddenAct) ?? c.lenient(String.self, .hiddenActivation)
            ?? c.lenient(String.self, .activationFunction)
        slidingWindow = c.lenient(Int.self, .slidingWindow)
        useSlidingWindow = c.lenient(Bool.self, .useSlidingWindow)
        maxWindowLayers = c.lenient(Int.self, .maxWindowLayers)
        layerTypes = c.lenient([String].self, .layerTypes)
        if let layerTypes, layerTypes.count != numHiddenLayers {
            throw HFConfigError.invalidValue(field: "layer_types", value: "\(layerTypes.count) entries",
                                             reason: "expected one per layer (\(numHiddenLayers))")
        }
        slidingWindowPattern = c.lenient(Int.self, .slidingWindowPattern)
        queryPreAttnScalar = c.lenient(Double.self, .queryPreAttnScalar)
        ropeLocalBaseFreq = c.lenient(Double.self, .ropeLocalBaseFreq)
        finalLogitSoftcapping = c.lenient(Double.self, .finalLogitSoftcapping)
        attnLogitSoftcapping = c.lenient(Double.self, .attnLogitSoftcapping)
        torchDtype = c.lenient(String.self, .torchDtype)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(architectures, forKey: .architectures)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(normEps, forKey: modelType == Family.gpt2.rawValue ? .layerNormEpsilon : .rmsNormEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encodeIfPresent(ropeScaling, forKey: .ropeScaling)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(bosTokenIds, forKey: .bosTokenId)
        try c.encode(eosTokenIds, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(mlpBias, forKey: .mlpBias)
        try c.encodeIfPresent(hiddenAct, forKey: .hiddenAct)
        try c.encodeIfPresent(slidingWindow, forKey: .slidingWindow)
        try c.encodeIfPresent(useSlidingWindow, forKey: .useSlidingWindow)
        try c.encodeIfPresent(maxWindowLayers, forKey: .maxWindowLayers)
        try c.encodeIfPresent(layerTypes, forKey: .layerTypes)
        try c.encodeIfPresent(slidingWindowPattern, forKey: .slidingWindowPattern)
        try c.encodeIfPresent(queryPreAttnScalar, forKey: .queryPreAttnScalar)
        try c.encodeIfPresent(ropeLocalBaseFreq, forKey: .ropeLocalBaseFreq)
        try c.encodeIfPresent(finalLogitSoftcapping, forKey: .finalLogitSoftcapping)
        try c.encodeIfPresent(attnLogitSoftcapping, forKey: .attnLogitSoftcapping)
        try c.encodeIfPresent(torchDtype, forKey: .torchDtype)
    }
}

// MARK: - Decoding helpers

extension KeyedDecodingContainer {
    /// The value when present and of the right type; nil when absent, null or mistyped.
    fileprivate func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }

    fileprivate func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { throw HFConfigError.missingField(key.stringValue) }
        guard let value = try? decode(type, forKey: key) else {
            throw HFConfigError.wrongType(field: key.stringValue, expected: "\(type)")
        }
        return value
    }

    /// A required positive integer under `key` or its alternative spelling.
    fileprivate func requiredPositive(_ key: Key, or alternative: Key?) throws -> Int {
        if let value = try optionalPositive(key) { return value }
        if let alternative, let value = try optionalPositive(alternative) { return value }
        throw HFConfigError.missingField(key.stringValue)
    }

    /// A positive integer, nil when absent or null; wrongly typed or non-positive values throw,
    /// because a shape field that is present but wrong must not silently become a default.
    fileprivate func optionalPositive(_ key: Key) throws -> Int? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        guard let value = try? decode(Int.self, forKey: key) else {
            throw HFConfigError.wrongType(field: key.stringValue, expected: "an integer")
        }
        guard value > 0 else { throw HFConfigError.invalidValue(field: key.stringValue, value: "\(value)", reason: "must be positive") }
        return value
    }

    /// Token ids stored as a number, a list of numbers, or null.
    fileprivate func tokenIDs(_ key: Key) -> [Int] {
        if let one = lenient(Int.self, key) { return [one] }
        return lenient([Int].self, key) ?? []
    }
}
