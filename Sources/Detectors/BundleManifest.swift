// The manifest of a supervisor bundle (`bundle.json`). docs/supervisor.md describes every field.
//
//   {
//     "format": "overseer-supervisor-bundle", "format_version": 1,
//     "name": "...", "description": "...",
//     "model":   { "sha256": "<64 hex>", "name": "...", "d_model": 576, "layers": 30 },
//     "weights": { "file": "weights.safetensors", "sha256": "<64 hex>" },
//     "detectors": [ { "id", "kind", "tap", "dimension", "tensors": {role: tensor name}, ... } ],
//     "rules":     [ { "id", "detectors": [ids], "aggregation": {"kind","window","alpha"?},
//                      "threshold", "action": "log"|"flag"|"halt", "scope": "prompt"|"prompt_end"|"generation"|"request" } ],
//     "training":  { free-form JSON: data hashes, metrics, solver settings }
//   }
//
// Detector kinds and their tensor roles (math-order shapes, F32):
//   linear       weight [D], bias [] or [1]; optional input_mean [D], input_scale [D]; "output"
//   diff_mean    direction [D]; optional mean [D], scale [] or [1]; "normalization": none | unit
//   mlp          w1 [H, D], b1 [H], w2 [H], b2 [] or [1]; optional input_mean, input_scale;
//                "activation": relu | gelu; "output"
//   sae_feature  an SAE feature: "sae": {"path": SAELens folder in the bundle, "feature": index,
//                "sha256": the folder's hash, "precision": f32 | q8_0 | q4_1}; built by the builder the
//                SAE module registers (DetectorRegistry.withSAEFeatures)

import Foundation

/// Free-form JSON (training metadata), kept exactly as decoded. Integers stay integers (a seed
/// of 2^63 + 1 survives; a Double would round it), so typed records such as a training report
/// decode back from it unchanged (`decode(as:)`).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    /// A number written without a fraction or exponent that fits Int64.
    case integer(Int64)
    /// An integer above Int64.max that fits UInt64.
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value of any of the numeric cases as a Double.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .unsigned(let u): return Double(u)
        case .number(let n): return n
        default: return nil
        }
    }

    /// Numbers are equal by value whatever case holds them (JSON text does not tell 2 from 2.0);
    /// everything else by case and payload.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.unsigned(let x), .unsigned(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        case (.number, _), (_, .number): return a.doubleValue != nil && a.doubleValue == b.doubleValue
        default: return false
        }
    }

    /// The value as JSON text, then decoded as `T`: typed access to metadata stored free-form.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let u = try? c.decode(UInt64.self) { self = .unsigned(u) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .unsigned(let u): try c.encode(u)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Which model a bundle was trained for.
public struct ModelBinding: Sendable, Equatable, Codable {
    /// SHA-256 (lowercase hex) of the model file the detectors were fitted on.
    public var sha256: String
    public var name: String?
    public var dModel: Int?
    public var layers: Int?
    public init(sha256: String, name: String? = nil, dModel: Int? = nil, layers: Int? = nil) {
        self.sha256 = sha256
        self.name = name
        self.dModel = dModel
        self.layers = layers
    }
    enum CodingKeys: String, CodingKey {
        case sha256, name
        case dModel = "d_model", layers
    }
}

public struct WeightsReference: Sendable, Equatable, Codable {
    public var file: String
    /// SHA-256 of the weights file's bytes.
    public var sha256: String
    public init(file: String = SupervisorBundle.weightsFileName, sha256: String = "") {
        self.file = file
        self.sha256 = sha256
    }
}

/// The SAE feature a `sae_feature` detector reads.
///
/// The SAE's files live beside the manifest, not in the weights file, so the manifest pins them
/// by `sha256` (see `SAELensFolder.sha256`): the bundle's hash then covers the SAE, and a loader
/// refuses a folder whose bytes differ. `precision` says which encoder S runs, so a replay
/// computes the same scores.
public struct SAEFeatureReference: Sendable, Equatable, Codable {
    /// SAELens-layout folder, relative to the bundle folder.
    public var path: String
    public var feature: Int
    /// SHA-256 of the SAE folder's cfg.json and sae_weights.safetensors (required to load).
    public var sha256: String?
    /// `f32` (default), `q8_0` or `q4_1`.
    public var precision: String?
    public init(path: String, feature: Int, sha256: String?, precision: String? = nil) {
        self.path = path
        self.feature = feature
        self.sha256 = sha256
        self.precision = precision
    }
}

