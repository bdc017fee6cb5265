// A concept found in a fine-tuned model's own activations: the principal directions of how an
// adapter moves the residual stream (Concept Ablation Fine-Tuning, Casademunt et al. 2025, take
// the principal components of the difference between a fine-tuned and the base model's
// activations on the same texts, and ablate them while fine-tuning again).
//
// Legend: d = dModel, k = directions kept per tap, N = tokens taken over the whole data set.
//
// For every example of a data set and every chosen tap (blocks.L.hook_resid_post, as control
// vectors use):
//   δ_t = h_t(base + adapter) − h_t(base)          [d] per token t of the chosen positions
//   M  += δ_t δ_tᵀ                                   [d, d], Double, example after example, token
//                                                    after token (each element's sum in that order)
// then (centred, optional) C = M/N − μμᵀ with μ = Σ δ_t / N, else C = M/N; the top k eigenvectors
// of C (power iteration with deflation from a fixed start, in Double) are the directions. The
// default is the uncentred second moment: the adapter's average shift is part of what it taught,
// and leading with it is what ablating "what the fine-tuning changed" means here.
//
// Excluded directions (optional, per tap): removed from every δ_t before M is accumulated, so the
// result is what the adapter changed outside them — e.g. outside the directions it changes on a
// task-only data set, when the concept data carry the task as well.
//
// Positions: `completion` (from the token that predicts the first scored one to the end: what the
// model reads while writing the reply) or `afterFirst` (every token but each example's first,
// whose stream — the attention sink — can move by thousands and would dominate M).
//
// Determinism: both forward passes are the same bits for any thread count; M is accumulated with
// each element's terms in one fixed order (threads split the rows of M, never a sum); the
// eigen solver is sequential in its sums. Signs are fixed (the mean projection μ·u made positive;
// when that is zero, the largest-magnitude coordinate), so a direction file is the same bytes
// for any thread count and any run.

import Kernels
import Taps

/// Principal directions of the residual-stream change an adapter makes (`DiffPCA.compute`).
public enum DiffPCA {
    /// Which tokens' differences are taken.
    public enum Positions: String, Sendable, Equatable, CaseIterable {
        /// From the token that predicts an example's first scored token to its end.
        case completion
        /// Every token but each example's first.
        case afterFirst = "after-first"
    }

    public struct Options: Sendable, Equatable {
        /// Layers L whose blocks.L.hook_resid_post is read.
        public var layers: [Int]
        /// Directions kept per layer.
        public var k: Int
        public var positions: Positions = .completion
        /// Subtract the mean difference before taking the principal directions.
        public var centered = false
        public var threads = 1
        /// Directions removed from every difference before the principal directions are taken,
        /// per tap (orthonormal rows [m][d], e.g. a task-only data set's own difference
        /// directions): what the adapter changed besides them.
        public var excluded: [TapPoint: [[Float]]] = [:]

        public init(layers: [Int], k: Int) {
            self.layers = layers
            self.k = k
        }
    }

    /// The directions at one tap.
    public struct Component: Sendable, Equatable {
        public var point: TapPoint
        /// Orthonormal rows, leading first. [k][d]
        public var directions: [[Float]]
        /// The variance (eigenvalue of C) along each direction. [k]
        public var variances: [Double]
        /// trace(C): the whole variance of the differences at this tap.
        public var totalVariance: Double
        /// μ·u per direction: how far the adapter moves the stream along it on average. [k]
        public var meanProjections: [Double]
    }

    public struct Result: Sendable, Equatable {
        public var components: [Component]
        /// Tokens (N) the differences were taken over.
        public var tokens: Int

        /// The directions as a concept file named `name`, recording per tap the variances, the
        /// total variance and the mean projections (`variances.<point>` … as comma-separated
        /// numbers) besides `metadata`.
        public func conceptFile(name: String, metadata: [String: String] = [:]) -> ConceptFile {
            var meta = metadata
            meta["tokens"] = "\(tokens)"
            for c in components {
                meta["variances.\(c.point)"] = c.variances.map { "\($0)" }.joined(separator: ",")
                meta["total_variance.\(c.point)"] = "\(c.totalVariance)"
                meta["mean_projections.\(c.point)"] = c.meanProjections.map { "\($0)" }.joined(separator: ",")
            }
            return ConceptFile(name: name, components: components.map { ($0.point, $0.directions) }, metadata: meta)
        }
    }

