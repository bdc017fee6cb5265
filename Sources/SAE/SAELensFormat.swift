// SAELens folders: `cfg.json` + `sae_weights.safetensors`.
//
// Legend: D = d_in, L = d_sae.
//
// Weights (math-order shapes; F32, F16 or BF16, converted to F32 on load):
//   W_enc [D, L]   b_enc [L]   W_dec [L, D]   b_dec [D]   threshold [L] (jumprelu)
//   Older JumpReLU checkpoints store log_threshold [L] (θ = e^log_threshold). A `scaling_factor`
//   tensor (SAELens' finetuning scale) is accepted only when it is all ones.
//
// cfg.json comes in two layouts, both read here (facts from SAELens' loaders):
//   v3–v5 (flat): architecture ("standard" default), d_in, d_sae, dtype, device, hook_name (or
//     hook_point), hook_layer, hook_head_index, activation_fn_str (or activation_fn): "relu" |
//     "topk", activation_fn_kwargs {"k": k}, apply_b_dec_to_input (default true),
//     normalize_activations ("none" | "expected_average_only_in", or a bool in early v3, null =
//     none), finetuning_scaling_factor, model_name, context_size, prepend_bos, dataset_path.
//     activation_fn "topk" with a k means architecture "topk".
//   v6 (metadata.sae_lens_version ≥ 6): architecture, d_in, d_sae, dtype, device,
//     apply_b_dec_to_input, normalize_activations, reshape_activations ("none" | "hook_z"),
//     k and rescale_acts_by_decoder_norm (topk), and "metadata": {hook_name, model_name,
//     context_size, prepend_bos, hook_head_index, dataset_path, sae_lens_version, ...}.
//   Fields are looked up at the top level first, then in "metadata", so mixed files work too.
//
// We write the flat layout with the v6 keys added (top-level k, a "metadata" object), which
// SAELens ≥ 6 reads through its pre-6 conversion and older SAELens reads directly. Our extras
// live under "overseer": {format_version, norm_scaling_factor, and SAEMetadata.extra}.
//
// Normalisation. SAELens applies "expected_average_only_in" only in training and folds the factor
// into the weights when it saves; a folder that still says expected_average_only_in needs the
// factor from elsewhere (its pretrained_saes.yaml entry). We read it from "overseer" or from
// `SAELensReadOptions.normScalingFactor`, and refuse the folder without one. By default we write
// the factor unfolded (so write → read gives back the same bits); `foldNormalization` writes
// the folded weights SAELens itself would (W_enc·s, W_dec/s, b_dec/s, "none").
//
// TopK with rescale_acts_by_decoder_norm (SAELens ≥ 6 training default): the pre-activations are
// scaled by ‖W_dec[i]‖ and decoding divides by it. We fold that into the weights on load
// (W_encᵀ[i]·n_i, b_enc[i]·n_i, W_dec[i]/n_i), which is the same function up to rounding.
//
// Parsing is defensive: cfg.json is capped at 10 MB, sizes at `SAELimits`, every tensor's dtype
// and shape is checked against the config, every value must be finite; each failure is a typed
// `SAEError`.

import Detectors
import Foundation
import Formats
import Kernels
import Taps

/// The fields of a SAELens cfg.json this build reads (either layout).
public struct SAELensConfig: Sendable, Equatable, Decodable {
    public var architecture: String
    public var dIn: Int
    public var dSAE: Int
    /// TopK's k.
    public var k: Int?
    public var activationFunction: String?
    public var applyBDecToInput: Bool
    public var normalizeActivations: String
    public var rescaleActsByDecoderNorm: Bool
    public var reshapeActivations: String
    public var finetuningScalingFactor: Bool
    public var dtype: String?
    public var hookName: String?
    public var hookLayer: Int?
    public var hookHeadIndex: Int?
    public var modelName: String?
    public var contextSize: Int?
    public var prependBOS: Bool?
    public var datasetPath: String?
    public var saeLensVersion: String?
    /// Our "overseer" object (norm_scaling_factor, training statistics, ...).
    public var overseer: [String: JSONValue]

