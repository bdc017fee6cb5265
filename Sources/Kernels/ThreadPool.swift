// A small persistent thread pool for data-parallel loops.
//
// Determinism does not depend on the pool: every parallel loop in the kernels splits work into
// chunks whose results are written to disjoint outputs and computed the same way whichever
// thread runs them. The pool only decides who runs a chunk, never how a number is computed.
//
// Scheduling. A loop publishes one 64-bit job word: generation (32 bits) | chunk count (16) |
// next chunk (16). Threads claim chunks by compare-and-swap on that word, so a claim can only
// succeed for the loop that is current, and the caller waits for the number of *finished chunks*
// to reach the count — not for every worker to check in. On a shared machine (2 cores, other
// processes running) a worker that is descheduled when a loop starts simply misses it and the
// caller runs the chunks itself, instead of the whole loop stalling for a time slice; only a
// worker preempted in the middle of a chunk is waited for.
//
// Waiting. Workers spin for a while after a loop, because decode issues a few
// hundred short loops per token and waking a sleeping thread costs more than a loop; then they
// sleep on a condition variable. The caller, waiting for a straggler, spins briefly and then
// yields its core (`sched_yield`), which lets a preempted worker finish sooner.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

public final class ThreadPool: @unchecked Sendable {
    // @unchecked Sendable: workers and callers meet only through PoolState's atomics, mutex and condition.
    /// Threads taking part in a loop, the caller's included.
    public let threadCount: Int
    private let state: PoolState
    private var threads: [pthread_t] = []

    /// Creates a pool with `threads` threads in all (the caller plus `threads - 1` workers).
    public init(threads: Int) {
        threadCount = max(1, threads)
        state = PoolState()
        for _ in 1..<threadCount {
            let box = Unmanaged.passRetained(state)
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let state = Unmanaged<PoolState>.fromOpaque(raw!).takeRetainedValue()
                state.workerLoop()
                return nil
            }, box.toOpaque())
            if status == 0 { self.threads.append(thread) } else { box.release() }
        }
    }

    deinit {
        state.stop()
        for t in threads { pthread_join(t, nil) }
    }

    /// What the pool's loops cost so far; all zero unless `OVERSEER_POOL_STATS` is set in the
    /// environment (then every loop reads the clock a few times). Read it with no loop running.
    public var stats: ThreadPoolStats {
        var s = state.stats
        s.workerChunks = state.workerChunks.load(ordering: .relaxed)
        s.workerJoins = state.workerJoins.load(ordering: .relaxed)
        s.workerLateSeconds = Double(state.workerLateNanos.load(ordering: .relaxed)) * 1e-9
        return s
    }

    /// Sets `stats` back to zero.
    public func resetStats() {
        state.stats = ThreadPoolStats()
        state.workerChunks.store(0, ordering: .relaxed)
        state.workerJoins.store(0, ordering: .relaxed)
        state.workerLateNanos.store(0, ordering: .relaxed)
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads, and returns
    /// when all have finished. `body` must write only to places no other index writes.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if threads.isEmpty || count == 1 {
            if ThreadPoolStats.enabled {
                let t0 = monotonicNanos()
                for i in 0..<count { body(i) }
                state.stats.loops += 1
                state.stats.chunks += count
                state.stats.callerChunks += count
                state.stats.loopSeconds += Double(monotonicNanos() - t0) * 1e-9
                return
            }
            for i in 0..<count { body(i) }
            return
        }
        precondition(count <= PoolState.maxChunks, "parallelFor: \(count) chunks (at most \(PoolState.maxChunks))")
        withoutActuallyEscaping(body) { state.run(count: count, body: $0) }
    }
}

/// Where the time of a pool's loops goes (see `ThreadPool.stats`): how many loops a run issues,
/// how long they take from publication to their last chunk, how long the caller sits idle
/// waiting for others' chunks after running its own (load imbalance and barrier cost), and how
/// late the workers join.
public struct ThreadPoolStats: Sendable {
    /// Whether `OVERSEER_POOL_STATS` is set, i.e. whether loops are timed at all.
    public static let enabled = getenv("OVERSEER_POOL_STATS") != nil
    /// Parallel loops run (a loop of one chunk, or on a one-thread pool, runs inline and is counted too).
    public var loops = 0
    /// Chunks of all loops, and those the calling thread ran itself.
    public var chunks = 0
    public var callerChunks = 0
    /// Σ over loops of publication → last chunk finished, in seconds.
    public var loopSeconds = 0.0
    /// Σ over loops of the caller's idle wait after its own last chunk.
    public var waitSeconds = 0.0
    /// Chunks run by workers, loops a worker took part in, and Σ of publication → a worker's
    /// first claim over those.
    public var workerChunks = 0
    public var workerJoins = 0
    public var workerLateSeconds = 0.0
    public init() {}
}

