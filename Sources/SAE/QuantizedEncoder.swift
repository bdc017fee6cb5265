// A quantized copy of the encoder, for encoding every generated token cheaply.
//
// Legend: D = d_in (a multiple of 32), L = latents, blocks = D / 32.
//
// Why: decoding a token is memory-bound (SmolLM2-135M reads ~96 MB of weights per token), and a
// supervisor that encodes each token with an F32 W_encᵀ [L, D] reads another 4·L·D bytes
// (9.4 MB for 576 × 4096, ~10% more traffic). Two block formats (ggml's) store it compactly:
//
//   Q8_0  [f16 d][32 × i8 q]            34 bytes per 32 weights, 2.5 MB for 576 × 4096;
//         d = max|w| / 127, q_j = round(w_j / d) half away from zero (computed as w_j · (1/d)),
//         w_j ≈ d · q_j.
//   Q4_1  [f16 d][f16 m][16 B nibbles]  20 bytes per 32 weights, 1.5 MB for 576 × 4096;
//         m = min w, d = (max w − min w) / 15, q_j = min(15, ⌊(w_j − m) / d + ½⌋), w_j ≈ d · q_j + m;
//         byte i holds q_i in its low nibble and q_{i+16} in its high one.
//
// Pre-activations come from Kernels' integer dot products: the input u = s·x − b_dec is quantized
// to the matching activation type (Q8_0 or Q8_1) and each block's product is an exact integer sum
// scaled by the blocks' scales, summed over blocks in eight lanes (VecDot.swift). So the result is
// deterministic, but not the F32 encoder's: `EncoderComparison` measures how far it moves the
// activations and the active set.

import Foundation
import Kernels

/// Q8_0 blocks of one row x [n] (n a multiple of 32): the scalar reference quantizer.  → [n/32 × 34 bytes]
public func quantizeQ8_0Reference(_ x: [Float]) throws -> [UInt8] {
    guard x.count % 32 == 0 else { throw SAEError.invalidConfiguration("Q8_0 rows are whole blocks of 32, not \(x.count) values") }
    var out: [UInt8] = []
    out.reserveCapacity(x.count / 32 * 34)
    for b in 0..<(x.count / 32) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[b * 32 + j])) }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        withUnsafeBytes(of: Float16(d).bitPattern.littleEndian) { out += $0 }
        for j in 0..<32 {
            let q = Int8((x[b * 32 + j] * inverse).rounded(.toNearestOrAwayFromZero))
            out.append(UInt8(bitPattern: q))
        }
    }
    return out
}

/// Q4_1 blocks of one row x [n] (n a multiple of 32): the scalar reference quantizer.  → [n/32 × 20 bytes]
public func quantizeQ4_1Reference(_ x: [Float]) throws -> [UInt8] {
    guard x.count % 32 == 0 else { throw SAEError.invalidConfiguration("Q4_1 rows are whole blocks of 32, not \(x.count) values") }
    var out: [UInt8] = []
    out.reserveCapacity(x.count / 32 * 20)
    for b in 0..<(x.count / 32) {
        let block = x[(b * 32)..<(b * 32 + 32)]
        let lo = block.min()!, hi = block.max()!
        let d = (hi - lo) / 15
        let inverse: Float = d != 0 ? 1 / d : 0
        withUnsafeBytes(of: Float16(d).bitPattern.littleEndian) { out += $0 }
        withUnsafeBytes(of: Float16(lo).bitPattern.littleEndian) { out += $0 }
        func level(_ j: Int) -> UInt8 { UInt8(min(15, Int((block[b * 32 + j] - lo) * inverse + 0.5))) }
        for i in 0..<16 { out.append(level(i) | level(i + 16) << 4) }
    }
    return out
}

/// The encoder of an SAE in Q8_0 or Q4_1, computing pre-activations with integer block sums.
///
/// ```swift
/// let q8 = try QuantizedSAEEncoder(sae)                 // Q8_0
/// let q4 = try QuantizedSAEEncoder(sae, type: .q4_1)    // Q4_1: 60% of Q8_0's bytes, coarser
/// let code = try q8.encode(x)                           // ≈ sae.encode(x); see EncoderComparison
/// ```
public final class QuantizedSAEEncoder: @unchecked Sendable {
    // @unchecked Sendable: immutable after init; `storage` is written only while building.
    public let sae: SparseAutoencoder
    /// The block format of the weights: `.q8_0` or `.q4_1`.
    public let type: TensorType
    /// W_encᵀ as quantized rows, [L rows of D/32 blocks].
    let storage: UnsafeMutableRawPointer
    let weights: TensorView
    /// Bytes of the quantized encoder.
    public var byteCount: Int { weights.byteCount }

