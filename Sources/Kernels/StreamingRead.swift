// A streaming-read probe: how fast the threads of a pool can read a set of memory regions.
//
// Decode reads every weight once per token, so its ceiling is the rate at which the cores can
// stream those bytes. `streamingRead` measures exactly that rate, in the same process and the
// same minute as the timings it is compared with: it sums the regions as 32-bit words in
// lanes of 16 (the cheapest work that still touches every byte), split into chunks that the
// pool's threads claim like any other loop. Reading the model's own mapped weights costs no
// extra memory, so a benchmark's peak-memory figure is unchanged.

/// Bytes per second at which `pool` streams `regions` (each `(start, byteCount)`), the best of
/// `repetitions` passes after one untimed pass.
public func streamingRead(_ regions: [(UnsafeRawPointer, Int)], pool: ThreadPool, repetitions: Int = 5) -> Double {
    // Chunks of at most 1 MiB, each within one region; the tail of a region (< 64 bytes) is skipped.
    let chunkBytes = 1 << 20
    var chunks: [(UnsafeRawPointer, Int)] = []
    for (start, count) in regions {
        var offset = 0
        while offset + 64 <= count {
            let length = min(chunkBytes, count - offset) & ~63
            chunks.append((start + offset, length))
            offset += length
        }
    }
    let total = chunks.reduce(0) { $0 + $1.1 }
    guard total > 0, !chunks.isEmpty else { return 0 }
    let sums = UnsafeMutablePointer<UInt32>.allocate(capacity: chunks.count)
    defer { sums.deallocate() }
    func pass() -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            chunks.withUnsafeBufferPointer { list in
                pool.parallelFor(list.count) { c in sums[c] = wordSum(list[c].0, bytes: list[c].1) }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(total) / max(seconds, 1e-9)
    }
    _ = pass()
    var best = 0.0
    for _ in 0..<max(1, repetitions) { best = max(best, pass()) }
    // Keep the sums observable so the reads cannot be optimised away.
    var check: UInt32 = 0
    for c in 0..<chunks.count { check ^= sums[c] }
    return check == 0x5EED_F00D ? best.nextUp : best
}

/// Wrapping sum of `bytes` (a multiple of 64) as 32-bit words, in lanes of 16.
@inline(never)
func wordSum(_ p: UnsafeRawPointer, bytes: Int) -> UInt32 {
    var a = SIMD16<UInt32>(), b = SIMD16<UInt32>()
    var i = 0
    while i + 128 <= bytes {
        a &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt32>.self)
        b &+= p.loadUnaligned(fromByteOffset: i + 64, as: SIMD16<UInt32>.self)
        i += 128
    }
    if i < bytes { a &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt32>.self) }
    return (a &+ b).wrappedSum()
}
