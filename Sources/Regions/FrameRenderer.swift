// Rendering a frame: evaluate the network on every pixel of a size×size grid, hash each pixel's
// activation pattern, count the distinct hashes (regions) and draw their boundaries.
//
// Pixel (row r, column c) is the point x = -1 + (2c + 1)/size, y = -1 + (2r + 1)/size: the centre
// of the pixel, rows going down, the same convention the training images use, so a frame shows
// the image the right way up. Work is split by rows (a fixed split, see ThreadPool.forEach); inside a
// row each panel of 16 pixels goes through all layers before the next, so its activations never
// leave L1.

import Foundation
import Kernels

/// How a frame obtains each pixel's region hash.
public enum HashPath: String, CaseIterable, Sendable {
    /// The kernel epilogue XORs each active unit's key into the running hash; no pattern stored.
    case fused
    /// The kernel epilogue stores the activation bits of the whole row; they are hashed afterwards.
    case reference
}

/// A rendered frame: network output and region hash of every pixel.
public struct Frame {
    public let size: Int
    /// Network output per pixel, row-major. [size, size]
    public let output: [Float]
    /// Region hash per pixel (XOR of the keys of the active units), row-major. [size, size]
    public let hashes: [UInt64]
    /// Number of distinct hashes, i.e. of linear regions visible in the frame.
    public let regionCount: Int

