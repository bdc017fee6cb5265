// The receipt log: an append-only, hash-chained SQLite table (through GRDB).
//
// Schema:
//   receipts(seq INTEGER PRIMARY KEY,   1, 2, 3, ... with no gaps
//            run_id TEXT, kind TEXT,    copies of the body's fields, for queries
//            body TEXT,                 canonical JSON (ReceiptEnvelope), the exact bytes hashed
//            prev_hash TEXT,            hash of the row before (64 zeros for the first)
//            hash TEXT,                 SHA-256( prev_hash ‖ "\n" ‖ body ), hex
//            signature TEXT)            Ed25519 over the 32 hash bytes, hex; NULL when unsigned
// Triggers refuse UPDATE and DELETE. The database runs in WAL mode with synchronous=FULL, and
// a run's receipts are appended in one IMMEDIATE transaction, so a crash leaves either all of a
// run's receipts or none. The chain makes any edited byte, deleted row or reordered rows visible
// to `overseer verify`; truncation of the newest rows is detected only against a head hash kept
// elsewhere (verify prints the head).

import Crypto
import Foundation
import GRDB

/// One stored row.
public struct ReceiptRow: Sendable, Equatable, Codable {
    public var seq: Int64
    public var runID: String
    public var kind: String
    public var body: String
    public var prevHash: String
    public var hash: String
    public var signature: String?
}

/// The hashed part of a receipt. Keys are sorted when encoded, so the body is canonical for a
/// given payload.
struct ReceiptEnvelope<Payload: Codable>: Codable {
    var version = 1
    var seq: Int64
    var runID: String
    var kind: String
    var time: String
    /// Ed25519 public key (hex) when the receipt is signed.
    var signer: String?
    var payload: Payload
    enum CodingKeys: String, CodingKey { case version, seq, runID = "run_id", kind, time, signer, payload }
}

/// Envelope fields without the payload (for checking a stored body).
struct EnvelopeHeader: Codable {
    var version: Int
    var seq: Int64
    var runID: String
    var kind: String
    var signer: String?
    enum CodingKeys: String, CodingKey { case version, seq, runID = "run_id", kind, signer }
}

