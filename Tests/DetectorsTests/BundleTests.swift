import XCTest
import Crypto
import Formats
import Taps
@testable import Detectors

final class BundleTests: XCTestCase {
    static let modelHash = String(repeating: "ab", count: 32)

    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func sampleBuilder() throws -> BundleBuilder {
        var b = BundleBuilder(name: "sample", description: "all three kinds", model: ModelBinding(sha256: Self.modelHash, dModel: 4, layers: 2),
                              training: .object(["auroc": .number(0.97), "data": .string("built-in")]))
        try b.add(LinearProbe(id: "lin", tap: .residPost(1), weight: [1, -1, 0.5, 2], bias: -0.25,
                              standardization: Standardization(mean: [0, 1, 0, 1], scale: [1, 2, 1, 2])))
        try b.add(DirectionDetector(id: "dir", tap: .residMid(0), direction: [1, 1, 0, 0], mean: [0, 0, 1, 1], scale: 3,
                                    normalization: .unit))
        try b.add(MLPProbe(id: "mlp", tap: .residPost(0), w1: (0..<12).map { Float($0) / 10 - 0.5 }, b1: [0, 0.1, -0.1],
                           w2: [1, -1, 0.5], b2: 0.2, activation: .gelu))
        b.rules = [RuleSpec(id: "stop", detectors: ["lin", "mlp"], aggregation: Aggregation(kind: .max, window: 3),
                            threshold: 0.9, action: .halt),
                   RuleSpec(id: "note", detectors: ["dir"], aggregation: Aggregation(kind: .ema, window: 4), threshold: 1,
                            action: .flag, scope: .generation)]
        return b
    }

