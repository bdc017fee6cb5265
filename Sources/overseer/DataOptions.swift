// Options naming labeled data, shared by collect, eval and compare-probes.

import ArgumentParser
import Foundation
import LabeledData

struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Labeled file (JSONL, JSON array or CSV) or builtin:NAME (repeatable).")
    var data: [String] = []
    @Option(name: .customLong("positive"), help: "File whose every row is an example (label 1), e.g. harmful requests (repeatable).")
    var positive: [String] = []
    @Option(name: .customLong("negative"), help: "File whose every row is a counterexample (label 0) (repeatable).")
    var negative: [String] = []
    @Option(name: .customLong("text-field"), help: "Field (or CSV column) holding the text.") var textField = "text"
    @Option(name: .customLong("label-field"), help: "Field holding the label (0/1 or true/false).") var labelField = "label"
    @Option(name: .customLong("limit"), help: "Keep at most N rows of each file, sampled with --sample-seed.") var limit: Int?
    @Option(name: .customLong("sample-seed"), help: "Seed for --limit sampling.") var sampleSeed: UInt64 = 0

    func check() throws {
        guard !(data.isEmpty && positive.isEmpty && negative.isEmpty) else {
            throw ValidationError("name the data with --data, --positive or --negative")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be ≥ 1") }
    }

    var sources: [DataSource] {
        func source(_ path: String, _ label: Int?) -> DataSource {
            DataSource(path: path, textField: textField, labelField: labelField, label: label, limit: limit,
                       sampleSeed: sampleSeed)
        }
        return data.map { source($0, nil) } + positive.map { source($0, 1) } + negative.map { source($0, 0) }
    }
}

/// A progress line on standard error: redrawn in place on a terminal, every 10% otherwise.
final class ProgressLine {
    private let tty = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var lastDecile = -1

    func update(_ done: Int, _ total: Int, _ detail: @autoclosure () -> String) {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        if tty {
            guard done == total || Date().timeIntervalSince(lastDraw) > 0.25 else { return }
            lastDraw = Date()
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(detail())\u{1B}[K".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = Int(fraction * 10)
            guard decile != lastDecile else { return }
            lastDecile = decile
            log("\(done)/\(total) \(detail())")
        }
    }
}
