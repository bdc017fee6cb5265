import Detectors
import Foundation
import Models
import SAE
import Steering
import Taps
import TestSupport
import XCTest

/// Each edit kind against a hand computation, thread-count independence, and no change when
/// no edit is active.
final class EditTests: XCTestCase {
    /// A bundle with a standardised linear probe and a difference-of-means detector.
    func writeBundle(_ f: SteeringFixture, w: [Float], sigma: [Float], dm: [Float], threshold: Float = 0) throws -> URL {
        let sha = try ModelFingerprint.sha256(of: f.url)
        var b = BundleBuilder(name: "steer-test", model: ModelBinding(sha256: sha))
        try b.add(LinearProbe(id: "probe", tap: .residPost(0), weight: w, bias: 0,
                              standardization: Standardization(mean: [Float](repeating: 0.1, count: f.d), scale: sigma)))
        try b.add(try DirectionDetector(id: "dm", tap: .residPost(0), direction: dm))
        b.rules = [RuleSpec(id: "rule", detectors: ["dm"], threshold: threshold, action: .log, scope: .prompt)]
        let url = f.file("b.bundle")
        try b.build().write(to: url)
        return url
    }

    /// Ablation removes the direction: x − (x·û)û, computed here in Double from the plain run.
    func testAblateProjectsTheDirectionOut() throws {
        let f = try SteeringFixture.make(layers: 2)
        defer { f.remove() }
        let dm = f.vector(seed: 5)
        let bundle = try writeBundle(f, w: f.vector(seed: 1), sigma: [Float](repeating: 1, count: f.d), dm: dm)
        let spec = SteeringSpec(edits: [EditSpec(kind: .ablate, source: .bundle(path: bundle.path, sha256: nil, detector: "dm"),
                                                 taps: "resid_post:1")])
        let plan = try SteeringPlan.build(spec, model: f.model.config)
        let plain = try f.run(nil, taps: [.residPost(1)])
        let steered = try f.run(plan, taps: [.residPost(1)])
        let norm = dm.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let u = dm.map { Double($0) / norm }
        for p in f.prompt.indices {
            let x = plain.taps[.residPost(1)]![p].map(Double.init)
            let c = zip(x, u).reduce(0) { $0 + $1.0 * $1.1 }
            let expected = zip(x, u).map { $0 - c * $1 }
            let got = steered.taps[.residPost(1)]![p]
            for i in 0..<f.d { XCTAssertEqual(Double(got[i]), expected[i], accuracy: 1e-5 * max(1, abs(c))) }
            let left = zip(got.map(Double.init), u).reduce(0) { $0 + $1.0 * $1.1 }
            XCTAssertLessThan(abs(left), 1e-5 * max(1, abs(c)), "nothing left along the direction")
        }
    }

