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

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads, and returns
    /// when all have finished. `body` must write only to places no other index writes.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if threads.isEmpty || count == 1 {
            for i in 0..<count { body(i) }
            return
        }
        precondition(count <= PoolState.maxChunks, "parallelFor: \(count) chunks (at most \(PoolState.maxChunks))")
        withoutActuallyEscaping(body) { state.run(count: count, body: $0) }
    }
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
        generation = (generation + 1) & 0xFFFF_FFFF
        let g = generation
        job.store(g << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(&mutex)
            pthread_cond_broadcast(&wake)
            pthread_mutex_unlock(&mutex)
        }
        claimChunks(generation: g)
        var spins = 0
        while done.load(ordering: .acquiring) < count {
            if spins < Self.waitSpins { spins += 1; cpuRelax() } else { sched_yield() }
        }
        self.body = nil
    }

    /// Claims and runs chunks of loop `g` until none are left (or a newer loop started).
    func claimChunks(generation g: UInt64) {
        var word = job.load(ordering: .acquiring)
        while word >> 32 == g {
            let count = (word >> 16) & 0xFFFF, next = word & 0xFFFF
            if next >= count { return }
            let (exchanged, current) = job.compareExchange(expected: word, desired: word + 1,
                                                           ordering: .acquiringAndReleasing)
            if exchanged {
                body!(Int(next))
                done.add(1, ordering: .releasing)
                word = job.load(ordering: .acquiring)
            } else {
                word = current
            }
        }
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
            claimChunks(generation: g)
        }
    }
}
