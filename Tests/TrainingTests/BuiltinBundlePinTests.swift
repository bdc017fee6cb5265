import Detectors
import Foundation
import Models
import TestSupport
@testable import Training
import XCTest

/// A built-in bundle is used only with its pinned bytes: an edited bundle.json (a threshold
/// raised to let a request through) is reported and not used.
final class BuiltinBundlePinTests: XCTestCase {
    func testEditedCachedCopyIsNotUsed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-pin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var b = BundleBuilder(name: "pin", model: ModelBinding(sha256: String(repeating: "1", count: 64)))
        try b.add(LinearProbe(id: "p", tap: .residPost(0), weight: [0.5, -0.25, 1, 0], bias: 0))
        b.rules = [RuleSpec(id: "stop", detectors: ["p"], threshold: 0.5, action: .halt, scope: .request)]
        let built = try b.build()
        try built.write(to: folder)
        var pinned = BuiltinBundle.harm
        pinned.expectedSHA256 = built.sha256
        var messages: [String] = []
        XCTAssertEqual(pinned.pinnedCopy(at: folder) { messages.append($0) }?.sha256, built.sha256)
        XCTAssertEqual(messages, [])

        let manifest = folder.appendingPathComponent(SupervisorBundle.manifestFileName)
        let text = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(text.contains("\"threshold\" : 0.5"), text)
        try Data(text.replacingOccurrences(of: "\"threshold\" : 0.5", with: "\"threshold\" : 0.9999999").utf8).write(to: manifest)
        XCTAssertNotNil(try? SupervisorBundle.load(folder), "the edited copy still loads on its own")
        XCTAssertNil(pinned.pinnedCopy(at: folder) { messages.append($0) })
        XCTAssertEqual(messages.count, 1)
        XCTAssertTrue(messages[0].contains("not the pinned \(built.sha256)"), messages[0])
    }
}
