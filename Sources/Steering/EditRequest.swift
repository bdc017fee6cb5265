// One steering edit as a user writes it, before its sources are files: a `--steer` item on the
// command line (`add,vector=happy.gguf,scale=0.8`) or an entry of a server request's
// `overseer.steer` array (`{"kind": "add", "vector": "happy", "scale": 0.8}`). Both spell the same
// keys and obey the same rules; only what a source name means differs (a path on the command
// line, a name the server was started with over HTTP), so the caller passes the resolver.
//
//   kind        add | ablate | clamp
//   source      exactly one of: vector (+ layers A–B) | bundle + detector | sae + latent
//   scale       add only (default 1); value: clamp only (required); ablate takes neither
//   taps        TapSelection syntax (bundle and sae sources; control vectors use layers)
//   when        a rule name: apply only while it fires; when_bundle names the rule's bundle
//               (default: the edit's own bundle, else the caller's — e.g. the supervisor's)

import Foundation

/// The fields of one edit as written, checked by `edit(resolving:)`.
public struct EditRequest: Equatable, Sendable {
    public var kind: String
    public var vector: String?
    /// Inclusive layer range [A, B] of a control vector.
    public var layers: [Int]?
    public var bundle: String?
    public var detector: String?
    public var sae: String?
    public var latent: Int?
    public var scale: Float?
    public var value: Float?
    public var taps: String?
    public var when: String?
    public var whenBundle: String?

    public init(kind: String, vector: String? = nil, layers: [Int]? = nil, bundle: String? = nil, detector: String? = nil,
                sae: String? = nil, latent: Int? = nil, scale: Float? = nil, value: Float? = nil, taps: String? = nil,
                when: String? = nil, whenBundle: String? = nil) {
        self.kind = kind
        self.vector = vector
        self.layers = layers
        self.bundle = bundle
        self.detector = detector
        self.sae = sae
        self.latent = latent
        self.scale = scale
        self.value = value
        self.taps = taps
        self.when = when
        self.whenBundle = whenBundle
    }

    /// What a source name refers to, for the resolver.
    public enum SourceKind: String, Sendable {
        case vector, bundle, sae
    }

    /// The edit, with each source name turned into a path by `resolve` (which throws for an
    /// unknown name). A condition without a bundle of its own or of its source gets the bundle
    /// `""`: the caller fills in its default (the supervisor's) or refuses.
    /// Throws `SteeringError.invalidEdit` with a one-line reason.
    public func edit(resolving resolve: (SourceKind, String) throws -> String) throws -> EditSpec {
        func bad(_ m: String) -> SteeringError { .invalidEdit(m) }
        guard let kind = EditSpec.Kind(rawValue: kind) else { throw bad("kind must be add, ablate or clamp (got '\(kind)')") }
        let given: [(SourceKind, String)] = [(.vector, vector), (.bundle, bundle), (.sae, sae)].compactMap { k, v in v.map { (k, $0) } }
        guard given.count == 1 else { throw bad("give exactly one source: vector (a control vector), bundle with detector, or sae with latent") }
        let (sourceKind, name) = given[0]
        guard !name.isEmpty else { throw bad("the \(sourceKind.rawValue) name is empty") }
        let path = try resolve(sourceKind, name)
        if layers != nil, sourceKind != .vector { throw bad("layers are for a control vector; use taps") }
        if detector != nil, sourceKind != .bundle { throw bad("detector needs a bundle source") }
        if latent != nil, sourceKind != .sae { throw bad("latent needs an sae source") }
        let source: VectorSource
        switch sourceKind {
        case .vector:
            var start: Int?, end: Int?
            if let l = layers {
                guard l.count == 2, l[0] >= 0, l[0] <= l[1] else { throw bad("layers must be A-B with 0 ≤ A ≤ B") }
                (start, end) = (l[0], l[1])
            }
            source = .controlVector(files: [ControlVectorFile(path: path)], layerStart: start, layerEnd: end)
        case .bundle:
            guard let d = detector, !d.isEmpty else { throw bad("a bundle source needs a detector") }
            source = .bundle(path: path, sha256: nil, detector: d)
        case .sae:
            guard let i = latent, i >= 0 else { throw bad("an sae source needs a latent ≥ 0") }
            source = .sae(path: path, sha256: nil, latent: i)
        }
        for (key, v) in [("scale", scale), ("value", value)] {
            if let v, !v.isFinite { throw bad("\(key) \(v) is not a finite number") }
        }
        let amount: Float
        switch kind {
        case .add:
            guard value == nil else { throw bad("value is for clamp; add takes a scale") }
            amount = scale ?? 1
        case .ablate:
            guard value == nil, scale == nil else { throw bad("ablate takes no scale or value") }
            amount = 1
        case .clamp:
            guard sourceKind == .sae else { throw bad("clamp needs an sae source with a latent") }
            guard scale == nil, let v = value else { throw bad("clamp needs a value (and no scale)") }
            amount = v
        }
        var condition: ConditionSpec?
        if let rule = when {
            guard !rule.isEmpty else { throw bad("when names an empty rule") }
            var conditionBundle = try whenBundle.map { try resolve(.bundle, $0) }
            if conditionBundle == nil, case .bundle(let p, _, _) = source { conditionBundle = p }
            condition = ConditionSpec(bundle: conditionBundle ?? "", rule: rule)
        } else if whenBundle != nil {
            throw bad("a when bundle needs a when rule")
        }
        return EditSpec(kind: kind, source: source, scale: amount, taps: taps, condition: condition)
    }
}

extension EditRequest: Decodable {
    /// The JSON keys; any other key is refused (a misspelt key must not silently drop a setting).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, vector, layers, bundle, detector, sae, latent, scale, value, taps, when, whenBundle = "when_bundle"
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = all.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(forKey: unknown, in: all, debugDescription:
                "unknown key '\(unknown.stringValue)' (known: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(String.self, forKey: .kind),
                  vector: try c.decodeIfPresent(String.self, forKey: .vector),
                  layers: try c.decodeIfPresent([Int].self, forKey: .layers),
                  bundle: try c.decodeIfPresent(String.self, forKey: .bundle),
                  detector: try c.decodeIfPresent(String.self, forKey: .detector),
                  sae: try c.decodeIfPresent(String.self, forKey: .sae),
                  latent: try c.decodeIfPresent(Int.self, forKey: .latent),
                  scale: try c.decodeIfPresent(Float.self, forKey: .scale),
                  value: try c.decodeIfPresent(Float.self, forKey: .value),
                  taps: try c.decodeIfPresent(String.self, forKey: .taps),
                  when: try c.decodeIfPresent(String.self, forKey: .when),
                  whenBundle: try c.decodeIfPresent(String.self, forKey: .whenBundle))
    }
}
