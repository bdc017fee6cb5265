// Keys and values of past positions, per layer, stored as f16.
//
// Legend: C = capacity (positions), Hkv = kvHeads, hd = headDim.
// Layout per layer: keys [C, Hkv*hd], values [C, Hkv*hd], row p holding position p.
// Attention reads rows in place; nothing is copied per token.

import Kernels

public final class KVCache {
    public let layers: Int
    public let capacity: Int
    public let rowWidth: Int
    /// Positions filled (the next token goes to this position).
    public internal(set) var length = 0
    let keys: UnsafeMutablePointer<Float16>     // [layers, C, Hkv*hd]
    let values: UnsafeMutablePointer<Float16>   // [layers, C, Hkv*hd]

    public init(layers: Int, capacity: Int, rowWidth: Int) {
        self.layers = layers
        self.capacity = capacity
        self.rowWidth = rowWidth
        let count = layers * capacity * rowWidth
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always) func keyRow(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        keys + (layer * capacity + position) * rowWidth
    }

    @inline(__always) func valueRow(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        values + (layer * capacity + position) * rowWidth
    }

    /// Forgets positions from `length` on (keeps the prefix).
    public func truncate(to length: Int) {
        self.length = max(0, min(length, self.length))
    }

    /// Bytes held.
    public var byteCount: Int { 2 * layers * capacity * rowWidth * 2 }
}
