// Training sparse autoencoders: TopK with AuxK, ReLU with L1, JumpReLU with an L0 penalty.
//
// Legend: N = training rows, D = d_in, L = latents, B = batch rows, k = TopK's k,
//         k_aux = AuxK's latents, E = gradient entries of a batch (active latents over its rows).
//
// One step on a batch X [B, D] (rows in a seeded order), in the SAE's normalised space:
//   x̃ = s·x,  u = x̃ − b_dec,  pre = u·W_enc + b_enc,  a = f(pre),  x̂ = a·W_dec + b_dec,  e = x̂ − x̃
//   loss = (1/B) Σ_b ‖e_b‖²                                               reconstruction
//        + TopK:     α (1/B) Σ_b ‖ê_b + e_b‖²,  ê = z·W_dec, z = the k_aux largest pre among latents
//                    dead for `deadAfterTokens` tokens, not ReLU'd (AuxK, Gao et al.; e held constant)
//        + ReLU:     λ (1/B) Σ_b Σ_i a_bi ‖W_dec[i]‖                        (L1, norm-weighted)
//        + JumpReLU: λ0 (1/B) Σ_b Σ_i H(pre_bi − θ_i)                       (L0)
// JumpReLU's threshold learns through the straight-through estimator of Rajamanoharan et al.:
//   ∂a/∂θ := −(θ/ε)·K((pre − θ)/ε),  ∂H/∂θ := −(1/ε)·K((pre − θ)/ε),  K = 1 on (−½, ½), ε = bandwidth.
// After the gradient, each decoder row's component along itself is removed, Adam steps every
// parameter, and decoder rows are scaled back to unit norm (Gao et al. §2.1, appendix A).
//
// Work and determinism. A step has three phases:
//   A  rows, parallel over fixed tiles of 64 batch rows: pre-activations (the dense B×L×D product
//      that dominates the cost), the activation, decoding, the error, and for every *active*
//      latent its gradient entry (row, latent, a, ∂L/∂pre). Only active latents get entries,
//      so backward work is B·k·D for TopK, not B·L·D.
//   B  sequential: the entries are bucketed by latent (counting sort, rows ascending), and the
//      b_dec gradient is the sum of the tiles' partial sums in tile order.
//   C  latents, parallel over fixed chunks: latent i's gradient rows are sums over its own
//      entries in row order, then projection, Adam and renormalisation of row i.
// Every number is computed by exactly one tile or chunk, in an order fixed by the data and the
// seed, never by the thread count: the same data and seed give byte-identical weights on 1 or
// many threads. (Tiles are 64 rows whatever the pool, so even the partial sums do not move.)

import Detectors
import Foundation
import Kernels

/// How b_dec starts.
public enum DecoderBiasInit: Sendable, Equatable {
    case zero
    /// The mean of up to `sampleRows` evenly spaced rows.
    case mean(sampleRows: Int)
    /// The geometric median (Weiszfeld's iteration from the mean) of up to `sampleRows` evenly
    /// spaced rows, as Gao et al. do.
    case geometricMedian(sampleRows: Int, iterations: Int)
}

/// Settings of one training run. Defaults follow Gao et al. (TopK) and SAELens (ReLU, JumpReLU).
///
/// ```swift
/// var config = SAETrainingConfig(latents: 4096, architecture: .topK(k: 32))
/// config.epochs = 2
/// let result = try SAETrainer(config).train(x, pool: ThreadPool(threads: 2)) { p in print(p) }
/// ```
public struct SAETrainingConfig: Sendable, Equatable {
    /// L.
    public var latents: Int
    public var architecture: SAEArchitecture
    /// B. The last partial batch of an epoch is skipped, so every step sees B rows.
    public var batchSize = 4096
    public var epochs = 1
    /// Stops earlier than `epochs` when set.
    public var maxSteps: Int?
    /// nil: 2·10⁻⁴ / √(L / 2¹⁴), the scaling law Gao et al. fit for their TopK SAEs.
    public var learningRate: Float?
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    /// Gao et al. use 6.25·10⁻¹⁰.
    public var epsilon: Float = 6.25e-10
    /// Linear warm-up of the learning rate from 0 over these steps.
    public var warmupSteps = 0
    /// Linear decay of the learning rate to 0 over this final fraction of the steps.
    public var decayFraction = 0.2
    /// Seeds the initialisation and the batch order.
    public var seed: UInt64 = 0
    /// Scale inputs by s = √(D / E‖x‖²) (SAELens "expected_average_only_in"), recorded in the SAE.
    public var normalizeInput = true
    public var decoderBiasInit = DecoderBiasInit.geometricMedian(sampleRows: 16384, iterations: 16)
    /// Keep decoder rows at unit norm (remove the parallel gradient, renormalise after each step).
    public var unitNormDecoder = true

    /// TopK: a latent is dead after this many training tokens without firing (Gao et al.: 10M).
    public var deadAfterTokens = 1_000_000
    /// TopK: latents in the AuxK reconstruction; nil: D/2 (Gao et al., appendix B.1).
    public var auxK: Int?
    /// TopK: α, AuxK's weight (Gao et al.: 1/32). 0 turns AuxK off.
    public var auxCoefficient: Float = 1.0 / 32

