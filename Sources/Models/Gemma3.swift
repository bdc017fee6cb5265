// The Gemma 3 (text) forward pass.
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim,
// W = sliding window, V = vocab.
//
// x = E[token] · sqrt(d)                                               [T, d]
// Per block l:
//             h = RMSNorm(x) · g_attn
//             q, k, v = h·Wqᵀ, h·Wkᵀ, h·Wvᵀ                           [T, H*hd], [T, Hkv*hd] ×2
//             RMSNorm each head of q and k (· g_q, · g_k)
//             rotary (NEOX pairs) on q and k: base 10,000 on local layers, the file's base
//             (1,000,000) on global ones; k, v appended to the cache
//             a = softmax(q·kᵀ · s + mask) · v                         [T, H*hd]
//                 s = 1/sqrt(query_pre_attn_scalar) (= 1/sqrt(hd) for 270M–12B);
//                 mask: causal; on local layers also keys older than W positions
//             x = x + RMSNorm(a·Woᵀ) · g_post_attn
//             h = RMSNorm(x) · g_ffn
//             x = x + RMSNorm((gelu_tanh(h·Wgateᵀ) ⊙ h·Wupᵀ)·Wdownᵀ) · g_post_ffn
// Layer l is global when l % n == n - 1 (n = 6), local otherwise.
// Then logits = RMSNorm(x) · g_final · Eᵀ (the output matrix is tied to the embedding; Gemma 3
// has no final logit soft-capping).
//
// Gemma's RMSNorm scales by (1 + w); GGUF files store 1 + w already, so every g above is the
// stored weight. The sliding-window layers keep every position in the KV cache and mask the
// old ones instead of using a ring buffer (18 KiB per position at 270M).

import Kernels
import Taps

extension InferenceSession {
    func gemma3Forward(_ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection, sink: TapSink?) -> Int {
        let c = model.config
        let W = model.weights
        let T = tokens.count, start = cache.length
        let d = c.dModel, f = c.dFF, hd = c.headDim
        let qWidth = c.heads * hd, kvWidth = c.kvHeads * hd
        let x = self.x.pointer, h = self.h.pointer, q = self.q.pointer, k = self.k.pointer
        let v = self.v.pointer, attn = self.attn.pointer, proj = self.proj.pointer
        let gate = self.gate.pointer, up = self.up.pointer
        let half = c.ropeDims / 2
        // [T, ropeDims/2] rotary angles for the global and for the local layers
        let globalCos = self.ropeCos.pointer, globalSin = self.ropeSin.pointer
        let localCos = self.ropeCosLocal.pointer, localSin = self.ropeSinLocal.pointer
        let localBase = c.localRopeBase ?? c.ropeBase
        for t in 0..<T {
            ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: c.ropeBase,
                       cos: globalCos + t * half, sin: globalSin + t * half)
            ropeAngles(position: start + t, rotaryDims: c.ropeDims, base: localBase,
                       cos: localCos + t * half, sin: localSin + t * half)
        }
        let scale = c.attentionScale ?? 1 / Float(hd).squareRoot()
        let embeddingScale = c.embeddingScale ?? 1

        embed(tokens)                                                        // x [T, d]
        for i in 0..<(T * d) { x[i] *= embeddingScale }
        emit(sink, .embed, x, width: d, tokens: T, start: start)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            let L = W.layers[l]
            let local = c.isLocalLayer(l)
            let ropeCos = local ? localCos : globalCos, ropeSin = local ? localSin : globalSin
            emit(sink, .residPre(l), x, width: d, tokens: T, start: start)

            // Attention
            for t in 0..<T { rmsNorm(x + t * d, weight: L.attnNorm, eps: c.normEps, into: h + t * d, n: d) }
            normedInput.set(h, tokens: T)
            matmul(MatMulTask(L.wq!, normedInput.rows(for: L.wq!), into: q),   // [T, H*hd]
                   MatMulTask(L.wk!, normedInput.rows(for: L.wk!), into: k),   // [T, Hkv*hd]
                   MatMulTask(L.wv!, normedInput.rows(for: L.wv!), into: v),   // [T, Hkv*hd]
                   pool: pool)
            let qNorm = L.qNorm!, kNorm = L.kNorm!                           // [hd] each
            for t in 0..<T {
                for head in 0..<c.heads {
                    let qh = q + t * qWidth + head * hd
                    rmsNorm(qh, weight: qNorm, eps: c.normEps, into: qh, n: hd)
                    applyRope(qh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
                }
                for head in 0..<c.kvHeads {
                    let kh = k + t * kvWidth + head * hd
                    rmsNorm(kh, weight: kNorm, eps: c.normEps, into: kh, n: hd)
                    applyRope(kh, cos: ropeCos + t * half, sin: ropeSin + t * half, half: half, style: c.ropeStyle)
                }
            }
            storeKV(layer: l, tokens: T, start: start)
            attention(layer: l, tokens: T, start: start, scale: scale,          // attn [T, H*hd]
                      window: c.attentionWindow(layer: l))
            attnInput.set(attn, tokens: T)
            matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)  // [T, d]
            let postAttnNorm = L.postAttnNorm!                               // [d]
            for t in 0..<T { rmsNorm(proj + t * d, weight: postAttnNorm, eps: c.normEps, into: proj + t * d, n: d) }
            emit(sink, .attnOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residMid(l), x, width: d, tokens: T, start: start)

            // MLP
            for t in 0..<T { rmsNorm(x + t * d, weight: L.ffnNorm, eps: c.normEps, into: h + t * d, n: d) }
            normedInput.set(h, tokens: T)
            matmul(MatMulTask(L.wGate!, normedInput.rows(for: L.wGate!), into: gate),  // [T, f]
                   MatMulTask(L.wUp, normedInput.rows(for: L.wUp), into: up),          // [T, f]
                   pool: pool)
            emit(sink, .mlpPre(l), gate, width: f, tokens: T, start: start)
            for i in 0..<(T * f) { up[i] = fgeluTanh(gate[i]) * up[i] }
            emit(sink, .mlpPost(l), up, width: f, tokens: T, start: start)
            mlpInput.set(up, tokens: T)
            matmul(L.wDown, mlpInput.rows(for: L.wDown), into: proj, pool: pool)     // [T, d]
            let postFFNNorm = L.postFFNNorm!                                          // [d]
            for t in 0..<T { rmsNorm(proj + t * d, weight: postFFNNorm, eps: c.normEps, into: proj + t * d, n: d) }
            emit(sink, .mlpOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residPost(l), x, width: d, tokens: T, start: start)
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T { rmsNorm(x + t * d, weight: W.finalNorm, eps: c.normEps, into: h + t * d, n: d) }
        emit(sink, .finalNormalized, h, width: d, tokens: T, start: start)
        return unembed(tokens: T, selection: selection)
    }
}
