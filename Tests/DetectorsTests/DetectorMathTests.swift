import XCTest
import Kernels
import Taps
@testable import Detectors

/// Probe arithmetic against values computed by hand.
final class DetectorMathTests: XCTestCase {
    func score(_ d: any Detector, _ x: [Float]) throws -> Float {
        try x.withUnsafeBufferPointer { try d.score($0) }
    }

    func testLinearProbeMatchesHandComputedLogitAndSigmoid() throws {
        // logit = 1·0.5 + 2·(−1) + 3·2 − 1 = 3.5
        let p = LinearProbe(id: "p", tap: .residPost(0), weight: [1, 2, 3], bias: -1)
        XCTAssertEqual(try p.logit([0.5, -1, 2].withUnsafeBufferPointer { $0 }), 3.5)
        XCTAssertEqual(try score(p, [0.5, -1, 2]), Float(1 / (1 + exp(-3.5))), accuracy: 1e-6)
        let raw = LinearProbe(id: "r", tap: .residPost(0), weight: [1, 2, 3], bias: -1, output: .logit)
        XCTAssertEqual(try score(raw, [0.5, -1, 2]), 3.5)
    }

    func testLinearProbeStandardisation() throws {
        // z = ((2−1)/2, (4−0)/4) = (0.5, 1); logit = 2·0.5 − 1·1 + 0.25 = 0.25
        let s = Standardization(mean: [1, 0], scale: [2, 4])
        let p = LinearProbe(id: "p", tap: .residPost(0), weight: [2, -1], bias: 0.25, standardization: s, output: .logit)
        XCTAssertEqual(try score(p, [2, 4]), 0.25, accuracy: 1e-6)
        let c = [Float(2), 4].withUnsafeBufferPointer { p.contributions($0, top: 2) }
        XCTAssertEqual(c, [Contribution(index: 0, value: 1), Contribution(index: 1, value: -1)])
    }

    func testLinearProbeScoresLongVectorsLikeADoubleSum() throws {
        var rng = SystemRandomNumberGenerator()
        let w = (0..<577).map { _ in Float.random(in: -1...1, using: &rng) }
        let x = (0..<577).map { _ in Float.random(in: -3...3, using: &rng) }
        let p = LinearProbe(id: "p", tap: .residPost(0), weight: w, bias: 0.5, output: .logit)
        let reference = zip(w, x).reduce(0.5) { $0 + Double($1.0) * Double($1.1) }
        XCTAssertEqual(Double(try score(p, x)), reference, accuracy: 1e-3)
        XCTAssertThrowsError(try score(p, [1, 2])) { XCTAssertEqual($0 as? DetectorError, .dimensionMismatch(detector: "p", expected: 577, found: 2)) }
    }

    func testDirectionDetector() throws {
        // u = (3, 4)/5; (u·x − u·μ)/s = (0.6·2 + 0.8·3 − 1.4)/2 = 1.1
        let d = try DirectionDetector(id: "d", tap: .residPost(1), direction: [3, 4], mean: [1, 1], scale: 2)
        XCTAssertEqual(d.direction, [0.6, 0.8])
        XCTAssertEqual(try score(d, [2, 3]), 1.1, accuracy: 1e-6)
        // unit-normalised input: x̂ = (0.6, 0.8), u·x̂ = 1 → (1 − 1.4)/2 = −0.2
        let n = try DirectionDetector(id: "n", tap: .residPost(1), direction: [3, 4], mean: [1, 1], scale: 2, normalization: .unit)
        XCTAssertEqual(try score(n, [3, 4]), -0.2, accuracy: 1e-6)
        XCTAssertThrowsError(try DirectionDetector(id: "z", tap: .embed, direction: [0, 0]))
        XCTAssertThrowsError(try DirectionDetector(id: "s", tap: .embed, direction: [1, 0], scale: 0))
    }

