// Continuous batching's building block: one decode step for several sequences in one forward
// pass. Each sequence keeps its own session (KV cache, scores, taps); the B new tokens go through
// every matrix product together as the rows of one [B, d] batch, so the weights are read once
// for all of them — decode is bandwidth-bound, that is the gain.
//
// Why every sequence gets exactly the bits it would get alone:
//   - a matrix product's output row depends only on its input row (each output is one row's dot
//     product with a weight row, in a fixed lane split and reduction order; activations are
//     quantized row by row) — the property that makes prefill over T tokens equal T single steps;
//   - norms, RoPE, biases and the MLP's SiLU·up are per row, with each row's own position;
//   - attention is not batched: row b's query, key and value are copied into session b's own
//     buffers and its single-token attention runs against session b's cache only, with the code
//     path `step` uses;
//   - taps: each row goes to its own sequence's editor (steering, in place) and then its sink, at
//     the same points and in the same order as `step` — the emit calls mirror the Llama pass.
// The tests hold batched steps to lone steps, logits and tapped vectors to the bit.
//
// Legend: B = sequences in the step, d = dModel, f = dFF, H = heads, Hkv = kvHeads, hd = headDim,
// V = vocab.

import Kernels
import Taps

public enum BatchedDecode {
    /// Whether `step` can batch sessions of this model (the Llama family; others decode alone).
    public static func supports(_ model: Transformer) -> Bool {
        model.family is LlamaWeights
    }

    /// Runs `tokens[b]` at the next position of `sessions[b]`, all in one forward pass, and
    /// returns each session's logits [V] as a view into that session's buffer (valid until its
    /// next forward pass) — what `sessions[b].step(tokens[b], sink: sinks[b])` returns, to the bit.
    /// The sessions must be distinct, share one model and number at most the first session's
    /// `maxBatch`; each may have its own tap editor, which sees and rewrites its own row only.
    public static func step(_ sessions: [InferenceSession], tokens: [Int], sinks: [TapSink?]) throws -> [UnsafeBufferPointer<Float>] {
        let B = sessions.count
        guard B > 0, tokens.count == B, sinks.count == B else {
            throw ModelError.invalidOption("batched decode needs one token and one sink slot per session")
        }
        let lead = sessions[0]
        let model = lead.model
        let c = model.config
        guard let W = model.family as? LlamaWeights else {
            throw ModelError.invalidOption("batched decode supports the Llama family, not \(c.architecture.rawValue)")
        }
        guard B <= lead.maxBatch else { throw ModelError.invalidOption("\(B) sequences exceed the batch size \(lead.maxBatch)") }
        guard Set(sessions.map(ObjectIdentifier.init)).count == B else { throw ModelError.invalidOption("a session appears twice in one step") }
        for (s, t) in zip(sessions, tokens) {
            guard s.model === model else { throw ModelError.invalidOption("batched sessions must share one model") }
            guard s.remaining >= 1 else { throw ModelError.contextExceeded(limit: s.cache.capacity, requested: s.cache.length + 1) }
            guard t >= 0, t < c.vocab else { throw ModelError.invalidToken(t) }
        }
        for (s, sink) in zip(sessions, sinks) { s.markWanted(sink) }
        let positions = sessions.map { $0.cache.length }

        let d = c.dModel, hd = c.headDim
        let qWidth = c.heads * hd, kvWidth = c.kvHeads * hd
        // The lead session's scratch holds the batch's rows.
        let x = lead.x.pointer, h = lead.h.pointer, q = lead.q.pointer, k = lead.k.pointer   // [B, d], [B, d], [B, H*hd], [B, Hkv*hd]
        let v = lead.v.pointer, attn = lead.attn.pointer                                     // [B, Hkv*hd], [B, H*hd]
        let half = c.ropeDims / 2
        let ropeCos = lead.ropeCos.pointer, ropeSin = lead.ropeSin.pointer                   // [B, ropeDims/2]
        W.ropeFreqFactors.withOptionalPointer { factors in
            for b in 0..<B {
                ropeAngles(position: positions[b], rotaryDims: c.ropeDims, base: c.ropeBase, freqFactors: factors,
                           cos: ropeCos + b * half, sin: ropeSin + b * half)
            }
        }
        let scale = 1 / Float(hd).squareRoot()

        /// Delivers row b of `buffer` [B, width] to sequence b's editor and sink.
        func emit(_ point: TapPoint, _ buffer: UnsafeMutablePointer<Float>, _ width: Int) {
            for b in 0..<B {
                sessions[b].emit(sinks[b], point, buffer + b * width, width: width, tokens: 1, start: positions[b])
            }
        }

        tokens.withUnsafeBufferPointer { lead.embed($0) }                    // x [B, d]
        emit(.embed, x, d)

        for l in 0..<c.layers {
            // The block the lone pass runs, on B rows; attention per sequence.
            lead.llamaBlock(W.layers[l], l, rows: B, emit: emit, attend: { l in
                for b in 0..<B {
                    let s = sessions[b]
                    if b > 0 {
                        // Row b into session b's own row 0, where its single-token attention reads.
                        s.q.pointer.update(from: q + b * qWidth, count: qWidth)
                        s.k.pointer.update(from: k + b * kvWidth, count: kvWidth)
                        s.v.pointer.update(from: v + b * kvWidth, count: kvWidth)
                    }
                    s.storeKV(layer: l, tokens: 1, start: positions[b])
                    s.attention(layer: l, tokens: 1, start: positions[b], scale: scale)     // s.attn [1, H*hd]
                    if b > 0 { (attn + b * qWidth).update(from: s.attn.pointer, count: qWidth) }
                }
            })
        }
        for b in 0..<B { sessions[b].cache.length = positions[b] + 1 }

        for b in 0..<B { rmsNorm(x + b * d, weight: W.finalNorm, eps: c.normEps, into: h + b * d, n: d) }
        emit(.finalNormalized, h, d)
        _ = lead.unembed(tokens: B, selection: .all)                          // lead.logits [B, V]
        let V = c.vocab
        return (0..<B).map { b in
            if b > 0 { sessions[b].logitsBuffer.pointer.update(from: lead.logitsBuffer.pointer + b * V, count: V) }
            return UnsafeBufferPointer(start: sessions[b].logitsBuffer.pointer, count: V)
        }
    }
}
