// The receipt log: an append-only, hash-chained SQLite table (through GRDB).
//
// Schema:
//   receipts(seq INTEGER PRIMARY KEY,   1, 2, 3, ... with no gaps
//            run_id TEXT, kind TEXT,    copies of the body's fields, for queries
//            body TEXT,                 canonical JSON (ReceiptEnvelope), the exact bytes hashed
//            prev_hash TEXT,            hash of the row before (64 zeros for the first)
//            hash TEXT,                 SHA-256( prev_hash ‖ "\n" ‖ body ), hex
//            signature TEXT)            Ed25519 over the 32 hash bytes, hex; NULL when unsigned
// Triggers refuse UPDATE and DELETE. The database runs in WAL mode with synchronous=FULL. Each
// append is one IMMEDIATE transaction (all of its rows or none after a crash) that reads the head
// under the write lock, so several processes form one chain; a run appends its start receipt,
// then its halts as they happen, then the rest with its summary (SupervisedRun). The chain makes
// an edited byte, a deleted row or reordered rows visible to `overseer verify` unless the whole
// chain is re-hashed; against that, signatures with a pinned signer and signed checkpoints
// (ReceiptCheckpoint).

import Crypto
import Formats
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

    public init(seq: Int64, runID: String, kind: String, body: String, prevHash: String, hash: String, signature: String?) {
        self.seq = seq
        self.runID = runID
        self.kind = kind
        self.body = body
        self.prevHash = prevHash
        self.hash = hash
        self.signature = signature
    }
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
    // @unchecked: holds only an immutable Ed25519 private key; signing does not mutate it.
    let key: Curve25519.Signing.PrivateKey
    public var publicKeyHex: String { Digest.hex(key.publicKey.rawRepresentation) }

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
        guard let bytes = Self.bytes(hex: hash) else { throw SupervisorError.key("cannot sign a hash that is not hex") }
        return try sign(message: Data(bytes))
    }

    func sign(message: Data) throws -> String {
        Digest.hex(try key.signature(for: message))
    }

    /// The public key of a key file or of 64 hex digits (what `verify --signer` takes).
    public static func publicKey(hexOrFile text: String) throws -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if bytes(hex: t)?.count != 32, let data = try? Data(contentsOf: URL(fileURLWithPath: t)), data.count <= 4096 {
            t = data.count == 32 ? Digest.hex(data) : String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let raw = bytes(hex: t), raw.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw SupervisorError.key("a public key is 64 hex digits (or a file holding them or the 32 raw bytes)")
        }
        return t.lowercased()
    }

    /// Whether `signature` (hex) is a valid Ed25519 signature by the public key `publicKey`
    /// (64 hex digits) over `message`; false for anything malformed.
    static func isValid(signature: String, by publicKey: String, for message: some DataProtocol) -> Bool {
        guard let keyBytes = bytes(hex: publicKey), let sigBytes = bytes(hex: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(sigBytes, for: message)
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
public struct ReceiptDraft: Sendable {
    public var kind: String
    let encode: @Sendable (Int64, String, String, String?) throws -> Data  // seq, runID, time, signer → body

    public init<P: Codable & Sendable>(kind: String, payload: P) {
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
/// Several processes (and several threads of one process) may append to one file: each append
/// is an `IMMEDIATE` transaction, which takes SQLite's write lock before reading the head, so
/// the head it reads is still the head when its rows go in, and a writer that finds the lock
/// taken waits (up to `busyTimeout`) instead of failing. WAL lets readers run beside a writer.
///
/// ```swift
/// let store = try ReceiptStore(path: "receipts.sqlite")
/// let seqs = try store.append(runID: id, [ReceiptDraft(kind: "flag", payload: verdict)])
/// let log = try ReceiptStore(readOnly: "receipts.sqlite")   // what verify uses
/// ```
public final class ReceiptStore: ReceiptLog, @unchecked Sendable {
    // @unchecked: its only mutable resource is GRDB's `DatabaseQueue`, which serialises every
    // access itself; the other properties are constants.
    public static let genesis = String(repeating: "0", count: 64)
    /// How long an append waits for another writer's transaction before giving up.
    public static let defaultBusyTimeout: TimeInterval = 60

    public let path: String
    public var location: String { path }
    /// Opened read-only: nothing in the file can change (no WAL switch, no table created).
    public let isReadOnly: Bool
    let queue: DatabaseQueue

    /// The columns a receipt log's table has, in order.
    public static let columns = ["seq", "run_id", "kind", "body", "prev_hash", "hash", "signature"]

    /// Opens or creates the database for appending (WAL, synchronous=FULL, append-only
    /// triggers, a busy timeout so concurrent writers wait for each other).
    public init(path: String, busyTimeout: TimeInterval = ReceiptStore.defaultBusyTimeout) throws {
        self.path = path
        isReadOnly = false
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        do {
            try Self.requireRegularFileIfPresent(path)
            // An existing file is checked read-only first: a database that is not a receipt log
            // is refused before anything (the switch to WAL included) touches it.
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 {
                var check = Configuration()
                check.readonly = true
                check.busyMode = .timeout(busyTimeout)
                let existing = try DatabaseQueue(path: path, configuration: check)
                try existing.read { try Self.checkSchema($0, path: path, allowEmpty: true) }
                try existing.close()
            }
            queue = try DatabaseQueue(path: path, configuration: config)
            // GRDB sets NORMAL when it enables WAL; a receipt must survive power loss, so FULL
            // (the queue keeps one connection, so the setting holds for its lifetime).
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
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
                    return .commit
                }
            }
        } catch let e as SupervisorError {
            throw e
        } catch {
            throw SupervisorError.receipts("cannot open \(path): \(error)")
        }
    }

    /// Opens an existing log read-only, as `verify` and `receipts` do on a file they do not
    /// trust: SQLite is asked for a read-only connection (the file's journal mode, tables and
    /// bytes stay as they are), and a file that is not a receipt log is refused.
    public init(readOnly path: String, busyTimeout: TimeInterval = 5) throws {
        self.path = path
        isReadOnly = true
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        guard FileManager.default.fileExists(atPath: path) else { throw SupervisorError.receipts("no such file: \(path)") }
        try Self.requireRegularFileIfPresent(path)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw SupervisorError.receipts("\(path) is not a receipt log: \(error)")
        }
        do { try queue.read { try Self.checkSchema($0, path: path, allowEmpty: false) } } catch let e as SupervisorError {
            throw e
        } catch {
            throw SupervisorError.receipts("\(path) is not a receipt log: \(error)")
        }
    }

    /// Throws unless the database holds a receipts table with the log's columns (or, with
    /// `allowEmpty`, no table at all: a new log).
    static func checkSchema(_ db: Database, path: String, allowEmpty: Bool) throws {
        let columns = try tableColumns(db)
        if columns.isEmpty {
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if allowEmpty && tables.isEmpty { return }
            throw SupervisorError.receipts("\(path) is not a receipt log (it has no receipts table"
                                           + (tables.isEmpty ? ")" : "; its tables: \(tables.joined(separator: ", ")))"))
        }
        guard columns == Self.columns else {
            throw SupervisorError.receipts("\(path) is not a receipt log (its receipts table has columns \(columns.joined(separator: ", ")))")
        }
    }

    /// Column names of the `receipts` table, in order; empty when there is none.
    static func tableColumns(_ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA table_info(receipts)").compactMap { $0["name"] as String? }
    }

    /// Throws unless `path` is missing or a regular file (a FIFO or device would block or never end).
    static func requireRegularFileIfPresent(_ path: String) throws {
        if let kind = UntrustedPath.kind(path), kind != S_IFREG { throw SupervisorError.receipts("\(path) is not a regular file") }
    }

    /// SHA-256( prev ‖ "\n" ‖ body ), hex.
    public static func hash(prev: String, body: Data) -> String {
        var h = SHA256()
        h.update(data: Data(prev.utf8) + Data("\n".utf8))
        h.update(data: body)
        return Digest.hex(h.finalize())
    }

    /// Appends `drafts` in order, in one IMMEDIATE transaction (the head is read under the write
    /// lock, so concurrent writers form one chain); returns their sequence numbers. The time
    /// stamped on them is taken under the lock too (unless given), so stamps follow the chain.
    @discardableResult
    public func append(runID: String, _ drafts: [ReceiptDraft], signer: ReceiptSigner? = nil, time: Date? = nil) throws -> [Int64] {
        guard !isReadOnly else { throw SupervisorError.receipts("\(path) is open read-only") }
        do {
            return try queue.writeWithoutTransaction { db in
                var out: [Int64] = []
                try db.inTransaction(.immediate) {
                    let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1")
                    let rows = try ReceiptChain.link(runID: runID, drafts, after: (last?["seq"] ?? 0, last?["hash"] ?? Self.genesis),
                                                     signer: signer, time: time ?? Date())
                    for r in rows {
                        try db.execute(sql: "INSERT INTO receipts (seq, run_id, kind, body, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                       arguments: [r.seq, r.runID, r.kind, r.body, r.prevHash, r.hash, r.signature])
                    }
                    out = rows.map(\.seq)
                    return .commit
                }
                return out
            }
        } catch {
            throw SupervisorError.receipts("cannot append to \(path): \(error)")
        }
    }

    /// All rows in sequence order (optionally one run's). A NULL or mistyped column (a log not
    /// written by this program) is an error naming the row, never a crash.
    public func rows(runID: String?) throws -> [ReceiptRow] {
        let raw: [Row]
        do {
            raw = try queue.read { db in
                if let runID {
                    return try Row.fetchAll(db, sql: "SELECT \(Self.columns.joined(separator: ", ")) FROM receipts WHERE run_id = ? ORDER BY seq",
                                            arguments: [runID])
                }
                return try Row.fetchAll(db, sql: "SELECT \(Self.columns.joined(separator: ", ")) FROM receipts ORDER BY seq")
            }
        } catch {
            throw SupervisorError.receipts("cannot read \(path): \(error)")
        }
        return try raw.enumerated().map { i, r in
            func column<T: DatabaseValueConvertible>(_ name: String, _: T.Type) throws -> T {
                let value: DatabaseValue = r[name]
                guard let v = T.fromDatabaseValue(value) else {
                    throw SupervisorError.receipts("receipt row \(i + 1) of \(path): column \(name) is \(value.isNull ? "NULL" : "of the wrong type")")
                }
                return v
            }
            let signature: DatabaseValue = r["signature"]
            guard signature.isNull || String.fromDatabaseValue(signature) != nil else {
                throw SupervisorError.receipts("receipt row \(i + 1) of \(path): column signature is of the wrong type")
            }
            return ReceiptRow(seq: try column("seq", Int64.self), runID: try column("run_id", String.self),
                              kind: try column("kind", String.self), body: try column("body", String.self),
                              prevHash: try column("prev_hash", String.self), hash: try column("hash", String.self),
                              signature: String.fromDatabaseValue(signature))
        }
    }

    /// The newest receipt's seq and hash (0 and the genesis hash for an empty log): one read of
    /// the newest row by its primary key, not of the whole log.
    public func head() throws -> (seq: Int64, hash: String) {
        let row: Row?
        do {
            row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1") }
        } catch {
            throw SupervisorError.receipts("cannot read \(path): \(error)")
        }
        guard let row else { return (0, Self.genesis) }
        guard let seq = Int64.fromDatabaseValue(row["seq"]), let hash = String.fromDatabaseValue(row["hash"]) else {
            throw SupervisorError.receipts("the newest receipt row of \(path) has a NULL or mistyped seq or hash")
        }
        return (seq, hash)
    }

    /// Runs raw SQL (tests use it to play the attacker).
    public func execute(_ sql: String) throws {
        try queue.write { try $0.execute(sql: sql) }
    }
}
