// L2-regularised logistic regression, fitted exactly (Newton) or with L-BFGS.
//
// Legend: N = rows, D = features.
//
// Objective, on standardised rows z_i = (x_i − μ) / σ (μ, σ from the training rows):
//
//   J(w, b) = Σ_i c_i · [log(1 + e^{s_i}) − y_i s_i] / Σ_i c_i  +  (λ/2) ‖w‖²,   s_i = w·z_i + b
//
// c_i are class weights (balanced: each class weighs half in total), the bias is not
// penalised. J is strictly convex for λ > 0, so both solvers reach the same minimum; Newton's
// method solves H Δ = −∇J with a Cholesky factorisation of the (D+1)² Hessian, L-BFGS keeps the
// last m steps. Everything runs in Double in a fixed order on one thread, so a fit is a pure
// function of its inputs: the same data give the same bytes.

import Foundation
import Kernels
import LabeledData

/// A dense row-major matrix of Double [rows, cols].
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var values: [Double]

    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols)
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Rows `indices` of a Float matrix [*, cols].
    public init(_ source: [Float], cols: Int, rows indices: [Int]) {
        self.rows = indices.count
        self.cols = cols
        var v = [Double](repeating: 0, count: indices.count * cols)
        source.withUnsafeBufferPointer { s in
            for (r, i) in indices.enumerated() { for j in 0..<cols { v[r * cols + j] = Double(s[i * cols + j]) } }
        }
        values = v
    }

    @inline(__always) public subscript(r: Int, c: Int) -> Double { values[r * cols + c] }
}

/// Per-feature mean and standard deviation (population), σ floored so constant features stay finite.
public struct FeatureScaling: Sendable, Equatable {
    public var mean: [Double]
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    public init(_ x: Matrix) {
        var m = [Double](repeating: 0, count: x.cols), s = [Double](repeating: 0, count: x.cols)
        for r in 0..<x.rows { for c in 0..<x.cols { m[c] += x[r, c] } }
        for c in 0..<x.cols { m[c] /= Double(max(1, x.rows)) }
        for r in 0..<x.rows { for c in 0..<x.cols { let d = x[r, c] - m[c]; s[c] += d * d } }
        let floor = 1e-6
        for c in 0..<x.cols { s[c] = max((s[c] / Double(max(1, x.rows))).squareRoot(), floor) }
        mean = m
        scale = s
    }

    public func apply(_ x: Matrix) -> Matrix {
        var v = x.values
        for r in 0..<x.rows { for c in 0..<x.cols { v[r * x.cols + c] = (v[r * x.cols + c] - mean[c]) / scale[c] } }
        return Matrix(rows: x.rows, cols: x.cols, values: v)
    }
}

public struct LogisticOptions: Sendable, Equatable {
    public enum Solver: String, Sendable, Codable, CaseIterable {
        case newton, lbfgs
        /// Newton when the Hessian is cheap (N·D² small), else L-BFGS.
        case auto
    }
    /// λ, the L2 strength on the standardised weights.
    public var l2: Double
    public var balanced: Bool
    public var solver: Solver
    public var maxIterations: Int
    /// Stop when ‖∇J‖∞ falls below this.
    public var tolerance: Double

    public init(l2: Double = 1e-2, balanced: Bool = true, solver: Solver = .auto, maxIterations: Int = 500,
                tolerance: Double = 1e-9) {
        self.l2 = l2
        self.balanced = balanced
        self.solver = solver
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }
}

/// A fitted model on standardised inputs: logit = w·z + b.
public struct LogisticFit: Sendable, Equatable {
    public var weights: [Double]   // [D]
    public var bias: Double
    public var iterations: Int
    public var objective: Double
    public var gradientNorm: Double
    public var solver: LogisticOptions.Solver
}

