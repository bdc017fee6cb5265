// Pieces of a pre-norm block that the Llama and Gemma 3 passes share: the attention inputs
// (norm, Q/K/V projections, biases, per-head norms, rotary) and the gated MLP. Each is per row
// or a matrix product whose output row depends only on its input row, so the same code serves a
// prefill over T tokens and a batched decode step over T sequences.
//
// Legend: T = rows, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim.

import Kernels
import Taps

/// A block's separate query, key and value projections (Llama family, Gemma 3).
struct QKVProjections: Sendable {
    var wq: TensorView   // [d, H*hd]
    var wk: TensorView   // [d, Hkv*hd]
    var wv: TensorView   // [d, Hkv*hd]

    /// `blk.N.attn_q`, `attn_k`, `attn_v` (`p` = "blk.N.").
    init(_ src: TensorSource, _ p: String, config c: ModelConfig) throws {
        let d = c.dModel, qw = c.heads * c.headDim, kvw = c.kvHeads * c.headDim
        wq = try src.matrix(p + "attn_q.weight", cols: d, rows: qw)
        wk = try src.matrix(p + "attn_k.weight", cols: d, rows: kvw)
        wv = try src.matrix(p + "attn_v.weight", cols: d, rows: kvw)
    }

    init(neutral L: LayerWeights, _ p: String) throws {
        wq = try required(L.wq, p + "attn_q.weight")
        wk = try required(L.wk, p + "attn_k.weight")
        wv = try required(L.wv, p + "attn_v.weight")
    }
}

/// A gated MLP's matrices (Llama family: SwiGLU; Gemma 3: GeGLU).
struct GatedMLPWeights: Sendable {
    var wGate: TensorView   // [d, f]
    var wUp: TensorView     // [d, f]
    var wDown: TensorView   // [f, d]

    /// `blk.N.ffn_gate`, `ffn_up`, `ffn_down` (`p` = "blk.N.").
    init(_ src: TensorSource, _ p: String, config c: ModelConfig) throws {
        wGate = try src.matrix(p + "ffn_gate.weight", cols: c.dModel, rows: c.dFF)
        wUp = try src.matrix(p + "ffn_up.weight", cols: c.dModel, rows: c.dFF)
        wDown = try src.matrix(p + "ffn_down.weight", cols: c.dFF, rows: c.dModel)
    }

    init(neutral L: LayerWeights, _ p: String) throws {
        wGate = try required(L.wGate, p + "ffn_gate.weight")
        (wUp, wDown) = (L.wUp, L.wDown)
    }
}

/// The nonlinearity on the gate of a gated MLP.
enum GateActivation {
    /// SiLU (Llama family: SwiGLU).
    case silu
    /// GELU, tanh approximation (Gemma 3: GeGLU).
    case geluTanh
}

extension InferenceSession {
    /// h = RMSNorm(x) · g [T, d]; then q [T, H*hd], k, v [T, Hkv*hd] = h·Wᵀ (+ bias), the three
    /// products reading one quantized copy of h; each head of q and k RMS-normalised when its
    /// norm weight [hd] is given, then rotated with its row's angles `ropeCos`/`ropeSin`
    /// [T, ropeDims/2].
    @inline(__always)
    func attentionInputs(norm g: [Float], _ p: QKVProjections,
                         bq: [Float]?, bk: [Float]?, bv: [Float]?, qNorm: [Float]?, kNorm: [Float]?,
                         rows T: Int, ropeCos: UnsafePointer<Float>, ropeSin: UnsafePointer<Float>) {
        let c = model.config
        let d = c.dModel, hd = c.headDim, half = c.ropeDims / 2
        let qWidth = c.heads * hd, kvWidth = c.kvHeads * hd
        let x = self.x.pointer, h = self.h.pointer, q = self.q.pointer, k = self.k.pointer, v = self.v.pointer
        forEachRow(T) { t in rmsNorm(x + t * d, weight: g, eps: c.normEps, into: h + t * d, n: d) }
        normedInput.set(h, tokens: T)
        matmul(MatMulTask(p.wq, normedInput.rows(for: p.wq), into: q),   // [T, H*hd]
               MatMulTask(p.wk, normedInput.rows(for: p.wk), into: k),   // [T, Hkv*hd]
               MatMulTask(p.wv, normedInput.rows(for: p.wv), into: v),   // [T, Hkv*hd]
               pool: pool)
        if let b = bq { addBias(q, b, tokens: T) }
        if let b = bk { addBias(k, b, tokens: T) }
        if let b = bv { addBias(v, b, tokens: T) }
        forEachRow(T) { t in
            for head in 0..<c.heads {
                let qh = q + t * qWidth + head * hd
                if let g = qNorm { rmsNorm(qh, weight: g, eps: c.normEps, into: qh, n: hd) }
                applyRope(qh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
            }
            for head in 0..<c.kvHeads {
                let kh = k + t * kvWidth + head * hd
                if let g = kNorm { rmsNorm(kh, weight: g, eps: c.normEps, into: kh, n: hd) }
                applyRope(kh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
            }
        }
    }

    /// h = RMSNorm(x) · g [T, d]; gate, up = h·Wgateᵀ, h·Wupᵀ [T, f] (tap `mlpPre(l)` on gate);
    /// up = act(gate) ⊙ up (tap `mlpPost(l)`); proj = up·Wdownᵀ [T, d]. `emit(point, buffer,
    /// width)` hands rows [T, width] to the taps.
    @inline(__always)
    func gatedMLP(_ l: Int, norm g: [Float], _ m: GatedMLPWeights, activation: GateActivation, rows T: Int, emit: (TapPoint, UnsafeMutablePointer<Float>, Int) -> Void) {
        let c = model.config
        let d = c.dModel, f = c.dFF
        let x = self.x.pointer, h = self.h.pointer, gate = self.gate.pointer, up = self.up.pointer
        forEachRow(T) { t in rmsNorm(x + t * d, weight: g, eps: c.normEps, into: h + t * d, n: d) }
        normedInput.set(h, tokens: T)
        matmul(MatMulTask(m.wGate, normedInput.rows(for: m.wGate), into: gate),  // [T, f]
               MatMulTask(m.wUp, normedInput.rows(for: m.wUp), into: up),        // [T, f]
               pool: pool)
        emit(.mlpPre(l), gate, f)
        switch activation {
        case .silu: siluMul(gate, up, n: T * f)
        case .geluTanh: for i in 0..<(T * f) { up[i] = fgeluTanh(gate[i]) * up[i] }
        }
        emit(.mlpPost(l), up, f)
        mlpInput.set(up, tokens: T)
        matmul(m.wDown, mlpInput.rows(for: m.wDown), into: proj.pointer, pool: pool)   // [T, d]
    }
}

/// x[t, :] += bias for each of `tokens` rows.
@inline(__always)
func addBias(_ x: UnsafeMutablePointer<Float>, _ bias: [Float], tokens: Int) {
    let n = bias.count
    for t in 0..<tokens { for i in 0..<n { x[t * n + i] += bias[i] } }
}

/// y += x, elementwise.
@inline(__always)
func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}
