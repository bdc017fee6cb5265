// SAE features as supervisor detectors (manifest kind `sae_feature`).
//
// Legend: D = d_in (the tap's width), L = latents.
//
// A manifest entry
//   { "id": "deception", "kind": "sae_feature", "tap": "blocks.12.hook_resid_post", "dimension": 576,
//     "tensors": {}, "sae": { "path": "saes/l12", "feature": 1234 } }
// scores a token by feature 1234's activation in the SAELens folder `<bundle>/saes/l12`, and lists
// the token's most active features (index = feature, value = activation) as its contributions,
// so a receipt shows what else the SAE saw.
//
// Sharing. Detectors naming the same folder share one `SharedSAEEncoder`: one copy of the
// weights, and one encode per token. The supervisor calls every detector of a tap with the same
// vector, so the encoder keeps the last input and its code; a call whose input is bit-for-bit
// the cached one reuses the code. The cache is keyed by the whole vector (D floats compared, not
// a hash or a pointer), and encoding is deterministic, so a hit returns exactly what a fresh
// encode would: the cache can save work but never change a score, which is what the Detector
// contract (no state that changes results) asks. It is guarded by a lock, so detectors may be
// called from any thread. A batch caller can skip it and use `SharedSAEEncoder.encode`.
//
// Integrity. The SAE folder's files are not in the weights file, so the manifest pins them:
// `sae.sha256` (SAELensFolder.sha256) is checked before an SAE is used, and since the bundle's
// SHA-256 covers the manifest, it covers the SAE too. `sae.precision` fixes the encoder.

import Detectors
import Formats
import Foundation
import Kernels
import Taps

/// Which encoder a detector runs.
public enum SAEEncoderPrecision: String, Sendable, Codable, CaseIterable {
    /// The SAE's own F32 weights (bit-exact with `SparseAutoencoder.encode`).
    case f32
    /// A Q8_0 copy of W_encᵀ (`QuantizedSAEEncoder`): 27% of the F32 memory traffic, slightly
    /// different activations (see `EncoderComparison`).
    case q8_0
    /// A Q4_1 copy of W_encᵀ: 16% of the F32 traffic, coarser activations than Q8_0.
    case q4_1

    /// The block format of the quantized encoder, nil for F32.
    public var weightType: TensorType? {
        switch self {
        case .f32: return nil
        case .q8_0: return .q8_0
        case .q4_1: return .q4_1
        }
    }
}

/// One SAE shared by detectors, with a one-row cache (see the file header).
public final class SharedSAEEncoder: @unchecked Sendable {
    // @unchecked Sendable: the one-row cache is read and written under `lock`.
    public let sae: SparseAutoencoder
    public let precision: SAEEncoderPrecision
    let quantized: QuantizedSAEEncoder?
    private let lock = NSLock()
    private var cachedInput: [Float] = []        // [D], empty when nothing is cached
    private var cachedDense: [Float]             // [L]
    private var cachedCode = SparseCode()
    /// Encodes actually run (cache misses), for tests and statistics.
    public private(set) var encodeCount = 0

    public init(_ sae: SparseAutoencoder, precision: SAEEncoderPrecision = .f32) throws {
        self.sae = sae
        self.precision = precision
        quantized = try precision.weightType.map { try QuantizedSAEEncoder(sae, type: $0) }
        cachedDense = [Float](repeating: 0, count: sae.latents)
    }

    /// The code of x [D], without the cache. A pool spreads a quantized encoder's rows over its
    /// threads (same code with or without it); the F32 encoder runs on the caller's thread.
    public func encode(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil) throws -> SparseCode {
        if let quantized { return try quantized.encode(x, pool: pool) }
        return try sae.encode(x)
    }

    /// Runs `body` with the dense activations [L] and the code of x [D], encoding only when x
    /// differs from the last input.
    public func withActivations<R>(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool? = nil,
                                   _ body: (UnsafeBufferPointer<Float>, SparseCode) throws -> R) throws -> R {
        try sae.check(x)
        lock.lock()
        defer { lock.unlock() }
        let hit = cachedInput.count == x.count && cachedInput.withUnsafeBytes { c in
            memcmp(c.baseAddress!, x.baseAddress!, x.count * MemoryLayout<Float>.size) == 0
        }
        if !hit {
            let code = try encode(x, pool: pool)
            encodeCount += 1
            for i in cachedCode.indices { cachedDense[i] = 0 }
            for (i, v) in zip(code.indices, code.values) { cachedDense[i] = v }
            cachedCode = code
            cachedInput = Array(x)
        }
        return try cachedDense.withUnsafeBufferPointer { try body($0, cachedCode) }
    }

