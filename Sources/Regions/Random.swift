// Seeded random numbers for the explorer.
//
// Two independent streams come from one user seed: the training stream (initial weights, training
// points, shuffles) and the key stream (the 64-bit unit keys of the region hash). Drawing the keys
// from their own stream is what makes "hash on" and "hash off" train bit-identically: rendering a
// frame never advances the training generator.

import Foundation
import Kernels

/// xoshiro256**: the main generator, seeded through SplitMix64 so nearby seeds give unrelated streams.
///
/// ```swift
/// var rng = Xoshiro256(seed: 12345678, stream: .training)
/// let u = rng.nextUnitFloat()   // in [0, 1)
/// ```
public struct Xoshiro256 {
    /// Which of the explorer's independent streams to derive from the user seed.
    public enum Stream: UInt64 {
        case training = 0x7472_6169_6E69_6E67  // "training"
        case hashKeys = 0x6861_7368_6B65_7973  // "hashkeys"
    }

    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64, stream: Stream) {
        // The stream tag is mixed in before expansion, so the two streams share no state words.
        var mixer = SplitMix64(seed: seed ^ stream.rawValue)
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

    /// Uniform in [0, 1) with 24 bits of resolution (exactly representable as Float).
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) with 53 bits of resolution.
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<bound (Lemire's multiply-shift with rejection, so no modulo bias).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        while true {
            let r = next().multipliedFullWidth(by: b)
            if r.low >= (0 &- b) % b { return Int(r.high) }
        }
    }

    /// Standard normal via Box-Muller in Double, rounded once to Float (deterministic: no caching of the pair).
    public mutating func nextGaussian() -> Float {
        let u1 = 1.0 - nextUnitDouble()  // (0, 1], so the log is finite
        let u2 = nextUnitDouble()
        return Float((-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2))
    }

    /// Fisher-Yates shuffle of `indices` in place.
    public mutating func shuffle(_ indices: inout [Int]) {
        var i = indices.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }
}
