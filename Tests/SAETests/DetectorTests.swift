import XCTest
import Foundation
import Detectors
import Kernels
import Taps
@testable import SAE

final class DetectorTests: XCTestCase {
    static let modelHash = String(repeating: "cd", count: 32)

    func bundleDirectory() throws -> URL {
        let url = try tempDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func sae(hook: String? = "blocks.1.hook_resid_post") throws -> SparseAutoencoder {
        try randomSAE(inputWidth: 64, latents: 100, architecture: .topK(k: 6), seed: 21,
                      normalization: .expectedAverageOnlyIn(scale: 1.25)).with(metadata: SAEMetadata(hookName: hook))
    }

    func spec(_ id: String, feature: Int, path: String = "saes/l1", tap: String = "blocks.1.hook_resid_post") -> DetectorSpec {
        DetectorSpec(id: id, kind: "sae_feature", tap: tap, dimension: 64, tensors: [:],
                     sae: SAEFeatureReference(path: path, feature: feature))
    }

    /// Writes the SAE into the bundle folder, builds the bundle in memory (verifying it), writes
    /// and reloads it from disk.
    func makeBundle(_ specs: [DetectorSpec], in dir: URL, sae: SparseAutoencoder, precision: SAEEncoderPrecision = .f32) throws -> SupervisorBundle {
        try SAELensFolder.write(sae, to: dir.appendingPathComponent("saes/l1"))
        var b = BundleBuilder(name: "sae", model: ModelBinding(sha256: Self.modelHash))
        try b.add(LinearProbe(id: "lin", tap: .residPost(1), weight: [Float](repeating: 0.01, count: 64), bias: 0))
        for s in specs { b.add(spec: s) }
        b.rules = [RuleSpec(id: "r", detectors: specs.map(\.id), threshold: 1, action: .flag)]
        let built = try b.build(registry: .withSAEFeatures(loader: SAEFeatureLoader(precision: precision, inMemoryBundleFolder: dir)))
        try built.write(to: dir)
        return try SupervisorBundle.load(dir, registry: .withSAEFeatures(loader: SAEFeatureLoader(precision: precision)))
    }

    func testFeatureDetectorsScoreSharedEncodings() throws {
        let dir = try bundleDirectory()
        let sae = try sae()
        // Pick the features a test input activates most, so scores are non-zero.
        let x = NormalSampler(seed: 5).unitVectors(1, 64).map { $0 * 6 }
        let code = try sae.encode(x)
        XCTAssertEqual(code.count, 6)
        let order = code.indices.indices.sorted { code.values[$0] > code.values[$1] }
        let f0 = code.indices[order[0]], f1 = code.indices[order[1]]
        let bundle = try makeBundle([spec("a", feature: f0), spec("b", feature: f1), spec("c", feature: 99)], in: dir, sae: sae)
        let a = try XCTUnwrap(bundle.detector("a") as? SAEFeatureDetector)
        let b = try XCTUnwrap(bundle.detector("b") as? SAEFeatureDetector)
        let c = try XCTUnwrap(bundle.detector("c") as? SAEFeatureDetector)
        XCTAssertEqual(a.kind, "sae_feature")
        XCTAssertEqual(a.tap, .residPost(1))
        XCTAssertTrue(a.encoder === b.encoder && b.encoder === c.encoder, "one loaded SAE for the three detectors")

        let dense = try sae.encodeDense(x)
        try x.withUnsafeBufferPointer { xp in
            XCTAssertEqual(try a.score(xp).bitPattern, dense[f0].bitPattern)
            XCTAssertEqual(try b.score(xp).bitPattern, dense[f1].bitPattern)
            XCTAssertEqual(try c.score(xp), dense[99])
            XCTAssertEqual(a.encoder.encodeCount, 1, "three scores of one vector, one encode")
            // Contributions: the most active features, largest first.
            let top = a.contributions(xp, top: 3)
            XCTAssertEqual(top.map(\.index), [f0, f1, code.indices[order[2]]])
            XCTAssertEqual(top[0].value, dense[f0])
            XCTAssertEqual(a.contributions(xp, top: 50).count, 6)
        }
        // A new vector encodes again; the old one again too (the cache holds one row) — and the
        // scores never depend on what was cached.
        var y = x
        y[3] += 1
        let sy = try y.withUnsafeBufferPointer { try a.score($0) }
        XCTAssertEqual(sy.bitPattern, try sae.encodeDense(y)[f0].bitPattern)
        XCTAssertEqual(a.encoder.encodeCount, 2)
        XCTAssertEqual(try x.withUnsafeBufferPointer { try b.score($0) }.bitPattern, dense[f1].bitPattern)
        XCTAssertEqual(a.encoder.encodeCount, 3)

        // Wrong width and non-finite input throw (the supervisor fails closed).
        XCTAssertThrowsError(try [Float](repeating: 0, count: 63).withUnsafeBufferPointer { try a.score($0) })
        var bad = x
        bad[0] = .nan
        XCTAssertThrowsError(try bad.withUnsafeBufferPointer { try a.score($0) })
        XCTAssertEqual(bad.withUnsafeBufferPointer { a.contributions($0, top: 3) }, [])
    }

    func testQ8EncoderDetectors() throws {
        let dir = try bundleDirectory()
        let sae = try sae()
        let bundle = try makeBundle([spec("a", feature: 3)], in: dir, sae: sae, precision: .q8_0)
        let a = try XCTUnwrap(bundle.detector("a") as? SAEFeatureDetector)
        XCTAssertEqual(a.encoder.precision, .q8_0)
        let x = NormalSampler(seed: 8).unitVectors(1, 64).map { $0 * 6 }
        let q8 = try QuantizedSAEEncoder(sae)
        XCTAssertEqual(try x.withUnsafeBufferPointer { try a.score($0) }.bitPattern, try q8.encode(x).value(of: 3).bitPattern)
    }

    func testBadReferencesAreRefused() throws {
        let sae = try sae()
        func expectRefused(_ s: DetectorSpec, _ fragment: String, line: UInt = #line) throws {
            let dir = try bundleDirectory()
            XCTAssertThrowsError(try makeBundle([s], in: dir, sae: sae), line: line) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)", line: line)
            }
        }
        try expectRefused(spec("a", feature: 100), "feature 100 is not in 0..<100")
        try expectRefused(spec("a", feature: -1), "feature -1")
        try expectRefused(spec("a", feature: 0, path: "../elsewhere"), "must be a relative path inside the bundle folder")
        try expectRefused(spec("a", feature: 0, path: "/etc"), "must be a relative path")
        try expectRefused(spec("a", feature: 0, path: "saes/missing"), "cannot read")
        try expectRefused(spec("a", feature: 0, tap: "blocks.2.hook_resid_post"), "trained on blocks.1.hook_resid_post")
        var noRef = spec("a", feature: 0)
        noRef.sae = nil
        try expectRefused(noRef, "needs \"sae\"")

        // Without the SAE registry the kind is unknown, with a clear message.
        let dir = try bundleDirectory()
        _ = try makeBundle([spec("a", feature: 1)], in: dir, sae: sae)
        XCTAssertThrowsError(try SupervisorBundle.load(dir)) {
            XCTAssertEqual($0 as? BundleError, .unknownDetectorKind("sae_feature", available: ["diff_mean", "linear", "mlp"]))
        }
        // A symlink out of the bundle is refused too.
        let linkDir = try bundleDirectory(), outside = try bundleDirectory()
        try SAELensFolder.write(sae, to: outside.appendingPathComponent("real"))
        try FileManager.default.createSymbolicLink(at: linkDir.appendingPathComponent("link"),
                                                   withDestinationURL: outside.appendingPathComponent("real"))
        XCTAssertThrowsError(try makeBundle([spec("a", feature: 1, path: "link")], in: linkDir, sae: sae)) {
            XCTAssertTrue("\($0)".contains("leaves the bundle folder"), "\($0)")
        }
    }
}
