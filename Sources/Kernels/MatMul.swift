// Matrix products of stored (possibly quantized) weights with activations.
//
// Legend: T = tokens in the batch, n = input features (weight row length), m = output rows.
//
// out[t, r] = dot(W[r, :], x[t, :]) for a weight W [m, n] and activations x [T, n]. Each output
// element is one `dot` call, computed the same way for every T and every thread count, so a
// prefill over many tokens gives the same bits as decoding them one at a time.

import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Activation rows quantized for a weight type: `tokens` rows of `count` elements each.
///
/// A row is the activation type's blocks (what `dotReference` reads) followed, for Q8_0 and
/// Q8_1, by the block scales as floats — d for every block, then (Q8_1) s — each array padded
/// with zeros to a multiple of eight blocks, so the SIMD kernels load eight scales at once
/// instead of gathering and converting eight f16 fields (see `ActivationSideArrays`).
public final class QuantizedRows {
    public let type: TensorType
    public let count: Int
    public let capacity: Int
    public private(set) var tokens = 0
    /// Bytes from one row to the next (blocks and side arrays, a multiple of 32).
    public let rowBytes: Int
    public let storage: UnsafeMutableRawPointer
    let side: ActivationSideArrays?

    /// Room for `capacity` rows of `count` elements in the activation type for `weight`.
    public init(for weight: TensorType, count: Int, capacity: Int) {
        type = activationType(for: weight)
        self.count = count
        self.capacity = capacity
        let blockBytes = type.rowBytes(count) ?? count * 4
        side = ActivationSideArrays(type, count: count)
        rowBytes = ((side?.rowBytes ?? blockBytes) + 31) & ~31
        let total = max(1, rowBytes * capacity)
        storage = .allocate(byteCount: total, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: total)
    }

    deinit { storage.deallocate() }

    /// Quantizes `tokens` rows of floats `x` [tokens, count]; with a pool, batches of 16 rows
    /// or more are spread over its threads (each row is quantized the same way either way).
    public func load(_ x: UnsafePointer<Float>, tokens: Int, pool: ThreadPool? = nil) {
        precondition(tokens <= capacity)
        self.tokens = tokens
        let rowsPerChunk = 8
        if let pool, pool.threadCount > 1, tokens >= 2 * rowsPerChunk {
            pool.parallelFor((tokens + rowsPerChunk - 1) / rowsPerChunk) { c in
                for t in (c * rowsPerChunk)..<min(tokens, (c + 1) * rowsPerChunk) { loadRow(x, t) }
            }
        } else {
            for t in 0..<tokens { loadRow(x, t) }
        }
    }

    @inline(__always) private func loadRow(_ x: UnsafePointer<Float>, _ t: Int) {
        let row = storage + t * rowBytes
        if let side, let variant = KernelPath.current.cVariant,
           ov_quantize_q8(variant, side.sums == nil ? 0 : 1, x + t * count, row, count, side.scales, side.sums ?? -1) == 0 {
            return   // the same bytes as the two lines below, with AVX-512
        }
        quantizeActivationRow(type, x + t * count, row, count: count)
        side?.fill(row)
    }

    @inline(__always) public func row(_ t: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + t * rowBytes) }
}

/// Where the float copies of a Q8_0/Q8_1 row's block scales live, after its blocks.
@usableFromInline struct ActivationSideArrays {
    let type: TensorType
    let blocks: Int
    /// Offset of d[0..<padded] and, for Q8_1, of s[0..<padded].
    let scales: Int, sums: Int?
    let rowBytes: Int

    init?(_ type: TensorType, count: Int) {
        guard type == .q8_0 || type == .q8_1 else { return nil }
        blocks = count / 32
        self.type = type
        scales = activationScalesOffset(blocks: blocks, blockBytes: type.bytesPerBlock)
        let padded = paddedBlocks(blocks)
        sums = type == .q8_1 ? scales + 4 * padded : nil
        rowBytes = (sums ?? scales) + 4 * padded
    }

    /// Copies each block's f16 d (and s) into the float arrays; the padding stays zero.
    func fill(_ row: UnsafeMutableRawPointer) {
        let stride = type.bytesPerBlock
        let d = (row + scales).assumingMemoryBound(to: Float.self)
        for b in 0..<blocks { d[b] = floatFromHalf(row.load(fromByteOffset: b * stride, as: UInt16.self)) }
        if let sums {
            let s = (row + sums).assumingMemoryBound(to: Float.self)
            for b in 0..<blocks { s[b] = floatFromHalf(row.load(fromByteOffset: b * stride + 2, as: UInt16.self)) }
        }
    }
}

