// A Llama-family model's weights dequantized to F32, for training and gradients.
//
// Legend: d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim, V = vocab.
// Matrices are row-major [out, in] (a GGUF tensor [cols, rows] read row by row).
//
// The inference path multiplies quantized weights by quantized activations; a gradient needs
// the function it differentiates to be smooth in the activations, so training runs entirely in
// F32 on these copies. The copies are made once per model (SmolLM2-135M: about 540 MB).

import Kernels
import Models

/// The F32 weights of one block.
public struct DenseLayer: @unchecked Sendable {
    public var attnNorm: [Float]          // [d]
    public var wq: [Float]                // [H*hd, d]
    public var wk: [Float]                // [Hkv*hd, d]
    public var wv: [Float]                // [Hkv*hd, d]
    public var bq: [Float]?               // [H*hd]
    public var bk: [Float]?               // [Hkv*hd]
    public var bv: [Float]?               // [Hkv*hd]
    public var qNorm: [Float]?            // [hd]
    public var kNorm: [Float]?            // [hd]
    public var wo: [Float]                // [d, H*hd]
    public var ffnNorm: [Float]           // [d]
    public var wGate: [Float]             // [f, d]
    public var wUp: [Float]               // [f, d]
    public var wDown: [Float]             // [d, f]

    /// The base weight of a projection.
    public func weight(_ p: Projection) -> [Float] {
        switch p {
        case .q: return wq
        case .k: return wk
        case .v: return wv
        case .o: return wo
        case .gate: return wGate
        case .up: return wUp
        case .down: return wDown
        }
    }
}

/// A Llama-family model in F32.
public final class DenseLlama: @unchecked Sendable {
    public let config: ModelConfig
    public let layers: [DenseLayer]
    public let embedding: [Float]         // [V, d]
    /// The unembedding [V, d]; the same storage as `embedding` when the model ties them.
    public let output: [Float]
    public let finalNorm: [Float]         // [d]
    public let ropeFreqFactors: [Float]?  // [ropeDims/2]

    /// Dequantizes every weight of `model`. Llama, Qwen 2 and Qwen 3 only.
    public init(_ model: Transformer) throws {
        let c = model.config
        guard [.llama, .qwen2, .qwen3].contains(c.architecture) else {
            throw GradientsError.unsupportedArchitecture(c.architecture.rawValue)
        }
        let W = model.weights
        var layers: [DenseLayer] = []
        for L in W.layers {
            guard let wq = L.wq, let wk = L.wk, let wv = L.wv, let wGate = L.wGate else {
                throw GradientsError.unsupportedArchitecture("\(c.architecture.rawValue) without separate q/k/v/gate")
            }
            layers.append(DenseLayer(attnNorm: L.attnNorm, wq: dequantize(wq), wk: dequantize(wk), wv: dequantize(wv),
                                     bq: L.bq, bk: L.bk, bv: L.bv, qNorm: L.qNorm, kNorm: L.kNorm,
                                     wo: dequantize(L.wo), ffnNorm: L.ffnNorm, wGate: dequantize(wGate),
                                     wUp: dequantize(L.wUp), wDown: dequantize(L.wDown)))
        }
        config = c
        self.layers = layers
        embedding = dequantize(W.tokenEmbedding)
        output = W.output.data == W.tokenEmbedding.data ? embedding : dequantize(W.output)
        finalNorm = W.finalNorm
        ropeFreqFactors = W.ropeFreqFactors
    }

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
