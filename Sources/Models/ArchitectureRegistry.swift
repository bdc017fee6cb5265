// One home per architecture family. Each family is registered here once, under the names its
// files use (GGUF `general.architecture`, Hugging Face `model_type`), and owns everything that
// differs between families, in its own file (Llama.swift, GPT2.swift, Gemma3.swift):
//   - its configuration, read into the one `ModelConfig` from GGUF metadata or from config.json;
//   - its tensor names: the weight loader asks for GGUF names, and the family says where a
//     Hugging Face checkpoint keeps each one and how its layout differs (`HFTensor`);
//   - its weights, a type whose fields are optional only where the family itself varies;
//   - its forward pass.
// Loading is then the same for every family and both formats: look the name up, read the
// configuration, read the weights through a `TensorSource`, run.

import Formats
import Foundation
import Kernels
import Taps

/// A family's loaded weights, which run a batch through a session.
protocol FamilyWeights: Sendable {
    /// The architecture-neutral view (`TransformerWeights`) for code that treats every family
    /// alike: gradients, LoRA merging, the roofline, `inspect`.
    var neutral: TransformerWeights { get }
    /// Runs one batch (at most the session's `maxBatch` tokens) at the cache's position and
    /// returns the number of logit rows written to the session's logits buffer.
    func forward(_ session: InferenceSession, _ tokens: UnsafeBufferPointer<Int>, logits: LogitsSelection,
                 sink: TapSink?) -> Int
}

/// One architecture family: its names, configuration readers, tensor names and weights.
protocol ArchitectureFamily {
    /// The `Architecture` values this family runs (the Llama family runs three variants).
    static var architectures: [Architecture] { get }
    /// `general.architecture` values of its GGUF files, with the variant each one means.
    static var ggufNames: [String: Architecture] { get }
    /// `model_type` values of its config.json files, with the variant each one means.
    static var huggingFaceNames: [String: Architecture] { get }
    /// The configuration from GGUF metadata (keys prefixed by the architecture name).
    static func configuration(gguf: GGUFMetadata, architecture: Architecture) throws -> ModelConfig
    /// The configuration from config.json.
    static func configuration(huggingFace: HFConfig, architecture: Architecture) throws -> ModelConfig
    /// Where a Hugging Face checkpoint keeps the tensor GGUF files call `gguf`, and how its
    /// layout differs; nil when the checkpoint has no such tensor (a tied output, say).
    static func huggingFaceTensor(_ gguf: GGUFTensorName, config: ModelConfig) -> HFTensor?
    /// Tensors a Hugging Face checkpoint implies but does not store (Llama 3.1's frequency
    /// divisors come from `rope_scaling`), by GGUF name.
    static func huggingFaceDerived(_ hf: HFConfig, config: ModelConfig) throws -> [String: [Float]]
    /// Reads and checks every tensor, by GGUF name.
    static func weights(_ source: TensorSource, config: ModelConfig) throws -> any FamilyWeights
    /// The same from the neutral view (weights rebuilt in memory, e.g. with an adapter merged
    /// in); throws `missingTensor` for anything the family needs that the view lacks.
    static func weights(neutral: TransformerWeights, config: ModelConfig) throws -> any FamilyWeights
}

extension ArchitectureFamily {
    static func huggingFaceDerived(_ hf: HFConfig, config: ModelConfig) throws -> [String: [Float]] { [:] }
}

/// The families the engine runs, each registered once.
///
/// ```swift
/// let family = try ArchitectureRegistry.family(gguf: "qwen2")   // the Llama family, variant .qwen2
/// ```
enum ArchitectureRegistry {
    static var families: [any ArchitectureFamily.Type] { [LlamaFamily.self, GPT2Family.self, Gemma3Family.self] }

    /// Every name a file may use, GGUF names first, each once.
    static var supportedNames: [String] {
        let gguf = families.flatMap { $0.ggufNames.keys.sorted() }
        let hf = families.flatMap { $0.huggingFaceNames.keys.sorted() }.filter { !gguf.contains($0) }
        return gguf + hf
    }

