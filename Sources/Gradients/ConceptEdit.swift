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
// of h·u_i over a data set's tokens under the unedited model (the tokens the ablation acts on:
// without each example's first when it spares that one); the backward edit is the same.
// Ablating to zero also moves every token's stream by the concept's average share −μ_i·u_i,
// which the adapter learns to work around and which is back at inference; ablating to the mean
// removes only what varies along the concept (what a token says about it).
//
// Where an ablation acts (each (token t, direction i) is either edited or left alone):
//   positions .all          every token
//             .completion   only tokens from the one that predicts the first scored token on
//                           (the prompt's stream is what it is at inference)
//             .afterFirst   every token but the sequence's first, whose stream (an attention
//                           sink in most models) can lie far along a concept's direction
//   ceilings c_i            only where h·u_i > c_i, and there h·u_i ← c_i: the excess above the
//                           concept's typical value is removed, a stream where the concept is
//                           not unusually active is untouched (`clampingAbove`)
// The backward edit removes g·u_i exactly where the forward edit acted (elsewhere the edit is the
// identity), so the gradient is that of the edited forward pass (away from h·u_i = c_i).

import Kernels
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
    /// Which tokens an ablation touches.
    public enum Positions: Sendable, Equatable {
        case all
        /// From the token that predicts the example's first scored token on.
        case completion
        /// Every token but the first: the sink every later token attends to keeps its stream.
        case afterFirst
    }
    public let positions: Positions
    /// An ablation removes only the excess of h·u_i above ceilings[i] (nil: all of h·u_i − means[i]).
    public let ceilings: [Float]?

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
        positions = .all
        ceilings = nil
    }

    private init(point: TapPoint, mode: Mode, directions: [[Float]], means: [Float], positions: Positions, ceilings: [Float]?) {
        self.point = point
        self.mode = mode
        self.directions = directions
        self.means = means
        self.positions = positions
        self.ceilings = ceilings
    }

    /// This ablation acting only at `positions`.
    public func at(_ positions: Positions) throws -> ConceptEdit {
        guard mode == .ablate else { throw GradientsError.invalidOption("only an ablation can be restricted to positions") }
        return ConceptEdit(point: point, mode: mode, directions: directions, means: means, positions: positions, ceilings: ceilings)
    }

    /// This ablation removing only the excess of h·u_i above `ceilings[i]` (one per orthonormal direction).
    public func withCeilings(_ ceilings: [Float]) throws -> ConceptEdit {
        guard mode == .ablate else { throw GradientsError.invalidOption("only an ablation has a ceiling") }
        guard ceilings.count == directions.count, ceilings.allSatisfy(\.isFinite) else {
            throw GradientsError.invalidOption("an ablation at \(point) needs \(directions.count) finite ceilings, got \(ceilings.count)")
        }
        return ConceptEdit(point: point, mode: mode, directions: directions, means: means, positions: positions, ceilings: ceilings)
    }

    /// This ablation with h·u_i set to `means[i]` instead of zero (one value per orthonormal direction).
    public func withMeans(_ means: [Float]) throws -> ConceptEdit {
        guard mode == .ablate else { throw GradientsError.invalidOption("only an ablation has a value to ablate to") }
        guard means.count == directions.count, means.allSatisfy(\.isFinite) else {
            throw GradientsError.invalidOption("an ablation at \(point) needs \(directions.count) finite means, got \(means.count)")
        }
        return ConceptEdit(point: point, mode: mode, directions: directions, means: means, positions: positions, ceilings: ceilings)
    }

    /// How a concept edit's directions sit in a data set's residual stream under the model
    /// without edits or adapter (h·u_i per token; "rest" = every token but each example's first,
    /// which in most models carries an outsized stream).
    public struct Statistics: Sendable, Codable, Equatable {
        public var point: String
        /// Mean of h·u_i over every token, per direction.
        public var meanAll: [Double]
        /// Mean and standard deviation of h·u_i over the rest.
        public var mean: [Double]
        public var sd: [Double]
        /// Mean of h·u_i over the first tokens.
        public var firstTokenMean: [Double]
        /// cos(u_i, mean of h over the rest): how much of the average stream lies along the direction.
        public var cosineWithMeanStream: [Double]
        enum CodingKeys: String, CodingKey {
            case point, mean, sd
            case meanAll = "mean_all", firstTokenMean = "first_token_mean", cosineWithMeanStream = "cosine_with_mean_stream"
        }
    }

    /// `Statistics` of each edit over `examples` (one forward pass per example, sums in Double in
    /// a fixed order).
    public static func statistics(_ edits: [ConceptEdit], model: DenseTransformer, examples: [TrainingExample],
                                  threads: Int = 1) throws -> [Statistics] {
        guard !examples.isEmpty else { throw GradientsError.invalidOption("statistics of a concept need examples") }
        let points = Set(edits.map(\.point))
        let plain = TransformerBackprop(model: model, threads: threads)
        let d = model.config.dModel
        var all = edits.map { [Double](repeating: 0, count: $0.directions.count) }
        var rest = all, restSq = all, first = all
        var streamSum: [TapPoint: [Double]] = [:]
        var count = 0, restCount = 0
        for e in examples {
            let h = try plain.residuals(e.tokens, at: points)   // [T, d] per point
            let T = e.tokens.count
            count += T
            restCount += T - 1
            for p in points {
                let x = h[p]!
                var s = streamSum[p] ?? [Double](repeating: 0, count: d)
                for t in 1..<max(1, T) { for k in 0..<d { s[k] += Double(x[t * d + k]) } }
                streamSum[p] = s
            }
            for (j, edit) in edits.enumerated() {
                let x = h[edit.point]!
                for (i, u) in edit.directions.enumerated() {
                    for t in 0..<T {
                        var dot = 0.0
                        for k in 0..<d { dot += Double(x[t * d + k]) * Double(u[k]) }
                        all[j][i] += dot
                        if t == 0 { first[j][i] += dot } else { rest[j][i] += dot; restSq[j][i] += dot * dot }
                    }
                }
            }
        }
        return edits.enumerated().map { j, edit in
            let n = Double(max(1, restCount))
            let mean = rest[j].map { $0 / n }
            let sd = zip(restSq[j], mean).map { max(0, $0 / n - $1 * $1).squareRoot() }
            let stream = streamSum[edit.point]!.map { $0 / n }
            let streamNorm = stream.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let cosines = edit.directions.map { u in
                streamNorm == 0 ? 0 : zip(u, stream).reduce(0) { $0 + Double($1.0) * $1.1 } / streamNorm
            }
            return Statistics(point: "\(edit.point)", meanAll: all[j].map { $0 / Double(count) }, mean: mean, sd: sd,
                              firstTokenMean: first[j].map { $0 / Double(examples.count) }, cosineWithMeanStream: cosines)
        }
    }

    /// `edits` with every ablation set to ablate to the mean of h·u_i over all tokens of
    /// `examples` under `model` without edits or adapter (the other edits are returned as they are).
    public static func ablatingToMeans(_ edits: [ConceptEdit], model: DenseTransformer, examples: [TrainingExample],
                                       threads: Int = 1) throws -> [ConceptEdit] {
        let ablations = edits.filter { $0.mode == .ablate }
        guard !ablations.isEmpty else { return edits }
        guard !examples.isEmpty else { throw GradientsError.invalidOption("ablating to the mean needs examples to take it over") }
        var stats = try statistics(ablations, model: model, examples: examples, threads: threads).makeIterator()
        return try edits.map { edit in
            guard edit.mode == .ablate else { return edit }
            // The mean over the tokens the ablation acts on: an ablation that spares the first
            // token takes the mean without it (the first token's h·u can be hundreds of standard
            // deviations from the rest, and would shift every other token by its share).
            let s = stats.next()!
            return try edit.withMeans((edit.positions == .all ? s.meanAll : s.mean).map { Float($0) })
        }
    }

    /// `edits` with every ablation removing only the excess of h·u_i above mean + `sds` standard
    /// deviations of h·u_i over `examples` (every token but each example's first, under `model`
    /// without edits or adapter): the concept is ablated only where it is unusually active.
    public static func clampingAbove(_ edits: [ConceptEdit], sds: Double, model: DenseTransformer, examples: [TrainingExample],
                                     threads: Int = 1) throws -> [ConceptEdit] {
        guard sds.isFinite else { throw GradientsError.invalidOption("the ceiling needs a finite number of standard deviations") }
        let ablations = edits.filter { $0.mode == .ablate }
        guard !ablations.isEmpty else { return edits }
        var stats = try statistics(ablations, model: model, examples: examples, threads: threads).makeIterator()
        return try edits.map { edit in
            guard edit.mode == .ablate else { return edit }
            let s = stats.next()!
            return try edit.withCeilings(zip(s.mean, s.sd).map { Float($0 + sds * $1) })
        }
    }

    /// `edits` with each ablation's directions orthogonalised against the top `components`
    /// principal directions of the residual stream at its point over `task` (the task's own
    /// data, without the concept: second moments of h over every token but each example's first,
    /// under `model` without edits or adapter), so the ablation leaves alone what the task's
    /// stream mostly lies along. Returns the edits and, per ablation, the share ‖P u_i‖ of each
    /// direction that was removed.
    public static func orthogonalised(_ edits: [ConceptEdit], toTask task: [TrainingExample], components: Int,
                                      model: DenseTransformer, threads: Int = 1) throws -> (edits: [ConceptEdit], removed: [[Double]]) {
        let d = model.config.dModel
        guard components >= 1 && components < d else { throw GradientsError.invalidOption("the task's principal directions must number 1..<\(d)") }
        guard !task.isEmpty else { throw GradientsError.invalidOption("orthogonalising against the task needs task examples") }
        let points = Set(edits.filter { $0.mode == .ablate }.map(\.point))
        let pcsAt = try taskPrincipalDirections(at: points, task: task, components: components, model: model, threads: threads)
        var removed: [[Double]] = []
        let out = try edits.map { edit -> ConceptEdit in
            guard edit.mode == .ablate, let pcs = pcsAt[edit.point] else { return edit }
            var share: [Double] = []
            let kept = edit.directions.map { u -> [Float] in
                var v = u.map(Double.init)
                var p2 = 0.0
                for pc in pcs {
                    var dot = 0.0
                    for i in 0..<d { dot += v[i] * pc[i] }
                    p2 += dot * dot
                    for i in 0..<d { v[i] -= dot * pc[i] }
                }
                share.append(p2.squareRoot())
                return v.map { Float($0) }
            }
            removed.append(share)
            let ortho = try ConceptEdit(point: edit.point, mode: edit.mode, directions: kept)
            return ConceptEdit(point: ortho.point, mode: ortho.mode, directions: ortho.directions, means: ortho.means,
                               positions: edit.positions, ceilings: nil)
        }
        return (out, removed)
    }

    /// The task's principal directions at each of `points`: the leading `components` eigenvectors
    /// of Σ h hᵀ over every token but each example's first of `task`, under `model` without edits
    /// or adapter ([components][d] per point, unit length).
    public static func taskPrincipalDirections(at points: Set<TapPoint>, task: [TrainingExample], components: Int,
                                               model: DenseTransformer, threads: Int = 1) throws -> [TapPoint: [[Double]]] {
        let d = model.config.dModel
        let plain = TransformerBackprop(model: model, threads: threads)
        var moments: [TapPoint: [Double]] = [:]   // [d, d] per point (upper triangle)
        for e in task {
            let h = try plain.residuals(e.tokens, at: points)
            for p in points {
                let x = h[p]!
                var m = moments[p] ?? [Double](repeating: 0, count: d * d)
                for t in 1..<max(1, e.tokens.count) {
                    for a in 0..<d {
                        let xa = Double(x[t * d + a])
                        for b in a..<d { m[a * d + b] += xa * Double(x[t * d + b]) }
                    }
                }
                moments[p] = m
            }
        }
        return moments.mapValues { upper in
            var m = upper
            for a in 0..<d { for b in 0..<a { m[a * d + b] = m[b * d + a] } }
            return topEigenvectors(m, d: d, count: components)
        }
    }

    /// The `count` leading eigenvectors of a symmetric [d, d] matrix (`SymmetricEigen.leading`,
    /// in Double: the same bits every run).
    public static func topEigenvectors(_ m: [Double], d: Int, count: Int) -> [[Double]] {
        SymmetricEigen.leading(m, d: d, count: count, pool: ThreadPool(threads: 1)).vectors
    }

    var width: Int { directions[0].count }

    /// The forward edit of rows [T, d] in place (only `ablate` changes the forward pass); `start`
    /// is the token that predicts the example's first scored one. Returns where the ablation
    /// acted ([T·k], token-major), which its backward edit needs; nil for the other modes.
    func forward(_ x: UnsafeMutablePointer<Float>, tokens T: Int, start: Int) -> [Bool]? {
        guard mode == .ablate else { return nil }
        let d = width, k = directions.count
        var acted = [Bool](repeating: false, count: T * k)
        let first: Int
        switch positions {
        case .all: first = 0
        case .afterFirst: first = min(1, T)
        case .completion: first = max(0, min(start, T))
        }
        for t in first..<T {
            let row = x + t * d
            var dots: [Float] = []
            for (j, u) in directions.enumerated() {
                var s = 0.0
                for i in 0..<d { s += Double(row[i]) * Double(u[i]) }
                if let ceilings {
                    let over = s > Double(ceilings[j])
                    acted[t * k + j] = over
                    dots.append(over ? Float(s - Double(ceilings[j])) : 0)
                } else {
                    acted[t * k + j] = true
                    dots.append(Float(s - Double(means[j])))
                }
            }
            for (u, c) in zip(directions, dots) where c != 0 {
                for i in 0..<d { row[i] -= c * u[i] }
            }
        }
        return acted
    }

    /// The backward edit of gradient rows [T, d] in place; `acted` is what `forward` returned.
    func backward(_ g: UnsafeMutablePointer<Float>, tokens T: Int, acted: [Bool]?) {
        switch mode {
        case .ablate: removeComponents(g, tokens: T, factor: 1, acted: acted)
        case .project: removeComponents(g, tokens: T, factor: 1, acted: nil)
        case .amplify(let a): removeComponents(g, tokens: T, factor: 1 - a, acted: nil)
        }
    }

    /// x_t ← x_t − factor · Σ_i (x_t·u_i) u_i for each row, only where `acted[t·k + i]` when given
    /// (dots summed in Double, in order).
    private func removeComponents(_ x: UnsafeMutablePointer<Float>, tokens T: Int, factor: Float, acted: [Bool]?) {
        let d = width, k = directions.count
        for t in 0..<T {
            let row = x + t * d
            var dots: [Float] = []
            for (j, u) in directions.enumerated() {
                if let acted, !acted[t * k + j] { dots.append(0); continue }
                var s = 0.0
                for i in 0..<d { s += Double(row[i]) * Double(u[i]) }
                dots.append(Float(s) * factor)
            }
            for (u, c) in zip(directions, dots) where c != 0 {
                for i in 0..<d { row[i] -= c * u[i] }
            }
        }
    }
}