    /// Quantizes `sae`'s encoder to `type` (`.q8_0` or `.q4_1`); throws unless D is a multiple
    /// of 32.
    public init(_ sae: SparseAutoencoder, type: TensorType = .q8_0) throws {
        let D = sae.inputWidth, L = sae.latents
        guard type == .q8_0 || type == .q4_1 else {
            throw SAEError.invalidConfiguration("a quantized encoder is Q8_0 or Q4_1, not \(type)")
        }
        guard D % 32 == 0 else {
            throw SAEError.invalidConfiguration("a \(type) encoder needs d_in to be a multiple of 32, not \(D)")
        }
        self.sae = sae
        self.type = type
        let rowBytes = type.rowBytes(D)!
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, rowBytes * L), alignment: 64)
        for i in 0..<L {
            let row = Array(sae.wEncT[(i * D)..<((i + 1) * D)])
            let q = type == .q8_0 ? try quantizeQ8_0Reference(row) : try quantizeQ4_1Reference(row)
            q.withUnsafeBytes { (storage + i * rowBytes).copyMemory(from: $0.baseAddress!, byteCount: rowBytes) }
        }
        self.storage = storage
        weights = TensorView(name: "W_enc.\(type)", type: type, shape: [D, L], data: UnsafeRawPointer(storage), byteCount: rowBytes * L)
    }

    deinit { storage.deallocate() }

    /// Pre-activations [L] of one row x [D].
    public func preActivations(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil) throws -> [Float] {
        try sae.check(x)
        return try withMatrixView(Array(x), cols: sae.inputWidth) { try preActivations($0, pool: pool) }
    }

    /// Pre-activations [N, L] of x [N, D] (use for a few rows; `encodeBatch` for many).
    public func preActivations(_ x: MatrixView, pool: ThreadPool? = nil) throws -> [Float] {
        guard x.cols == sae.inputWidth else {
            throw SAEError.shapeMismatch(what: "activation matrix", expected: [x.rows, sae.inputWidth], found: [x.rows, x.cols])
        }
        var out = [Float](repeating: 0, count: x.rows * sae.latents)
        out.withUnsafeMutableBufferPointer { o in
            var start = 0
            while start < x.rows {
                let end = min(x.rows, start + SparseAutoencoder.rowsPerChunk)
                tilePreActivations(x, start..<end, into: o.baseAddress! + start * sae.latents, pool: pool ?? Self.serial)
                start = end
            }
        }
        return out
    }

    /// A pool without workers, for callers that bring none.
    static let serial = ThreadPool(threads: 1)

    /// pre [rows, L] for rows `range` of x: u = s·x − b_dec, quantized, times the weight rows, plus b_enc.
    func tilePreActivations(_ x: MatrixView, _ range: Range<Int>, into pre: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let D = sae.inputWidth, L = sae.latents, R = range.count
        let u = UnsafeMutablePointer<Float>.allocate(capacity: R * D)
        defer { u.deallocate() }
        for t in 0..<R { sae.prepareInput(x.row(range.lowerBound + t), into: u + t * D) }
        let rows = QuantizedRows(for: type, count: D, capacity: R)
        rows.load(u, tokens: R)
        // Kernels' `dot`/`dot4` over latent chunks: each pre-activation is one `dot`, the same
        // bits as `matmul` and `dotReference`.
        let chunk = 256, chunks = (L + chunk - 1) / chunk
        let w = weights, type = type
        pool.parallelFor(chunks) { c in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
                let s = scratch.baseAddress!
                for i in (c * chunk)..<min(L, (c + 1) * chunk) {
                    var t = 0
                    while t + 4 <= R {
                        let v = dot4(type, w.row(i), rows.row(t), aStride: rows.rowBytes, n: D, scratch: s)
                        pre[t * L + i] = v[0]; pre[(t + 1) * L + i] = v[1]; pre[(t + 2) * L + i] = v[2]; pre[(t + 3) * L + i] = v[3]
                        t += 4
                    }
                    while t < R { pre[t * L + i] = dot(type, w.row(i), rows.row(t), n: D, scratch: s); t += 1 }
                }
            }
        }
        sae.bEnc.withUnsafeBufferPointer { b in
            for t in 0..<R { for i in 0..<L { pre[t * L + i] += b[i] } }
        }
    }

    /// The active latents of one row x [D].
    public func encode(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil) throws -> SparseCode {
        try sae.code(fromPreActivations: try preActivations(x, pool: pool))
    }

    public func encode(_ x: [Float], pool: ThreadPool? = nil) throws -> SparseCode {
        try x.withUnsafeBufferPointer { try encode($0, pool: pool) }
    }

    /// Codes of every row of x [N, D], tiles of 64 rows; the same codes for any pool.
    public func encodeBatch(_ x: MatrixView, pool: ThreadPool? = nil) throws -> SparseCodes {
        guard x.cols == sae.inputWidth else {
            throw SAEError.shapeMismatch(what: "activation matrix", expected: [x.rows, sae.inputWidth], found: [x.rows, x.cols])
        }
        let L = sae.latents, R = SparseAutoencoder.rowsPerChunk
        var codes = SparseCodes(latents: L)
        let pre = UnsafeMutablePointer<Float>.allocate(capacity: R * L)
        defer { pre.deallocate() }
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + R)
            tilePreActivations(x, start..<end, into: pre, pool: pool ?? Self.serial)
            for t in 0..<(end - start) {
                codes.appendUnchecked(try sae.code(fromPreActivations: Array(UnsafeBufferPointer(start: pre + t * L, count: L))))
            }
            start = end
        }
        return codes
    }
}

