// The GPT-2 forward pass.
//
// Legend: T = tokens in the batch, d = dModel, f = dFF, H = heads, hd = headDim.
//
// x = E[token] + P[position]
// Per block:  h = LayerNorm(x)
//             q, k, v = split(h·Wqkvᵀ + bqkv)                     [T, H*hd] each
//             a = softmax(q·kᵀ / sqrt(hd), causal) · v
//             x = x + a·Woᵀ + bo
//             h = LayerNorm(x)
//             x = x + gelu(h·Wupᵀ + bup)·Wdownᵀ + bdown
// Then logits = LayerNorm(x) · Woutᵀ.

import Kernels
import Taps

extension InferenceSession {
    func gpt2Forward(_ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection, sink: TapSink?) -> Int {
        let c = model.config
        let W = model.weights
        let T = tokens.count, start = cache.length
        let d = c.dModel, f = c.dFF, hd = c.headDim
        let width = c.heads * hd
        let x = self.x.pointer, h = self.h.pointer, q = self.q.pointer, k = self.k.pointer
        let v = self.v.pointer, qkv = self.qkv.pointer, attn = self.attn.pointer
        let proj = self.proj.pointer, up = self.up.pointer
        let scale = 1 / Float(hd).squareRoot()

        embed(tokens)                                                        // x [T, d]
        if let P = W.positionEmbedding {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { row in
                for t in 0..<T {
                    dequantizeRow(P.type, from: P.row(start + t), into: row.baseAddress!, count: d)
                    add(row.baseAddress!, into: x + t * d, count: d)
                }
            }
        }
        emit(sink, .embed, x, width: d, tokens: T, start: start)

        for l in 0..<layersToRun {   // every block, or up to the last tapped one
            let L = W.layers[l]
            emit(sink, .residPre(l), x, width: d, tokens: T, start: start)

            for t in 0..<T {
                layerNorm(x + t * d, weight: L.attnNorm, bias: L.attnNormBias, eps: c.normEps, into: h + t * d, n: d)
            }
            normedInput.set(h, tokens: T)
            matmul(L.wqkv!, normedInput.rows(for: L.wqkv!), into: qkv, pool: pool)  // [T, 3*H*hd]
            if let b = L.bqkv { addBias(qkv, b, tokens: T) }
            for t in 0..<T {
                let row = qkv + t * 3 * width
                (q + t * width).update(from: row, count: width)
                (k + t * width).update(from: row + width, count: width)
                (v + t * width).update(from: row + 2 * width, count: width)
            }
            storeKV(layer: l, tokens: T, start: start)
            attention(layer: l, tokens: T, start: start, scale: scale)
            attnInput.set(attn, tokens: T)
            matmul(L.wo, attnInput.rows(for: L.wo), into: proj, pool: pool)
            if let b = L.bo { addBias(proj, b, tokens: T) }
            emit(sink, .attnOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residMid(l), x, width: d, tokens: T, start: start)

            for t in 0..<T {
                layerNorm(x + t * d, weight: L.ffnNorm, bias: L.ffnNormBias, eps: c.normEps, into: h + t * d, n: d)
            }
            normedInput.set(h, tokens: T)
            matmul(L.wUp, normedInput.rows(for: L.wUp), into: up, pool: pool)  // [T, f]
            if let b = L.bUp { addBias(up, b, tokens: T) }
            emit(sink, .mlpPre(l), up, width: f, tokens: T, start: start)
            for i in 0..<(T * f) { up[i] = fgeluTanh(up[i]) }
            emit(sink, .mlpPost(l), up, width: f, tokens: T, start: start)
            mlpInput.set(up, tokens: T)
            matmul(L.wDown, mlpInput.rows(for: L.wDown), into: proj, pool: pool)
            if let b = L.bDown { addBias(proj, b, tokens: T) }
            emit(sink, .mlpOut(l), proj, width: d, tokens: T, start: start)
            add(proj, into: x, count: T * d)
            emit(sink, .residPost(l), x, width: d, tokens: T, start: start)
        }
        cache.length = start + T
        if layersToRun < c.layers { return 0 }   // an activations-only run: nothing above is read

        for t in 0..<T {
            layerNorm(x + t * d, weight: W.finalNorm, bias: W.finalNormBias, eps: c.normEps, into: h + t * d, n: d)
        }
        emit(sink, .finalNormalized, h, width: d, tokens: T, start: start)
        return unembed(tokens: T, selection: selection)
    }
}
