// Adam (Kingma & Ba, 2015), the optimiser of the explorer.
//
// Per parameter, at step t = 1, 2, ...:
//   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
//   m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
//   θ ← θ − lr · m̂ / (√v̂ + ε)
// The update is elementwise, so splitting the parameter array across threads cannot change a bit.

import Foundation

/// Adam state for one flat parameter array.
///
/// ```swift
/// var adam = Adam(count: params.count, learningRate: 1e-3)
/// adam.step(parameters: &params, gradient: grad)
/// ```
public struct Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// First and second moment estimates. [parameters]
    public private(set) var m: [Float], v: [Float]
    /// Steps taken so far (t of the last update).
    public private(set) var t = 0

    public init(count: Int, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// One update of `parameters` from `gradient`, elementwise over fixed ranges on `pool`.
    public mutating func step(parameters: inout [Float], gradient: [Float], pool: ParallelFor = ParallelFor(threads: 1)) {
        precondition(parameters.count == m.count && gradient.count == m.count)
        t += 1
        // Bias corrections in Double, rounded once, so they are the same however t was reached.
        let c1 = Float(1 - Foundation.pow(Double(beta1), Double(t)))
        let c2 = Float(1 - Foundation.pow(Double(beta2), Double(t)))
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        let count = m.count
        // Fixed ranges, each a multiple of 16 so the SIMD body covers all but the array's tail.
        let pieces = 8, piece = (count + 8 * 16 - 1) / (8 * 16) * 16
        parameters.withUnsafeMutableBufferPointer { p in
        m.withUnsafeMutableBufferPointer { m in
        v.withUnsafeMutableBufferPointer { v in
        gradient.withUnsafeBufferPointer { g in
            let (pp, mp, vp, gp) = (p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!)
            pool.run(chunks: pieces) { c in
                let end = Swift.min(count, (c + 1) * piece)
                var i = c * piece
                // The same expression on 16 lanes: IEEE division and square root round exactly,
                // so each lane gives the bits the scalar tail would.
                typealias V = SIMD16<Float>
                while i + 16 <= end {
                    let gi = UnsafeRawPointer(gp + i).loadUnaligned(as: V.self)
                    let mi = b1 * UnsafeRawPointer(mp + i).loadUnaligned(as: V.self) + (1 - b1) * gi
                    let vi = b2 * UnsafeRawPointer(vp + i).loadUnaligned(as: V.self) + (1 - b2) * (gi * gi)
                    UnsafeMutableRawPointer(mp + i).storeBytes(of: mi, as: V.self)
                    UnsafeMutableRawPointer(vp + i).storeBytes(of: vi, as: V.self)
                    let mHat = mi / c1, vHat = vi / c2
                    let theta = UnsafeRawPointer(pp + i).loadUnaligned(as: V.self) - lr * mHat / (vHat.squareRoot() + eps)
                    UnsafeMutableRawPointer(pp + i).storeBytes(of: theta, as: V.self)
                    i += 16
                }
                while i < end {
                    let gi = gp[i]
                    let mi = b1 * mp[i] + (1 - b1) * gi
                    let vi = b2 * vp[i] + (1 - b2) * (gi * gi)
                    mp[i] = mi; vp[i] = vi
                    let mHat = mi / c1, vHat = vi / c2
                    pp[i] -= lr * mHat / (vHat.squareRoot() + eps)
                    i += 1
                }
            }
        }}}}
    }
}
