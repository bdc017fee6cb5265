// A fixed-split parallel-for.
//
// Determinism across thread counts comes from the caller: work is cut into a number of chunks that
// does not depend on `threads`, each chunk writes only its own outputs, and any reduction over
// chunks happens afterwards in chunk order. This type only decides which thread runs which chunk,
// which therefore cannot change a single bit of the result.

import Foundation

/// Runs `chunks` independent pieces of work on up to `threads` threads.
///
/// ```swift
/// let pool = ParallelFor(threads: 2)
/// pool.run(chunks: rows) { row in render(row) }   // same bits with threads: 1
/// ```
public struct ParallelFor: Sendable {
    public let threads: Int

    public init(threads: Int) { self.threads = max(1, threads) }

    /// Calls `body(c)` once for every `c` in `0..<chunks`. Thread `t` takes chunks t, t+T, t+2T...,
    /// an interleaved static split that balances rows of similar cost without any shared counter.
    public func run(chunks: Int, _ body: (Int) -> Void) {
        run(chunks: chunks) { chunk, _ in body(chunk) }
    }

    /// As `run(chunks:_:)`, also passing the worker index (0..<workers(for:)) so a caller can give
    /// each worker its own scratch memory.
    public func run(chunks: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        let workers = self.workers(for: chunks)
        if workers <= 1 {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var c = w
                while c < chunks { body(c, w); c += workers }
            }
        }
    }

    /// How many workers `run` uses for `chunks` chunks.
    public func workers(for chunks: Int) -> Int { max(1, min(threads, chunks)) }
}
