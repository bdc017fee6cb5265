// The project's seeded generators: one family, so every seeded thing (sampling, test data,
// shuffles, weight initialisation, bootstrap resampling, the region explorer) draws its numbers
// the same way on every machine.
//
// Two generators: SplitMix64 (one word of state; the sampler's and most training code's) and
// xoshiro256** (four words; for long streams, seeded through SplitMix64). Both give the draws of
// `SeededRandomGenerator`: uniform floating-point numbers from the top bits, integers below a bound
// without modulo bias (Lemire's multiply-shift with rejection), Fisher–Yates shuffles and
// Gaussians by Box–Muller with the deterministic `dlog`/`dsincos` (no C library call, whose
// per-CPU code paths could change a bit).
//
// ```swift
// var rng = SplitMix64(seed: 42)
// let i = rng.nextInt(below: 10)     // 0..<10, unbiased
// rng.shuffle(&order)
// let z = rng.nextGaussian()         // N(0, 1), Double
// ```

/// A deterministic, seeded source of 64-bit words with the project's standard draws.
public protocol SeededRandomGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64
}

extension SeededRandomGenerator {
    /// Uniform in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits (exactly representable as Float).
    @inlinable public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform integer in 0..<bound, without modulo bias: the high word of a 64×64-bit product,
    /// rejecting the few low words that would over-represent some results (Lemire 2019).
    /// `bound` must be positive.
    @inlinable public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let b = UInt64(bound)
        var r = next().multipliedFullWidth(by: b)
        if r.low < b {
            let threshold = (0 &- b) % b
            while r.low < threshold { r = next().multipliedFullWidth(by: b) }
        }
        return Int(r.high)
    }

    /// Fisher–Yates shuffle in place (from the back, each position drawn with `nextInt`).
    @inlinable public mutating func shuffle<T>(_ items: inout [T]) {
        var i = items.count - 1
        while i > 0 {
            items.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
    }

    /// `count` distinct indices from 0..<population in draw order (partial Fisher–Yates).
    public mutating func sample(_ count: Int, from population: Int) -> [Int] {
        precondition(count >= 0 && count <= population, "cannot sample \(count) of \(population)")
        var index = Array(0..<population)
        for i in 0..<count { index.swapAt(i, i + nextInt(below: population - i)) }
        return Array(index[..<count])
    }

    /// A standard normal sample (Box–Muller, one of the pair, so no state is cached between
    /// calls and every call consumes exactly two words).
    @inlinable public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextUnit()           // (0, 1], so the logarithm is finite
        let u2 = nextUnit()
        return (-2.0 * dlog(u1)).squareRoot() * dcos(2.0 * Double.pi * u2)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit word of state, well mixed output.
public struct SplitMix64: SeededRandomGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64 so nearby seeds give unrelated
/// streams. `stream` separates independent streams drawn from one user seed: it is mixed into
/// the seed before expansion, so two streams share no state words.
public struct Xoshiro256: SeededRandomGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ stream)
        s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is a fixed point
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }
}
