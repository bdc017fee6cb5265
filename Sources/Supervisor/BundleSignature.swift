// Signed supervisor bundles.
//
// A bundle's SHA-256 (over bundle.json and its weights) says which bundle it is; pinning that
// hash (`--expect-sha256`) works when the user knows the hash in advance. A signature says who
// vouches for it: whoever holds the key signs the hash once, the signature travels in the
// bundle's folder, and a run that names the signer's public key (`--bundle-signer`) refuses the
// bundle unless the signature is valid for the bundle as loaded. Editing bundle.json (say,
// raising a threshold) or the weights changes the hash, so the old signature no longer fits.
// The file, `signature.json` in the bundle folder:
//
//   {"format": "overseer-bundle-signature", "version": 1, "bundle_sha256": "<64 hex>",
//    "signer": "<Ed25519 public key, 64 hex>", "signature": "<128 hex>"}
//
// The signature is Ed25519 over the bytes "overseer-bundle-v1\n<bundle_sha256>", a message no
// receipt or checkpoint signature covers, so one cannot stand in for another.

import Detectors
import Foundation

/// A signer's Ed25519 signature over a bundle's SHA-256.
///
/// ```swift
/// let s = try BundleSignature.sign(bundle, signer: try ReceiptSigner(keyFile: keyURL))
/// try s.write(into: folder)
/// // later, on load:
/// try BundleSignature.check(bundle, folder: folder, signer: expectedPublicKeyHex)
/// ```
public struct BundleSignature: Sendable, Codable, Equatable {
    public static let formatName = "overseer-bundle-signature"
    public static let fileName = "signature.json"
    public var format = BundleSignature.formatName
    public var version = 1
    public var bundleSHA256: String
    public var signer: String
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case format, version, signer, signature
        case bundleSHA256 = "bundle_sha256"
    }

    /// The bytes the signature covers.
    static func message(bundleSHA256: String) -> Data { Data("overseer-bundle-v1\n\(bundleSHA256.lowercased())".utf8) }

    /// Signs `bundle`'s SHA-256.
    public static func sign(_ bundle: SupervisorBundle, signer: ReceiptSigner) throws -> BundleSignature {
        let signature = try signer.sign(message: message(bundleSHA256: bundle.sha256))
        return BundleSignature(bundleSHA256: bundle.sha256, signer: signer.publicKeyHex, signature: signature)
    }

    /// Writes `signature.json` into the bundle's folder (replacing an older one).
    public func write(into folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let url = folder.appendingPathComponent(Self.fileName)
        do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
            throw SupervisorError.bundle("cannot write \(url.path): \(error)")
        }
    }

    /// Reads a bundle folder's `signature.json` (a regular file of at most 64 KiB).
    public static func read(from folder: URL) throws -> BundleSignature {
        let url = folder.appendingPathComponent(fileName)
        guard UntrustedPath.kind(url.path) == S_IFREG else {
            throw SupervisorError.bundle("the bundle \(folder.path) is not signed (no \(fileName))")
        }
        guard let data = try? Data(contentsOf: url), data.count <= 1 << 16 else { throw SupervisorError.bundle("cannot read \(url.path)") }
        let s: BundleSignature
        do { s = try JSONDecoder().decode(BundleSignature.self, from: data) } catch {
            throw SupervisorError.bundle("\(url.path) is not a bundle signature: \(error)")
        }
        guard s.format == formatName, s.version == 1 else { throw SupervisorError.bundle("\(url.path): unsupported signature format") }
        return s
    }

    /// Throws unless this signature is `signer`'s and valid for a bundle whose SHA-256 is `sha256`.
    public func check(sha256: String, signer pinned: String) throws {
        guard pinned.lowercased() == signer.lowercased() else {
            throw SupervisorError.bundle("the bundle is signed by \(signer), not by the expected signer \(pinned.lowercased())")
        }
        guard bundleSHA256.lowercased() == sha256.lowercased() else {
            throw SupervisorError.bundle("the signature is for bundle \(bundleSHA256), this bundle's SHA-256 is \(sha256): "
                                         + "the bundle was changed after it was signed")
        }
        guard ReceiptSigner.isValid(signature: signature, by: signer, for: Self.message(bundleSHA256: bundleSHA256)) else {
            throw SupervisorError.bundle("the bundle's signature is invalid")
        }
    }

    /// Throws unless `folder` holds a valid signature by `signer` (a public key, 64 hex) for `bundle`.
    public static func check(_ bundle: SupervisorBundle, folder: URL, signer: String) throws {
        try read(from: folder).check(sha256: bundle.sha256, signer: signer)
    }
}
