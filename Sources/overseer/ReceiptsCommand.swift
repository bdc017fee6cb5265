import ArgumentParser
import Detectors
import Foundation
import Supervisor

struct ReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Print receipts from a receipt log, as stored (body, previous hash, hash, signature).")

    @Argument(help: "The receipt log: a SQLite file or postgres://USER@HOST:PORT/DATABASE.") var database: String
    @Option(name: .customLong("run"), help: "Only this run.") var runID: String?
    @Option(help: "Only the receipt with this sequence number.") var seq: Int64?
    @Option(help: "Only receipts of this kind (start, halt, flag, log, fail_closed, summary).") var kind: String?

    func run() throws {
        let rows = try ReceiptLogs.forReading(database).rows(runID: runID)
            .filter { r in (seq == nil || r.seq == seq) && (kind == nil || r.kind == kind) }
        struct Printed: Encodable {
            var seq: Int64, run: String, kind: String, prevHash: String, hash: String, signature: String?
            var body: JSONValueBox
            enum CodingKeys: String, CodingKey { case seq, run, kind, body, signature, prevHash = "prev_hash", hash }
        }
        try printJSON(rows.map {
            Printed(seq: $0.seq, run: $0.runID, kind: $0.kind, prevHash: $0.prevHash, hash: $0.hash, signature: $0.signature,
                    body: JSONValueBox(text: $0.body))
        })
    }
}

/// Re-emits a stored JSON text as JSON (not as an escaped string).
struct JSONValueBox: Encodable {
    var text: String
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { try c.encode(value) } else { try c.encode(text) }
    }
}
