// Options and helpers shared by the commands.

import ArgumentParser
import Detectors
import Foundation
import Gradients
import Models
import SAE

struct ModelOption: ParsableArguments {
    @Option(name: [.customShort("m"), .long], help: "A .gguf file, a Hugging Face folder, or a known name (see `overseer models list`).")
    var model: String = "smollm2"

    @Option(help: "A LoRA adapter folder (Hugging Face PEFT layout, as `overseer finetune` writes) merged into the model's weights for this run.")
    var lora: String?

    func load() throws -> LanguageModel {
        let lm = try LanguageModel.load(model)
        guard let lora else { return lm }
        return try lm.withLoRA(URL(fileURLWithPath: lora))
    }
}

struct ThreadsOption: ParsableArguments {
    @Option(help: "Threads for the forward pass (results are identical for any count).")
    var threads: Int = defaultThreads

    static var defaultThreads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
    }
}

/// Writes `value` as pretty, key-sorted JSON on standard output. Infinities and NaN (an ROC
/// curve's first threshold, an AUROC without both classes) are written as the strings "inf",
/// "-inf" and "nan".
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Writes to standard error (progress and logs, kept out of JSON output).
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes text to standard output immediately.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Every detector kind this tool knows (SAE features included): what it loads bundles with.
let bundleRegistry = DetectorRegistry.withSAEFeatures()

/// A bundle folder, loaded with `bundleRegistry`.
func loadBundleFolder(_ path: String) throws -> SupervisorBundle {
    try SupervisorBundle.load(URL(fileURLWithPath: path), registry: bundleRegistry)
}