/// How far a quantized encoder's activations are from the F32 encoder's, on some rows.
///
/// Two kinds of difference: small errors in every pre-activation (rounding of the weights and of
/// the input), and, for TopK and JumpReLU, latents near the cut that switch on or off. The
/// second kind shows as an activation appearing or vanishing, so it is reported apart
/// (`maxSwitchedActivation`, `meanSymmetricDifference`) from the error on latents both
/// encoders keep (`maxAbsSharedError`).
public struct EncoderComparison: Sendable, Equatable, Codable, CustomStringConvertible {
    public var rows: Int
    /// max |pre_q8 − pre_f32| over rows and latents.
    public var maxAbsPreActivationError: Float
    /// ‖pre_q8 − pre_f32‖ / ‖pre_f32‖ over all rows (Frobenius norms).
    public var relativePreActivationError: Double
    /// max |a_q8 − a_f32| over latents active in both.
    public var maxAbsSharedError: Float
    /// The largest activation of a latent active in one encoder's set only.
    public var maxSwitchedActivation: Float
    /// The largest F32 activation, for scale.
    public var maxActivation: Float
    /// ‖a_q8 − a_f32‖ / ‖a_f32‖ over all rows, switched latents included.
    public var relativeError: Double
    /// Rows whose set of active latents differs.
    public var rowsWithChangedSet: Int
    /// Mean over rows of |S_q8 ∩ S_f32| / |S_f32| (rows with an empty F32 set count 1 if the
    /// Q8_0 set is empty too).
    public var meanSetOverlap: Double
    /// Mean over rows of |S_q8 △ S_f32|, the latents that switched on or off.
    public var meanSymmetricDifference: Double

    enum CodingKeys: String, CodingKey {
        case rows
        case maxAbsPreActivationError = "max_abs_pre_activation_error"
        case relativePreActivationError = "relative_pre_activation_error"
        case maxAbsSharedError = "max_abs_shared_error", maxSwitchedActivation = "max_switched_activation"
        case maxActivation = "max_activation", relativeError = "relative_error"
        case rowsWithChangedSet = "rows_with_changed_set", meanSetOverlap = "mean_set_overlap"
        case meanSymmetricDifference = "mean_symmetric_difference"
    }

    public var description: String {
        String(format: "rows %d: max |Δpre| %.4g (relative %.4g); max |Δa| on shared latents %.4g, largest switched activation %.4g, max a %.4g; relative error %.4g; rows with a changed set %d (%.1f%%), mean overlap %.4f, mean |S△S'| %.3f",
               rows, maxAbsPreActivationError, relativePreActivationError, maxAbsSharedError, maxSwitchedActivation, maxActivation,
               relativeError, rowsWithChangedSet, 100 * Double(rowsWithChangedSet) / Double(max(rows, 1)), meanSetOverlap,
               meanSymmetricDifference)
    }

