// The receipt log in PostgreSQL: one hash chain that several `overseer serve` processes append to.
//
// Schema (created on first open for appending, by a role that may create tables and roles):
//   receipts(seq BIGINT PRIMARY KEY,        1, 2, 3, ... with no gaps
//            run_id TEXT, kind TEXT,        copies of the body's fields, for queries
//            body TEXT,                     canonical JSON (the same bytes as in the SQLite log)
//            prev_hash TEXT, hash TEXT UNIQUE, signature TEXT)
//   triggers: receipts_append_only   BEFORE UPDATE OR DELETE (each row) and BEFORE TRUNCATE: refused
//             receipts_link          BEFORE INSERT (each row): seq must be the head's + 1, prev_hash
//                                    the head's hash, hash = SHA-256(prev_hash ‖ "\n" ‖ body)
//   role overseer_appender (NOLOGIN): SELECT and INSERT on receipts, nothing else; servers log in
//             as a role granted it, so UPDATE and DELETE fail on privileges before any trigger.
//
// One chain, serialised in the database. Each append is one transaction:
//   BEGIN; SELECT pg_advisory_xact_lock(K); SELECT head; INSERT rows + pg_notify (one statement); COMMIT
// The advisory lock (held to commit or rollback, released by the server if the client dies)
// makes writers queue instead of racing; it needs no privilege, unlike LOCK TABLE in a mode
// that excludes other writers (which needs UPDATE or DELETE, the very rights the appender lacks).
// The head is read by a statement after the lock is granted, so under READ COMMITTED it sees
// every append committed before. The link trigger and the primary key make the database itself
// refuse a fork, a gap or a duplicate seq from a writer that skipped the lock. A writer killed
// mid-transaction leaves nothing: PostgreSQL rolls the transaction back when its connection
// drops. So, as with SQLite, each append is all or none, and a run's receipts are its start
// receipt, then its halts, then the rest with its summary (a killed run: start only, reported by
// `verify` as unfinished). The notification (channel `overseer_receipts`) is delivered at commit.
//
// Calls are synchronous (the generation thread blocks on an append: fail closed). They run on a
// private one-thread NIO event loop group and wait on its futures from the caller's thread, so
// the caller is never one of the loops doing the work: no deadlock with the HTTP server's loops
// or Swift's cooperative pool.