public enum LogisticRegression {
    /// Fits standardised rows `z` [N, D] to labels `y` [N] (0 or 1). `start` warm-starts.
    public static func fit(_ z: Matrix, _ y: [Int], options: LogisticOptions, start: LogisticFit? = nil) throws -> LogisticFit {
        let n1 = y.filter { $0 == 1 }.count, n0 = y.count - n1
        guard n1 > 0, n0 > 0 else { throw TrainingError.oneClass("\(n1) positive and \(n0) negative rows") }
        guard y.count == z.rows else { throw TrainingError.badOption("\(y.count) labels for \(z.rows) rows") }
        guard options.l2 > 0, options.l2.isFinite else { throw TrainingError.badOption("the L2 strength must be > 0") }
        let objective = Objective(z: z, y: y, balanced: options.balanced, l2: options.l2)
        var solver = options.solver
        if solver == .auto { solver = Double(z.rows) * Double(z.cols) * Double(z.cols) <= 4e9 ? .newton : .lbfgs }
        var theta = start.map { $0.weights + [$0.bias] } ?? [Double](repeating: 0, count: z.cols + 1)
        if start == nil { theta[z.cols] = dlog(Double(n1) / Double(n0)) * (options.balanced ? 0 : 1) }
        let (result, iterations) = solver == .newton
            ? try newton(objective, theta, options)
            : lbfgs(objective, theta, options)
        var g = [Double](repeating: 0, count: z.cols + 1)
        let value = objective.evaluate(result, gradient: &g)
        return LogisticFit(weights: Array(result.prefix(z.cols)), bias: result[z.cols], iterations: iterations,
                           objective: value, gradientNorm: g.map(abs).max() ?? 0, solver: solver)
    }

    /// Logits w·z + b of rows `z`.
    public static func logits(_ fit: LogisticFit, _ z: Matrix) -> [Double] {
        (0..<z.rows).map { r in
            var s = fit.bias
            for c in 0..<z.cols { s += fit.weights[c] * z[r, c] }
            return s
        }
    }

    /// J, its gradient, and its Hessian, over θ = (w, b).
    struct Objective {
        let z: Matrix
        let y: [Double]
        let c: [Double]   // class weights / Σ c
        let l2: Double

        init(z: Matrix, y: [Int], balanced: Bool, l2: Double) {
            self.z = z
            self.y = y.map(Double.init)
            let n1 = Double(y.filter { $0 == 1 }.count), n0 = Double(y.count) - n1, n = Double(y.count)
            var c = y.map { label -> Double in balanced ? (label == 1 ? n / (2 * n1) : n / (2 * n0)) : 1 }
            let total = c.reduce(0, +)
            for i in c.indices { c[i] /= total }
            self.c = c
            self.l2 = l2
        }

        var dimension: Int { z.cols + 1 }

        func scores(_ theta: [Double]) -> [Double] {
            let D = z.cols
            return z.values.withUnsafeBufferPointer { v in
                (0..<z.rows).map { r in
                    var s = theta[D]
                    let row = v.baseAddress! + r * D
                    for j in 0..<D { s += theta[j] * row[j] }
                    return s
                }
            }
        }

        /// J(θ); writes ∇J into `gradient`.
        func evaluate(_ theta: [Double], gradient: inout [Double]) -> Double {
            let D = z.cols
            let s = scores(theta)
            var value = 0.0
            for j in 0..<gradient.count { gradient[j] = 0 }
            z.values.withUnsafeBufferPointer { v in
                for r in 0..<z.rows {
                    value += c[r] * (dsoftplus(s[r]) - y[r] * s[r])
                    let e = c[r] * (dsigmoid(s[r]) - y[r])
                    let row = v.baseAddress! + r * D
                    for j in 0..<D { gradient[j] += e * row[j] }
                    gradient[D] += e
                }
            }
            for j in 0..<D {
                value += 0.5 * l2 * theta[j] * theta[j]
                gradient[j] += l2 * theta[j]
            }
            return value
        }

        /// The Hessian [(D+1)²] at θ (upper triangle filled, then mirrored).
        func hessian(_ theta: [Double]) -> [Double] {
            let D = z.cols, P = D + 1
            let s = scores(theta)
            var h = [Double](repeating: 0, count: P * P)
            var row = [Double](repeating: 1, count: P)
            h.withUnsafeMutableBufferPointer { hp in
                for r in 0..<z.rows {
                    let p = dsigmoid(s[r])
                    let w = c[r] * p * (1 - p)
                    for j in 0..<D { row[j] = z.values[r * D + j] }
                    row[D] = 1
                    row.withUnsafeBufferPointer { x in
                        for a in 0..<P {
                            let wa = w * x[a]
                            if wa == 0 { continue }
                            let hRow = hp.baseAddress! + a * P
                            for b in a..<P { hRow[b] += wa * x[b] }
                        }
                    }
                }
                for a in 0..<P { for b in 0..<a { hp[a * P + b] = hp[b * P + a] } }
                for j in 0..<D { hp[j * P + j] += l2 }
                hp[D * P + D] += 1e-12
            }
            return h
        }
    }

