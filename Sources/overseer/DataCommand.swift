import ArgumentParser
import Foundation
import LabeledData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "List or export the labeled data sets built into overseer.",
        subcommands: [List.self, Export.self])

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
}