    /// What an unsupported-architecture error lists: the names of each format.
    static var supportedDescription: String {
        let gguf = families.flatMap { $0.ggufNames.keys.sorted() }.joined(separator: ", ")
        let hf = families.flatMap { $0.huggingFaceNames.keys.sorted() }.joined(separator: ", ")
        return "GGUF general.architecture: \(gguf); config.json model_type: \(hf)"
    }

    static func family(gguf name: String) throws -> (any ArchitectureFamily.Type, Architecture) {
        for f in families { if let a = f.ggufNames[name] { return (f, a) } }
        throw ModelError.unsupportedArchitecture(name)
    }

    static func family(huggingFace modelType: String) throws -> (any ArchitectureFamily.Type, Architecture) {
        for f in families { if let a = f.huggingFaceNames[modelType] { return (f, a) } }
        throw ModelError.unsupportedArchitecture(modelType)
    }

    static func family(for architecture: Architecture) -> any ArchitectureFamily.Type {
        // Every Architecture case belongs to exactly one registered family (a test holds this).
        families.first { $0.architectures.contains(architecture) } ?? LlamaFamily.self
    }
}

// MARK: - Configuration from either source

extension ModelConfig {
    /// The configuration of a GGUF file, read by its architecture's family.
    public init(gguf file: GGUFFile) throws {
        guard let name = file.metadata["general.architecture"]?.stringValue else {
            throw ModelError.missingMetadata("general.architecture")
        }
        let (family, architecture) = try ArchitectureRegistry.family(gguf: name)
        self = try family.configuration(gguf: GGUFMetadata(file: file, prefix: name), architecture: architecture)
        try validate()
    }

    /// The configuration of a Hugging Face config.json, read by its `model_type`'s family.
    public init(huggingFace hf: HFConfig) throws {
        let (family, architecture) = try ArchitectureRegistry.family(huggingFace: hf.modelType)
        self = try family.configuration(huggingFace: hf, architecture: architecture)
        try validate()
    }

    /// The fields every family has, from GGUF metadata: `{arch}.embedding_length`,
    /// `block_count`, `attention.head_count[_kv]`, `attention.key_length`, `feed_forward_length`,
    /// `vocab_size` (else the embedding's rows), `context_length`, the norm epsilon under
    /// `epsKey`, `rope.freq_base`, `rope.dimension_count`.
    init(architecture: Architecture, ropeStyle: RopeStyle, gguf m: GGUFMetadata, epsKey: String) throws {
        let d = try m.int(m.arch("embedding_length"))
        let heads = try m.int(m.arch("attention.head_count"))
        let kvHeads = try m.optionalInt(m.arch("attention.head_count_kv")) ?? heads
        guard heads > 0, d > 0 else { throw ModelError.invalidMetadata(m.arch("attention.head_count"), "must be positive") }
        let headDim = try m.optionalInt(m.arch("attention.key_length")) ?? d / heads
        if let valueDim = try m.optionalInt(m.arch("attention.value_length")), valueDim != headDim {
            throw ModelError.invalidMetadata(m.arch("attention.value_length"),
                                             "\(valueDim) differs from the key length \(headDim)")
        }
        guard let embedding = m.file.tensor(named: "token_embd.weight") else { throw ModelError.missingTensor("token_embd.weight") }
        self.init(
            architecture: architecture,
            dModel: d,
            layers: try m.int(m.arch("block_count")),
            heads: heads,
            kvHeads: kvHeads,
            headDim: headDim,
            dFF: try m.int(m.arch("feed_forward_length")),
            vocab: try m.optionalInt(m.arch("vocab_size")) ?? embedding.rows,
            contextLength: try m.optionalInt(m.arch("context_length")) ?? 2048,
            normEps: Float(try m.optionalDouble(m.arch(epsKey)) ?? 1e-5),
            ropeBase: try m.optionalDouble(m.arch("rope.freq_base")) ?? 10_000,
            ropeDims: try m.optionalInt(m.arch("rope.dimension_count")) ?? headDim,
            ropeStyle: ropeStyle)
    }

