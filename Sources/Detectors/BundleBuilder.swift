// Assembling a bundle from detectors in memory (training writes its results this way).

import Foundation
import Formats

/// Collects detectors, their tensors and rules, then builds a verified `SupervisorBundle`.
///
/// ```swift
/// var b = BundleBuilder(name: "harm", model: ModelBinding(sha256: modelHash))
/// try b.add(LinearProbe(id: "harm12", tap: .residPost(12), weight: w, bias: b0))
/// b.rules.append(RuleSpec(id: "stop", detectors: ["harm12"], threshold: 0.9, action: .halt))
/// let bundle = try b.build()
/// try bundle.write(to: URL(fileURLWithPath: "harm.bundle"))
/// ```
public struct BundleBuilder {
    public var manifest: BundleManifest
    public var rules: [RuleSpec] {
        get { manifest.rules }
        set { manifest.rules = newValue }
    }
    private var weights = SafetensorsBuilder()

    public init(name: String, description: String? = nil, model: ModelBinding, training: JSONValue? = nil) {
        manifest = BundleManifest(name: name, description: description, model: model, training: training)
    }

    /// Adds a linear probe; tensors are named `<id>.weight`, `<id>.bias`, `<id>.input_mean`, ...
    public mutating func add(_ p: LinearProbe) throws {
        var t = ["weight": try tensor(p.id, "weight", [p.dimension], p.weight),
                 "bias": try tensor(p.id, "bias", [1], [p.bias])]
        try addStandardization(p.id, p.standardization, into: &t)
        manifest.detectors.append(DetectorSpec(id: p.id, kind: p.kind, tap: p.tap.description, dimension: p.dimension,
                                               tensors: t, output: p.output))
    }

    /// Adds a difference-of-means direction (stored already normalised to unit length).
    public mutating func add(_ d: DirectionDetector) throws {
        var t = ["direction": try tensor(d.id, "direction", [d.dimension], d.direction),
                 "scale": try tensor(d.id, "scale", [1], [d.scale])]
        if let mean = d.mean { t["mean"] = try tensor(d.id, "mean", [d.dimension], mean) }
        manifest.detectors.append(DetectorSpec(id: d.id, kind: d.kind, tap: d.tap.description, dimension: d.dimension,
                                               tensors: t, normalization: d.normalization))
    }

    public mutating func add(_ m: MLPProbe) throws {
        var t = ["w1": try tensor(m.id, "w1", [m.hidden, m.dimension], m.w1),
                 "b1": try tensor(m.id, "b1", [m.hidden], m.b1),
                 "w2": try tensor(m.id, "w2", [m.hidden], m.w2),
                 "b2": try tensor(m.id, "b2", [1], [m.b2])]
        try addStandardization(m.id, m.standardization, into: &t)
        manifest.detectors.append(DetectorSpec(id: m.id, kind: m.kind, tap: m.tap.description, dimension: m.dimension,
                                               tensors: t, output: m.output, activation: m.activation))
    }

    /// Adds an entry whose tensors the caller stores with `addTensor` (other kinds, e.g. SAE features).
    public mutating func add(spec: DetectorSpec) { manifest.detectors.append(spec) }

    public mutating func addTensor(_ name: String, shape: [Int], values: [Float]) throws {
        try weights.add(name, shape: shape, values: values)
    }

    /// Verifies everything by loading the result with `registry`.
    public func build(registry: DetectorRegistry = .standard) throws -> SupervisorBundle {
        try SupervisorBundle(manifest: manifest, weights: weights.bytes(), registry: registry)
    }

    private mutating func tensor(_ id: String, _ role: String, _ shape: [Int], _ values: [Float]) throws -> String {
        let name = "\(id).\(role)"
        try weights.add(name, shape: shape, values: values)
        return name
    }

    private mutating func addStandardization(_ id: String, _ s: Standardization?, into t: inout [String: String]) throws {
        guard let s else { return }
        t["input_mean"] = try tensor(id, "input_mean", [s.mean.count], s.mean)
        t["input_scale"] = try tensor(id, "input_scale", [s.scale.count], s.scale)
    }
}