import Foundation
import Logging
import PostgresNIO
import Supervisor

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]` URL.
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public enum TLSMode: String, Sendable { case disable, prefer, require }
    public var tls: TLSMode

    /// Whether `text` names a PostgreSQL log (rather than a SQLite file).
    public static func matches(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses the URL; the password may also come from `PGPASSWORD`.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.matches(text), let c = URLComponents(string: text) else {
            throw SupervisorError.receipts("not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE): \(text)")
        }
        guard let user = c.user, !user.isEmpty else { throw SupervisorError.receipts("the PostgreSQL URL names no user: \(Self.redacted(text))") }
        guard let host = c.host, !host.isEmpty else { throw SupervisorError.receipts("the PostgreSQL URL names no host: \(Self.redacted(text))") }
        let db = String(c.path.drop { $0 == "/" })
        guard !db.isEmpty, !db.contains("/") else {
            throw SupervisorError.receipts("the PostgreSQL URL names no database (postgres://USER@HOST:PORT/DATABASE): \(Self.redacted(text))")
        }
        let port = c.port ?? 5432
        guard (1...65535).contains(port) else { throw SupervisorError.receipts("the PostgreSQL URL's port must be in 1...65535") }
        var tls = TLSMode.disable
        for item in c.queryItems ?? [] {
            guard item.name == "sslmode", let v = item.value, let mode = TLSMode(rawValue: v) else {
                throw SupervisorError.receipts("unknown PostgreSQL URL parameter '\(item.name)=\(item.value ?? "")' (known: sslmode=disable|prefer|require)")
            }
            tls = mode
        }
        self.user = user.removingPercentEncoding ?? user
        self.password = c.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        self.host = host
        self.port = port
        self.database = db.removingPercentEncoding ?? db
        self.tls = tls
    }

    /// The URL without its password (what messages and receipts' readers see).
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func redacted(_ text: String) -> String {
        guard var c = URLComponents(string: text) else { return "postgres://…" }
        if c.password != nil { c.password = "…" }
        return c.string ?? "postgres://…"
    }

    func configuration() throws -> PostgresConnection.Configuration {
        let t: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: t = .disable
        case .prefer: t = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: t = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var config = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                      database: database, tls: t)
        config.options.connectTimeout = .seconds(10)
        return config
    }
}

/// One connection to PostgreSQL used synchronously from any thread but its event loop's: each
/// call holds a lock for its whole exchange (a transaction included), and a connection that
/// broke is replaced at the next call.
final class SyncConnection: @unchecked Sendable {
    // @unchecked: the connection is replaced and used only while `lock` is held.
    let url: PostgresURL
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var nextID = 0

    init(url: PostgresURL, group: MultiThreadedEventLoopGroup, logger: Logger) {
        self.url = url
        self.group = group
        self.logger = logger
    }

    /// Runs `body` with the connection, holding it for the duration.
    func with<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let c = try current()
        do { return try body(c) } catch {
            if c.isClosed { connection = nil }
            throw error
        }
    }

    private func current() throws -> PostgresConnection {
        if let c = connection, !c.isClosed { return c }
        nextID += 1
        let c = try PostgresConnection.connect(on: group.next(), configuration: try url.configuration(), id: nextID,
                                               logger: logger).wait()
        connection = c
        return c
    }

    private var lastReconnect = Date.distantPast

    /// Sends a query without waiting for it (queries on one connection run in the order sent).
    /// With the connection down it tries to reconnect at most every 5 s and drops the query
    /// meanwhile, so a caller on a latency-sensitive path is never held by an unreachable database.
    func send(_ q: PostgresQuery) {
        lock.lock()
        defer { lock.unlock() }
        if connection?.isClosed ?? true {
            guard Date().timeIntervalSince(lastReconnect) >= 5 else { return }
            lastReconnect = Date()
        }
        guard let c = try? current() else { return }
        _ = c.query(q, logger: logger)
    }

    func close() {
        lock.lock()
        let c = connection
        connection = nil
        lock.unlock()
        try? c?.close().wait()
    }
}

extension PostgresConnection {
    /// Runs `q` and waits for all of its rows.
    @discardableResult
    func run(_ q: PostgresQuery, logger: Logger) throws -> [PostgresRow] {
        try query(q, logger: logger).wait().rows
    }
}

/// The receipt log in a PostgreSQL database (see the file header).
///
/// ```swift
/// let log = try PostgresReceiptLog(url: "postgres://fleet@127.0.0.1:5432/receipts")
/// try log.append(runID: id, [ReceiptDraft(kind: "flag", payload: verdict)])
/// let report = try Verifier.verify(store: log)
/// ```
public final class PostgresReceiptLog: ReceiptLog, @unchecked Sendable {
    // @unchecked: constants plus a `SyncConnection`, which serialises every exchange.
    /// Channel notified (at commit) with `{"run_id", "seqs", "kinds"}` for every append.
    public static let channel = "overseer_receipts"
    /// The role that may read and append, and nothing else.
    public static let appenderRole = "overseer_appender"
    /// Key of the advisory lock every append holds until it commits.
    static let lockKey: Int64 = 0x6f76_7273_7263_7074  // "ovrsrcpt"

    public let url: PostgresURL
    public let isReadOnly: Bool
    public var location: String { url.description }
    let group: MultiThreadedEventLoopGroup
    let connection: SyncConnection
    let logger: Logger

    /// Connects; for appending (`readOnly` false) creates the schema when the database has no
    /// receipts table yet. An existing table must have the log's columns. Read-only opens run
    /// every statement in read-only transactions and create nothing.
    public init(url text: String, readOnly: Bool = false, logger: Logger = Logger(label: "overseer.receipts.postgres")) throws {
        url = try PostgresURL(text)
        isReadOnly = readOnly
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        connection = SyncConnection(url: url, group: group, logger: logger)
        do {
            try connection.with { c in
                if readOnly { try c.run("SET default_transaction_read_only = on", logger: logger) }
                let columns = try Self.columns(c, logger: logger)
                if columns.isEmpty {
                    guard !readOnly else { throw SupervisorError.receipts("\(url.description) holds no receipt log (no receipts table)") }
                    try Self.createSchema(c, logger: logger)
                } else if columns != ReceiptStore.columns {
                    throw SupervisorError.receipts("\(url.description) is not a receipt log (its receipts table has columns \(columns.joined(separator: ", ")))")
                }
            }
        } catch let e as SupervisorError {
            shutdown()
            throw e
        } catch {
            shutdown()
            throw SupervisorError.receipts("cannot open \(url.description): \(Self.describe(error))")
        }
    }