    /// The same fields from config.json (already normalized by `HFConfig`: GPT-2's `n_embd`
    /// arrives as `hiddenSize`, and so on). Rotary embeddings cover the whole head.
    init(architecture: Architecture, ropeStyle: RopeStyle, huggingFace h: HFConfig) {
        self.init(
            architecture: architecture, dModel: h.hiddenSize, layers: h.numHiddenLayers,
            heads: h.numAttentionHeads, kvHeads: h.numKeyValueHeads, headDim: h.headDim,
            dFF: h.intermediateSize, vocab: h.vocabSize, contextLength: h.maxPositionEmbeddings,
            normEps: Float(h.normEps), ropeBase: h.ropeTheta, ropeDims: h.headDim, ropeStyle: ropeStyle)
    }
}

// MARK: - Loading

extension Transformer {
    /// Reads the model described by an open GGUF file. The file stays mapped while the model lives.
    public static func load(gguf file: GGUFFile) throws -> Transformer {
        let config = try ModelConfig(gguf: file)
        let family = ArchitectureRegistry.family(for: config.architecture)
        return try Transformer(config: config, family: family.weights(file, config: config), owner: file)
    }

    /// Reads a Hugging Face folder's weights (model.safetensors, or shards with
    /// model.safetensors.index.json) described by its decoded config.json. The shards stay
    /// mapped while the model lives; tensors whose layout differs from GGUF's are copied once.
    public static func load(huggingFace hf: HFConfig, tensors collection: SafetensorsCollection) throws -> Transformer {
        let config = try ModelConfig(huggingFace: hf)
        let family = ArchitectureRegistry.family(for: config.architecture)
        let source = HuggingFaceTensors(collection: collection, derived: try family.huggingFaceDerived(hf, config: config)) {
            family.huggingFaceTensor($0, config: config)
        }
        do {
            return try Transformer(config: config, family: family.weights(source, config: config), owner: source)
        } catch ModelError.missingTensor(let gguf) {
            // Name the tensor as the folder would hold it.
            guard let hfName = GGUFTensorName(gguf).flatMap({ family.huggingFaceTensor($0, config: config) })?.names.first else {
                throw ModelError.missingTensor(gguf)
            }
            throw ModelError.missingTensor("\(hfName) (GGUF \(gguf))")
        }
    }
}

// MARK: - Tensor names

/// A GGUF tensor name split into its parts: `blk.3.attn_q.weight` is layer 3, kind `attn_q`,
/// suffix `weight`; `output_norm.weight` has no layer.
struct GGUFTensorName: Equatable {
    let layer: Int?
    let kind: String
    let suffix: String

    init?(_ name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4, parts[0] == "blk", let l = Int(parts[1]), l >= 0 {
            (layer, kind, suffix) = (l, parts[2], parts[3])
        } else if parts.count == 2 {
            (layer, kind, suffix) = (nil, parts[0], parts[1])
        } else {
            return nil
        }
    }
}

/// Where a Hugging Face checkpoint keeps a tensor, and what turns it into the GGUF tensor.
struct HFTensor: Equatable {
    /// How the stored tensor differs from the one GGUF files hold (llama.cpp's converter
    /// applies the same changes when it writes a GGUF file).
    enum Layout: Equatable {
        /// Stored as GGUF holds it (after the safetensors reader's reversal of the shape to
        /// ggml order: `q_proj` [out, in] reads as [in, out] like `attn_q`).
        case same
        /// A Conv1D weight (GPT-2) stored [in, out]: transposed to [out, in].
        case transposed
        /// Llama's q or k projection (or bias) with `heads` heads: each head's rows reordered
        /// from two halves (rotary pairs i, i + hd/2) to interleaved pairs (2i, 2i + 1), so the
        /// interleaved rotary embedding of GGUF Llama files applies.
        case interleavedHeads(Int)
        /// A Gemma norm weight w, which the model applies as (1 + w): stored as 1 + w (in f32).
        case plusOne
    }

    /// Names to try, in order (GPT-2 checkpoints may or may not carry a `transformer.` prefix).
    var names: [String]
    var layout: Layout = .same

    init(_ names: String..., layout: Layout = .same) {
        self.names = names
        self.layout = layout
    }
}

