import Detectors
import Evaluation
import Kernels
import LabeledData
import Probes
import Taps
import XCTest

final class SolverTests: XCTestCase {
    // 40 rows × 3 features and labels; the reference solution was computed independently with
    // SciPy (scipy.optimize.minimize, BFGS, gtol 1e-12) on the same objective: population
    // standardisation, balanced class weights normalised to sum 1, λ = 0.1, bias unpenalised.
    static let x: [Double] = [
        0.3012, -0.4025, 1.8629, -0.5906, -1.9093, 1.5042, 0.3601, 1.6804, 1.7539, -0.3205, -0.0203, 2.1784, 0.4054,
        -2.8609, 1.9854, 0.9953, -3.6884, 1.7712, -1.6012, -3.5791, 1.0791, 0.0649, -3.5349, 2.1356, 0.4568, -1.3739,
        0.7416, -0.2387, -1.0970, 2.0567, -1.2301, -1.9555, 1.5107, -0.5088, 1.1218, 1.5962, 0.2675, 0.7688, 1.7082,
        0.1883, -0.7791, 2.0319, -0.9251, -0.8477, 2.6794, -1.2471, 0.7188, 2.0597, -0.3415, 3.0008, 2.3811, -0.8993,
        -0.8510, 2.2883, 0.1112, 0.3658, 1.9667, 0.9672, 1.8770, 1.6622, 0.5031, -1.9266, 2.0636, -0.8872, -2.1586,
        1.9019, 1.1988, 1.2904, 1.3382, -0.4946, 0.2938, 1.0038, -0.1632, -1.1946, 2.6285, 0.9894, -1.6544, 1.8157,
        0.0498, 2.0471, 1.7860, -0.0037, -0.2948, 1.9396, 0.1027, -3.2281, 1.9942, -0.1436, 1.3323, 2.3265, 0.2759,
        0.3368, 1.8301, 1.3521, -1.0108, 2.2917, -0.9909, -0.3066, 1.1559, -1.7353, -1.6090, 1.5500, 0.4641, 3.4895,
        1.5841, -0.3239, -0.5892, 2.2465, 0.1236, -1.4119, 2.3512, 0.8199, -3.0674, 1.9604, 0.3353, -3.1090, 2.1299,
        -0.5580, 0.9441, 2.0964,
    ]
    static let y = [1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0,
                    1, 1, 1, 1, 1]
    static let scipyWeights = [0.42528152063743874, -0.8577985310969295, 0.2669879488753284]
    static let scipyBias = 0.0186887726679803
    static let scipyObjective = 0.5482669847801758

    var z: Matrix { FeatureScaling(Matrix(rows: 40, cols: 3, values: Self.x)).apply(Matrix(rows: 40, cols: 3, values: Self.x)) }

    func testNewtonAndLBFGSMatchAnIndependentSolver() throws {
        for solver in [LogisticOptions.Solver.newton, .lbfgs] {
            let fit = try LogisticRegression.fit(z, Self.y, options: LogisticOptions(l2: 0.1, solver: solver))
            for (a, b) in zip(fit.weights, Self.scipyWeights) { XCTAssertEqual(a, b, accuracy: 1e-8, "\(solver)") }
            XCTAssertEqual(fit.bias, Self.scipyBias, accuracy: 1e-8, "\(solver)")
            XCTAssertEqual(fit.objective, Self.scipyObjective, accuracy: 1e-12, "\(solver)")
            XCTAssertLessThan(fit.gradientNorm, 1e-8, "\(solver)")
        }
    }

    func testFitsAreBitReproducibleAndWarmStartsAgree() throws {
        let a = try LogisticRegression.fit(z, Self.y, options: LogisticOptions(l2: 0.01))
        let b = try LogisticRegression.fit(z, Self.y, options: LogisticOptions(l2: 0.01))
        XCTAssertEqual(a, b)
        let strong = try LogisticRegression.fit(z, Self.y, options: LogisticOptions(l2: 1))
        let warm = try LogisticRegression.fit(z, Self.y, options: LogisticOptions(l2: 0.01), start: strong)
        for (p, q) in zip(a.weights, warm.weights) { XCTAssertEqual(p, q, accuracy: 1e-8) }
        // Stronger regularisation shrinks the weights.
        XCTAssertLessThan(strong.weights.map { $0 * $0 }.reduce(0, +), a.weights.map { $0 * $0 }.reduce(0, +))
    }