    /// ReLU: λ of the norm-weighted L1 penalty.
    public var l1Coefficient: Float = 5
    /// ReLU / JumpReLU: the sparsity coefficient rises linearly from 0 over these steps; nil:
    /// the first 5% of the steps (Anthropic's April 2024 recipe). 0 turns the warm-up off.
    public var sparsityWarmupSteps: Int?

    /// JumpReLU: initial θ.
    public var jumpReLUInitialThreshold: Float = 0.01
    /// JumpReLU: ε, the width of the straight-through window.
    public var jumpReLUBandwidth: Float = 0.05
    /// JumpReLU: λ0 of the L0 penalty.
    public var l0Coefficient: Float = 1

    /// Steps between progress reports (the last step always reports).
    public var progressEvery = 100

    public init(latents: Int, architecture: SAEArchitecture = .topK(k: 32)) {
        self.latents = latents
        self.architecture = architecture
    }

    /// The learning rate actually used.
    public var effectiveLearningRate: Float {
        learningRate ?? Float(2e-4 / (Double(latents) / 16384).squareRoot())
    }

    /// k_aux actually used for inputs of width D.
    public func effectiveAuxK(inputWidth D: Int) -> Int {
        min(auxK ?? max(1, D / 2), latents)
    }

    func validate(inputWidth D: Int, rows: Int) throws {
        func bad(_ s: String) -> SAEError { .invalidConfiguration(s) }
        guard latents >= 1 else { throw bad("latents must be ≥ 1") }
        guard latents <= SAELimits.maxLatents else { throw SAEError.tooLarge(what: "latents", value: latents, limit: SAELimits.maxLatents) }
        guard D <= SAELimits.maxInputWidth else { throw SAEError.tooLarge(what: "d_in", value: D, limit: SAELimits.maxInputWidth) }
        guard D * latents <= SAELimits.maxMatrixElements else {
            throw SAEError.tooLarge(what: "d_in × latents", value: D * latents, limit: SAELimits.maxMatrixElements)
        }
        if case .topK(let k) = architecture, !(1...latents).contains(k) { throw bad("k = \(k) must be in 1...\(latents)") }
        guard batchSize >= 1 else { throw bad("batch size must be ≥ 1") }
        guard rows >= batchSize else { throw bad("\(rows) training rows are fewer than one batch of \(batchSize)") }
        guard epochs >= 1 || maxSteps != nil else { throw bad("epochs must be ≥ 1") }
        if let maxSteps, maxSteps < 1 { throw bad("maxSteps must be ≥ 1") }
        let lr = effectiveLearningRate
        guard lr.isFinite, lr > 0 else { throw bad("learning rate \(lr) must be finite and > 0") }
        guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1 else { throw bad("Adam betas must be in [0, 1)") }
        guard epsilon.isFinite, epsilon >= 0 else { throw bad("Adam epsilon must be finite and ≥ 0") }
        guard warmupSteps >= 0, decayFraction >= 0, decayFraction <= 1 else { throw bad("warmupSteps ≥ 0 and decayFraction in [0, 1]") }
        guard deadAfterTokens >= 1 else { throw bad("deadAfterTokens must be ≥ 1") }
        if let auxK, auxK < 1 { throw bad("auxK must be ≥ 1") }
        for (name, v) in [("auxCoefficient", auxCoefficient), ("l1Coefficient", l1Coefficient), ("l0Coefficient", l0Coefficient)] {
            guard v.isFinite, v >= 0 else { throw bad("\(name) must be finite and ≥ 0") }
        }
        if let w = sparsityWarmupSteps, w < 0 { throw bad("sparsityWarmupSteps must be ≥ 0") }
        guard jumpReLUInitialThreshold.isFinite, jumpReLUInitialThreshold >= 0 else { throw bad("initial threshold must be ≥ 0") }
        guard jumpReLUBandwidth.isFinite, jumpReLUBandwidth > 0 else { throw bad("bandwidth must be > 0") }
        guard progressEvery >= 1 else { throw bad("progressEvery must be ≥ 1") }
        switch decoderBiasInit {
        case .zero: break
        case .mean(let n): guard n >= 1 else { throw bad("sampleRows must be ≥ 1") }
        case .geometricMedian(let n, let it): guard n >= 1, it >= 0 else { throw bad("sampleRows ≥ 1, iterations ≥ 0") }
        }
    }
}

/// A progress report (every `progressEvery` steps). Losses are per row, in normalised space,
/// measured on the step's batch before its update.
public struct SAETrainingProgress: Sendable, Equatable, CustomStringConvertible {
    public var step: Int
    public var totalSteps: Int
    public var tokens: Int
    /// Reconstruction + auxiliary + sparsity.
    public var loss: Double
    public var mse: Double
    public var auxLoss: Double
    public var sparsityLoss: Double
    /// Mean active latents per row.
    public var l0: Double
    /// 1 − Σ‖e‖² / Σ‖x̃ − mean‖² over the batch.
    public var explainedVariance: Double
    /// Latents that have not fired in the last `deadAfterTokens` tokens (0 before that many
    /// tokens have been seen).
    public var deadFraction: Double
    public var learningRate: Float
    /// Training rows per second of wall time so far.
    public var activationsPerSecond: Double

