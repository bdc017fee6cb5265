// The scalar reference for `TransformerBackprop`: the same forward and backward passes in Double,
// written as plain loops with no threads, no SIMD and no saved-buffer tricks.
//
// Legend: T = tokens, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim, V = vocab,
// r = LoRA rank.
//
// Tests use it twice: finite differences of `loss` (central, in Double) check `backward`, and
// `backward` then checks the fast F32 pass to a reported relative error. `loss` also takes
// additive perturbations at residual taps, applied after that tap's edit, which is what the
// gradient at a tap differentiates.

import Foundation
import Kernels
import Taps

/// A Double-precision forward and backward pass over a `DenseTransformer` (slow; for tests).
public struct ReferenceBackprop {
    public let model: DenseTransformer
    public let adapter: LoRAAdapter?
    public let edits: [ConceptEdit]

    public init(model: DenseTransformer, adapter: LoRAAdapter? = nil, edits: [ConceptEdit] = []) {
        self.model = model
        self.adapter = adapter
        self.edits = edits
    }

    public struct Gradients {
        public var loss: Double
        /// ∂L/∂θ in the adapter's layout. [parameterCount]
        public var lora: [Double]
        /// ∂L/∂h at each requested tap. [T, d]
        public var taps: [TapPoint: [Double]]
    }

    /// Σ −log p over the scored tokens, with the adapter's parameters replaced by `parameters`
    /// (when given) and `perturb[p]` [T, d] added at tap p.
    public func loss(_ e: TrainingExample, parameters: [Double]? = nil, perturb: [TapPoint: [Double]] = [:]) -> Double {
        run(e, parameters: parameters ?? adapter?.parameters.map(Double.init) ?? [], perturb: perturb, taps: [], backward: false).loss
    }

    /// Loss and gradients (of Σ −log p, unscaled).
    public func backward(_ e: TrainingExample, taps: Set<TapPoint> = []) -> Gradients {
        run(e, parameters: adapter?.parameters.map(Double.init) ?? [], perturb: [:], taps: taps, backward: true)
    }

    private struct Layer {
        var xIn: [Double] = [], h1: [Double] = [], qLin: [Double] = [], kLin: [Double] = []
        var q: [Double] = [], k: [Double] = [], v: [Double] = [], probs: [Double] = [], attn: [Double] = []
        var xMid: [Double] = [], h2: [Double] = [], gate: [Double] = [], up: [Double] = [], act: [Double] = []
        var u: [Projection: [Double]] = [:]
    }

