import XCTest
@testable import Kernels

/// The seeded generator family: fixed streams, unbiased bounded integers, shuffles and Gaussians.
final class RandomTests: XCTestCase {
    func testSplitMix64StreamIsFixed() {
        // The first outputs for seed 0 (the published SplitMix64 reference values).
        var rng = SplitMix64(seed: 0)
        XCTAssertEqual(rng.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(rng.next(), 0x6E78_9E6A_A1B9_65F4)
    }

    func testBoundedIntegersAreInRangeAndUnbiased() {
        var rng = Xoshiro256(seed: 3, stream: 9)
        // A bound just above 2^63 makes modulo reduction pick the low half twice as often;
        // multiply-shift with rejection must not.
        let bound = Int.max / 3 * 2
        var low = 0
        let n = 20_000
        for _ in 0..<n {
            let x = rng.nextInt(below: bound)
            XCTAssert(x >= 0 && x < bound)
            if x < bound / 2 { low += 1 }
        }
        XCTAssertEqual(Double(low) / Double(n), 0.5, accuracy: 0.02)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.nextInt(below: 7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 500) }
        XCTAssertEqual(rng.nextInt(below: 1), 0)
    }

    func testShuffleAndSampleArePermutationsAndReproducible() {
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
        var x = Array(0..<100), y = Array(0..<100)
        a.shuffle(&x)
        b.shuffle(&y)
        XCTAssertEqual(x, y)
        XCTAssertNotEqual(x, Array(0..<100))
        XCTAssertEqual(x.sorted(), Array(0..<100))
        let s = a.sample(10, from: 50)
        XCTAssertEqual(Set(s).count, 10)
        XCTAssert(s.allSatisfy { (0..<50).contains($0) })
        XCTAssertEqual(a.sample(0, from: 0), [])
    }

    func testGaussianMoments() {
        var rng = SplitMix64(seed: 11)
        let n = 100_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let z = rng.nextGaussian()
            XCTAssert(z.isFinite)
            sum += z; sumSq += z * z
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.02)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.02)
    }

    func testStreamsOfOneSeedDiffer() {
        var a = Xoshiro256(seed: 1, stream: 1), b = Xoshiro256(seed: 1, stream: 2)
        XCTAssertNotEqual((0..<4).map { _ in a.next() }, (0..<4).map { _ in b.next() })
    }
}
