// Tap names (TransformerLens's scheme) and the selections users type on the command line.

import Taps
import XCTest

final class TapPointTests: XCTestCase {
    func testNamesRoundTripAndOrdinalsAreDense() {
        let layers = 3
        var points: [TapPoint] = [.embed, .finalNormalized]
        for l in 0..<layers {
            points += [.residPre(l), .attnOut(l), .residMid(l), .mlpPre(l), .mlpPost(l), .mlpOut(l), .residPost(l)]
        }
        for p in points { XCTAssertEqual(TapPoint(name: p.description), p, p.description) }
        XCTAssertEqual(Set(points.map(\.ordinal)), Set(0..<TapPoint.ordinalCount(layers: layers)))
        XCTAssertEqual(TapPoint.residPost(2).description, "blocks.2.hook_resid_post")
        XCTAssertEqual(TapPoint.mlpPre(0).description, "blocks.0.mlp.hook_pre")
        // Sorted in the order the forward pass computes them.
        XCTAssertEqual([TapPoint.residPost(0), .embed, .residPre(1), .attnOut(0), .finalNormalized].sorted(),
                       [.embed, .attnOut(0), .residPost(0), .residPre(1), .finalNormalized])
    }

    func testMalformedNamesAreNil() {
        for name in ["", "blocks", "blocks.x.hook_resid_post", "blocks.-1.hook_resid_post", "blocks.01.hook_resid_post",
                     "blocks.1.hook_resid_sideways", "blocks.1", "hook_embed ", "blocks..hook_resid_post"] {
            XCTAssertNil(TapPoint(name: name), name)
        }
    }
}

final class TapSelectionTests: XCTestCase {
    func testSelections() throws {
        XCTAssertEqual(try TapSelection.taps("resid_post", layers: 2), [.residPost(0), .residPost(1)])
        XCTAssertEqual(try TapSelection.taps("mlp_out:1, blocks.0.hook_resid_pre,embed", layers: 3),
                       [.embed, .residPre(0), .mlpOut(1)])
        XCTAssertEqual(try TapSelection.taps("resid_post:1-2,resid_post:2", layers: 4), [.residPost(1), .residPost(2)])
        XCTAssertEqual(try TapSelection.layers("2-4+7", layers: 8), [2, 3, 4, 7])
        XCTAssertEqual(try TapSelection.layers("all", layers: 3), [0, 1, 2])
    }

    func testBadSelectionsAreErrors() {
        XCTAssertThrowsError(try TapSelection.layers("5-3", layers: 8))
        XCTAssertThrowsError(try TapSelection.taps("resid_post:9", layers: 8))
        XCTAssertThrowsError(try TapSelection.taps("blocks.9.hook_resid_post", layers: 8))
        XCTAssertThrowsError(try TapSelection.taps("resid_sideways", layers: 8))
        // Blank items and empty layer parts are errors, not traps or silent defaults.
        for spec in ["resid_post, ", ",resid_post", "resid_post,,mlp_out", "", " ", "resid_post:"] {
            XCTAssertThrowsError(try TapSelection.taps(spec, layers: 8), "'\(spec)'")
        }
        XCTAssertThrowsError(try TapSelection.layers("", layers: 8))
        XCTAssertThrowsError(try TapSelection.layers("1++2", layers: 8))
        XCTAssertThrowsError(try TapSelection.layers("-1", layers: 8))
    }
}
