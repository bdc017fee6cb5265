// Sparse autoencoder: weights, encoding and decoding, with SAELens semantics.
//
// Legend: D = d_in (the tap's width), L = d_sae (latents), N = rows (tokens), k = TopK's k.
//
// Encoding one row x [D]:
//   x̃    = s · x                                  [D]  input normalisation (s = 1 for "none")
//   u     = x̃ − b_dec    (apply_b_dec_to_input)    [D]  else u = x̃
//   pre_i = dot(W_encᵀ[i], u) + b_enc[i]           [L]  one dot product per latent
//   a     = relu(pre)                              [L]  "standard"
//         | relu(pre) on the k largest pre, 0 elsewhere (ties: lower index)   "topk"
//         | pre where pre > max(θ, 0), else 0      [L]  "jumprelu"
// Decoding a [L]:
//   x̂    = (Σ_{i: a_i ≠ 0, ascending} a_i · W_dec[i] + b_dec) · (1/s)            [D]
//
// The encoder is stored transposed, W_encᵀ [L, D], so latent i is one contiguous row and its
// pre-activation one `dotF32`; SAELens files hold W_enc [D, L] and are transposed on load.
// Determinism: every pre_i is `dotF32` (lanes j mod 16, fixed tree) plus b_enc[i], and every
// element of x̂ sums its terms in ascending latent order, so encode and decode give the same bits
// for one row or a batch, on any thread count. `encodeReference` / `decodeReference` spell the
// same arithmetic out in scalar loops; the tests hold the fast paths to them bit for bit.
//
// Normalisation: SAELens' "expected_average_only_in" scales inputs by a constant s chosen in
// training so that E‖s·x‖² = D; outputs are scaled back. The SAE records s (`normalization`),
// so callers always pass raw activations.

import Detectors
import Kernels
import Taps

/// The activation function of the latents.
public enum SAEArchitecture: Sendable, Equatable, CustomStringConvertible {
    /// ReLU, trained with an L1 penalty (SAELens "standard").
    case relu
    /// The k largest pre-activations, ReLU'd; all others 0 (Gao et al. 2024).
    case topK(k: Int)
    /// pre where pre > max(θ_i, 0), else 0, with a learned threshold per latent (Rajamanoharan et al. 2024).
    case jumpReLU

    /// The SAELens `architecture` string.
    public var saeLensName: String {
        switch self {
        case .relu: return "standard"
        case .topK: return "topk"
        case .jumpReLU: return "jumprelu"
        }
    }

    public var description: String {
        switch self {
        case .relu: return "relu"
        case .topK(let k): return "topk(\(k))"
        case .jumpReLU: return "jumprelu"
        }
    }
}

/// How raw activations are scaled before encoding (and reconstructions scaled back).
public enum InputNormalization: Sendable, Equatable {
    case none
    /// x̃ = scale · x with a constant fitted on training data so that E‖x̃‖² = D
    /// (SAELens "expected_average_only_in").
    case expectedAverageOnlyIn(scale: Float)

    /// The factor s applied to inputs (1 for `.none`).
    public var scale: Float {
        switch self {
        case .none: return 1
        case .expectedAverageOnlyIn(let s): return s
        }
    }
}

/// Where an SAE was trained: the SAELens cfg.json fields that describe the model and data.
public struct SAEMetadata: Sendable, Equatable {
    /// TransformerLens hook name, e.g. `blocks.12.hook_resid_post`.
    public var hookName: String?
    public var hookHeadIndex: Int?
    public var modelName: String?
    public var contextSize: Int?
    public var prependBOS: Bool?
    public var datasetPath: String?
    /// Everything else worth keeping (training statistics, data hashes), written under the
    /// cfg.json key "overseer".
    public var extra: [String: JSONValue]

