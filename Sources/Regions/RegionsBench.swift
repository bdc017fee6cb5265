// The benchmark behind `overseer regions bench`: in one run, the fused frame against the
// reference-path frame (same GEMM, only the hashing differs), against a naive scalar forward pass
// (timed on a sample of pixels and scaled to the frame), and 10 training epochs plus one frame on
// each path, so a faster frame cannot hide a slower training loop.

import Foundation
import Kernels

/// Measured numbers of one benchmark run (milliseconds unless named otherwise).
public struct BenchResult: Codable {
    public let shape: String
    public let size: Int
    public let threads: Int
    public let points: Int
    /// Best of `repeats` for each path, interleaved so both see the same machine load.
    public let fusedFrameMs: Double
    /// Process CPU time of the best fused frame, summed over threads: less sensitive than wall
    /// time to other processes competing for the cores.
    public let fusedFrameCPUMs: Double
    public let referenceFrameMs: Double
    /// reference / fused: what fusing the hash saves on one frame.
    public let referenceOverFused: Double
    /// Naive scalar forward pass (no hash), timed on `scalarSamplePixels` pixels, scaled to size².
    public let scalarFrameMsEstimated: Double
    public let scalarSamplePixels: Int
    public let scalarOverFused: Double
    /// Forward-pass arithmetic of one frame and the rate the fused frame reached.
    public let frameGFLOP: Double
    public let fusedGFLOPPerSecond: Double
    public let regions: Int
    public let train10EpochsMs: Double
    public let train10PlusFusedFrameMs: Double
    public let train10PlusReferenceFrameMs: Double
    public let repeats: Int
}

public enum RegionsBench {
    public static func run(shape: NetworkShape, size: Int, threads: Int, points: Int = 5050,
                           seed: UInt64 = 12_345_678, repeats: Int = 2) throws -> BenchResult {
        guard size >= 2, size <= 8192 else { throw RegionsError.invalidSetting("--size must be in 2...8192") }
        let image = BuiltinImage.ring.render(resolution: 256)
        let trainer = try Trainer(shape: shape, image: image, points: points, seed: seed, threads: threads)
        let t0 = DispatchTime.now()
        for _ in 0..<10 { trainer.trainEpoch() }
        let trainMs = Explorer.seconds(since: t0) * 1000

        let renderer = FrameRenderer(network: trainer.network, keys: HashKeys(network: trainer.network, seed: seed))
        let pool = ThreadPool(threads: threads)
        var fused = Double.infinity, fusedCPU = Double.infinity, reference = Double.infinity, regions = 0
        for _ in 0..<max(1, repeats) {
            var t = DispatchTime.now()
            let r = renderer.render(size: size, path: .reference, pool: pool)
            reference = min(reference, Explorer.seconds(since: t) * 1000)
            t = DispatchTime.now()
            let cpu = processCPUSeconds()
            let f = renderer.render(size: size, path: .fused, pool: pool)
            let wall = Explorer.seconds(since: t) * 1000
            if wall < fused { fused = wall; fusedCPU = (processCPUSeconds() - cpu) * 1000 }
            guard f.hashes == r.hashes else { throw RegionsError.invalidSetting("fused and reference hashes differ") }
            regions = f.regionCount
        }

        // Naive scalar forward on a sample of pixels spread over the frame (single thread, scaled
        // by the thread count: it is embarrassingly parallel).
        let sample = min(size * size, 2048)
        let net = trainer.network
        var sink: Float = 0
        let t1 = DispatchTime.now()
        for i in 0..<sample {
            let pixel = i * (size * size / sample)
            sink += net.evaluateScalar(x: FrameRenderer.coordinate(pixel % size, size: size),
                                       y: FrameRenderer.coordinate(pixel / size, size: size))
        }
        let scalarMs = Explorer.seconds(since: t1) * 1000 * Double(size * size) / Double(sample) / Double(max(1, threads))
        if sink.isNaN { print("") }  // keep the loop from being optimised away

        let flop = 2.0 * Double(shape.macsPerPoint) * Double(size * size) / 1e9
        return BenchResult(shape: shape.description, size: size, threads: threads, points: points,
                           fusedFrameMs: fused, fusedFrameCPUMs: fusedCPU, referenceFrameMs: reference, referenceOverFused: reference / fused,
                           scalarFrameMsEstimated: scalarMs, scalarSamplePixels: sample, scalarOverFused: scalarMs / fused,
                           frameGFLOP: flop, fusedGFLOPPerSecond: flop / (fused / 1000), regions: regions,
                           train10EpochsMs: trainMs, train10PlusFusedFrameMs: trainMs + fused,
                           train10PlusReferenceFrameMs: trainMs + reference, repeats: max(1, repeats))
    }

    /// CPU time of this process so far, all threads.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The human-readable report.
    public static func describe(_ r: BenchResult) -> String {
        var s = "regions bench: shape \(r.shape), frame \(r.size)×\(r.size), threads \(r.threads), best of \(r.repeats)\n"
        s += String(format: "  fused frame         %9.1f ms   (%.0f GFLOP, %.1f GFLOP/s, %d regions)\n",
                    r.fusedFrameMs, r.frameGFLOP, r.fusedGFLOPPerSecond, r.regions)
        s += String(format: "    (fused frame CPU time %.1f ms over all threads)\n", r.fusedFrameCPUMs)
        s += String(format: "  reference frame     %9.1f ms   reference/fused = %.2f×\n", r.referenceFrameMs, r.referenceOverFused)
        s += String(format: "  naive scalar frame  %9.1f ms   scalar/fused = %.1f×  (estimated from %d pixels)\n",
                    r.scalarFrameMsEstimated, r.scalarOverFused, r.scalarSamplePixels)
        s += String(format: "  10 epochs (%d points)          %9.1f ms\n", r.points, r.train10EpochsMs)
        s += String(format: "  10 epochs + 1 reference frame  %9.1f ms\n", r.train10PlusReferenceFrameMs)
        s += String(format: "  10 epochs + 1 fused frame      %9.1f ms   before/after = %.2f×\n",
                    r.train10PlusFusedFrameMs, r.train10PlusReferenceFrameMs / r.train10PlusFusedFrameMs)
        return s
    }
}