    /// The picture: grey network output clamped to [0, 1]; where a pixel's hash differs from its
    /// right or bottom neighbour's, the grey is mixed half and half with `boundary`. Deep networks
    /// cut the plane into more regions than there are pixels near the learned edges; mixing
    /// instead of painting keeps the network's output visible under dense boundaries.
    public func image(boundary: (UInt8, UInt8, UInt8) = (255, 40, 20)) -> RGBImage {
        var rgb = [UInt8](repeating: 0, count: size * size * 3)
        for r in 0..<size {
            for c in 0..<size {
                let i = r * size + c
                let h = hashes[i]
                let edge = (c + 1 < size && hashes[i + 1] != h) || (r + 1 < size && hashes[i + size] != h)
                let g = UInt8((Swift.min(Swift.max(output[i], 0), 1) * 255).rounded())
                if edge {
                    rgb[3 * i] = UInt8((Int(g) + Int(boundary.0)) / 2)
                    rgb[3 * i + 1] = UInt8((Int(g) + Int(boundary.1)) / 2)
                    rgb[3 * i + 2] = UInt8((Int(g) + Int(boundary.2)) / 2)
                } else {
                    rgb[3 * i] = g; rgb[3 * i + 1] = g; rgb[3 * i + 2] = g
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: rgb)
    }

    /// Number of distinct values in `hashes` (sorts a copy).
    public static func countDistinct(_ hashes: [UInt64]) -> Int {
        guard !hashes.isEmpty else { return 0 }
        let sorted = hashes.sorted()
        var count = 1
        for i in 1..<sorted.count where sorted[i] != sorted[i - 1] { count += 1 }
        return count
    }
}

/// Renders frames with the panel kernel, on the fused or the reference hash path.
///
/// ```swift
/// let renderer = FrameRenderer(network: net, keys: HashKeys(network: net, seed: seed))
/// let frame = renderer.render(size: 1024, path: .fused, pool: ThreadPool(threads: 2))
/// try PNG.write(frame.image(), to: url)
/// ```
public struct FrameRenderer {
    public let network: MLP
    public let keys: HashKeys

    public init(network: MLP, keys: HashKeys) {
        self.network = network
        self.keys = keys
    }

    /// Pixel-centre coordinate of index `i` on a grid of `size`.
    @inline(__always)
    public static func coordinate(_ i: Int, size: Int) -> Float { Float(2 * i + 1) / Float(size) - 1 }

    public func render(size: Int, path: HashPath, pool: ThreadPool) -> Frame {
        precondition(size >= 1)
        let net = network
        let panels = (size + panelLanes - 1) / panelLanes
        let widest = net.maxPaddedWidth
        let workers = pool.workers(for: size)
        var output = [Float](repeating: 0, count: size * size)
        var hashes = [UInt64](repeating: 0, count: size * size)

        // Per worker: two ping-pong activation panels [2][widest][16], the row's running hashes
        // (two halves) [panels], and for the reference path the row's pattern bits [units][panels].
        let actCount = 2 * max(widest, 2) * panelLanes
        let acts = UnsafeMutablePointer<Float>.allocate(capacity: workers * actCount)
        let hashLow = UnsafeMutablePointer<HashLanes>.allocate(capacity: workers * panels)
        let hashHigh = UnsafeMutablePointer<HashLanes>.allocate(capacity: workers * panels)
        let patternCount = path == .reference ? net.paddedHiddenUnits * panels : 0
        let patterns = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, workers * patternCount))
        defer { acts.deallocate(); hashLow.deallocate(); hashHigh.deallocate(); patterns.deallocate() }

        net.parameters.withUnsafeBufferPointer { params in
        keys.low.withUnsafeBufferPointer { keyLow in
        keys.high.withUnsafeBufferPointer { keyHigh in
        output.withUnsafeMutableBufferPointer { outputBuffer in
        hashes.withUnsafeMutableBufferPointer { hashBuffer in
            let p = params.baseAddress!
            let outBase = outputBuffer.baseAddress!, hashBase = hashBuffer.baseAddress!
            pool.forEach(chunks: size) { row, worker in
                let a = acts + worker * actCount
                let b = a + actCount / 2
                let hLow = hashLow + worker * panels, hHigh = hashHigh + worker * panels
                let pattern = patterns + worker * patternCount
                hLow.initialize(repeating: HashLanes(repeating: 0), count: panels)
                hHigh.initialize(repeating: HashLanes(repeating: 0), count: panels)
                let y = FrameRenderer.coordinate(row, size: size)
                for n in 0..<panels {
                    // Input panel [2][16]: x of the 16 pixels, then their shared y.
                    for lane in 0..<panelLanes {
                        a[lane] = FrameRenderer.coordinate(n * panelLanes + lane, size: size)
                        a[panelLanes + lane] = y
                    }
                    var src = a, dst = b
                    for (l, layout) in net.layers.enumerated() {
                        let (kp, jp) = (layout.paddedInputs, layout.paddedOutputs)
                        let (w, bias) = (p + layout.weightOffset, p + layout.biasOffset)
                        if l == net.layers.count - 1 {
                            PanelKernel.layer(inputs: kp, outputs: jp, weights: w, bias: bias, input: src, output: dst,
                                              panels: 1, epilogue: LinearEpilogue())
                        } else if path == .fused {
                            let e = FusedHashEpilogue(keysLow: keyLow.baseAddress! + layout.unitOffset,
                                                      keysHigh: keyHigh.baseAddress! + layout.unitOffset,
                                                      hashLow: hLow + n, hashHigh: hHigh + n)
                            PanelKernel.layer(inputs: kp, outputs: jp, weights: w, bias: bias, input: src, output: dst,
                                              panels: 1, epilogue: e)
                        } else {
                            let e = PatternEpilogue(pattern: pattern + n * net.paddedHiddenUnits + layout.unitOffset,
                                                    panelStride: net.paddedHiddenUnits)
                            PanelKernel.layer(inputs: kp, outputs: jp, weights: w, bias: bias, input: src, output: dst,
                                              panels: 1, epilogue: e)
                        }
                        swap(&src, &dst)
                    }
                    let count = Swift.min(panelLanes, size - n * panelLanes)
                    for lane in 0..<count { outBase[row * size + n * panelLanes + lane] = src[lane] }
                }
                if path == .reference {
                    FrameRenderer.hashPatterns(pattern, units: net.paddedHiddenUnits, panels: panels,
                                               keyLow: keyLow.baseAddress!, keyHigh: keyHigh.baseAddress!,
                                               hashLow: hLow, hashHigh: hHigh)
                }
                // Read the lanes through plain UInt32 pointers: subscripting a SIMD value by a
                // variable lane spills it to the stack once per lane.
                let low = UnsafeRawPointer(hLow).assumingMemoryBound(to: UInt32.self)
                let high = UnsafeRawPointer(hHigh).assumingMemoryBound(to: UInt32.self)
                for c in 0..<size {
                    hashBase[row * size + c] = UInt64(high[c]) << 32 | UInt64(low[c])
                }
            }
        }}}}}
        return Frame(size: size, output: output, hashes: hashes, regionCount: Frame.countDistinct(hashes))
    }

    /// The reference path's second pass: for every panel and unit, expand the stored 16 bits to a
    /// lane mask and XOR the unit's key into the active lanes. [panels][units] bits -> [panels] hashes
    static func hashPatterns(_ pattern: UnsafePointer<UInt16>, units: Int, panels: Int,
                             keyLow: UnsafePointer<UInt32>, keyHigh: UnsafePointer<UInt32>,
                             hashLow: UnsafeMutablePointer<HashLanes>, hashHigh: UnsafeMutablePointer<HashLanes>) {
        for n in 0..<panels {
            var low = hashLow[n], high = hashHigh[n]
            let row = pattern + n * units
            let laneIndex = HashLanes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            for u in 0..<units {
                // All ones in lanes whose bit is set: 0 - ((bits >> lane) & 1). Plain vector
                // arithmetic; an integer `.!=` mask compiles to a per-lane loop here.
                let mask = HashLanes(repeating: 0) &- ((HashLanes(repeating: UInt32(row[u])) &>> laneIndex) & 1)
                low ^= HashLanes(repeating: keyLow[u]) & mask
                high ^= HashLanes(repeating: keyHigh[u]) & mask
            }
            hashLow[n] = low; hashHigh[n] = high
        }
    }
}

