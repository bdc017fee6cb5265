// The tensors of a decoder-only transformer in an architecture-neutral view, as views into a
// model file: every projection any family has, optional where some family lacks it. The forward
// passes read their family's own weights (LlamaWeights, GPT2Weights, Gemma3Weights), whose
// fields are optional only where the family itself varies; this view serves code that treats
// all families alike (gradients, LoRA merging, the roofline) and rebuilt models.
//
// Legend: d = dModel, f = dFF, hd = headDim, H = heads, Hkv = kvHeads, V = vocab.
// Matrices are `TensorView`s in ggml order ([cols, rows]): a projection from d to f is stored
// with shape [d, f] and multiplied as out[f] = W[f, d] · x[d]. Small vectors (norm weights and
// biases) are copied out as [Float] because every token reads them and they are tiny.

import Kernels

/// Per-block weights.
public struct LayerWeights: @unchecked Sendable {
    // @unchecked Sendable: value type of arrays and TensorViews into read-only mappings.
    public var attnNorm: [Float]          // [d]
    public var attnNormBias: [Float]?     // [d] (LayerNorm models)
    public var wq: TensorView?            // [d, H*hd]
    public var wk: TensorView?            // [d, Hkv*hd]
    public var wv: TensorView?            // [d, Hkv*hd]
    public var wqkv: TensorView?          // [d, (H+2Hkv)*hd] (GPT-2's fused projection)
    public var bq: [Float]?               // [H*hd]
    public var bk: [Float]?               // [Hkv*hd]
    public var bv: [Float]?               // [Hkv*hd]
    public var bqkv: [Float]?             // [(H+2Hkv)*hd]
    public var qNorm: [Float]?            // [hd] (Qwen 3, Gemma 3)
    public var kNorm: [Float]?            // [hd] (Qwen 3, Gemma 3)
    public var wo: TensorView             // [H*hd, d]
    public var bo: [Float]?               // [d]
    /// [d] RMSNorm weight on the attention output before the residual add (Gemma 3).
    public var postAttnNorm: [Float]? = nil
    public var ffnNorm: [Float]           // [d]
    public var ffnNormBias: [Float]?      // [d]
    public var wGate: TensorView?         // [d, f] (gated MLPs)
    public var wUp: TensorView            // [d, f]
    public var bUp: [Float]?              // [f]
    public var wDown: TensorView          // [f, d]
    public var bDown: [Float]?            // [d]
    /// [d] RMSNorm weight on the MLP output before the residual add (Gemma 3).
    public var postFFNNorm: [Float]? = nil
}

/// All weights of a model.
public struct TransformerWeights: @unchecked Sendable {
    // @unchecked Sendable: value type of arrays and TensorViews into read-only mappings.
    public var tokenEmbedding: TensorView      // [d, V]
    public var positionEmbedding: TensorView?  // [d, contextLength] (GPT-2)
    public var layers: [LayerWeights]
    public var finalNorm: [Float]              // [d]
    public var finalNormBias: [Float]?         // [d]
    public var output: TensorView              // [d, V] (the embedding itself when tied)
    /// [ropeDims/2] divisors of the rotary frequencies (Llama 3.1 long-context scaling), or nil.
    public var ropeFreqFactors: [Float]? = nil
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's elements, or nil.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        switch self {
        case .some(let a): return try a.withUnsafeBufferPointer { try body($0.baseAddress) }
        case .none: return try body(nil)
        }
    }
}

/// Where a loader finds tensors: by name, with nil for an absent tensor.
public protocol TensorSource {
    func tensorView(_ name: String) throws -> TensorView?
}

extension TensorSource {
    /// A required matrix with shape `[cols, rows]`.
    func matrix(_ name: String, cols: Int, rows: Int) throws -> TensorView {
        guard let t = try tensorView(name) else { throw ModelError.missingTensor(name) }
        try checkShape(t, [cols, rows])
        return t
    }

    func optionalMatrix(_ name: String, cols: Int, rows: Int) throws -> TensorView? {
        guard let t = try tensorView(name) else { return nil }
        try checkShape(t, [cols, rows])
        return t
    }

    /// A required vector of `count` floats, dequantized.
    func vector(_ name: String, count: Int) throws -> [Float] {
        guard let v = try optionalVector(name, count: count) else { throw ModelError.missingTensor(name) }
        return v
    }

    func optionalVector(_ name: String, count: Int) throws -> [Float]? {
        guard let t = try tensorView(name) else { return nil }
        try checkShape(t, [count])
        return dequantize(t)
    }

    private func checkShape(_ t: TensorView, _ expected: [Int]) throws {
        var found = t.shape
        while found.count > expected.count, found.last == 1 { found.removeLast() }
        guard found == expected else { throw ModelError.tensorShape(name: t.name, expected: expected, found: t.shape) }
        guard t.type.rowBytes(t.cols) != nil else {
            throw ModelError.unsupportedTensorType(name: t.name, type: "\(t.type) with row length \(t.cols)")
        }
    }
}

extension TransformerWeights {
    /// Every matrix a one-token forward pass reads in full: each block's projections and the
    /// output matrix (the embedding table contributes one row, the norms and biases a few
    /// kilobytes — both left out). Their bytes are what decode must stream per token.
    public var matricesReadPerToken: [TensorView] {
        layers.flatMap { L in [L.wq, L.wk, L.wv, L.wqkv, L.wo, L.wGate, L.wUp, L.wDown].compactMap { $0 } } + [output]
    }
}