    /// A linear probe's steering direction is w/σ at unit length, at the probe's own tap.
    func testBundleProbeDirectionAdds() throws {
        let f = try SteeringFixture.make(layers: 2)
        defer { f.remove() }
        let w = f.vector(seed: 1)
        let sigma = (0..<f.d).map { Float(1 + $0 % 3) }
        let bundle = try writeBundle(f, w: w, sigma: sigma, dm: f.vector(seed: 2))
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .bundle(path: bundle.path, sha256: nil, detector: "probe"), scale: 3)])
        let plan = try SteeringPlan.build(spec, model: f.model.config)
        XCTAssertEqual(plan.points, [.residPost(0)])
        let raw = (0..<f.d).map { Double(w[$0] / sigma[$0]) }
        let n = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let unit = raw.map { Float($0 / n) }
        let plain = try f.run(nil, taps: [.residPost(0)])
        let steered = try f.run(plan, taps: [.residPost(0)])
        for p in f.prompt.indices {
            let expected = (0..<f.d).map { plain.taps[.residPost(0)]![p][$0] + unit[$0] * 3 }
            XCTAssertEqual(bits(steered.taps[.residPost(0)]![p]), bits(expected))
        }
        guard case .bundle(_, let sha, _) = plan.spec.edits[0].source else { return XCTFail() }
        XCTAssertEqual(sha, try SupervisorBundle.load(bundle).sha256)
    }

    /// Clamping latent i to c adds (c − a_i)·W_dec[i]/s to x; afterwards the SAE reads c.
    func testClampSetsTheLatent() throws {
        let f = try SteeringFixture.make(layers: 2)
        defer { f.remove() }
        var g = SeededGenerator(seed: 3)
        let L = 16, D = f.d
        var dec: [Float] = []
        for _ in 0..<L {
            let r = (0..<D).map { _ in g.normal() }
            let n = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            dec += r.map { $0 / n }
        }
        // Orthogonal-ish encoder rows = decoder rows, so clamping one latent moves mostly that one.
        let sae = try SparseAutoencoder(architecture: .relu, wEncT: dec, bEnc: [Float](repeating: 0.05, count: L), wDec: dec,
                                        bDec: [Float](repeating: 0, count: D), metadata: SAEMetadata(hookName: "blocks.1.hook_resid_post"))
        let folder = f.file("sae")
        try SAELensFolder.write(sae, to: folder)
        let latent = 4, value: Float = 7.5
        let spec = SteeringSpec(edits: [EditSpec(kind: .clamp, source: .sae(path: folder.path, sha256: nil, latent: latent), scale: value)])
        let plan = try SteeringPlan.build(spec, model: f.model.config)
        let plain = try f.run(nil, taps: [.residPost(1)])
        let steered = try f.run(plan, taps: [.residPost(1)])
        let back = try SAELensFolder.read(folder)
        for p in f.prompt.indices {
            let x = plain.taps[.residPost(1)]![p]
            let a = back.encodeReference(x)[latent]
            let expected = (0..<D).map { Double(x[$0]) + Double(value - a) * Double(dec[latent * D + $0]) }
            let got = steered.taps[.residPost(1)]![p]
            for i in 0..<D { XCTAssertEqual(Double(got[i]), expected[i], accuracy: 1e-5) }
            // Encoder row = decoder row (unit): the latent's pre-activation moves by c − a, so an
            // active latent now reads c.
            let before = try x.withUnsafeBufferPointer { try back.preActivations($0)[latent] }
            let after = try got.withUnsafeBufferPointer { try back.preActivations($0)[latent] }
            XCTAssertEqual(after - before, value - a, accuracy: 1e-4)
            if a > 0 { XCTAssertEqual(back.encodeReference(got)[latent], value, accuracy: 1e-4) }
        }
        // Clamp needs an SAE source.
        let bad = SteeringSpec(edits: [EditSpec(kind: .clamp, source: .controlVector(files: [], layerStart: nil, layerEnd: nil))])
        XCTAssertThrowsError(try SteeringPlan.build(bad, model: f.model.config))
    }

    /// Steered logits are the same bits for 1 to 4 threads and for any batch size.
    func testSteeredLogitsDoNotDependOnThreadsOrBatch() throws {
        let f = try SteeringFixture.make(layers: 3)
        defer { f.remove() }
        let url = f.file("cv.gguf")
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 1), 2: f.vector(seed: 2)]).write(to: url)
        let bundle = try writeBundle(f, w: f.vector(seed: 3), sigma: [Float](repeating: 1, count: f.d), dm: f.vector(seed: 4))
        let spec = SteeringSpec(edits: [controlVectorEdit(url.path, scale: 0.7),
                                        EditSpec(kind: .ablate, source: .bundle(path: bundle.path, sha256: nil, detector: "dm"),
                                                 taps: "resid_mid:1-2")])
        var reference: [UInt32]?
        for threads in 1...4 {
            for batch in [1, 3, 8] {
                let plan = try SteeringPlan.build(spec, model: f.model.config)
                let out = bits(try f.run(plan, threads: threads, maxBatch: batch).logits)
                if let reference { XCTAssertEqual(out, reference, "threads \(threads), batch \(batch)") } else { reference = out }
            }
        }
        XCTAssertNotEqual(reference, bits(try f.run(nil).logits))
    }

    /// No active edit, no change: scale 0 and a condition that never fires leave every logit as is.
    func testInactiveEditsChangeNothing() throws {
        let f = try SteeringFixture.make(layers: 2)
        defer { f.remove() }
        let plain = bits(try f.run(nil).logits)
        let url = f.file("cv.gguf")
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 1)]).write(to: url)
        let zero = try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(url.path, scale: 0)]), model: f.model.config)
        XCTAssertEqual(bits(try f.run(zero).logits), plain)
        let bundle = try writeBundle(f, w: f.vector(seed: 3), sigma: [Float](repeating: 1, count: f.d), dm: f.vector(seed: 4),
                                     threshold: 1e30)
        var edit = controlVectorEdit(url.path, scale: 5)
        edit.condition = ConditionSpec(bundle: bundle.path, rule: "rule")
        let never = try SteeringPlan.build(SteeringSpec(edits: [edit]), model: f.model.config)
        XCTAssertEqual(bits(try f.run(never).logits), plain)
        XCTAssertEqual(never.applied, 0)
        let empty = try SteeringPlan.build(SteeringSpec(edits: []), model: f.model.config)
        XCTAssertEqual(bits(try f.run(empty).logits), plain)
    }
}
