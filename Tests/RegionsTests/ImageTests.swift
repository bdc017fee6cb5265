import XCTest
@testable import Regions

final class ImageTests: XCTestCase {
    func testBuiltinShapes() {
        let ring = BuiltinImage.ring.render(resolution: 64)
        XCTAssertEqual(ring.value(x: 0, y: 0), 0)      // hole
        XCTAssertEqual(ring.value(x: 0.55, y: 0), 1)   // band
        XCTAssertEqual(ring.value(x: 0.95, y: 0.9), 0) // outside
        let disc = BuiltinImage.disc.render(resolution: 64)
        XCTAssertEqual(disc.value(x: 0, y: 0), 1)
        let square = BuiltinImage.square.render(resolution: 64)
        XCTAssertEqual(square.value(x: 0.45, y: -0.45), 1)
        XCTAssertEqual(square.value(x: 0.6, y: 0), 0)
    }

    func testTextDrawsItsGlyphs() {
        let img = BuiltinImage.text("I").render(resolution: 70)
        // "I" is 5×7 cells; 80% of 70 = 56 → cell = 8 px; the middle column of the glyph is lit top to bottom.
        XCTAssertEqual(img.value(x: 0, y: 0), 1)
        XCTAssertEqual(img.value(x: 0.9, y: 0), 0)
        let lit = img.pixels.reduce(0, +)
        XCTAssertEqual(lit, Float((3 + 5 + 3) * 8 * 8))  // top and bottom bars of 3 cells, 5 cells of stem
        XCTAssertNil(BuiltinImage(name: "triangle"))
    }

    func testUnknownInputIsTyped() {
        XCTAssertThrowsError(try Explorer.loadInput("/no/such/file.png")) { error in
            XCTAssertEqual(error as? RegionsError, .unknownInput("/no/such/file.png"))
        }
    }
}
