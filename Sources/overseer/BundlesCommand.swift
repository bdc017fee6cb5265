import ArgumentParser
import Detectors
import Foundation
import Training

struct BundlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundles", abstract: "List or build the supervisor bundles built into overseer.",
        subcommands: [List.self, Build.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in bundles and where they are cached.")
        func run() throws {
            for b in BuiltinBundle.all {
                let cached = (try? SupervisorBundle.load(b.folder)).map { "built, SHA-256 \($0.sha256)" } ?? "not built yet"
                print("\(b.name)  for \(b.model), from \(b.data.joined(separator: " + ")): \(b.summary)\n    \(b.folder.path) (\(cached))")
            }
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a built-in bundle from the built-in data (deterministic: the same bytes everywhere) and print its path.")
        @Argument(help: "Bundle name (harm).") var name: String
        @Flag(help: "Retrain even when a cached copy exists.") var force = false
        @Option(help: "Collect into this folder and keep it (another collection there is replaced), or reuse the bundle's complete collection found there.")
        var acts: String?
        @OptionGroup var threads: ThreadsOption

        func run() throws {
            guard let b = BuiltinBundle.named(name) else {
                throw ValidationError("no built-in bundle '\(name)' (built-in: \(BuiltinBundle.all.map(\.name).joined(separator: ", ")))")
            }
            if force { try? FileManager.default.removeItem(at: b.folder) }
            let bundle = try b.load(threads: threads.threads, collection: acts.map { URL(fileURLWithPath: $0) }) { log($0) }
            log("\(b.name): SHA-256 \(bundle.sha256)" + (b.expectedSHA256 == bundle.sha256 ? " (as pinned)" : ""))
            print(b.folder.path)
        }
    }
}
