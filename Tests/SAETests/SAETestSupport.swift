// Synthetic data and small SAEs for the SAE tests.
//
// Legend: D = width, L = latents.

import Foundation
import Kernels
import TestSupport
@testable import SAE

/// Deterministic normal samples from the project's seeded generator.
struct NormalSampler {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A standard normal sample.
    mutating func next() -> Float { Float(rng.nextGaussian()) }

    mutating func uniform() -> Float { Float(rng.nextUnit()) }

    /// A random unit vector [n].
    mutating func unitVector(_ n: Int) -> [Float] {
        var v = (0..<n).map { _ in next() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for j in 0..<n { v[j] /= norm }
        return v
    }

    /// n random unit rows of width d, [n, d].
    func unitVectors(_ n: Int, _ d: Int) -> [Float] {
        var g = self
        return (0..<n).flatMap { _ in g.unitVector(d) }
    }
}

extension SyntheticActivations {
    /// True direction a [D].
    func direction(_ a: Int) -> [Float] { Array(directions[(a * width)..<((a + 1) * width)]) }
}

/// A random SAE (unit decoder rows, encoder = decoder transpose plus noise).
func randomSAE(inputWidth d: Int, latents l: Int, architecture: SAEArchitecture, seed: UInt64,
               normalization: InputNormalization = .none) throws -> SparseAutoencoder {
    var g = NormalSampler(seed: seed)
    var dec: [Float] = []
    for _ in 0..<l { dec += g.unitVector(d) }
    let enc = dec.map { $0 + 0.05 * g.next() }
    let bEnc = (0..<l).map { _ in 0.1 * g.next() }
    let bDec = (0..<d).map { _ in 0.1 * g.next() }
    let threshold: [Float]? = architecture == .jumpReLU ? (0..<l).map { _ in 0.2 * g.uniform() } : nil
    return try SparseAutoencoder(architecture: architecture, wEncT: enc, bEnc: bEnc, wDec: dec, bDec: bDec,
                                 threshold: threshold, normalization: normalization)
}

func cosine(_ a: ArraySlice<Float>, _ b: [Float]) -> Float {
    var ab: Float = 0, aa: Float = 0, bb: Float = 0
    for (x, y) in zip(a, b) { ab += x * y; aa += x * x; bb += y * y }
    return ab / (aa * bb).squareRoot()
}

func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

func tempDirectory() throws -> URL {
    try ScratchDirectory.make("sae")
}
