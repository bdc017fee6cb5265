// Supervisor bundles: a folder with `bundle.json` (BundleManifest) and `weights.safetensors`.
//
// The bundle's SHA-256, which receipts record and replay checks, is
//
//   SHA-256( "overseer-bundle-v1" 0x00
//            ‖ u64le(len manifest) ‖ manifest bytes as stored
//            ‖ u64le(len weights)  ‖ weights bytes as stored )
//
// The lengths make the split between the two files unambiguous. Hashing the stored bytes (not a
// re-serialisation) means any edit to either file changes the hash; `write(to:)` reproduces the
// stored bytes exactly, so a bundle's hash survives a write → load round trip.

import Formats
import Foundation
import Taps

public enum BundleError: Error, Equatable, CustomStringConvertible {
    case io(String)
    case invalidManifest(String)
    case unsupportedFormat(String, version: Int)
    case weightsChecksum(expected: String, found: String)
    case tensor(detector: String, role: String, reason: String)
    case unknownDetectorKind(String, available: [String])
    case modelMismatch(bundle: String, model: String)
    case tapUnavailable(detector: String, tap: String, reason: String)

    public var description: String {
        switch self {
        case .io(let m): return m
        case .invalidManifest(let m): return "invalid bundle manifest: \(m)"
        case .unsupportedFormat(let f, let v): return "unsupported bundle format \(f) version \(v) (this build reads \(BundleManifest.formatName) 1)"
        case .weightsChecksum(let e, let f): return "bundle weights have SHA-256 \(f), the manifest expects \(e)"
        case .tensor(let d, let r, let why): return "detector '\(d)', tensor role '\(r)': \(why)"
        case .unknownDetectorKind(let k, let a):
            return "detector kind '\(k)' is not available in this build (available: \(a.joined(separator: ", ")))"
        case .modelMismatch(let b, let m):
            return "the bundle was trained for the model with SHA-256 \(b), but this model's SHA-256 is \(m)"
        case .tapUnavailable(let d, let t, let why): return "detector '\(d)' reads \(t): \(why)"
        }
    }
}

/// Reads a detector's tensors from the bundle's weights, checking dtype and shape.
public struct BundleTensors {
    public let file: SafetensorsFile
    /// The bundle folder (for kinds that keep extra files, like SAEs); nil in memory.
    public let folder: URL?

    /// F32 values of `role`; throws if missing (unless `optional`) or of another shape.
    /// `shapes` lists the accepted math-order shapes.
    public func floats(_ spec: DetectorSpec, _ role: String, shapes: [[Int]], optional: Bool = false) throws -> [Float]? {
        guard let name = spec.tensors[role] else {
            if optional { return nil }
            throw BundleError.tensor(detector: spec.id, role: role, reason: "missing from \"tensors\"")
        }
        guard let info = file.info(named: name) else {
            throw BundleError.tensor(detector: spec.id, role: role, reason: "tensor \"\(name)\" is not in the weights file")
        }
        guard info.dtype == .f32 else {
            throw BundleError.tensor(detector: spec.id, role: role, reason: "\(name) is \(info.dtype.rawValue), expected F32")
        }
        guard shapes.contains(info.shape) else {
            throw BundleError.tensor(detector: spec.id, role: role, reason: "\(name) has shape \(info.shape), expected one of \(shapes)")
        }
        let raw = file.rawBytes(info)
        return (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }

    public func require(_ spec: DetectorSpec, _ role: String, shapes: [[Int]]) throws -> [Float] {
        try floats(spec, role, shapes: shapes)!
    }

    /// The optional input standardisation (`input_mean` and `input_scale`, both or neither).
    public func standardization(_ spec: DetectorSpec) throws -> Standardization? {
        let D = spec.dimension
        let mean = try floats(spec, "input_mean", shapes: [[D]], optional: true)
        let scale = try floats(spec, "input_scale", shapes: [[D]], optional: true)
        switch (mean, scale) {
        case (nil, nil): return nil
        case (let m?, let s?):
            guard s.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw BundleError.tensor(detector: spec.id, role: "input_scale", reason: "every scale must be finite and > 0")
            }
            return Standardization(mean: m, scale: s)
        default:
            throw BundleError.tensor(detector: spec.id, role: "input_mean", reason: "input_mean and input_scale come together")
        }
    }
}

/// Builds detectors of each kind from manifest entries. SAE features (issue 6) register here.
public struct DetectorRegistry: @unchecked Sendable {
    // @unchecked Sendable: builder closures are pure factories, registered before the registry is shared.
    public typealias Builder = (DetectorSpec, TapPoint, BundleTensors) throws -> any Detector
    private var builders: [String: Builder] = [:]

    public init() {}

    public mutating func register(kind: String, _ builder: @escaping Builder) { builders[kind] = builder }

