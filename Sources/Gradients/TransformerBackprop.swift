// The forward pass with saved activations, and its backward pass, in F32: the Llama family
// and GPT-2 (LayerNorm instead of RMSNorm, learned positions instead of rotary, a GELU MLP, biases).
//
// Legend: T = tokens, S = scored tokens, d = dModel, f = dFF, H = heads, Hkv = kvHeads,
// hd = headDim, V = vocab, r = LoRA rank, s = LoRA scale (alpha / r).
//
// Forward, per block (as Sources/Models/Llama.swift, with F32 activations throughout):
//   x ← edit(x)                               resid_pre           [T, d]
//   h = RMSNorm(x)·g_attn                                         [T, d]
//   q, k, v = h·Wqᵀ (+bq), h·Wkᵀ (+bk), h·Wvᵀ (+bv)   (+ s·(h·Aᵀ)·Bᵀ on adapted ones)
//   (Qwen 3: RMSNorm per head of q and k), rotary on q and k
//   P = softmax(q·kᵀ / sqrt(hd), causal)      per head             [H, T, T]
//   x ← edit(x + (P·v)·Woᵀ)                   resid_mid
//   h = RMSNorm(x)·g_ffn
//   x ← edit(x + (silu(h·Wgateᵀ) ⊙ h·Wupᵀ)·Wdownᵀ)   resid_post
// Loss: L = lossScale · Σ_{scored i} −log softmax(RMSNorm(x_{i−1})·g·Woutᵀ)[token_i].
//
// Backward runs the same steps in reverse. Gradients with respect to the residual stream are
// recorded at the taps asked for (before that tap's edit is undone), and with respect to every
// LoRA A and B. Base weights get no gradient: only adapters are trained.
//
// Determinism: every product is a `DenseOps` kernel (fixed sums, disjoint chunks); attention
// runs a head (forward) or a KV head with its query heads (backward) per chunk; the rest is
// sequential. Gradients are therefore the same bits for any thread count.

import Kernels
import Models
import Taps

/// One training sequence and which tokens its loss scores.
public struct TrainingExample: Sendable, Equatable {
    public var tokens: [Int]
    /// scored[i]: token i (i ≥ 1) counts in the loss, predicted from tokens 0..<i. [T]
    public var scored: [Bool]

    public init(tokens: [Int], scored: [Bool]) {
        self.tokens = tokens
        self.scored = scored
    }

    /// Every token after the first scored (plain-text fine-tuning).
    public init(tokens: [Int]) { self.init(tokens: tokens, scored: tokens.indices.map { $0 > 0 }) }

    /// Tokens the loss scores.
    public var scoredCount: Int { scored.indices.filter { $0 > 0 && scored[$0] }.count }

    /// The token that predicts the first scored one (where a completion's stream starts; the
    /// token count when nothing is scored).
    public var completionStart: Int { (1..<max(1, tokens.count)).first { scored[$0] }.map { $0 - 1 } ?? tokens.count }
}

/// What one backward pass returns besides the adapter gradient.
public struct BackwardResult: Sendable {
    /// Σ −log p over the scored tokens (not scaled).
    public var loss: Double
    public var scoredTokens: Int
    /// ∂(lossScale · Σ −log p)/∂h at each requested residual tap. [T, d] each
    public var taps: [TapPoint: [Float]]
}

/// Forward and backward passes over a `DenseTransformer`, with an optional LoRA adapter and concept edits.
///
/// ```swift
/// let bp = TransformerBackprop(model: dense, threads: 2, adapter: adapter)
/// var grad = [Float](repeating: 0, count: adapter.parameterCount)
/// let r = try bp.backward(example, lossScale: 1 / Float(n), taps: [.residPost(3)], loraGradient: &grad)
/// ```
public final class TransformerBackprop: @unchecked Sendable {
    public let model: DenseTransformer
    public let pool: ThreadPool
    public var adapter: LoRAAdapter?
    public var edits: [ConceptEdit]

