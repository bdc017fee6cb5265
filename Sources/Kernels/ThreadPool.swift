// A small persistent thread pool for data-parallel loops.
//
// Determinism does not depend on the pool: every parallel loop in the kernels splits work into
// chunks whose results are written to disjoint outputs and computed the same way whichever
// thread runs them. The pool only decides who runs a chunk, never how a number is computed.
//
// Workers spin briefly after a loop ends (decode issues hundreds of short loops per token, and
// waking a sleeping thread costs more than a loop), then sleep on a condition variable.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

public final class ThreadPool: @unchecked Sendable {
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
        state.workerCount = self.threads.count
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
        withoutActuallyEscaping(body) { state.run(count: count, body: $0) }
    }
}

private final class PoolState: @unchecked Sendable {
    let generation = Atomic<Int>(0)
    let nextChunk = Atomic<Int>(0)
    let busyWorkers = Atomic<Int>(0)
    var body: ((Int) -> Void)?
    var chunkCount = 0
    var workerCount = 0
    var stopping = false
    var sleepers = 0
    var mutex = pthread_mutex_t()
    var wake = pthread_cond_t()

    /// Spin iterations before a worker sleeps (on the order of 100 µs).
    static let spinLimit = 200_000

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&wake)
    }

    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
    }

    func run(count: Int, body: @escaping (Int) -> Void) {
        self.body = body
        chunkCount = count
        nextChunk.store(0, ordering: .relaxed)
        busyWorkers.store(workerCount, ordering: .relaxed)
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(&mutex)
        if sleepers > 0 { pthread_cond_broadcast(&wake) }
        pthread_mutex_unlock(&mutex)
        runChunks()
        while busyWorkers.load(ordering: .acquiring) > 0 {}
        self.body = nil
    }

    func runChunks() {
        guard let body = self.body else { return }
        let count = chunkCount
        while true {
            let i = nextChunk.add(1, ordering: .relaxed).oldValue
            if i >= count { break }
            body(i)
        }
    }

    func workerLoop() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins >= Self.spinLimit {
                    pthread_mutex_lock(&mutex)
                    sleepers += 1
                    while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(&wake, &mutex) }
                    sleepers -= 1
                    pthread_mutex_unlock(&mutex)
                }
            }
            seen = generation.load(ordering: .acquiring)
            pthread_mutex_lock(&mutex)
            let stop = stopping
            pthread_mutex_unlock(&mutex)
            if stop { return }
            runChunks()
            busyWorkers.subtract(1, ordering: .releasing)
        }
    }
}