    /// The scale of "expected_average_only_in" recorded by us, if any.
    public var normScalingFactor: Float? {
        if let n = overseer["norm_scaling_factor"]?.doubleValue { return Float(n) }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case architecture, dIn = "d_in", dSAE = "d_sae", k, dtype, metadata, overseer
        case activationFnStr = "activation_fn_str", activationFn = "activation_fn", activationFnKwargs = "activation_fn_kwargs"
        case applyBDecToInput = "apply_b_dec_to_input", normalizeActivations = "normalize_activations"
        case rescaleActsByDecoderNorm = "rescale_acts_by_decoder_norm", reshapeActivations = "reshape_activations"
        case finetuningScalingFactor = "finetuning_scaling_factor"
        case hookName = "hook_name", hookPoint = "hook_point", hookLayer = "hook_layer", hookPointLayer = "hook_point_layer"
        case hookHeadIndex = "hook_head_index", hookPointHeadIndex = "hook_point_head_index"
        case modelName = "model_name", contextSize = "context_size", prependBOS = "prepend_bos", datasetPath = "dataset_path"
        case saeLensVersion = "sae_lens_version"
    }

    enum KwargsKeys: String, CodingKey { case k }

    public init(from decoder: Decoder) throws {
        let top: KeyedDecodingContainer<CodingKeys>
        do { top = try decoder.container(keyedBy: CodingKeys.self) } catch {
            throw SAEError.invalidConfig(field: "(top level)", reason: "not a JSON object")
        }
        let meta = try? top.nestedContainer(keyedBy: CodingKeys.self, forKey: .metadata)
        if top.contains(.metadata) && !((try? top.decodeNil(forKey: .metadata)) ?? false) && meta == nil {
            throw SAEError.invalidConfig(field: "metadata", reason: "not an object")
        }

        /// A field from the top level, else from "metadata"; a wrong type is an error, null is absent.
        func field<T: Decodable>(_ type: T.Type, _ keys: CodingKeys...) throws -> T? {
            for c in [top] + (meta.map { [$0] } ?? []) {
                for key in keys where c.contains(key) {
                    do {
                        if let v = try c.decodeIfPresent(T.self, forKey: key) { return v }
                    } catch {
                        throw SAEError.invalidConfig(field: key.stringValue, reason: "expected \(Self.typeName(T.self))")
                    }
                }
            }
            return nil
        }

        guard let dIn = try field(Int.self, .dIn) else { throw SAEError.invalidConfig(field: "d_in", reason: "missing") }
        guard let dSAE = try field(Int.self, .dSAE) else { throw SAEError.invalidConfig(field: "d_sae", reason: "missing") }
        self.dIn = dIn
        self.dSAE = dSAE
        activationFunction = try field(String.self, .activationFnStr, .activationFn)
        var k = try field(Int.self, .k)
        if top.contains(.activationFnKwargs), !((try? top.decodeNil(forKey: .activationFnKwargs)) ?? true) {
            guard let kwargs = try? top.nestedContainer(keyedBy: KwargsKeys.self, forKey: .activationFnKwargs) else {
                throw SAEError.invalidConfig(field: "activation_fn_kwargs", reason: "not an object")
            }
            if k == nil, kwargs.contains(.k) {
                guard let v = try? kwargs.decodeIfPresent(Int.self, forKey: .k) else {
                    throw SAEError.invalidConfig(field: "activation_fn_kwargs.k", reason: "expected an integer")
                }
                k = v
            }
        }
        self.k = k
        var architecture = try field(String.self, .architecture) ?? "standard"
        if architecture == "standard", activationFunction == "topk", k != nil { architecture = "topk" }
        self.architecture = architecture
        applyBDecToInput = try field(Bool.self, .applyBDecToInput) ?? true
        if let b = try? top.decodeIfPresent(Bool.self, forKey: .normalizeActivations) {
            normalizeActivations = b ? "expected_average_only_in" : "none"   // early v3 wrote a bool
        } else {
            normalizeActivations = try field(String.self, .normalizeActivations) ?? "none"
        }
        rescaleActsByDecoderNorm = try field(Bool.self, .rescaleActsByDecoderNorm) ?? false
        reshapeActivations = try field(String.self, .reshapeActivations) ?? "none"
        finetuningScalingFactor = try field(Bool.self, .finetuningScalingFactor) ?? false
        dtype = try field(String.self, .dtype)
        hookName = try field(String.self, .hookName, .hookPoint)
        hookLayer = try field(Int.self, .hookLayer, .hookPointLayer)
        hookHeadIndex = try field(Int.self, .hookHeadIndex, .hookPointHeadIndex)
        modelName = try field(String.self, .modelName)
        contextSize = try field(Int.self, .contextSize)
        prependBOS = try field(Bool.self, .prependBOS)
        datasetPath = try field(String.self, .datasetPath)
        saeLensVersion = try field(String.self, .saeLensVersion)
        if top.contains(.overseer), !((try? top.decodeNil(forKey: .overseer)) ?? true) {
            guard let o = try? top.decode([String: JSONValue].self, forKey: .overseer) else {
                throw SAEError.invalidConfig(field: "overseer", reason: "not an object")
            }
            overseer = o
        } else {
            overseer = [:]
        }
    }

