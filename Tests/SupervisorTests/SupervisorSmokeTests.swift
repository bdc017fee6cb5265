import XCTest
@testable import Supervisor

final class SupervisorSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
