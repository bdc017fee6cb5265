// A decoder's weights dequantized to F32, for training and gradients: the Llama family
// (Llama, Mistral, SmolLM2, Qwen 2, Qwen 3) and GPT-2.
//
// Legend: d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim, V = vocab, C = context.
// Matrices are row-major [out, in] (a GGUF tensor [cols, rows] read row by row). GPT-2's fused
// QKV projection [(H+2Hkv)·hd, d] is split into its three row blocks, so every architecture has
// the same seven projections (GPT-2 has no gate).
//
// The inference path multiplies quantized weights by quantized activations; a gradient needs
// the function it differentiates to be smooth in the activations, so training runs entirely in
// F32 on these copies. The copies are made once per model (SmolLM2-135M: about 540 MB).

import Kernels
import Models

/// The F32 weights of one block.
public struct DenseLayer: @unchecked Sendable {
    public var attnNorm: [Float]          // [d]
    public var attnNormBias: [Float]?     // [d] (GPT-2's LayerNorm)
    public var wq: [Float]                // [H*hd, d]
    public var wk: [Float]                // [Hkv*hd, d]
    public var wv: [Float]                // [Hkv*hd, d]
    public var bq: [Float]?               // [H*hd]
    public var bk: [Float]?               // [Hkv*hd]
    public var bv: [Float]?               // [Hkv*hd]
    public var qNorm: [Float]?            // [hd]
    public var kNorm: [Float]?            // [hd]
    public var wo: [Float]                // [d, H*hd]
    public var bo: [Float]?               // [d]
    public var ffnNorm: [Float]           // [d]
    public var ffnNormBias: [Float]?      // [d]
    public var wGate: [Float]?            // [f, d] (gated MLPs)
    public var wUp: [Float]               // [f, d]
    public var bUp: [Float]?              // [f]
    public var wDown: [Float]             // [d, f]
    public var bDown: [Float]?            // [d]
}

/// A Llama-family or GPT-2 model in F32.
public final class DenseTransformer: @unchecked Sendable {
    public let config: ModelConfig
    public let layers: [DenseLayer]
    public let embedding: [Float]         // [V, d]
    public let positionEmbedding: [Float]? // [C, d] (GPT-2)
    /// The unembedding [V, d]; the same storage as `embedding` when the model ties them.
    public let output: [Float]
    public let finalNorm: [Float]         // [d]
    public let finalNormBias: [Float]?    // [d]
    public let ropeFreqFactors: [Float]?  // [ropeDims/2]

    /// Dequantizes every weight of `model`. Llama, Qwen 2, Qwen 3 and GPT-2.
    public init(_ model: Transformer) throws {
        let c = model.config
        guard [.llama, .qwen2, .qwen3, .gpt2].contains(c.architecture) else {
            throw GradientsError.unsupportedArchitecture(c.architecture.rawValue)
        }
        let W = model.weights
        let qw = c.heads * c.headDim, kvw = c.kvHeads * c.headDim
        var layers: [DenseLayer] = []
        for L in W.layers {
            var wq: [Float], wk: [Float], wv: [Float], bq = L.bq, bk = L.bk, bv = L.bv
            if let wqkv = L.wqkv {
                let all = dequantize(wqkv)   // [(qw + 2kvw), d]
                let d = c.dModel
                wq = Array(all[0..<(qw * d)]); wk = Array(all[(qw * d)..<((qw + kvw) * d)]); wv = Array(all[((qw + kvw) * d)...])
                if let b = L.bqkv { bq = Array(b[0..<qw]); bk = Array(b[qw..<(qw + kvw)]); bv = Array(b[(qw + kvw)...]) }
            } else if let q = L.wq, let k = L.wk, let v = L.wv {
                wq = dequantize(q); wk = dequantize(k); wv = dequantize(v)
            } else {
                throw GradientsError.unsupportedArchitecture("\(c.architecture.rawValue) without q/k/v projections")
            }
            guard (L.wGate == nil) == (c.architecture == .gpt2) else {
                throw GradientsError.unsupportedArchitecture("\(c.architecture.rawValue) with an unexpected MLP")
            }
            layers.append(DenseLayer(attnNorm: L.attnNorm, attnNormBias: L.attnNormBias, wq: wq, wk: wk, wv: wv,
                                     bq: bq, bk: bk, bv: bv, qNorm: L.qNorm, kNorm: L.kNorm,
                                     wo: dequantize(L.wo), bo: L.bo, ffnNorm: L.ffnNorm, ffnNormBias: L.ffnNormBias,
                                     wGate: L.wGate.map { dequantize($0) }, wUp: dequantize(L.wUp), bUp: L.bUp,
                                     wDown: dequantize(L.wDown), bDown: L.bDown))
        }
        config = c
        self.layers = layers
        embedding = dequantize(W.tokenEmbedding)
        positionEmbedding = W.positionEmbedding.map { dequantize($0) }
        output = W.output.data == W.tokenEmbedding.data ? embedding : dequantize(W.output)
        finalNorm = W.finalNorm
        finalNormBias = W.finalNormBias
        ropeFreqFactors = W.ropeFreqFactors
    }

    /// GPT-2: LayerNorm, learned positions, GELU MLP, no rotary.
    public var isGPT2: Bool { config.architecture == .gpt2 }

    /// cos and sin of the rotary angles at positions 0..<T, each [T, ropeDims/2].
    func ropeTables(tokens T: Int) -> (cos: [Float], sin: [Float]) {
        let half = config.ropeDims / 2
        var cos = [Float](repeating: 0, count: T * half), sin = cos
        cos.withUnsafeMutableBufferPointer { cp in
            sin.withUnsafeMutableBufferPointer { sp in
                ropeFreqFactors.withOptional { factors in
                    for t in 0..<T {
                        ropeAngles(position: t, rotaryDims: config.ropeDims, base: config.ropeBase, freqFactors: factors,
                                   cos: cp.baseAddress! + t * half, sin: sp.baseAddress! + t * half)
                    }
                }
            }
        }
        return (cos, sin)
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's elements, or nil.
    func withOptional<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        switch self {
        case .some(let a): return try a.withUnsafeBufferPointer { try body($0.baseAddress) }
        case .none: return try body(nil)
        }
    }
}