    static func typeName<T>(_ t: T.Type) -> String {
        switch t {
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "\(t)"
        }
    }

    /// Parses cfg.json bytes; every failure is an `SAEError`.
    public static func parse(_ data: Data) throws -> SAELensConfig {
        guard data.count <= SAELensFolder.maxConfigBytes else {
            throw SAEError.tooLarge(what: "cfg.json bytes", value: data.count, limit: SAELensFolder.maxConfigBytes)
        }
        do {
            return try JSONDecoder().decode(SAELensConfig.self, from: data)
        } catch let e as SAEError {
            throw e
        } catch {
            throw SAEError.invalidConfig(field: "(file)", reason: "not valid JSON")
        }
    }

    /// The architecture this build implements, after checking every field it depends on.
    func validatedArchitecture() throws -> SAEArchitecture {
        guard dIn >= 1 else { throw SAEError.invalidConfig(field: "d_in", reason: "\(dIn) must be ≥ 1") }
        guard dSAE >= 1 else { throw SAEError.invalidConfig(field: "d_sae", reason: "\(dSAE) must be ≥ 1") }
        guard dIn <= SAELimits.maxInputWidth else { throw SAEError.tooLarge(what: "d_in", value: dIn, limit: SAELimits.maxInputWidth) }
        guard dSAE <= SAELimits.maxLatents else { throw SAEError.tooLarge(what: "d_sae", value: dSAE, limit: SAELimits.maxLatents) }
        guard dIn * dSAE <= SAELimits.maxMatrixElements else {
            throw SAEError.tooLarge(what: "d_in × d_sae", value: dIn * dSAE, limit: SAELimits.maxMatrixElements)
        }
        guard reshapeActivations == "none" else { throw SAEError.unsupported(field: "reshape_activations", value: reshapeActivations) }
        if let f = activationFunction, f != "relu", f != "topk" { throw SAEError.unsupported(field: "activation_fn", value: f) }
        switch architecture {
        case "standard":
            return .relu
        case "jumprelu":
            return .jumpReLU
        case "topk":
            guard let k else { throw SAEError.invalidConfig(field: "k", reason: "missing for a topk SAE") }
            guard k >= 1, k <= dSAE else { throw SAEError.invalidConfig(field: "k", reason: "\(k) must be in 1...\(dSAE)") }
            return .topK(k: k)
        default:
            throw SAEError.unsupported(field: "architecture", value: architecture)
        }
    }
}

/// How to read a folder.
public struct SAELensReadOptions: Sendable, Equatable {
    /// The "expected_average_only_in" factor for folders that do not record it (SAELens keeps it
    /// in its pretrained_saes.yaml); ignored when the folder has one.
    public var normScalingFactor: Float?
    public init(normScalingFactor: Float? = nil) { self.normScalingFactor = normScalingFactor }
}