/// A Hugging Face folder's tensors served under GGUF names, in GGUF layout: the weight loaders
/// of every family read both formats through the same `TensorSource` calls.
///
/// Tensors whose layout differs are copied once into memory this object owns (it is the
/// model's `owner`, keeping the shards' mappings alive too).
final class HuggingFaceTensors: TensorSource, @unchecked Sendable {
    // @unchecked Sendable: written only while loading; afterwards immutable, kept as the owner.
    let collection: SafetensorsCollection
    private let lookup: (GGUFTensorName) -> HFTensor?
    private let derived: [String: [Float]]
    private var buffers: [UnsafeMutableRawPointer] = []

    init(collection: SafetensorsCollection, derived: [String: [Float]], lookup: @escaping (GGUFTensorName) -> HFTensor?) {
        self.collection = collection
        self.derived = derived
        self.lookup = lookup
    }

    deinit { for b in buffers { b.deallocate() } }

    func tensorView(_ name: String) throws -> TensorView? {
        if let values = derived[name] {
            return keep(name: name, type: .f32, shape: [values.count], byteCount: values.count * 4) { out in
                values.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
        guard let parsed = GGUFTensorName(name), let hf = lookup(parsed) else { return nil }
        var found: TensorView?
        for candidate in hf.names where found == nil { found = try collection.tensor(named: candidate) }
        guard let t = found else { return nil }
        switch hf.layout {
        case .same:
            return t
        case .transposed:
            return try transposed(t)
        case .interleavedHeads(let heads):
            return try interleavedHeads(t, heads: heads)
        case .plusOne:
            let values = dequantize(t).map { 1 + $0 }
            return keep(name: t.name, type: .f32, shape: t.shape, byteCount: values.count * 4) { out in
                values.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
    }

    /// Bytes per element of an unquantized type (safetensors holds F32, F16 and BF16 only).
    private func elementBytes(_ t: TensorView) throws -> Int {
        guard t.type.blockSize == 1 else {
            throw ModelError.unsupportedTensorType(name: t.name, type: "\(t.type) (a relaid-out tensor must be unquantized)")
        }
        return t.type.bytesPerBlock
    }

    /// [cols, rows] → [rows, cols], element by element (bytes copied, values untouched).
    private func transposed(_ t: TensorView) throws -> TensorView {
        guard t.shape.count == 2 else { throw ModelError.tensorShape(name: t.name, expected: [t.cols, t.rows], found: t.shape) }
        let e = try elementBytes(t)
        let cols = t.cols, rows = t.rows
        return keep(name: t.name, type: t.type, shape: [rows, cols], byteCount: cols * rows * e) { out in
            for r in 0..<rows {
                for c in 0..<cols {
                    (out + (c * rows + r) * e).copyMemory(from: t.data + (r * cols + c) * e, byteCount: e)
                }
            }
        }
    }

    /// Rows (or, for a vector, elements) of each head reordered from halves to interleaved
    /// pairs: output row h·hd + 2i + j is input row h·hd + j·hd/2 + i.
    private func interleavedHeads(_ t: TensorView, heads: Int) throws -> TensorView {
        let e = try elementBytes(t)
        let isVector = t.shape.count == 1
        let n = isVector ? t.cols : t.rows                 // rows to reorder
        let rowBytes = isVector ? e : t.cols * e
        guard heads > 0, n % heads == 0, (n / heads) % 2 == 0 else {
            throw ModelError.tensorShape(name: t.name, expected: [t.cols, heads * 2], found: t.shape)
        }
        let hd = n / heads, half = hd / 2
        return keep(name: t.name, type: t.type, shape: t.shape, byteCount: n * rowBytes) { out in
            for h in 0..<heads {
                for i in 0..<half {
                    for j in 0..<2 {
                        (out + (h * hd + 2 * i + j) * rowBytes)
                            .copyMemory(from: t.data + (h * hd + j * half + i) * rowBytes, byteCount: rowBytes)
                    }
                }
            }
        }
    }

    private func keep(name: String, type: TensorType, shape: [Int], byteCount: Int,
                      fill: (UnsafeMutableRawPointer) -> Void) -> TensorView {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        fill(p)
        buffers.append(p)
        return TensorView(name: name, type: type, shape: shape, data: UnsafeRawPointer(p), byteCount: byteCount)
    }
}

/// `value`, or a `missingTensor` error naming the GGUF tensor that should have held it.
func required<T>(_ value: T?, _ name: String) throws -> T {
    guard let value else { throw ModelError.missingTensor(name) }
    return value
}
