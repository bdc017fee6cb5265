import XCTest
@testable import Regions

final class NetworkShapeTests: XCTestCase {
    func testRepeatedGroup() throws {
        let shape = try NetworkShape(parsing: "[100]*20")
        XCTAssertEqual(shape.hidden, [Int](repeating: 100, count: 20))
        XCTAssertEqual(shape.widths.first, 2)
        XCTAssertEqual(shape.widths.last, 1)
        XCTAssertEqual(shape.description, "[100]*20")
        // 2·100 + 19·100·100 + 100·1 multiply-adds per point.
        XCTAssertEqual(shape.macsPerPoint, 200 + 190_000 + 100)
    }

    func testListAndSum() throws {
        XCTAssertEqual(try NetworkShape(parsing: "[64,64,32]").hidden, [64, 64, 32])
        XCTAssertEqual(try NetworkShape(parsing: "[32]*3+[16]").hidden, [32, 32, 32, 16])
        XCTAssertEqual(try NetworkShape(parsing: " [ 8 , 4 ] * 2 ").hidden, [8, 4, 8, 4])
        XCTAssertEqual(try NetworkShape(parsing: "[32]*3+[16]").description, "[32]*3+[16]")
    }

    func testBadShapesAreTypedErrors() {
        for text in ["", "[", "[]", "[0]", "[100]*", "[100]*0", "[a]", "100", "[100", "[100]+", "[5000]",
                     "[100]*20x", "[1]*9999999", "[1,]"] {
            XCTAssertThrowsError(try NetworkShape(parsing: text), text) { error in
                guard case RegionsError.badShape = error else { return XCTFail("\(text): \(error)") }
            }
        }
        XCTAssertThrowsError(try NetworkShape(parsing: "[0]")) { error in
            XCTAssertTrue("\(error)".contains("outside 1...4096"), "\(error)")
        }
    }
}
