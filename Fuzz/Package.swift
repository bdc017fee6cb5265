// swift-tools-version:6.0
// libFuzzer harnesses for every loader that reads untrusted bytes (docs/fuzzing.md).
//
// Each harness is an executable whose main hands its `LLVMFuzzerTestOneInput` to libFuzzer's
// driver (`runFuzzer`; SwiftPM gives every executable its own main, so libFuzzer's is not used).
// Build with the fuzzer instrumentation applied to every Swift module, the project's included
// (`make fuzz` does this):
//
//   swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer
import PackageDescription

let harnesses = ["fuzz-gguf", "fuzz-safetensors", "fuzz-tokenizer-json", "fuzz-template", "fuzz-bundle",
                 "fuzz-labeled-data", "fuzz-receipts"]

let package = Package(
    name: "OverseerFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Overseer", path: "..")],
    targets: [.target(name: "FuzzEngine"),
              .target(name: "FuzzSupport", dependencies: ["FuzzEngine"], swiftSettings: [.swiftLanguageMode(.v5)])]
        + harnesses.map { name in
            .executableTarget(name: name,
                              dependencies: ["FuzzSupport", .product(name: "OverseerFuzzTargets", package: "Overseer")],
                              swiftSettings: [.swiftLanguageMode(.v5)])
        }
)