    public init(model: DenseTransformer, threads: Int = 1, adapter: LoRAAdapter? = nil, edits: [ConceptEdit] = []) {
        self.model = model
        pool = ThreadPool(threads: threads)
        self.adapter = adapter
        self.edits = edits
    }

    /// Σ −log p over the scored tokens (forward only).
    public func loss(_ example: TrainingExample) throws -> (loss: Double, scoredTokens: Int) {
        try check(example)
        let run = forward(example.tokens, save: false, start: example.completionStart)
        let head = lossHead(run, example, lossScale: 0, backward: false)
        return (head.loss, head.count)
    }

    /// The residual stream [T, d] at each of `points` (resid_pre, resid_mid, resid_post), forward
    /// only, with this pass's edits applied up to that point (resid_post of block L is read where
    /// block L + 1 starts, after that block's resid_pre edits: the same stream). `completionStart`:
    /// where `.completion` ablations begin (as `TrainingExample.completionStart`).
    public func residuals(_ tokens: [Int], at points: Set<TapPoint>, completionStart: Int = 0) throws -> [TapPoint: [Float]] {
        try check(TrainingExample(tokens: tokens))
        let run = forward(tokens, save: true, start: completionStart)
        var out: [TapPoint: [Float]] = [:]
        for p in points {
            switch p {
            case .residPre(let l) where l < run.layers.count: out[p] = run.layers[l].xIn.array
            case .residMid(let l) where l < run.layers.count: out[p] = run.layers[l].xMid.array
            case .residPost(let l) where l + 1 < run.layers.count: out[p] = run.layers[l + 1].xIn.array
            case .residPost(let l) where l + 1 == run.layers.count: out[p] = run.xLast.array
            default: throw GradientsError.invalidOption("\(p) is not a residual point of this \(run.layers.count)-layer model")
            }
        }
        return out
    }

    /// Logits [T, V] of every position (forward only; no edits' gradients involved).
    public func logits(_ tokens: [Int]) throws -> [Float] {
        try check(TrainingExample(tokens: tokens))
        let run = forward(tokens, save: false)
        let c = model.config, T = tokens.count
        let out = Buf(T * c.vocab)
        model.output.withUnsafeBufferPointer { w in
            denseForward(run.final.p, w.baseAddress!, into: out.p, tokens: T, inputs: c.dModel, outputs: c.vocab, pool: pool)
        }
        return out.array
    }

    /// Forward and backward: adds ∂(lossScale · Σ −log p)/∂θ to `loraGradient` (laid out as the
    /// adapter's parameters; required when an adapter is set) and returns the gradients at `taps`.
    public func backward(_ example: TrainingExample, lossScale: Float, taps: Set<TapPoint> = [],
                         loraGradient: inout [Float]) throws -> BackwardResult {
        try check(example)
        if let adapter, loraGradient.count != adapter.parameterCount {
            throw GradientsError.invalidOption("gradient buffer of \(loraGradient.count) for \(adapter.parameterCount) parameters")
        }
        let c = model.config, T = example.tokens.count, d = c.dModel
        let run = forward(example.tokens, save: true, start: example.completionStart)
        let head = lossHead(run, example, lossScale: lossScale, backward: true)
        let dx = head.dFinal   // [T, d] ∂L/∂x leaving the last block
        var recorded: [TapPoint: [Float]] = [:]
        func tap(_ p: TapPoint) {
            if taps.contains(p) { recorded[p] = Array(UnsafeBufferPointer(start: dx.p, count: T * d)) }
            for (i, e) in edits.enumerated() where e.point == p { e.backward(dx.p, tokens: T, acted: run.acted[i]) }
        }
        // Nothing below the lowest adapted layer or requested tap needs a gradient.
        let lowest = min(adapter?.config.layers.first ?? c.layers, taps.compactMap(\.layer).min() ?? c.layers)
        loraGradient.withUnsafeMutableBufferPointer { g in
            let grad = adapter == nil ? nil : g.baseAddress
            for l in stride(from: c.layers - 1, through: lowest, by: -1) {
                tap(.residPost(l))
                mlpBackward(layer: l, run.layers[l], dx, grad: grad, run.params)
                tap(.residMid(l))
                attentionBackward(layer: l, run.layers[l], dx, grad: grad, run: run)
                tap(.residPre(l))
            }
        }
        return BackwardResult(loss: head.loss, scoredTokens: head.count, taps: recorded)
    }

