// Inputs and outputs of batched SAE work: dense activation rows in, sparse latent codes out.
//
// Legend: N = rows (tokens), D = row width (the tap's width, d_in), L = latents (d_sae),
//         nnz = non-zero activations over all rows.
//
// Activation stores hold millions of rows (2M × 576 floats is 4.6 GB), often memory-mapped, so
// the batched APIs take a non-owning `MatrixView` instead of copying into an array. Codes are
// kept sparse (CSR): a dense [N, L] matrix of a 4096-latent SAE over 2M tokens would be 32 GB.

/// A read-only row-major matrix of floats [rows, cols] that the caller keeps alive during a call.
///
/// ```swift
/// try data.withUnsafeBufferPointer { buf in
///     let x = try MatrixView(buf, rows: n, cols: 576)
///     let codes = try sae.encodeBatch(x, pool: pool)
/// }
/// ```
public struct MatrixView: @unchecked Sendable {
    // @unchecked Sendable: a read-only view of floats its creator keeps alive.
    public let buffer: UnsafeBufferPointer<Float>   // [rows, cols]
    public let rows: Int
    public let cols: Int

    /// Throws `shapeMismatch` unless `buffer` holds exactly rows × cols floats.
    public init(_ buffer: UnsafeBufferPointer<Float>, rows: Int, cols: Int) throws {
        let (n, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard rows >= 0, cols > 0, !overflow, n == buffer.count else {
            throw SAEError.shapeMismatch(what: "activation matrix", expected: [rows, cols], found: [buffer.count])
        }
        self.buffer = buffer
        self.rows = rows
        self.cols = cols
    }

    /// Start of row `r` (cols floats).
    @inline(__always) public func row(_ r: Int) -> UnsafePointer<Float> { buffer.baseAddress! + r * cols }

    /// Rows `range` as a view of their own; throws unless the range lies within 0..<rows.
    public func rows(_ range: Range<Int>) throws -> MatrixView {
        guard range.lowerBound >= 0, range.upperBound <= rows else {
            throw SAEError.shapeMismatch(what: "row range \(range)", expected: [rows], found: [range.upperBound])
        }
        let start = buffer.baseAddress.map { $0 + range.lowerBound * cols }
        return try MatrixView(UnsafeBufferPointer(start: start, count: range.count * cols), rows: range.count, cols: cols)
    }
}

/// Runs `body` with a view of `values` as a [values.count / cols, cols] matrix.
public func withMatrixView<R>(_ values: [Float], cols: Int, _ body: (MatrixView) throws -> R) throws -> R {
    guard cols > 0, values.count % cols == 0 else {
        throw SAEError.shapeMismatch(what: "activation matrix", expected: [values.count / max(cols, 1), cols], found: [values.count])
    }
    return try values.withUnsafeBufferPointer { try body(try MatrixView($0, rows: values.count / cols, cols: cols)) }
}

/// The non-zero latent activations of one row, in ascending latent order.
public struct SparseCode: Sendable, Equatable {
    public var indices: [Int]    // [nnz of the row], strictly ascending
    public var values: [Float]   // [nnz of the row], all non-zero
    public init(indices: [Int] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }

    /// The number of active latents (L0 of the row).
    public var count: Int { indices.count }

    /// The dense vector [latents]; throws if an index is not below `latents`.
    public func dense(latents: Int) throws -> [Float] {
        guard indices.allSatisfy({ $0 >= 0 && $0 < latents }) else {
            throw SAEError.invalidConfiguration("a code index is outside 0..<\(latents)")
        }
        var out = [Float](repeating: 0, count: max(0, latents))
        for (i, v) in zip(indices, values) { out[i] = v }
        return out
    }

    /// The activation of latent `i` (0 when inactive).
    public func value(of i: Int) -> Float {
        var lo = 0, hi = indices.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if indices[mid] < i { lo = mid + 1 } else { hi = mid }
        }
        return lo < indices.count && indices[lo] == i ? values[lo] : 0
    }
}

/// Sparse latent codes of many rows (compressed sparse rows).
///
/// Row r's active latents are `indices[offsets[r]..<offsets[r+1]]` (ascending) with the
/// matching `values` (non-zero). `append` checks every row it is given, so the invariants hold
/// for any instance (the module is built with -Ounchecked in release: code that reads the
/// arrays relies on them instead of bounds checks).
public struct SparseCodes: Sendable, Equatable {
    public let latents: Int
    public private(set) var offsets: [Int]     // [N + 1]
    public private(set) var indices: [Int32]   // [nnz]
    public private(set) var values: [Float]    // [nnz]

