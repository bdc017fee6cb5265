// LoRA adapters (Hu et al. 2021) on the projections of a decoder block (Llama family; GPT-2 with
// its fused QKV split into q, k and v).
//
// Legend: T = tokens, r = rank, in/out = the projection's input and output widths.
//
// An adapted projection computes y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ with A [r, in], B [out, r] and
// s = alpha / r, as Hugging Face PEFT does. A starts uniform in ±1/sqrt(in) (PEFT's
// Kaiming-uniform with a = sqrt(5)) and B at zero, so a fresh adapter changes nothing.
//
// Every A and B lives in one flat parameter array (`parameters`), slot after slot in layer
// order and, within a layer, in `Projection` order; a gradient has the same layout, so one
// `Adam` steps the whole adapter at once.

import Kernels
import Models

/// A projection of a decoder block that can carry an adapter.
public enum Projection: String, CaseIterable, Codable, Sendable, Comparable {
    case q, k, v, o, gate, up, down

    /// Accepts `q` or `q_proj` (PEFT's `target_modules` spelling).
    public init(parsing text: String) throws {
        let short = text.hasSuffix("_proj") ? String(text.dropLast(5)) : text
        guard let p = Projection(rawValue: short) else { throw GradientsError.unknownProjection(text) }
        self = p
    }

    /// The Hugging Face module name (`q_proj`, ..., `down_proj`).
    public var moduleName: String { rawValue + "_proj" }

    /// The module's path inside a decoder layer (`self_attn.q_proj`, `mlp.down_proj`).
    public var modulePath: String {
        switch self {
        case .q, .k, .v, .o: return "self_attn." + moduleName
        case .gate, .up, .down: return "mlp." + moduleName
        }
    }

    /// (inputs, outputs) of the projection in a model of configuration `c`.
    public func shape(_ c: ModelConfig) -> (inputs: Int, outputs: Int) {
        let qw = c.heads * c.headDim, kvw = c.kvHeads * c.headDim
        switch self {
        case .q: return (c.dModel, qw)
        case .k, .v: return (c.dModel, kvw)
        case .o: return (qw, c.dModel)
        case .gate, .up: return (c.dModel, c.dFF)
        case .down: return (c.dFF, c.dModel)
        }
    }

    public static func < (a: Projection, b: Projection) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Rank, scaling and placement of an adapter.
public struct LoRAConfig: Sendable, Equatable, Codable {
    public var rank: Int
    public var alpha: Float
    /// Adapted layers, ascending.
    public var layers: [Int]
    /// Adapted projections, in `Projection` order.
    public var projections: [Projection]

    public init(rank: Int, alpha: Float, layers: [Int], projections: [Projection]) {
        self.rank = rank
        self.alpha = alpha
        self.layers = Array(Set(layers)).sorted()
        self.projections = Array(Set(projections)).sorted()
    }

    /// s = alpha / r, the factor on the adapter's output.
    public var scale: Float { alpha / Float(rank) }

    /// Checks the configuration against a model.
    public func validate(for c: ModelConfig) throws {
        guard rank >= 1 && rank <= 4096 else { throw GradientsError.invalidOption("LoRA rank \(rank) must be in 1...4096") }
        guard alpha.isFinite && alpha > 0 else { throw GradientsError.invalidOption("LoRA alpha \(alpha) must be positive") }
        guard !layers.isEmpty, !projections.isEmpty else {
            throw GradientsError.invalidOption("a LoRA adapter needs at least one layer and one projection")
        }
        for l in layers where l < 0 || l >= c.layers { throw GradientsError.invalidLayer(l, layers: c.layers) }
        if c.architecture == .gpt2 && projections.contains(.gate) {
            throw GradientsError.invalidOption("GPT-2 has no gate projection (its MLP is up and down)")
        }
    }
}

/// Where one adapted projection's A and B sit in the flat parameter array.
public struct LoRASlot: Sendable, Equatable {
    public let layer: Int
    public let projection: Projection
    public let inputs: Int, outputs: Int
    /// Offsets of A [r, in] and B [out, r].
    public let offsetA: Int, offsetB: Int
}

/// A LoRA adapter: configuration and parameters.
///
/// ```swift
/// var adapter = try LoRAAdapter(model: config, lora: LoRAConfig(rank: 8, alpha: 16, layers: [10], projections: [.q, .v]), seed: 1)
/// ```
public struct LoRAAdapter: Sendable, Equatable {
    public let config: LoRAConfig
    public let slots: [LoRASlot]
    /// Every A and B, slot after slot. [parameterCount]
    public var parameters: [Float]
    /// slotIndex[layer][projection ordinal] → index into `slots`, or nil.
    let slotIndex: [[Int?]]

    /// A fresh adapter: A uniform in ±1/sqrt(in) drawn from `seed`, B zero.
    public init(model c: ModelConfig, lora: LoRAConfig, seed: UInt64) throws {
        try self.init(model: c, lora: lora, parameters: nil)
        var rng = Xoshiro256(seed: seed, stream: 0x4C6F5241)   // "LoRA"
        for s in slots {
            let bound = 1 / Float(s.inputs).squareRoot()
            for i in 0..<(lora.rank * s.inputs) { parameters[s.offsetA + i] = (2 * rng.nextUnitFloat() - 1) * bound }
        }
    }

    /// An adapter with the given parameters (nil: zeros), laid out as `slots` says.
    public init(model c: ModelConfig, lora: LoRAConfig, parameters: [Float]?) throws {
        try lora.validate(for: c)
        config = lora
        var slots: [LoRASlot] = []
        var index = [[Int?]](repeating: [Int?](repeating: nil, count: Projection.allCases.count), count: c.layers)
        var offset = 0
        for l in lora.layers {
            for p in lora.projections {
                let (n, m) = p.shape(c)
                index[l][Projection.allCases.firstIndex(of: p)!] = slots.count
                slots.append(LoRASlot(layer: l, projection: p, inputs: n, outputs: m,
                                      offsetA: offset, offsetB: offset + lora.rank * n))
                offset += lora.rank * (n + m)
            }
        }
        self.slots = slots
        slotIndex = index
        if let parameters {
            guard parameters.count == offset else {
                throw GradientsError.adapter("\(parameters.count) parameters for a layout of \(offset)")
            }
            self.parameters = parameters
        } else {
            self.parameters = [Float](repeating: 0, count: offset)
        }
    }

    public var parameterCount: Int { parameters.count }

    /// The slot adapting `projection` of `layer`, if any.
    public func slot(layer: Int, _ projection: Projection) -> LoRASlot? {
        guard layer >= 0, layer < slotIndex.count,
              let i = slotIndex[layer][Projection.allCases.firstIndex(of: projection)!] else { return nil }
        return slots[i]
    }

    /// The low-rank update s·B·A [out, in] of one slot, row-major (for merging).
    public func delta(_ s: LoRASlot) -> [Float] {
        let r = config.rank, scale = config.scale
        var out = [Float](repeating: 0, count: s.outputs * s.inputs)
        parameters.withUnsafeBufferPointer { p in
            let A = p.baseAddress! + s.offsetA, B = p.baseAddress! + s.offsetB
            out.withUnsafeMutableBufferPointer { o in
                for row in 0..<s.outputs {
                    for k in 0..<r {
                        let b = scale * B[row * r + k]
                        if b != 0 { axpy(b, A + k * s.inputs, o.baseAddress! + row * s.inputs, count: s.inputs) }
                    }
                }
            }
        }
        return out
    }
}
