// Per-run state: KV cache, scratch buffers, thread pool, and the forward pass entry point.
//
// Legend: T = tokens in a batch (≤ maxBatch), d = dModel, f = dFF, H = heads, Hkv = kvHeads,
// hd = headDim, V = vocab, C = cache capacity.
//
// All buffers are allocated when the session is created; decoding a token allocates nothing.

import Kernels
import Taps
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Activation rows quantized lazily, once per activation type, for every weight read from the
/// same input (Q, K and V share one quantized copy of the normalised residual).
final class QuantizedInput {
    /// One quantized copy per activation type the weights need (one or two types in practice,
    /// so a linear search: no hashing on the decode path), and whether it holds the current input.
    private var rows: [(type: TensorType, rows: QuantizedRows)] = []
    private var fresh: [Bool] = []
    let count: Int
    let capacity: Int
    private(set) var source: UnsafePointer<Float>?
    private(set) var tokens = 0

    let pool: ThreadPool

    init(count: Int, capacity: Int, weights: [TensorView?], pool: ThreadPool) {
        self.pool = pool
        self.count = count
        self.capacity = capacity
        for w in weights.compactMap({ $0 }) {
            let t = activationType(for: w.type)
            if !rows.contains(where: { $0.type == t }) {
                rows.append((t, QuantizedRows(for: w.type, count: count, capacity: capacity)))
                fresh.append(false)
            }
        }
    }

    /// Points at new activations [tokens, count]; quantization happens on first use.
    func set(_ x: UnsafePointer<Float>, tokens: Int) {
        source = x
        self.tokens = tokens
        for i in fresh.indices { fresh[i] = false }
    }

    func rows(for weight: TensorView) -> QuantizedRows {
        let t = activationType(for: weight.type)
        let i = rows.firstIndex { $0.type == t }!
        let r = rows[i].rows
        if !fresh[i] {
            r.load(source!, tokens: tokens, pool: pool)
            fresh[i] = true
        }
        return r
    }
}

/// A float buffer [rows, width] allocated once, zero-filled by `calloc`: large buffers come
/// from fresh zero pages, which count toward resident memory only once written (a [maxBatch, V]
/// logits buffer costs nothing beyond its first row when only last-position logits are asked).
final class Buffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(_ count: Int) {
        self.count = max(1, count)
        guard let raw = calloc(self.count, MemoryLayout<Float>.stride) else { fatalError("out of memory") }
        pointer = raw.bindMemory(to: Float.self, capacity: self.count)
    }
    deinit { free(pointer) }
}

public final class InferenceSession {
    public let model: Transformer
    public let cache: KVCache
    public let pool: ThreadPool
    public let maxBatch: Int
    /// Rewrites activations during forward passes (analysis runs only: never set by the
    /// supervisor). Nil: the model computes exactly what it would with no editor type at all.
    public var editor: TapEditor?

    // Scratch, each [maxBatch, width].
    let x: Buffer        // [T, d] residual stream
    let h: Buffer        // [T, d] normalised
    let q: Buffer        // [T, H*hd]
    let k: Buffer        // [T, Hkv*hd]
    let v: Buffer        // [T, Hkv*hd]
    let qkv: Buffer      // [T, (H+2Hkv)*hd] (fused projections)
    let attn: Buffer     // [T, H*hd]
    let proj: Buffer     // [T, d] attention or MLP output
    let gate: Buffer     // [T, f]
    let up: Buffer       // [T, f]
    let scores: Buffer   // [H * groups, C] attention weights, one row per (head, token group)
    static let attentionTokenGroups = 4
    let logitsBuffer: Buffer  // [T, V]
    let ropeCos: Buffer       // [T, ropeDims/2] rotary angles of the batch's positions
    let ropeSin: Buffer       // [T, ropeDims/2]
    let ropeCosLocal: Buffer  // [T, ropeDims/2] the same with the local layers' base (Gemma 3)
    let ropeSinLocal: Buffer  // [T, ropeDims/2]
    let stepToken: UnsafeMutablePointer<Int>   // [1] the token `step` runs
    /// Which tap points (by `TapPoint.ordinal`) the current run's sink and editor asked for:
    /// filled once per `run`, so each `emit` is a table lookup, not a set lookup.
    let sinkWants: UnsafeMutablePointer<Bool>     // [TapPoint.ordinalCount]
    let editorWants: UnsafeMutablePointer<Bool>   // [TapPoint.ordinalCount]
    let tapOrdinals: Int
    /// Blocks the current run computes: every block, unless the run asked for no logits and its
    /// sink and editor want points of the lower blocks only. Then the blocks above the last
    /// wanted point, the final norm and the unembedding are skipped — collecting activations of
    /// a middle layer does not pay for the layers above it.
    private(set) var layersToRun = 0
    /// Positions from `partialFrom` on hold keys and values of the first `partialLayers` blocks
    /// only (a run stopped early); nil when every cached position holds every block.
    private var partialFrom: Int?
    private var partialLayers = 0