    public init(latents: Int) {
        self.latents = latents
        offsets = [0]
        indices = []
        values = []
    }

    /// Codes from a dense [rows, latents] matrix, keeping the non-zero entries.
    public init(dense: [Float], latents: Int) {
        self.init(latents: latents)
        let rows = latents > 0 ? dense.count / latents : 0
        for r in 0..<rows {
            for i in 0..<latents where dense[r * latents + i] != 0 {
                indices.append(Int32(i))
                values.append(dense[r * latents + i])
            }
            offsets.append(indices.count)
        }
    }

    public var rows: Int { offsets.count - 1 }
    public var nonZeroCount: Int { indices.count }

    /// Adds one row; throws unless its indices ascend strictly within 0..<latents and its values
    /// are non-zero and as many as its indices.
    public mutating func append(_ code: SparseCode) throws {
        guard code.indices.count == code.values.count else {
            throw SAEError.shapeMismatch(what: "code values", expected: [code.indices.count], found: [code.values.count])
        }
        var previous = -1
        for (i, v) in zip(code.indices, code.values) {
            guard i > previous, i < latents, v != 0 else {
                throw SAEError.invalidConfiguration("a code row needs strictly ascending indices in 0..<\(latents) with non-zero values")
            }
            previous = i
        }
        appendUnchecked(code)
    }

    /// `append` for codes this module produced (already valid).
    mutating func appendUnchecked(_ code: SparseCode) {
        for (i, v) in zip(code.indices, code.values) {
            indices.append(Int32(i))
            values.append(v)
        }
        offsets.append(indices.count)
    }

    /// Appends every row of `other`; throws if it has another latent count.
    public mutating func append(contentsOf other: SparseCodes) throws {
        guard other.latents == latents else {
            throw SAEError.shapeMismatch(what: "appended codes' latents", expected: [latents], found: [other.latents])
        }
        appendUnchecked(contentsOf: other)
    }

    mutating func appendUnchecked(contentsOf other: SparseCodes) {
        let base = indices.count
        indices += other.indices
        values += other.values
        offsets += other.offsets.dropFirst().map { $0 + base }
    }

    /// Row `r` as a `SparseCode`.
    public func code(_ r: Int) -> SparseCode {
        let range = offsets[r]..<offsets[r + 1]
        return SparseCode(indices: indices[range].map(Int.init), values: Array(values[range]))
    }

    /// The activation of `feature` on row `r` (0 when inactive).
    public func activation(row r: Int, feature: Int) -> Float {
        var lo = offsets[r], hi = offsets[r + 1]
        let f = Int32(feature)
        while lo < hi {
            let mid = (lo + hi) / 2
            if indices[mid] < f { lo = mid + 1 } else { hi = mid }
        }
        return lo < offsets[r + 1] && indices[lo] == f ? values[lo] : 0
    }

    /// The activations of `feature` on every row [N] (zeros where inactive).
    public func column(_ feature: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        for r in 0..<rows { out[r] = activation(row: r, feature: feature) }
        return out
    }

    /// For every latent, the rows where it is active and its activation there, rows ascending.
    /// One pass over the codes; what contrast search and context search read.
    public func columns() -> [(rows: [Int32], values: [Float])] {
        var counts = [Int](repeating: 0, count: latents)
        for i in indices { counts[Int(i)] += 1 }
        var out = counts.map { n -> (rows: [Int32], values: [Float]) in
            var rows = [Int32](); rows.reserveCapacity(n)
            var values = [Float](); values.reserveCapacity(n)
            return (rows, values)
        }
        for r in 0..<rows {
            for e in offsets[r]..<offsets[r + 1] {
                let i = Int(indices[e])
                out[i].rows.append(Int32(r))
                out[i].values.append(values[e])
            }
        }
        return out
    }

    /// How many rows each latent is active on [L].
    public func firingCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: latents)
        for i in indices { counts[Int(i)] += 1 }
        return counts
    }

    /// Mean number of active latents per row.
    public var meanL0: Double { rows > 0 ? Double(indices.count) / Double(rows) : 0 }
}
