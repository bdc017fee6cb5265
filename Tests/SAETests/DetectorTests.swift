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
                     sae: SAEFeatureReference(path: path, feature: feature, sha256: nil))
    }

    /// Writes the SAE into the bundle folder, builds the bundle in memory (verifying it), writes
    /// and reloads it from disk.
    /// Specs without a pin get the hash of the SAE written at saes/l1, and `precision`.
    func makeBundle(_ specs: [DetectorSpec], in dir: URL, sae: SparseAutoencoder, precision: SAEEncoderPrecision = .f32,
                    pin: Bool = true) throws -> SupervisorBundle {
        let folder = dir.appendingPathComponent("saes/l1")
        try SAELensFolder.write(sae, to: folder)
        let hash = try SAELensFolder.sha256(folder)
        var b = BundleBuilder(name: "sae", model: ModelBinding(sha256: Self.modelHash))
        try b.add(LinearProbe(id: "lin", tap: .residPost(1), weight: [Float](repeating: 0.01, count: 64), bias: 0))
        for var s in specs {
            if pin, s.sae?.sha256 == nil { s.sae?.sha256 = hash }
            s.sae?.precision = precision.rawValue
            b.add(spec: s)
        }
        b.rules = [RuleSpec(id: "r", detectors: specs.map(\.id), threshold: 1, action: .flag)]
        let built = try b.build(registry: .withSAEFeatures(loader: SAEFeatureLoader(inMemoryBundleFolder: dir)))
        try built.write(to: dir)
        return try SupervisorBundle.load(dir, registry: .withSAEFeatures())
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

    /// A Q4_1 bundle runs the Q4_1 encoder; scoring with the supervisor's pool gives the same
    /// bits as without it.
    func testQ4_1EncoderDetectorsAndPool() throws {
        let dir = try bundleDirectory()
        let sae = try sae()
        let bundle = try makeBundle([spec("a", feature: 3), spec("b", feature: 9)], in: dir, sae: sae, precision: .q4_1)
        let a = try XCTUnwrap(bundle.detector("a") as? SAEFeatureDetector)
        let b = try XCTUnwrap(bundle.detector("b") as? SAEFeatureDetector)
        XCTAssertEqual(a.encoder.precision, .q4_1)
        let q4 = try QuantizedSAEEncoder(sae, type: .q4_1)
        let pool = ThreadPool(threads: 2)
        for seed in 0..<4 as Range<UInt64> {
            let x = NormalSampler(seed: 20 + seed).unitVectors(1, 64).map { $0 * 6 }
            let code = try q4.encode(x)
            let serial = try x.withUnsafeBufferPointer { try a.score($0) }
            let pooled = try x.withUnsafeBufferPointer { try a.score($0, pool: pool) }
            XCTAssertEqual(serial.bitPattern, code.value(of: 3).bitPattern)
            XCTAssertEqual(pooled.bitPattern, serial.bitPattern)
            XCTAssertEqual(try x.withUnsafeBufferPointer { try b.score($0, pool: pool) }.bitPattern, code.value(of: 9).bitPattern)
        }
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

        // The SAE folder must be pinned, and its bytes must match the pin.
        let unpinned = try bundleDirectory()
        XCTAssertThrowsError(try makeBundle([spec("a", feature: 0)], in: unpinned, sae: sae, pin: false)) {
            XCTAssertTrue("\($0)".contains("must pin the SAE folder"), "\($0)")
        }
        let tampered = try bundleDirectory()
        _ = try makeBundle([spec("a", feature: 1)], in: tampered, sae: sae)
        let weights = tampered.appendingPathComponent("saes/l1/sae_weights.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        XCTAssertThrowsError(try SupervisorBundle.load(tampered, registry: .withSAEFeatures())) {
            XCTAssertTrue("\($0)".contains("the bundle pins"), "\($0)")
        }
        var badPrecision = spec("a", feature: 0)
        badPrecision.sae?.precision = "q2"
        let d2 = try bundleDirectory()
        try SAELensFolder.write(sae, to: d2.appendingPathComponent("saes/l1"))
        badPrecision.sae?.sha256 = try SAELensFolder.sha256(d2.appendingPathComponent("saes/l1"))
        var b = BundleBuilder(name: "sae", model: ModelBinding(sha256: Self.modelHash))
        b.add(spec: badPrecision)
        XCTAssertThrowsError(try b.build(registry: .withSAEFeatures(loader: SAEFeatureLoader(inMemoryBundleFolder: d2)))) {
            XCTAssertTrue("\($0)".contains("is not f32, q8_0 or q4_1"), "\($0)")
        }

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