    func testMLPProbe() throws {
        // W1 = [[1,0],[0,1],[1,1]], b1 = (0,−1,0.5), x = (1,2): a = (1, 1, 3.5), relu = a
        // logit = 1 − 2 + 0.5·3.5 + 0.1 = 0.85
        let m = try MLPProbe(id: "m", tap: .mlpPost(0), w1: [1, 0, 0, 1, 1, 1], b1: [0, -1, 0.5], w2: [1, -2, 0.5], b2: 0.1,
                             activation: .relu, output: .logit)
        XCTAssertEqual(m.dimension, 2)
        XCTAssertEqual(m.hidden, 3)
        XCTAssertEqual(try score(m, [1, 2]), 0.85, accuracy: 1e-6)
        // x = (−1, 0): a = (−1, −1, −0.5) all cut by ReLU → logit = b2
        XCTAssertEqual(try score(m, [-1, 0]), 0.1, accuracy: 1e-7)
        // gradient of the logit: (1·1 + 0.5·1, −2·1 + 0.5·1) = (1.5, −1.5); contributions x ⊙ grad = (1.5, −3)
        let c = [Float(1), 2].withUnsafeBufferPointer { m.contributions($0, top: 2) }
        XCTAssertEqual(c.map(\.index), [1, 0])
        XCTAssertEqual(c[0].value, -3, accuracy: 1e-6)
        XCTAssertEqual(c[1].value, 1.5, accuracy: 1e-6)
        let g = try MLPProbe(id: "g", tap: .mlpPost(0), w1: [1, 0, 0, 1, 1, 1], b1: [0, -1, 0.5], w2: [1, -2, 0.5], b2: 0.1,
                             activation: .gelu)
        let a: [Float] = [1, 1, 3.5]
        let logit = fgeluTanh(a[0]) - 2 * fgeluTanh(a[1]) + 0.5 * fgeluTanh(a[2]) + 0.1
        XCTAssertEqual(try score(g, [1, 2]), fsigmoid(logit), accuracy: 1e-6)
    }

    func testContributionsOrderByMagnitudeThenIndex() {
        let p = LinearProbe(id: "p", tap: .embed, weight: [1, -3, 3, 0.5], bias: 0)
        let c = [Float](repeating: 1, count: 4).withUnsafeBufferPointer { p.contributions($0, top: 3) }
        XCTAssertEqual(c, [Contribution(index: 1, value: -3), Contribution(index: 2, value: 3), Contribution(index: 0, value: 1)])
    }

    func testScoresAreDeterministicAcrossCalls() throws {
        let w = (0..<100).map { Float($0).squareRoot() - 5 }
        let p = LinearProbe(id: "p", tap: .embed, weight: w, bias: 0.1)
        let x = (0..<100).map { sin(Float($0)) }
        XCTAssertEqual(try score(p, x).bitPattern, try score(p, x).bitPattern)
    }

    func testAggregations() {
        var last = WindowAggregator(.last)
        XCTAssertEqual(last.push(3), 3)
        XCTAssertEqual(last.push(1), 1)

        var mx = WindowAggregator(Aggregation(kind: .max, window: 2))
        XCTAssertEqual([5, 1, 2, 0].map { mx.push($0) }, [5, 5, 2, 2])

        var mean = WindowAggregator(Aggregation(kind: .mean, window: 3))
        XCTAssertEqual([3, 6, 9, 0].map { mean.push($0) }, [3, 4.5, 6, 5])
        XCTAssertEqual(mean.window, [6, 9, 0])

        // α = 2/(3+1) = 0.5: 4, 0.5·0 + 0.5·4 = 2, 0.5·8 + 0.5·2 = 5
        var ema = WindowAggregator(Aggregation(kind: .ema, window: 3))
        XCTAssertEqual([4, 0, 8].map { ema.push($0) }, [4, 2, 5])
        var ema2 = WindowAggregator(Aggregation(kind: .ema, window: 1, alpha: 0.25))
        XCTAssertEqual([4, 0].map { ema2.push($0) }, [4, 3])

        XCTAssertThrowsError(try Aggregation(kind: .max, window: 0).validate())
        XCTAssertThrowsError(try Aggregation(kind: .ema, window: 2, alpha: 1.5).validate())
    }

    func testTopContributionsEqualAFullSortWithTies() {
        var state: UInt64 = 99
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 59) - 16) / 4     // small integers: many ties, both signs
        }
        for n in [1, 5, 64, 577] {
            let values = (0..<n).map { _ in next() }
            let sorted = values.indices.sorted { a, b in
                abs(values[a]) != abs(values[b]) ? abs(values[a]) > abs(values[b]) : a < b
            }
            for top in [1, 3, 8, n, n + 5] {
                let expected = sorted.prefix(top).map { Contribution(index: $0, value: values[$0]) }
                XCTAssertEqual(topContributions(values, top: top), expected, "n \(n), top \(top)")
            }
        }
        XCTAssertEqual(topContributions([1, 2], top: 0), [])
    }
}