    deinit { shutdown() }

    private func shutdown() {
        connection.close()
        try? group.syncShutdownGracefully()
    }

    /// A PostgreSQL error's own message (PostgresNIO hides it from `description`).
    public static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let info = e.serverInfo, let message = info[.message] {
            return message + (info[.detail].map { " (\($0))" } ?? "") + (info[.sqlState].map { " [SQLSTATE \($0)]" } ?? "")
        }
        return e.underlying.map { "\(e.code): \($0)" } ?? "\(e.code)"
    }

    static func columns(_ c: PostgresConnection, logger: Logger) throws -> [String] {
        let rows = try c.run("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'receipts' ORDER BY ordinal_position
            """, logger: logger)
        return try rows.map { try $0.decode(String.self) }
    }

    /// The table, its triggers and the appender role, in one transaction.
    static func createSchema(_ c: PostgresConnection, logger: Logger) throws {
        let statements: [PostgresQuery] = [
            "BEGIN",
            // Two first writers may race to create the schema: one waits for the other.
            "SELECT pg_advisory_xact_lock(\(lockKey))",
            """
            CREATE TABLE IF NOT EXISTS receipts (
                seq BIGINT PRIMARY KEY CHECK (seq >= 1),
                run_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                body TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                signature TEXT)
            """,
            "CREATE INDEX IF NOT EXISTS receipts_run ON receipts(run_id)",
            """
            CREATE OR REPLACE FUNCTION overseer_receipts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'receipts are append-only';
            END $$
            """,
            """
            CREATE OR REPLACE FUNCTION overseer_receipts_link() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                last_seq BIGINT;
                last_hash TEXT;
            BEGIN
                SELECT seq, hash INTO last_seq, last_hash FROM receipts ORDER BY seq DESC LIMIT 1;
                IF last_seq IS NULL THEN
                    last_seq := 0;
                    last_hash := repeat('0', 64);
                END IF;
                IF NEW.seq <> last_seq + 1 OR NEW.prev_hash <> last_hash THEN
                    RAISE EXCEPTION 'receipt #% does not continue the chain (head #%)', NEW.seq, last_seq;
                END IF;
                IF NEW.hash <> encode(sha256(convert_to(NEW.prev_hash || E'\\n' || NEW.body, 'UTF8')), 'hex') THEN
                    RAISE EXCEPTION 'receipt #%: hash does not match its contents', NEW.seq;
                END IF;
                RETURN NEW;
            END $$
            """,
            "DROP TRIGGER IF EXISTS receipts_append_only ON receipts",
            """
            CREATE TRIGGER receipts_append_only BEFORE UPDATE OR DELETE ON receipts
                FOR EACH ROW EXECUTE FUNCTION overseer_receipts_append_only()
            """,
            "DROP TRIGGER IF EXISTS receipts_no_truncate ON receipts",
            """
            CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts
                FOR EACH STATEMENT EXECUTE FUNCTION overseer_receipts_append_only()
            """,
            "DROP TRIGGER IF EXISTS receipts_link ON receipts",
            """
            CREATE TRIGGER receipts_link BEFORE INSERT ON receipts
                FOR EACH ROW EXECUTE FUNCTION overseer_receipts_link()
            """,
            """
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(unescaped: appenderRole)') THEN
                    CREATE ROLE \(unescaped: appenderRole) NOLOGIN;
                END IF;
            END $$
            """,
            "REVOKE ALL ON receipts FROM PUBLIC",
            "REVOKE ALL ON receipts FROM \(unescaped: appenderRole)",
            "GRANT SELECT, INSERT ON receipts TO \(unescaped: appenderRole)",
            "COMMIT",
        ]
        do {
            for q in statements { try c.run(q, logger: logger) }
        } catch {
            _ = try? c.run("ROLLBACK", logger: logger)
            throw SupervisorError.receipts("cannot create the receipt log's schema (connect once as a role that may create tables and roles): \(describe(error))")
        }
    }

    // MARK: ReceiptLog

    @discardableResult
    public func append(runID: String, _ drafts: [ReceiptDraft], signer: ReceiptSigner? = nil, time: Date? = nil) throws -> [Int64] {
        guard !isReadOnly else { throw SupervisorError.receipts("\(location) is open read-only") }
        guard !drafts.isEmpty else { return [] }
        do {
            return try connection.with { c in
                try c.run("BEGIN", logger: logger)
                do {
                    try c.run("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                    let head = try Self.head(c, logger: logger)
                    let rows = try ReceiptChain.link(runID: runID, drafts, after: head, signer: signer, time: time ?? Date())
                    let note = Notice(runID: runID, seqs: rows.map(\.seq), kinds: rows.map(\.kind))
                    try c.run(try Self.insert(rows, notice: note), logger: logger)
                    try c.run("COMMIT", logger: logger)
                    return rows.map(\.seq)
                } catch {
                    _ = try? c.run("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let e as SupervisorError {
            throw e
        } catch {
            throw SupervisorError.receipts("cannot append to \(location): \(Self.describe(error))")
        }
    }

    /// One statement for an append's rows and its notification (one round trip):
    ///   WITH added AS (INSERT INTO receipts … VALUES ($1, …, $7), ($8, …) RETURNING seq)
    ///   SELECT pg_notify($c, $p) FROM (SELECT count(*) FROM added) n
    /// The link trigger sees the rows inserted before each one by the same statement.
    static func insert(_ rows: [ReceiptRow], notice: Notice) throws -> PostgresQuery {
        var binds = PostgresBindings()
        var tuples: [String] = []
        for r in rows {
            let first = binds.count + 1
            try binds.append(r.seq)
            try binds.append(r.runID)
            try binds.append(r.kind)
            try binds.append(r.body)
            try binds.append(r.prevHash)
            try binds.append(r.hash)
            try binds.append(r.signature)
            tuples.append("(" + (first..<first + 7).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        try binds.append(channel)
        try binds.append(String(decoding: try JSONEncoder().encode(notice), as: UTF8.self))
        let n = binds.count
        return PostgresQuery(unsafeSQL: """
            WITH added AS (INSERT INTO receipts (seq, run_id, kind, body, prev_hash, hash, signature)
                           VALUES \(tuples.joined(separator: ", ")) RETURNING seq)
            SELECT pg_notify($\(n - 1), $\(n)) FROM (SELECT count(*) FROM added) AS appended
            """, binds: binds)
    }

    /// What an append announces on `channel`.
    public struct Notice: Codable, Sendable, Equatable {
        public var runID: String
        public var seqs: [Int64]
        public var kinds: [String]
        enum CodingKeys: String, CodingKey { case runID = "run_id", seqs, kinds }
    }

    public func rows(runID: String?) throws -> [ReceiptRow] {
        let raw: [PostgresRow]
        do {
            raw = try connection.with { c in
                if let runID {
                    return try c.run("""
                        SELECT seq, run_id, kind, body, prev_hash, hash, signature FROM receipts WHERE run_id = \(runID) ORDER BY seq
                        """, logger: logger)
                }
                return try c.run("SELECT seq, run_id, kind, body, prev_hash, hash, signature FROM receipts ORDER BY seq", logger: logger)
            }
        } catch {
            throw SupervisorError.receipts("cannot read \(location): \(Self.describe(error))")
        }
        return try raw.enumerated().map { i, row in
            do {
                let (seq, run, kind, body, prev, hash, signature) = try row.decode((Int64, String, String, String, String, String, String?).self)
                return ReceiptRow(seq: seq, runID: run, kind: kind, body: body, prevHash: prev, hash: hash, signature: signature)
            } catch {
                throw SupervisorError.receipts("receipt row \(i + 1) of \(location): a column is NULL or of the wrong type")
            }
        }
    }

    public func head() throws -> (seq: Int64, hash: String) {
        do { return try connection.with { try Self.head($0, logger: logger) } } catch {
            throw SupervisorError.receipts("cannot read \(location): \(Self.describe(error))")
        }
    }

    static func head(_ c: PostgresConnection, logger: Logger) throws -> (seq: Int64, hash: String) {
        guard let row = try c.run("SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1", logger: logger).first else {
            return (0, ReceiptStore.genesis)
        }
        return try row.decode((Int64, String).self)
    }

    /// Runs SQL as is (tests use it to play the attacker).
    public func execute(_ sql: String) throws {
        do { _ = try connection.with { try $0.run(PostgresQuery(unsafeSQL: sql), logger: logger) } } catch {
            throw SupervisorError.receipts(Self.describe(error))
        }
    }
}
