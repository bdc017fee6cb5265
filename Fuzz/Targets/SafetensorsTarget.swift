// safetensors: the header parser on raw bytes, then every tensor viewed and, where the dtype is
// one the kernels read, dequantized; the same bytes as a file through the memory-mapped path.

import Formats
import Foundation
import Kernels

extension FuzzTargets {
    /// One input of the `fuzz-safetensors` harness.
    public static func safetensors(_ data: Data) {
        if let file = try? SafetensorsFile(bytes: data) {
            for info in file.tensors {
                _ = file.rawBytes(info).count
                if let view = try? file.view(info) { _ = dequantize(view) }
            }
        }
        let url = scratchFile("model.safetensors", contents: data)
        if let file = try? SafetensorsFile(url: url), let first = file.tensors.first {
            _ = try? file.requireTensor(first.name)
        }
    }
}
