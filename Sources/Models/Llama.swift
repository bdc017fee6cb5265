// The Llama family forward pass: Llama 2/3, SmolLM2, Mistral, Qwen 2/2.5 (Q/K/V biases),
// Qwen 3 (per-head RMSNorm on queries and keys).
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim.
//
// Per block:  h = RMSNorm(x) · g_attn
//             q, k, v = h·Wqᵀ (+bq), h·Wkᵀ (+bk), h·Wvᵀ (+bv)      [T, H*hd], [T, Hkv*hd] ×2
//             (Qwen 3: RMSNorm each head of q and k)
//             rotary on q and k; k, v appended to the cache
//             a = softmax(q·kᵀ / sqrt(hd), causal) · v                 [T, H*hd]
//             x = x + a·Woᵀ
//             h = RMSNorm(x) · g_ffn
//             x = x + (silu(h·Wgateᵀ) ⊙ h·Wupᵀ)·Wdownᵀ
// Then logits = RMSNorm(x) · g_final · Woutᵀ.

import Kernels
import Taps

extension InferenceSession {
    func llamaForward(_ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection, sink: TapSink?) -> Int {
        let c = model.config
        let W = model.weights
        let T = tokens.count, start = cache.length
        let d = c.dModel, hd = c.headDim
        let x = self.x.pointer, h = self.h.pointer
        let half = c.ropeDims / 2
        let ropeCos = self.ropeCos.pointer, ropeSin = self.ropeSin.pointer   // [T, ropeDims/2]
        W.ropeFreqFactors.withOptionalPointer { factors in
            for t in 0..<T {
                ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: c.ropeBase, freqFactors: factors,
                           cos: ropeCos + t * half, sin: ropeSin + t * half)
            }
        }
        let scale = 1 / Float(hd).squareRoot()

        embed(tokens)                                                        // x [T, d]
        emit(sink, .embed, x, width: d, tokens: T, start: start)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            llamaBlock(l, rows: T, emit: { point, buffer, width in
                emit(sink, point, buffer, width: width, tokens: T, start: start)
            }, attend: { l in
                storeKV(layer: l, tokens: T, start: start)
                attention(layer: l, tokens: T, start: start, scale: scale)        // attn [T, H*hd]
            })
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T { rmsNorm(x + t * d, weight: W.finalNorm, eps: c.normEps, into: h + t * d, n: d) }
        emit(sink, .finalNormalized, h, width: d, tokens: T, start: start)
        return unembed(tokens: T, selection: selection)
    }
}

extension InferenceSession {
    /// One Llama block over the T rows of this session's scratch x [T, d]: the rows may be T
    /// tokens of one sequence (a forward pass) or one token of each of T sequences (a batched
    /// decode step); `ropeCos`/`ropeSin` hold each row's own angles. Everything here is per row
    /// or a matrix product whose output row depends only on its input row; what is not —
    /// attention, which reads a cache — is `attend(l)`: q, k, v [T, …] → attn [T, H*hd], storing
    /// the new keys and values. `emit(point, buffer, width)` hands rows [T, width] to the taps
    /// (editor first, then sink), in place.
    @inline(__always)
    func llamaBlock(_ l: Int, rows T: Int, emit: (TapPoint, UnsafeMutablePointer<Float>, Int) -> Void, attend: (Int) -> Void) {
        let c = model.config
        let L = model.weights.layers[l]
        let d = c.dModel, f = c.dFF, hd = c.headDim
        let qWidth = c.heads * hd, kvWidth = c.kvHeads * hd
        let x = self.x.pointer, h = self.h.pointer, q = self.q.pointer, k = self.k.pointer
        let v = self.v.pointer, attn = self.attn.pointer, proj = self.proj.pointer
        let gate = self.gate.pointer, up = self.up.pointer
        let half = c.ropeDims / 2
        let ropeCos = self.ropeCos.pointer, ropeSin = self.ropeSin.pointer   // [T, ropeDims/2]
        emit(.residPre(l), x, d)

        // Attention
        forEachRow(T) { t in rmsNorm(x + t * d, weight: L.attnNorm, eps: c.normEps, into: h + t * d, n: d) }
        normedInput.set(h, tokens: T)
        matmul(MatMulTask(L.wq!, normedInput.rows(for: L.wq!), into: q),   // [T, H*hd]
               MatMulTask(L.wk!, normedInput.rows(for: L.wk!), into: k),   // [T, Hkv*hd]
               MatMulTask(L.wv!, normedInput.rows(for: L.wv!), into: v),   // [T, Hkv*hd]
               pool: pool)
        if let b = L.bq { addBias(q, b, tokens: T) }
        if let b = L.bk { addBias(k, b, tokens: T) }
        if let b = L.bv { addBias(v, b, tokens: T) }
        forEachRow(T) { t in
            for head in 0..<c.heads {
                let qh = q + t * qWidth + head * hd
                if let g = L.qNorm { rmsNorm(qh, weight: g, eps: c.normEps, into: qh, n: hd) }
                applyRope(qh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
            }
            for head in 0..<c.kvHeads {
                let kh = k + t * kvWidth + head * hd
                if let g = L.kNorm { rmsNorm(kh, weight: g, eps: c.normEps, into: kh, n: hd) }
                applyRope(kh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
            }
        }
        attend(l)                                                            // attn [T, H*hd]
        attnInput.set(attn, tokens: T)
        matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)      // [T, d]
        emit(.attnOut(l), proj, d)
        add(proj, into: x, count: T * d)
        emit(.residMid(l), x, d)

        // MLP
        forEachRow(T) { t in rmsNorm(x + t * d, weight: L.ffnNorm, eps: c.normEps, into: h + t * d, n: d) }
        normedInput.set(h, tokens: T)
        matmul(MatMulTask(L.wGate!, normedInput.rows(for: L.wGate!), into: gate),  // [T, f]
               MatMulTask(L.wUp, normedInput.rows(for: L.wUp), into: up),          // [T, f]
               pool: pool)
        emit(.mlpPre(l), gate, f)
        siluMul(gate, up, n: T * f)
        emit(.mlpPost(l), up, f)
        mlpInput.set(up, tokens: T)
        matmul(L.wDown, mlpInput.rows(for: L.wDown), into: proj, pool: pool)     // [T, d]
        emit(.mlpOut(l), proj, d)
        add(proj, into: x, count: T * d)
        emit(.residPost(l), x, d)
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
