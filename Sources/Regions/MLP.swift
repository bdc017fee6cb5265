// The network: an MLP from (x, y) in [-1, 1]² to one grey value, leaky-ReLU hidden layers.
//
// Legend of dimension names used in shape comments across the module:
//   K  inputs of a layer, padded (Kp) to the previous layer's padded width
//   J  outputs (units) of a layer, padded (Jp) to a multiple of `MLP.unitBlock` (6)
//   L  number of layers (hidden layers + the output layer)
//
// Parameter layout. All parameters live in one flat `[Float]` so Adam, gradient buffers and the
// chunk reduction are plain loops over one array. Each layer's weights are stored *packed for the
// register-blocked kernel*: units in blocks of 6, and inside a block the 6 weights of one input
// are adjacent, i.e. `[Jp/6][Kp][6]`. Padding units have zero weights and zero bias, hence a
// pre-activation of exactly 0: never active, never hashed (their key is 0), and they feed zeros
// forward, so their gradients are exactly 0 and Adam leaves them at 0.

import Foundation
import Kernels

/// Where one layer's parameters sit in `MLP.parameters`.
public struct LayerLayout: Equatable {
    /// Logical inputs and outputs (K, J) and their padded counts (Kp, Jp).
    public let inputs: Int, outputs: Int
    public let paddedInputs: Int, paddedOutputs: Int
    /// Offset of the packed weights `[Jp/6][Kp][6]` and of the bias `[Jp]` in the flat array.
    public let weightOffset: Int, biasOffset: Int
    /// Offset of this layer's first unit in the concatenation of all padded hidden units
    /// (the index space of hash keys and stored activation patterns).
    public let unitOffset: Int

    /// Flat index of weight (unit j, input k) in the packed layout.
    @inline(__always)
    public func weightIndex(unit j: Int, input k: Int) -> Int {
        weightOffset + (j / MLP.unitBlock) * paddedInputs * MLP.unitBlock + k * MLP.unitBlock + j % MLP.unitBlock
    }
}

/// A leaky-ReLU MLP with He-initialised weights, stored packed for the panel GEMM.
///
/// ```swift
/// var rng = Xoshiro256(seed: 1, stream: .training)
/// let net = MLP(shape: try NetworkShape(parsing: "[64,64]"), rng: &rng)
/// let grey = net.evaluateScalar(x: 0.5, y: -0.25)
/// ```
public struct MLP {
    /// Units per register block of the kernel: 6 units × 16 lanes = 12 AVX2 accumulators.
    public static let unitBlock = 6
    /// Slope of the leaky ReLU for negative pre-activations.
    public static let leakySlope: Float = 0.01

    public let shape: NetworkShape
    /// Hidden layers then the output layer. [L]
    public let layers: [LayerLayout]
    /// All weights and biases, packed as described at the top of the file.
    public var parameters: [Float]
    /// Total padded hidden units (length of the hash-key and pattern index space).
    public let paddedHiddenUnits: Int

    /// Builds the layout and draws initial weights from the training stream.
    ///
    /// He/Kaiming normal init for leaky ReLU: std = sqrt(2 / ((1 + a²) · fanIn)); the output layer,
    /// which is linear, uses std = sqrt(1 / fanIn). Biases start at 0. Weights are drawn in logical
    /// (layer, unit, input) order, so the padding never changes which number lands where.
    public init(shape: NetworkShape, rng: inout Xoshiro256) {
        self.shape = shape
        let widths = shape.widths
        var layers: [LayerLayout] = []
        var offset = 0, units = 0
        var previousPadded = 2
        for l in 1..<widths.count {
            let j = widths[l]
            let jp = (j + MLP.unitBlock - 1) / MLP.unitBlock * MLP.unitBlock
            let layout = LayerLayout(inputs: widths[l - 1], outputs: j, paddedInputs: previousPadded,
                                     paddedOutputs: jp, weightOffset: offset,
                                     biasOffset: offset + jp * previousPadded, unitOffset: units)
            layers.append(layout)
            offset = layout.biasOffset + jp
            if l < widths.count - 1 { units += jp }
            previousPadded = jp
        }
        self.layers = layers
        self.paddedHiddenUnits = units
        var params = [Float](repeating: 0, count: offset)
        let a = MLP.leakySlope
        for (l, layout) in layers.enumerated() {
            let isOutput = l == layers.count - 1
            let gain: Float = isOutput ? 1 : 2 / (1 + a * a)
            let std = (gain / Float(layout.inputs)).squareRoot()
            for j in 0..<layout.outputs {
                for k in 0..<layout.inputs {
                    params[layout.weightIndex(unit: j, input: k)] = std * Float(rng.nextGaussian())
                }
            }
        }
        self.parameters = params
    }

