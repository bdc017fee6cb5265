// Which integer kernels a run uses, chosen at run time from what the CPU supports.
//
// The Swift kernels (IntegerDot.swift, compiled for AVX2 or for baseline x86-64, see
// `KernelBuild`) run everywhere. On CPUs with wider exact integer instructions the 32-element
// block types (Q4_0, Q4_1, Q8_0, Q5_0) go to the C kernels of the `CKernels` target instead,
// compiled per variant for AVX-512 VNNI, AVX-512BW or AVX-VNNI. Every path computes the same
// bits — the integer block sums are exact and the float part is the same sequence of IEEE
// operations — so the choice changes speed only; tests hold each path to `dotReference`.
//
// `OVERSEER_KERNELS=<name>` in the environment forces a path (e.g. to compare speeds or to run
// the tests of one path); a name the CPU cannot run falls back to the best available one with a
// note on standard error.

import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An implementation of the integer row dots.
public enum KernelPath: String, CaseIterable, Sendable {
    /// The Swift kernels this binary was compiled with (AVX2, or scalar loops when portable).
    case swift
    /// 512-bit registers, `vpdpbusd` (AVX-512 F/BW/VL + VNNI).
    case avx512vnni
    /// 512-bit registers, `vpmaddubsw` + `vpmaddwd` (AVX-512 F/BW/VL without VNNI).
    case avx512bw
    /// 256-bit registers, VEX `vpdpbusd` (AVX-VNNI).
    case avxvnni
    /// The 256-bit kernel with EVEX `vpdpbusd` (AVX-512 VL + VNNI): the AVX-VNNI source, runnable
    /// and testable on AVX-512 machines.
    case vnni256

    /// The `CKernels` variant number (nil for the Swift kernels).
    var cVariant: Int32? {
        switch self {
        case .swift: return nil
        case .avx512vnni: return Int32(OV_PATH_AVX512_VNNI)
        case .avx512bw: return Int32(OV_PATH_AVX512_BW)
        case .avxvnni: return Int32(OV_PATH_AVX_VNNI)
        case .vnni256: return Int32(OV_PATH_VNNI_256)
        }
    }

    /// Whether this CPU (and OS) can run the path.
    public var isAvailable: Bool {
        guard let v = cVariant else { return true }
        return Self.cpuMask & (1 << v) != 0
    }

    /// Paths this CPU runs, fastest first (the order `automatic` picks from).
    public static var available: [KernelPath] {
        [.avx512vnni, .avx512bw, .avxvnni, .vnni256, .swift].filter(\.isAvailable)
    }

    /// The fastest available path.
    public static var automatic: KernelPath { available.first ?? .swift }

    private static let cpuMask: Int32 = ov_cpu_paths()

    /// The path kernels use now: `OVERSEER_KERNELS` if set and available, else `automatic`.
    /// Tests and benchmarks may set it; the result of any kernel is the same for every path.
    nonisolated(unsafe) public static var current: KernelPath = fromEnvironment()

    private static func fromEnvironment() -> KernelPath {
        guard let raw = getenv("OVERSEER_KERNELS") else { return automatic }
        let name = String(cString: raw)
        if name.isEmpty || name == "auto" { return automatic }
        guard let path = KernelPath(rawValue: name) else {
            note("OVERSEER_KERNELS=\(name) is not a kernel path (one of auto, "
                 + allCases.map(\.rawValue).joined(separator: ", ") + "); using \(automatic.rawValue)")
            return automatic
        }
        guard path.isAvailable else {
            note("OVERSEER_KERNELS=\(name): this CPU cannot run it; using \(automatic.rawValue)")
            return automatic
        }
        return path
    }

    private static func note(_ message: String) {
        let bytes = Array("overseer: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }  // standard error
    }
}

/// The C format code of a weight type with a C kernel, else nil.
@usableFromInline @inline(__always)
func cFormat(_ type: TensorType) -> Int32? {
    switch type {
    case .q4_0: return Int32(OV_FORMAT_Q4_0)
    case .q4_1: return Int32(OV_FORMAT_Q4_1)
    case .q8_0: return Int32(OV_FORMAT_Q8_0)
    case .q5_0: return Int32(OV_FORMAT_Q5_0)
    default: return nil
    }
}

/// out[t * m + r] for rows r0..<r1 of `weight` and `tokens` activation rows through the C
/// kernels of `path`; false (nothing written) when the path or type has none.
@usableFromInline @inline(__always)
func cRows(_ path: KernelPath, _ type: TensorType, _ w: UnsafeRawPointer, wStride: Int, _ r0: Int, _ r1: Int,
           m: Int, n: Int, _ a: UnsafeRawPointer, aStride: Int, tokens: Int, _ out: UnsafeMutablePointer<Float>) -> Bool {
    guard let variant = path.cVariant, let format = cFormat(type) else { return false }
    return ov_rows(variant, format, w, wStride, r0, r1, m, n / 32, a, aStride, tokens, out) == 0
}
