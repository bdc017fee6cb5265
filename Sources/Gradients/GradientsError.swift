// Errors of the gradients module: what a user can get wrong (an unsupported model, a bad
// adapter folder, a malformed data set, an unknown concept) named with the offending value.

import Foundation

public enum GradientsError: Error, CustomStringConvertible, Equatable {
    /// The backward pass does not cover this architecture.
    case unsupportedArchitecture(String)
    /// A LoRA target that is not one of q, k, v, o, gate, up, down (or their `_proj` names).
    case unknownProjection(String)
    case invalidLayer(Int, layers: Int)
    case invalidOption(String)
    /// An adapter folder that cannot be used with this model.
    case adapter(String)
    /// A fine-tuning data set line that cannot be used (1-based line number).
    case data(line: Int, String)
    case concept(String)
    case io(String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let a):
            return "the backward pass supports the Llama family (llama, qwen2, qwen3) and GPT-2; '\(a)' is not supported"
        case .unknownProjection(let p):
            return "unknown projection '\(p)' (expected q, k, v, o, gate, up or down, optionally with _proj)"
        case .invalidLayer(let l, let n): return "layer \(l) is out of range (the model has \(n) layers)"
        case .invalidOption(let m): return m
        case .adapter(let m): return "adapter: \(m)"
        case .data(let line, let m): return "data line \(line): \(m)"
        case .concept(let m): return "concept: \(m)"
        case .io(let m): return m
        }
    }
}
