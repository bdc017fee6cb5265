// The panel GEMM: one layer of the MLP over panels of 16 points, with the epilogue that applies
// the activation and, when asked, updates the region hash or records the activation pattern.
//
// Legend: N panels, 16 lanes (points) per panel, Kp padded inputs, Jp padded outputs.
// Activations are stored panel-major, `[N][units][16]`: the 16 points of a panel sit in the lanes of
// one SIMD16<Float> (two AVX2 registers), so a layer is, per panel, out[j] = b[j] + Σ_k w[j,k]·x[k]
// with x[k] a vector load and w[j,k] a broadcast. The kernel holds a 6-unit × 16-point block of
// accumulators (12 ymm registers) across the whole k loop: per input it does 1 vector load,
// 6 broadcasts and 12 FMAs, which keeps both FMA pipes busy.
//
// Every lane computes exactly `acc = b; for k in 0..<Kp { acc = fma(x[k], w[k], acc) }`, which is
// what `MLP.evaluateScalar` does per point, so the scalar path reproduces the kernel bit for bit.

import Foundation

/// 16 points of one panel, one value each.
public typealias PanelLanes = SIMD16<Float>
/// One 32-bit half of the 16 running region hashes of a panel.
public typealias HashLanes = SIMD16<UInt32>

/// Points per panel (SIMD lanes).
public let panelLanes = 16

/// What the kernel does with a finished block of pre-activations z. [6 units][16 lanes]
///
/// Each epilogue is its own type so the kernel is specialised per epilogue: the hashing code sits
/// inline after the k loop, with no run-time dispatch in the hot path.
protocol KernelEpilogue {
    /// Finishes unit `j` of panel `n`; `out` is the output panel, `panelSize` its length. [Jp][16]
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>)
}

extension KernelEpilogue {
    @inline(__always)
    static func store(_ v: PanelLanes, _ out: UnsafeMutablePointer<Float>, unit j: Int) {
        UnsafeMutableRawPointer(out + j * panelLanes).storeBytes(of: v, as: PanelLanes.self)
    }

    /// leaky(z) = z where z > 0, else slope·z: the same select as `MLP.leaky`.
    @inline(__always)
    static func leaky(_ z: PanelLanes, _ active: SIMDMask<SIMD16<Int32>>) -> PanelLanes {
        (z * MLP.leakySlope).replacing(with: z, where: active)
    }
}

/// Store z (the output layer, or Wᵀ·dz in the backward pass).
struct LinearEpilogue: KernelEpilogue {
    @inline(__always)
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>) {
        Self.store(z, out, unit: j)
    }
}

/// Store leaky(z): a hidden layer without hashing (training).
struct LeakyEpilogue: KernelEpilogue {
    @inline(__always)
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>) {
        Self.store(Self.leaky(z, z .> 0), out, unit: j)
    }
}

/// Store leaky(z) and XOR each active unit's key into its panel's running hash: the fused path.
struct FusedHashEpilogue: KernelEpilogue {
    /// This layer's key halves. [Jp]
    let keysLow: UnsafePointer<UInt32>, keysHigh: UnsafePointer<UInt32>
    /// Running hash halves. [N]
    let hashLow: UnsafeMutablePointer<HashLanes>, hashHigh: UnsafeMutablePointer<HashLanes>

    @inline(__always)
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>) {
        let active = z .> 0
        Self.store(Self.leaky(z, active), out, unit: j)
        hashLow[n] ^= HashLanes(repeating: 0).replacing(with: keysLow[j], where: active)
        hashHigh[n] ^= HashLanes(repeating: 0).replacing(with: keysHigh[j], where: active)
    }
}

/// Store leaky(z) and record the 16 active bits of each unit: the reference path's first half.
struct PatternEpilogue: KernelEpilogue {
    /// Bits of this layer's unit j in panel n at `pattern[n * panelStride + j]`. [N][units]
    let pattern: UnsafeMutablePointer<UInt16>
    let panelStride: Int

