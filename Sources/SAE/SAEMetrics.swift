// Quality of a trained SAE on held-out rows.
//
// Legend: N = evaluation rows, D = d_in, L = latents.
//
//   explained variance = 1 − Σ_r ‖x_r − x̂_r‖² / Σ_r ‖x_r − μ‖²      μ = mean row   (input space)
//   mean L0            = (1/N) Σ_r |{i : a_ri ≠ 0}|
//   frequency_i        = |{r : a_ri ≠ 0}| / N                          [L]
//   dead fraction      = |{i : frequency_i = 0}| / L
//
// Sums are Double, accumulated per fixed tile of rows (64, as in encodeBatch) and added in tile
// order, so the figures are the same for any pool; tiles run 256 at a time, so memory stays
// bounded for millions of rows. Rows should be held out from training:
// on training rows these numbers flatter the SAE.

import Kernels

/// Evaluation figures of an SAE on a set of rows.
public struct SAEEvaluation: Sendable, Equatable, CustomStringConvertible {
    public var rows: Int
    public var explainedVariance: Double
    /// Mean ‖x − x̂‖² per row, in input space.
    public var mse: Double
    public var meanL0: Double
    /// Latents that never fire on these rows.
    public var deadFraction: Double
    /// Rows each latent fires on [L].
    public var firingCounts: [Int]

    /// Fraction of rows each latent fires on [L].
    public var featureFrequency: [Double] { firingCounts.map { rows > 0 ? Double($0) / Double(rows) : 0 } }

    public var description: String {
        "rows \(rows), explained variance \(explainedVariance), mse \(mse), L0 \(meanL0), dead \(deadFraction)"
    }
}

extension SparseAutoencoder {
    /// Explained variance, L0, dead fraction and per-latent firing counts on x [N, D].
    ///
    /// ```swift
    /// let eval = try sae.evaluate(heldOut, pool: pool)
    /// print(eval.explainedVariance, eval.meanL0, eval.deadFraction)
    /// ```
    public func evaluate(_ x: MatrixView, pool: ThreadPool? = nil) throws -> SAEEvaluation {
        guard x.cols == inputWidth else { throw SAEError.shapeMismatch(what: "evaluation rows", expected: [x.rows, inputWidth], found: [x.rows, x.cols]) }
        guard x.rows > 0 else { throw SAEError.invalidConfiguration("no evaluation rows") }
        let D = inputWidth, R = Self.rowsPerChunk
        let tiles = (x.rows + R - 1) / R
        /// Runs `body` on every tile, 256 tiles (16384 rows) at a time, then `collect` on each
        /// tile's result in tile order: memory stays bounded and sums keep a fixed order.
        func run<T>(_ body: @escaping (Int) -> T, _ collect: (T) -> Void) {
            var c0 = 0
            while c0 < tiles {
                let c1 = min(tiles, c0 + 256)
                let parts = ChunkResults<T>(count: c1 - c0)
                if let pool, pool.threadCount > 1 { pool.parallelFor(c1 - c0) { parts[$0] = body(c0 + $0) } } else {
                    for c in c0..<c1 { parts[c - c0] = body(c) }
                }
                for c in 0..<(c1 - c0) { collect(parts[c]!) }
                c0 = c1
            }
        }

        // Pass 1: the mean row.
        var mean = [Double](repeating: 0, count: D)
        run({ t -> [Double] in
            var s = [Double](repeating: 0, count: D)
            for r in (t * R)..<min(x.rows, (t + 1) * R) { let row = x.row(r); for j in 0..<D { s[j] += Double(row[j]) } }
            return s
        }) { s in for j in 0..<D { mean[j] += s[j] } }
        for j in 0..<D { mean[j] /= Double(x.rows) }

        // Pass 2: encode, decode, compare.
        let centre = mean
        var err: Double = 0, variance: Double = 0, active = 0
        var counts = [Int](repeating: 0, count: latents)
        run({ t -> (Double, Double, SparseCodes) in
            let range = (t * R)..<min(x.rows, (t + 1) * R)
            let codes = self.encodeRows(x, range)
            var err: Double = 0, variance: Double = 0
            var xHat = [Float](repeating: 0, count: D)
            codes.indices.withUnsafeBufferPointer { idx in
                codes.values.withUnsafeBufferPointer { val in
                    xHat.withUnsafeMutableBufferPointer { out in
                        for (n, r) in range.enumerated() {
                            let o = codes.offsets[n]
                            self.decodeRow(idx.baseAddress! + o, val.baseAddress! + o, count: codes.offsets[n + 1] - o, into: out.baseAddress!)
                            let row = x.row(r)
                            for j in 0..<D {
                                let e = Double(row[j]) - Double(out[j])
                                let c = Double(row[j]) - centre[j]
                                err += e * e
                                variance += c * c
                            }
                        }
                    }
                }
            }
            return (err, variance, codes)
        }) { part in
            err += part.0
            variance += part.1
            active += part.2.nonZeroCount
            for i in part.2.indices { counts[Int(i)] += 1 }
        }
        let n = Double(x.rows)
        return SAEEvaluation(rows: x.rows, explainedVariance: variance > 0 ? 1 - err / variance : 0, mse: err / n,
                             meanL0: Double(active) / n, deadFraction: Double(counts.filter { $0 == 0 }.count) / Double(latents),
                             firingCounts: counts)
    }
}