    private func run(_ e: TrainingExample, parameters P: [Double], perturb: [TapPoint: [Double]], taps: Set<TapPoint>,
                     backward: Bool) -> Gradients {
        let c = model.config, T = e.tokens.count, d = c.dModel, f = c.dFF, hd = c.headDim, V = c.vocab
        let H = c.heads, Hkv = c.kvHeads, group = H / Hkv, qw = H * hd, kvw = Hkv * hd, half = c.ropeDims / 2
        let eps = Double(c.normEps), scale = 1 / Double(hd).squareRoot()
        let r = adapter?.config.rank ?? 0, s = Double(adapter?.config.scale ?? 0)

        // cos/sin [T, half]
        var cosT = [Double](repeating: 0, count: T * half), sinT = cosT
        for t in 0..<T {
            for i in 0..<half {
                let freq = 1.0 / dpow(c.ropeBase, Double(2 * i) / Double(c.ropeDims))
                let theta = Double(t) * freq / Double(model.ropeFreqFactors?[i] ?? 1)
                (sinT[t * half + i], cosT[t * half + i]) = dsincos(theta)
            }
        }
        func rope(_ x: inout [Double], _ at: Int, _ t: Int, sign: Double) {
            for i in 0..<half {
                let (a, b) = c.ropeStyle == .interleaved ? (at + 2 * i, at + 2 * i + 1) : (at + i, at + i + half)
                let cs = cosT[t * half + i], sn = sign * sinT[t * half + i]
                let xa = x[a], xb = x[b]
                x[a] = xa * cs - xb * sn
                x[b] = xa * sn + xb * cs
            }
        }
        let gpt2 = model.isGPT2
        // LayerNorm (GPT-2): y = (x − μ)/sqrt(var + eps)·g + b
        func layerNorm(_ x: [Double], _ at: Int, _ g: [Float], _ b: [Float]?) -> [Double] {
            let n = d
            let mu = (0..<n).reduce(0.0) { $0 + x[at + $1] } / Double(n)
            let v = (0..<n).reduce(0.0) { $0 + (x[at + $1] - mu) * (x[at + $1] - mu) } / Double(n)
            let inv = 1 / (v + eps).squareRoot()
            return (0..<n).map { (x[at + $0] - mu) * inv * Double(g[$0]) + Double(b?[$0] ?? 0) }
        }
        func layerNormBack(_ x: [Double], _ at: Int, _ g: [Float], _ dy: [Double], _ dyAt: Int) -> [Double] {
            let n = d
            let mu = (0..<n).reduce(0.0) { $0 + x[at + $1] } / Double(n)
            let v = (0..<n).reduce(0.0) { $0 + (x[at + $1] - mu) * (x[at + $1] - mu) } / Double(n)
            let inv = 1 / (v + eps).squareRoot()
            let gd = (0..<n).map { Double(g[$0]) * dy[dyAt + $0] }
            let xh = (0..<n).map { (x[at + $0] - mu) * inv }
            let ma = gd.reduce(0, +) / Double(n), mb = zip(gd, xh).reduce(0.0) { $0 + $1.0 * $1.1 } / Double(n)
            return (0..<n).map { inv * (gd[$0] - ma - xh[$0] * mb) }
        }
        // The block norm of row t of x [T, d].
        func blockNorm(_ x: [Double], _ t: Int, _ g: [Float], _ b: [Float]?) -> [Double] {
            gpt2 ? layerNorm(x, t * d, g, b) : norm(x, t * d, g, d)
        }
        func blockNormBack(_ x: [Double], _ t: Int, _ g: [Float], _ dy: [Double], _ dyAt: Int) -> [Double] {
            gpt2 ? layerNormBack(x, t * d, g, dy, dyAt) : normBack(x, t * d, g, dy, dyAt, d)
        }
        func gelu(_ x: Double) -> Double {
            let c = (2 / Double.pi).squareRoot()
            return 0.5 * x * (1 + tanh(c * (x + 0.044715 * x * x * x)))
        }
        func geluPrime(_ x: Double) -> Double {
            let c = (2 / Double.pi).squareRoot(), th = tanh(c * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * c * (1 + 3 * 0.044715 * x * x)
        }
        func norm(_ x: [Double], _ at: Int, _ g: [Float], _ n: Int) -> [Double] {
            var ss = 0.0
            for i in 0..<n { ss += x[at + i] * x[at + i] }
            let inv = 1 / (ss / Double(n) + eps).squareRoot()
            return (0..<n).map { x[at + $0] * inv * Double(g[$0]) }
        }
        func normBack(_ x: [Double], _ at: Int, _ g: [Float], _ dy: [Double], _ dyAt: Int, _ n: Int) -> [Double] {
            var ss = 0.0
            for i in 0..<n { ss += x[at + i] * x[at + i] }
            let inv = 1 / (ss / Double(n) + eps).squareRoot()
            var dot = 0.0
            for i in 0..<n { dot += Double(g[i]) * dy[dyAt + i] * x[at + i] }
            return (0..<n).map { inv * Double(g[$0]) * dy[dyAt + $0] - inv * inv * inv / Double(n) * x[at + $0] * dot }
        }
        // y [T, m] = x·Wᵀ for W [m, n] of Float or Double
        func mul(_ x: [Double], _ w: (Int) -> Double, _ n: Int, _ m: Int) -> [Double] {
            var y = [Double](repeating: 0, count: T * m)
            for t in 0..<T { for o in 0..<m {
                var acc = 0.0
                for j in 0..<n { acc += x[t * n + j] * w(o * n + j) }
                y[t * m + o] = acc
            } }
            return y
        }
        // dx [T, n] = dy·W
        func mulBack(_ dy: [Double], _ w: (Int) -> Double, _ n: Int, _ m: Int) -> [Double] {
            var dx = [Double](repeating: 0, count: T * n)
            for t in 0..<T { for o in 0..<m { for j in 0..<n { dx[t * n + j] += dy[t * m + o] * w(o * n + j) } } }
            return dx
        }
        func project(_ p: Projection, _ l: Int, _ x: [Double], _ w: [Float], _ saved: inout Layer) -> [Double] {
            let (n, m) = p.shape(c)
            var y = mul(x, { Double(w[$0]) }, n, m)
            if let slot = adapter?.slot(layer: l, p) {
                let u = mul(x, { P[slot.offsetA + $0] }, n, r)
                let z = mul(u, { P[slot.offsetB + $0] }, r, m)
                for i in y.indices { y[i] += s * z[i] }
                saved.u[p] = u
            }
            return y
        }
        var grad = [Double](repeating: 0, count: P.count)
        func projectBack(_ p: Projection, _ l: Int, _ x: [Double], _ dy: [Double], _ w: [Float], _ saved: Layer) -> [Double] {
            let (n, m) = p.shape(c)
            var dx = mulBack(dy, { Double(w[$0]) }, n, m)
            if let slot = adapter?.slot(layer: l, p), let u = saved.u[p] {
                let dys = dy.map { s * $0 }
                for t in 0..<T { for o in 0..<m { for k in 0..<r { grad[slot.offsetB + o * r + k] += dys[t * m + o] * u[t * r + k] } } }
                let du = mulBack(dys, { P[slot.offsetB + $0] }, r, m)
                for t in 0..<T { for k in 0..<r { for j in 0..<n { grad[slot.offsetA + k * n + j] += du[t * r + k] * x[t * n + j] } } }
                let dxa = mulBack(du, { P[slot.offsetA + $0] }, n, r)
                for i in dx.indices { dx[i] += dxa[i] }
            }
            return dx
        }
        // Where each ablation acted (edit index → [T·k]), recorded by the forward edit for the backward one.
        var acted: [Int: [Bool]] = [:]
        let start = e.completionStart
        func edit(_ point: TapPoint, _ x: inout [Double], backward: Bool) {
            for (n, ed) in edits.enumerated() where ed.point == point {
                let factor: Double
                switch ed.mode {
                case .ablate: factor = 1
                case .project: if !backward { continue }; factor = 1
                case .amplify(let a): if !backward { continue }; factor = 1 - Double(a)
                }
                let k = ed.directions.count
                if !backward, ed.mode == .ablate { acted[n] = [Bool](repeating: false, count: T * k) }
                for t in 0..<T {
                    let dots = ed.directions.enumerated().map { j, u -> Double in
                        let dot = (0..<d).reduce(0.0) { $0 + x[t * d + $1] * Double(u[$1]) }
                        guard ed.mode == .ablate else { return dot }
                        if backward { return acted[n]![t * k + j] ? dot : 0 }
                        // Forward: only from `start` for .completion, from token 1 for .afterFirst; above the ceiling (to it) or to the mean.
                        if ed.positions == .completion && t < start { return 0 }
                        if ed.positions == .afterFirst && t == 0 { return 0 }
                        if let c = ed.ceilings {
                            guard dot > Double(c[j]) else { return 0 }
                            acted[n]![t * k + j] = true
                            return dot - Double(c[j])
                        }
                        acted[n]![t * k + j] = true
                        return dot - Double(ed.means[j])
                    }
                    for (u, dot) in zip(ed.directions, dots) { for i in 0..<d { x[t * d + i] -= factor * dot * Double(u[i]) } }
                }
            }
            if !backward, let delta = perturb[point] { for i in x.indices { x[i] += delta[i] } }
        }

        // Forward
        var x = [Double](repeating: 0, count: T * d)
        for (t, id) in e.tokens.enumerated() {
            for i in 0..<d { x[t * d + i] = Double(model.embedding[id * d + i]) + Double(model.positionEmbedding?[t * d + i] ?? 0) }
        }
        var layers: [Layer] = []
        for l in 0..<c.layers {
            let L = model.layers[l]
            var sv = Layer()
            edit(.residPre(l), &x, backward: false)
            sv.xIn = x
            var h1 = [Double](); for t in 0..<T { h1 += blockNorm(x, t, L.attnNorm, L.attnNormBias) }
            var q = project(.q, l, h1, L.wq, &sv), k = project(.k, l, h1, L.wk, &sv), v = project(.v, l, h1, L.wv, &sv)
            if let b = L.bq { for i in q.indices { q[i] += Double(b[i % qw]) } }
            if let b = L.bk { for i in k.indices { k[i] += Double(b[i % kvw]) } }
            if let b = L.bv { for i in v.indices { v[i] += Double(b[i % kvw]) } }
            sv.qLin = q; sv.kLin = k
            if let g = L.qNorm { q = stride(from: 0, to: T * H, by: 1).flatMap { norm(sv.qLin, $0 * hd, g, hd) } }
            if let g = L.kNorm { k = stride(from: 0, to: T * Hkv, by: 1).flatMap { norm(sv.kLin, $0 * hd, g, hd) } }
            for t in 0..<T where !gpt2 {
                for h in 0..<H { rope(&q, t * qw + h * hd, t, sign: 1) }
                for h in 0..<Hkv { rope(&k, t * kvw + h * hd, t, sign: 1) }
            }
            var probs = [Double](repeating: 0, count: H * T * T), attn = [Double](repeating: 0, count: T * qw)
            for h in 0..<H {
                let g = h / group
                for t in 0..<T {
                    var row = (0...t).map { j in (0..<hd).reduce(0.0) { $0 + q[t * qw + h * hd + $1] * k[j * kvw + g * hd + $1] } * scale }
                    let mx = row.max()!
                    row = row.map { dexp($0 - mx) }
                    let sum = row.reduce(0, +)
                    for j in 0...t {
                        probs[(h * T + t) * T + j] = row[j] / sum
                        for i in 0..<hd { attn[t * qw + h * hd + i] += row[j] / sum * v[j * kvw + g * hd + i] }
                    }
                }
            }
            let o = project(.o, l, attn, L.wo, &sv)
            for i in x.indices { x[i] += o[i] + Double(L.bo?[i % d] ?? 0) }
            edit(.residMid(l), &x, backward: false)
            sv.h1 = h1; sv.q = q; sv.k = k; sv.v = v; sv.probs = probs; sv.attn = attn; sv.xMid = x
            var h2 = [Double](); for t in 0..<T { h2 += blockNorm(x, t, L.ffnNorm, L.ffnNormBias) }
            var up = project(.up, l, h2, L.wUp, &sv), gate: [Double] = [], act: [Double]
            if let wGate = L.wGate {
                gate = project(.gate, l, h2, wGate, &sv)
                act = (0..<(T * f)).map { gate[$0] / (1 + dexp(-gate[$0])) * up[$0] }
            } else {
                if let b = L.bUp { for i in up.indices { up[i] += Double(b[i % f]) } }
                act = up.map(gelu)
            }
            let down = project(.down, l, act, L.wDown, &sv)
            for i in x.indices { x[i] += down[i] + Double(L.bDown?[i % d] ?? 0) }
            edit(.residPost(l), &x, backward: false)
            sv.h2 = h2; sv.gate = gate; sv.up = up; sv.act = act
            layers.append(sv)
        }
        var loss = 0.0
        var dx = [Double](repeating: 0, count: T * d)
        for t in 0..<(T - 1) where e.scored[t + 1] {
            let hf = blockNorm(x, t, model.finalNorm, model.finalNormBias)
            let logits = (0..<V).map { vv in (0..<d).reduce(0.0) { $0 + hf[$1] * Double(model.output[vv * d + $1]) } }
            let mx = logits.max()!
            let lse = mx + dlog(logits.reduce(0.0) { $0 + dexp($1 - mx) })
            let target = e.tokens[t + 1]
            loss += lse - logits[target]
            guard backward else { continue }
            var dh = [Double](repeating: 0, count: d)
            for vv in 0..<V {
                let dl = dexp(logits[vv] - lse) - (vv == target ? 1 : 0)
                for i in 0..<d { dh[i] += dl * Double(model.output[vv * d + i]) }
            }
            let back = blockNormBack(x, t, model.finalNorm, dh, 0)
            for i in 0..<d { dx[t * d + i] += back[i] }
        }
        guard backward else { return Gradients(loss: loss, lora: [], taps: [:]) }

        // Backward
        var recorded: [TapPoint: [Double]] = [:]
        func tap(_ p: TapPoint) {
            if taps.contains(p) { recorded[p] = dx }
            edit(p, &dx, backward: true)
        }
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let L = model.layers[l], sv = layers[l]
            tap(.residPost(l))
            let dAct = projectBack(.down, l, sv.act, dx, L.wDown, sv)
            var dGate = [Double](repeating: 0, count: T * f), dUp = dGate
            var dh2 = [Double](repeating: 0, count: T * d)
            if let wGate = L.wGate {
                for i in 0..<(T * f) {
                    let g = sv.gate[i], sig = 1 / (1 + dexp(-g))
                    dUp[i] = dAct[i] * g * sig
                    dGate[i] = dAct[i] * sv.up[i] * sig * (1 + g * (1 - sig))
                }
                dh2 = projectBack(.gate, l, sv.h2, dGate, wGate, sv)
            } else {
                for i in 0..<(T * f) { dUp[i] = dAct[i] * geluPrime(sv.up[i]) }
            }
            let dh2b = projectBack(.up, l, sv.h2, dUp, L.wUp, sv)
            for i in dh2.indices { dh2[i] += dh2b[i] }
            for t in 0..<T { let b = blockNormBack(sv.xMid, t, L.ffnNorm, dh2, t * d); for i in 0..<d { dx[t * d + i] += b[i] } }
            tap(.residMid(l))
            let dAttn = projectBack(.o, l, sv.attn, dx, L.wo, sv)
            var dq = [Double](repeating: 0, count: T * qw), dk = [Double](repeating: 0, count: T * kvw), dv = dk
            for h in 0..<H {
                let g = h / group
                for t in 0..<T {
                    let dp = (0...t).map { j in (0..<hd).reduce(0.0) { $0 + dAttn[t * qw + h * hd + $1] * sv.v[j * kvw + g * hd + $1] } }
                    let pr = (0...t).map { sv.probs[(h * T + t) * T + $0] }
                    let mean = zip(pr, dp).reduce(0.0) { $0 + $1.0 * $1.1 }
                    for j in 0...t {
                        for i in 0..<hd { dv[j * kvw + g * hd + i] += pr[j] * dAttn[t * qw + h * hd + i] }
                        let ds = pr[j] * (dp[j] - mean) * scale
                        for i in 0..<hd {
                            dq[t * qw + h * hd + i] += ds * sv.k[j * kvw + g * hd + i]
                            dk[j * kvw + g * hd + i] += ds * sv.q[t * qw + h * hd + i]
                        }
                    }
                }
            }
            for t in 0..<T where !gpt2 {
                for h in 0..<H { rope(&dq, t * qw + h * hd, t, sign: -1) }
                for h in 0..<Hkv { rope(&dk, t * kvw + h * hd, t, sign: -1) }
            }
            if let g = L.qNorm { dq = (0..<(T * H)).flatMap { normBack(sv.qLin, $0 * hd, g, dq, $0 * hd, hd) } }
            if let g = L.kNorm { dk = (0..<(T * Hkv)).flatMap { normBack(sv.kLin, $0 * hd, g, dk, $0 * hd, hd) } }
            let a = projectBack(.q, l, sv.h1, dq, L.wq, sv), b = projectBack(.k, l, sv.h1, dk, L.wk, sv)
            let cv = projectBack(.v, l, sv.h1, dv, L.wv, sv)
            let dh1 = (0..<(T * d)).map { a[$0] + b[$0] + cv[$0] }
            for t in 0..<T { let bk = blockNormBack(sv.xIn, t, L.attnNorm, dh1, t * d); for i in 0..<d { dx[t * d + i] += bk[i] } }
            tap(.residPre(l))
        }
        return Gradients(loss: loss, lora: grad, taps: recorded)
    }
}
