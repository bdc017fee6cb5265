// Per-request steering: the `overseer.steer` array of a request, turned into a steering plan
// for that request's session.
//
// A client names sources, never paths: control vectors and SAEs the server was started with
// (`--control-vector NAME=FILE`, `--sae NAME=DIR`) and the bundles it loaded for supervision. So a
// request can only point the model at vectors the operator chose, and nothing on the server's
// disk beyond them is read on a client's behalf. Each request gets a plan of its own (conditions
// keep per-sequence state); its record — sources with their SHA-256, every applied vector's
// SHA-256 — goes into the response's `overseer.steering` and, for a supervised run, into the
// run's receipts, from which `overseer verify` rebuilds and replays it.

import Detectors
import Foundation
import Models
import SAE
import Steering

/// The steering sources a server offers its clients, by name.
public struct SteeringCatalog: @unchecked Sendable {
    // @unchecked: `DetectorRegistry` holds the detector decoders (closures that build fresh
    // detectors), read-only after start-up.
    public var controlVectors: [String: String]
    public var saes: [String: String]
    /// Loaded bundles' folders by name (bundles without a folder cannot be steering sources).
    public var bundles: [String: String]
    public var registry: DetectorRegistry
    /// The offered control vectors and SAEs, read and hashed once by `validate`; requests build
    /// their plans from these instead of reading the files again.
    private var sources = SteeringSources()
    /// Largest number of edits one request may ask for.
    public static let maxEdits = 16

    public init(controlVectors: [String: String] = [:], saes: [String: String] = [:], bundles: [String: String] = [:],
                registry: DetectorRegistry = .withSAEFeatures()) {
        self.controlVectors = controlVectors
        self.saes = saes
        self.bundles = bundles
        self.registry = registry
    }

    /// Reads every named vector and SAE once, at start-up, keeps them for the requests' plans,
    /// and checks each against the model (a plan with one neutral edit per source), so a bad
    /// file stops the server instead of failing requests.
    public mutating func validate(model config: ModelConfig) throws {
        for (name, path) in controlVectors.sorted(by: { $0.key < $1.key }) {
            let edit = EditSpec(kind: .add, source: .controlVector(files: [ControlVectorFile(path: path)], layerStart: nil, layerEnd: nil), scale: 0)
            do {
                try sources.keepControlVector(path)
                _ = try SteeringPlan.build(SteeringSpec(edits: [edit]), model: config, registry: registry, sources: sources)
            } catch {
                throw SteeringError.invalidEdit("control vector '\(name)' (\(path)): \(error)")
            }
        }
        for (name, path) in saes.sorted(by: { $0.key < $1.key }) {
            let edit = EditSpec(kind: .add, source: .sae(path: path, sha256: nil, latent: 0), scale: 0)
            do {
                try sources.keepAutoencoder(path)
                _ = try SteeringPlan.build(SteeringSpec(edits: [edit]), model: config, registry: registry, sources: sources)
            } catch {
                throw SteeringError.invalidEdit("SAE '\(name)' (\(path)): \(error)")
            }
        }
    }

    /// The plan for one request's edits; `supervisorBundle` is the folder of the bundle the
    /// request is supervised by, the default bundle of a `when` condition. 400s name the edit.
    func plan(_ edits: [EditRequest], supervisorBundle: String?, model config: ModelConfig) throws -> SteeringPlan {
        guard edits.count <= Self.maxEdits else {
            throw APIError.badRequest("at most \(Self.maxEdits) steering edits per request (got \(edits.count))", param: "overseer.steer")
        }
        var specs: [EditSpec] = []
        for (i, e) in edits.enumerated() {
            let param = "overseer.steer[\(i)]"
            do {
                var spec = try e.edit { kind, name in try self.path(kind, name) }
                if spec.condition?.bundle == "" {
                    guard let supervisorBundle else {
                        throw SteeringError.invalidEdit("'when' needs when_bundle (or a bundle source, or a supervised request)")
                    }
                    spec.condition?.bundle = supervisorBundle
                }
                specs.append(spec)
            } catch let error as SteeringError {
                throw APIError.badRequest(Self.message(error), param: param)
            }
        }
        do {
            return try SteeringPlan.build(SteeringSpec(edits: specs), model: config, registry: registry, sources: sources)
        } catch let error as SteeringError {
            throw APIError.badRequest(Self.message(error), param: "overseer.steer")
        } catch {
            // The sources were checked at start-up: a file that fails now is the server's fault.
            throw APIError(.internalServerError, "cannot build the steering plan: \(error)")
        }
    }

    /// A source name → its path; unknown names are refused with the names on offer.
    private func path(_ kind: EditRequest.SourceKind, _ name: String) throws -> String {
        let table: [String: String]
        let what: String
        switch kind {
        case .vector: (table, what) = (controlVectors, "control vector (--control-vector NAME=FILE)")
        case .sae: (table, what) = (saes, "SAE (--sae NAME=DIR)")
        case .bundle: (table, what) = (bundles, "loaded bundle")
        }
        guard let p = table[name] else {
            let offered = table.keys.sorted()
            throw SteeringError.invalidEdit("no \(what) named '\(name)' (offered: \(offered.isEmpty ? "none" : offered.joined(separator: ", ")))")
        }
        return p
    }

    private static func message(_ e: SteeringError) -> String {
        if case .invalidEdit(let m) = e { return m }
        return e.description
    }
}

/// A request's steering plan on its way from the HTTP side to the engine.
struct SteeringAttachment: @unchecked Sendable {
    // @unchecked: the plan (a class with per-sequence condition state) is built while the
    // request is planned and then used by the one engine thread that runs the job, never by two.
    let plan: SteeringPlan
}
