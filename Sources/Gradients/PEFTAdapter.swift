// LoRA adapters in the Hugging Face PEFT layout: a folder with
//
//   adapter_config.json        {"peft_type": "LORA", "r", "lora_alpha", "target_modules",
//                               "layers_to_transform", "task_type": "CAUSAL_LM", ...}
//   adapter_model.safetensors  base_model.model.model.layers.{L}.{self_attn|mlp}.{q..down}_proj.lora_A.weight [r, in]
//                              base_model.model.model.layers.{L}.{...}.lora_B.weight                        [out, r]
//                              F32; `__metadata__` {"format": "pt"} plus the base model's hash
//
// so `PeftModel.from_pretrained` loads what `finetune` writes, and adapters trained elsewhere
// load here. Rows of A and B are in Hugging Face order. GGUF files of the `llama` architecture
// store Q and K with each head's rows permuted for interleaved rotary (llama.cpp's converter
// puts HF row h·hd + c·hd/2 + i at h·hd + 2i + c); the rows of q's and k's B are permuted the
// same way on reading and back on writing, so an adapter means the same in both worlds.

import Formats
import Foundation
import Kernels
import Models

public enum PEFTAdapter {
    public static let configFileName = "adapter_config.json"
    public static let weightsFileName = "adapter_model.safetensors"

    /// The tensor name of one slot's A or B.
    public static func tensorName(layer: Int, _ p: Projection, _ which: String) -> String {
        "base_model.model.model.layers.\(layer).\(p.modulePath).lora_\(which).weight"
    }

