// swift-tools-version:6.0
import Foundation
import PackageDescription

// Code generation for the compute modules.
//
// The kernels are written with explicit vector widths (SIMD8/SIMD16) and an explicit reduction
// order, so every CPU computes the same bits. What the target CPU changes is only how fast those
// fixed operations run: on a CPU with AVX2 and FMA we compile the compute modules for `haswell`
// (also on AVX-512 machines, so the emitted code is the same everywhere); elsewhere, or with
// OVERSEER_PORTABLE=1, we build for baseline x86-64 and the same operations run in software.
// OVERSEER_HASWELL is defined with the haswell target: the kernels then use AVX2 integer
// instructions for the exact (integer) part of the quantized dot products; `KernelBuild` reports it.
// Wider integer instructions (AVX-512 VNNI, AVX-512BW, AVX-VNNI) live in the C target CKernels,
// whose functions carry their own target attributes and are picked at run time (`KernelPath`),
// so one binary still runs on any x86-64 and computes the same bits on each path.
func computeFlags() -> [SwiftSetting] {
    let env = ProcessInfo.processInfo.environment
    if env["OVERSEER_PORTABLE"] == "1" { return [] }
    #if arch(x86_64)
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    let words = Set(flags.split(separator: " ").map(String.init))
    if words.contains("avx2") && words.contains("fma") && words.contains("f16c") {
        return [.unsafeFlags(["-target-cpu", "haswell"]), .define("OVERSEER_HASWELL")]
    }
    #endif
    return []
}

// Compute modules are optimised in every configuration: unoptimised SIMD code is hundreds of
// times slower, which would make even the debug test suite unusable on a real model. Bounds
// checks stay on in them (plain -O): they also parse what users hand over (model configs, bundle
// manifests, SAE files, data sets). Only Kernels, whose inputs are sized by the validated
// loaders above it, drops them in release (-Ounchecked; the speed difference is in
// docs/performance.md).
let compute = computeFlags() + [.unsafeFlags(["-O"])]
let kernels = computeFlags() + [.unsafeFlags(["-O"], .when(configuration: .debug)),
                                .unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
let language: [SwiftSetting] = [.swiftLanguageMode(.v5)]
// Modules that compile cleanly in Swift 6 mode (complete strict concurrency checking).
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]
// The C kernels: optimised in every configuration, like the compute modules, and never with
// fused multiply-adds the source did not ask for (clang would contract a*b+c by default).
let cKernels: [CSetting] = [.unsafeFlags(["-ffp-contract=off"]),
                            .unsafeFlags(["-O2"], .when(configuration: .debug))]

