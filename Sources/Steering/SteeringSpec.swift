// The canonical, serialisable description of a steering plan: what each edit does, where its
// vectors come from (path and SHA-256 of the file), where it applies and under which condition,
// and the SHA-256 of every vector it applies. Receipts store it; replay rebuilds the plan from
// it and refuses when a file or a vector hash differs.
//
// JSON (keys sorted when the receipt is written):
//   {"edits": [{"kind": "add" | "ablate" | "clamp",
//               "scale": S,                      add: coefficient; clamp: the latent's value; ablate: 1
//               "source": {"kind": "control_vector", "files": [{"path", "strength", "sha256"}],
//                          "layer_start"?, "layer_end"?}
//                       | {"kind": "bundle", "path", "sha256", "detector"}
//                       | {"kind": "sae", "path", "sha256", "latent"},
//               "taps"?: "resid_post:10,blocks.12.hook_resid_mid",   TapSelection syntax
//               "condition"?: {"bundle", "bundle_sha256", "rule"},
//               "vectors": [{"tap", "sha256"}]}]}   filled when the plan is built

import Formats
import Foundation
import Taps

/// One control-vector file and its strength (llama.cpp's `--control-vector-scaled FILE S`).
public struct ControlVectorFile: Codable, Equatable, Sendable {
    public var path: String
    public var strength: Float
    /// SHA-256 of the file's bytes; filled when the plan is built, checked on replay.
    public var sha256: String?

    public init(path: String, strength: Float = 1, sha256: String? = nil) {
        self.path = path
        self.strength = strength
        self.sha256 = sha256
    }
}

/// Where an edit's direction comes from.
public enum VectorSource: Equatable, Sendable {
    /// llama.cpp control vectors, summed per layer; applied at `blocks.N.hook_resid_post` for N in
    /// layerStart…layerEnd (llama.cpp's `--control-vector-layer-range`; default 1…n_layer).
    case controlVector(files: [ControlVectorFile], layerStart: Int?, layerEnd: Int?)
    /// A bundle detector's direction (linear probe weight in input space, or a difference of
    /// means), at the detector's tap; normalised to unit length.
    case bundle(path: String, sha256: String?, detector: String)
    /// An SAE latent: its decoder row (unit length) for add/ablate, the latent itself for clamp.
    case sae(path: String, sha256: String?, latent: Int)
}

extension VectorSource: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, files, path, sha256, detector, latent, layerStart = "layer_start", layerEnd = "layer_end"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "control_vector":
            self = .controlVector(files: try c.decode([ControlVectorFile].self, forKey: .files),
                                  layerStart: try c.decodeIfPresent(Int.self, forKey: .layerStart),
                                  layerEnd: try c.decodeIfPresent(Int.self, forKey: .layerEnd))
        case "bundle":
            self = .bundle(path: try c.decode(String.self, forKey: .path), sha256: try c.decodeIfPresent(String.self, forKey: .sha256),
                           detector: try c.decode(String.self, forKey: .detector))
        case "sae":
            self = .sae(path: try c.decode(String.self, forKey: .path), sha256: try c.decodeIfPresent(String.self, forKey: .sha256),
                        latent: try c.decode(Int.self, forKey: .latent))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown vector source kind '\(other)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .controlVector(let files, let a, let b):
            try c.encode("control_vector", forKey: .kind)
            try c.encode(files, forKey: .files)
            try c.encodeIfPresent(a, forKey: .layerStart)
            try c.encodeIfPresent(b, forKey: .layerEnd)
        case .bundle(let path, let sha, let detector):
            try c.encode("bundle", forKey: .kind)
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(sha, forKey: .sha256)
            try c.encode(detector, forKey: .detector)
        case .sae(let path, let sha, let latent):
            try c.encode("sae", forKey: .kind)
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(sha, forKey: .sha256)
            try c.encode(latent, forKey: .latent)
        }
    }
}

/// Apply an edit only while a bundle rule fires (see `SteeringCondition`).
public struct ConditionSpec: Codable, Equatable, Sendable {
    public var bundle: String
    public var bundleSHA256: String?
    public var rule: String

    public init(bundle: String, bundleSHA256: String? = nil, rule: String) {
        self.bundle = bundle
        self.bundleSHA256 = bundleSHA256
        self.rule = rule
    }
    enum CodingKeys: String, CodingKey { case bundle, bundleSHA256 = "bundle_sha256", rule }
}

/// The SHA-256 of one applied vector (its unscaled direction, little-endian f32 bytes) at a tap.
public struct VectorDigest: Codable, Equatable, Sendable {
    public var tap: String
    public var sha256: String

    public init(tap: TapPoint, vector: [Float]) {
        self.tap = tap.description
        sha256 = Self.hash(vector)
    }

    public static func hash(_ v: [Float]) -> String {
        Digest.sha256(littleEndian: v)
    }
}

/// One edit, as the user asked for it and as receipts record it.
public struct EditSpec: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// x ← x + scale · v
        case add
        /// x ← x − (x·û) û
        case ablate
        /// SAE latent i set to `scale`: x ← x + (scale − a_i) · W_dec[i] / s
        case clamp
    }

    public var kind: Kind
    public var source: VectorSource
    public var scale: Float
    /// Where the edit applies, in `TapSelection` syntax; nil: the source's own taps.
    public var taps: String?
    public var condition: ConditionSpec?
    /// Filled by `SteeringPlan.build`; checked against the files when already present.
    public var vectors: [VectorDigest]?

    public init(kind: Kind, source: VectorSource, scale: Float = 1, taps: String? = nil, condition: ConditionSpec? = nil,
                vectors: [VectorDigest]? = nil) {
        self.kind = kind
        self.source = source
        self.scale = scale
        self.taps = taps
        self.condition = condition
        self.vectors = vectors
    }
}

/// Every edit of a run, in the order they apply at a tap.
public struct SteeringSpec: Codable, Equatable, Sendable {
    public var edits: [EditSpec]

    public init(edits: [EditSpec]) { self.edits = edits }

    /// Canonical JSON (sorted keys, no whitespace): what a receipt hashes.
    public func canonicalJSON() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    /// SHA-256 of the canonical JSON: one hash naming the whole plan.
    public func sha256() throws -> String {
        Digest.sha256(try canonicalJSON())
    }
}