    private func check(_ e: TrainingExample) throws {
        let c = model.config
        guard !e.tokens.isEmpty else { throw GradientsError.invalidOption("an empty token sequence") }
        guard e.scored.count == e.tokens.count else {
            throw GradientsError.invalidOption("\(e.scored.count) score flags for \(e.tokens.count) tokens")
        }
        guard e.tokens.count <= c.contextLength else {
            throw GradientsError.invalidOption("\(e.tokens.count) tokens exceed the context of \(c.contextLength)")
        }
        for t in e.tokens where t < 0 || t >= c.vocab { throw GradientsError.invalidOption("token id \(t) is outside the vocabulary") }
    }

    // MARK: - Forward

    /// What the backward pass reads from one block.
    struct Saved {
        var xIn = Buf(0), h1 = Buf(0), qLin: Buf? = nil, kLin: Buf? = nil
        var q = Buf(0), k = Buf(0), v = Buf(0), probs = Buf(0), attn = Buf(0)
        var xMid = Buf(0), h2 = Buf(0), gate = Buf(0), up = Buf(0), act = Buf(0)
        /// u = x·Aᵀ [T, r] of each adapted projection.
        var u: [Projection: Buf] = [:]
    }

    struct Run {
        var T: Int
        var layers: [Saved]
        var xLast: Buf           // [T, d] residual leaving the last block
        var final: Buf           // [T, d] final norm output
        var cos: [Float], sin: [Float], negSin: [Float]
        var params: Buf?         // the adapter's parameters
        var acted: [Int: [Bool]] // per edit (index): where its ablation acted [T·k]
    }

