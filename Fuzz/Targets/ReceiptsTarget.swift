// Receipt logs under `verify`, in two forms:
//
//   an SQLite file    (input starting with SQLite's magic) opened as a receipt log and verified:
//                     the store's row reader, then the chain check;
//   receipt lines     one receipt per line, `kind<TAB>run_id<TAB>payload JSON`; the harness wraps
//                     each payload in its envelope and re-hashes the chain, as a forger with write
//                     access would, so the fuzzer reaches what lies behind the hashes: the summary
//                     and event decoders, the per-run bookkeeping and the start of replay.
//
// Replay itself needs the recorded model; it is asked for one that does not exist, which must
// end in a typed error before any file is read.

import Foundation
import Supervisor

private let sqliteMagic = Data("SQLite format 3\0".utf8)

/// A JSON string literal (quotes and escapes included).
private func jsonString(_ s: String) -> String {
    guard let data = try? JSONEncoder().encode(s) else { return "\"\"" }
    return String(decoding: data, as: UTF8.self)
}

/// An SQL string literal.
private func sqlString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

/// One receipt per line, chained as the store would chain them.
private func insertLines(_ text: String, into store: ReceiptStore) throws {
    var prev = ReceiptStore.genesis
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(64).enumerated() {
        let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let seq = i + 1
        let (kind, runID, body): (String, String, String)
        if fields.count == 3 {
            (kind, runID) = (fields[0], fields[1])
            body = "{\"kind\":\(jsonString(kind)),\"payload\":\(fields[2]),\"run_id\":\(jsonString(runID)),"
                + "\"seq\":\(seq),\"time\":\"2026-12-03T00:00:00Z\",\"version\":1}"
        } else {
            (kind, runID, body) = ("summary", "run", String(line))  // a whole body, envelope and all
        }
        let hash = ReceiptStore.hash(prev: prev, body: Data(body.utf8))
        try store.execute("INSERT INTO receipts (seq, run_id, kind, body, prev_hash, hash, signature) VALUES "
                          + "(\(seq), \(sqlString(runID)), \(sqlString(kind)), \(sqlString(body)), \(sqlString(prev)), \(sqlString(hash)), NULL)")
        prev = hash
    }
}

private func removeLog(_ url: URL) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
}

extension FuzzTargets {
    /// One input of the `fuzz-receipts` harness.
    public static func receipts(_ data: Data) {
        let url: URL
        if data.starts(with: sqliteMagic) {
            url = scratchFile("receipts.sqlite", contents: data)
            for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
        } else {
            url = scratchFile("receipts.sqlite", contents: Data())
            removeLog(url)
        }
        defer { removeLog(url) }
        guard let store = try? ReceiptStore(path: url.path) else { return }
        if !data.starts(with: sqliteMagic) {
            do { try insertLines(String(decoding: data, as: UTF8.self), into: store) } catch { return }
        }
        if let rows = try? store.rows() { _ = Verifier.checkChain(rows) }
        _ = try? Verifier.verify(store: store, replay: false)
        _ = try? Verifier.verify(store: store, model: "/nonexistent/overseer-fuzz.gguf", bundle: "/nonexistent/bundle")
    }
}
