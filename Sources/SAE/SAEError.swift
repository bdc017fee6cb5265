// Errors of the SAE module. Every failure a caller can cause with its own data or files (a bad
// cfg.json, a tensor of the wrong shape, a NaN weight, a matrix of the wrong width) is one of
// these cases; nothing in the module traps on user input.

/// What went wrong building, training, reading or writing a sparse autoencoder.
public enum SAEError: Error, Equatable, CustomStringConvertible {
    /// Sizes that disagree: a weight array, an input row, a matrix.
    case shapeMismatch(what: String, expected: [Int], found: [Int])
    /// A weight or input that is NaN or infinite.
    case nonFinite(what: String, index: Int)
    /// A setting outside its valid range (k > d_sae, a negative learning rate, ...).
    case invalidConfiguration(String)
    /// A size over the module's caps (see `SAELimits`).
    case tooLarge(what: String, value: Int, limit: Int)
    /// cfg.json: not JSON, not an object, or a field missing or of the wrong type.
    case invalidConfig(field: String, reason: String)
    /// cfg.json names something this build does not implement (an architecture, a normalisation).
    case unsupported(field: String, value: String)
    /// sae_weights.safetensors: a tensor missing, of the wrong dtype or shape.
    case invalidWeights(tensor: String, reason: String)
    /// The file system (cannot read or write a file).
    case io(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let what, let e, let f): return "\(what): expected shape \(e), found \(f)"
        case .nonFinite(let what, let i): return "\(what) has a non-finite value at index \(i)"
        case .invalidConfiguration(let m): return "invalid SAE configuration: \(m)"
        case .tooLarge(let what, let v, let limit): return "\(what) = \(v) is over the limit of \(limit)"
        case .invalidConfig(let f, let r): return "cfg.json field \"\(f)\": \(r)"
        case .unsupported(let f, let v): return "cfg.json field \"\(f)\" = \"\(v)\" is not supported by this build"
        case .invalidWeights(let t, let r): return "sae_weights.safetensors tensor \"\(t)\": \(r)"
        case .io(let m): return m
        }
    }
}

/// Caps on sizes read from files or passed in, so a corrupt cfg.json cannot ask for terabytes.
public enum SAELimits {
    /// d_in: wider than any residual stream we expect (Llama 3 405B is 16384).
    public static let maxInputWidth = 1 << 16
    /// d_sae: 4M latents.
    public static let maxLatents = 1 << 22
    /// d_in × d_sae, elements of one weight matrix (4 GiB as F32).
    public static let maxMatrixElements = 1 << 30
}
