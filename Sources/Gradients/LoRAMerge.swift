// Merging a LoRA adapter into a model: W' = W + s·B·A for every adapted projection.
//
// Legend: in/out = a projection's widths; W [out, in] (ggml shape [in, out]).
//
// Two forms. In memory (`merged`): a `Transformer` whose adapted projections are F32 copies of
// W + s·B·A and whose other tensors are the base model's own views; this is what `--lora DIR`
// runs, exact to F32, without touching the base file. On disk (`writeMergedGGUF`): the base GGUF
// with those projections replaced by F32 tensors, plus metadata naming the base model's and the
// adapter's hashes, so anything checking a model's identity can tell a merged model from its
// base and say why a bundle trained on one does not hold for the other.

import Formats
import Foundation
import Kernels
import Models

public enum LoRAMerge {
    /// Metadata keys of a merged GGUF file.
    public static let baseModelKey = "overseer.lora.base_model_sha256"
    public static let adapterKey = "overseer.lora.adapter_sha256"

    /// The GGUF name of a projection's weight.
    public static func ggufName(layer: Int, _ p: Projection) -> String {
        let kind: String
        switch p {
        case .q: kind = "attn_q"
        case .k: kind = "attn_k"
        case .v: kind = "attn_v"
        case .o: kind = "attn_output"
        case .gate: kind = "ffn_gate"
        case .up: kind = "ffn_up"
        case .down: kind = "ffn_down"
        }
        return "blk.\(layer).\(kind).weight"
    }

    /// W + s·B·A [out, in] for one slot, from the base view.
    static func mergedWeight(_ base: TensorView, _ adapter: LoRAAdapter, _ slot: LoRASlot) -> [Float] {
        var w = dequantize(base)
        let delta = adapter.delta(slot)
        for i in w.indices { w[i] += delta[i] }
        return w
    }

    /// A transformer with `adapter` merged into its weights (F32 for the adapted projections).
    public static func merged(_ model: Transformer, _ adapter: LoRAAdapter) throws -> Transformer {
        let c = model.config
        guard [.llama, .qwen2, .qwen3].contains(c.architecture) else {
            throw GradientsError.adapter("merging into \(c.architecture.rawValue) is not supported (Llama family only)")
        }
        let storage = MergedStorage(base: model)
        var weights = model.weights
        for s in adapter.slots {
            var L = weights.layers[s.layer]
            func view(_ base: TensorView?) throws -> TensorView {
                guard let base else { throw GradientsError.adapter("the model has no \(s.projection.moduleName) in layer \(s.layer)") }
                return storage.keep(mergedWeight(base, adapter, s), name: base.name, shape: [s.inputs, s.outputs])
            }
            switch s.projection {
            case .q: L.wq = try view(L.wq)
            case .k: L.wk = try view(L.wk)
            case .v: L.wv = try view(L.wv)
            case .o: L.wo = try view(L.wo)
            case .gate: L.wGate = try view(L.wGate)
            case .up: L.wUp = try view(L.wUp)
            case .down: L.wDown = try view(L.wDown)
            }
            weights.layers[s.layer] = L
        }
        do { return try Transformer(config: c, weights: weights, owner: storage) } catch {
            throw GradientsError.adapter("merging failed: \(error)")
        }
    }

    /// SHA-256 (hex) of an adapter folder's weights file.
    public static func adapterSHA256(_ folder: URL) throws -> String {
        let url = folder.appendingPathComponent(PEFTAdapter.weightsFileName)
        do { return try Digest.sha256(fileAt: url) } catch { throw GradientsError.io("cannot read \(url.path): \(error)") }
    }

    /// Writes `base` (a GGUF file) with `adapter` merged into it to `output`.
    public static func writeMergedGGUF(base: URL, adapter: LoRAAdapter, baseSHA256: String, adapterSHA256: String,
                                       to output: URL) throws {
        let file: GGUFFile
        do { file = try GGUFFile(url: base) } catch { throw GradientsError.io("cannot read \(base.path): \(error)") }
        var replaced: [String: (LoRASlot, TensorView)] = [:]
        for s in adapter.slots {
            let name = ggufName(layer: s.layer, s.projection)
            guard let view = file.tensor(named: name) else { throw GradientsError.adapter("the base model has no tensor \(name)") }
            replaced[name] = (s, view)
        }
        var w = GGUFWriter()
        for key in file.metadataKeys {
            if let v = file.metadata[key] { w.add(key, v) }
        }
        w.add(baseModelKey, .string(baseSHA256))
        w.add(adapterKey, .string(adapterSHA256))
        for info in file.tensors {
            let view = file.view(info)
            if let (slot, base) = replaced[info.name] {
                let merged = mergedWeight(base, adapter, slot)
                w.addTensor(name: info.name, type: .f32, shape: [slot.inputs, slot.outputs],
                            bytes: merged.withUnsafeBytes { Array($0) })   // (little-endian on every supported CPU)
            } else {
                w.addTensor(name: info.name, type: info.type, shape: info.shape,
                            bytes: Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount)))
            }
        }
        do { try w.write(to: output) } catch { throw GradientsError.io("cannot write \(output.path): \(error)") }
    }
}

/// Owns the merged F32 matrices and keeps the base model (and its mapped file) alive.
final class MergedStorage: @unchecked Sendable {
    let base: Transformer
    private var buffers: [UnsafeMutablePointer<Float>] = []

    init(base: Transformer) { self.base = base }

    func keep(_ values: [Float], name: String, shape: [Int]) -> TensorView {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
        values.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: values.count) }
        buffers.append(p)
        return TensorView(name: name, type: .f32, shape: shape, data: UnsafeRawPointer(p), byteCount: values.count * 4)
    }

    deinit { for p in buffers { p.deallocate() } }
}

extension LanguageModel {
    /// `formatSummary` key naming the adapter folder merged in by `withLoRA`.
    public static let loraSummaryKey = "lora adapter"

    /// This model with the PEFT adapter in `folder` merged into its weights (in memory).
    public func withLoRA(_ folder: URL) throws -> LanguageModel {
        let adapter = try PEFTAdapter.read(folder, model: config)
        let merged = try LoRAMerge.merged(transformer, adapter)
        let r = adapter.config
        return try replacingTransformer(merged, notes: [
            Self.loraSummaryKey: folder.path,
            "lora": "rank \(r.rank), alpha \(r.alpha), \(r.projections.map(\.moduleName).joined(separator: ",")) "
                + "on \(r.layers.count) layer(s)",
        ])
    }

    /// The base model's hash a merged GGUF file records (`overseer.lora.base_model_sha256`), or nil.
    public var mergedBaseModelSHA256: String? {
        guard url.pathExtension.lowercased() == "gguf", let file = try? GGUFFile(url: url) else { return nil }
        return file.metadata[LoRAMerge.baseModelKey]?.stringValue
    }
}
