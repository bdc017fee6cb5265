// The SAE's inner loops: dot products of many rows, top-k selection, sparse sums of rows.
//
// Legend: D = row width (d_in), L = latents (d_sae), R = rows in a tile, k = latents selected.
//
// Reduction order is the one of Kernels' `dotF32`: element j of a dot product is added by a
// fused multiply-add to lane (j mod 16) of sixteen accumulators, which `reduceLanes16` combines
// in a fixed tree. The tiled kernel below computes four dot products at once (two weight rows ×
// two input rows) to share loads, but each product keeps its own sixteen lanes, so every output
// equals `dotF32` of its two rows to the bit — whatever the tile, the row count or the thread.
// Sums of rows (decoding, gradients) add whole rows in a fixed order; element j of the result
// only ever sees element j of the inputs, so vectorising over j changes no bit either.
// `*Reference` functions are the plain scalar definitions the fast paths are tested against.

import Kernels

// MARK: - Dot products

/// Scalar reference of `dotF32`: lanes j mod 16, then the `reduceLanes16` tree written out.
func dotReference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, n: Int) -> Float {
    var lanes = [Float](repeating: 0, count: 16)
    for j in 0..<n { lanes[j % 16] = lanes[j % 16].addingProduct(a[j], b[j]) }
    return reduceLanes16Reference(lanes)
}

/// ((l0+l8)+(l4+l12)) + ... : the tree `reduceLanes16` computes, one addition at a time.
func reduceLanes16Reference(_ l: [Float]) -> Float {
    let s8 = (0..<8).map { l[$0] + l[$0 + 8] }
    let s4 = (0..<4).map { s8[$0] + s8[$0 + 4] }
    let s2 = (0..<2).map { s4[$0] + s4[$0 + 2] }
    return s2[0] + s2[1]
}

@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// (w0·x0, w0·x1, w1·x0, w1·x1), each exactly `dotF32` of its pair.
@inline(__always)
func dot2x2(_ w0: UnsafePointer<Float>, _ w1: UnsafePointer<Float>, _ x0: UnsafePointer<Float>,
            _ x1: UnsafePointer<Float>, n: Int) -> SIMD4<Float> {
    var a00 = SIMD16<Float>(), a01 = SIMD16<Float>(), a10 = SIMD16<Float>(), a11 = SIMD16<Float>()
    var j = 0
    while j + 16 <= n {
        let u0 = load16(w0 + j), u1 = load16(w1 + j)
        let v0 = load16(x0 + j), v1 = load16(x1 + j)
        a00.addProduct(u0, v0); a01.addProduct(u0, v1)
        a10.addProduct(u1, v0); a11.addProduct(u1, v1)
        j += 16
    }
    var l = 0
    while j < n {
        a00[l] = a00[l].addingProduct(w0[j], x0[j]); a01[l] = a01[l].addingProduct(w0[j], x1[j])
        a10[l] = a10[l].addingProduct(w1[j], x0[j]); a11[l] = a11[l].addingProduct(w1[j], x1[j])
        j += 1; l += 1
    }
    return SIMD4(reduceLanes16(a00), reduceLanes16(a01), reduceLanes16(a10), reduceLanes16(a11))
}

/// Latents per block of the tiled product: 8 weight rows of D = 576 are 18 KB, which stay in
/// L1 while every row pair of the tile passes by.
let latentBlock = 8

/// out[t * outStride + i] = dotF32(w[i], x[t]) for t < rows and i in `latents`; w [L, D], x [rows, D].
func dotTile(_ w: UnsafePointer<Float>, latents: Range<Int>, _ x: UnsafePointer<Float>, rows: Int, n: Int,
             into out: UnsafeMutablePointer<Float>, outStride: Int) {
    var i0 = latents.lowerBound
    while i0 < latents.upperBound {
        let i1 = min(latents.upperBound, i0 + latentBlock)
        var t = 0
        while t + 2 <= rows {
            let x0 = x + t * n, x1 = x0 + n
            var i = i0
            while i + 2 <= i1 {
                let v = dot2x2(w + i * n, w + (i + 1) * n, x0, x1, n: n)
                out[t * outStride + i] = v[0]; out[(t + 1) * outStride + i] = v[1]
                out[t * outStride + i + 1] = v[2]; out[(t + 1) * outStride + i + 1] = v[3]
                i += 2
            }
            if i < i1 {
                out[t * outStride + i] = dotF32(w + i * n, x0, n: n)
                out[(t + 1) * outStride + i] = dotF32(w + i * n, x1, n: n)
            }
            t += 2
        }
        if t < rows {
            for i in i0..<i1 { out[t * outStride + i] = dotF32(w + i * n, x + t * n, n: n) }
        }
        i0 = i1
    }
}

