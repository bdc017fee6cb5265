// Adam (Kingma & Ba 2015) over flat float arrays, elementwise and in a fixed operation order:
// the project's one optimiser (sparse autoencoders, the region explorer, adapters).
//
// Per parameter p with gradient g, at step t = 1, 2, ...:
//   m ← β1·m + (1 − β1)·g        v ← β2·v + (1 − β2)·g·g
//   p ← p − lr · (m·c1) / (√(v·c2) + ε)      c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t)
// c1 and c2 come from β^t kept as running products in Double (no `pow`, whose last bit may
// depend on the C library's CPU-specific code path) and are rounded to Float once per step.
// Every operation is an IEEE basic operation done separately (no fused multiply-add), so the
// SIMD loop and the scalar tail give the same bits, and splitting parameters across threads
// cannot change a result.

/// Adam's hyper-parameters and its step-dependent constants: what one update needs, for callers
/// that keep their own moment buffers (the SAE trainer updates rows as it computes them).
public struct AdamStep: Sendable {
    public let beta1: Float, beta2: Float, epsilon: Float
    /// The step's learning rate (after warm-up and decay).
    public let lr: Float
    public let c1: Float, c2: Float

    /// The update at one step; `beta1Power`/`beta2Power` are β^t for this step t.
    public init(beta1: Float, beta2: Float, epsilon: Float, lr: Float, beta1Power: Double, beta2Power: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lr = lr
        c1 = Float(1 / (1 - beta1Power))
        c2 = Float(1 / (1 - beta2Power))
    }

    /// Updates p, m, v [n] in place from g [n].
    @inlinable @inline(__always)
    public func apply(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>, n: Int) {
        let b1 = SIMD16<Float>(repeating: beta1), b2 = SIMD16<Float>(repeating: beta2)
        let nb1 = SIMD16<Float>(repeating: 1 - beta1), nb2 = SIMD16<Float>(repeating: 1 - beta2)
        let vc1 = SIMD16<Float>(repeating: c1), vc2 = SIMD16<Float>(repeating: c2)
        let veps = SIMD16<Float>(repeating: epsilon), vlr = SIMD16<Float>(repeating: lr)
        var j = 0
        while j + 16 <= n {
            let gv = UnsafeRawPointer(g + j).loadUnaligned(as: SIMD16<Float>.self)
            var mv = UnsafeRawPointer(m + j).loadUnaligned(as: SIMD16<Float>.self)
            var vv = UnsafeRawPointer(v + j).loadUnaligned(as: SIMD16<Float>.self)
            var pv = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self)
            mv = b1 * mv + nb1 * gv
            vv = b2 * vv + nb2 * (gv * gv)
            pv = pv - vlr * (mv * vc1) / ((vv * vc2).squareRoot() + veps)
            UnsafeMutableRawPointer(m + j).storeBytes(of: mv, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(v + j).storeBytes(of: vv, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(p + j).storeBytes(of: pv, as: SIMD16<Float>.self)
            j += 16
        }
        while j < n {
            applyScalar(&p[j], g[j], &m[j], &v[j])
            j += 1
        }
    }

    /// The same update for one parameter (the reference the SIMD loop follows).
    @inlinable @inline(__always)
    public func applyScalar(_ p: inout Float, _ g: Float, _ m: inout Float, _ v: inout Float) {
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * (g * g)
        p = p - lr * (m * c1) / ((v * c2).squareRoot() + epsilon)
    }
}

/// Adam with its own state for one flat parameter array.
///
/// ```swift
/// var adam = Adam(count: params.count, learningRate: 1e-3)
/// adam.step(parameters: &params, gradient: grad, pool: pool)
/// ```
public struct Adam: Sendable {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// First and second moment estimates. [parameters]
    public private(set) var m: [Float], v: [Float]
    /// Steps taken so far (t of the last update).
    public private(set) var t = 0
    /// β1^t and β2^t as running products (see the file header).
    private var beta1Power: Double = 1, beta2Power: Double = 1

    public init(count: Int, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// One update of `parameters` [count] from `gradient` [count]. The array is cut into eight
    /// fixed pieces (multiples of 16, so the SIMD body covers all but the tail) spread over `pool`;
    /// the update is elementwise, so neither the cut nor the thread count can change a bit.
    public mutating func step(parameters: inout [Float], gradient: [Float], pool: ThreadPool? = nil) {
        precondition(parameters.count == m.count && gradient.count == m.count, "Adam: parameter and gradient counts differ")
        t += 1
        beta1Power *= Double(beta1)
        beta2Power *= Double(beta2)
        let update = AdamStep(beta1: beta1, beta2: beta2, epsilon: epsilon, lr: learningRate,
                              beta1Power: beta1Power, beta2Power: beta2Power)
        let count = m.count
        let pieces = 8, piece = (count + pieces * 16 - 1) / (pieces * 16) * 16
        parameters.withUnsafeMutableBufferPointer { p in
        m.withUnsafeMutableBufferPointer { m in
        v.withUnsafeMutableBufferPointer { v in
        gradient.withUnsafeBufferPointer { g in
            guard let pp = p.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress, let gp = g.baseAddress else { return }
            let body = { (c: Int) in
                let start = Swift.min(count, c * piece), end = Swift.min(count, (c + 1) * piece)
                update.apply(pp + start, gp + start, mp + start, vp + start, n: end - start)
            }
            if let pool { pool.parallelFor(pieces, body) } else { for c in 0..<pieces { body(c) } }
        }}}}
    }
}
