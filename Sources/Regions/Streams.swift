// The explorer's two independent random streams from one user seed: the training stream
// (initial weights, training points, shuffles) and the key stream (the 64-bit unit keys of the
// region hash). Drawing the keys from their own stream is what makes "hash on" and "hash off"
// train bit-identically: rendering a frame never advances the training generator.

import Kernels

/// Which of the explorer's streams to derive from the user seed (the tag is mixed into the seed).
public enum RegionStream: UInt64 {
    case training = 0x7472_6169_6E69_6E67  // "training"
    case hashKeys = 0x6861_7368_6B65_7973  // "hashkeys"
}

extension Xoshiro256 {
    /// The generator of one of the explorer's streams.
    public init(seed: UInt64, stream: RegionStream) { self.init(seed: seed, stream: stream.rawValue) }
}