    /// The top `options.k` principal directions of h(base + adapter) − h(base) at each layer's
    /// resid_post over `examples`.
    ///
    /// ```swift
    /// let r = try DiffPCA.compute(model: dense, adapter: tuned, examples: data.examples,
    ///                             options: DiffPCA.Options(layers: [8, 12], k: 4))
    /// ```
    public static func compute(model: DenseTransformer, adapter: LoRAAdapter, examples: [TrainingExample],
                               options: Options) throws -> Result {
        let c = model.config, d = c.dModel
        guard !examples.isEmpty else { throw GradientsError.invalidOption("the difference directions need at least one example") }
        guard !options.layers.isEmpty else { throw GradientsError.invalidOption("give at least one layer") }
        for l in options.layers where l < 0 || l >= c.layers { throw GradientsError.invalidLayer(l, layers: c.layers) }
        guard Set(options.layers).count == options.layers.count else { throw GradientsError.invalidOption("a layer is given twice") }
        guard options.k >= 1 && options.k <= d else { throw GradientsError.invalidOption("k must be in 1...\(d), got \(options.k)") }
        guard options.threads >= 1 else { throw GradientsError.invalidOption("threads must be at least 1") }
        let points = options.layers.sorted().map { TapPoint.residPost($0) }
        var excluded: [TapPoint: [[Double]]] = [:]
        for (p, rows) in options.excluded {
            guard points.contains(p) else { throw GradientsError.concept("directions to exclude at \(p), which is not among the layers") }
            excluded[p] = try ConceptEdit(point: p, mode: .project, directions: rows).directions.map { $0.map(Double.init) }
        }
        let base = TransformerBackprop(model: model, threads: options.threads)
        let tuned = TransformerBackprop(model: model, threads: options.threads, adapter: adapter)
        let pool = base.pool
        var moments = [[Double]](repeating: [Double](repeating: 0, count: d * d), count: points.count)   // [d, d] upper triangle each
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: points.count)          // [d] each
        var count = 0
        for e in examples {
            let T = e.tokens.count
            let first = options.positions == .afterFirst ? 1 : min(e.completionStart, T)
            guard first < T else { continue }
            let hb = try base.residuals(e.tokens, at: Set(points))
            let ht = try tuned.residuals(e.tokens, at: Set(points))
            let n = T - first
            count += n
            for (j, p) in points.enumerated() {
                let xb = hb[p]!, xt = ht[p]!
                var delta = [Double](repeating: 0, count: n * d)   // [n, d]
                for t in 0..<n {
                    for i in 0..<d { delta[t * d + i] = Double(xt[(first + t) * d + i]) - Double(xb[(first + t) * d + i]) }
                    for w in excluded[p] ?? [] {
                        var dot = 0.0
                        for i in 0..<d { dot += delta[t * d + i] * w[i] }
                        for i in 0..<d { delta[t * d + i] -= dot * w[i] }
                    }
                }
                for t in 0..<n { for i in 0..<d { sums[j][i] += delta[t * d + i] } }
                accumulateUpper(&moments[j], delta, tokens: n, d: d, pool: pool)
            }
        }
        guard count > 0 else {
            throw GradientsError.invalidOption("no token to take differences over (every example is shorter than its positions)")
        }
        var components: [Component] = []
        for (j, p) in points.enumerated() {
            let mean = sums[j].map { $0 / Double(count) }
            var m = moments[j]
            for a in 0..<d {
                for b in a..<d {
                    var v = m[a * d + b] / Double(count)
                    if options.centered { v -= mean[a] * mean[b] }
                    m[a * d + b] = v
                    m[b * d + a] = v
                }
            }
            var trace = 0.0
            for a in 0..<d { trace += m[a * d + a] }
            guard trace > 0, trace.isFinite else {
                throw GradientsError.concept("the adapter does not change the stream at \(p) (is the layer below every adapted one?)")
            }
            let (vectors, values) = SymmetricEigen.leading(m, d: d, count: options.k, pool: pool)
            guard vectors.count == options.k, values.allSatisfy({ $0 > 1e-12 * trace }) else {
                let carried = zip(vectors, values).filter { $0.1 > 1e-12 * trace }.count
                throw GradientsError.concept("at \(p) only \(carried) direction(s) carry the differences; ask for fewer than \(options.k)")
            }
            var dirs: [[Float]] = [], projections: [Double] = []
            for v in vectors {
                var u = v
                var proj = 0.0
                for i in 0..<d { proj += mean[i] * u[i] }
                let scale = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let flip: Bool
                if abs(proj) > 1e-9 * max(scale, 1e-300) {
                    flip = proj < 0
                } else {
                    var best = 0
                    for i in 1..<d where abs(u[i]) > abs(u[best]) { best = i }
                    flip = u[best] < 0
                }
                if flip { u = u.map { -$0 }; proj = -proj }
                dirs.append(u.map { Float($0) })
                projections.append(proj)
            }
            components.append(Component(point: p, directions: dirs, variances: values, totalVariance: trace, meanProjections: projections))
        }
        return Result(components: components, tokens: count)
    }

    /// m[a, b] += Σ_t δ[t, a]·δ[t, b] for b ≥ a, each element's terms in token order; threads take
    /// disjoint blocks of rows (`delta` [tokens, d], `m` [d, d]).
    static func accumulateUpper(_ m: inout [Double], _ delta: [Double], tokens n: Int, d: Int, pool: ThreadPool) {
        let blocks = min(d, 64), rows = (d + blocks - 1) / blocks
        m.withUnsafeMutableBufferPointer { mp in
            let out = mp.baseAddress!
            delta.withUnsafeBufferPointer { dp in
                let x = dp.baseAddress!
                pool.parallelFor(blocks) { blk in
                    for a in (blk * rows)..<min(d, (blk + 1) * rows) {
                        let row = out + a * d
                        for t in 0..<n {
                            let xa = x[t * d + a]
                            if xa == 0 { continue }
                            let xt = x + t * d
                            for b in a..<d { row[b] += xa * xt[b] }
                        }
                    }
                }
            }
        }
    }
}
