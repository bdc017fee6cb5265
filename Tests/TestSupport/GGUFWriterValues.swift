// Tensors of any type from F32 values, for tiny test models (the encoders live in TensorBytes).
import Formats
import Kernels

extension GGUFWriter {
    /// Adds a tensor of `type` from F32 values in ggml order (`shape[0]` contiguous), encoding
    /// them with `TensorBytes` (F32, F16, BF16, Q8_0 or Q4_1).
    public mutating func addTensor(name: String, type: TensorType = .f32, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        addTensor(name: name, type: type, shape: shape, bytes: TensorBytes.encode(values, as: type))
    }
}