    public init(hookName: String? = nil, hookHeadIndex: Int? = nil, modelName: String? = nil, contextSize: Int? = nil,
                prependBOS: Bool? = nil, datasetPath: String? = nil, extra: [String: JSONValue] = [:]) {
        self.hookName = hookName
        self.hookHeadIndex = hookHeadIndex
        self.modelName = modelName
        self.contextSize = contextSize
        self.prependBOS = prependBOS
        self.datasetPath = datasetPath
        self.extra = extra
    }

    /// The tap the SAE reads, when `hookName` is one of ours.
    public var tap: TapPoint? { hookName.flatMap(TapPoint.init(name:)) }
    /// The block of `hookName` (SAELens `hook_layer`).
    public var hookLayer: Int? { tap?.layer }
}

/// A trained sparse autoencoder (immutable; share one instance between threads and detectors).
///
/// ```swift
/// let sae = try SAELensFolder.read(URL(fileURLWithPath: "sae/blocks.12.hook_resid_post"))
/// let code = try sae.encode(x)            // x [D] → active latents, ascending
/// let xHat = try sae.decode(code)         // [D]
/// ```
public final class SparseAutoencoder: Sendable {
    /// D.
    public let inputWidth: Int
    /// L.
    public let latents: Int
    public let architecture: SAEArchitecture
    public let wEncT: [Float]       // [L, D]  W_enc transposed: row i is latent i's encoder
    public let bEnc: [Float]        // [L]
    public let wDec: [Float]        // [L, D]
    public let bDec: [Float]        // [D]
    public let threshold: [Float]?  // [L]  jumprelu only
    public let normalization: InputNormalization
    /// Subtract b_dec from the (normalised) input before encoding (SAELens `apply_b_dec_to_input`).
    public let applyBDecToInput: Bool
    public let metadata: SAEMetadata

    /// max(θ_i, 0), the cut JumpReLU compares with.  [L]
    let thresholdPlus: [Float]?
    /// 1/s, rounded once.
    let outputScale: Float
    /// 1 / s: what decoded sums are multiplied by (1 without input normalisation). A change δ
    /// of latent i moves the reconstruction by δ · W_dec[i] · decoderScale.
    public var decoderScale: Float { outputScale }