/// How to write a folder.
public struct SAELensWriteOptions: Sendable, Equatable {
    /// Fold the input normalisation into the weights and write "none", as SAELens does when it
    /// saves (for files meant for SAELens; the weights then differ from the SAE's by rounding).
    public var foldNormalization = false
    public init(foldNormalization: Bool = false) { self.foldNormalization = foldNormalization }
}

/// Reads and writes SAELens folders.
///
/// ```swift
/// try SAELensFolder.write(result.sae, to: URL(fileURLWithPath: "out/sae"))
/// let sae = try SAELensFolder.read(URL(fileURLWithPath: "out/sae"))
/// ```
public enum SAELensFolder {
    public static let configFileName = "cfg.json"
    public static let weightsFileName = "sae_weights.safetensors"
    public static let maxConfigBytes = 10_000_000
    /// Version of the "overseer" extras.
    public static let extrasVersion = 1

    /// The hash a bundle pins an SAE folder by:
    /// SHA-256("overseer-sae-v1" 0x00 ‖ u64le(len cfg) ‖ cfg.json ‖ u64le(len weights) ‖ sae_weights.safetensors).
    public static func sha256(config: Data, weights: Data) -> String {
        Digest.sha256(tag: "overseer-sae-v1", parts: [config, weights])
    }

    /// `sha256(config:weights:)` of the files in `folder`.
    public static func sha256(_ folder: URL) throws -> String {
        let (cfg, weights) = try bytes(folder)
        return sha256(config: cfg, weights: weights)
    }

    /// The two files' bytes, size-checked.
    static func bytes(_ folder: URL) throws -> (config: Data, weights: Data) {
        let cfgURL = folder.appendingPathComponent(configFileName)
        let attributes = try? FileManager.default.attributesOfItem(atPath: cfgURL.path)
        if let size = attributes?[.size] as? Int, size > maxConfigBytes {
            throw SAEError.tooLarge(what: "cfg.json bytes", value: size, limit: maxConfigBytes)
        }
        guard let cfg = try? Data(contentsOf: cfgURL) else { throw SAEError.io("cannot read \(cfgURL.path)") }
        let weightsURL = folder.appendingPathComponent(weightsFileName)
        guard let weights = try? Data(contentsOf: weightsURL, options: .alwaysMapped) else {
            throw SAEError.io("cannot read \(weightsURL.path)")
        }
        return (cfg, weights)
    }

