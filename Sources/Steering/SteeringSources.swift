// Where a steering plan's files come from: read from disk each time, or kept from an earlier read.
//
// A server builds one plan per steered request, and each plan names the same few control
// vectors and SAEs the operator offered at start-up. Reading and hashing them again per request
// (an SAE is tens of megabytes) would put file I/O on the request path for bytes already checked.
// `SteeringSources` keeps what it has read, by path, with the SHA-256 of the bytes it read; a
// plan built from it records exactly the hashes a plan read from disk would have recorded then.
// Bundles are not kept: a condition's detectors are built fresh for each plan.

import Foundation
import Formats
import SAE

/// Control vectors and SAEs by path, each with the SHA-256 of the bytes it was read from.
public struct SteeringSources: Sendable {
    struct Vector: Sendable {
        let vector: ControlVector
        let sha256: String
    }
    struct Autoencoder: Sendable {
        let sae: SparseAutoencoder
        let sha256: String
    }
    private var vectors: [String: Vector] = [:]
    private var autoencoders: [String: Autoencoder] = [:]

    /// Nothing kept: every lookup reads the file.
    public init() {}

    /// The control vector at `path` and the SHA-256 of its file.
    func controlVector(_ path: String) throws -> (ControlVector, String) {
        if let kept = vectors[path] { return (kept.vector, kept.sha256) }
        let url = URL(fileURLWithPath: path)
        let sha = try Digest.sha256(fileAt: url)
        return (try ControlVector.read(url), sha)
    }

    /// The SAE folder at `path` and its SHA-256 (`SAELensFolder.sha256`).
    func autoencoder(_ path: String) throws -> (SparseAutoencoder, String) {
        if let kept = autoencoders[path] { return (kept.sae, kept.sha256) }
        let url = URL(fileURLWithPath: path)
        let sha = try SAELensFolder.sha256(url)
        return (try SAELensFolder.read(url), sha)
    }

    /// Reads the control vector at `path` now and keeps it.
    public mutating func keepControlVector(_ path: String) throws {
        let (v, sha) = try controlVector(path)
        vectors[path] = Vector(vector: v, sha256: sha)
    }

    /// Reads the SAE folder at `path` now and keeps it.
    public mutating func keepAutoencoder(_ path: String) throws {
        let (s, sha) = try autoencoder(path)
        autoencoders[path] = Autoencoder(sae: s, sha256: sha)
    }
}
