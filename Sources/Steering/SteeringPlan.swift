// A steering plan: deliberate, recorded writes to the model's activations during a forward pass.
//
// Legend: D = the tap's width (dModel for the residual taps), L = SAE latents.
//
// Each edit rewrites the activation x [D] of one token at a tap, in place:
//   add     x ← x + v              v = scale · direction (F32 products, computed once)
//   ablate  x ← x − (x·û) û        û the direction at unit length; x·û by `dotF32` (fixed order)
//   clamp   x ← x + δ · W_dec[i]   δ = (value − a_i) / s, a = SAE.encode(x), s the SAE's input
//                                  scale: the SAE's reconstruction with latent i set to `value`
//                                  minus its reconstruction as encoded, added back to x (the
//                                  SAE's error term is kept)
// Order: at a tap, edits apply in plan order (the order of `SteeringSpec.edits`: on the command
// line, the control vectors first, then each --steer item in the order given), each reading what
// the previous one wrote. Arithmetic is per element in index order on the calling thread, so
// the result does not depend on the thread count.
//
// Conditions: an edit with a condition applies at position p only when its bundle rule fires at
// p (see `SteeringCondition`).

import Detectors
import Kernels
import SAE
import Taps

/// One resolved edit: its operation and vector at each of its taps.
struct ResolvedEdit {
    enum Operation {
        case add(vector: [Float])                  // [D] scale · direction
        case ablate(unit: [Float])                 // [D] unit direction
        case clamp(sae: SparseAutoencoder, latent: Int, value: Float)
    }
    var tap: TapPoint
    var operation: Operation
    var condition: Int?       // index into the plan's conditions
}

/// The editor a session runs with (`session.editor = plan`). Build it from a `SteeringSpec`
/// with `SteeringPlan.build`; its `spec` is then the exact record of what it does, vector
/// hashes included.
///
/// ```swift
/// let plan = try SteeringPlan.build(SteeringSpec(edits: [
///     EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: "happy.gguf")],
///                                                 layerStart: nil, layerEnd: nil), scale: 0.8)]),
///     model: lm.config)
/// session.editor = plan
/// ```
public final class SteeringPlan: TapEditor {
    /// The record of the plan: sources with their SHA-256, vectors' SHA-256 per tap.
    public let spec: SteeringSpec
    public let points: Set<TapPoint>
    let edits: [ResolvedEdit]
    let conditions: [SteeringCondition]
    /// Edits by tap ordinal, in plan order.
    private let byOrdinal: [[Int]]
    /// Condition indices observing a tap, by ordinal.
    private let observersByOrdinal: [[Int]]
    /// Edit applications performed (positions × edits), for tests and reports.
    public private(set) var applied = 0

    init(spec: SteeringSpec, edits: [ResolvedEdit], conditions: [SteeringCondition], layers: Int) {
        self.spec = spec
        self.edits = edits
        self.conditions = conditions
        let count = TapPoint.ordinalCount(layers: layers)
        var by = [[Int]](repeating: [], count: count)
        for (i, e) in edits.enumerated() { by[e.tap.ordinal].append(i) }
        var obs = [[Int]](repeating: [], count: count)
        for (c, cond) in conditions.enumerated() { for t in cond.taps { obs[t.ordinal].append(c) } }
        byOrdinal = by
        observersByOrdinal = obs
        points = Set(edits.map(\.tap)).union(conditions.flatMap(\.taps))
    }

    /// Forgets the conditions' state (their windows): call before reusing the plan for a new
    /// sequence that does not start at position 0. A sequence starting at 0 resets them itself.
    public func reset() {
        for c in conditions { c.reset() }
        applied = 0
    }

    /// Whether condition `index` (in order of first appearance among the edits) fires at `position`.
    public func conditionFires(_ index: Int, at position: Int) -> Bool { conditions[index].fires(at: position) }

