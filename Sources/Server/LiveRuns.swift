// What the live page shows: the runs in progress and the recent ones, as a stream of events.
//
// Every request the server runs becomes a sequence of `LiveEvent`s: `start` (owner, bundle, the
// rules with their thresholds), `text` (each released piece with the rule scores S computed for
// its positions and any verdicts), `end` (finish reason, the halt verdict with rule, score and
// threshold, the receipt sequence numbers). `LiveRuns` keeps the events of the active runs and
// of the last `keepFinished` finished ones, and hands every new event to the page's streams
// (`GET /v1/live`, server-sent events): a stream first receives the events of the runs it may
// see, then each new one.
//
// With a relay (PostgreSQL LISTEN/NOTIFY when the receipt log is in PostgreSQL), the server's
// own events are also published, and events published by the other servers of the fleet are
// taken in, so every server's page shows every server's runs. Events carry the name of the API
// key that started the run: with keys, a stream sees only its own key's runs.

import Foundation

/// One thing that happened in a run, as the live page draws it.
struct LiveEvent: Codable, Sendable {
    enum Kind: String, Codable, Sendable { case start, text, end }
    struct Rule: Codable, Sendable, Equatable {
        var id: String
        var threshold: Float
        var action: String
    }
    var kind: Kind
    var run: String
    /// The server that ran it (its id, random per process).
    var server: String
    /// The API key's name that started the run (nil without keys).
    var owner: String?
    var time: Double
    // start
    var model: String?
    var bundle: String?
    var rules: [Rule]?
    // text
    var text: String?
    var scores: [ScoreRowJSON]?
    var verdicts: [VerdictJSON]?
    // end
    var finishReason: String?
    var halted: Bool?
    var receipts: [Int64]?
    var error: String?
    enum CodingKeys: String, CodingKey {
        case kind, run, server, owner, time, model, bundle, rules, text, scores, verdicts, halted, receipts, error
        case finishReason = "finish_reason"
    }
}

/// Carries live events between the servers of a fleet (each server publishes its own runs'
/// events and receives everyone's). Payloads are JSON texts of at most `maxPayload` bytes.
public protocol LiveRelay: Sendable {
    /// Sends without waiting; a lost event only costs the page a piece of text.
    func publish(_ payload: String)
    /// Calls `receive` with every payload published by any server (this one included).
    func subscribe(_ receive: @escaping @Sendable (String) -> Void) throws
}

/// The live state of the server's (and, with a relay, the fleet's) runs.
public final class LiveRuns: @unchecked Sendable {
    // @unchecked: its mutable state (runs, subscribers) is guarded by `lock`; the rest is constant.
    /// Events larger than this are not relayed (PostgreSQL's NOTIFY takes < 8000 bytes).
    public static let maxPayload = 7900
    /// Finished runs kept for a page that opens later.
    public let keepFinished: Int
    /// Text events kept per run (a longer run's page shows its first ones, then its end).
    public let keepTextEvents: Int
    public let serverID = String(UUID().uuidString.lowercased().prefix(8))

    struct RunLog {
        var owner: String?
        var events: [LiveEvent] = []
        var finished = false
    }

    private let lock = NSLock()
    private var runs: [String: RunLog] = [:]
    private var finishedOrder: [String] = []
    private var subscribers: [UUID: (owner: String??, continuation: AsyncStream<String>.Continuation)] = [:]
    private var relay: (any LiveRelay)?
    private var closed = false

    public init(keepFinished: Int = 50, keepTextEvents: Int = 4096) {
        self.keepFinished = keepFinished
        self.keepTextEvents = keepTextEvents
    }

    /// Publishes this server's events through `relay` and takes in the fleet's.
    public func connect(_ relay: any LiveRelay) throws {
        lock.lock()
        self.relay = relay
        lock.unlock()
        try relay.subscribe { [weak self] payload in
            guard let self, let event = try? JSONDecoder().decode(LiveEvent.self, from: Data(payload.utf8)),
                  event.server != self.serverID else { return }
            self.record(event, relayed: true)
        }
    }

    /// Adds an event: stored, sent to every stream allowed to see it, and (when it is this
    /// server's own) published through the relay.
    func record(_ event: LiveEvent, relayed: Bool = false) {
        let frame = Self.frame(event)
        lock.lock()
        var log = runs[event.run] ?? RunLog(owner: event.owner)
        if log.events.count < keepTextEvents || event.kind != .text { log.events.append(event) }
        if event.kind == .end && !log.finished {
            log.finished = true
            finishedOrder.append(event.run)
        }
        runs[event.run] = log
        while finishedOrder.count > keepFinished { runs[finishedOrder.removeFirst()] = nil }
        let targets = subscribers.values.filter { Self.visible(log.owner, to: $0.owner) }.map(\.continuation)
        let relay = relayed ? nil : self.relay
        lock.unlock()
        for t in targets { t.yield(frame) }
        if let relay, let data = try? JSONEncoder().encode(event), data.count <= Self.maxPayload {
            relay.publish(String(decoding: data, as: UTF8.self))
        }
    }

    /// With keys (`viewer` non-nil), a stream sees only the runs its key started.
    static func visible(_ owner: String?, to viewer: String??) -> Bool {
        guard case .some(let key) = viewer else { return true }
        return owner == key
    }

    /// A stream of server-sent event frames: the visible runs' events so far, then new ones,
    /// with a comment every `keepAlive` seconds so a vanished page is noticed. `viewer` is
    /// `.some(keyName)` when the server checks keys, nil when it does not.
    func subscribe(viewer: String??, keepAlive: Double = 15) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(65536))
        let id = UUID()
        lock.lock()
        if closed {
            lock.unlock()
            continuation.finish()
            return stream
        }
        // Runs in the order they started (events keep their own order within a run).
        let backlog = runs.values.filter { Self.visible($0.owner, to: viewer) }
            .sorted { ($0.events.first?.time ?? 0) < ($1.events.first?.time ?? 0) }
            .flatMap(\.events)
        for e in backlog { continuation.yield(Self.frame(e)) }
        subscribers[id] = (viewer, continuation)
        lock.unlock()
        let ping = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(keepAlive * 1e9))
                continuation.yield(": keep-alive\n\n")
            }
        }
        continuation.onTermination = { [weak self] _ in
            ping.cancel()
            guard let self else { return }
            self.lock.lock()
            self.subscribers[id] = nil
            self.lock.unlock()
        }
        return stream
    }

    /// Ends every stream (the server is shutting down) and refuses new ones.
    public func closeAll() {
        lock.lock()
        closed = true
        let all = subscribers.values.map(\.continuation)
        subscribers.removeAll()
        lock.unlock()
        for c in all { c.finish() }
    }

    /// The key name that started a run this page knows (a relayed run's included), or nil.
    func owner(of run: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return runs[run]?.owner
    }

    /// Runs known now (active and recently finished).
    var runCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return runs.count
    }

    static func frame(_ event: LiveEvent) -> String {
        "data: " + String(decoding: JSONCoding.encode(event), as: UTF8.self) + "\n\n"
    }
}
