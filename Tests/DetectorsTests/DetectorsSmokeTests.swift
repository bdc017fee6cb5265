import XCTest
@testable import Detectors

final class DetectorsSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