    /// `start`: the token that predicts the first scored one (where `.completion` ablations begin).
    private func forward(_ tokens: [Int], save: Bool, start: Int = 0) -> Run {
        let c = model.config, T = tokens.count, d = c.dModel, f = c.dFF, hd = c.headDim
        let qw = c.heads * hd, kvw = c.kvHeads * hd, half = c.ropeDims / 2, eps = c.normEps
        let (cos, sin) = model.ropeTables(tokens: T)
        let negSin = sin.map { -$0 }
        let params = adapter.map { a in Buf(a.parameters) }
        let x = Buf(T * d)
        model.embedding.withUnsafeBufferPointer { e in
            for (t, id) in tokens.enumerated() { (x.p + t * d).update(from: e.baseAddress! + id * d, count: d) }
        }
        if let P = model.positionEmbedding {   // GPT-2: x_t += P[t]
            for t in 0..<T { for i in 0..<d { x.p[t * d + i] += P[t * d + i] } }
        }
        var saved: [Saved] = []
        var acted: [Int: [Bool]] = [:]
        func applyEdits(_ p: TapPoint, _ x: Buf, _ T: Int) {
            for (i, e) in edits.enumerated() where e.point == p { acted[i] = e.forward(x.p, tokens: T, start: start) }
        }
        for l in 0..<c.layers {
            let L = model.layers[l]
            var s = Saved()
            applyEdits(.residPre(l), x, T)
            if save { s.xIn = x.copy() }

            let h1 = Buf(T * d)
            for t in 0..<T { norm(x.p + t * d, L.attnNorm, L.attnNormBias, into: h1.p + t * d) }
            let q = Buf(T * qw), k = Buf(T * kvw), v = Buf(T * kvw)
            project(.q, l, h1, L.wq, q, T, params, &s)
            project(.k, l, h1, L.wk, k, T, params, &s)
            project(.v, l, h1, L.wv, v, T, params, &s)
            if let b = L.bq { addRows(q, b, T) }
            if let b = L.bk { addRows(k, b, T) }
            if let b = L.bv { addRows(v, b, T) }
            if save, L.qNorm != nil { s.qLin = q.copy(); s.kLin = k.copy() }
            for t in 0..<T where !model.isGPT2 {   // (GPT-2 has no rotary)
                for head in 0..<c.heads {
                    let qh = q.p + t * qw + head * hd
                    if let g = L.qNorm { rmsNorm(qh, weight: g, eps: eps, into: qh, n: hd) }
                    cos.withUnsafeBufferPointer { cp in sin.withUnsafeBufferPointer { sp in
                        applyRope(qh, cos: cp.baseAddress! + t * half, sin: sp.baseAddress! + t * half, half: half, style: c.ropeStyle)
                    } }
                }
                for head in 0..<c.kvHeads {
                    let kh = k.p + t * kvw + head * hd
                    if let g = L.kNorm { rmsNorm(kh, weight: g, eps: eps, into: kh, n: hd) }
                    cos.withUnsafeBufferPointer { cp in sin.withUnsafeBufferPointer { sp in
                        applyRope(kh, cos: cp.baseAddress! + t * half, sin: sp.baseAddress! + t * half, half: half, style: c.ropeStyle)
                    } }
                }
            }
            let probs = Buf(c.heads * T * T), attn = Buf(T * qw)
            attentionForward(q, k, v, probs, attn, T)
            let proj = Buf(T * d)
            project(.o, l, attn, L.wo, proj, T, params, &s)
            if let b = L.bo { addRows(proj, b, T) }
            add(proj, into: x)
            applyEdits(.residMid(l), x, T)
            if save { s.h1 = h1; s.q = q; s.k = k; s.v = v; s.probs = probs; s.attn = attn; s.xMid = x.copy() }

            let h2 = Buf(T * d)
            for t in 0..<T { norm(x.p + t * d, L.ffnNorm, L.ffnNormBias, into: h2.p + t * d) }
            let gate = Buf(T * f), up = Buf(T * f), act = Buf(T * f)
            project(.up, l, h2, L.wUp, up, T, params, &s)
            if let wGate = L.wGate {      // SwiGLU: silu(gate) ⊙ up
                project(.gate, l, h2, wGate, gate, T, params, &s)
                for i in 0..<(T * f) { act.p[i] = fsilu(gate.p[i]) * up.p[i] }
            } else {                      // GPT-2: gelu(up + b)
                if let b = L.bUp { addRows(up, b, T) }
                for i in 0..<(T * f) { act.p[i] = fgeluTanh(up.p[i]) }
            }
            project(.down, l, act, L.wDown, proj, T, params, &s)
            if let b = L.bDown { addRows(proj, b, T) }
            add(proj, into: x)
            applyEdits(.residPost(l), x, T)
            if save { s.h2 = h2; s.gate = gate; s.up = up; s.act = act }
            saved.append(s)
        }
        let final = Buf(T * d)
        for t in 0..<T { norm(x.p + t * d, model.finalNorm, model.finalNormBias, into: final.p + t * d) }
        return Run(T: T, layers: saved, xLast: x, final: final, cos: cos, sin: sin, negSin: negSin, params: params, acted: acted)
    }

    /// The architecture's norm of one row [d]: RMSNorm, or LayerNorm with its bias for GPT-2.
    private func norm(_ x: UnsafePointer<Float>, _ g: [Float], _ b: [Float]?, into y: UnsafeMutablePointer<Float>) {
        let d = model.config.dModel, eps = model.config.normEps
        if model.isGPT2 {
            b.withOptional { bp in layerNorm(x, weight: g, bias: bp, eps: eps, into: y, n: d) }
        } else {
            rmsNorm(x, weight: g, eps: eps, into: y, n: d)
        }
    }

