// What every family reads from a GGUF file: typed metadata look-ups and tensors by name.
//
// Metadata keys are prefixed by the architecture name: `llama.block_count`,
// `qwen2.attention.head_count`, ... Tensor names follow the GGUF convention: token_embd,
// output_norm, output, blk.N.{attn_norm, attn_q, ...}. Which keys and tensors a family reads
// is said in its own file (Llama.swift, GPT2.swift, Gemma3.swift); the registry
// (ArchitectureRegistry.swift) picks the family by `general.architecture`.

import Formats
import Kernels

extension GGUFFile: TensorSource {
    public func tensorView(_ name: String) throws -> TensorView? { tensor(named: name) }
}

/// Typed metadata look-ups with model errors.
struct GGUFMetadata {
    let file: GGUFFile
    let prefix: String

    func value(_ key: String) -> GGUFValue? { file.metadata[key] }

    func int(_ key: String) throws -> Int {
        guard let v = try optionalInt(key) else { throw ModelError.missingMetadata(key) }
        return v
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        if let i = v.intValue { return i }
        if case .array(_, let items) = v, let first = items.first?.intValue,
           items.allSatisfy({ $0.intValue == first }) {
            return first  // per-layer array with one value for every layer
        }
        throw ModelError.invalidMetadata(key, "expected an integer, found \(v.type)")
    }

    func optionalDouble(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw ModelError.invalidMetadata(key, "expected a number, found \(v.type)") }
        return d
    }

    func arch(_ key: String) -> String { "\(prefix).\(key)" }
}