let package = Package(
    name: "Overseer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "overseer", targets: ["overseer"]),
        .library(name: "OverseerKit", targets: ["Kernels", "Formats", "Tokenizers", "Templates", "Taps", "Models",
                                                  "Detectors", "Supervisor", "LabeledData", "Activations", "Evaluation",
                                                  "Probes", "Training", "SAE", "Regions", "Steering",
                                                  "Risk", "Server", "Gradients"]),
        // What each libFuzzer harness does with an input (Fuzz/Targets), for the Fuzz package and the tests.
        .library(name: "OverseerFuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "CKernels", cSettings: cKernels),
        .target(name: "Kernels", dependencies: ["CKernels"], swiftSettings: swift6 + kernels),
        .target(name: "Formats", dependencies: ["Kernels", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "Tokenizers", swiftSettings: swift6),
        .target(name: "Templates", swiftSettings: swift6),
        .target(name: "Taps", swiftSettings: swift6 + compute),
        .target(name: "Models",
                dependencies: ["Kernels", "Formats", "Tokenizers", "Templates", "Taps"],
                swiftSettings: swift6 + compute),
        .target(name: "Detectors",
                dependencies: ["Kernels", "Formats", "Taps"],
                swiftSettings: swift6 + compute),
        .target(name: "Supervisor",
                dependencies: ["Formats", "Models", "Detectors", "Taps", "Steering",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: swift6),
        .target(name: "LabeledData", dependencies: ["Kernels", "Formats", "Models"], swiftSettings: swift6),
        .target(name: "Activations", dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "LabeledData"],
                swiftSettings: swift6 + compute),
        .target(name: "Evaluation", dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "LabeledData", "Activations"],
                swiftSettings: swift6 + compute),
        .target(name: "Probes",
                dependencies: ["Kernels", "Formats", "Taps", "Detectors", "LabeledData", "Activations", "Evaluation",
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6 + compute),
        .target(name: "Training",
                dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "LabeledData", "Activations",
                               "Evaluation", "Probes"],
                swiftSettings: swift6 + compute),
        .target(name: "Regions", dependencies: ["Kernels"], swiftSettings: swift6 + compute),
        .target(name: "SAE", dependencies: ["Kernels", "Formats", "Detectors", "Taps", "Models", "LabeledData", "Activations",
                                            "Evaluation", "Probes"],
                swiftSettings: swift6 + compute),
        .target(name: "Steering", dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "SAE"],
                swiftSettings: swift6 + compute),
        .target(name: "Risk",
                dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "Steering", "Supervisor"],
                swiftSettings: language),
        .target(name: "Server",
                dependencies: ["Kernels", "Tokenizers", "Models", "Detectors", "Supervisor", "Taps", "Steering", "SAE",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "Gradients", dependencies: ["Kernels", "Formats", "Taps", "Models", "Detectors", "SAE", "Steering", "Evaluation"],
                swiftSettings: language + compute),
        // The receipt log in PostgreSQL (several servers, one chain): only this module and the
        // command-line tool see PostgresNIO; the supervisor and the server talk to a `ReceiptLog`.
        .target(name: "ReceiptsPostgres",
                dependencies: ["Supervisor",
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swift6),
        .executableTarget(name: "overseer",
                          dependencies: ["Models", "Detectors", "Supervisor", "LabeledData", "Activations", "Evaluation",
                                         "Probes", "Training", "SAE", "Regions", "Steering", "Risk", "Server",
                                         "Gradients", "ReceiptsPostgres",
                                         .product(name: "Logging", package: "swift-log"),
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swift6),
        .target(name: "FuzzTargets",
                dependencies: ["Kernels", "Formats", "Tokenizers", "Templates", "Models", "Detectors", "LabeledData", "Supervisor"],
                path: "Fuzz/Targets", swiftSettings: language),
        .target(name: "TestSupport", dependencies: ["Kernels", "Formats", "Tokenizers"], path: "Tests/TestSupport",
                swiftSettings: language),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "Kernels"], swiftSettings: language),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"], exclude: ["Fixtures"],
                    swiftSettings: language),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TestSupport"], swiftSettings: language),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "Models", "TestSupport"], exclude: ["Fixtures"],
                    swiftSettings: language),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates"], exclude: ["Fixtures"], swiftSettings: language),
        .testTarget(name: "TapsTests", dependencies: ["Taps"], swiftSettings: language),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"], swiftSettings: language),
        .testTarget(name: "DetectorsTests", dependencies: ["Detectors", "TestSupport"], swiftSettings: language),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "TestSupport"], swiftSettings: language),
        .testTarget(name: "TrainingTests",
                    dependencies: ["LabeledData", "Activations", "Evaluation", "Probes", "Training", "Supervisor", "TestSupport"], swiftSettings: language),
        .testTarget(name: "RegionsTests", dependencies: ["Regions", "Kernels"], swiftSettings: language),
        .testTarget(name: "SAETests", dependencies: ["SAE", "TestSupport"], swiftSettings: language),
        .testTarget(name: "SteeringTests", dependencies: ["Steering", "Supervisor", "TestSupport"], swiftSettings: language),
        .testTarget(name: "RiskTests", dependencies: ["Risk", "Kernels", "Models", "Supervisor", "Steering", "TestSupport"], swiftSettings: language),
        .testTarget(name: "ServerTests",
                    dependencies: ["Server", "Supervisor", "TestSupport",
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                    swiftSettings: language),
        .testTarget(name: "GradientsTests", dependencies: ["Gradients", "Formats", "TestSupport"], swiftSettings: language),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "overseer"], swiftSettings: language),
        .testTarget(name: "ReceiptsPostgresTests", dependencies: ["ReceiptsPostgres", "Supervisor", "Models", "Detectors", "TestSupport"],
                    swiftSettings: language),
    ]
)