    func testOneClassIsRefused() {
        XCTAssertThrowsError(try LogisticRegression.fit(z, [Int](repeating: 1, count: 40), options: LogisticOptions())) {
            XCTAssertEqual($0 as? TrainingError, .oneClass("40 positive and 0 negative rows"))
        }
    }

    func testDeterministicDoubleMathIsAccurate() {
        var x = -700.0
        while x < 700 {
            XCTAssertEqual(dexp(x), Foundation.exp(x), accuracy: 5e-16 * Foundation.exp(x), "exp(\(x))")
            x += 3.71
        }
        for v in [1e-300, 1e-10, 0.1, 0.5, 1, 1.5, 2, 10, 12345.678, 1e300] {
            XCTAssertEqual(dlog(v), Foundation.log(v), accuracy: 4e-16 * max(1, abs(Foundation.log(v))), "log(\(v))")
        }
        XCTAssertEqual(dsoftplus(800), 800)
        XCTAssertEqual(dsoftplus(-800), 0)
        XCTAssertEqual(dsigmoid(0), 0.5)
    }

    func testDifferenceOfMeansByHand() throws {
        // Positives (2, 0), (4, 0); negatives (0, 0), (0, 2): means (3, 0) and (0, 1).
        let rows = LabeledRows(x: Matrix(rows: 4, cols: 2, values: [2, 0, 4, 0, 0, 0, 0, 2]), y: [1, 1, 0, 0])
        let d = try ProbeFitting.diffMean(id: "d", tap: .residPost(0), train: rows, normalization: .none)
        let u = [3 / 10.0.squareRoot(), -1 / 10.0.squareRoot()]
        XCTAssertEqual(Double(d.direction[0]), u[0], accuracy: 1e-6)
        XCTAssertEqual(Double(d.direction[1]), u[1], accuracy: 1e-6)
        XCTAssertEqual(d.mean!, [1.5, 0.5])
        // Projections: positives 6/√10, 12/√10 (class mean 9/√10); negatives 0, −2/√10 (mean −1/√10).
        // Pooled variance: (9 + 9 + 1 + 1)/10 / (4 − 2) = 1 → scale 1.
        XCTAssertEqual(Double(d.scale), 1, accuracy: 1e-6)
        let positive = try [Float](arrayLiteral: 4, 0).withUnsafeBufferPointer { try d.score($0) }
        XCTAssertEqual(Double(positive), (12 - 4) / 10.0.squareRoot(), accuracy: 1e-5)
    }

    func testMLPLearnsWhatNoLinearProbeCanAndIsSeeded() throws {
        // XOR of the signs of two features.
        var rng = SplitMix64(seed: 5)
        var v: [Double] = [], y: [Int] = []
        for _ in 0..<400 {
            let a = 2 * rng.nextUnit() - 1, b = 2 * rng.nextUnit() - 1
            v += [a, b]
            y.append((a > 0) != (b > 0) ? 1 : 0)
        }
        let train = LabeledRows(x: Matrix(rows: 400, cols: 2, values: v), y: y)
        let o = MLPOptions(hidden: 16, epochs: 80, batch: 16, learningRate: 1e-2, seed: 1)
        let mlp = try MLPTraining.fit(id: "m", tap: .residPost(0), train: train, validation: nil, options: o)
        let again = try MLPTraining.fit(id: "m", tap: .residPost(0), train: train, validation: nil, options: o)
        XCTAssertEqual(mlp.w1, again.w1)
        XCTAssertEqual(mlp.b2, again.b2)
        let xs = v.map { Float($0) }
        let mlpScores = try ProbeTrainer.scores(mlp, xs, D: 2, rows: Array(0..<400))
        XCTAssertGreaterThan(Metrics.auroc(mlpScores, y), 0.95)
        let (linear, _) = try ProbeFitting.logistic(id: "l", tap: .residPost(0), train: train, options: LogisticOptions())
        XCTAssertLessThan(Metrics.auroc(try ProbeTrainer.scores(linear, xs, D: 2, rows: Array(0..<400)), y), 0.65)
    }
}
