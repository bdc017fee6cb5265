// Which store a `--receipts` value or a `verify`/`receipts`/`checkpoint` argument names: a
// `postgres://` URL opens the PostgreSQL log (ReceiptsPostgres), anything else a SQLite file.

import Foundation
import ReceiptsPostgres
import Supervisor

enum ReceiptLogs {
    /// Opens the log for appending (created when missing).
    static func forAppending(_ location: String) throws -> any ReceiptLog {
        if PostgresURL.matches(location) { return try PostgresReceiptLog(url: location) }
        return try ReceiptStore(path: location)
    }

    /// Opens an existing log read-only (what verify, receipts and checkpoint read).
    static func forReading(_ location: String) throws -> any ReceiptLog {
        if PostgresURL.matches(location) { return try PostgresReceiptLog(url: location, readOnly: true) }
        return try ReceiptStore(readOnly: location)
    }
}