    public var description: String {
        String(format: "step %d/%d  loss %.4f  mse %.4f  aux %.4f  sparsity %.4f  L0 %.1f  EV %.4f  dead %.3f  %.0f act/s",
               step, totalSteps, loss, mse, auxLoss, sparsityLoss, l0, explainedVariance, deadFraction, activationsPerSecond)
    }
}

/// What `train` returns.
public struct SAETrainingResult: Sendable {
    public var sae: SparseAutoencoder
    public var steps: Int
    public var tokens: Int
    public var seconds: Double
    /// Training rows processed per second of wall time (initialisation excluded).
    public var activationsPerSecond: Double
    public var history: [SAETrainingProgress]
}

/// Trains a `SparseAutoencoder` on an in-memory activation matrix.
public struct SAETrainer: Sendable {
    public var config: SAETrainingConfig

    public init(_ config: SAETrainingConfig) { self.config = config }

    /// Trains on every row of `data` [N, D]. `progress` is called on the calling thread.
    /// The same data, config and seed give byte-identical weights whatever `pool`'s size.
    public func train(_ data: MatrixView, pool: ThreadPool, metadata: SAEMetadata = SAEMetadata(),
                      progress: ((SAETrainingProgress) -> Void)? = nil) throws -> SAETrainingResult {
        let D = data.cols
        try config.validate(inputWidth: D, rows: data.rows)
        let run = try TrainingRun(config: config, data: data, pool: pool)
        return try run.train(metadata: metadata, progress: progress)
    }
}

// MARK: - Statistics of the data

/// Rows per chunk of the data passes (fixed, so partial sums never depend on the pool).
private let statsChunkRows = 4096

/// Σ‖x‖² over all rows (Double, per-chunk partials summed in chunk order); throws on a
/// non-finite value.
func sumOfSquaredNorms(_ data: MatrixView, pool: ThreadPool) throws -> Double {
    let chunks = (data.rows + statsChunkRows - 1) / statsChunkRows
    let partial = ChunkResults<Double>(count: chunks)
    let bad = ChunkResults<Int>(count: chunks)
    let D = data.cols
    var c0 = 0
    while c0 < chunks {
        let c1 = min(chunks, c0 + 0xFFFF)
        pool.parallelFor(c1 - c0) { c in
            let chunk = c0 + c
            var s: Double = 0
            for r in (chunk * statsChunkRows)..<min(data.rows, (chunk + 1) * statsChunkRows) {
                let x = data.row(r)
                var row: Double = 0
                for j in 0..<D { row += Double(x[j]) * Double(x[j]) }
                if !row.isFinite, bad[chunk] == nil { bad[chunk] = r }
                s += row
            }
            partial[chunk] = s
        }
        c0 = c1
    }
    for c in 0..<chunks { if let r = bad[c] { throw SAEError.nonFinite(what: "training row \(r)", index: r * D) } }
    return (0..<chunks).reduce(0) { $0 + partial[$1]! }
}

/// Up to `count` evenly spaced row indices of N.
func evenlySpacedRows(_ n: Int, count: Int) -> [Int] {
    let m = min(n, count)
    return (0..<m).map { Int((Int64($0) * Int64(n)) / Int64(m)) }
}

/// The mean (and optionally geometric median) of `rows` of data, scaled by s.  → [D]
func decoderBiasStart(_ data: MatrixView, scale s: Float, _ initKind: DecoderBiasInit) -> [Float] {
    let D = data.cols
    let (sample, iterations): ([Int], Int)
    switch initKind {
    case .zero: return [Float](repeating: 0, count: D)
    case .mean(let n): (sample, iterations) = (evenlySpacedRows(data.rows, count: n), 0)
    case .geometricMedian(let n, let it): (sample, iterations) = (evenlySpacedRows(data.rows, count: n), it)
    }
    var y = [Double](repeating: 0, count: D)
    for r in sample { let x = data.row(r); for j in 0..<D { y[j] += Double(x[j] * s) } }
    for j in 0..<D { y[j] /= Double(sample.count) }
    // Weiszfeld: y ← Σ x_r / ‖x_r − y‖ / Σ 1 / ‖x_r − y‖ (rows at y itself are skipped).
    for _ in 0..<iterations {
        var num = [Double](repeating: 0, count: D), den: Double = 0
        for r in sample {
            let x = data.row(r)
            var d2: Double = 0
            for j in 0..<D { let d = Double(x[j] * s) - y[j]; d2 += d * d }
            guard d2 > 1e-24 else { continue }
            let w = 1 / d2.squareRoot()
            den += w
            for j in 0..<D { num[j] += w * Double(x[j] * s) }
        }
        guard den > 0 else { break }
        for j in 0..<D { y[j] = num[j] / den }
    }
    return y.map { Float($0) }
}

// MARK: - The training run

/// One latent's share of a batch row's gradient.
struct GradientEntry {
    var row: Int32
    var latent: Int32
    /// a (or z for AuxK): multiplies the row's error gradient into ∂L/∂W_dec[i].
    var activation: Float
    /// ∂L/∂pre: multiplies u into ∂L/∂W_encᵀ[i], and is ∂L/∂b_enc[i].
    var delta: Float
    /// JumpReLU: the row's contribution to ∂L/∂θ_i.
    var thresholdGradient: Float
    /// The entry belongs to the AuxK reconstruction (its error gradient is the auxiliary one).
    var aux: Bool
}