    public func edit(_ point: TapPoint, position: Int, values: UnsafeMutableBufferPointer<Float>) {
        let o = point.ordinal
        guard o < byOrdinal.count else { return }
        for i in byOrdinal[o] {
            let e = edits[i]
            if let c = e.condition, !conditions[c].fires(at: position) { continue }
            Self.apply(e.operation, to: values)
            applied += 1
        }
        for c in observersByOrdinal[o] {
            conditions[c].observe(point, position: position, values: UnsafeBufferPointer(values))
        }
    }

    /// One edit on x [D], in place.
    static func apply(_ op: ResolvedEdit.Operation, to x: UnsafeMutableBufferPointer<Float>) {
        switch op {
        case .add(let v):
            v.withUnsafeBufferPointer { v in for i in 0..<x.count { x[i] = x[i] + v[i] } }
        case .ablate(let u):
            u.withUnsafeBufferPointer { u in
                let c = dotF32(u.baseAddress!, UnsafePointer(x.baseAddress!), n: x.count)
                for i in 0..<x.count { x[i] = x[i].addingProduct(-c, u[i]) }
            }
        case .clamp(let sae, let latent, let value):
            guard let code = try? sae.encode(UnsafeBufferPointer(x)) else { return }  // width checked when built
            var a: Float = 0
            if let k = code.indices.firstIndex(of: latent) { a = code.values[k] }
            let delta = (value - a) * sae.decoderScale
            if delta == 0 { return }
            let D = sae.inputWidth
            sae.wDec.withUnsafeBufferPointer { w in
                let row = w.baseAddress! + latent * D
                for j in 0..<D { x[j] = x[j].addingProduct(delta, row[j]) }
            }
        }
    }
}

/// "Apply while this rule fires": the rule's detectors, aggregation and threshold, evaluated
/// by the editor itself on the activations the supervisor would read (after the edits at the
/// detector's tap).
///
/// **Positions.** The rule is judged at every position (its scope is not applied), in
/// position order. At position p, a rule with detectors on several taps takes the maximum of
/// their scores, pushes it through its aggregation window, and fires when the aggregate ≥ the
/// threshold. Every detector tap must come before every tap of the edits it conditions in the
/// forward pass, so when the edit reaches position p the rule's verdict at p is known: **the edit
/// applies at exactly the positions where the rule fires** — from the first firing position
/// itself (that token is already computed with the correction), and off again from the first
/// position whose aggregate falls below the threshold. Because the decision at p depends only
/// on positions ≤ p, prefill in batches of any size and token-by-token decoding make the same
/// decisions. A NaN score never fires.
final class SteeringCondition {
    let spec: ConditionSpec
    let detectors: [any Detector]
    let rule: RuleSpec
    let taps: [TapPoint]
    private var aggregator: WindowAggregator
    private var firing: [Bool] = []
    /// Position → (running max, detectors seen) while a position's detectors are being read.
    private var partial: [Int: (Float, Int)] = [:]

    init(spec: ConditionSpec, rule: RuleSpec, detectors: [any Detector]) {
        self.spec = spec
        self.rule = rule
        self.detectors = detectors
        taps = Array(Set(detectors.map(\.tap))).sorted()
        aggregator = WindowAggregator(rule.aggregation)
    }

    func reset() {
        aggregator = WindowAggregator(rule.aggregation)
        firing.removeAll(keepingCapacity: true)
        partial.removeAll()
    }

    func fires(at position: Int) -> Bool { position < firing.count && firing[position] }

    func observe(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        if position == 0 && point == taps[0] { reset() }
        var (m, seen) = partial[position] ?? (-Float.infinity, 0)
        for d in detectors where d.tap == point {
            let s = (try? d.score(values)) ?? .nan
            m = s.isNaN || m.isNaN ? .nan : max(m, s)
            seen += 1
        }
        guard seen == detectors.count else { partial[position] = (m, seen); return }
        partial[position] = nil
        let aggregate = aggregator.push(m)
        if firing.count <= position { firing += [Bool](repeating: false, count: position + 1 - firing.count) }
        firing[position] = aggregate >= rule.threshold   // false for NaN
    }
}