    /// Compares `q8` with its SAE's F32 encoder on x [N, D].
    ///
    /// ```swift
    /// let report = try EncoderComparison.measure(q8, on: heldOut)
    /// print(report)
    /// ```
    public static func measure(_ q8: QuantizedSAEEncoder, on x: MatrixView, pool: ThreadPool? = nil) throws -> EncoderComparison {
        try measure([q8], on: x, pool: pool)[0]
    }

    /// Compares several quantized encoders of one SAE with its F32 encoder on x [N, D],
    /// computing the F32 pre-activations and codes once per row; one report per encoder, in order.
    public static func measure(_ encoders: [QuantizedSAEEncoder], on x: MatrixView, pool: ThreadPool? = nil) throws -> [EncoderComparison] {
        guard let sae = encoders.first?.sae else { return [] }
        guard encoders.allSatisfy({ $0.sae === sae }) else {
            throw SAEError.invalidConfiguration("encoders compared together must quantize the same SAE")
        }
        let L = sae.latents
        /// Running sums of one encoder's comparison.
        struct Sums {
            var report: EncoderComparison
            var diff2 = 0.0, ref2 = 0.0, preDiff2 = 0.0, pre2 = 0.0, overlap = 0.0, symmetric = 0
        }
        let empty = EncoderComparison(rows: x.rows, maxAbsPreActivationError: 0, relativePreActivationError: 0,
                                      maxAbsSharedError: 0, maxSwitchedActivation: 0, maxActivation: 0, relativeError: 0,
                                      rowsWithChangedSet: 0, meanSetOverlap: 0, meanSymmetricDifference: 0)
        var sums = encoders.map { _ in Sums(report: empty) }
        for r in 0..<x.rows {
            let row = UnsafeBufferPointer(start: x.row(r), count: x.cols)
            let pf = try sae.preActivations(row)
            let af = try sae.code(fromPreActivations: pf)
            let df = try af.dense(latents: L)
            let sf = Set(af.indices)
            for (e, encoder) in encoders.enumerated() {
                let pq = try encoder.preActivations(row, pool: pool)
                for i in 0..<L {
                    let d = pq[i] - pf[i]
                    sums[e].report.maxAbsPreActivationError = max(sums[e].report.maxAbsPreActivationError, abs(d))
                    sums[e].preDiff2 += Double(d) * Double(d)
                    sums[e].pre2 += Double(pf[i]) * Double(pf[i])
                }
                let aq = try sae.code(fromPreActivations: pq)
                let dq = try aq.dense(latents: L)
                for i in 0..<L {
                    let d = dq[i] - df[i]
                    sums[e].report.maxActivation = max(sums[e].report.maxActivation, df[i])
                    sums[e].diff2 += Double(d) * Double(d)
                    sums[e].ref2 += Double(df[i]) * Double(df[i])
                    if df[i] != 0 && dq[i] != 0 {
                        sums[e].report.maxAbsSharedError = max(sums[e].report.maxAbsSharedError, abs(d))
                    } else if df[i] != 0 || dq[i] != 0 {
                        sums[e].report.maxSwitchedActivation = max(sums[e].report.maxSwitchedActivation, abs(d))
                    }
                }
                let sq = Set(aq.indices)
                if sf != sq { sums[e].report.rowsWithChangedSet += 1 }
                sums[e].overlap += sf.isEmpty ? (sq.isEmpty ? 1 : 0) : Double(sf.intersection(sq).count) / Double(sf.count)
                sums[e].symmetric += sf.symmetricDifference(sq).count
            }
        }
        return sums.map { t in
            var report = t.report
            report.relativeError = t.ref2 > 0 ? (t.diff2 / t.ref2).squareRoot() : 0
            report.relativePreActivationError = t.pre2 > 0 ? (t.preDiff2 / t.pre2).squareRoot() : 0
            report.meanSetOverlap = x.rows > 0 ? t.overlap / Double(x.rows) : 1
            report.meanSymmetricDifference = x.rows > 0 ? Double(t.symmetric) / Double(x.rows) : 0
            return report
        }
    }
}