/// One matrix product of a group run as a single parallel loop: out [T, m] = x [T, n] · Wᵀ.
public struct MatMulTask {
    public var weight: TensorView
    public var input: QuantizedRows
    public var output: UnsafeMutablePointer<Float>
    public init(_ weight: TensorView, _ input: QuantizedRows, into output: UnsafeMutablePointer<Float>) {
        self.weight = weight
        self.input = input
        self.output = output
    }
}

/// out [T, m] = x [T, n] · Wᵀ, with W [m, n] stored as `weight`.
public func matmul(_ weight: TensorView, _ x: QuantizedRows, into out: UnsafeMutablePointer<Float>,
                   pool: ThreadPool) {
    matmul(MatMulTask(weight, x, into: out), pool: pool)
}

/// Up to three independent products (e.g. Q, K and V from one input) in one parallel loop, so
/// the threads meet once instead of once per product. Each output is the same as `matmul`'s.
public func matmul(_ a: MatMulTask, _ b: MatMulTask? = nil, _ c: MatMulTask? = nil, pool: ThreadPool) {
    check(a)
    if let b { check(b) }
    if let c { check(c) }
    let threads = pool.threadCount
    let tokens = a.input.tokens
    if tokens <= MatMulPlan.smallBatch, let perThread = MatMulPlan.chunksPerThread, threads > 1 {
        let plan = MatMulPlan(a, b, c, chunks: threads * perThread)
        pool.parallelFor(plan.chunks) { i in plan.run(chunk: i, a, b, c) }
        return
    }
    let rowsA = chunkRows(a.weight.rows, threads: threads)
    let rowsB = b.map { chunkRows($0.weight.rows, threads: threads) } ?? 1
    let rowsC = c.map { chunkRows($0.weight.rows, threads: threads) } ?? 1
    let chunksA = (a.weight.rows + rowsA - 1) / rowsA
    let chunksB = b.map { ($0.weight.rows + rowsB - 1) / rowsB } ?? 0
    let chunksC = c.map { ($0.weight.rows + rowsC - 1) / rowsC } ?? 0
    pool.parallelFor(chunksA + chunksB + chunksC) { i in
        if i < chunksA {
            matmulRows(a, i * rowsA, min(a.weight.rows, (i + 1) * rowsA))
        } else if i < chunksA + chunksB, let b {
            let j = i - chunksA
            matmulRows(b, j * rowsB, min(b.weight.rows, (j + 1) * rowsB))
        } else if let c {
            let j = i - chunksA - chunksB
            matmulRows(c, j * rowsC, min(c.weight.rows, (j + 1) * rowsC))
        }
    }
}

@inline(__always) private func check(_ task: MatMulTask) {
    precondition(task.input.count == task.weight.cols,
                 "activation length \(task.input.count) != weight row length \(task.weight.cols)")
    precondition(activationType(for: task.weight.type) == task.input.type)
}

/// How a group of up to three products of a small batch (decode) is cut into chunks: the rows of
/// the products, one after another, in `chunks` pieces of equal weight bytes, cut at multiples
/// of `grain` rows. A decode step's loop is short (tens of microseconds), so each chunk's claim —
/// an atomic exchange on a cache line both threads write — and each uneven end cost a visible
/// share of it: a few chunks per thread of equal bytes keep the threads busy until the end
/// without that traffic. Which rows a chunk holds never changes how an output is computed.
struct MatMulPlan {
    /// Batches up to this many tokens use the plan; larger ones `chunkRows` (whose chunks keep a
    /// weight slice in L2 while every token tile passes over it).
    static let smallBatch = 4
    /// Chunks per thread: `defaultChunksPerThread`, or `OVERSEER_MATMUL_CHUNKS` when set (a
    /// benchmark knob; 0 selects the per-product `chunkRows` split of larger batches instead).
    static let chunksPerThread: Int? = {
        guard let raw = getenv("OVERSEER_MATMUL_CHUNKS"), let k = Int(String(cString: raw)), k >= 0 else {
            return defaultChunksPerThread
        }
        return k == 0 ? nil : min(k, 64)
    }()
    static let defaultChunksPerThread = 4
    static let grain = 16