    /// dx [d] += the backward of `norm` at input x [d] for dy [d].
    private func normBackward(_ x: UnsafePointer<Float>, _ g: [Float], dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let d = model.config.dModel, eps = model.config.normEps
        if model.isGPT2 {
            layerNormBackward(x, g, eps, dy: dy, into: dx, n: d)
        } else {
            rmsNormBackward(x, g, eps, dy: dy, into: dx, n: d)
        }
    }

    /// y [T, m] = x·Wᵀ, plus s·(x·Aᵀ)·Bᵀ when `layer`'s `p` is adapted (u = x·Aᵀ saved).
    private func project(_ p: Projection, _ layer: Int, _ x: Buf, _ w: [Float], _ y: Buf, _ T: Int,
                         _ params: Buf?, _ saved: inout Saved) {
        let (n, m) = p.shape(model.config)
        w.withUnsafeBufferPointer { wp in denseForward(x.p, wp.baseAddress!, into: y.p, tokens: T, inputs: n, outputs: m, pool: pool) }
        guard let adapter, let params, let slot = adapter.slot(layer: layer, p) else { return }
        let r = adapter.config.rank, scale = adapter.config.scale
        let u = Buf(T * r), z = Buf(T * m)
        denseForward(x.p, params.p + slot.offsetA, into: u.p, tokens: T, inputs: n, outputs: r, pool: pool)   // [T, r]
        denseForward(u.p, params.p + slot.offsetB, into: z.p, tokens: T, inputs: r, outputs: m, pool: pool)   // [T, m]
        for i in 0..<(T * m) { y.p[i] = y.p[i].addingProduct(scale, z.p[i]) }
        saved.u[p] = u
    }

    /// Causal attention per head: probs [H, T, T] (zero above the diagonal), attn [T, H*hd].
    private func attentionForward(_ q: Buf, _ k: Buf, _ v: Buf, _ probs: Buf, _ attn: Buf, _ T: Int) {
        let c = model.config, hd = c.headDim, H = c.heads, group = c.heads / c.kvHeads
        let qw = H * hd, kvw = c.kvHeads * hd
        let scale = 1 / Float(hd).squareRoot()
        pool.parallelFor(H) { head in
            let g = head / group
            for t in 0..<T {
                let row = probs.p + (head * T + t) * T
                let qt = q.p + t * qw + head * hd
                for j in 0...t { row[j] = dotF32(qt, k.p + j * kvw + g * hd, n: hd) * scale }
                softmax(row, n: t + 1)
                let o = attn.p + t * qw + head * hd
                for j in 0...t { axpy(row[j], v.p + j * kvw + g * hd, o, count: hd) }
            }
        }
    }

    // MARK: - Loss

    struct Head {
        var loss: Double
        var count: Int
        var dFinal: Buf   // [T, d] ∂L/∂x leaving the last block
    }

    /// Cross-entropy over the scored tokens; with `backward`, the gradient into the last block.
    private func lossHead(_ run: Run, _ e: TrainingExample, lossScale: Float, backward: Bool) -> Head {
        let c = model.config, T = run.T, d = c.dModel, V = c.vocab
        let rows = (0..<(T - 1)).filter { e.scored[$0 + 1] }   // positions whose next token is scored
        let S = rows.count
        let dx = Buf(backward ? T * d : 0)
        guard S > 0 else { return Head(loss: 0, count: 0, dFinal: dx) }
        let hs = Buf(S * d), logits = Buf(S * V)
        for (i, t) in rows.enumerated() { (hs.p + i * d).update(from: run.final.p + t * d, count: d) }
        model.output.withUnsafeBufferPointer { w in
            denseForward(hs.p, w.baseAddress!, into: logits.p, tokens: S, inputs: d, outputs: V, pool: pool)
        }
        var loss = 0.0
        for (i, t) in rows.enumerated() {
            let row = logits.p + i * V, target = e.tokens[t + 1]
            let lse = logSumExp(row, n: V)
            loss += Double(lse - row[target])
            if backward {
                for j in 0..<V { row[j] = fexp(row[j] - lse) * lossScale }
                row[target] -= lossScale
            }
        }
        guard backward else { return Head(loss: loss, count: S, dFinal: dx) }
        let dhs = Buf(S * d)
        model.output.withUnsafeBufferPointer { w in
            denseBackwardInput(logits.p, w.baseAddress!, into: dhs.p, tokens: S, inputs: d, outputs: V, pool: pool)
        }
        for (i, t) in rows.enumerated() {
            normBackward(run.xLast.p + t * d, model.finalNorm, dy: dhs.p + i * d, into: dx.p + t * d)
        }
        return Head(loss: loss, count: S, dFinal: dx)
    }

