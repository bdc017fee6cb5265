// Synthetic data and small SAEs for the SAE tests.
//
// Legend: N = rows, D = width, M = true dictionary atoms, L = latents, s = atoms per row.

import Foundation
import Kernels
@testable import SAE

/// Deterministic normal samples (Marsaglia's polar method on SplitMix64, with the project's
/// own log so the data is the same on every machine).
struct NormalSampler {
    var rng: SplitMix64
    private var spare: Float?
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func uniform() -> Float { Float(rng.nextUnit()) }

    mutating func next() -> Float {
        if let s = spare { spare = nil; return s }
        while true {
            let u = 2 * Float(rng.nextUnit()) - 1, v = 2 * Float(rng.nextUnit()) - 1
            let q = u * u + v * v
            if q > 0 && q < 1 {
                let f = (-2 * flog(q) / q).squareRoot()
                spare = v * f
                return u * f
            }
        }
    }

    /// A random unit vector [n].
    mutating func unitVector(_ n: Int) -> [Float] {
        var v = (0..<n).map { _ in next() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for j in 0..<n { v[j] /= norm }
        return v
    }
}

/// Rows that are sparse non-negative combinations of known unit directions, plus small noise.
struct SparseDictionaryData {
    let directions: [[Float]]   // [M][D], unit
    let rows: [Float]           // [N, D]
    let n: Int, d: Int

    init(rows n: Int, width d: Int, atoms m: Int, perRow s: Int, noise: Float = 0.01, offset: Float = 0, seed: UInt64) {
        var g = NormalSampler(seed: seed)
        directions = (0..<m).map { _ in g.unitVector(d) }
        let bias = (0..<d).map { _ in offset * g.next() }
        var x = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            var used = Set<Int>()
            while used.count < s { used.insert(Int(g.rng.next() % UInt64(m))) }
            for a in used.sorted() {
                let c = 0.5 + 1.5 * g.uniform()
                for j in 0..<d { x[r * d + j] += c * directions[a][j] }
            }
            for j in 0..<d { x[r * d + j] += noise * g.next() + bias[j] }
        }
        rows = x
        self.n = n
        self.d = d
    }
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
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-sae-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