    public var kinds: [String] { builders.keys.sorted() }

    func build(_ spec: DetectorSpec, tap: TapPoint, tensors: BundleTensors) throws -> any Detector {
        guard let b = builders[spec.kind] else { throw BundleError.unknownDetectorKind(spec.kind, available: kinds) }
        let d = try b(spec, tap, tensors)
        guard d.dimension == spec.dimension else {
            throw BundleError.invalidManifest("detector '\(spec.id)' declares dimension \(spec.dimension), its tensors give \(d.dimension)")
        }
        return d
    }

    /// linear, diff_mean and mlp.
    public static let standard: DetectorRegistry = {
        var r = DetectorRegistry()
        r.register(kind: "linear") { spec, tap, t in
            let D = spec.dimension
            return LinearProbe(id: spec.id, tap: tap, weight: try t.require(spec, "weight", shapes: [[D], [1, D]]),
                               bias: try t.require(spec, "bias", shapes: [[], [1]])[0],
                               standardization: try t.standardization(spec), output: spec.output ?? .sigmoid)
        }
        r.register(kind: "diff_mean") { spec, tap, t in
            let D = spec.dimension
            return try DirectionDetector(id: spec.id, tap: tap, direction: try t.require(spec, "direction", shapes: [[D], [1, D]]),
                                         mean: try t.floats(spec, "mean", shapes: [[D]], optional: true),
                                         scale: try t.floats(spec, "scale", shapes: [[], [1]], optional: true)?[0] ?? 1,
                                         normalization: spec.normalization ?? .none)
        }
        r.register(kind: "mlp") { spec, tap, t in
            let D = spec.dimension
            guard let name = spec.tensors["b1"], let info = t.file.info(named: name), info.shape.count == 1 else {
                throw BundleError.tensor(detector: spec.id, role: "b1", reason: "missing or not a vector")
            }
            let H = info.shape[0]
            return try MLPProbe(id: spec.id, tap: tap, w1: try t.require(spec, "w1", shapes: [[H, D]]),
                                b1: try t.require(spec, "b1", shapes: [[H]]),
                                w2: try t.require(spec, "w2", shapes: [[H], [1, H]]),
                                b2: try t.require(spec, "b2", shapes: [[], [1]])[0],
                                activation: spec.activation ?? .relu,
                                standardization: try t.standardization(spec), output: spec.output ?? .sigmoid)
        }
        return r
    }()
}

/// A loaded, verified supervisor bundle.
///
/// ```swift
/// let bundle = try SupervisorBundle.load(URL(fileURLWithPath: "harm.bundle"))
/// try bundle.checkModel(sha256: modelHash)      // refuses a bundle trained for another model
/// print(bundle.sha256, bundle.detectors.map(\.id))
/// ```
public final class SupervisorBundle: @unchecked Sendable {
    // @unchecked Sendable: immutable after loading; detectors are read-only scorers.
    public static let manifestFileName = "bundle.json"
    public static let weightsFileName = "weights.safetensors"

    public let manifest: BundleManifest
    /// Detectors in manifest order.
    public let detectors: [any Detector]
    /// See the file header.
    public let sha256: String
    /// Where it was loaded from or last written to.
    public private(set) var url: URL?
    public let manifestBytes: Data
    public let weightsBytes: Data

