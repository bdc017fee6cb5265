// llama.cpp control vectors: one direction per layer, stored as a GGUF file.
//
// File layout (as llama.cpp's `common_control_vector_load` and repeng's `export_gguf` use it):
//   general.architecture       string  "controlvector"
//   controlvector.model_hint   string  the model family the vector was trained on (informative)
//   controlvector.layer_count  u32     the number of direction tensors (informative)
//   direction.N                F32 [D] one per layer N ≥ 1; D = the model's embedding width
//
// Layer convention (llama.cpp `llama_adapter_cvec`): `direction.N` is added to the output of
// block N (0-based), after the block's feed-forward residual add — the tensor llama.cpp names
// `l_out` — which is TransformerLens's `blocks.N.hook_resid_post`. There is never a vector for
// block 0: llama.cpp refuses a `direction.0` tensor, and its layer range defaults to 1 … n_layer.
// Several files are summed per layer (each scaled by its strength, in file order) before the add.
// repeng trains on HF `hidden_states[N + 1]`, the same point, and writes `direction.N`.

import Foundation
import Formats
import Kernels
import Taps

/// A control vector: a direction [D] per layer, keyed by llama.cpp's layer index N.
///
/// ```swift
/// let cv = try ControlVector.read(URL(fileURLWithPath: "happy.gguf"))
/// cv.directions[12]          // [D], added to blocks.12.hook_resid_post
/// try cv.write(to: url)
/// ```
public struct ControlVector: Sendable, Equatable {
    public static let architecture = "controlvector"
    /// Limits that keep a hostile file from asking for absurd sizes.
    public static let maxLayers = 4096
    public static let maxWidth = 1 << 16

    public var modelHint: String
    /// Layer N (≥ 1) → direction [D].
    public var directions: [Int: [Float]]

    public init(modelHint: String, directions: [Int: [Float]]) {
        self.modelHint = modelHint
        self.directions = directions
    }

    /// The width D shared by every direction (nil when empty).
    public var width: Int? { directions.values.first?.count }

    /// The tap llama.cpp adds `direction.N` to.
    public static func tap(forLayer n: Int) -> TapPoint { .residPost(n) }

    /// Reads a control-vector GGUF, refusing what llama.cpp refuses (`direction.0`, non-F32 or
    /// non-1-D tensors, widths that differ, no direction at all) and a foreign architecture.
    public static func read(_ url: URL) throws -> ControlVector {
        let file: GGUFFile
        do { file = try GGUFFile(url: url) } catch {
            throw SteeringError.badControlVector(path: url.path, reason: "\(error)")
        }
        return try read(file, path: url.path)
    }

    public static func read(_ file: GGUFFile, path: String) throws -> ControlVector {
        func bad(_ reason: String) -> SteeringError { .badControlVector(path: path, reason: reason) }
        if let arch = try? file.stringIfPresent("general.architecture"), arch != architecture {
            throw bad("general.architecture is '\(arch)', not '\(architecture)'")
        }
        let hint = (try? file.stringIfPresent("\(architecture).model_hint")) ?? ""
        var directions: [Int: [Float]] = [:]
        var width: Int?
        for info in file.tensors {
            guard info.name.hasPrefix("direction.") else { continue }
            let suffix = info.name.dropFirst("direction.".count)
            guard let n = Int(suffix), String(n) == suffix, n >= 0 else { throw bad("tensor name '\(info.name)' is not direction.N") }
            guard n >= 1 else { throw bad("direction.0: llama.cpp never applies a vector to layer 0") }
            guard n <= maxLayers else { throw bad("layer \(n) exceeds \(maxLayers)") }
            guard info.type == .f32 else { throw bad("\(info.name) is \(info.type), not F32") }
            guard info.shape.count == 1 else { throw bad("\(info.name) has shape \(info.shape), not one dimension") }
            let d = info.shape[0]
            guard d >= 1, d <= maxWidth else { throw bad("\(info.name) has width \(d)") }
            if let width, width != d { throw bad("\(info.name) has width \(d), earlier directions \(width)") }
            width = d
            let view = file.view(info)
            var v = [Float](repeating: 0, count: d)
            v.withUnsafeMutableBufferPointer { out in
                dequantizeRow(.f32, from: view.data, into: out.baseAddress!, count: d)
            }
            guard v.allSatisfy(\.isFinite) else { throw bad("\(info.name) holds NaN or infinity") }
            directions[n] = v
        }
        guard !directions.isEmpty else { throw bad("no direction.N tensors") }
        return ControlVector(modelHint: hint, directions: directions)
    }

    /// The GGUF image: metadata, then `direction.N` in ascending N. Same vector, same bytes.
    /// Refuses what `read` would refuse: no direction, layer 0, empty or unequal widths.
    public func gguf() throws -> [UInt8] {
        func bad(_ reason: String) -> SteeringError { .badControlVector(path: "(to be written)", reason: reason) }
        guard let width, width >= 1, width <= Self.maxWidth else { throw bad("no direction, or an empty one") }
        for (n, d) in directions {
            guard n >= 1, n <= Self.maxLayers else { throw bad("layer \(n) is outside 1…\(Self.maxLayers)") }
            guard d.count == width else { throw bad("direction.\(n) has width \(d.count), others \(width)") }
            guard d.allSatisfy(\.isFinite) else { throw bad("direction.\(n) holds NaN or infinity") }
        }
        var w = GGUFWriter()
        w.add("general.architecture", .string(Self.architecture))
        w.add("\(Self.architecture).model_hint", .string(modelHint))
        w.add("\(Self.architecture).layer_count", .uint32(UInt32(directions.count)))
        for n in directions.keys.sorted() { w.addF32Tensor(name: "direction.\(n)", values: directions[n]!) }
        return w.bytes()
    }

    public func write(to url: URL) throws {
        try Data(try gguf()).write(to: url, options: .atomic)
    }

    /// llama.cpp's combination of several files: per layer, Σ strength·direction in file order,
    /// starting from zero, in F32.
    public static func combine(_ parts: [(vector: ControlVector, strength: Float)]) throws -> ControlVector {
        var out: [Int: [Float]] = [:]
        var width: Int?
        for (cv, strength) in parts {
            if let width, let w = cv.width, w != width {
                throw SteeringError.invalidEdit("control vectors of widths \(width) and \(w) cannot be combined")
            }
            width = width ?? cv.width
            for (n, d) in cv.directions {
                var acc = out[n] ?? [Float](repeating: 0, count: d.count)
                for i in 0..<d.count { acc[i] += d[i] * strength }
                out[n] = acc
            }
        }
        return ControlVector(modelHint: parts.first?.vector.modelHint ?? "", directions: out)
    }
}