    let normedInput: QuantizedInput   // quantized h for Q/K/V/gate/up
    let attnInput: QuantizedInput     // quantized attn for wo
    let mlpInput: QuantizedInput      // quantized MLP hidden for down
    let headInput: QuantizedInput     // quantized final norm for the output matrix

    /// Creates a session with room for `contextLength` positions (capped by the model's) and
    /// batches of up to `maxBatch` tokens.
    public init(model: Transformer, contextLength: Int? = nil, maxBatch: Int = 64, threads: Int = 1) {
        let c = model.config
        let capacity = min(contextLength ?? c.contextLength, c.contextLength)
        self.model = model
        self.maxBatch = max(1, maxBatch)
        let T = self.maxBatch
        cache = KVCache(layers: c.layers, capacity: capacity, rowWidth: c.kvHeads * c.headDim)
        pool = ThreadPool(threads: threads)
        x = Buffer(T * c.dModel)
        h = Buffer(T * c.dModel)
        q = Buffer(T * c.heads * c.headDim)
        k = Buffer(T * c.kvHeads * c.headDim)
        v = Buffer(T * c.kvHeads * c.headDim)
        qkv = Buffer(model.weights.layers.first?.wqkv != nil ? T * (c.heads + 2 * c.kvHeads) * c.headDim : 1)
        attn = Buffer(T * c.heads * c.headDim)
        proj = Buffer(T * c.dModel)
        gate = Buffer(T * c.dFF)
        up = Buffer(T * c.dFF)
        scores = Buffer(c.heads * Self.attentionTokenGroups * capacity)
        logitsBuffer = Buffer(T * c.vocab)
        ropeCos = Buffer(T * c.ropeDims / 2)
        ropeSin = Buffer(T * c.ropeDims / 2)
        let localRope = c.architecture == .gemma3 ? T * c.ropeDims / 2 : 1
        ropeCosLocal = Buffer(localRope)
        ropeSinLocal = Buffer(localRope)
        stepToken = .allocate(capacity: 1)
        stepToken.initialize(to: 0)
        tapOrdinals = TapPoint.ordinalCount(layers: c.layers)
        sinkWants = .allocate(capacity: tapOrdinals)
        sinkWants.initialize(repeating: false, count: tapOrdinals)
        editorWants = .allocate(capacity: tapOrdinals)
        editorWants.initialize(repeating: false, count: tapOrdinals)
        let layers = model.weights.layers
        normedInput = QuantizedInput(count: c.dModel, capacity: T,
                                     weights: layers.flatMap { [$0.wq, $0.wk, $0.wv, $0.wqkv, $0.wGate, $0.wUp] },
                                     pool: pool)
        attnInput = QuantizedInput(count: c.heads * c.headDim, capacity: T, weights: layers.map { $0.wo }, pool: pool)
        mlpInput = QuantizedInput(count: c.dFF, capacity: T, weights: layers.map { $0.wDown }, pool: pool)
        headInput = QuantizedInput(count: c.dModel, capacity: T, weights: [model.weights.output], pool: pool)
    }