    /// FNV-1a (64-bit) over the SAE's architecture, sizes, normalisation and every weight's bits:
    /// a fingerprint of what this encoder computes (not a cryptographic hash). One pass over
    /// the weights per call.
    public func contentDigest() -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        func mix(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { byte(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
        for b in "\(sae.architecture) \(precision.rawValue)".utf8 { byte(b) }
        mix(UInt64(sae.inputWidth)); mix(UInt64(sae.latents))
        mix(UInt64(sae.normalization.scale.bitPattern)); mix(sae.applyBDecToInput ? 1 : 0)
        for a in [sae.wEncT, sae.bEnc, sae.wDec, sae.bDec, sae.threshold ?? []] { for v in a { mix(UInt64(v.bitPattern)) } }
        return String(format: "%016llx", h)
    }
}

/// Scores a token by one SAE feature's activation.
///
/// ```swift
/// let shared = try SharedSAEEncoder(sae)
/// let d = try SAEFeatureDetector(id: "f1234", tap: .residPost(12), feature: 1234, encoder: shared)
/// let s = try d.score(x)                       // feature 1234's activation on x [D]
/// let top = d.contributions(x, top: 5)         // the 5 most active features
/// ```
public final class SAEFeatureDetector: Detector {
    public static let kind = "sae_feature"
    public let id: String
    public var kind: String { Self.kind }
    public let tap: TapPoint
    public var dimension: Int { encoder.sae.inputWidth }
    public let feature: Int
    public let encoder: SharedSAEEncoder

    public init(id: String, tap: TapPoint, feature: Int, encoder: SharedSAEEncoder) throws {
        guard feature >= 0, feature < encoder.sae.latents else {
            throw DetectorError.failed(detector: id, reason: "feature \(feature) is not in 0..<\(encoder.sae.latents)")
        }
        self.id = id
        self.tap = tap
        self.feature = feature
        self.encoder = encoder
    }

    public func score(_ x: UnsafeBufferPointer<Float>) throws -> Float { try featureScore(x, pool: nil) }

    /// As `score(x)`, with the encoder's rows spread over `pool`.
    public func score(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool) throws -> Float { try featureScore(x, pool: pool) }

    private func featureScore(_ x: UnsafeBufferPointer<Float>, pool: ThreadPool?) throws -> Float {
        guard x.count == dimension else { throw DetectorError.dimensionMismatch(detector: id, expected: dimension, found: x.count) }
        if let i = x.firstIndex(where: { !$0.isFinite }) {
            throw DetectorError.failed(detector: id, reason: "input value \(i) is not finite")
        }
        return try encoder.withActivations(x, pool: pool) { dense, _ in dense[feature] }
    }

    /// The `top` most active features, largest activation first (ties: lower index); index =
    /// feature, value = activation.
    public func contributions(_ x: UnsafeBufferPointer<Float>, top: Int) -> [Contribution] {
        guard top > 0, x.count == dimension, x.allSatisfy({ $0.isFinite }) else { return [] }
        let code = (try? encoder.withActivations(x) { _, code in code }) ?? SparseCode()
        let order = code.indices.indices.sorted { a, b in
            let va = abs(code.values[a]), vb = abs(code.values[b])
            return va != vb ? va > vb : code.indices[a] < code.indices[b]
        }
        return order.prefix(top).map { Contribution(index: code.indices[$0], value: code.values[$0]) }
    }
}

/// Loads the SAEs `sae_feature` detectors name, once per folder and precision.
///
/// The loader caches by resolved folder path, precision and pinned hash for its whole lifetime:
/// every bundle built with a registry holding this loader shares the SAEs it has loaded. Before
/// an SAE is used its files are hashed and compared with the manifest's `sae.sha256`.
public final class SAEFeatureLoader: @unchecked Sendable {
    // @unchecked Sendable: the cache is read and written under `lock`.
    public let readOptions: SAELensReadOptions
    /// Where `sae.path` is resolved for bundles built in memory (`BundleBuilder.build`, which
    /// verifies a bundle before it has a folder): normally the folder it will be written to.
    public let inMemoryBundleFolder: URL?
    private let lock = NSLock()
    private var cache: [String: SharedSAEEncoder] = [:]

    public init(readOptions: SAELensReadOptions = SAELensReadOptions(), inMemoryBundleFolder: URL? = nil) {
        self.readOptions = readOptions
        self.inMemoryBundleFolder = inMemoryBundleFolder
    }

    /// The shared encoder of the SAELens folder at `url`, loading it on first use. With
    /// `sha256`, the folder's bytes must hash to it.
    public func encoder(folder url: URL, precision: SAEEncoderPrecision = .f32, sha256 pinned: String? = nil) throws -> SharedSAEEncoder {
        let key = url.standardizedFileURL.resolvingSymlinksInPath().path + "\0\(precision.rawValue)\0\(pinned ?? "")"
        lock.lock()
        defer { lock.unlock() }
        if let e = cache[key] { return e }
        let (cfg, weights) = try SAELensFolder.bytes(url)
        if let pinned {
            let found = SAELensFolder.sha256(config: cfg, weights: weights)
            guard found == pinned.lowercased() else {
                throw SAEError.io("the SAE folder's SHA-256 is \(found), the bundle pins \(pinned)")
            }
        }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(bytes: weights) } catch {
            throw SAEError.invalidWeights(tensor: "(file)", reason: "\(url.path): \(error)")
        }
        let e = try SharedSAEEncoder(try SAELensFolder.read(config: cfg, weights: file, options: readOptions), precision: precision)
        cache[key] = e
        return e
    }

    /// Folders loaded so far.
    public var loadedFolders: [String] {
        lock.lock()
        defer { lock.unlock() }
        return cache.keys.sorted()
    }

    /// Builds the detector of one manifest entry (the registry's builder).
    func build(_ spec: DetectorSpec, tap: TapPoint, tensors: BundleTensors) throws -> any Detector {
        func bad(_ why: String) -> BundleError { .tensor(detector: spec.id, role: "sae", reason: why) }
        guard let ref = spec.sae else {
            throw BundleError.invalidManifest("detector '\(spec.id)' of kind sae_feature needs \"sae\": {\"path\", \"feature\", \"sha256\"}")
        }
        guard let pinned = ref.sha256, pinned.count == 64, pinned.allSatisfy(\.isHexDigit) else {
            throw bad("\"sha256\" (64 hex digits) must pin the SAE folder, so the bundle's hash covers it")
        }
        guard let precision = SAEEncoderPrecision(rawValue: ref.precision ?? "f32") else {
            throw bad("precision \"\(ref.precision ?? "")\" is not f32, q8_0 or q4_1")
        }
        guard let bundle = tensors.folder ?? inMemoryBundleFolder else {
            throw bad("SAE features need the bundle's folder; for a bundle built in memory, give the loader inMemoryBundleFolder")
        }
        let parts = ref.path.split(separator: "/", omittingEmptySubsequences: false)
        guard !ref.path.isEmpty, !ref.path.hasPrefix("/"), !ref.path.contains("\\"),
              !parts.contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw bad("path \"\(ref.path)\" must be a relative path inside the bundle folder")
        }
        let root = bundle.standardizedFileURL.resolvingSymlinksInPath().path
        let folder = bundle.appendingPathComponent(ref.path)
        let resolved = folder.standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { throw bad("path \"\(ref.path)\" leaves the bundle folder") }
        let shared: SharedSAEEncoder
        do { shared = try encoder(folder: folder, precision: precision, sha256: pinned) } catch { throw bad("\(ref.path): \(error)") }
        if let hook = shared.sae.metadata.hookName, let saeTap = TapPoint(name: hook), saeTap != tap {
            throw bad("the SAE was trained on \(hook), the detector reads \(tap)")
        }
        do { return try SAEFeatureDetector(id: spec.id, tap: tap, feature: ref.feature, encoder: shared) } catch {
            throw bad("\(error)")
        }
    }
}