    static func newton(_ f: Objective, _ start: [Double], _ o: LogisticOptions) throws -> ([Double], Int) {
        var theta = start
        var g = [Double](repeating: 0, count: f.dimension)
        var value = f.evaluate(theta, gradient: &g)
        var iterations = 0
        while iterations < min(o.maxIterations, 100) {
            if (g.map(abs).max() ?? 0) < o.tolerance { break }
            iterations += 1
            var step = try solveCholesky(f.hessian(theta), g.map { -$0 }, n: f.dimension)
            // Backtracking keeps every step a decrease even far from the minimum.
            var t = 1.0
            var next = theta, ng = g, nv = value
            let slope = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
            while true {
                for j in 0..<theta.count { next[j] = theta[j] + t * step[j] }
                nv = f.evaluate(next, gradient: &ng)
                if nv <= value + 1e-4 * t * slope || t < 1e-10 { break }
                t *= 0.5
            }
            for j in 0..<step.count { step[j] *= t }
            let decrease = value - nv
            theta = next; g = ng; value = nv
            if decrease <= 1e-15 * max(1, abs(value)) { break }
        }
        return (theta, iterations)
    }

    /// L-BFGS with m = 10 and a backtracking Armijo line search.
    static func lbfgs(_ f: Objective, _ start: [Double], _ o: LogisticOptions) -> ([Double], Int) {
        let m = 10, P = f.dimension
        var theta = start
        var g = [Double](repeating: 0, count: P)
        var value = f.evaluate(theta, gradient: &g)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        while iterations < o.maxIterations {
            if (g.map(abs).max() ?? 0) < o.tolerance { break }
            iterations += 1
            // Two-loop recursion: direction = −H·g.
            var q = g
            var alpha = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alpha[k] = rhoHistory[k] * dotD(sHistory[k], q)
                for j in 0..<P { q[j] -= alpha[k] * yHistory[k][j] }
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dotD(s, y) / dotD(y, y)
                for j in 0..<P { q[j] *= gamma }
            } else {
                let norm = max(1, g.map(abs).max() ?? 1)
                for j in 0..<P { q[j] /= norm }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * dotD(yHistory[k], q)
                for j in 0..<P { q[j] += (alpha[k] - beta) * sHistory[k][j] }
            }
            var direction = q.map { -$0 }
            var slope = dotD(g, direction)
            if slope >= 0 {   // not a descent direction: restart from steepest descent
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dotD(g, direction)
            }
            var t = 1.0
            var next = theta, ng = g, nv = value
            while true {
                for j in 0..<P { next[j] = theta[j] + t * direction[j] }
                nv = f.evaluate(next, gradient: &ng)
                if nv <= value + 1e-4 * t * slope || t < 1e-12 { break }
                t *= 0.5
            }
            let s = (0..<P).map { next[$0] - theta[$0] }
            let y = (0..<P).map { ng[$0] - g[$0] }
            let sy = dotD(s, y)
            if sy > 1e-16 {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > m { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            let decrease = value - nv
            theta = next; g = ng; value = nv
            if decrease <= 1e-16 * max(1, abs(value)) && t < 1e-10 { break }
        }
        return (theta, iterations)
    }
}

@inline(__always) func dotD(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
}

/// Solves A x = b for a symmetric positive-definite A [n, n] (row-major).
func solveCholesky(_ a: [Double], _ b: [Double], n: Int) throws -> [Double] {
    var l = a
    for j in 0..<n {
        var d = l[j * n + j]
        for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
        guard d > 0, d.isFinite else { throw TrainingError.notConverged("the Hessian is not positive definite (column \(j))") }
        let djj = d.squareRoot()
        l[j * n + j] = djj
        for i in (j + 1)..<max(j + 1, n) {
            var s = l[i * n + j]
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
            l[i * n + j] = s / djj
        }
    }
    var x = b
    for i in 0..<n {                 // L y = b
        var s = x[i]
        for k in 0..<i { s -= l[i * n + k] * x[k] }
        x[i] = s / l[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {   // Lᵀ x = y
        var s = x[i]
        for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * x[k] }
        x[i] = s / l[i * n + i]
    }
    return x
}