    // MARK: - Backward

    /// dx [T, d] (∂L/∂resid_post) becomes ∂L/∂resid_mid.
    private func mlpBackward(layer l: Int, _ s: Saved, _ dx: Buf, grad: UnsafeMutablePointer<Float>?, _ params: Buf?) {
        let c = model.config, L = model.layers[l], T = dx.count / c.dModel, d = c.dModel, f = c.dFF
        let dAct = Buf(T * f)
        projectBackward(.down, l, input: s.act, dy: dx, w: L.wDown, dx: dAct, u: s.u[.down], grad: grad, params)
        let dGate = Buf(T * f), dUp = Buf(T * f)
        let dh = Buf(T * d)
        if let wGate = L.wGate {
            for i in 0..<(T * f) {
                let g = s.gate.p[i], sig = fsigmoid(g)
                dUp.p[i] = dAct.p[i] * (g * sig)
                dGate.p[i] = dAct.p[i] * s.up.p[i] * (sig * (1 + g * (1 - sig)))
            }
            projectBackward(.gate, l, input: s.h2, dy: dGate, w: wGate, dx: dh, u: s.u[.gate], grad: grad, params)
        } else {
            for i in 0..<(T * f) { dUp.p[i] = dAct.p[i] * geluTanhDerivative(s.up.p[i]) }
        }
        projectBackward(.up, l, input: s.h2, dy: dUp, w: L.wUp, dx: dh, u: s.u[.up], grad: grad, params)
        for t in 0..<T { normBackward(s.xMid.p + t * d, L.ffnNorm, dy: dh.p + t * d, into: dx.p + t * d) }
    }

