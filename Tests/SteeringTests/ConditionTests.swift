import Detectors
import Foundation
import Models
import Steering
import Taps
import TestSupport
import XCTest

/// Conditional steering: an edit applies at exactly the positions where its rule fires.
final class ConditionTests: XCTestCase {
    func testEditSwitchesOnAndOffWhereTheRuleFires() throws {
        let f = try SteeringFixture.make(layers: 2)
        defer { f.remove() }
        let direction = f.vector(seed: 11)
        let detector = try DirectionDetector(id: "dm", tap: .residPost(0), direction: direction)
        // Scores of the plain run at the detector's tap (upstream of the edit, so unchanged).
        let plain = try f.run(nil, taps: [.residPost(0)])
        let scores = try plain.taps[.residPost(0)]!.map { row in try row.withUnsafeBufferPointer { try detector.score($0) } }
        let threshold = scores.sorted()[scores.count / 2]
        let expected = scores.map { $0 >= threshold }
        XCTAssertTrue(expected.contains(true) && expected.contains(false))

        var b = BundleBuilder(name: "cond", model: ModelBinding(sha256: try ModelFingerprint.sha256(of: f.url)))
        try b.add(detector)
        b.rules = [RuleSpec(id: "r", detectors: ["dm"], threshold: threshold, action: .log, scope: .prompt)]
        let bundle = f.file("c.bundle")
        try b.build().write(to: bundle)

        // Steer the last block's output (it only reaches its own position's logits).
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .bundle(path: bundle.path, sha256: nil, detector: "dm"), scale: 4,
                                                 taps: "resid_post:1", condition: ConditionSpec(bundle: bundle.path, rule: "r"))])
        let V = f.model.config.vocab
        var reference: [UInt32]?
        for batch in [1, 4, 16] {
            let plan = try SteeringPlan.build(spec, model: f.model.config)
            let steered = try f.run(plan, maxBatch: batch)
            for p in f.prompt.indices {
                XCTAssertEqual(plan.conditionFires(0, at: p), expected[p], "position \(p)")
                let a = Array(steered.logits[(p * V)..<((p + 1) * V)]), o = Array(plain.logits[(p * V)..<((p + 1) * V)])
                if expected[p] { XCTAssertNotEqual(bits(a), bits(o), "position \(p) fires: steered") }
                else { XCTAssertEqual(bits(a), bits(o), "position \(p) does not fire: untouched") }
            }
            XCTAssertEqual(plan.applied, expected.filter { $0 }.count)
            if let reference { XCTAssertEqual(bits(steered.logits), reference, "batch \(batch)") } else { reference = bits(steered.logits) }
        }

        // An edit upstream of (or at) its rule's detector is refused: the verdict is not known yet.
        var early = spec
        early.edits[0].taps = "resid_post:0"
        XCTAssertThrowsError(try SteeringPlan.build(early, model: f.model.config))
    }
}
