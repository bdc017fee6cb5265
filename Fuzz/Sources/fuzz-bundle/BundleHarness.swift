// Supervisor bundles: bundle.json and weights.safetensors (one input split in two, see
// `splitInput`) through the bundle loader, which decodes the manifest, checks the weights and
// builds every detector; each detector that loads then scores a fixed vector of its width.
//
// The manifest pins the weights by SHA-256, which no mutation can match; as a forger would, the
// harness writes the weights' real hash wherever the manifest says WEIGHTS_SHA256, so the fuzzer
// reaches the manifest validation and the detector builders behind the pin.

import Crypto
import Detectors
import FuzzSupport
import Foundation

let placeholder = Data("WEIGHTS_SHA256".utf8)

/// `manifest` with every WEIGHTS_SHA256 replaced by the hex SHA-256 of `weights`.
func pinned(_ manifest: Data, to weights: Data) -> Data {
    let hash = Data(SHA256.hash(data: weights).map { String(format: "%02x", $0) }.joined().utf8)
    var result = Data()
    var rest = manifest[...]
    while let r = rest.firstRange(of: placeholder) {
        result += rest[..<r.lowerBound] + hash
        rest = rest[r.upperBound...]
    }
    return result + rest
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let (manifest, weights) = splitInput(fuzzData(bytes, count))
    guard let bundle = try? SupervisorBundle(manifestBytes: pinned(manifest, to: weights), weightsBytes: weights) else { return 0 }
    for detector in bundle.detectors where detector.dimension <= 1 << 16 {
        // [D]: a deterministic ramp with both signs.
        let x = (0 ..< detector.dimension).map { Float($0 % 7) - 3 }
        x.withUnsafeBufferPointer { buffer in
            _ = try? detector.score(buffer)
            _ = detector.contributions(buffer, top: 4)
        }
    }
    return 0
}