/// What one tile of phase A hands to phase B.
struct TileResult {
    var entries: [GradientEntry] = []
    var decoderBiasGradient: [Float]     // [D]  Σ over the tile's rows, rows ascending
    var squaredError: Double = 0
    var auxSquaredError: Double = 0
    var sparsity: Double = 0
    var active = 0
    var inputSum: [Double]               // [D]  Σ x̃
    var inputSquares: Double = 0
}

final class TrainingRun: @unchecked Sendable {
    // @unchecked Sendable: parallel chunks write disjoint rows of its buffers; the pool's join orders them.
    let config: SAETrainingConfig
    let data: MatrixView
    let pool: ThreadPool
    let D: Int, L: Int, B: Int
    let scale: Float
    let kAux: Int

    // Parameters and Adam moments, in raw storage: phase C updates disjoint rows of them from
    // several threads, which Swift arrays held by a class would flag as overlapping accesses.
    let wEncT: UnsafeMutablePointer<Float>, bEnc: UnsafeMutablePointer<Float>     // [L, D] [L]
    let wDec: UnsafeMutablePointer<Float>, bDec: UnsafeMutablePointer<Float>     // [L, D] [D]
    let theta: UnsafeMutablePointer<Float>                                       // [L]
    let mWEnc: UnsafeMutablePointer<Float>, vWEnc: UnsafeMutablePointer<Float>   // [L, D]
    let mWDec: UnsafeMutablePointer<Float>, vWDec: UnsafeMutablePointer<Float>   // [L, D]
    let mBEnc: UnsafeMutablePointer<Float>, vBEnc: UnsafeMutablePointer<Float>   // [L]
    let mTheta: UnsafeMutablePointer<Float>, vTheta: UnsafeMutablePointer<Float> // [L]
    let mBDec: UnsafeMutablePointer<Float>, vBDec: UnsafeMutablePointer<Float>   // [D]

    // Per-batch buffers.
    let inputs: UnsafeMutablePointer<Float>        // [B, D]  u = x̃ − b_dec
    let errorGrad: UnsafeMutablePointer<Float>     // [B, D]  ∂L/∂x̂ = 2e/B
    let auxGrad: UnsafeMutablePointer<Float>       // [B, D]  AuxK: 2α(ê + e)/B
    var batchRows: [Int]                           // [B]
    private var allocations: [UnsafeMutablePointer<Float>] = []

    /// Token count at the end of the step in which each latent last fired.  [L]
    var lastFired: [Int]
    var tokens = 0

    static let tileRows = 64
    static let latentChunk = 64