    /// dx [T, d] (∂L/∂resid_mid) becomes ∂L/∂resid_pre.
    private func attentionBackward(layer l: Int, _ s: Saved, _ dx: Buf, grad: UnsafeMutablePointer<Float>?, run: Run) {
        let c = model.config, L = model.layers[l], T = run.T, d = c.dModel, hd = c.headDim
        let H = c.heads, group = c.heads / c.kvHeads, qw = H * hd, kvw = c.kvHeads * hd, half = c.ropeDims / 2
        let scale = 1 / Float(hd).squareRoot()
        let dAttn = Buf(T * qw)
        projectBackward(.o, l, input: s.attn, dy: dx, w: L.wo, dx: dAttn, u: s.u[.o], grad: grad, run.params)
        let dq = Buf(T * qw), dk = Buf(T * kvw), dv = Buf(T * kvw)
        let q = s.q, k = s.k, v = s.v, probs = s.probs
        pool.parallelFor(c.kvHeads) { g in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: T) { dpBuf in
                let dp = dpBuf.baseAddress!
                for head in (g * group)..<((g + 1) * group) {
                    for t in 0..<T {
                        let row = probs.p + (head * T + t) * T
                        let da = dAttn.p + t * qw + head * hd
                        var sum = 0.0
                        for j in 0...t {
                            dp[j] = dotF32(da, v.p + j * kvw + g * hd, n: hd)
                            sum += Double(row[j]) * Double(dp[j])
                            axpy(row[j], da, dv.p + j * kvw + g * hd, count: hd)
                        }
                        let mean = Float(sum)
                        let dqt = dq.p + t * qw + head * hd, qt = q.p + t * qw + head * hd
                        for j in 0...t {
                            let ds = row[j] * (dp[j] - mean) * scale
                            if ds == 0 { continue }
                            axpy(ds, k.p + j * kvw + g * hd, dqt, count: hd)
                            axpy(ds, qt, dk.p + j * kvw + g * hd, count: hd)
                        }
                    }
                }
            }
        }
        // Undo the rotary (rotate by −θ), then the per-head norms of Qwen 3.
        run.cos.withUnsafeBufferPointer { cp in run.negSin.withUnsafeBufferPointer { sp in
            for t in 0..<T where !model.isGPT2 {
                let ct = cp.baseAddress! + t * half, st = sp.baseAddress! + t * half
                for head in 0..<H { applyRope(dq.p + t * qw + head * hd, cos: ct, sin: st, half: half, style: c.ropeStyle) }
                for head in 0..<c.kvHeads { applyRope(dk.p + t * kvw + head * hd, cos: ct, sin: st, half: half, style: c.ropeStyle) }
            }
        } }
        if let gq = L.qNorm, let gk = L.kNorm, let qLin = s.qLin, let kLin = s.kLin {
            headNormBackward(dq, qLin, gq, heads: H, T)
            headNormBackward(dk, kLin, gk, heads: c.kvHeads, T)
        }
        let dh = Buf(T * d)
        projectBackward(.q, l, input: s.h1, dy: dq, w: L.wq, dx: dh, u: s.u[.q], grad: grad, run.params)
        projectBackward(.k, l, input: s.h1, dy: dk, w: L.wk, dx: dh, u: s.u[.k], grad: grad, run.params)
        projectBackward(.v, l, input: s.h1, dy: dv, w: L.wv, dx: dh, u: s.u[.v], grad: grad, run.params)
        for t in 0..<T { normBackward(s.xIn.p + t * d, L.attnNorm, dy: dh.p + t * d, into: dx.p + t * d) }
    }

    /// Replaces dy [T, heads*hd] (∂L/∂ per-head-normed rows) by ∂L/∂ the rows before the norm.
    private func headNormBackward(_ dy: Buf, _ x: Buf, _ g: [Float], heads: Int, _ T: Int) {
        let hd = model.config.headDim
        let dx = Buf(hd)
        for i in 0..<(T * heads) {
            dx.p.update(repeating: 0, count: hd)
            rmsNormBackward(x.p + i * hd, g, model.config.normEps, dy: dy.p + i * hd, into: dx.p, n: hd)
            (dy.p + i * hd).update(from: dx.p, count: hd)
        }
    }

    /// Backward of `project`: dx [T, n] += dy·W (+ the adapter's path), and the adapter's
    /// gradients dB += s·dyᵀ·u, dA += (s·dy·B)ᵀ·x into `grad`.
    private func projectBackward(_ p: Projection, _ layer: Int, input x: Buf, dy: Buf, w: [Float], dx: Buf, u: Buf?,
                                 grad: UnsafeMutablePointer<Float>?, _ params: Buf?) {
        let (n, m) = p.shape(model.config)
        let T = dy.count / m
        w.withUnsafeBufferPointer { wp in
            denseBackwardInput(dy.p, wp.baseAddress!, into: dx.p, tokens: T, inputs: n, outputs: m, pool: pool)
        }
        guard let adapter, let params, let u, let slot = adapter.slot(layer: layer, p) else { return }
        let r = adapter.config.rank, scale = adapter.config.scale
        let dys = Buf(T * m)
        for i in 0..<(T * m) { dys.p[i] = scale * dy.p[i] }
        let du = Buf(T * r)
        denseBackwardInput(dys.p, params.p + slot.offsetB, into: du.p, tokens: T, inputs: r, outputs: m, pool: pool)
        if let grad {
            denseWeightGradient(dys.p, u.p, into: grad + slot.offsetB, tokens: T, inputs: r, outputs: m, pool: pool)
            denseWeightGradient(du.p, x.p, into: grad + slot.offsetA, tokens: T, inputs: n, outputs: r, pool: pool)
        }
        denseBackwardInput(du.p, params.p + slot.offsetA, into: dx.p, tokens: T, inputs: n, outputs: r, pool: pool)
    }
}

