// Errors of the steering module: bad control-vector files, edits that do not fit the model,
// recorded edits whose vectors no longer match their files.

/// Why a steering edit or a control vector was refused.
public enum SteeringError: Error, Equatable, CustomStringConvertible {
    /// A control-vector GGUF that breaks llama.cpp's layout.
    case badControlVector(path: String, reason: String)
    /// An edit that does not fit the model (widths, layers, taps) or its source.
    case invalidEdit(String)
    /// Contrast data that cannot train a vector.
    case badTrainingData(String)
    /// A recorded edit whose source or vectors differ from what is on disk now.
    case recordMismatch(String)

    public var description: String {
        switch self {
        case .badControlVector(let path, let reason): return "control vector \(path): \(reason)"
        case .invalidEdit(let m): return "steering edit: \(m)"
        case .badTrainingData(let m): return "steering training data: \(m)"
        case .recordMismatch(let m): return "recorded steering does not match: \(m)"
        }
    }
}