    @inline(__always)
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>) {
        let active = z .> 0
        Self.store(Self.leaky(z, active), out, unit: j)
        pattern[n * panelStride + j] = PatternEpilogue.bits(active)
    }

    /// Bit `i` set in lane `i`: turns a lane mask into a 16-bit pattern word and back.
    static let laneBits = HashLanes(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)

    /// The 16 lane flags of `mask` as one word, bit i = lane i (an OR tree of the selected lane bits).
    @inline(__always)
    static func bits(_ mask: SIMDMask<SIMD16<Int32>>) -> UInt16 {
        let v = HashLanes(repeating: 0).replacing(with: laneBits, where: mask)
        let a = v.lowHalf | v.highHalf
        let b = a.lowHalf | a.highHalf
        let c = b.lowHalf | b.highHalf
        return UInt16(truncatingIfNeeded: c[0] | c[1])
    }
}

/// Backward pass: store z · leaky'(a), with a the forward activation of the same unit (a > 0 ⇔ z > 0).
struct DerivativeEpilogue: KernelEpilogue {
    /// Forward activations with the output's layout. [N][Jp][16]
    let activations: UnsafePointer<Float>

    @inline(__always)
    func finish(_ z: PanelLanes, unit j: Int, panel n: Int, panelSize: Int, out: UnsafeMutablePointer<Float>) {
        let a = UnsafeRawPointer(activations + n * panelSize + j * panelLanes).loadUnaligned(as: PanelLanes.self)
        let slope = PanelLanes(repeating: 1).replacing(with: MLP.leakySlope, where: .!(a .> 0))
        Self.store(z * slope, out, unit: j)
    }
}

enum PanelKernel {
    /// One layer over `panels` panels: output[n][j] = epilogue(bias[j] + Σ_k w[j,k] · input[n][k]).
    ///
    /// - Parameters:
    ///   - weights: packed `[Jp/6][Kp][6]`; bias: `[Jp]`
    ///   - input: `[panels][Kp][16]`; output: `[panels][Jp][16]`
    @inline(__always)
    static func layer<E: KernelEpilogue>(inputs kp: Int, outputs jp: Int,
                      weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                      input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                      panels: Int, epilogue: E) {
        let inStride = kp * panelLanes, outStride = jp * panelLanes
        for n in 0..<panels {
            let x = input + n * inStride
            let out = output + n * outStride
            var j0 = 0
            while j0 < jp {
                block6(kp, weights + j0 * kp, bias + j0, x, out, unit: j0, panel: n,
                       panelSize: outStride, epilogue)
                j0 += MLP.unitBlock
            }
        }
    }

    /// The register block: 6 units × 16 points, accumulated over all Kp inputs.
    @inline(__always)
    static func block6<E: KernelEpilogue>(_ kp: Int, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                       unit j0: Int, panel n: Int, panelSize: Int, _ epilogue: E) {
        var c0 = PanelLanes(repeating: b[0]), c1 = PanelLanes(repeating: b[1])
        var c2 = PanelLanes(repeating: b[2]), c3 = PanelLanes(repeating: b[3])
        var c4 = PanelLanes(repeating: b[4]), c5 = PanelLanes(repeating: b[5])
        var xp = UnsafeRawPointer(x)
        var wp = w
        for _ in 0..<kp {
            let v = xp.loadUnaligned(as: PanelLanes.self)
            c0 = c0.addingProduct(v, PanelLanes(repeating: wp[0]))
            c1 = c1.addingProduct(v, PanelLanes(repeating: wp[1]))
            c2 = c2.addingProduct(v, PanelLanes(repeating: wp[2]))
            c3 = c3.addingProduct(v, PanelLanes(repeating: wp[3]))
            c4 = c4.addingProduct(v, PanelLanes(repeating: wp[4]))
            c5 = c5.addingProduct(v, PanelLanes(repeating: wp[5]))
            xp += MemoryLayout<PanelLanes>.stride
            wp += MLP.unitBlock
        }
        epilogue.finish(c0, unit: j0, panel: n, panelSize: panelSize, out: out)
        epilogue.finish(c1, unit: j0 + 1, panel: n, panelSize: panelSize, out: out)
        epilogue.finish(c2, unit: j0 + 2, panel: n, panelSize: panelSize, out: out)
        epilogue.finish(c3, unit: j0 + 3, panel: n, panelSize: panelSize, out: out)
        epilogue.finish(c4, unit: j0 + 4, panel: n, panelSize: panelSize, out: out)
        epilogue.finish(c5, unit: j0 + 5, panel: n, panelSize: panelSize, out: out)
    }

    /// Tree sum of 16 lanes in a fixed order (8+8, 4+4, 2+2, 1+1), the same on every run.
    @inline(__always)
    static func laneSum(_ v: PanelLanes) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }
}
