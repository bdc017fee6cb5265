import ArgumentParser
import Detectors
import Foundation
import Supervisor
import Training

struct BundlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundles", abstract: "List or build the supervisor bundles built into overseer; sign a bundle.",
        subcommands: [List.self, Build.self, Sign.self])

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
        @Option(help: "Collect into this folder and keep it, one subfolder per data set (another collection there is replaced), or reuse the complete collections of the bundle's data sets found there.")
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

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a bundle folder's SHA-256 with an Ed25519 key: writes signature.json into the folder.",
            discussion: """
            Runs that name the signer's public key (`--supervisor DIR --bundle-signer KEY`) then refuse the \
            bundle unless the signature fits it as loaded: editing bundle.json or the weights breaks it. \
            Prints the bundle's SHA-256 and the signer's public key.
            """)
        @Argument(help: "Bundle folder (bundle.json + weights.safetensors).") var folder: String
        @Option(help: "Ed25519 private key file (32 bytes, raw or 64 hex digits).") var key: String

        func run() throws {
            let url = URL(fileURLWithPath: folder)
            let bundle = try loadBundleFolder(folder)
            let signature = try BundleSignature.sign(bundle, signer: try ReceiptSigner(keyFile: URL(fileURLWithPath: key)))
            try signature.write(into: url)
            try BundleSignature.check(bundle, folder: url, signer: signature.signer)
            print("bundle SHA-256 \(signature.bundleSHA256)\nsigner \(signature.signer)\n\(url.appendingPathComponent(BundleSignature.fileName).path)")
        }
    }
}
