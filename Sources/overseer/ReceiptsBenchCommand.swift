// `overseer bench-receipts`: how fast a receipt log takes appends, SQLite and PostgreSQL alike.
//
// `--writers` threads, each with its own connection to the log (as separate servers would
// have), append `--appends` times each; an append is `--rows` receipts of a realistic size (an
// event receipt's payload) in one transaction, signed when `--sign-key` is given. The log is
// checked as one chain afterwards. With `--baseline LOG`, the same appends go to that log first
// and the report gives the ratio, both measured in this run.

import ArgumentParser
import Foundation
import Supervisor

struct ReceiptsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-receipts",
        abstract: "Measure receipt appends per second on a log (SQLite file or postgres:// URL), optionally beside a baseline log.")

    @Argument(help: "The log to append to (created when missing): a SQLite file or postgres://USER@HOST:PORT/DATABASE.")
    var log: String
    @Option(help: "A second log measured first with the same appends (e.g. a SQLite file), for the ratio.") var baseline: String?
    @Option(help: "Concurrent writers, each with its own connection.") var writers = 4
    @Option(help: "Appends per writer.") var appends = 200
    @Option(help: "Receipts per append (one transaction).") var rows = 3
    @Option(name: .customLong("sign-key"), help: "Ed25519 private key file: sign every receipt.") var signKey: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...64).contains(writers) else { throw ValidationError("--writers must be in 1...64") }
        guard (1...1_000_000).contains(appends) else { throw ValidationError("--appends must be in 1...1000000") }
        guard (1...100).contains(rows) else { throw ValidationError("--rows must be in 1...100") }
    }

    struct Measurement: Encodable {
        var log: String
        var writers: Int
        var appends: Int
        var receipts: Int
        var seconds: Double
        var appendsPerSecond: Double
        var receiptsPerSecond: Double
        enum CodingKeys: String, CodingKey {
            case log, writers, appends, receipts, seconds
            case appendsPerSecond = "appends_per_second", receiptsPerSecond = "receipts_per_second"
        }
    }

    /// A payload of the size and shape of an event receipt's.
    struct Payload: Codable {
        var verdict: String
        var position: Int
        var score: Double
        var contributions: [Double]
    }

    func measure(_ location: String, signer: ReceiptSigner?) throws -> Measurement {
        let logs = try (0..<writers).map { _ in try ReceiptLogs.forAppending(location) }
        let before = try logs[0].head().seq
        final class Failures: @unchecked Sendable {
            // @unchecked: `first` is written only while `lock` is held.
            let lock = NSLock()
            var first: String?
        }
        let failures = Failures()
        let drafts = (0..<rows).map { i in
            ReceiptDraft(kind: "bench", payload: Payload(verdict: "flag", position: i, score: 0.5 + Double(i),
                                                         contributions: (0..<8).map { Double($0) / 8 }))
        }
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for a in 0..<appends {
                do { try logs[w].append(runID: "bench-\(w)-\(a)", drafts, signer: signer) } catch {
                    failures.lock.lock()
                    if failures.first == nil { failures.first = "\(error)" }
                    failures.lock.unlock()
                    return
                }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        if let f = failures.first { throw ValidationError("an append to \(logs[0].location) failed: \(f)") }
        // One chain: seq 1, 2, 3, … each linked to the one before (the bench rows are not runs,
        // so this is the chain half of what verify checks).
        if let problem = ReceiptChain.linkProblem(try logs[0].rows()) {
            throw ValidationError("the log is not one chain after the benchmark: \(problem)")
        }
        let added = Int(try logs[0].head().seq - before)
        guard added == writers * appends * rows else {
            throw ValidationError("\(added) receipts were added, not \(writers * appends * rows)")
        }
        return Measurement(log: logs[0].location, writers: writers, appends: writers * appends, receipts: added, seconds: seconds,
                           appendsPerSecond: Double(writers * appends) / seconds, receiptsPerSecond: Double(added) / seconds)
    }

    func run() throws {
        let signer = try signKey.map { try ReceiptSigner(keyFile: URL(fileURLWithPath: $0)) }
        var results: [Measurement] = []
        if let baseline { results.append(try measure(baseline, signer: signer)) }
        results.append(try measure(log, signer: signer))
        if json {
            struct Report: Encodable {
                var results: [Measurement]
                var ratio: Double?
            }
            try printJSON(Report(results: results, ratio: results.count == 2 ? results[1].appendsPerSecond / results[0].appendsPerSecond : nil))
            return
        }
        for m in results {
            print(String(format: "%@: %d writers, %d appends (%d receipts) in %.2f s: %.0f appends/s, %.0f receipts/s",
                         m.log, m.writers, m.appends, m.receipts, m.seconds, m.appendsPerSecond, m.receiptsPerSecond))
        }
        if results.count == 2 {
            print(String(format: "ratio %@ / %@: %.2f", results[1].log, results[0].log, results[1].appendsPerSecond / results[0].appendsPerSecond))
        }
    }
}
