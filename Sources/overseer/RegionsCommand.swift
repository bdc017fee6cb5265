// `overseer regions`: the activation-region explorer (issue 8). Thin commands over the Regions module.

import ArgumentParser
import Foundation
import Regions

struct RegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "Watch the linear regions of a leaky-ReLU network form while it learns an image.",
        subcommands: [Train.self, Bench.self])

    /// Runs `body`, turning a `RegionsError` (bad shape, bad PNG, unknown input...) into a usage
    /// error, so the user sees one clear line and a non-zero exit instead of a trap.
    static func reportingUserErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RegionsError {
            throw ValidationError(error.description)
        }
    }

    static func parseShape(_ text: String) throws -> NetworkShape {
        try reportingUserErrors { try NetworkShape(parsing: text) }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an MLP on an image and save frames of its regions every few epochs.")

        @Option(help: "ring, disc, square, text, or a path to an 8-bit grey/RGB PNG.")
        var input = "ring"
        @Option(help: "The word drawn by --input text (A-Z, 0-9).")
        var text = "RELU"
        @Option(help: "Side in pixels of a generated built-in image.")
        var resolution = 256
        @Option(help: "Hidden layers, e.g. '[100]*20', '[64,64,32]', '[32]*3+[16]'.")
        var shape = "[100]*20"
        @Option(help: "Training epochs.")
        var epochs = 30
        @Option(help: "Seed of the training stream and of the hash-key stream.")
        var seed: UInt64 = 12_345_678
        @Option(help: "Training points sampled from the image.")
        var points = 5050
        @Option(help: "Mini-batch size.")
        var batch = 64
        @Option(help: "Adam learning rate.")
        var lr: Float = 1e-3
        @Option(name: .customLong("save-interval"), help: "Save a frame every N epochs (and at 0 and the end).")
        var saveInterval = 10
        @Option(name: [.short, .customLong("output")], help: "Directory for frame_NNNN.png files.")
        var output = "regions-out"
        @Option(help: "Worker threads (results are identical for any value).")
        var threads = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Frame side in pixels.")
        var size = 1024
        @Flag(help: "Hash activation patterns on the reference path (store bits, hash afterwards).")
        var reference = false
        @Flag(help: "Join the frames into regions.mp4 with ffmpeg, if it is on PATH.")
        var video = false

        func validate() throws {
            _ = try RegionsCommand.parseShape(shape)
            guard epochs >= 0 else { throw ValidationError("--epochs must be at least 0") }
            guard points >= 1 else { throw ValidationError("--points must be at least 1") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            guard saveInterval >= 1 else { throw ValidationError("--save-interval must be at least 1") }
            guard (2...8192).contains(size) else { throw ValidationError("--size must be in 2...8192") }
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
            guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
        }

        func run() throws {
            var o = ExplorerOptions()
            o.input = input; o.word = text; o.resolution = resolution
            o.shape = try RegionsCommand.parseShape(shape)
            o.epochs = epochs; o.seed = seed; o.points = points; o.batchSize = batch; o.learningRate = lr
            o.saveInterval = saveInterval; o.outputDirectory = URL(fileURLWithPath: output)
            o.threads = threads; o.size = size; o.path = reference ? .reference : .fused; o.video = video
            print("regions: input \(input), shape \(o.shape) (\(o.shape.hidden.count) hidden layers), seed \(seed), "
                  + "\(points) points, \(threads) thread(s), \(o.path.rawValue) hash, frames \(size)×\(size) -> \(output)")
            _ = try RegionsCommand.reportingUserErrors { try Explorer.train(o) { print($0) } }
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a fused frame against the reference path and a naive scalar pass, and 10 epochs + 1 frame.")

        @Option(help: "Hidden layers.")
        var shape = "[100]*20"
        @Option(help: "Frame side in pixels.")
        var size = 1024
        @Option(help: "Worker threads.")
        var threads = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Training points for the 10-epoch measurement.")
        var points = 5050
        @Option(help: "Frames per path; the best is reported.")
        var repeats = 2
        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            _ = try RegionsCommand.parseShape(shape)
            guard (2...8192).contains(size) else { throw ValidationError("--size must be in 2...8192") }
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
            guard points >= 1, repeats >= 1 else { throw ValidationError("--points and --repeats must be at least 1") }
        }

        func run() throws {
            let shape = try RegionsCommand.parseShape(self.shape)
            let result = try RegionsCommand.reportingUserErrors {
                try RegionsBench.run(shape: shape, size: size, threads: threads, points: points, repeats: repeats)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(RegionsBench.describe(result), terminator: "")
            }
        }
    }
}
