// The explorer's run loop: train, and every `saveInterval` epochs render a frame, write it as a
// PNG and log loss and region count; optionally join the frames into a video with ffmpeg.
// The command-line tool is a thin layer over `Explorer.train` and `RegionsBench.run`.

import Foundation

/// Settings of one `overseer regions train` run.
public struct ExplorerOptions {
    public var input = "ring"
    /// The word drawn by the `text` input.
    public var word = "RELU"
    /// Side of the generated built-in image (user PNGs keep their own size).
    public var resolution = 256
    public var shape = try! NetworkShape(parsing: "[100]*20")
    public var epochs = 30
    public var seed: UInt64 = 12_345_678
    public var points = 5050
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    /// Render a frame every this many epochs (and at epoch 0 and the last epoch).
    public var saveInterval = 10
    public var outputDirectory = URL(fileURLWithPath: "regions-out")
    public var threads = 1
    /// Frame side in pixels.
    public var size = 1024
    public var path = HashPath.fused
    public var video = false

    public init() {}
}

/// One line of the training log.
public struct EpochRecord: Codable, Equatable {
    public let epoch: Int
    public let loss: Double
    /// Present on epochs that rendered a frame.
    public let regions: Int?
    public let trainSeconds: Double
    public let frameSeconds: Double?
    public let frameFile: String?
}

public enum Explorer {
    /// Loads a built-in image by name, or else a PNG file at that path.
    public static func loadInput(_ name: String, word: String = "RELU", resolution: Int = 256) throws -> GreyImage {
        guard resolution >= 2, resolution <= PNG.maxSide else {
            throw RegionsError.invalidSetting("--resolution must be in 2...\(PNG.maxSide)")
        }
        if let builtin = BuiltinImage(name: name, word: word) { return builtin.render(resolution: resolution) }
        guard FileManager.default.fileExists(atPath: name) else { throw RegionsError.unknownInput(name) }
        return try PNG.read(contentsOf: URL(fileURLWithPath: name)).grey
    }

    /// Trains and renders frames; `log` receives one human-readable line per epoch.
    @discardableResult
    public static func train(_ o: ExplorerOptions, log: (String) -> Void) throws -> [EpochRecord] {
        guard o.epochs >= 0 else { throw RegionsError.invalidSetting("--epochs must be at least 0") }
        guard o.saveInterval >= 1 else { throw RegionsError.invalidSetting("--save-interval must be at least 1") }
        guard o.size >= 2, o.size <= 8192 else { throw RegionsError.invalidSetting("--size must be in 2...8192") }
        let image = try loadInput(o.input, word: o.word, resolution: o.resolution)
        do {
            try FileManager.default.createDirectory(at: o.outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw RegionsError.io("cannot create \(o.outputDirectory.path): \(error.localizedDescription)")
        }
        let trainer = try Trainer(shape: o.shape, image: image, points: o.points, seed: o.seed,
                                  batchSize: o.batchSize, learningRate: o.learningRate, threads: o.threads)
        var records: [EpochRecord] = []
        for epoch in 0...o.epochs {
            var loss = Double.nan, trainSeconds = 0.0
            if epoch > 0 {
                let t0 = DispatchTime.now()
                loss = trainer.trainEpoch()
                trainSeconds = seconds(since: t0)
            }
            var regions: Int?, frameSeconds: Double?, file: String?
            if epoch % o.saveInterval == 0 || epoch == o.epochs {
                let t0 = DispatchTime.now()
                let renderer = FrameRenderer(network: trainer.network, keys: HashKeys(network: trainer.network, seed: o.seed))
                let frame = renderer.render(size: o.size, path: o.path, pool: trainer.pool)
                frameSeconds = seconds(since: t0)
                regions = frame.regionCount
                let name = String(format: "frame_%04d.png", epoch)
                try PNG.write(PNG.encode(frame.image()), to: o.outputDirectory.appendingPathComponent(name))
                file = name
            }
            let record = EpochRecord(epoch: epoch, loss: loss, regions: regions, trainSeconds: trainSeconds,
                                     frameSeconds: frameSeconds, frameFile: file)
            records.append(record)
            log(describe(record))
        }
        if o.video { log(try makeVideo(directory: o.outputDirectory)) }
        return records
    }

    static func describe(_ r: EpochRecord) -> String {
        var line = String(format: "epoch %4d  loss %@", r.epoch, r.loss.isNaN ? "       -" : String(format: "%.6f", r.loss))
        line += r.regions.map { String(format: "  regions %7d", $0) } ?? "                 "
        line += String(format: "  train %.2fs", r.trainSeconds)
        if let f = r.frameSeconds, let file = r.frameFile { line += String(format: "  frame %.2fs  %@", f, file) }
        return line
    }

    static func seconds(since t0: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    }

    /// Finds an executable on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Joins `frame_*.png` in `directory` into `regions.mp4` with ffmpeg, 4 frames a second.
    /// Returns a line for the log; a missing ffmpeg is reported, not an error, since the frames stand alone.
    public static func makeVideo(directory: URL) throws -> String {
        guard let ffmpeg = which("ffmpeg") else {
            return "video: ffmpeg is not on PATH; frames are in \(directory.path) (install ffmpeg to join them)"
        }
        let output = directory.appendingPathComponent("regions.mp4")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-y", "-loglevel", "error", "-framerate", "4", "-pattern_type", "glob",
                             "-i", directory.appendingPathComponent("frame_*.png").path,
                             "-pix_fmt", "yuv420p", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", output.path]
        do { try process.run() } catch { throw RegionsError.io("cannot run ffmpeg: \(error.localizedDescription)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw RegionsError.io("ffmpeg exited with status \(process.terminationStatus)") }
        return "video: \(output.path)"
    }
}