    deinit {
        stepToken.deallocate()
        sinkWants.deallocate()
        editorWants.deallocate()
    }

    /// Marks the points `sink` and `editor` want (points past the model's layers are ignored).
    func markWanted(_ sink: TapSink?) {
        sinkWants.update(repeating: false, count: tapOrdinals)
        editorWants.update(repeating: false, count: tapOrdinals)
        if let sink { for p in sink.points where p.ordinal < tapOrdinals { sinkWants[p.ordinal] = true } }
        if let editor { for p in editor.points where p.ordinal < tapOrdinals { editorWants[p.ordinal] = true } }
    }

    /// Positions already in the cache.
    public var position: Int { cache.length }

    /// Room left in the context.
    public var remaining: Int { cache.capacity - cache.length }

    /// Forgets everything after `position` (for reusing a shared prefix).
    public func rewind(to position: Int) {
        cache.truncate(to: position)
        if let p = partialFrom, p >= cache.length { partialFrom = nil }
    }

    /// Makes this session's cache hold `other`'s first `count` positions, as if it had run the
    /// same tokens itself (keys and values are copied bit for bit; every later forward pass then
    /// computes what it would have after running them). Lets many samples from one prompt share a
    /// single prefill. Both sessions must run the same model; `other`'s positions must be complete.
    public func copyPrefix(from other: InferenceSession, count: Int) throws {
        guard other.model === model else { throw ModelError.invalidOption("a cache prefix can only be copied between sessions of one model") }
        guard count >= 0, count <= other.cache.length else {
            throw ModelError.invalidOption("cannot copy \(count) positions of a cache holding \(other.cache.length)")
        }
        guard count <= cache.capacity else { throw ModelError.contextExceeded(limit: cache.capacity, requested: count) }
        if let p = other.partialFrom, p < count { throw ModelError.incompleteCache(position: p, layers: other.partialLayers) }
        let w = cache.rowWidth
        for l in 0..<cache.layers where count > 0 {
            cache.keyRow(layer: l, position: 0).update(from: other.cache.keyRow(layer: l, position: 0), count: count * w)
            cache.valueRow(layer: l, position: 0).update(from: other.cache.valueRow(layer: l, position: 0), count: count * w)
        }
        cache.length = count
        partialFrom = nil
    }

    /// Blocks a run must compute: all of them when it asks for logits, when the sink or editor
    /// wants the final norm, or when nothing is tapped (such a run only fills the cache for
    /// the next one); otherwise up to the last block holding a wanted point.
    private func layersNeeded(_ selection: LogitsSelection, sink: TapSink?) -> Int {
        let all = model.config.layers
        if selection != .none { return all }
        let points = (sink?.points ?? []).union(editor?.points ?? []).filter { $0.ordinal < tapOrdinals }
        if points.isEmpty || points.contains(.finalNormalized) { return all }
        return points.map { ($0.layer ?? -1) + 1 }.max() ?? all
    }

    /// Runs `tokens` through the model starting at the cache's current position, in batches of
    /// at most `maxBatch`. Returns logits [T', V] for the selected positions (T' = 0, 1 or T),
    /// row-major. `sink` receives the tap points it asked for; the computation is identical
    /// with or without it.
    public func forward(_ tokens: [Int], logits selection: LogitsSelection, sink: TapSink? = nil) throws -> [Float] {
        var result: [Float] = []
        if selection == .all { result.reserveCapacity(tokens.count * model.config.vocab) }
        try tokens.withUnsafeBufferPointer { ids in
            try run(ids, logits: selection, sink: sink) { result.append(contentsOf: $0) }
        }
        return result
    }

