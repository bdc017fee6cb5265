// PostgreSQL's LISTEN/NOTIFY as a message bus between the servers of a fleet.
//
// One connection sends (`pg_notify`, outside any transaction, without waiting: queries on a
// connection run in the order sent, so a run's events arrive in order), another listens. When
// the listening connection drops (the database restarted, say), it reconnects and listens
// again every `retrySeconds`; what was sent meanwhile is lost, which costs a live view a few
// pieces of text and never a receipt (receipts are rows, not notifications).

import Foundation
import Logging
import PostgresNIO
import Supervisor

/// A notification channel in the database of a PostgreSQL URL.
///
/// ```swift
/// let channel = try PostgresChannel(url: "postgres://fleet@127.0.0.1:5432/receipts", name: "overseer_live")
/// try channel.subscribe { payload in print(payload) }
/// channel.publish(#"{"hello": 1}"#)
/// ```
public final class PostgresChannel: @unchecked Sendable {
    // @unchecked: the listener connection and `closed` are guarded by `lock`; sends go through a
    // `SyncConnection`.
    public let name: String
    let url: PostgresURL
    let group: MultiThreadedEventLoopGroup
    let sender: SyncConnection
    let logger: Logger
    let retrySeconds: Double
    private let lock = NSLock()
    private var listener: PostgresConnection?
    private var closed = false

    /// `name` must be a plain identifier (letters, digits, underscores).
    public init(url text: String, name: String, retrySeconds: Double = 1,
                logger: Logger = Logger(label: "overseer.live.postgres")) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw SupervisorError.receipts("a notification channel's name is letters, digits and underscores: \(name)")
        }
        url = try PostgresURL(text)
        self.name = name
        self.logger = logger
        self.retrySeconds = retrySeconds
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        sender = SyncConnection(url: url, group: group, logger: logger)
        do { _ = try sender.with { try $0.run("SELECT 1", logger: logger) } } catch {
            close()
            throw SupervisorError.receipts("cannot connect to \(url.description): \(PostgresReceiptLog.describe(error))")
        }
    }

    deinit { close() }

    public func close() {
        lock.lock()
        closed = true
        let l = listener
        listener = nil
        lock.unlock()
        try? l?.close().wait()
        sender.close()
        try? group.syncShutdownGracefully()
    }

    /// Sends `payload` (at most 7999 bytes) to every listener, without waiting.
    public func publish(_ payload: String) {
        sender.send("SELECT pg_notify(\(name), \(payload))")
    }

    /// Calls `receive` (on the channel's own thread) with every payload sent on the channel from
    /// now on, by any connection; keeps listening across reconnections until `close`.
    public func subscribe(_ receive: @escaping @Sendable (String) -> Void) throws {
        try listen(receive)
    }

    private func listen(_ receive: @escaping @Sendable (String) -> Void) throws {
        let c = try PostgresConnection.connect(on: group.next(), configuration: try url.configuration(), id: 0, logger: logger).wait()
        c.addListener(channel: name) { _, note in receive(note.payload) }
        do { try c.run("LISTEN \(unescaped: name)", logger: logger) } catch {
            try? c.close().wait()
            throw SupervisorError.receipts("cannot listen on \(name): \(PostgresReceiptLog.describe(error))")
        }
        lock.lock()
        if closed {
            lock.unlock()
            try? c.close().wait()
            return
        }
        listener = c
        lock.unlock()
        c.closeFuture.whenComplete { [weak self] _ in self?.relisten(receive) }
    }

    /// Reconnects the listener after it dropped, until it succeeds or the channel is closed.
    private func relisten(_ receive: @escaping @Sendable (String) -> Void) {
        Thread.detachNewThread { [weak self] in
            while let self {
                self.lock.lock()
                let stop = self.closed
                self.lock.unlock()
                if stop { return }
                Thread.sleep(forTimeInterval: self.retrySeconds)
                do {
                    try self.listen(receive)
                    return
                } catch {
                    self.logger.warning("live channel: cannot listen again", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