    init(config: SAETrainingConfig, data: MatrixView, pool: ThreadPool) throws {
        self.config = config
        self.data = data
        self.pool = pool
        D = data.cols
        L = config.latents
        B = config.batchSize
        kAux = config.effectiveAuxK(inputWidth: D)
        let total = try sumOfSquaredNorms(data, pool: pool)
        let meanSq = total / Double(data.rows)
        if config.normalizeInput {
            guard meanSq > 0 else { throw SAEError.invalidConfiguration("training rows are all zero; cannot normalise") }
            scale = Float((Double(D) / meanSq).squareRoot())
        } else {
            scale = 1
        }

        // Decoder rows: uniform in [−1, 1) from the seed, scaled to unit norm; the encoder is
        // their transpose (Gao et al.).
        var rng = SplitMix64(seed: config.seed)
        var w = [Float](repeating: 0, count: L * D)
        for i in 0..<(L * D) { w[i] = 2 * rng.nextUnitFloat() - 1 }
        for i in 0..<L {
            var n2: Double = 0
            for j in 0..<D { n2 += Double(w[i * D + j]) * Double(w[i * D + j]) }
            let n = Float(n2.squareRoot())
            for j in 0..<D { w[i * D + j] /= n }
        }
        var owned: [UnsafeMutablePointer<Float>] = []
        func buffer(_ n: Int, _ value: Float = 0) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n))
            p.initialize(repeating: value, count: max(1, n))
            owned.append(p)
            return p
        }
        wDec = buffer(L * D); wDec.update(from: w, count: L * D)
        wEncT = buffer(L * D); wEncT.update(from: w, count: L * D)
        bEnc = buffer(L)
        bDec = buffer(D); bDec.update(from: decoderBiasStart(data, scale: scale, config.decoderBiasInit), count: D)
        theta = buffer(L, config.architecture == .jumpReLU ? config.jumpReLUInitialThreshold : 0)
        mWEnc = buffer(L * D); vWEnc = buffer(L * D); mWDec = buffer(L * D); vWDec = buffer(L * D)
        mBEnc = buffer(L); vBEnc = buffer(L); mTheta = buffer(L); vTheta = buffer(L)
        mBDec = buffer(D); vBDec = buffer(D)
        inputs = buffer(B * D)
        errorGrad = buffer(B * D)
        auxGrad = buffer(B * D)
        allocations = owned
        batchRows = [Int](repeating: 0, count: B)
        lastFired = [Int](repeating: 0, count: L)
    }

    deinit {
        for p in allocations { p.deallocate() }
    }

    func array(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: n)) }

    var k: Int? { if case .topK(let k) = config.architecture { return k }; return nil }

    func train(metadata: SAEMetadata, progress: ((SAETrainingProgress) -> Void)?) throws -> SAETrainingResult {
        let stepsPerEpoch = data.rows / B
        let total = config.maxSteps.map { min($0, stepsPerEpoch * max(config.epochs, 1)) } ?? stepsPerEpoch * config.epochs
        var order = Array(0..<data.rows)
        var orderRNG = SplitMix64(seed: config.seed ^ 0x6A09_E667_F3BC_C908)
        var history: [SAETrainingProgress] = []
        var beta1Power: Double = 1, beta2Power: Double = 1
        let warmup = config.sparsityWarmupSteps ?? total / 20
        let start = ContinuousClock.now
        var step = 0
        while step < total {
            if step % stepsPerEpoch == 0 { orderRNG.shuffle(&order) }
            let offset = (step % stepsPerEpoch) * B
            for b in 0..<B { batchRows[b] = order[offset + b] }
            beta1Power *= Double(config.beta1)
            beta2Power *= Double(config.beta2)
            let lr = learningRate(step: step, total: total)
            let adam = AdamStep(beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon, lr: lr,
                                beta1Power: beta1Power, beta2Power: beta2Power)
            let sparsityRamp = warmup > 0 ? min(1, Float(step + 1) / Float(warmup)) : 1
            let stats = runStep(adam: adam, sparsityRamp: sparsityRamp)
            step += 1
            if step % config.progressEvery == 0 || step == total {
                let seconds = max(1e-9, (ContinuousClock.now - start).seconds)
                var p = stats
                p.step = step
                p.totalSteps = total
                p.tokens = tokens
                p.learningRate = lr
                p.activationsPerSecond = Double(tokens) / seconds
                history.append(p)
                progress?(p)
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        var meta = metadata
        meta.extra["training"] = trainingRecord(steps: total, sparsityWarmup: warmup)
        let sae = try SparseAutoencoder(architecture: config.architecture, wEncT: array(wEncT, L * D), bEnc: array(bEnc, L),
                                        wDec: array(wDec, L * D), bDec: array(bDec, D),
                                        threshold: config.architecture == .jumpReLU ? array(theta, L) : nil,
                                        normalization: config.normalizeInput ? .expectedAverageOnlyIn(scale: scale) : .none,
                                        applyBDecToInput: true, metadata: meta)
        return SAETrainingResult(sae: sae, steps: total, tokens: tokens, seconds: seconds,
                                 activationsPerSecond: seconds > 0 ? Double(tokens) / seconds : 0, history: history)
    }

    /// The settings and totals written with the SAE (cfg.json "overseer" → "training"). No
    /// timings, so the same run always writes the same bytes.
    func trainingRecord(steps: Int, sparsityWarmup: Int) -> JSONValue {
        var o: [String: JSONValue] = [
            "architecture": .string(config.architecture.description), "latents": .integer(Int64(L)),
            "batch_size": .integer(Int64(B)), "steps": .integer(Int64(steps)), "tokens": .integer(Int64(tokens)),
            "learning_rate": .number(Double(config.effectiveLearningRate)), "seed": .string(String(config.seed)),
            "epochs": .integer(Int64(config.epochs)), "unit_norm_decoder": .bool(config.unitNormDecoder),
        ]
        switch config.architecture {
        case .topK:
            o["dead_after_tokens"] = .integer(Int64(config.deadAfterTokens))
            o["aux_k"] = .integer(Int64(kAux))
            o["aux_coefficient"] = .number(Double(config.auxCoefficient))
        case .relu:
            o["l1_coefficient"] = .number(Double(config.l1Coefficient))
            o["sparsity_warmup_steps"] = .integer(Int64(sparsityWarmup))
        case .jumpReLU:
            o["l0_coefficient"] = .number(Double(config.l0Coefficient))
            o["bandwidth"] = .number(Double(config.jumpReLUBandwidth))
            o["initial_threshold"] = .number(Double(config.jumpReLUInitialThreshold))
            o["sparsity_warmup_steps"] = .integer(Int64(sparsityWarmup))
        }
        return .object(o)
    }

    func learningRate(step: Int, total: Int) -> Float {
        var f = 1.0
        if config.warmupSteps > 0 { f = min(f, Double(step + 1) / Double(config.warmupSteps)) }
        let decaySteps = Int((config.decayFraction * Double(total)).rounded())
        if decaySteps > 0 && step >= total - decaySteps { f = min(f, Double(total - step) / Double(decaySteps)) }
        return Float(Double(config.effectiveLearningRate) * f)
    }

    // MARK: Step

    func runStep(adam: AdamStep, sparsityRamp: Float) -> SAETrainingProgress {
        // Latents dead at the start of this step (TopK AuxK).
        var dead: [Int32] = []
        if k != nil, config.auxCoefficient > 0 {
            for i in 0..<L where tokens - lastFired[i] >= config.deadAfterTokens { dead.append(Int32(i)) }
        }
        let deadFraction = Double(dead.count) / Double(L)
        var decoderNorms: [Float] = []
        if config.architecture == .relu {
            decoderNorms = (0..<L).map { i in dotF32(wDec + i * D, wDec + i * D, n: D).squareRoot() }
        }

        // Phase A: rows.
        let tiles = (B + Self.tileRows - 1) / Self.tileRows
        let results = ChunkResults<TileResult>(count: tiles)
        let sparsityCoefficient = sparsityRamp * (config.architecture == .relu ? config.l1Coefficient : config.l0Coefficient)
        dead.withUnsafeBufferPointer { deadList in
            decoderNorms.withUnsafeBufferPointer { norms in
                pool.parallelFor(tiles) { t in
                    let r0 = t * Self.tileRows, r1 = min(self.B, r0 + Self.tileRows)
                    results[t] = self.rowsPhase(r0..<r1, dead: deadList, decoderNorms: norms, sparsityCoefficient: sparsityCoefficient)
                }
            }
        }

        // Phase B: bucket the entries by latent, rows ascending; sum the b_dec gradient.
        var entries: [GradientEntry] = []
        var gBDec = [Float](repeating: 0, count: D)
        var stats = (sq: 0.0, aux: 0.0, sparsity: 0.0, active: 0, xsq: 0.0)
        var xsum = [Double](repeating: 0, count: D)
        for t in 0..<tiles {
            let r = results[t]!
            entries += r.entries
            for j in 0..<D { gBDec[j] += r.decoderBiasGradient[j]; xsum[j] += r.inputSum[j] }
            stats.sq += r.squaredError; stats.aux += r.auxSquaredError; stats.sparsity += r.sparsity
            stats.active += r.active; stats.xsq += r.inputSquares
        }
        var start = [Int](repeating: 0, count: L + 1)
        for e in entries { start[Int(e.latent) + 1] += 1 }
        for i in 0..<L { start[i + 1] += start[i] }
        var fill = start
        var bucketed = [GradientEntry](repeating: GradientEntry(row: 0, latent: 0, activation: 0, delta: 0, thresholdGradient: 0, aux: false), count: entries.count)
        for e in entries {
            bucketed[fill[Int(e.latent)]] = e
            fill[Int(e.latent)] += 1
        }
        tokens += B
        for e in entries where !e.aux && e.activation > 0 { lastFired[Int(e.latent)] = tokens }

        // Phase C: latents.
        let chunks = (L + Self.latentChunk - 1) / Self.latentChunk
        let lambda = sparsityCoefficient
        bucketed.withUnsafeBufferPointer { buckets in
            start.withUnsafeBufferPointer { start in
                decoderNorms.withUnsafeBufferPointer { norms in
                    pool.parallelFor(chunks) { c in
                        self.latentsPhase((c * Self.latentChunk)..<min(self.L, (c + 1) * Self.latentChunk),
                                          buckets: buckets, start: start, decoderNorms: norms, lambda: lambda, adam: adam)
                    }
                }
            }
        }
        adam.apply(bDec, gBDec, mBDec, vBDec, n: D)

        let Bd = Double(B)
        var meanSq: Double = 0
        for j in 0..<D { meanSq += (xsum[j] / Bd) * (xsum[j] / Bd) }
        let variance = stats.xsq - Bd * meanSq
        let mse = stats.sq / Bd, aux = Double(config.auxCoefficient) * stats.aux / Bd, sparsity = stats.sparsity / Bd
        return SAETrainingProgress(step: 0, totalSteps: 0, tokens: 0, loss: mse + aux + sparsity, mse: mse, auxLoss: aux,
                                   sparsityLoss: sparsity, l0: Double(stats.active) / Bd,
                                   explainedVariance: variance > 0 ? 1 - stats.sq / variance : 0,
                                   deadFraction: deadFraction, learningRate: 0, activationsPerSecond: 0)
    }

    /// Phase A for batch rows `rows` (one tile).
    func rowsPhase(_ rows: Range<Int>, dead: UnsafeBufferPointer<Int32>, decoderNorms: UnsafeBufferPointer<Float>,
                   sparsityCoefficient: Float) -> TileResult {
        let D = self.D, L = self.L, R = rows.count
        var out = TileResult(decoderBiasGradient: [Float](repeating: 0, count: D), inputSum: [Double](repeating: 0, count: D))
        let pre = UnsafeMutablePointer<Float>.allocate(capacity: R * L)
        let target = UnsafeMutablePointer<Float>.allocate(capacity: R * D)   // x̃ [R, D]
        let xHat = UnsafeMutablePointer<Float>.allocate(capacity: D)
        let h = UnsafeMutablePointer<Float>.allocate(capacity: D)
        let kk = max(1, k ?? 1, kAux)
        let idx = UnsafeMutablePointer<Int32>.allocate(capacity: L)
        let val = UnsafeMutablePointer<Float>.allocate(capacity: L)
        let hv = UnsafeMutablePointer<Float>.allocate(capacity: kk), hi = UnsafeMutablePointer<Int32>.allocate(capacity: kk)
        let deadPre = UnsafeMutablePointer<Float>.allocate(capacity: max(1, dead.count))
        defer {
            pre.deallocate(); target.deallocate(); xHat.deallocate(); h.deallocate(); idx.deallocate(); val.deallocate()
            hv.deallocate(); hi.deallocate(); deadPre.deallocate()
        }
        let s = scale
        let u = inputs + rows.lowerBound * D
        let Bf = Float(B)
        let twoOverB = 2 / Bf
        let auxFactor = 2 * config.auxCoefficient / Bf
        let eps = config.jumpReLUBandwidth

        let wE = UnsafePointer(wEncT), wD = UnsafePointer(wDec), bE = UnsafePointer(bEnc), bD = UnsafePointer(bDec)
        let th = UnsafePointer(theta)
        do {
            for t in 0..<R {
                let x = data.row(batchRows[rows.lowerBound + t])
                for j in 0..<D {
                    let xt = x[j] * s
                    target[t * D + j] = xt
                    u[t * D + j] = xt - bD[j]
                }
            }
            dotTile(wE, latents: 0..<L, UnsafePointer(u), rows: R, n: D, into: pre, outStride: L)

            for t in 0..<R {
                let b = rows.lowerBound + t
                let p = pre + t * L
                for i in 0..<L { p[i] += bE[i] }
                let first = out.entries.count

                // Active latents (and JumpReLU's window) → entries with their activations.
                switch config.architecture {
                case .topK(let k):
                    let n = selectTopK(p, count: L, k: k, into: idx, scratchValues: hv, scratchIndices: hi)
                    for e in 0..<n where p[Int(idx[e])] > 0 {
                        out.entries.append(GradientEntry(row: Int32(b), latent: idx[e], activation: p[Int(idx[e])], delta: 0, thresholdGradient: 0, aux: false))
                    }
                case .relu:
                    for i in 0..<L where p[i] > 0 {
                        out.entries.append(GradientEntry(row: Int32(b), latent: Int32(i), activation: p[i], delta: 0, thresholdGradient: 0, aux: false))
                    }
                case .jumpReLU:
                    for i in 0..<L {
                        let cut = max(th[i], 0)
                        let active = p[i] > cut
                        if active || abs(p[i] - cut) < eps / 2 {
                            out.entries.append(GradientEntry(row: Int32(b), latent: Int32(i), activation: active ? p[i] : 0, delta: 0, thresholdGradient: 0, aux: false))
                        }
                    }
                }
                let last = out.entries.count

                // x̂ = Σ a_i W_dec[i] + b_dec (ascending latents), e = x̂ − x̃, g = 2e/B.
                for j in 0..<D { xHat[j] = 0 }
                var activeCount = 0
                for e in first..<last where out.entries[e].activation != 0 {
                    axpy(out.entries[e].activation, wD + Int(out.entries[e].latent) * D, xHat, n: D)
                    activeCount += 1
                }
                let g = errorGrad + b * D
                let xt = target + t * D
                var sq: Double = 0, xsq: Double = 0
                for j in 0..<D {
                    let e = (xHat[j] + bD[j]) - xt[j]
                    xHat[j] = e                      // from here on xHat holds e
                    g[j] = e * twoOverB
                    sq += Double(e) * Double(e)
                    xsq += Double(xt[j]) * Double(xt[j])
                    out.inputSum[j] += Double(xt[j])
                }
                out.squaredError += sq
                out.inputSquares += xsq
                out.active += activeCount

                // ∂L/∂pre for each entry (and JumpReLU's ∂L/∂θ).
                for e in first..<last {
                    let i = Int(out.entries[e].latent)
                    let da = dotF32(UnsafePointer(g), wD + i * D, n: D)
                    switch config.architecture {
                    case .topK:
                        out.entries[e].delta = da
                    case .relu:
                        let penalty = sparsityCoefficient * decoderNorms[i] / Bf
                        out.entries[e].delta = da + penalty
                        out.sparsity += Double(sparsityCoefficient) * Double(out.entries[e].activation) * Double(decoderNorms[i])
                    case .jumpReLU:
                        let cut = max(th[i], 0)
                        let active = out.entries[e].activation != 0
                        out.entries[e].delta = active ? da : 0
                        if active { out.sparsity += Double(sparsityCoefficient) }
                        if abs(p[i] - cut) < eps / 2 {
                            out.entries[e].thresholdGradient = -(cut / eps) * da - sparsityCoefficient / (eps * Bf)
                        }
                    }
                }

                // AuxK: the k_aux largest pre-activations among dead latents, as they are (no
                // ReLU, so a latent whose pre-activation never gets above 0 still learns),
                // reconstruct the residual −e.
                if !dead.isEmpty, k != nil {
                    for d in 0..<dead.count { deadPre[d] = p[Int(dead[d])] }
                    let n = selectTopK(deadPre, count: dead.count, k: kAux, into: idx, scratchValues: hv, scratchIndices: hi)
                    let auxFirst = out.entries.count
                    for e in 0..<n {
                        let i = dead[Int(idx[e])]
                        let z = p[Int(i)]
                        if z != 0 { out.entries.append(GradientEntry(row: Int32(b), latent: i, activation: z, delta: 0, thresholdGradient: 0, aux: true)) }
                    }
                    let auxLast = out.entries.count
                    if auxLast > auxFirst {
                        // ê + e, with e (held in xHat) a constant
                        let ga = auxGrad + b * D
                        for j in 0..<D { h[j] = 0 }
                        for e in auxFirst..<auxLast { axpy(out.entries[e].activation, wD + Int(out.entries[e].latent) * D, h, n: D) }
                        var asq: Double = 0
                        for j in 0..<D {
                            let r = h[j] + xHat[j]
                            asq += Double(r) * Double(r)
                            ga[j] = r * auxFactor
                        }
                        out.auxSquaredError += asq
                        for e in auxFirst..<auxLast {
                            out.entries[e].delta = dotF32(UnsafePointer(ga), wD + Int(out.entries[e].latent) * D, n: D)
                        }
                    }
                }

                // ∂L/∂b_dec from this row: g − Σ δ_i W_encᵀ[i] (u = x̃ − b_dec feeds the encoder).
                for j in 0..<D { h[j] = g[j] }
                for e in first..<out.entries.count where out.entries[e].delta != 0 {
                    axpy(-out.entries[e].delta, wE + Int(out.entries[e].latent) * D, h, n: D)
                }
                out.decoderBiasGradient.withUnsafeMutableBufferPointer { gb in
                    for j in 0..<D { gb[j] += h[j] }
                }
            }
        }
        return out
    }

    /// Phase C for `latents`: gradients from the latent's entries, projection, Adam, renormalisation.
    func latentsPhase(_ latents: Range<Int>, buckets: UnsafeBufferPointer<GradientEntry>, start: UnsafeBufferPointer<Int>,
                      decoderNorms: UnsafeBufferPointer<Float>, lambda: Float, adam: AdamStep) {
        let D = self.D
        let gDec = UnsafeMutablePointer<Float>.allocate(capacity: D)
        let gEnc = UnsafeMutablePointer<Float>.allocate(capacity: D)
        defer { gDec.deallocate(); gEnc.deallocate() }
        let unitNorm = config.unitNormDecoder
        let isReLU = config.architecture == .relu, isJump = config.architecture == .jumpReLU
        let Bf = Float(B)
        let wE = wEncT, wD = wDec, mE = mWEnc, vE = vWEnc, mD = mWDec, vD = vWDec
        let bE = bEnc, mB = mBEnc, vB = vBEnc, th = theta, mT = mTheta, vT = vTheta
        do {
            for i in latents {
                for j in 0..<D { gDec[j] = 0; gEnc[j] = 0 }
                var gB: Float = 0, gT: Float = 0, activationSum: Float = 0
                for e in start[i]..<start[i + 1] {
                    let entry = buckets[e]
                    let row = Int(entry.row)
                    if entry.activation != 0 {
                        axpy(entry.activation, UnsafePointer((entry.aux ? auxGrad : errorGrad) + row * D), gDec, n: D)
                        if !entry.aux { activationSum += entry.activation }
                    }
                    if entry.delta != 0 {
                        axpy(entry.delta, UnsafePointer(inputs + row * D), gEnc, n: D)
                        gB += entry.delta
                    }
                    gT += entry.thresholdGradient
                }
                let w = wD + i * D
                if isReLU && !unitNorm && activationSum != 0 {
                    // ∂/∂W_dec[i] of λ/B Σ a‖W_dec[i]‖ = (λ/B Σ a) W_dec[i] / ‖W_dec[i]‖
                    axpy(lambda / Bf * activationSum / decoderNorms[i], UnsafePointer(w), gDec, n: D)
                }
                if unitNorm {
                    // remove the component along the (unit) row
                    let along = dotF32(UnsafePointer(gDec), UnsafePointer(w), n: D)
                    axpy(-along, UnsafePointer(w), gDec, n: D)
                }
                adam.apply(wE + i * D, gEnc, mE + i * D, vE + i * D, n: D)
                adam.apply(w, gDec, mD + i * D, vD + i * D, n: D)
                adam.applyScalar(&bE[i], gB, &mB[i], &vB[i])
                if isJump {
                    adam.applyScalar(&th[i], gT, &mT[i], &vT[i])
                    th[i] = max(th[i], 0)
                }
                if unitNorm {
                    let n = dotF32(UnsafePointer(w), UnsafePointer(w), n: D).squareRoot()
                    if n > 0 { for j in 0..<D { w[j] = w[j] / n } }
                }
            }
        }
    }
}


/// Whether a training set is big enough for the SAE asked of it. Dictionary learning needs many
/// rows per latent (each latent must see enough of the activations it comes to represent) and
/// enough optimiser steps for Adam's moments and the dead-latent machinery to settle; with too
/// little of either the trainer still runs, and writes an SAE with many dead or duplicated
/// latents, so the command says so.
public enum SAEDataAdvice {
    /// Rows per latent below which the SAE is likely under-trained.
    public static let minimumRowsPerLatent = 50
    /// Steps below which training has likely not converged.
    public static let minimumSteps = 1000

    /// A one-line warning, or nil when `rows` and `steps` look sufficient for `latents`.
    public static func warning(rows: Int, latents: Int, steps: Int) -> String? {
        var problems: [String] = []
        if rows < minimumRowsPerLatent * latents {
            problems.append("\(rows) rows for \(latents) latents (fewer than \(minimumRowsPerLatent) per latent)")
        }
        if steps < minimumSteps { problems.append("only \(steps) steps (fewer than \(minimumSteps))") }
        guard !problems.isEmpty else { return nil }
        return problems.joined(separator: " and ")
            + ": expect many dead latents; collect more text (--positions all), or lower --latents or --batch, or raise --epochs"
    }
}
