// Loops that give each worker its own scratch memory, on the shared thread pool; and a
// duration in seconds, for the code that times them.

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension ThreadPool {
    /// How many workers `forEach(chunks:_:)` uses for `chunks` chunks.
    public func workers(for chunks: Int) -> Int { Swift.max(1, Swift.min(threadCount, chunks)) }

    /// Calls `body(chunk, worker)` once for every chunk in `0..<chunks`. Worker w takes chunks
    /// w, w+W, w+2W, ... (W = `workers(for:)`), an interleaved static split that balances rows of
    /// similar cost without a shared counter; `worker` indexes per-worker scratch. As with
    /// `parallelFor`, each chunk must write only its own outputs, so who runs it changes no bit.
    ///
    /// ```swift
    /// let scratch = UnsafeMutablePointer<Float>.allocate(capacity: pool.workers(for: rows) * width)
    /// pool.forEach(chunks: rows) { row, worker in render(row, scratch: scratch + worker * width) }
    /// ```
    public func forEach(chunks: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        let workers = self.workers(for: chunks)
        parallelFor(workers) { w in
            var c = w
            while c < chunks { body(c, w); c += workers }
        }
    }
}
