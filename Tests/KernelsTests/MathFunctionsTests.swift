import Foundation
import XCTest
@testable import Kernels

/// The deterministic elementwise functions against the C library (a correctly rounded or nearly
/// correctly rounded reference on this machine) with an ulp tolerance, and the rotary table of
/// real configurations, which must round to the same Float bits as before the switch.
final class MathFunctionsTests: XCTestCase {
    func ulps(_ a: Double, _ b: Double) -> Double { a == b ? 0 : Swift.abs(a - b) / b.ulp }

    func testSinCosWithinTwoUlpOfTheCLibrary() {
        var rng = SplitMix64(seed: 1)
        var worst = 0.0
        for n in 0..<200_000 {
            // Small arguments (the kernel alone), then rotary-sized ones (reduction).
            let range = n % 2 == 0 ? 0.8 : 300_000
            let x = (rng.nextUnit() * 2 - 1) * range
            let (s, c) = dsincos(x)
            worst = Swift.max(worst, ulps(s, Foundation.sin(x)), ulps(c, Foundation.cos(x)))
        }
        XCTAssertLessThanOrEqual(worst, 2)
    }

    func testSinCosSpecialValuesAndQuadrants() {
        XCTAssertEqual(dsin(0), 0)
        XCTAssertEqual(dcos(0), 1)
        XCTAssertEqual(dsin(-0.0).sign, .minus)
        XCTAssertTrue(dsin(.infinity).isNaN)
        XCTAssertTrue(dcos(.nan).isNaN)
        // One point per quadrant, positive and negative: the identities the reduction relies on.
        for x in [0.3, 2.0, 3.5, 5.0, -0.3, -2.0, -3.5, -5.0, 1000.25] {
            let (s, c) = dsincos(x)
            XCTAssertEqual(s, Foundation.sin(x), accuracy: 4 * Foundation.sin(x).magnitude.ulp + 1e-300, "sin \(x)")
            XCTAssertEqual(c, Foundation.cos(x), accuracy: 4 * Foundation.cos(x).magnitude.ulp + 1e-300, "cos \(x)")
            XCTAssertEqual(s * s + c * c, 1, accuracy: 1e-15)
        }
    }

    func testPowWithinTwoUlpOfTheCLibrary() {
        var rng = SplitMix64(seed: 2)
        var worst = 0.0
        for _ in 0..<200_000 {
            let base = 1 + rng.nextUnit() * 2_000_000, y = rng.nextUnit() * 2 - 1
            worst = Swift.max(worst, ulps(dpow(base, y), Foundation.pow(base, y)))
        }
        XCTAssertLessThanOrEqual(worst, 2)
        XCTAssertEqual(dpow(10000, 0), 1)
        XCTAssertEqual(dpow(10000, 0.5), 100, accuracy: 1e-13)
        XCTAssertTrue(dpow(-2, 0.5).isNaN)
        XCTAssertTrue(dpow(0, 0.5).isNaN)
    }

    /// SmolLM2 and Llama-2-style tables (base 10^5 and 10^4, 64 rotary dimensions, 8192
    /// positions): every cosine and sine rounds to the Float the C library's functions gave, so
    /// the switch changed no logit (and no pinned bundle) for these models.
    func testRotaryTablesMatchTheCLibraryToTheBit() {
        let positions = 8192, dims = 64
        var cosines = [Float](repeating: 0, count: dims / 2), sines = cosines
        for base in [100_000.0, 10_000.0] {
            var mismatches = 0
            for p in 0..<positions {
                ropeAngles(position: p, rotaryDims: dims, base: base, cos: &cosines, sin: &sines)
                for i in 0..<(dims / 2) {
                    let theta = Double(p) / Foundation.pow(base, Double(2 * i) / Double(dims))
                    if cosines[i] != Float(Foundation.cos(theta)) || sines[i] != Float(Foundation.sin(theta)) { mismatches += 1 }
                }
            }
            XCTAssertEqual(mismatches, 0, "base \(base)")
        }
    }
}