    let rowsA: Int, rowsB: Int, rowsC: Int
    let strideA: Int, strideB: Int, strideC: Int
    let totalBytes: Int
    let chunks: Int

    init(_ a: MatMulTask, _ b: MatMulTask?, _ c: MatMulTask?, chunks: Int) {
        rowsA = a.weight.rows; rowsB = b?.weight.rows ?? 0; rowsC = c?.weight.rows ?? 0
        strideA = max(1, a.weight.rowStride); strideB = max(1, b?.weight.rowStride ?? 1); strideC = max(1, c?.weight.rowStride ?? 1)
        totalBytes = rowsA * strideA + rowsB * strideB + rowsC * strideC
        let grains = (rowsA + Self.grain - 1) / Self.grain + (rowsB + Self.grain - 1) / Self.grain
            + (rowsC + Self.grain - 1) / Self.grain
        self.chunks = max(1, min(chunks, grains))
    }

    /// First row (in the concatenated rows A, B, C) of chunk `i`; `chunks` maps to the end.
    /// Monotonic in i: the byte target is, and so is its rounding within a product.
    @inline(__always) func boundary(_ i: Int) -> Int {
        if i >= chunks { return rowsA + rowsB + rowsC }
        var target = totalBytes * i / chunks
        @inline(__always) func within(_ rows: Int, _ stride: Int) -> Int? {
            if target >= rows * stride { target -= rows * stride; return nil }
            let r = target / stride
            return min(rows, (r + Self.grain / 2) / Self.grain * Self.grain)
        }
        if let r = within(rowsA, strideA) { return r }
        if let r = within(rowsB, strideB) { return rowsA + r }
        if let r = within(rowsC, strideC) { return rowsA + rowsB + r }
        return rowsA + rowsB + rowsC
    }

    /// Runs chunk `i`: the parts of its row range that fall in each product.
    @inline(__always) func run(chunk i: Int, _ a: MatMulTask, _ b: MatMulTask?, _ c: MatMulTask?) {
        let lo = boundary(i), hi = boundary(i + 1)
        if lo < rowsA { matmulRows(a, lo, min(hi, rowsA)) }
        if let b, hi > rowsA, lo < rowsA + rowsB { matmulRows(b, max(lo, rowsA) - rowsA, min(hi, rowsA + rowsB) - rowsA) }
        if let c, hi > rowsA + rowsB { matmulRows(c, max(lo, rowsA + rowsB) - rowsA - rowsB, hi - rowsA - rowsB) }
    }
}

/// Output rows r0..<r1 of one product, for every token.
func matmulRows(_ task: MatMulTask, _ r0: Int, _ r1: Int) {
    let weight = task.weight, x = task.input, out = task.output
    let m = weight.rows, n = weight.cols, tokens = x.tokens
    let stride = weight.rowStride, type = weight.type, aStride = x.rowBytes
    if cRows(KernelPath.current, type, weight.data, wStride: stride, r0, r1, m: m, n: n, x.row(0), aStride: aStride,
             tokens: tokens, out) { return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
        let scratch = scratch.baseAddress!
        // Tiles of four tokens: each weight row is unpacked once per tile.
        var t = 0
        while t + 4 <= tokens {
            let a = x.row(t)
            let o = out + t * m
            for r in r0..<r1 {
                let v = dot4(type, weight.data + r * stride, a, aStride: aStride, n: n, scratch: scratch)
                o[r] = v[0]; o[m + r] = v[1]; o[2 * m + r] = v[2]; o[3 * m + r] = v[3]
            }
            t += 4
        }
        while t < tokens {
            let a = x.row(t)
            let o = out + t * m
            for r in r0..<r1 {
                o[r] = dot(type, weight.data + r * stride, a, n: n, scratch: scratch)
            }
            t += 1
        }
    }
}

/// Scalar reference for `matmul`, single-threaded.
public func matmulReference(_ weight: TensorView, _ x: QuantizedRows, into out: UnsafeMutablePointer<Float>) {
    let m = weight.rows, n = weight.cols
    for t in 0..<x.tokens {
        for r in 0..<m {
            out[t * m + r] = dotReference(weight.type, weight.row(r), x.row(t), n: n)
        }
    }
}

/// Rows per parallel chunk: small enough to balance threads, large enough to amortise dispatch.
func chunkRows(_ m: Int, threads: Int) -> Int {
    if threads <= 1 { return m }
    let target = max(16, m / (threads * 8))
    return min(m, (target + 15) / 16 * 16)
}
