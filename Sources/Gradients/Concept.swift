// Concepts: named directions in the residual stream that the project already knows.
//
// Legend: d = dModel.
//
// A concept is one or more (tap, direction [d]) components:
//   a bundle detector    diff-of-means direction, or a linear probe's weight (divided by the
//                        standardisation scale, so it is a direction in the raw activations),
//                        or an SAE feature's decoder row — at the detector's tap;
//   an SAE latent        its decoder row W_dec[i] at the SAE's hook;
//   a control vector     each layer's direction at blocks.L.hook_resid_post.
// MLP probes have no single direction and are skipped by name. Directions are scaled to unit
// length; `teach` sums a concept's components, `finetune` edits each component's tap.

import Detectors
import Kernels
import SAE
import Steering
import Taps

/// A named set of unit directions at residual-stream taps.
public struct Concept: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public let point: TapPoint
        public let direction: [Float]   // [d], unit length
    }

    public let name: String
    public let components: [Component]

    /// Normalises each direction; throws on a zero, non-finite or wrongly sized one.
    public init(name: String, components: [(TapPoint, [Float])], width: Int) throws {
        guard !components.isEmpty else { throw GradientsError.concept("\(name) has no directions") }
        self.name = name
        self.components = try components.map { point, v in
            guard v.count == width else {
                throw GradientsError.concept("\(name) at \(point) has \(v.count) values; the model's residual stream has \(width)")
            }
            switch point {
            case .residPre, .residMid, .residPost: break
            default: throw GradientsError.concept("\(name) is at \(point); only residual-stream points are supported")
            }
            let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm.isFinite, norm > 0 else { throw GradientsError.concept("\(name) at \(point) is zero or not finite") }
            return Component(point: point, direction: v.map { Float(Double($0) / norm) })
        }
    }

    /// The concept's components at `layers` only (e.g. to edit a concept only where it is taught
    /// most); a typed error when none is left.
    public func restricted(toLayers layers: Set<Int>) throws -> Concept {
        let kept = components.filter { $0.point.layer.map(layers.contains) ?? false }
        guard !kept.isEmpty else {
            let have = components.compactMap(\.point.layer).map(String.init).joined(separator: ", ")
            throw GradientsError.concept("\(name) has no direction at layers \(layers.sorted().map(String.init).joined(separator: ", ")) (it has \(have))")
        }
        return Concept(name: name, kept: kept)
    }

    private init(name: String, kept: [Component]) {
        self.name = name
        components = kept
    }

    /// Edits of this concept for fine-tuning, one per tap.
    public func edits(_ mode: ConceptEdit.Mode) throws -> [ConceptEdit] {
        var byPoint: [TapPoint: [[Float]]] = [:]
        for c in components { byPoint[c.point, default: []].append(c.direction) }
        return try byPoint.keys.sorted().map { try ConceptEdit(point: $0, mode: mode, directions: byPoint[$0]!) }
    }

    /// Concepts of a supervisor bundle's detectors; `skipped` names those without a direction.
    public static func fromBundle(_ bundle: SupervisorBundle, width: Int) throws -> (concepts: [Concept], skipped: [String]) {
        var out: [Concept] = [], skipped: [String] = []
        for det in bundle.detectors {
            let v: [Float]
            switch det {
            case let d as DirectionDetector: v = d.direction
            case let p as LinearProbe:
                if let s = p.standardization { v = zip(p.weight, s.scale).map { $0 / $1 } } else { v = p.weight }
            case let f as SAEFeatureDetector:
                let sae = f.encoder.sae
                v = Array(sae.wDec[(f.feature * sae.inputWidth)..<((f.feature + 1) * sae.inputWidth)])
            default:
                skipped.append(det.id)
                continue
            }
            out.append(try Concept(name: det.id, components: [(det.tap, v)], width: width))
        }
        return (out, skipped)
    }

    /// Concepts of SAE latents: decoder rows at the SAE's hook.
    public static func fromSAE(_ sae: SparseAutoencoder, features: [Int], prefix: String, width: Int) throws -> [Concept] {
        guard let point = sae.metadata.tap else { throw GradientsError.concept("the SAE names no hook point") }
        return try features.map { i in
            guard i >= 0 && i < sae.latents else { throw GradientsError.concept("SAE feature \(i) is not in 0..<\(sae.latents)") }
            let row = Array(sae.wDec[(i * sae.inputWidth)..<((i + 1) * sae.inputWidth)])
            return try Concept(name: "\(prefix)#\(i)", components: [(point, row)], width: width)
        }
    }

    /// A control vector as one concept: each layer's direction at that layer's resid_post.
    public static func fromControlVector(_ cv: ControlVector, name: String, width: Int) throws -> Concept {
        try Concept(name: name, components: cv.directions.keys.sorted().map { (ControlVector.tap(forLayer: $0), cv.directions[$0]!) },
                    width: width)
    }
}