    /// Reads `folder/cfg.json` and `folder/sae_weights.safetensors`.
    public static func read(_ folder: URL, options: SAELensReadOptions = SAELensReadOptions()) throws -> SparseAutoencoder {
        let (cfg, weights) = try bytes(folder)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(bytes: weights) } catch {
            throw SAEError.invalidWeights(tensor: "(file)",
                                          reason: "\(folder.appendingPathComponent(weightsFileName).path): \(error)")
        }
        return try read(config: cfg, weights: file, options: options)
    }

    /// Builds the SAE from cfg.json bytes and an open weights file.
    public static func read(config: Data, weights file: SafetensorsFile,
                            options: SAELensReadOptions = SAELensReadOptions()) throws -> SparseAutoencoder {
        let cfg = try SAELensConfig.parse(config)
        let architecture = try cfg.validatedArchitecture()
        let D = cfg.dIn, L = cfg.dSAE

        let normalization: InputNormalization
        switch cfg.normalizeActivations {
        case "none":
            normalization = .none
        case "expected_average_only_in":
            guard let s = cfg.normScalingFactor ?? options.normScalingFactor else {
                throw SAEError.invalidConfig(field: "normalize_activations",
                                             reason: "expected_average_only_in needs its scaling factor, which this folder does not record; pass SAELensReadOptions.normScalingFactor")
            }
            guard s.isFinite, s > 0 else { throw SAEError.invalidConfig(field: "norm_scaling_factor", reason: "\(s) must be finite and > 0") }
            normalization = .expectedAverageOnlyIn(scale: s)
        default:
            throw SAEError.unsupported(field: "normalize_activations", value: cfg.normalizeActivations)
        }

        func tensor(_ name: String, _ shape: [Int], optional: Bool = false) throws -> [Float]? {
            guard let info = file.info(named: name) else {
                if optional { return nil }
                throw SAEError.invalidWeights(tensor: name, reason: "missing")
            }
            guard let type = info.dtype.tensorType else {
                throw SAEError.invalidWeights(tensor: name, reason: "dtype \(info.dtype.rawValue), expected F32, F16 or BF16")
            }
            guard info.shape == shape else {
                throw SAEError.invalidWeights(tensor: name, reason: "shape \(info.shape), expected \(shape) for d_in \(D), d_sae \(L)")
            }
            let count = shape.reduce(1, *)
            var out = [Float](repeating: 0, count: count)
            let raw = file.rawBytes(info)
            out.withUnsafeMutableBufferPointer { dequantizeRow(type, from: raw.baseAddress!, into: $0.baseAddress!, count: count) }
            if let i = out.firstIndex(where: { !$0.isFinite }) {
                throw SAEError.invalidWeights(tensor: name, reason: "non-finite value at index \(i)")
            }
            return out
        }

        let wEnc = try tensor("W_enc", [D, L])!
        var bEnc = try tensor("b_enc", [L])!
        var wDec = try tensor("W_dec", [L, D])!
        let bDec = try tensor("b_dec", [D])!
        if let scaling = try tensor("scaling_factor", [L], optional: true) ?? tensor("finetuning_scaling_factor", [L], optional: true),
           scaling.contains(where: { $0 != 1 }) {
            throw SAEError.unsupported(field: "finetuning_scaling_factor", value: "a scaling_factor tensor that is not all ones")
        }
        var threshold: [Float]?
        if architecture == .jumpReLU {
            if let t = try tensor("threshold", [L], optional: true) {
                threshold = t
            } else if let log = try tensor("log_threshold", [L], optional: true) {
                threshold = log.map(fexp)
                if let i = threshold!.firstIndex(where: { !$0.isFinite }) {
                    throw SAEError.invalidWeights(tensor: "log_threshold", reason: "e^value overflows at index \(i)")
                }
            } else {
                throw SAEError.invalidWeights(tensor: "threshold", reason: "missing (a jumprelu SAE needs threshold or log_threshold)")
            }
        }
        var wEncT = transposed(wEnc, rows: D, cols: L)
        if case .topK = architecture, cfg.rescaleActsByDecoderNorm {
            // pre_i · n_i and a_i / n_i, folded into the weights.
            for i in 0..<L {
                var n2: Double = 0
                for j in 0..<D { n2 += Double(wDec[i * D + j]) * Double(wDec[i * D + j]) }
                let n = Float(n2.squareRoot())
                guard n > 0 else { throw SAEError.invalidWeights(tensor: "W_dec", reason: "row \(i) is zero, cannot rescale by its norm") }
                for j in 0..<D { wEncT[i * D + j] *= n; wDec[i * D + j] /= n }
                bEnc[i] *= n
            }
        }

        var extra = cfg.overseer
        for reserved in ["format_version", "norm_scaling_factor"] { extra[reserved] = nil }
        let metadata = SAEMetadata(hookName: cfg.hookName, hookHeadIndex: cfg.hookHeadIndex, modelName: cfg.modelName,
                                   contextSize: cfg.contextSize, prependBOS: cfg.prependBOS, datasetPath: cfg.datasetPath,
                                   extra: extra)
        return try SparseAutoencoder(architecture: architecture, wEncT: wEncT, bEnc: bEnc, wDec: wDec, bDec: bDec,
                                     threshold: threshold, normalization: normalization,
                                     applyBDecToInput: cfg.applyBDecToInput, metadata: metadata)
    }

    // MARK: Writing

    /// Writes `folder/cfg.json` and `folder/sae_weights.safetensors` (creating the folder).
    public static func write(_ sae: SparseAutoencoder, to folder: URL, options: SAELensWriteOptions = SAELensWriteOptions()) throws {
        let (cfg, weights) = try files(sae, options: options)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try cfg.write(to: folder.appendingPathComponent(configFileName), options: .atomic)
            try weights.write(to: folder.appendingPathComponent(weightsFileName), options: .atomic)
        } catch {
            throw SAEError.io("cannot write SAE to \(folder.path): \(error)")
        }
    }

    /// The bytes of both files (deterministic: sorted keys, fixed tensor order).
    public static func files(_ sae: SparseAutoencoder, options: SAELensWriteOptions = SAELensWriteOptions()) throws -> (config: Data, weights: Data) {
        let D = sae.inputWidth, L = sae.latents
        var wEncT = sae.wEncT, wDec = sae.wDec, bDec = sae.bDec
        var normalization = sae.normalization
        if options.foldNormalization, case .expectedAverageOnlyIn(let s) = normalization {
            // (s·x − b_dec)·W_enc = (x − b_dec/s)·(s·W_enc);  (a·W_dec + b_dec)/s = a·(W_dec/s) + b_dec/s
            wEncT = wEncT.map { $0 * s }
            wDec = wDec.map { $0 / s }
            bDec = bDec.map { $0 / s }
            normalization = .none
        }
        var b = SafetensorsBuilder()
        b.metadata = ["format": "pt"]
        try b.add("W_enc", shape: [D, L], values: transposed(wEncT, rows: L, cols: D))
        try b.add("b_enc", shape: [L], values: sae.bEnc)
        try b.add("W_dec", shape: [L, D], values: wDec)
        try b.add("b_dec", shape: [D], values: bDec)
        if let t = sae.threshold { try b.add("threshold", shape: [L], values: t) }

        let m = sae.metadata
        func opt<T>(_ v: T?, _ f: (T) -> JSONValue) -> JSONValue { v.map(f) ?? .null }
        let activation: String
        var kwargs: [String: JSONValue] = [:]
        var cfg: [String: JSONValue] = [:]
        if case .topK(let k) = sae.architecture {
            activation = "topk"
            kwargs["k"] = .integer(Int64(k))
            cfg["k"] = .integer(Int64(k))
            cfg["rescale_acts_by_decoder_norm"] = .bool(false)
        } else {
            activation = "relu"
        }
        let llm: [String: JSONValue] = [
            "hook_name": opt(m.hookName, JSONValue.string), "hook_head_index": opt(m.hookHeadIndex) { .integer(Int64($0)) },
            "model_name": opt(m.modelName, JSONValue.string), "context_size": opt(m.contextSize) { .integer(Int64($0)) },
            "prepend_bos": opt(m.prependBOS, JSONValue.bool), "dataset_path": opt(m.datasetPath, JSONValue.string),
        ]
        for (key, value) in llm { cfg[key] = value }
        cfg["hook_layer"] = opt(m.hookLayer) { .integer(Int64($0)) }
        cfg["metadata"] = .object(llm)
        cfg["architecture"] = .string(sae.architecture.saeLensName)
        cfg["d_in"] = .integer(Int64(D))
        cfg["d_sae"] = .integer(Int64(L))
        cfg["dtype"] = .string("float32")
        cfg["device"] = .string("cpu")
        cfg["apply_b_dec_to_input"] = .bool(sae.applyBDecToInput)
        cfg["activation_fn_str"] = .string(activation)
        cfg["activation_fn_kwargs"] = .object(kwargs)
        cfg["finetuning_scaling_factor"] = .bool(false)
        cfg["reshape_activations"] = .string("none")
        var overseer = m.extra
        overseer["format_version"] = .integer(Int64(extrasVersion))
        switch normalization {
        case .none:
            cfg["normalize_activations"] = .string("none")
        case .expectedAverageOnlyIn(let s):
            cfg["normalize_activations"] = .string("expected_average_only_in")
            overseer["norm_scaling_factor"] = .number(Double(s))
        }
        if options.foldNormalization, case .expectedAverageOnlyIn(let s) = sae.normalization {
            overseer["folded_norm_scaling_factor"] = .number(Double(s))
        }
        cfg["overseer"] = .object(overseer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(JSONValue.object(cfg)) + Data("\n".utf8)
        return (json, b.bytes())
    }
}
