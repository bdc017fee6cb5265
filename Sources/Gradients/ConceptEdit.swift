// Concept control during training: what `--suppress`, `--project` and `--amplify` do at a
// residual-stream tap.
//
// Legend: d = dModel, k = the concept's directions, orthonormalised (u_1 ... u_k).
//
//   ablate   forward   h ← h − Σ_i (h·u_i) u_i           (Concept Ablation Fine-Tuning: the
//            backward  g ← g − Σ_i (g·u_i) u_i            concept is absent while training, so
//                                                         the update cannot lean on it)
//   project  forward   unchanged
//            backward  g ← g − Σ_i (g·u_i) u_i           (no update flows through the concept)
//   amplify  forward   unchanged
//            backward  g ← g + (a − 1) Σ_i (g·u_i) u_i    (the concept's share of every update
//                                                         scaled by a)
// where g = ∂L/∂h. The gradient recorded at the tap (what `teach` reads) is taken before the edit.
//
// Ablation to the mean (`withMeans`): forward h ← h − Σ_i (h·u_i − μ_i) u_i, with μ_i the mean
// of h·u_i over a data set's tokens under the unedited model; the backward edit is the same.
// Ablating to zero also moves every token's stream by the concept's average share −μ_i·u_i,
// which the adapter learns to work around and which is back at inference; ablating to the mean
// removes only what varies along the concept (what a token says about it).

import Taps

/// A concept edit at one residual-stream tap.
public struct ConceptEdit: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case ablate
        case project
        case amplify(Float)
    }

    public let point: TapPoint
    public let mode: Mode
    /// Orthonormal directions [k][d].
    public let directions: [[Float]]
    /// What an ablation sets h·u_i to, per direction [k] (zero unless `withMeans`).
    public let means: [Float]

    /// Orthonormalises `directions` (Gram–Schmidt in Double; directions that add nothing are
    /// dropped). Only residual points (resid_pre, resid_mid, resid_post) can be edited.
    public init(point: TapPoint, mode: Mode, directions: [[Float]]) throws {
        switch point {
        case .residPre, .residMid, .residPost: break
        default: throw GradientsError.concept("edits apply to residual points (resid_pre, resid_mid, resid_post), not \(point)")
        }
        if case .amplify(let a) = mode, !(a.isFinite && a >= 0) {
            throw GradientsError.invalidOption("the amplification factor must be finite and non-negative, got \(a)")
        }
        guard let d = directions.first?.count, d > 0, directions.allSatisfy({ $0.count == d }) else {
            throw GradientsError.concept("a concept edit needs directions of one common, positive length")
        }
        var basis: [[Double]] = []
        for dir in directions {
            var u = dir.map(Double.init)
            for b in basis {
                var dot = 0.0
                for i in 0..<d { dot += u[i] * b[i] }
                for i in 0..<d { u[i] -= dot * b[i] }
            }
            var norm = 0.0
            for x in u { norm += x * x }
            norm = norm.squareRoot()
            guard norm > 1e-6, norm.isFinite else { continue }
            basis.append(u.map { $0 / norm })
        }
        guard !basis.isEmpty else { throw GradientsError.concept("the directions at \(point) are zero or not finite") }
        self.point = point
        self.mode = mode
        self.directions = basis.map { $0.map(Float.init) }
        means = [Float](repeating: 0, count: basis.count)
    }

    private init(point: TapPoint, mode: Mode, directions: [[Float]], means: [Float]) {
        self.point = point
        self.mode = mode
        self.directions = directions
        self.means = means
    }

    /// This ablation with h·u_i set to `means[i]` instead of zero (one value per orthonormal direction).
    public func withMeans(_ means: [Float]) throws -> ConceptEdit {
        guard mode == .ablate else { throw GradientsError.invalidOption("only an ablation has a value to ablate to") }
        guard means.count == directions.count, means.allSatisfy(\.isFinite) else {
            throw GradientsError.invalidOption("an ablation at \(point) needs \(directions.count) finite means, got \(means.count)")
        }
        return ConceptEdit(point: point, mode: mode, directions: directions, means: means)
    }

    /// `edits` with every ablation set to ablate to the mean of h·u_i over all tokens of
    /// `examples` under `model` without edits or adapter (the other edits are returned as they are).
    public static func ablatingToMeans(_ edits: [ConceptEdit], model: DenseTransformer, examples: [TrainingExample],
                                       threads: Int = 1) throws -> [ConceptEdit] {
        let points = Set(edits.filter { $0.mode == .ablate }.map(\.point))
        guard !points.isEmpty else { return edits }
        guard !examples.isEmpty else { throw GradientsError.invalidOption("ablating to the mean needs examples to take it over") }
        let plain = TransformerBackprop(model: model, threads: threads)
        var sums = edits.map { [Double](repeating: 0, count: $0.directions.count) }
        var count = 0
        for e in examples {
            let h = try plain.residuals(e.tokens, at: points)   // [T, d] per point
            let T = e.tokens.count
            count += T
            for (j, edit) in edits.enumerated() where edit.mode == .ablate {
                let x = h[edit.point]!, d = edit.width
                for (i, u) in edit.directions.enumerated() {
                    for t in 0..<T {
                        var dot = 0.0
                        for k in 0..<d { dot += Double(x[t * d + k]) * Double(u[k]) }
                        sums[j][i] += dot
                    }
                }
            }
        }
        return try edits.enumerated().map { j, edit in
            edit.mode == .ablate ? try edit.withMeans(sums[j].map { Float($0 / Double(count)) }) : edit
        }
    }

    var width: Int { directions[0].count }

    /// The forward edit of rows [T, d] in place (only `ablate` changes the forward pass).
    func forward(_ x: UnsafeMutablePointer<Float>, tokens T: Int) {
        guard mode == .ablate else { return }
        removeComponents(x, tokens: T, factor: 1, offsets: means)
    }

    /// The backward edit of gradient rows [T, d] in place.
    func backward(_ g: UnsafeMutablePointer<Float>, tokens T: Int) {
        switch mode {
        case .ablate, .project: removeComponents(g, tokens: T, factor: 1)
        case .amplify(let a): removeComponents(g, tokens: T, factor: 1 - a)
        }
    }

    /// x_t ← x_t − factor · Σ_i (x_t·u_i − offsets_i) u_i for each row (dots summed in Double, in order).
    private func removeComponents(_ x: UnsafeMutablePointer<Float>, tokens T: Int, factor: Float, offsets: [Float]? = nil) {
        let d = width
        for t in 0..<T {
            let row = x + t * d
            var dots: [Float] = []
            for (j, u) in directions.enumerated() {
                var s = 0.0
                for i in 0..<d { s += Double(row[i]) * Double(u[i]) }
                dots.append(Float(s - Double(offsets?[j] ?? 0)) * factor)
            }
            for (u, c) in zip(directions, dots) where c != 0 {
                for i in 0..<d { row[i] -= c * u[i] }
            }
        }
    }
}
