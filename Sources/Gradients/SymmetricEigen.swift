// The leading eigenvectors of a symmetric positive semi-definite matrix, deterministically:
// what `DiffPCA` (differences an adapter makes) and `ConceptEdit.orthogonalised` (a task's
// principal directions) need, with no linear-algebra library.
//
// Legend: d = the matrix's size.

import Kernels

public enum SymmetricEigen {
    /// The `count` leading eigenvectors (unit length, orthogonal) and eigenvalues of a symmetric
    /// positive semi-definite [d, d] matrix: power iteration from a fixed start, deflated against
    /// the vectors found so far, until a round moves the vector by less than 1e-13 (at most 3000
    /// rounds). Sums run in a fixed order (threads split y = m·v by rows), so the result is the
    /// same bits for any thread count.
    public static func leading(_ m: [Double], d: Int, count: Int, pool: ThreadPool) -> (vectors: [[Double]], values: [Double]) {
        var vectors: [[Double]] = [], values: [Double] = []
        let blocks = min(d, 64), rows = (d + blocks - 1) / blocks
        func multiply(_ v: [Double]) -> [Double] {
            var y = [Double](repeating: 0, count: d)
            m.withUnsafeBufferPointer { mp in
                y.withUnsafeMutableBufferPointer { yp in
                    let out = yp.baseAddress!, a0 = mp.baseAddress!
                    pool.parallelFor(blocks) { blk in
                        for a in (blk * rows)..<min(d, (blk + 1) * rows) {
                            var s = 0.0
                            let row = a0 + a * d
                            for b in 0..<d { s += row[b] * v[b] }
                            out[a] = s
                        }
                    }
                }
            }
            return y
        }
        func orthogonalise(_ v: inout [Double]) {
            for w in vectors {
                var dot = 0.0
                for i in 0..<d { dot += v[i] * w[i] }
                for i in 0..<d { v[i] -= dot * w[i] }
            }
        }
        func normalised(_ v: [Double]) -> [Double]? {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return nil }
            return v.map { $0 / norm }
        }
        for k in 0..<count {
            // A fixed start with no special alignment to the axes.
            var start = (0..<d).map { i in 1 + Double((i * 7919 + k * 104_729) % 211) / 211 }
            orthogonalise(&start)
            guard var v = normalised(start) else { break }
            for _ in 0..<3000 {
                var y = multiply(v)
                orthogonalise(&y)
                guard let next = normalised(y) else { break }
                var moved = 0.0
                for i in 0..<d { moved = max(moved, abs(next[i] - v[i])) }
                v = next
                if moved < 1e-13 { break }
            }
            orthogonalise(&v)
            guard let u = normalised(v) else { break }
            let mu = multiply(u)
            var lambda = 0.0
            for i in 0..<d { lambda += u[i] * mu[i] }
            vectors.append(u)
            values.append(lambda)
        }
        return (vectors, values)
    }
}