    func testWriteLoadRoundTripKeepsBytesAndHash() throws {
        let bundle = try sampleBuilder().build()
        let dir = try tempDir().appendingPathComponent("b.bundle")
        try bundle.write(to: dir)
        let loaded = try SupervisorBundle.load(dir)
        XCTAssertEqual(loaded.sha256, bundle.sha256)
        XCTAssertEqual(loaded.manifest, bundle.manifest)
        XCTAssertEqual(loaded.detectors.map(\.id), ["lin", "dir", "mlp"])
        XCTAssertEqual(loaded.detectors.map(\.tap), [.residPost(1), .residMid(0), .residPost(0)])
        // Same scores after the round trip.
        let x: [Float] = [0.3, -1, 2, 0.5]
        for (a, b) in zip(bundle.detectors, loaded.detectors) {
            let sa = try x.withUnsafeBufferPointer { try a.score($0) }
            let sb = try x.withUnsafeBufferPointer { try b.score($0) }
            XCTAssertEqual(sa.bitPattern, sb.bitPattern)
        }
        // Writing again gives the same files and hash; building again gives the same hash.
        let again = try tempDir().appendingPathComponent("c.bundle")
        try loaded.write(to: again)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("bundle.json")),
                       try Data(contentsOf: dir.appendingPathComponent("bundle.json")))
        XCTAssertEqual(try SupervisorBundle.load(again).sha256, bundle.sha256)
        XCTAssertEqual(try sampleBuilder().build().sha256, bundle.sha256)
    }

    func testHashDefinition() throws {
        let bundle = try sampleBuilder().build()
        var h = SHA256()
        h.update(data: Data("overseer-bundle-v1".utf8) + Data([0]))
        for part in [bundle.manifestBytes, bundle.weightsBytes] {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { h.update(bufferPointer: $0) }
            h.update(data: part)
        }
        XCTAssertEqual(bundle.sha256, h.finalize().map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(bundle.manifest.weights.sha256, SHA256.hash(data: bundle.weightsBytes).map { String(format: "%02x", $0) }.joined())
    }

    func testEditedWeightsOrManifestAreRefusedOrRehashed() throws {
        let bundle = try sampleBuilder().build()
        var weights = bundle.weightsBytes
        weights[weights.count - 1] ^= 1
        XCTAssertThrowsError(try SupervisorBundle(manifestBytes: bundle.manifestBytes, weightsBytes: weights)) {
            guard case BundleError.weightsChecksum = $0 else { return XCTFail("\($0)") }
        }
        // A manifest edit that still parses changes the bundle's hash.
        let edited = Data(String(decoding: bundle.manifestBytes, as: UTF8.self).replacingOccurrences(of: "\"threshold\" : 0.9", with: "\"threshold\" : 0.8").utf8)
        XCTAssertNotEqual(edited, bundle.manifestBytes)
        XCTAssertNotEqual(try SupervisorBundle(manifestBytes: edited, weightsBytes: bundle.weightsBytes).sha256, bundle.sha256)
    }

    func testModelCheck() throws {
        let bundle = try sampleBuilder().build()
        XCTAssertNoThrow(try bundle.checkModel(sha256: Self.modelHash))
        XCTAssertThrowsError(try bundle.checkModel(sha256: String(repeating: "0", count: 64))) {
            guard case BundleError.modelMismatch = $0 else { return XCTFail("\($0)") }
        }
    }

    func testInvalidManifestsAreRejected() throws {
        func expectInvalid(_ edit: (inout BundleManifest) -> Void, file: StaticString = #filePath, line: UInt = #line) throws {
            let base = try sampleBuilder().build()
            var m = base.manifest
            edit(&m)
            XCTAssertThrowsError(try SupervisorBundle(manifest: m, weights: base.weightsBytes), file: file, line: line)
        }
        try expectInvalid { $0.detectors[0].tap = "blocks.x.hook_resid_post" }
        try expectInvalid { $0.detectors[1].id = "lin" }
        try expectInvalid { $0.rules[0].detectors = ["nope"] }
        try expectInvalid { $0.rules[0].threshold = .nan }
        try expectInvalid { $0.detectors[0].dimension = 5 }
        try expectInvalid { $0.detectors[0].tensors["weight"] = "missing" }
        try expectInvalid { $0.model.sha256 = "xyz" }
        try expectInvalid { $0.formatVersion = 2 }
    }

    func testSAEFeatureKindIsReservedAndPluggable() throws {
        var b = try sampleBuilder()
        b.add(spec: DetectorSpec(id: "feat", kind: "sae_feature", tap: "blocks.1.hook_resid_post", dimension: 4, tensors: [:],
                                 sae: SAEFeatureReference(path: "sae", feature: 17, sha256: nil)))
        XCTAssertThrowsError(try b.build()) {
            guard case BundleError.unknownDetectorKind("sae_feature", _) = $0 else { return XCTFail("\($0)") }
        }
        var registry = DetectorRegistry.standard
        registry.register(kind: "sae_feature") { spec, tap, _ in
            LinearProbe(id: spec.id, tap: tap, weight: [Float](repeating: 0, count: spec.dimension), bias: Float(spec.sae!.feature))
        }
        let bundle = try b.build(registry: registry)
        XCTAssertEqual(bundle.detector("feat")?.tap, .residPost(1))
        XCTAssertEqual(bundle.manifest.detectors.last?.sae?.feature, 17)
    }

    func testSafetensorsBuilderOutputReadsBack() throws {
        var b = SafetensorsBuilder()
        b.metadata["format"] = "overseer"
        try b.add("a", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        try b.add("s", shape: [], values: [7])
        XCTAssertThrowsError(try b.add("a", shape: [1], values: [1]))
        XCTAssertThrowsError(try b.add("bad", dtype: .f32, shape: [2], bytes: Data([0, 0, 0, 0])))
        let bytes = b.bytes()
        XCTAssertEqual(bytes, b.bytes())
        let file = try SafetensorsFile(bytes: bytes)
        XCTAssertEqual(file.metadata, ["format": "overseer"])
        XCTAssertEqual(file.info(named: "a")?.shape, [2, 3])
        XCTAssertEqual(file.info(named: "s")?.shape, [])
        let raw = file.rawBytes(named: "a")!
        XCTAssertEqual((0..<6).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }, [1, 2, 3, 4, 5, 6])
    }
}

/// Training metadata is free-form JSON, but numbers keep their kind: integers (seeds above 2^53
/// included) survive a write and a read, and a typed record decodes back unchanged.
final class JSONValueTests: XCTestCase {
    struct Record: Codable, Equatable { var seed: UInt64; var rows: Int; var auroc: Double; var name: String }

    func testIntegersSurviveAndTypedRecordsRoundTrip() throws {
        let record = Record(seed: UInt64.max - 6, rows: 1320, auroc: 0.972, name: "harm")
        let value = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(record))
        guard case .object(let o) = value else { return XCTFail("not an object") }
        XCTAssertEqual(o["seed"], .unsigned(UInt64.max - 6))
        XCTAssertEqual(o["rows"], .integer(1320))
        XCTAssertEqual(o["auroc"], .number(0.972))
        XCTAssertEqual(try value.decode(as: Record.self), record)
        XCTAssertEqual(JSONValue.integer(-5).doubleValue, -5)
        // Written as before: an integer-valued number has no fraction either way.
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(JSONValue.integer(1320)), as: UTF8.self), "1320")
    }
}