    /// Largest padded width of any layer (size of the activation scratch per point).
    public var maxPaddedWidth: Int { layers.map(\.paddedOutputs).max() ?? 0 }

    /// Weight of unit `j` on input `k` of layer `l` (logical indices).
    public func weight(layer l: Int, unit j: Int, input k: Int) -> Float {
        parameters[layers[l].weightIndex(unit: j, input: k)]
    }

    public func bias(layer l: Int, unit j: Int) -> Float { parameters[layers[l].biasOffset + j] }

    /// Leaky ReLU as a select on `z > 0`, the same test that decides whether a unit is active, in
    /// the same form the SIMD kernel uses, so both paths agree even on signed zeros.
    @inline(__always)
    public static func leaky(_ z: Float) -> Float { z > 0 ? z : z * leakySlope }

    /// The scalar reference forward pass for one point, logical sizes only, no padding, no SIMD.
    ///
    /// Each pre-activation is `bias` followed by fused multiply-adds in input order, the same
    /// sequence each lane of the panel kernel performs, so the two agree bit for bit (padding
    /// adds exact zeros at the end). `visit(layer, unit, z)` sees every hidden pre-activation,
    /// which is how the tests rebuild activation patterns independently of the renderer.
    public func evaluateScalar(x: Float, y: Float, visit: ((Int, Int, Float) -> Void)? = nil) -> Float {
        var input: [Float] = [x, y]
        var output: [Float] = []
        for (l, layout) in layers.enumerated() {
            let isOutput = l == layers.count - 1
            output = [Float](repeating: 0, count: layout.outputs)
            for j in 0..<layout.outputs {
                var acc = parameters[layout.biasOffset + j]
                for k in 0..<layout.inputs {
                    acc = acc.addingProduct(input[k], parameters[layout.weightIndex(unit: j, input: k)])
                }
                if !isOutput { visit?(l, j, acc) }
                output[j] = isOutput ? acc : MLP.leaky(acc)
            }
            input = output
        }
        return output[0]
    }
}

/// The 64-bit key of every hidden unit, drawn from the key stream, split into 32-bit halves.
///
/// The region hash of a point is the XOR of the keys of its active units. XOR works lane-wise on
/// the two halves independently (no carries), so the fused kernel keeps two `SIMD16<UInt32>`
/// running hashes and never widens its comparison masks to 64 bits.
public struct HashKeys {
    /// Low and high halves of each padded hidden unit's key (0 for padding units). [units]
    public let low: [UInt32], high: [UInt32]

    public init(network: MLP, seed: UInt64) {
        var rng = Xoshiro256(seed: seed, stream: .hashKeys)
        var low = [UInt32](repeating: 0, count: network.paddedHiddenUnits)
        var high = low
        for layout in network.layers.dropLast() {
            for j in 0..<layout.outputs {
                let key = rng.next()
                low[layout.unitOffset + j] = UInt32(truncatingIfNeeded: key)
                high[layout.unitOffset + j] = UInt32(truncatingIfNeeded: key >> 32)
            }
        }
        self.low = low
        self.high = high
    }

    /// The full 64-bit key of padded unit index `u`.
    public func key(_ u: Int) -> UInt64 { UInt64(high[u]) << 32 | UInt64(low[u]) }
}