    /// Writes `adapter` to `folder` (created if needed). The output is a pure function of the
    /// adapter and the arguments: no timestamps.
    public static func write(_ adapter: LoRAAdapter, model c: ModelConfig, to folder: URL, baseModel: String,
                             baseModelSHA256: String?) throws {
        guard c.architecture != .gpt2 else {
            throw GradientsError.adapter("PEFT files for GPT-2 (a fused c_attn Conv1D) are not supported")
        }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw GradientsError.io("cannot create \(folder.path): \(error.localizedDescription)")
        }
        let lora = adapter.config
        let allLayers = lora.layers == Array(0..<c.layers)
        let config: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": lora.rank, "lora_alpha": Double(lora.alpha),
            "target_modules": lora.projections.map(\.moduleName), "lora_dropout": 0.0, "bias": "none",
            "fan_in_fan_out": false, "inference_mode": true, "use_rslora": false, "use_dora": false,
            "init_lora_weights": true, "modules_to_save": NSNull(), "base_model_name_or_path": baseModel,
            "layers_to_transform": allLayers ? NSNull() : lora.layers as Any, "rank_pattern": [String: Any](),
            "alpha_pattern": [String: Any](), "revision": NSNull(),
        ]
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        var st = SafetensorsBuilder()
        st.metadata = ["format": "pt"]
        if let baseModelSHA256 { st.metadata["base_model_sha256"] = baseModelSHA256 }
        let r = lora.rank
        for s in adapter.slots {
            let a = Array(adapter.parameters[s.offsetA..<(s.offsetA + r * s.inputs)])
            var b = Array(adapter.parameters[s.offsetB..<(s.offsetB + s.outputs * r)])
            if needsRowPermutation(s.projection, c) { b = permuteRows(b, columns: r, config: c, toHF: true) }
            try st.add(tensorName(layer: s.layer, s.projection, "A"), shape: [r, s.inputs], values: a)
            try st.add(tensorName(layer: s.layer, s.projection, "B"), shape: [s.outputs, r], values: b)
        }
        do {
            try json.write(to: folder.appendingPathComponent(configFileName))
            try st.bytes().write(to: folder.appendingPathComponent(weightsFileName))
        } catch {
            throw GradientsError.io("cannot write the adapter to \(folder.path): \(error.localizedDescription)")
        }
    }

    /// Reads a PEFT LoRA folder for a model of configuration `c`. Projections or layers the
    /// folder lacks inside the grid it covers get zero adapters (no effect).
    public static func read(_ folder: URL, model c: ModelConfig) throws -> LoRAAdapter {
        guard c.architecture != .gpt2 else {
            throw GradientsError.adapter("PEFT files for GPT-2 (a fused c_attn Conv1D) are not supported")
        }
        let configURL = folder.appendingPathComponent(configFileName)
        guard let data = try? Data(contentsOf: configURL) else { throw GradientsError.adapter("cannot read \(configURL.path)") }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw GradientsError.adapter("\(configFileName) is not a JSON object")
        }
        if let type = json["peft_type"] as? String, type.uppercased() != "LORA" {
            throw GradientsError.adapter("peft_type \(type) is not LORA")
        }
        guard let rank = (json["r"] as? NSNumber)?.intValue, rank > 0 else {
            throw GradientsError.adapter("\(configFileName) needs a positive integer \"r\"")
        }
        guard let alpha = (json["lora_alpha"] as? NSNumber)?.floatValue, alpha > 0 else {
            throw GradientsError.adapter("\(configFileName) needs a positive \"lora_alpha\"")
        }
        for flag in ["use_rslora", "use_dora", "fan_in_fan_out"] where (json[flag] as? Bool) == true {
            throw GradientsError.adapter("\(flag) adapters are not supported")
        }
        let st: SafetensorsFile
        do { st = try SafetensorsFile(url: folder.appendingPathComponent(weightsFileName)) } catch {
            throw GradientsError.adapter("cannot read \(weightsFileName): \(error)")
        }
        // Collect (layer, projection, A|B) from the tensor names.
        var found: [String: SafetensorsTensorInfo] = [:]
        var layers = Set<Int>(), projections = Set<Projection>()
        for info in st.tensors {
            var name = info.name.replacingOccurrences(of: ".default.weight", with: ".weight")
            guard name.hasPrefix("base_model.model.model.layers.") else {
                throw GradientsError.adapter("unexpected tensor \(info.name) (only LoRA A/B of decoder layers are supported)")
            }
            name.removeFirst("base_model.model.model.layers.".count)
            let parts = name.split(separator: ".")
            guard parts.count == 5, let l = Int(parts[0]), parts[4] == "weight", parts[3] == "lora_A" || parts[3] == "lora_B",
                  let p = Projection(rawValue: String(parts[2]).replacingOccurrences(of: "_proj", with: "")),
                  p.modulePath == "\(parts[1]).\(parts[2])" else {
                throw GradientsError.adapter("unexpected tensor \(info.name)")
            }
            guard l >= 0 && l < c.layers else { throw GradientsError.adapter("tensor \(info.name): " + GradientsError.invalidLayer(l, layers: c.layers).description) }
            layers.insert(l); projections.insert(p)
            found["\(l).\(p.rawValue).\(parts[3].last!)"] = info
        }
        guard !layers.isEmpty else { throw GradientsError.adapter("\(weightsFileName) holds no LoRA tensors") }
        var adapter = try LoRAAdapter(model: c, lora: LoRAConfig(rank: rank, alpha: alpha, layers: Array(layers),
                                                                  projections: Array(projections)), parameters: nil)
        for s in adapter.slots {
            guard let a = found["\(s.layer).\(s.projection.rawValue).A"], let b = found["\(s.layer).\(s.projection.rawValue).B"] else {
                if found["\(s.layer).\(s.projection.rawValue).A"] != nil || found["\(s.layer).\(s.projection.rawValue).B"] != nil {
                    throw GradientsError.adapter("layer \(s.layer) \(s.projection.moduleName) has only one of lora_A and lora_B")
                }
                continue
            }
            let av = try values(st, a, shape: [rank, s.inputs])
            var bv = try values(st, b, shape: [s.outputs, rank])
            if needsRowPermutation(s.projection, c) { bv = permuteRows(bv, columns: rank, config: c, toHF: false) }
            adapter.parameters.replaceSubrange(s.offsetA..<(s.offsetA + av.count), with: av)
            adapter.parameters.replaceSubrange(s.offsetB..<(s.offsetB + bv.count), with: bv)
        }
        return adapter
    }

    /// The `base_model_sha256` an adapter folder records, if any.
    public static func baseModelSHA256(_ folder: URL) -> String? {
        (try? SafetensorsFile(url: folder.appendingPathComponent(weightsFileName)))?.metadata["base_model_sha256"]
    }

    private static func values(_ st: SafetensorsFile, _ info: SafetensorsTensorInfo, shape: [Int]) throws -> [Float] {
        guard info.shape == shape else {
            throw GradientsError.adapter("tensor \(info.name) has shape \(info.shape), expected \(shape) for this model")
        }
        let view: TensorView
        do { view = try st.view(info) } catch { throw GradientsError.adapter("tensor \(info.name): \(error)") }
        guard [.f32, .f16, .bf16].contains(view.type) else {
            throw GradientsError.adapter("tensor \(info.name) has type \(view.type) (F32, F16 or BF16 expected)")
        }
        let v = dequantize(view)
        guard v.allSatisfy(\.isFinite) else { throw GradientsError.adapter("tensor \(info.name) holds NaN or infinite values") }
        return v
    }

    /// Whether B's rows must be permuted between GGUF and Hugging Face order.
    static func needsRowPermutation(_ p: Projection, _ c: ModelConfig) -> Bool {
        c.ropeStyle == .interleaved && (p == .q || p == .k)
    }

    /// Permutes rows [heads·hd][columns] between the GGUF interleaved order and HF order.
    static func permuteRows(_ m: [Float], columns: Int, config c: ModelConfig, toHF: Bool) -> [Float] {
        let hd = c.headDim, half = hd / 2, heads = m.count / columns / hd
        var out = m
        for h in 0..<heads {
            for i in 0..<half {
                for part in 0..<2 {
                    let gguf = h * hd + 2 * i + part, hf = h * hd + part * half + i
                    let (from, to) = toHF ? (gguf, hf) : (hf, gguf)
                    for j in 0..<columns { out[to * columns + j] = m[from * columns + j] }
                }
            }
        }
        return out
    }
}