/// Signs receipts with an Ed25519 key.
///
/// The key file holds the 32-byte private key, raw or as 64 hex digits
/// (`head -c 32 /dev/urandom > receipts.key`).
public struct ReceiptSigner: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey
    public var publicKeyHex: String { hex(key.publicKey.rawRepresentation) }

    public init(keyFile url: URL) throws {
        guard let data = try? Data(contentsOf: url) else { throw SupervisorError.key("cannot read \(url.path)") }
        var raw = data
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let bytes = Self.bytes(hex: text) { raw = Data(bytes) }
        guard raw.count == 32 else { throw SupervisorError.key("\(url.path) must hold 32 bytes or 64 hex digits") }
        do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw SupervisorError.key("\(error)")
        }
    }

    public init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    func sign(hash: String) throws -> String {
        hex(try key.signature(for: Self.bytes(hex: hash)!))
    }

    static func bytes(hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

/// A receipt waiting to be appended: its kind and payload.
public struct ReceiptDraft {
    public var kind: String
    let encode: (Int64, String, String, String?) throws -> Data  // seq, runID, time, signer → body

    public init<P: Codable>(kind: String, payload: P) {
        self.kind = kind
        encode = { seq, run, time, signer in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(ReceiptEnvelope(seq: seq, runID: run, kind: kind, time: time, signer: signer, payload: payload))
        }
    }
}

/// The receipt database.
///
/// ```swift
/// let store = try ReceiptStore(path: "receipts.sqlite")
/// let seqs = try store.append(runID: id, [ReceiptDraft(kind: "flag", payload: verdict)])
/// ```
public final class ReceiptStore: @unchecked Sendable {
    public static let genesis = String(repeating: "0", count: 64)

    public let path: String
    let queue: DatabaseQueue

    /// Opens or creates the database (WAL, synchronous=FULL, append-only triggers).
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.journalMode = .wal
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            // GRDB sets NORMAL when it enables WAL; a receipt must survive power loss, so FULL
            // (the queue keeps one connection, so the setting holds for its lifetime).
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS receipts (
                        seq INTEGER PRIMARY KEY,
                        run_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        body TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL UNIQUE,
                        signature TEXT);
                    CREATE INDEX IF NOT EXISTS receipts_run ON receipts(run_id);
                    CREATE TRIGGER IF NOT EXISTS receipts_no_update BEFORE UPDATE ON receipts
                        BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
                    CREATE TRIGGER IF NOT EXISTS receipts_no_delete BEFORE DELETE ON receipts
                        BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
                    """)
            }
        } catch {
            throw SupervisorError.receipts("cannot open \(path): \(error)")
        }
    }

    /// SHA-256( prev ‖ "\n" ‖ body ), hex.
    public static func hash(prev: String, body: Data) -> String {
        var h = SHA256()
        h.update(data: Data(prev.utf8) + Data("\n".utf8))
        h.update(data: body)
        return hex(h.finalize())
    }

    /// Appends `drafts` in order, in one transaction; returns their sequence numbers.
    @discardableResult
    public func append(runID: String, _ drafts: [ReceiptDraft], signer: ReceiptSigner? = nil, time: Date = Date()) throws -> [Int64] {
        let stamp = ISO8601DateFormatter().string(from: time)
        do {
            return try queue.write { db in
                let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1")
                var seq: Int64 = last?["seq"] ?? 0
                var prev: String = last?["hash"] ?? Self.genesis
                var out: [Int64] = []
                for d in drafts {
                    seq += 1
                    let body = try d.encode(seq, runID, stamp, signer?.publicKeyHex)
                    let h = Self.hash(prev: prev, body: body)
                    let signature = try signer?.sign(hash: h)
                    try db.execute(sql: "INSERT INTO receipts (seq, run_id, kind, body, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [seq, runID, d.kind, String(decoding: body, as: UTF8.self), prev, h, signature])
                    out.append(seq)
                    prev = h
                }
                return out
            }
        } catch {
            throw SupervisorError.receipts("cannot append to \(path): \(error)")
        }
    }

    /// All rows in sequence order (optionally one run's). A NULL or mistyped column (a log not
    /// written by this program) is an error naming the row, never a crash.
    public func rows(runID: String? = nil) throws -> [ReceiptRow] {
        let raw: [Row]
        do {
            raw = try queue.read { db in
                if let runID {
                    return try Row.fetchAll(db, sql: "SELECT * FROM receipts WHERE run_id = ? ORDER BY seq", arguments: [runID])
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM receipts ORDER BY seq")
            }
        } catch {
            throw SupervisorError.receipts("cannot read \(path): \(error)")
        }
        return try raw.enumerated().map { i, r in
            func column<T: DatabaseValueConvertible>(_ name: String, _: T.Type) throws -> T {
                let value: DatabaseValue = r[name] ?? .null
                guard let v = T.fromDatabaseValue(value) else {
                    throw SupervisorError.receipts("receipt row \(i + 1) of \(path): column \(name) is \(value.isNull ? "NULL or missing" : "of the wrong type")")
                }
                return v
            }
            let signature: DatabaseValue = r["signature"] ?? .null
            guard signature.isNull || String.fromDatabaseValue(signature) != nil else {
                throw SupervisorError.receipts("receipt row \(i + 1) of \(path): column signature is of the wrong type")
            }
            return ReceiptRow(seq: try column("seq", Int64.self), runID: try column("run_id", String.self),
                              kind: try column("kind", String.self), body: try column("body", String.self),
                              prevHash: try column("prev_hash", String.self), hash: try column("hash", String.self),
                              signature: String.fromDatabaseValue(signature))
        }
    }

    /// Runs raw SQL (tests use it to play the attacker).
    public func execute(_ sql: String) throws {
        try queue.write { try $0.execute(sql: sql) }
    }
}
