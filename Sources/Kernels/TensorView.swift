// Legend: rows = number of output rows (ggml ne1), cols = row length (ggml ne0).

/// A non-owning view of a stored tensor: its element type, shape and bytes.
///
/// The bytes usually live in a memory-mapped model file; whoever created the view keeps that
/// mapping alive. Shapes use ggml order: `shape[0]` is the row length (the fastest-varying
/// dimension), so a weight matrix `[rows, cols]` in math order has `shape == [cols, rows]`.
public struct TensorView: @unchecked Sendable {
    // @unchecked Sendable: a raw pointer into bytes nobody writes; the creator keeps them alive.
    public let name: String
    public let type: TensorType
    /// ggml order: shape[0] is the contiguous dimension.
    public let shape: [Int]
    public let data: UnsafeRawPointer
    public let byteCount: Int

    public init(name: String, type: TensorType, shape: [Int], data: UnsafeRawPointer, byteCount: Int) {
        self.name = name
        self.type = type
        self.shape = shape
        self.data = data
        self.byteCount = byteCount
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Length of one row (`shape[0]`).
    public var cols: Int { shape.first ?? 1 }
    /// Number of rows (product of the remaining dimensions).
    public var rows: Int { shape.dropFirst().reduce(1, *) }
    /// Bytes per row.
    public var rowStride: Int { type.rowBytes(cols) ?? 0 }
    /// Start of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowStride }
}