extension DetectorRegistry {
    /// Registers kind `sae_feature`, loading SAEs through `loader`.
    ///
    /// ```swift
    /// var registry = DetectorRegistry.standard
    /// registry.registerSAEFeatures()
    /// let bundle = try SupervisorBundle.load(url, registry: registry)
    ///
    /// // building one: the SAE folder already sits inside the bundle's future folder
    /// try SAELensFolder.write(sae, to: dir.appendingPathComponent("saes/l12"))
    /// var b = BundleBuilder(name: "sae", model: ModelBinding(sha256: modelHash))
    /// let pin = try SAELensFolder.sha256(dir.appendingPathComponent("saes/l12"))
    /// b.add(spec: DetectorSpec(id: "f7", kind: "sae_feature", tap: "blocks.12.hook_resid_post", dimension: 576,
    ///                          tensors: [:], sae: SAEFeatureReference(path: "saes/l12", feature: 7, sha256: pin)))
    /// try b.build(registry: .withSAEFeatures(loader: SAEFeatureLoader(inMemoryBundleFolder: dir))).write(to: dir)
    /// ```
    public mutating func registerSAEFeatures(loader: SAEFeatureLoader = SAEFeatureLoader()) {
        register(kind: SAEFeatureDetector.kind) { spec, tap, tensors in try loader.build(spec, tap: tap, tensors: tensors) }
    }

    /// `standard` plus `sae_feature`.
    public static func withSAEFeatures(loader: SAEFeatureLoader = SAEFeatureLoader()) -> DetectorRegistry {
        var r = DetectorRegistry.standard
        r.registerSAEFeatures(loader: loader)
        return r
    }
}
