// Supervisor bundles: bundle.json and weights.safetensors (one input split in two, see
// `splitInput`) through the bundle loader, which decodes the manifest, checks the weights and
// builds every detector; each detector that loads then scores a fixed vector of its width.
//
// The manifest pins the weights by SHA-256, which no mutation can match; as a forger would, the
// harness writes the weights' real hash wherever the manifest says WEIGHTS_SHA256, so the fuzzer
// reaches the manifest validation and the detector builders behind the pin.

import Detectors
import Formats
import Foundation

private let placeholder = Data("WEIGHTS_SHA256".utf8)

/// `manifest` with every WEIGHTS_SHA256 replaced by the hex SHA-256 of `weights`.
private func pinned(_ manifest: Data, to weights: Data) -> Data {
    let hash = Data(Digest.sha256(weights).utf8)
    var result = Data()
    var rest = manifest[...]
    while let r = rest.firstRange(of: placeholder) {
        result += rest[..<r.lowerBound] + hash
        rest = rest[r.upperBound...]
    }
    return result + rest
}

extension FuzzTargets {
    /// One input of the `fuzz-bundle` harness.
    public static func bundle(_ data: Data) {
        let (manifest, weights) = splitInput(data)
        guard let bundle = try? SupervisorBundle(manifestBytes: pinned(manifest, to: weights), weightsBytes: weights) else { return }
        for detector in bundle.detectors where detector.dimension <= 1 << 16 {
            // [D]: a deterministic ramp with both signs.
            let x = (0 ..< detector.dimension).map { Float($0 % 7) - 3 }
            x.withUnsafeBufferPointer { buffer in
                _ = try? detector.score(buffer)
                _ = detector.contributions(buffer, top: 4)
            }
        }
    }
}
