// What a receipt log is to its users, whatever stores it.
//
// The supervisor writes through `append` (write-ahead: a run's start, then its halts, then the
// rest with its summary), `verify`, `receipts` and `checkpoint` read through `rows` and `head`,
// and the server serves `rows(runID:)`. Two stores conform: `ReceiptStore` (one SQLite file) and
// the PostgreSQL log of the ReceiptsPostgres module (several servers, one chain). Both build
// their rows with `ReceiptChain.link`, so a receipt's body, hash and signature are the same bytes
// in either, and `Verifier` checks them the same way.

import Foundation

/// An append-only, hash-chained log of receipts.
///
/// A conforming store must make each `append` atomic (all of its rows or none, also after a
/// crash) and serialise appends against every other writer of the same log (in this process or
/// another), reading the head under that serialisation, so the log is one chain: seq 1, 2, 3, …
/// without gaps, forks or duplicates. Calls are synchronous: the generation thread blocks on them
/// (fail closed: if the start receipt cannot be stored, nothing is generated). Never call them on
/// a thread the store itself needs to make progress.
///
/// ```swift
/// let log: any ReceiptLog = try ReceiptStore(path: "receipts.sqlite")
/// let seqs = try log.append(runID: id, [ReceiptDraft(kind: "flag", payload: verdict)], signer: nil, time: nil)
/// let report = try Verifier.verify(store: log)
/// ```
public protocol ReceiptLog: AnyObject, Sendable {
    /// Where the log lives, for messages (a path, or a URL without its password).
    var location: String { get }
    /// Appends `drafts` in order as one transaction; returns their sequence numbers. `time`
    /// (default: now, taken once the log is held for this append) is stamped on every body.
    func append(runID: String, _ drafts: [ReceiptDraft], signer: ReceiptSigner?, time: Date?) throws -> [Int64]
    /// All rows in sequence order, or one run's.
    func rows(runID: String?) throws -> [ReceiptRow]
    /// The newest receipt's seq and hash (0 and the genesis hash for an empty log).
    func head() throws -> (seq: Int64, hash: String)
}

extension ReceiptLog {
    @discardableResult
    public func append(runID: String, _ drafts: [ReceiptDraft], signer: ReceiptSigner? = nil) throws -> [Int64] {
        try append(runID: runID, drafts, signer: signer, time: nil)
    }

    public func rows() throws -> [ReceiptRow] { try rows(runID: nil) }
}

/// Building the rows of one append: the one place where bodies are encoded, hashed and signed.
public enum ReceiptChain {
    /// The rows that continue a chain whose newest receipt is `head`: each body is the canonical
    /// envelope (seq, run id, kind, `time`, the signer's public key, payload), each hash is
    /// SHA-256(prev ‖ "\n" ‖ body), each signature is Ed25519 over the hash's 32 bytes.
    public static func link(runID: String, _ drafts: [ReceiptDraft], after head: (seq: Int64, hash: String),
                            signer: ReceiptSigner?, time: Date) throws -> [ReceiptRow] {
        let stamp = ISO8601DateFormatter().string(from: time)
        var seq = head.seq, prev = head.hash
        var out: [ReceiptRow] = []
        out.reserveCapacity(drafts.count)
        for d in drafts {
            seq += 1
            let body = try d.encode(seq, runID, stamp, signer?.publicKeyHex)
            let h = ReceiptStore.hash(prev: prev, body: body)
            out.append(ReceiptRow(seq: seq, runID: runID, kind: d.kind, body: String(decoding: body, as: UTF8.self),
                                  prevHash: prev, hash: h, signature: try signer?.sign(hash: h)))
            prev = h
        }
        return out
    }

    /// Why `row` cannot be receipt #`expectedSeq` after a receipt whose hash is `prev`, or nil:
    /// the hash-chain half of what `Verifier.checkChain` checks (no envelope, signature or run).
    public static func linkProblem(_ row: ReceiptRow, expectedSeq: Int64, prev: String) -> String? {
        guard row.seq == expectedSeq else { return "receipt #\(expectedSeq) is missing (found #\(row.seq) in its place)" }
        guard row.prevHash == prev else { return "receipt #\(row.seq): prev_hash does not match receipt #\(row.seq - 1)'s hash" }
        guard ReceiptStore.hash(prev: row.prevHash, body: Data(row.body.utf8)) == row.hash else {
            return "receipt #\(row.seq): its hash does not match its contents (edited)"
        }
        return nil
    }

    /// The first break in `rows` as one hash chain from the genesis hash, or nil.
    public static func linkProblem(_ rows: [ReceiptRow]) -> String? {
        var prev = ReceiptStore.genesis
        for (i, row) in rows.enumerated() {
            if let problem = linkProblem(row, expectedSeq: Int64(i + 1), prev: prev) { return problem }
            prev = row.hash
        }
        return nil
    }
}
