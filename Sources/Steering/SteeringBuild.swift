// Turning a `SteeringSpec` into a `SteeringPlan` for one model: loading each source (control
// vectors, bundles, SAEs), checking their SHA-256 against the spec when recorded, fitting the
// vectors to the model's taps, and recording the hash of every vector applied.

import Detectors
import Formats
import Foundation
import Kernels
import Models
import SAE
import Taps

extension SteeringPlan {
    /// Builds the plan for a model with `config`. Sources whose spec names a SHA-256 must still
    /// have it, and recorded vector hashes must match what the sources give now (replay);
    /// otherwise `SteeringError.recordMismatch`. The returned plan's `spec` has every hash filled.
    /// Control vectors and SAEs come from `sources` when it keeps them, else from disk.
    public static func build(_ spec: SteeringSpec, model config: ModelConfig,
                             registry: DetectorRegistry = .withSAEFeatures(),
                             sources: SteeringSources = SteeringSources()) throws -> SteeringPlan {
        var resolved: [ResolvedEdit] = []
        var conditions: [SteeringCondition] = []
        var conditionIndex: [String: Int] = [:]
        var recorded = spec
        var bundles: [String: SupervisorBundle] = [:]
        func loadBundle(_ path: String, _ sha: String?) throws -> SupervisorBundle {
            let b: SupervisorBundle
            if let cached = bundles[path] { b = cached } else {
                b = try SupervisorBundle.load(URL(fileURLWithPath: path), registry: registry)
                bundles[path] = b
            }
            if let sha, sha != b.sha256 {
                throw SteeringError.recordMismatch("bundle \(path) has SHA-256 \(b.sha256), recorded \(sha)")
            }
            return b
        }

        for (index, edit) in spec.edits.enumerated() {
            guard edit.scale.isFinite else { throw SteeringError.invalidEdit("edit \(index + 1): scale \(edit.scale) is not finite") }
            // Directions [D] per tap, and the SAE for clamps.
            var directions: [(TapPoint, [Float])] = []
            var sae: SparseAutoencoder?
            var latent = 0
            switch edit.source {
            case .controlVector(var files, let start, let end):
                guard edit.taps == nil else {
                    throw SteeringError.invalidEdit("control vectors apply at blocks.N.hook_resid_post; use a layer range, not taps")
                }
                guard !files.isEmpty else { throw SteeringError.invalidEdit("no control-vector file") }
                var parts: [(vector: ControlVector, strength: Float)] = []
                for i in files.indices {
                    let (vector, sha) = try sources.controlVector(files[i].path)
                    if let want = files[i].sha256, want != sha {
                        throw SteeringError.recordMismatch("control vector \(files[i].path) has SHA-256 \(sha), recorded \(want)")
                    }
                    files[i].sha256 = sha
                    guard files[i].strength.isFinite else { throw SteeringError.invalidEdit("strength of \(files[i].path) is not finite") }
                    parts.append((vector, files[i].strength))
                }
                recorded.edits[index].source = .controlVector(files: files, layerStart: start, layerEnd: end)
                let combined = try ControlVector.combine(parts)
                if let w = combined.width, w != config.dModel {
                    throw SteeringError.invalidEdit("control vector width \(w), the model's is \(config.dModel)")
                }
                if let beyond = combined.directions.keys.first(where: { $0 >= config.layers }) {
                    throw SteeringError.invalidEdit("control vector has direction.\(beyond); the model has layers 0…\(config.layers - 1)")
                }
                let lo = start ?? 1, hi = end ?? config.layers
                guard lo <= hi else { throw SteeringError.invalidEdit("layer range \(lo) \(hi) is empty") }
                for n in combined.directions.keys.sorted() where n >= lo && n <= hi {
                    directions.append((ControlVector.tap(forLayer: n), combined.directions[n]!))
                }
            case .bundle(let path, let sha, let id):
                let b = try loadBundle(path, sha)
                recorded.edits[index].source = .bundle(path: path, sha256: b.sha256, detector: id)
                guard let d = b.detector(id) else {
                    throw SteeringError.invalidEdit("bundle \(path) has no detector '\(id)' (it has \(b.detectors.map(\.id).joined(separator: ", ")))")
                }
                let v: [Float]
                if let p = d as? LinearProbe {
                    // The probe's direction in input space: w / σ when it standardises its input.
                    v = p.standardization.map { st in (0..<p.weight.count).map { p.weight[$0] / st.scale[$0] } } ?? p.weight
                } else if let m = d as? DirectionDetector {
                    v = m.direction
                } else {
                    throw SteeringError.invalidEdit("detector '\(id)' is \(d.kind); only linear and diff_mean detectors have a direction")
                }
                let taps = try edit.taps.map { try TapSelection.taps($0, layers: config.layers) } ?? [d.tap]
                let unit = try normalized(v, what: "detector '\(id)'")
                directions = taps.map { ($0, unit) }
            case .sae(let path, let sha, let i):
                let (s, hash) = try sources.autoencoder(path)
                if let sha, sha != hash { throw SteeringError.recordMismatch("SAE \(path) has SHA-256 \(hash), recorded \(sha)") }
                recorded.edits[index].source = .sae(path: path, sha256: hash, latent: i)
                guard i >= 0 && i < s.latents else { throw SteeringError.invalidEdit("SAE \(path) has latents 0…\(s.latents - 1), not \(i)") }
                guard let hook = s.metadata.tap else { throw SteeringError.invalidEdit("SAE \(path) names no tap (hook_name)") }
                let row = Array(s.wDec[(i * s.inputWidth)..<((i + 1) * s.inputWidth)])
                if edit.kind == .clamp {
                    let taps = try edit.taps.map { try TapSelection.taps($0, layers: config.layers) } ?? [hook]
                    guard taps == [hook] else {
                        throw SteeringError.invalidEdit("an SAE clamp applies at the SAE's own tap \(hook)")
                    }
                    directions = [(hook, row)]
                } else {
                    let taps = try edit.taps.map { try TapSelection.taps($0, layers: config.layers) } ?? [hook]
                    let unit = try normalized(row, what: "SAE latent \(i)")
                    directions = taps.map { ($0, unit) }
                }
                sae = s
                latent = i
            }
            guard !directions.isEmpty else { throw SteeringError.invalidEdit("edit \(index + 1) selects no tap") }

            // Widths, hashes.
            var digests: [VectorDigest] = []
            for (tap, v) in directions {
                guard tap.layer.map({ $0 < config.layers }) ?? true else {
                    throw SteeringError.invalidEdit("\(tap) is past the model's \(config.layers) layers")
                }
                let width = Self.width(of: tap, config)
                guard v.count == width else { throw SteeringError.invalidEdit("a vector of width \(v.count) cannot edit \(tap) (width \(width))") }
                digests.append(VectorDigest(tap: tap, vector: v))
            }
            if let want = edit.vectors, want != digests {
                throw SteeringError.recordMismatch("edit \(index + 1): the vectors' SHA-256 differ from the recorded ones")
            }
            recorded.edits[index].vectors = digests

            // Condition.
            var cIndex: Int?
            if let c = edit.condition {
                let b = try loadBundle(c.bundle, c.bundleSHA256)
                recorded.edits[index].condition?.bundleSHA256 = b.sha256
                guard let rule = b.manifest.rules.first(where: { $0.id == c.rule }) else {
                    throw SteeringError.invalidEdit("bundle \(c.bundle) has no rule '\(c.rule)'")
                }
                let ds = try rule.detectors.map { id -> any Detector in
                    guard let d = b.detector(id) else { throw SteeringError.invalidEdit("rule '\(c.rule)' names a missing detector '\(id)'") }
                    guard d.dimension == Self.width(of: d.tap, config) else {
                        throw SteeringError.invalidEdit("detector '\(id)' reads width \(d.dimension) at \(d.tap)")
                    }
                    return d
                }
                guard !ds.isEmpty else { throw SteeringError.invalidEdit("rule '\(c.rule)' has no detectors") }
                let lastDetector = ds.map(\.tap).max()!
                if let early = directions.map(\.0).first(where: { !(lastDetector < $0) }) {
                    throw SteeringError.invalidEdit("a conditional edit must come after its rule's detectors in the forward pass: "
                                                    + "\(early) is not after \(lastDetector)")
                }
                let key = "\(c.bundle)\u{0}\(c.rule)"
                if let k = conditionIndex[key] { cIndex = k } else {
                    conditions.append(SteeringCondition(spec: c, rule: rule, detectors: ds))
                    cIndex = conditions.count - 1
                    conditionIndex[key] = cIndex
                }
            }

            for (tap, v) in directions {
                let op: ResolvedEdit.Operation
                switch edit.kind {
                case .add: op = .add(vector: v.map { $0 * edit.scale })
                case .ablate: op = .ablate(unit: try normalized(v, what: "the direction at \(tap)"))
                case .clamp:
                    guard let sae else { throw SteeringError.invalidEdit("clamp needs an SAE source (sae=DIR,latent=I)") }
                    op = .clamp(sae: sae, latent: latent, value: edit.scale)
                }
                resolved.append(ResolvedEdit(tap: tap, operation: op, condition: cIndex))
            }
        }
        return SteeringPlan(spec: recorded, edits: resolved, conditions: conditions, layers: config.layers)
    }

    /// The width of `tap` in a model with `config`.
    static func width(of tap: TapPoint, _ config: ModelConfig) -> Int {
        switch tap {
        case .mlpPre, .mlpPost: return config.dFF
        default: return config.dModel
        }
    }
}

/// v / ‖v‖ (see `unitLength`); refuses a zero or non-finite vector.
func normalized(_ v: [Float], what: String) throws -> [Float] {
    guard let u = unitLength(v.map(Double.init)) else { throw SteeringError.invalidEdit("\(what) has no direction") }
    return u.map { Float($0) }
}

/// v / ‖v‖ with ‖v‖² summed in Double in index order; nil for a zero or non-finite norm.
func unitLength(_ v: [Double]) -> [Double]? {
    var s = 0.0
    for x in v { s += x * x }
    let n = s.squareRoot()
    guard n > 0, n.isFinite else { return nil }
    return v.map { $0 / n }
}
