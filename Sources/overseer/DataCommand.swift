import ArgumentParser
import Foundation
import LabeledData
import Models
import Training

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "List or export the labeled data sets built into overseer.",
        subcommands: [List.self, Export.self, Complete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in data sets.")
        func run() throws {
            for d in BuiltinData.all {
                let rows = try DataSource(path: "builtin:\(d.name)").load()
                let positives = rows.filter { $0.label == 1 }.count
                print("builtin:\(d.name)  \(rows.count) rows (\(positives) label 1, \(rows.count - positives) label 0)  \(d.summary)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a built-in data set as JSON Lines.")
        @Argument(help: "Name (harm, truth).") var name: String
        @Option(name: [.customShort("o"), .long], help: "Output file (default: standard output).") var output: String?
        func run() throws {
            let d = try BuiltinData.named(name.hasPrefix("builtin:") ? String(name.dropFirst(8)) : name)
            let bytes = Data((d.jsonl.hasSuffix("\n") ? d.jsonl : d.jsonl + "\n").utf8)
            if let output { try bytes.write(to: URL(fileURLWithPath: output)) } else { FileHandle.standardOutput.write(bytes) }
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let the model finish answers: every row's closing assistant turn (an opening) is continued, greedily.",
            discussion: """
            The rows are conversations (turns) ending with an assistant turn: the opening of an answer. The model \
            continues each one after the chat template's generation prompt; the output rows hold the opening plus \
            the continuation as the assistant turn, with the same label, category and source — the model's own \
            answers, to collect with --positions answer for a rule that judges generated tokens.
            """)
        @OptionGroup var modelOption: ModelOption
        @OptionGroup var dataOptions: DataOptions
        @Option(name: [.customShort("n"), .customLong("max-tokens")], help: "Tokens the model adds to each opening at most.") var maxTokens = 32
        @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1 = off; greedy decoding of a small model loops without one).")
        var repeatPenalty: Float = 1.1
        @Option(help: "System message for conversations without one.") var system: String?
        @Option(name: [.customShort("o"), .long], help: "Output file (JSON Lines; default: standard output).") var output: String?
        @OptionGroup var threads: ThreadsOption

        func validate() throws {
            try dataOptions.check()
            guard maxTokens >= 1 && maxTokens <= 4096 else { throw ValidationError("-n must be in 1...4096") }
            guard repeatPenalty.isFinite && repeatPenalty > 0 else { throw ValidationError("--repeat-penalty must be > 0") }
        }

        func run() throws {
            let lm = try modelOption.load()
            var rows: [LabeledExample] = []
            for s in dataOptions.sources { rows += try s.load() }
            let bar = ProgressLine()
            var sampling = SamplingOptions()
            sampling.repetitionPenalty = repeatPenalty
            let done = try AnswerCompletion.complete(rows, model: lm, maxTokens: maxTokens, sampling: sampling, system: system,
                                                     threads: threads.threads) { bar.update($0, $1, "answers") }
            let text = try done.map(AnswerCompletion.jsonLine).joined(separator: "\n") + "\n"
            if let output { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
    }
}
