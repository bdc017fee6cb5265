// What S enforces: detectors and rules, plus the identities (bundle and model hashes) that
// receipts record. Usually built from a bundle; tests and tools may assemble one by hand
// (with detectors a bundle cannot express, such as one that throws).

import Detectors
import Foundation
import Taps

public enum SupervisorError: Error, Equatable, CustomStringConvertible {
    case bundle(String)
    case tapUnavailable(detector: String, tap: String, reason: String)
    case receipts(String)
    case key(String)
    case replay(String)
    /// The session's editor is not the recorded steering plan.
    case unrecordedEdit(String)

    public var description: String {
        switch self {
        case .bundle(let m): return m
        case .tapUnavailable(let d, let t, let why): return "detector '\(d)' reads \(t): \(why)"
        case .receipts(let m): return "receipts: \(m)"
        case .key(let m): return "signing key: \(m)"
        case .replay(let m): return "replay: \(m)"
        case .unrecordedEdit(let m): return "refused: \(m)"
        }
    }
}

/// Detectors and rules with the identities receipts record.
public struct Policy: @unchecked Sendable {
    // @unchecked: detectors are existentials whose concrete types hold only constant weights
    // after loading; scoring reads them and never writes.
    public let detectors: [any Detector]
    public let rules: [RuleSpec]
    /// SHA-256 of the bundle (see SupervisorBundle), or a caller's label for a hand-built policy.
    public let bundleSHA256: String
    public let bundleName: String
    /// Where the bundle lives, so replay can load it again.
    public let bundlePath: String?
    /// The model the detectors were trained for.
    public let modelSHA256: String

    public init(bundle: SupervisorBundle) {
        detectors = bundle.detectors
        rules = bundle.manifest.rules
        bundleSHA256 = bundle.sha256
        bundleName = bundle.manifest.name
        bundlePath = bundle.url?.path
        modelSHA256 = bundle.manifest.model.sha256
    }

    public init(detectors: [any Detector], rules: [RuleSpec], bundleSHA256: String, bundleName: String = "custom",
                bundlePath: String? = nil, modelSHA256: String) {
        self.detectors = detectors
        self.rules = rules
        self.bundleSHA256 = bundleSHA256
        self.bundleName = bundleName
        self.bundlePath = bundlePath
        self.modelSHA256 = modelSHA256
    }

    /// Throws unless every detector's tap exists in a model of this shape, with the detector's width.
    func checkTaps(layers: Int, dModel: Int, dFF: Int) throws {
        for d in detectors {
            if let l = d.tap.layer, l >= layers {
                throw SupervisorError.tapUnavailable(detector: d.id, tap: d.tap.description, reason: "the model has \(layers) layers")
            }
            let width: Int
            switch d.tap {
            case .mlpPre, .mlpPost: width = dFF
            default: width = dModel
            }
            guard width == d.dimension else {
                throw SupervisorError.tapUnavailable(detector: d.id, tap: d.tap.description,
                                                     reason: "the tap has \(width) values, the detector expects \(d.dimension)")
            }
        }
        for r in rules {
            for id in r.detectors where !detectors.contains(where: { $0.id == id }) {
                throw SupervisorError.bundle("rule '\(r.id)' names unknown detector '\(id)'")
            }
        }
    }
}