/// Monotonic clock in nanoseconds.
@inline(__always) func monotonicNanos() -> Int {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec * 1_000_000_000 + t.tv_nsec
}

/// A spin-wait step. (x86's `pause` is not reachable from Swift: clang's `_mm_pause` is an
/// external declaration the Swift importer cannot lower; a plain re-load loop works the same.)
@inline(__always) private func cpuRelax() {}

private final class PoolState: @unchecked Sendable {
    // @unchecked Sendable: `body` and `generation` are written under `mutex` and read after the `job` atomic publishes them.
    static let maxChunks = 0xFFFF
    /// generation << 32 | count << 16 | next chunk.
    let job = Atomic<UInt64>(0)
    /// Chunks of the current loop that have finished.
    let done = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on `wake`.
    let sleepers = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// Statistics (only with `ThreadPoolStats.enabled`): the caller's own, then the workers'.
    var stats = ThreadPoolStats()
    var publishedAt = 0
    let workerChunks = Atomic<Int>(0)
    let workerJoins = Atomic<Int>(0)
    let workerLateNanos = Atomic<Int>(0)
    /// The current loop's body; read only by a thread that has claimed one of its chunks.
    var body: ((Int) -> Void)?
    var generation: UInt64 = 0
    var mutex = pthread_mutex_t()
    var wake = pthread_cond_t()

    /// Worker spin iterations before sleeping (roughly 0.1 ms in all).
    static let spinLimit = 50_000
    /// Caller spin iterations on a straggler before it starts yielding its core.
    static let waitSpins = 2_000

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&wake)
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(&mutex)
        generation += 1
        job.store(generation << 32, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
    }

    func run(count: Int, body: @escaping (Int) -> Void) {
        self.body = body
        done.store(0, ordering: .relaxed)
        let timed = ThreadPoolStats.enabled
        if timed { publishedAt = monotonicNanos() }
        generation = (generation + 1) & 0xFFFF_FFFF
        let g = generation
        job.store(g << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(&mutex)
            pthread_cond_broadcast(&wake)
            pthread_mutex_unlock(&mutex)
        }
        let own = claimChunks(generation: g)
        let ownDone = timed ? monotonicNanos() : 0
        var spins = 0
        while done.load(ordering: .acquiring) < count {
            if spins < Self.waitSpins { spins += 1; cpuRelax() } else { sched_yield() }
        }
        self.body = nil
        if timed {
            let end = monotonicNanos()
            stats.loops += 1
            stats.chunks += count
            stats.callerChunks += own
            stats.loopSeconds += Double(end - publishedAt) * 1e-9
            stats.waitSeconds += Double(end - ownDone) * 1e-9
        }
    }

    /// Claims and runs chunks of loop `g` until none are left (or a newer loop started);
    /// returns how many it ran.
    @discardableResult
    func claimChunks(generation g: UInt64) -> Int {
        var ran = 0
        var word = job.load(ordering: .acquiring)
        while word >> 32 == g {
            let count = (word >> 16) & 0xFFFF, next = word & 0xFFFF
            if next >= count { break }
            let (exchanged, current) = job.compareExchange(expected: word, desired: word + 1,
                                                           ordering: .acquiringAndReleasing)
            if exchanged {
                body!(Int(next))
                ran += 1
                done.add(1, ordering: .releasing)
                word = job.load(ordering: .acquiring)
            } else {
                word = current
            }
        }
        return ran
    }

    func workerLoop() {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var g = job.load(ordering: .acquiring) >> 32
            while g == seen {
                spins += 1
                if spins < Self.spinLimit {
                    cpuRelax()
                } else {
                    pthread_mutex_lock(&mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while job.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                        pthread_cond_wait(&wake, &mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(&mutex)
                    spins = 0
                }
                g = job.load(ordering: .acquiring) >> 32
            }
            if stopping.load(ordering: .acquiring) { return }
            seen = g
            if ThreadPoolStats.enabled {
                let seenAt = monotonicNanos()
                let ran = claimChunks(generation: g)
                if ran > 0 {
                    workerChunks.add(ran, ordering: .relaxed)
                    workerJoins.add(1, ordering: .relaxed)
                    workerLateNanos.add(max(0, seenAt - publishedAt), ordering: .relaxed)
                }
            } else {
                claimChunks(generation: g)
            }
        }
    }
}