    /// Runs `tokens` and returns the logits [V] of the last one as a view into the session's
    /// buffer: no copy, valid until the next forward pass. The decode loop's entry point.
    public func forwardLast(_ tokens: [Int], sink: TapSink? = nil) throws -> UnsafeBufferPointer<Float> {
        try tokens.withUnsafeBufferPointer { try run($0, logits: .last, sink: sink, collect: nil) }
        return UnsafeBufferPointer(start: logitsBuffer.pointer, count: model.config.vocab)
    }

    /// Runs one token; returns its logits [V] as a view valid until the next forward pass.
    /// Allocates nothing.
    public func step(_ token: Int, sink: TapSink? = nil) throws -> UnsafeBufferPointer<Float> {
        stepToken.pointee = token
        try run(UnsafeBufferPointer(start: stepToken, count: 1), logits: .last, sink: sink, collect: nil)
        return UnsafeBufferPointer(start: logitsBuffer.pointer, count: model.config.vocab)
    }

    /// Checks `tokens`, then runs them in batches; `collect` receives each batch's logit rows.
    func run(_ tokens: UnsafeBufferPointer<Int>, logits selection: LogitsSelection, sink: TapSink?,
             collect: ((UnsafeBufferPointer<Float>) -> Void)?) throws {
        guard !tokens.isEmpty else { throw ModelError.emptyInput }
        let c = model.config
        if cache.length + tokens.count > cache.capacity {
            throw ModelError.contextExceeded(limit: cache.capacity, requested: cache.length + tokens.count)
        }
        for t in tokens where t < 0 || t >= c.vocab { throw ModelError.invalidToken(t) }
        markWanted(sink)
        layersToRun = layersNeeded(selection, sink: sink)
        if let p = partialFrom, p < cache.length, layersToRun > partialLayers {
            throw ModelError.incompleteCache(position: p, layers: partialLayers)
        }
        if layersToRun < c.layers {   // (at most the blocks any earlier partial positions hold)
            partialLayers = layersToRun
            partialFrom = partialFrom ?? cache.length
        }
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + maxBatch)
            let batch = UnsafeBufferPointer(rebasing: tokens[start..<end])
            let isLastBatch = end == tokens.count
            let want: LogitsSelection = selection == .all ? .all : (selection == .last && isLastBatch ? .last : .none)
            let first = cache.length
            let rows = forwardBatch(batch, logits: want, sink: sink)
            if rows > 0, let bad = firstNonFinite(logitsBuffer.pointer, count: rows * c.vocab) {
                // Row r of `.all` is the batch's token r; the single row of `.last` is its last token.
                throw ModelError.nonFiniteLogits(position: first + (want == .all ? bad / c.vocab : batch.count - 1))
            }
            if rows > 0, let collect {
                collect(UnsafeBufferPointer(start: logitsBuffer.pointer, count: rows * c.vocab))
            }
            start = end
        }
    }

    /// One batch through the architecture family's forward pass; returns the number of logit rows
    /// written to `logitsBuffer`.
    func forwardBatch(_ tokens: UnsafeBufferPointer<Int>, logits: LogitsSelection, sink: TapSink?) -> Int {
        model.family.forward(self, tokens, logits: logits, sink: sink)
    }

    // MARK: - Pieces shared by the architectures

    /// Lets the editor (if any) rewrite rows [T, width] of `buffer` at `point`, then delivers
    /// them to the sink when it asked for the point.
    @inline(__always)
    func emit(_ sink: TapSink?, _ point: TapPoint, _ buffer: UnsafeMutablePointer<Float>, width: Int, tokens: Int, start: Int) {
        let o = point.ordinal
        if editorWants[o], let editor {
            for t in 0..<tokens {
                editor.edit(point, position: start + t, values: UnsafeMutableBufferPointer(start: buffer + t * width, count: width))
            }
        }
        guard sinkWants[o], let sink else { return }
        for t in 0..<tokens {
            sink.receive(point, position: start + t, values: UnsafeBufferPointer(start: buffer + t * width, count: width))
        }
    }

    /// Runs `body(t)` for every row t < `rows`: on the pool's threads for a prompt-sized batch
    /// (per-row work like norms and rotary embeddings, serial otherwise while the other thread
    /// idles), inline for a few rows, where a loop would cost more than it saves. Each row is
    /// computed the same way either way.
    @inline(__always)
    func forEachRow(_ rows: Int, _ body: (Int) -> Void) {
        let perChunk = 4
        if rows >= 4 * perChunk, pool.threadCount > 1 {
            pool.parallelFor((rows + perChunk - 1) / perChunk) { c in
                for t in (c * perChunk)..<min(rows, (c + 1) * perChunk) { body(t) }
            }
        } else {
            for t in 0..<rows { body(t) }
        }
    }

    /// Causal attention for `tokens` new positions starting at `start`, reading the cache of
    /// `layer` (already holding the new keys and values). q [T, H*hd] → attn [T, H*hd].
    /// With a `window` W, the query at position p sees only keys p-W+1 ... p (sliding-window
    /// attention); the cache still holds every position, the older ones are simply not read.
    func attention(layer: Int, tokens: Int, start: Int, scale: Float, window: Int? = nil) {
        let c = model.config
        let hd = c.headDim, H = c.heads, group = c.heads / c.kvHeads
        let q = self.q.pointer, out = attn.pointer, cache = self.cache
        let scoresBase = scores.pointer, capacity = cache.capacity
        // Chunks are (head, token group): group g takes tokens g, g+G, g+2G, ..., so under the
        // causal mask every chunk of a head has about the same work.
        let G = min(tokens, Self.attentionTokenGroups)
        pool.parallelFor(H * G) { chunk in
            let head = chunk / G, g = chunk % G
            let kvHead = head / group
            let s = scoresBase + chunk * capacity
            for t in stride(from: g, to: tokens, by: G) {
                let qv = q + t * H * hd + head * hd
                let end = start + t + 1                                  // keys first ..< end
                let first = window.map { max(0, end - $0) } ?? 0
                let span = end - first
                attentionScores(qv, keys: cache.keyRow(layer: layer, position: first) + kvHead * hd,
                                stride: cache.rowWidth, count: span, n: hd, scale: scale, into: s)
                softmax(s, n: span)
                attentionMix(s, values: cache.valueRow(layer: layer, position: first) + kvHead * hd,
                             stride: cache.rowWidth, count: span, n: hd, into: out + t * H * hd + head * hd)
            }
        }
    }

    /// Writes rows [T, Hkv*hd] of k and v to the cache at positions start..<start+T.
    func storeKV(layer: Int, tokens: Int, start: Int) {
        let w = cache.rowWidth
        for t in 0..<tokens {
            let kr = cache.keyRow(layer: layer, position: start + t)
            let vr = cache.valueRow(layer: layer, position: start + t)
            for i in 0..<w {
                kr[i] = Float16(k.pointer[t * w + i])
                vr[i] = Float16(v.pointer[t * w + i])
            }
        }
    }

    /// Final norm output h [T, d] → logits rows for the selection. Returns the row count.
    func unembed(tokens: Int, selection: LogitsSelection) -> Int {
        let c = model.config
        switch selection {
        case .none:
            return 0
        case .all:
            headInput.set(h.pointer, tokens: tokens)
            matmul(model.weights.output, headInput.rows(for: model.weights.output), into: logitsBuffer.pointer, pool: pool)
            return tokens
        case .last:
            headInput.set(h.pointer + (tokens - 1) * c.dModel, tokens: 1)
            matmul(model.weights.output, headInput.rows(for: model.weights.output), into: logitsBuffer.pointer, pool: pool)
            return 1
        }
    }

    /// Embedding rows for the batch → x [T, d].
    func embed(_ tokens: UnsafeBufferPointer<Int>) {
        let d = model.config.dModel
        let table = model.weights.tokenEmbedding
        for (t, id) in tokens.enumerated() {
            dequantizeRow(table.type, from: table.row(id), into: x.pointer + t * d, count: d)
        }
    }
}