    /// Validates sizes, finiteness and ranges; never traps on bad values.
    /// - Parameter wEncT: the encoder transposed, [L, D] (SAELens files hold W_enc [D, L]; `SAELensFolder` transposes).
    public init(architecture: SAEArchitecture, wEncT: [Float], bEnc: [Float], wDec: [Float], bDec: [Float],
                threshold: [Float]? = nil, normalization: InputNormalization = .none, applyBDecToInput: Bool = true,
                metadata: SAEMetadata = SAEMetadata()) throws {
        let D = bDec.count, L = bEnc.count
        guard D > 0, L > 0 else { throw SAEError.invalidConfiguration("d_in (\(D)) and d_sae (\(L)) must be positive") }
        guard D <= SAELimits.maxInputWidth else { throw SAEError.tooLarge(what: "d_in", value: D, limit: SAELimits.maxInputWidth) }
        guard L <= SAELimits.maxLatents else { throw SAEError.tooLarge(what: "d_sae", value: L, limit: SAELimits.maxLatents) }
        guard D * L <= SAELimits.maxMatrixElements else {
            throw SAEError.tooLarge(what: "d_in × d_sae", value: D * L, limit: SAELimits.maxMatrixElements)
        }
        guard wEncT.count == L * D else { throw SAEError.shapeMismatch(what: "W_enc", expected: [D, L], found: [wEncT.count]) }
        guard wDec.count == L * D else { throw SAEError.shapeMismatch(what: "W_dec", expected: [L, D], found: [wDec.count]) }
        switch architecture {
        case .topK(let k):
            guard k >= 1, k <= L else { throw SAEError.invalidConfiguration("k = \(k) must be in 1...\(L) (d_sae)") }
            guard threshold == nil else { throw SAEError.invalidConfiguration("a threshold is only for jumprelu") }
        case .relu:
            guard threshold == nil else { throw SAEError.invalidConfiguration("a threshold is only for jumprelu") }
        case .jumpReLU:
            guard let threshold else { throw SAEError.invalidConfiguration("jumprelu needs a threshold [d_sae]") }
            guard threshold.count == L else { throw SAEError.shapeMismatch(what: "threshold", expected: [L], found: [threshold.count]) }
        }
        let s = normalization.scale
        guard s.isFinite, s > 0 else { throw SAEError.invalidConfiguration("normalisation scale \(s) must be finite and > 0") }
        for (name, values) in [("W_enc", wEncT), ("b_enc", bEnc), ("W_dec", wDec), ("b_dec", bDec), ("threshold", threshold ?? [])] {
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw SAEError.nonFinite(what: name, index: i) }
        }
        inputWidth = D
        latents = L
        self.architecture = architecture
        self.wEncT = wEncT
        self.bEnc = bEnc
        self.wDec = wDec
        self.bDec = bDec
        self.threshold = threshold
        thresholdPlus = threshold?.map { max($0, 0) }
        self.normalization = normalization
        self.applyBDecToInput = applyBDecToInput
        self.metadata = metadata
        outputScale = 1 / s
    }

    /// A copy with other metadata (the weights are shared, not copied).
    public func with(metadata: SAEMetadata) -> SparseAutoencoder {
        try! SparseAutoencoder(architecture: architecture, wEncT: wEncT, bEnc: bEnc, wDec: wDec, bDec: bDec,
                               threshold: threshold, normalization: normalization, applyBDecToInput: applyBDecToInput,
                               metadata: metadata)
    }

    /// k for TopK, nil otherwise.
    public var k: Int? {
        if case .topK(let k) = architecture { return k }
        return nil
    }

    /// The encoder in SAELens' layout, W_enc [D, L].
    public var wEnc: [Float] { transposed(wEncT, rows: latents, cols: inputWidth) }

    /// Most latents a row can activate: k for TopK, L otherwise.
    public var maxActive: Int { k ?? latents }

    // MARK: - Reference path (scalar)

    /// Scalar reference of `encode`: the dense activations [L] of one row x [D].
    public func encodeReference(_ x: [Float]) -> [Float] {
        let D = inputWidth, L = latents, s = normalization.scale
        var u = [Float](repeating: 0, count: D)
        for j in 0..<D { u[j] = applyBDecToInput ? x[j] * s - bDec[j] : x[j] * s }
        var pre = [Float](repeating: 0, count: L)
        wEncT.withUnsafeBufferPointer { w in
            u.withUnsafeBufferPointer { u in
                for i in 0..<L { pre[i] = dotReference(w.baseAddress! + i * D, u.baseAddress!, n: D) + bEnc[i] }
            }
        }
        var a = [Float](repeating: 0, count: L)
        switch architecture {
        case .relu:
            for i in 0..<L where pre[i] > 0 { a[i] = pre[i] }
        case .topK(let k):
            for i in selectTopKReference(pre, k: k) where pre[i] > 0 { a[i] = pre[i] }
        case .jumpReLU:
            for i in 0..<L where pre[i] > max(threshold![i], 0) { a[i] = pre[i] }
        }
        return a
    }

    /// Scalar reference of `decode`: x̂ [D] from dense activations a [L].
    public func decodeReference(_ a: [Float]) throws -> [Float] {
        guard a.count == latents else { throw SAEError.shapeMismatch(what: "activations", expected: [latents], found: [a.count]) }
        let D = inputWidth
        var acc = [Float](repeating: 0, count: D)
        let active = a.indices.filter { a[$0] != 0 }
        wDec.withUnsafeBufferPointer { accumulateRowsReference($0.baseAddress!, n: D, indices: active, values: active.map { a[$0] }, into: &acc) }
        return (0..<D).map { (acc[$0] + bDec[$0]) * outputScale }
    }

    // MARK: - Fast path, one row

    /// Throws unless `x` has D values.
    func check(_ x: UnsafeBufferPointer<Float>) throws {
        guard x.count == inputWidth else { throw SAEError.shapeMismatch(what: "input row", expected: [inputWidth], found: [x.count]) }
    }

    /// u = s·x − b_dec (or s·x) [D]: the encoder's input.
    @inline(__always) func prepareInput(_ x: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let s = normalization.scale
        bDec.withUnsafeBufferPointer { b in
            if applyBDecToInput {
                for j in 0..<inputWidth { u[j] = x[j] * s - b[j] }
            } else {
                for j in 0..<inputWidth { u[j] = x[j] * s }
            }
        }
    }

    /// Pre-activations [L] of one row x [D]. With a pool, latents are split across its threads
    /// (each pre_i is still one `dotF32`, so the result does not depend on the pool).
    public func preActivations(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil) throws -> [Float] {
        try check(x)
        var pre = [Float](repeating: 0, count: latents)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: inputWidth) { u in
            prepareInput(x.baseAddress!, into: u.baseAddress!)
            pre.withUnsafeMutableBufferPointer { out in
                rowPreActivations(UnsafePointer(u.baseAddress!), into: out.baseAddress!, pool: pool)
            }
        }
        return pre
    }

    func rowPreActivations(_ u: UnsafePointer<Float>, into pre: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let D = inputWidth, L = latents
        wEncT.withUnsafeBufferPointer { w in
            bEnc.withUnsafeBufferPointer { b in
                let w = w.baseAddress!, b = b.baseAddress!
                let chunk = 256
                let chunks = (L + chunk - 1) / chunk
                let body: (Int) -> Void = { c in
                    for i in (c * chunk)..<min(L, (c + 1) * chunk) { pre[i] = dotF32(w + i * D, u, n: D) + b[i] }
                }
                if let pool, pool.threadCount > 1, chunks > 1 { pool.parallelFor(chunks, body) } else { for c in 0..<chunks { body(c) } }
            }
        }
    }

    /// The active latents of one row from its pre-activations [L]; returns how many (≤ maxActive).
    /// `idx`/`val` hold maxActive entries; `heapV`/`heapI` hold k (TopK scratch).
    @inline(__always)
    func activate(_ pre: UnsafePointer<Float>, idx: UnsafeMutablePointer<Int32>, val: UnsafeMutablePointer<Float>,
                  heapV: UnsafeMutablePointer<Float>, heapI: UnsafeMutablePointer<Int32>) -> Int {
        var n = 0
        switch architecture {
        case .relu:
            for i in 0..<latents where pre[i] > 0 { idx[n] = Int32(i); val[n] = pre[i]; n += 1 }
        case .topK(let k):
            let selected = selectTopK(pre, count: latents, k: k, into: idx, scratchValues: heapV, scratchIndices: heapI)
            for e in 0..<selected {
                let i = Int(idx[e])
                if pre[i] > 0 { idx[n] = Int32(i); val[n] = pre[i]; n += 1 }
            }
        case .jumpReLU:
            thresholdPlus!.withUnsafeBufferPointer { t in
                for i in 0..<latents where pre[i] > t[i] { idx[n] = Int32(i); val[n] = pre[i]; n += 1 }
            }
        }
        return n
    }

    /// The active latents of one row x [D], ascending.
    ///
    /// ```swift
    /// let code = try sae.encode(x)    // code.indices, code.values
    /// ```
    public func encode(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil) throws -> SparseCode {
        let pre = try preActivations(x, pool: pool)
        return try code(fromPreActivations: pre)
    }

    public func encode(_ x: [Float], pool: ThreadPool? = nil) throws -> SparseCode {
        try x.withUnsafeBufferPointer { try encode($0, pool: pool) }
    }

    /// The dense activations [L] of one row x [D] (same values as `encode`).
    public func encodeDense(_ x: [Float], pool: ThreadPool? = nil) throws -> [Float] {
        try encode(x, pool: pool).dense(latents: latents)   // indices come from encode: in range
    }

    /// Applies the activation function to pre-activations [L] computed elsewhere (e.g. by the
    /// Q8_0 encoder).
    public func code(fromPreActivations pre: [Float]) throws -> SparseCode {
        guard pre.count == latents else {
            throw SAEError.shapeMismatch(what: "pre-activations", expected: [latents], found: [pre.count])
        }
        let cap = maxActive
        var idx = [Int32](repeating: 0, count: cap), val = [Float](repeating: 0, count: cap)
        var heapV = [Float](repeating: 0, count: max(1, k ?? 1)), heapI = [Int32](repeating: 0, count: max(1, k ?? 1))
        let n = pre.withUnsafeBufferPointer { p in
            activate(p.baseAddress!, idx: &idx, val: &val, heapV: &heapV, heapI: &heapI)
        }
        return SparseCode(indices: idx[0..<n].map(Int.init), values: Array(val[0..<n]))
    }

    /// x̂ [D] from one row's code. Throws unless its indices are latents (in any order; terms
    /// are added in the order given, ascending for codes from `encode`).
    public func decode(_ code: SparseCode) throws -> [Float] {
        guard code.indices.count == code.values.count else {
            throw SAEError.shapeMismatch(what: "code values", expected: [code.indices.count], found: [code.values.count])
        }
        if let bad = code.indices.first(where: { $0 < 0 || $0 >= latents }) {
            throw SAEError.invalidConfiguration("latent \(bad) is not in 0..<\(latents)")
        }
        var out = [Float](repeating: 0, count: inputWidth)
        let idx = code.indices.map { Int32($0) }
        out.withUnsafeMutableBufferPointer { o in
            decodeRow(idx, code.values, count: code.count, into: o.baseAddress!)
        }
        return out
    }

    /// x̂ [D] from dense activations a [L].
    public func decode(dense a: [Float]) throws -> [Float] {
        guard a.count == latents else { throw SAEError.shapeMismatch(what: "activations", expected: [latents], found: [a.count]) }
        return try decode(SparseCode(dense: a))
    }

    /// out [D] = (Σ a_i W_dec[i] + b_dec) / s, terms in the order given (ascending latents).
    func decodeRow(_ idx: UnsafePointer<Int32>, _ val: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        let D = inputWidth
        for j in 0..<D { out[j] = 0 }
        wDec.withUnsafeBufferPointer { w in
            accumulateRows(w.baseAddress!, n: D, indices: idx, values: val, count: count, into: out)
        }
        let r = outputScale
        bDec.withUnsafeBufferPointer { b in for j in 0..<D { out[j] = (out[j] + b[j]) * r } }
    }

    /// decode(encode(x)), x [D] → x̂ [D].
    public func reconstruct(_ x: [Float]) throws -> [Float] { try decode(try encode(x)) }

    // MARK: - Fast path, many rows

    /// Rows per parallel chunk: the tile kernel reads 64 input rows per pass over W_encᵀ, so the
    /// weights stream from memory once per 64 rows.
    static let rowsPerChunk = 64

    /// Codes of every row of x [N, D]. Rows go to the pool in fixed chunks; each row's code is
    /// computed the same way whatever the chunk or the thread, so the result equals `encode`
    /// row by row.
    public func encodeBatch(_ x: MatrixView, pool: ThreadPool? = nil) throws -> SparseCodes {
        guard x.cols == inputWidth else { throw SAEError.shapeMismatch(what: "activation matrix", expected: [x.rows, inputWidth], found: [x.rows, x.cols]) }
        var codes = SparseCodes(latents: latents)
        // Blocks bound the memory of the per-chunk outputs (and parallelFor's chunk count).
        let blockRows = 256 * Self.rowsPerChunk
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + blockRows)
            codes.appendUnchecked(contentsOf: encodeBlock(x, start..<end, pool: pool))
            start = end
        }
        return codes
    }

    private func encodeBlock(_ x: MatrixView, _ range: Range<Int>, pool: ThreadPool?) -> SparseCodes {
        let R = Self.rowsPerChunk
        let chunks = (range.count + R - 1) / R
        let parts = ChunkResults<SparseCodes>(count: chunks)
        let body: (Int) -> Void = { c in
            let r0 = range.lowerBound + c * R, r1 = min(range.upperBound, r0 + R)
            parts[c] = self.encodeRows(x, r0..<r1)
        }
        if let pool, pool.threadCount > 1, chunks > 1 { pool.parallelFor(chunks, body) } else { for c in 0..<chunks { body(c) } }
        var out = SparseCodes(latents: latents)
        for c in 0..<chunks { out.appendUnchecked(contentsOf: parts[c]!) }
        return out
    }

    /// Codes of rows `range` of x, one tile.
    func encodeRows(_ x: MatrixView, _ range: Range<Int>) -> SparseCodes {
        let D = inputWidth, L = latents, R = range.count
        let u = UnsafeMutablePointer<Float>.allocate(capacity: R * D)
        let pre = UnsafeMutablePointer<Float>.allocate(capacity: R * L)
        let cap = maxActive, kk = max(1, k ?? 1)
        let idx = UnsafeMutablePointer<Int32>.allocate(capacity: cap), val = UnsafeMutablePointer<Float>.allocate(capacity: cap)
        let hv = UnsafeMutablePointer<Float>.allocate(capacity: kk), hi = UnsafeMutablePointer<Int32>.allocate(capacity: kk)
        defer { u.deallocate(); pre.deallocate(); idx.deallocate(); val.deallocate(); hv.deallocate(); hi.deallocate() }
        for t in 0..<R { prepareInput(x.row(range.lowerBound + t), into: u + t * D) }
        wEncT.withUnsafeBufferPointer { w in
            dotTile(w.baseAddress!, latents: 0..<L, UnsafePointer(u), rows: R, n: D, into: pre, outStride: L)
        }
        var codes = SparseCodes(latents: L)
        bEnc.withUnsafeBufferPointer { b in
            for t in 0..<R {
                let p = pre + t * L
                for i in 0..<L { p[i] += b[i] }
                let n = activate(p, idx: idx, val: val, heapV: hv, heapI: hi)
                codes.appendUnchecked(SparseCode(indices: (0..<n).map { Int(idx[$0]) }, values: Array(UnsafeBufferPointer(start: val, count: n))))
            }
        }
        return codes
    }
}

extension SparseCode {
    /// The non-zero entries of a dense vector [L].
    public init(dense a: [Float]) {
        var idx: [Int] = [], val: [Float] = []
        for (i, v) in a.enumerated() where v != 0 { idx.append(i); val.append(v) }
        self.init(indices: idx, values: val)
    }
}

/// m [rows, cols] → mᵀ [cols, rows] (callers pass matching sizes).
func transposed(_ m: [Float], rows: Int, cols: Int) -> [Float] {
    var out = [Float](repeating: 0, count: m.count)
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = m[r * cols + c] } }
    return out
}

/// One slot per parallel chunk; each chunk writes only its own slot, the caller reads them in
/// chunk order after the loop. (Raw storage: concurrent writes to distinct slots of a Swift
/// array held by a class would trip exclusivity checking.)
final class ChunkResults<T>: @unchecked Sendable {
    // @unchecked Sendable: see above: each chunk writes only its own slot.
    private let slots: UnsafeMutablePointer<T?>
    let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: nil, count: max(1, count))
    }
    deinit {
        slots.deinitialize(count: max(1, count))
        slots.deallocate()
    }
    subscript(i: Int) -> T? {
        get { slots[i] }
        set { slots[i] = newValue }
    }
}