// MARK: - Sums of rows

/// out[j] += a · x[j] for j < n (one fused multiply-add per element).
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, n: Int) {
    let av = SIMD16<Float>(repeating: a)
    var j = 0
    while j + 16 <= n {
        var o = load16(UnsafePointer(out + j))
        o.addProduct(av, load16(x + j))
        UnsafeMutableRawPointer(out + j).storeBytes(of: o, as: SIMD16<Float>.self)
        j += 16
    }
    while j < n { out[j] = out[j].addingProduct(a, x[j]); j += 1 }
}

/// out[0..<n] += Σ_e values[e] · w[indices[e]], e ascending; w [L, n].
@inline(__always)
func accumulateRows(_ w: UnsafePointer<Float>, n: Int, indices: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                    count: Int, into out: UnsafeMutablePointer<Float>) {
    for e in 0..<count { axpy(values[e], w + Int(indices[e]) * n, out, n: n) }
}

/// Scalar reference of `accumulateRows`.
func accumulateRowsReference(_ w: UnsafePointer<Float>, n: Int, indices: [Int], values: [Float],
                             into out: inout [Float]) {
    for (i, a) in zip(indices, values) {
        for j in 0..<n { out[j] = out[j].addingProduct(a, w[i * n + j]) }
    }
}

// MARK: - Top-k selection

/// Whether (va, ia) ranks below (vb, ib): a smaller value, or an equal value and a higher index.
/// NaN ranks below everything, so it is only chosen when fewer than k values are numbers.
@inline(__always) private func ranksBelow(_ va: Float, _ ia: Int32, _ vb: Float, _ ib: Int32) -> Bool {
    let a = va.isNaN ? -Float.infinity : va, b = vb.isNaN ? -Float.infinity : vb
    return a < b || (a == b && ia > ib)
}

/// A bounded min-heap of (value, index) whose root is the lowest-ranked entry kept so far.
struct TopKHeap {
    let k: Int
    private(set) var count = 0
    private let v: UnsafeMutablePointer<Float>
    private let ix: UnsafeMutablePointer<Int32>

    init(k: Int, values: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>) {
        self.k = k
        v = values
        ix = indices
    }

    /// Offers (value, index); indices must be offered in ascending order, so an equal value
    /// never displaces a kept one (the lower index wins ties).
    @inline(__always) mutating func offer(_ value: Float, _ index: Int32) {
        if count < k {
            var c = count
            count += 1
            v[c] = value; ix[c] = index
            while c > 0 {
                let p = (c - 1) / 2
                guard ranksBelow(v[c], ix[c], v[p], ix[p]) else { break }
                swapAt(c, p)
                c = p
            }
            return
        }
        guard k > 0, ranksBelow(v[0], ix[0], value, index) else { return }
        v[0] = value; ix[0] = index
        var c = 0
        while true {
            let l = 2 * c + 1, r = l + 1
            var m = c
            if l < k && ranksBelow(v[l], ix[l], v[m], ix[m]) { m = l }
            if r < k && ranksBelow(v[r], ix[r], v[m], ix[m]) { m = r }
            if m == c { break }
            swapAt(c, m)
            c = m
        }
    }

    /// The lowest kept value, with NaN as −∞ (what a newcomer must beat once the heap is full).
    var lowestValue: Float { v[0].isNaN ? -.infinity : v[0] }

    @inline(__always) private func swapAt(_ a: Int, _ b: Int) {
        let tv = v[a]; v[a] = v[b]; v[b] = tv
        let ti = ix[a]; ix[a] = ix[b]; ix[b] = ti
    }

    /// The kept indices, ascending, into `out` [count]; returns count.
    func sortedIndices(into out: UnsafeMutablePointer<Int32>) -> Int {
        for e in 0..<count { out[e] = ix[e] }
        if count <= 64 {
            // insertion sort: k is small and the heap is already partly ordered
            for e in 1..<max(1, count) {
                let x = out[e]
                var f = e
                while f > 0 && out[f - 1] > x { out[f] = out[f - 1]; f -= 1 }
                out[f] = x
            }
        } else {
            var b = UnsafeMutableBufferPointer(start: out, count: count)
            b.sort()
        }
        return count
    }
}