/// One detector entry of the manifest.
public struct DetectorSpec: Sendable, Equatable, Codable {
    public var id: String
    public var kind: String
    /// TransformerLens tap name, e.g. `blocks.12.hook_resid_post`.
    public var tap: String
    /// D, the tap width the detector expects.
    public var dimension: Int
    /// Role (`weight`, `bias`, ...) → tensor name in the weights file.
    public var tensors: [String: String]
    public var output: ProbeOutput?
    public var activation: MLPProbe.Activation?
    public var normalization: DirectionDetector.Normalization?
    public var sae: SAEFeatureReference?

    public init(id: String, kind: String, tap: String, dimension: Int, tensors: [String: String],
                output: ProbeOutput? = nil, activation: MLPProbe.Activation? = nil,
                normalization: DirectionDetector.Normalization? = nil, sae: SAEFeatureReference? = nil) {
        self.id = id
        self.kind = kind
        self.tap = tap
        self.dimension = dimension
        self.tensors = tensors
        self.output = output
        self.activation = activation
        self.normalization = normalization
        self.sae = sae
    }
}

/// What a rule does when its aggregate reaches the threshold.
public enum RuleAction: String, Sendable, Codable, Comparable, CaseIterable {
    /// Record a receipt; generation continues.
    case log
    /// Record a receipt and report the verdict to the caller; generation continues.
    case flag
    /// Record a receipt and stop: the token is never released.
    case halt

    var rank: Int { self == .log ? 0 : self == .flag ? 1 : 2 }
    public static func < (a: RuleAction, b: RuleAction) -> Bool { a.rank < b.rank }
}

/// Which positions a rule judges.
public enum RuleScope: String, Sendable, Codable, CaseIterable {
    /// Every prompt token and every generated token.
    case prompt
    /// The last prompt token (where a request's intent is read) and every generated token.
    case promptEnd = "prompt_end"
    /// Generated tokens only.
    case generation
    /// The last prompt token only: judges the request before any output, and costs nothing
    /// while the answer is generated.
    case request
}

/// detector(s) × aggregation × threshold → action. With several detectors (one per tap, say)
/// the per-token score is their maximum; the aggregate of those is compared with the threshold
/// (`aggregate ≥ threshold` fires).
public struct RuleSpec: Sendable, Equatable, Codable {
    public var id: String
    public var detectors: [String]
    public var aggregation: Aggregation
    public var threshold: Float
    public var action: RuleAction
    public var scope: RuleScope

    public init(id: String, detectors: [String], aggregation: Aggregation = .last, threshold: Float,
                action: RuleAction, scope: RuleScope = .promptEnd) {
        self.id = id
        self.detectors = detectors
        self.aggregation = aggregation
        self.threshold = threshold
        self.action = action
        self.scope = scope
    }

    enum CodingKeys: String, CodingKey { case id, detectors, aggregation, threshold, action, scope }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        detectors = try c.decode([String].self, forKey: .detectors)
        aggregation = try c.decodeIfPresent(Aggregation.self, forKey: .aggregation) ?? .last
        threshold = try c.decode(Float.self, forKey: .threshold)
        action = try c.decode(RuleAction.self, forKey: .action)
        scope = try c.decodeIfPresent(RuleScope.self, forKey: .scope) ?? .promptEnd
    }
}

public struct BundleManifest: Sendable, Equatable, Codable {
    public static let formatName = "overseer-supervisor-bundle"
    public static let currentVersion = 1

    public var format: String
    public var formatVersion: Int
    public var name: String
    public var description: String?
    public var model: ModelBinding
    public var weights: WeightsReference
    public var detectors: [DetectorSpec]
    public var rules: [RuleSpec]
    public var training: JSONValue?

    public init(name: String, description: String? = nil, model: ModelBinding, weights: WeightsReference = WeightsReference(),
                detectors: [DetectorSpec] = [], rules: [RuleSpec] = [], training: JSONValue? = nil) {
        format = Self.formatName
        formatVersion = Self.currentVersion
        self.name = name
        self.description = description
        self.model = model
        self.weights = weights
        self.detectors = detectors
        self.rules = rules
        self.training = training
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", name, description, model, weights, detectors, rules, training
    }

    /// The manifest's canonical bytes: pretty JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