/// dx [n] += ∂/∂x of y = RMSNorm(x)·g applied to dy [n]:
/// dx_i += s·g_i·dy_i − (s³/n)·x_i·Σ_j g_j·dy_j·x_j, s = 1/sqrt(mean(x²) + eps) computed as `rmsNorm` does.
func rmsNormBackward(_ x: UnsafePointer<Float>, _ g: [Float], _ eps: Float, dy: UnsafePointer<Float>,
                     into dx: UnsafeMutablePointer<Float>, n: Int) {
    var sum: Double = 0
    for i in 0..<n { let v = Double(x[i]); sum += v * v }
    let s = Float(1.0 / (sum / Double(n) + Double(eps)).squareRoot())
    var dot: Double = 0
    for i in 0..<n { dot += Double(g[i] * dy[i]) * Double(x[i]) }
    let c = Float(dot) * s * s * s / Float(n)
    for i in 0..<n { dx[i] += s * g[i] * dy[i] - c * x[i] }
}

/// dx [n] += ∂/∂x of y = LayerNorm(x)·g + b applied to dy [n], with x̂ = (x − mean)·s and
/// s = 1/sqrt(var + eps) computed as `layerNorm` does:
/// dx_i += s·(g_i·dy_i − mean_j(g_j·dy_j) − x̂_i·mean_j(g_j·dy_j·x̂_j)).
func layerNormBackward(_ x: UnsafePointer<Float>, _ g: [Float], _ eps: Float, dy: UnsafePointer<Float>,
                       into dx: UnsafeMutablePointer<Float>, n: Int) {
    var sum: Double = 0
    for i in 0..<n { sum += Double(x[i]) }
    let mean = Float(sum / Double(n))
    var sq: Double = 0
    for i in 0..<n { let v = Double(x[i] - mean); sq += v * v }
    let s = Float(1.0 / (sq / Double(n) + Double(eps)).squareRoot())
    var a: Double = 0, b: Double = 0
    for i in 0..<n {
        let gd = Double(g[i] * dy[i])
        a += gd
        b += gd * Double((x[i] - mean) * s)
    }
    let meanA = Float(a / Double(n)), meanB = Float(b / Double(n))
    for i in 0..<n { dx[i] += s * (g[i] * dy[i] - meanA - (x[i] - mean) * s * meanB) }
}

/// d/dx of the tanh-approximated GELU (`fgeluTanh`): with u = c·(x + 0.044715x³),
/// 0.5·(1 + tanh u) + 0.5·x·(1 − tanh²u)·c·(1 + 3·0.044715x²).
@inline(__always)
func geluTanhDerivative(_ x: Float) -> Float {
    let c: Float = 0.797_884_560_802_865_4
    let th = ftanh(c * x.addingProduct(0.044715 * x * x, x))
    return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * c * (1 + 3 * 0.044715 * x * x)
}

/// x[t, :] += b for each of T rows.
func addRows(_ x: Buf, _ b: [Float], _ T: Int) {
    let n = b.count
    for t in 0..<T { for i in 0..<n { x.p[t * n + i] += b[i] } }
}

/// y += x elementwise.
func add(_ x: Buf, into y: Buf) {
    for i in 0..<y.count { y.p[i] += x.p[i] }
}

/// A zeroed float buffer owned by the pass that allocated it. [count]
final class Buf: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = count
        p = .allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
    }

    convenience init(_ values: [Float]) {
        self.init(values.count)
        values.withUnsafeBufferPointer { v in if let base = v.baseAddress { p.update(from: base, count: v.count) } }
    }

    func copy() -> Buf {
        let b = Buf(count)
        b.p.update(from: p, count: count)
        return b
    }

    var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }

    deinit { p.deallocate() }
}