/// The indices of the k largest of values[0..<n] (ties: lower index), ascending, into `out`.
/// `scratch` holds k floats and k indices. Returns min(k, n).
///
/// A bounded heap scanned in index order: once full, a value enters only if it is strictly
/// greater than the heap's lowest (an equal value has a higher index and loses the tie; NaN
/// compares false and never enters). For long rows a cheap lower bound on the k-th largest
/// value first discards almost every value (see `candidatesAbove`), so the heap sees a few
/// dozen candidates instead of thousands: the same result, sooner.
func selectTopK(_ values: UnsafePointer<Float>, count n: Int, k: Int, into out: UnsafeMutablePointer<Int32>,
                scratchValues: UnsafeMutablePointer<Float>, scratchIndices: UnsafeMutablePointer<Int32>) -> Int {
    let kk = min(k, n)
    guard kk > 0 else { return 0 }
    let columns = max(64, (2 * kk + 15) / 16 * 16)
    if n >= 4 * columns {
        let done = withUnsafeTemporaryAllocation(of: Int32.self, capacity: n) { candidates -> Int? in
            let m = candidatesAbove(values, count: n, k: kk, columns: columns, into: candidates.baseAddress!,
                                    scratchValues: scratchValues, scratchIndices: scratchIndices)
            guard m >= kk else { return nil }   // only with NaN or −∞ among the largest values
            var heap = TopKHeap(k: kk, values: scratchValues, indices: scratchIndices)
            for e in 0..<m { heap.offer(values[Int(candidates[e])], candidates[e]) }
            return heap.sortedIndices(into: out)
        }
        if let done { return done }
    }
    var heap = TopKHeap(k: kk, values: scratchValues, indices: scratchIndices)
    for i in 0..<kk { heap.offer(values[i], Int32(i)) }
    var bound = heap.lowestValue
    for i in kk..<n where values[i] > bound {
        heap.offer(values[i], Int32(i))
        bound = heap.lowestValue
    }
    return heap.sortedIndices(into: out)
}

/// The indices (ascending) of every value ≥ a lower bound on the k-th largest; returns how many.
///
/// Column c holds values c, c + C, c + 2C, ... of the first ⌊n/C⌋·C values. The column maxima
/// are C different values of the row, so the k-th largest of them is at most the k-th largest
/// of the row: every value of the true top k is ≥ it. The maxima are an elementwise loop the
/// compiler vectorises; the scan tests sixteen values at a time by the sign bits of
/// bound − v (with bound = b.nextDown, v ≥ b exactly when v > bound, and the difference of two
/// different floats is never 0), because Swift's SIMD comparisons build their masks lane by lane.
private func candidatesAbove(_ values: UnsafePointer<Float>, count n: Int, k: Int, columns: Int,
                             into candidates: UnsafeMutablePointer<Int32>,
                             scratchValues: UnsafeMutablePointer<Float>, scratchIndices: UnsafeMutablePointer<Int32>) -> Int {
    let bound: Float = withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { maxima in
        let mx = maxima.baseAddress!
        for c in 0..<columns { mx[c] = values[c] }
        for r in 1..<(n / columns) {
            let row = values + r * columns
            for c in 0..<columns { let v = row[c]; mx[c] = v > mx[c] ? v : mx[c] }
        }
        var heap = TopKHeap(k: k, values: scratchValues, indices: scratchIndices)
        for c in 0..<columns { heap.offer(mx[c], Int32(c)) }
        return heap.lowestValue.nextDown
    }
    var m = 0
    var i = 0
    let b = SIMD16<Float>(repeating: bound)
    while i + 16 <= n {
        let d = b - UnsafeRawPointer(values + i).loadUnaligned(as: SIMD16<Float>.self)
        if (unsafeBitCast(d, to: SIMD16<UInt32>.self) &>> 31).wrappedSum() != 0 {
            for j in i..<(i + 16) where values[j] > bound { candidates[m] = Int32(j); m += 1 }
        }
        i += 16
    }
    while i < n {
        if values[i] > bound { candidates[m] = Int32(i); m += 1 }
        i += 1
    }
    return m
}

/// Scalar reference of `selectTopK`: sort every index by (value descending, index ascending).
func selectTopKReference(_ values: [Float], k: Int) -> [Int] {
    let key = values.map { $0.isNaN ? -Float.infinity : $0 }
    let order = values.indices.sorted { key[$0] != key[$1] ? key[$0] > key[$1] : $0 < $1 }
    return Array(order.prefix(k)).sorted()
}