    /// Verifies and builds a bundle from its two files' bytes.
    public init(manifestBytes: Data, weightsBytes: Data, folder: URL? = nil, registry: DetectorRegistry = .standard) throws {
        let manifest: BundleManifest
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: manifestBytes)
        } catch {
            throw BundleError.invalidManifest("\(error)")
        }
        guard manifest.format == BundleManifest.formatName, manifest.formatVersion == BundleManifest.currentVersion else {
            throw BundleError.unsupportedFormat(manifest.format, version: manifest.formatVersion)
        }
        let weightsHash = Digest.sha256(weightsBytes)
        guard weightsHash == manifest.weights.sha256 else {
            throw BundleError.weightsChecksum(expected: manifest.weights.sha256, found: weightsHash)
        }
        try Self.validate(manifest)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(bytes: weightsBytes) } catch { throw BundleError.io("bundle weights: \(error)") }
        let tensors = BundleTensors(file: file, folder: folder)
        detectors = try manifest.detectors.map { spec in
            try registry.build(spec, tap: TapPoint(name: spec.tap)!, tensors: tensors)
        }
        self.manifest = manifest
        self.manifestBytes = manifestBytes
        self.weightsBytes = weightsBytes
        self.url = folder
        sha256 = Self.sha256(manifest: manifestBytes, weights: weightsBytes)
    }

    /// Serialises `manifest` (filling in the weights' SHA-256) and builds the bundle.
    public convenience init(manifest: BundleManifest, weights: Data, registry: DetectorRegistry = .standard) throws {
        var m = manifest
        m.weights.sha256 = Digest.sha256(weights)
        try self.init(manifestBytes: try m.encoded(), weightsBytes: weights, registry: registry)
    }

    /// Loads `folder/bundle.json` and its weights file, verifying both.
    public static func load(_ folder: URL, registry: DetectorRegistry = .standard) throws -> SupervisorBundle {
        let manifestURL = folder.appendingPathComponent(manifestFileName)
        let manifestBytes = try readRegularFile(manifestURL, limit: maxManifestBytes)
        let weightsName: String
        do {
            weightsName = try JSONDecoder().decode(BundleManifest.self, from: manifestBytes).weights.file
        } catch {
            throw BundleError.invalidManifest("\(error)")
        }
        guard !weightsName.isEmpty, !weightsName.contains("/"), weightsName != "..", weightsName != "." else {
            throw BundleError.invalidManifest("weights file must be a plain file name in the bundle folder")
        }
        let weightsURL = folder.appendingPathComponent(weightsName)
        let weightsBytes = try readRegularFile(weightsURL, limit: Int.max)
        return try SupervisorBundle(manifestBytes: manifestBytes, weightsBytes: weightsBytes,
                                    folder: folder.standardizedFileURL, registry: registry)
    }

    /// The largest bundle.json read (a manifest is a few kilobytes).
    public static let maxManifestBytes = 16 << 20

    /// Reads a file only if it is a regular one of at most `limit` bytes: a bundle folder may come
    /// from a receipt log nobody vouches for, where bundle.json could be a FIFO (the read would
    /// block) or a link to /dev/zero (it would never end).
    static func readRegularFile(_ url: URL, limit: Int) throws -> Data {
        var st = stat()
        guard stat(url.path, &st) == 0 else { throw BundleError.io("cannot read \(url.path)") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw BundleError.io("\(url.path) is not a regular file") }
        guard st.st_size <= limit else { throw BundleError.io("\(url.path) is larger than \(limit) bytes") }
        guard let data = try? Data(contentsOf: url) else { throw BundleError.io("cannot read \(url.path)") }
        return data
    }

    /// Writes the two files (creating the folder); the stored bytes are written unchanged.
    public func write(to folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try manifestBytes.write(to: folder.appendingPathComponent(Self.manifestFileName), options: .atomic)
            try weightsBytes.write(to: folder.appendingPathComponent(manifest.weights.file), options: .atomic)
        } catch {
            throw BundleError.io("cannot write bundle to \(folder.path): \(error)")
        }
        url = folder.standardizedFileURL
    }

    /// Throws `modelMismatch` unless the bundle was trained for the model with this SHA-256.
    public func checkModel(sha256 modelHash: String) throws {
        guard manifest.model.sha256.lowercased() == modelHash.lowercased() else {
            throw BundleError.modelMismatch(bundle: manifest.model.sha256, model: modelHash)
        }
    }

    public func detector(_ id: String) -> (any Detector)? { detectors.first { $0.id == id } }

    /// The bundle hash of a manifest and weights (see the file header).
    public static func sha256(manifest: Data, weights: Data) -> String {
        Digest.sha256(tag: "overseer-bundle-v1", parts: [manifest, weights])
    }

    static func validate(_ m: BundleManifest) throws {
        func bad(_ s: String) -> BundleError { .invalidManifest(s) }
        guard m.model.sha256.count == 64, m.model.sha256.allSatisfy(\.isHexDigit) else {
            throw bad("model.sha256 must be 64 hex digits")
        }
        guard !m.detectors.isEmpty else { throw bad("no detectors") }
        var ids = Set<String>()
        for d in m.detectors {
            guard !d.id.isEmpty, ids.insert(d.id).inserted else { throw bad("detector id '\(d.id)' is empty or repeated") }
            guard TapPoint(name: d.tap) != nil else { throw bad("detector '\(d.id)': '\(d.tap)' is not a tap name") }
            guard d.dimension > 0, d.dimension <= 1 << 20 else { throw bad("detector '\(d.id)': dimension \(d.dimension)") }
        }
        var ruleIDs = Set<String>()
        for r in m.rules {
            guard !r.id.isEmpty, ruleIDs.insert(r.id).inserted else { throw bad("rule id '\(r.id)' is empty or repeated") }
            guard !r.detectors.isEmpty else { throw bad("rule '\(r.id)' names no detector") }
            for d in r.detectors where !ids.contains(d) { throw bad("rule '\(r.id)' names unknown detector '\(d)'") }
            guard r.threshold.isFinite else { throw bad("rule '\(r.id)': threshold must be finite") }
            try r.aggregation.validate()
        }
    }
}
