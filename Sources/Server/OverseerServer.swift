// The HTTP API: OpenAI's endpoints over the Engine, on Hummingbird.
//
//   POST /v1/chat/completions   chat (messages through the model's chat template)
//   POST /v1/completions        plain text or token ids
//   GET  /v1/models             the served model and its bundles
//   GET  /health                200 while accepting requests, 503 while shutting down
//   GET  /v1/runs/{id}          a run's receipts as stored (a key sees only the runs it created)
//   GET  /v1/receipts/head      the log's newest sequence number and hash, for anchoring elsewhere
//   GET  /metrics               Prometheus text
//   GET  /                      the live page: runs in progress and recent ones (LivePage.swift)
//   GET  /v1/live               the live page's feed: server-sent events (LiveRuns.swift)
//
// Streaming responses are server-sent events, `data: {chunk}` per released piece of text and
// `data: [DONE]` at the end. In sync mode a piece reaches the wire only after S judged its
// tokens (the generation loop calls back only with admitted tokens), so a halted stream never
// carries the offending token; it ends with finish_reason "content_filter". When the client
// goes away (its connection closes, or a write fails) the job is cancelled and stops within one
// token; its receipts are still written.

import Foundation
import Hummingbird
import Logging
import Models
import ServiceLifecycle
import Supervisor

/// Settings of the HTTP side.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The name `/v1/models` lists and responses carry.
    public var modelID: String
    /// Larger request bodies are refused with 413.
    public var maxBodyBytes = 4 << 20
    /// On SIGTERM/SIGINT running requests may finish for this long; then they are cancelled.
    public var shutdownGraceSeconds: Double = 30
    /// When set, every route but /health, /metrics and the live page (/) needs `Authorization: Bearer KEY`.
    public var apiKeys: APIKeys?

    public init(modelID: String, host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 4 << 20,
                shutdownGraceSeconds: Double = 30, apiKeys: APIKeys? = nil) {
        self.modelID = modelID
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.apiKeys = apiKeys
    }
}

/// The request context: Hummingbird's core storage plus the name of the API key that
/// authenticated the request (nil without `--api-key-file`).
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var apiKeyName: String?
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// Which API key created which run (in memory: after a restart, runs from before are listed
/// only when the server runs without keys).
final class RunOwners: @unchecked Sendable {
    // @unchecked: its one table is guarded by `lock`.
    private let lock = NSLock()
    private var owners: [String: String] = [:]
    func record(_ runID: String, owner: String?) {
        guard let owner else { return }
        lock.lock()
        owners[runID] = owner
        lock.unlock()
    }
    func owner(of runID: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return owners[runID]
    }
}

/// `overseer serve`: an OpenAI-compatible server with S in the stream.
///
/// ```swift
/// let engine = try Engine(model: lm, bundles: [LoadedBundle(bundle)], configuration: EngineConfiguration(parallel: 2))
/// let server = OverseerServer(engine: engine, configuration: ServerConfiguration(modelID: "smollm2"))
/// try await server.run()   // until SIGTERM / SIGINT
/// ```
public final class OverseerServer: Sendable {
    public let engine: Engine
    public let configuration: ServerConfiguration
    let logger: Logger
    let created = Int(Date().timeIntervalSince1970)
    let metrics = ServerMetrics()
    let owners = RunOwners()
    /// What the live page shows; `live.connect(relay)` joins it to the fleet's.
    public let live: LiveRuns

    public init(engine: Engine, configuration: ServerConfiguration, live: LiveRuns = LiveRuns(),
                logger: Logger = Logger(label: "overseer.serve")) {
        self.engine = engine
        self.configuration = configuration
        self.live = live
        self.logger = logger
    }

    // MARK: Application

    /// The routes; tests drive them in-process.
    public func router() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: AuthMiddleware(keys: configuration.apiKeys, open: ["/", "/health", "/metrics"]))
        router.get("/") { _, _ in LivePage.response() }
        router.get("/v1/live") { _, context in self.liveFeed(context) }
        router.get("/health") { _, _ in self.health() }
        router.get("/metrics") { _, _ in self.metricsText() }
        router.get("/v1/models") { _, _ in self.models() }
        router.post("/v1/chat/completions") { request, context in try await self.chatCompletions(request, context) }
        router.post("/v1/completions") { request, context in try await self.completions(request, context) }
        router.get("/v1/runs/{id}") { _, context in try self.run(context) }
        router.get("/v1/receipts/head") { _, _ in try self.receiptsHead() }
        return router
    }

    /// The application, bound to the configured address (port 0 picks a free one).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                         serverName: "overseer"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully: stops accepting (503 for new
    /// requests, new connections refused), lets running requests finish for the grace period,
    /// cancels what is left (their receipts are written), and returns.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(configuration: .init(services: [service(onServerRunning: onServerRunning)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The server as a service: its graceful shutdown (a signal, or the group's trigger) stops
    /// the engine accepting at once, drains it within the grace period, and ends the workers.
    public func service(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        ShutdownAwareService(app: application(onServerRunning: onServerRunning), engine: engine, live: live,
                             grace: configuration.shutdownGraceSeconds)
    }

    // MARK: Routes

    func health() -> Response {
        let accepting = engine.isAccepting
        let body: [String: String] = ["status": accepting ? "ok" : "shutting_down"]
        return Self.json(body, status: accepting ? .ok : .serviceUnavailable)
    }

    func models() -> Response {
        let bundles = engine.bundles.map { OverseerJSON.BundleJSON(name: $0.name, sha256: $0.policy.bundleSHA256) }
        return Self.json(ModelList(data: [.init(id: configuration.modelID, created: created, bundles: bundles)]))
    }

    func metricsText() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        let text = metrics.render(queueDepth: engine.queueDepth, active: engine.activeCount)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    var store: any ReceiptLog {
        get throws {
            guard let store = engine.configuration.receipts else {
                throw APIError(.notFound, "the server keeps no receipts (start it with --receipts FILE)", code: "no_receipts")
            }
            return store
        }
    }

    /// A receipt row as stored: `body` is the exact text that was hashed.
    struct ReceiptJSON: Encodable {
        var seq: Int64
        var runID: String
        var kind: String
        var body: String
        var prevHash: String
        var hash: String
        var signature: String?
        enum CodingKeys: String, CodingKey { case seq, runID = "run_id", kind, body, prevHash = "prev_hash", hash, signature }
    }

    func run(_ context: ServerRequestContext) throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let notFound = APIError(.notFound, "no run '\(id)'", param: "id", code: "run_not_found")
        // With keys, a run is visible only to the key that created it.
        if configuration.apiKeys != nil, (owners.owner(of: id) ?? live.owner(of: id)) != context.apiKeyName { throw notFound }
        let rows = try store.rows(runID: id)
        guard !rows.isEmpty else { throw notFound }
        struct Run: Encodable {
            var runID: String
            var receipts: [ReceiptJSON]
            enum CodingKeys: String, CodingKey { case runID = "run_id", receipts }
        }
        return Self.json(Run(runID: id, receipts: rows.map {
            ReceiptJSON(seq: $0.seq, runID: $0.runID, kind: $0.kind, body: $0.body, prevHash: $0.prevHash, hash: $0.hash,
                        signature: $0.signature)
        }))
    }

    /// The live page's feed: every event of the runs this caller may see, then new ones.
    func liveFeed(_ context: ServerRequestContext) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let viewer: String?? = configuration.apiKeys == nil ? nil : .some(context.apiKeyName)
        let frames = live.subscribe(viewer: viewer)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
            try await writer.finish(nil)
        })
    }

    /// The head alone (one indexed read, not the whole log). Sequence numbers start at 1 with no
    /// gaps, which every append checks, so the head's number is also the count of receipts.
    func receiptsHead() throws -> Response {
        let head = try store.head()
        struct Head: Encodable {
            var seq: Int64
            var hash: String
            var receipts: Int
        }
        return Self.json(Head(seq: head.seq, hash: head.hash, receipts: Int(head.seq)))
    }

    var limits: PlanningLimits {
        PlanningLimits(contextLength: engine.configuration.contextLength, bundles: engine.bundles, mode: engine.configuration.mode,
                       steering: engine.steering)
    }

    func chatCompletions(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        var request = request
        let body = try await readBody(&request)
        let r = try decodeRequest(ChatCompletionRequest.self, from: body)
        let lm = engine.model
        let plan = try RequestPlanning.plan(r.fields, prompt: try RequestPlanning.chatPrompt(r.messages, model: lm),
                                            logprobs: try RequestPlanning.chatLogprobs(r), model: lm, limits: limits,
                                            promptParam: "messages")
        return try await respond(request, plan: plan, fields: r.fields, kind: .chat, owner: context.apiKeyName)
    }

    func completions(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        var request = request
        let body = try await readBody(&request)
        let r = try decodeRequest(CompletionRequest.self, from: body)
        let lm = engine.model
        let plan = try RequestPlanning.plan(r.fields, prompt: try RequestPlanning.completionPrompt(r, model: lm),
                                            logprobs: try RequestPlanning.completionLogprobs(r), model: lm, limits: limits,
                                            promptParam: "prompt")
        return try await respond(request, plan: plan, fields: r.fields, kind: .text, owner: context.apiKeyName)
    }

    func readBody(_ request: inout Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw APIError(.contentTooLarge, "the request body has \(length) bytes; the limit is \(configuration.maxBodyBytes)",
                           code: "body_too_large")
        }
        do {
            let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            return Data(buffer.readableBytesView)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the request body is larger than \(configuration.maxBodyBytes) bytes", code: "body_too_large")
        }
    }

    // MARK: Responses

    enum Kind { case chat, text }

    func respond(_ request: Request, plan: GenerationPlan, fields: SamplingFields, kind: Kind, owner: String?) async throws -> Response {
        let job = GenerationJob(plan: plan, tokenizer: engine.model.tokenizer)
        try engine.submit(job)
        let observer = JobWatcher(metrics: metrics, owners: owners, owner: owner, logger: logger,
                                  live: live, plan: plan, modelID: configuration.modelID)
        let created = Int(job.submittedAt.timeIntervalSince1970)
        let shape = ResponseShape(kind: kind, model: configuration.modelID, created: created,
                                  includeUsage: fields.streamOptions?.includeUsage ?? false,
                                  promptLength: plan.promptTokens.count)
        if fields.stream == true {
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            // Watching for the client's disconnect consumes the connection's inbound side, so the
            // connection ends with the response; saying so keeps clients from reusing it.
            headers[.connection] = "close"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                // A failed write (client gone) or a cancelled task leaves through here too.
                defer { job.cancel() }
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await Self.stream(job, shape: shape, watcher: observer, to: &writer)
                } onInboundClosed: {
                    job.cancel()
                }
                try await writer.finish(nil)
            })
        }
        let collected = try await request.body.consumeWithInboundCloseHandler { _ in
            await Self.collect(job, watcher: observer)
        } onInboundClosed: {
            job.cancel()
        }
        switch collected {
        case .failure(let e): throw e
        case .success(let (text, logprobs, outcome)):
            var response = Self.json(data: shape.whole(text: text, logprobs: logprobs, outcome: outcome))
            response.headers[.connection] = "close"  // as for streams: the disconnect watch used the inbound side
            return response
        }
    }

    /// Waits for a job's end, gathering its text and log-probabilities.
    static func collect(_ job: GenerationJob, watcher: JobWatcher) async -> Result<(String, [TokenLogprob], JobOutcome), APIError> {
        var text = ""
        var logprobs: [TokenLogprob] = []
        var scores: [ScoreRowJSON] = []
        for await event in job.events {
            watcher.saw(event)
            switch event {
            case .started: break
            case .delta(let d):
                text += d.text
                logprobs += d.logprobs
                scores += d.scores
            case .finished(var o):
                // A whole response carries every score row the stream would have spread out.
                if !scores.isEmpty { o.overseer.scores = scores + (o.overseer.scores ?? []) }
                return .success((text, logprobs, o))
            case .failed(let e):
                return .failure(e)
            }
        }
        job.cancel()
        return .failure(APIError(.internalServerError, "the generation ended without a result"))
    }

    /// Writes a job's events as server-sent events.
    static func stream(_ job: GenerationJob, shape: ResponseShape, watcher: JobWatcher,
                       to writer: inout any ResponseBodyWriter) async throws {
        var runID = ""
        var textOffset = 0
        func send(_ data: Data) async throws {
            var buffer = ByteBuffer()
            buffer.writeString("data: ")
            buffer.writeBytes(data)
            buffer.writeString("\n\n")
            try await writer.write(buffer)
        }
        for await event in job.events {
            watcher.saw(event)
            switch event {
            case .started(let id):
                runID = id
                if shape.kind == .chat { try await send(shape.firstChunk(runID: id)) }
            case .delta(let d):
                try await send(shape.chunk(runID: runID, delta: d, textOffset: textOffset))
                textOffset += d.text.count
            case .finished(let o):
                try await send(shape.finalChunk(runID: runID, outcome: o))
                if shape.includeUsage { try await send(shape.usageChunk(runID: runID, outcome: o)) }
                var done = ByteBuffer()
                done.writeString("data: [DONE]\n\n")
                try await writer.write(done)
                return
            case .failed(let e):
                // OpenAI's clients raise an APIError when a stream event carries "error".
                try await send(JSONCoding.encode(e.body))
                return
            }
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        json(data: JSONCoding.encode(value), status: status)
    }

    /// A response whose body is JSON already encoded.
    static func json(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}

/// Records a job's progress in the metrics, its run's owner, and one log line when it ends (with
/// the key's name, never the key).
final class JobWatcher: @unchecked Sendable {
    // @unchecked: its properties are constants or thread-safe (metrics, owners, live runs); the
    // per-job state it keeps (`last`, `runID`) is touched only by the task that consumes the job's events.
    let metrics: ServerMetrics
    let owners: RunOwners
    let owner: String?
    let logger: Logger
    let live: LiveRuns?
    let plan: GenerationPlan?
    let modelID: String
    let start = DispatchTime.now().uptimeNanoseconds
    private var last: UInt64?
    private var runID = ""

    init(metrics: ServerMetrics, owners: RunOwners, owner: String?, logger: Logger,
         live: LiveRuns? = nil, plan: GenerationPlan? = nil, modelID: String = "") {
        self.metrics = metrics
        self.owners = owners
        self.owner = owner
        self.logger = logger
        self.live = live
        self.plan = plan
        self.modelID = modelID
    }

    /// The live page's event for `event` (nil for none).
    func liveEvent(_ event: JobEvent) -> LiveEvent? {
        guard let live, !runID.isEmpty else { return nil }
        var e = LiveEvent(kind: .text, run: runID, server: live.serverID, owner: owner, time: Date().timeIntervalSince1970)
        switch event {
        case .started:
            e.kind = .start
            e.model = modelID
            e.bundle = plan?.supervision?.bundle.name
            e.rules = plan?.supervision?.bundle.policy.rules.map { .init(id: $0.id, threshold: $0.threshold, action: $0.action.rawValue) }
        case .delta(let d):
            e.text = d.text
            e.scores = d.judged.isEmpty ? nil : d.judged
            e.verdicts = d.verdicts.isEmpty ? nil : d.verdicts
        case .finished(let o):
            e.kind = .end
            e.finishReason = o.overseer.finishReason ?? o.finishReason
            e.halted = o.overseer.halted
            e.verdicts = o.overseer.verdicts?.filter { $0.action == "halt" }
            e.receipts = o.overseer.receipts.map { $0 + (o.overseer.summaryReceipt.map { [$0] } ?? []) }
        case .failed(let err):
            e.kind = .end
            e.finishReason = "error"
            e.error = err.message
        }
        return e
    }

    func saw(_ event: JobEvent) {
        let now = DispatchTime.now().uptimeNanoseconds
        if case .started(let id) = event { runID = id }
        if let e = liveEvent(event) { live?.record(e) }
        switch event {
        case .started(let id):
            owners.record(id, owner: owner)
        case .delta(let d) where !d.text.isEmpty:
            if let last {
                metrics.interToken.recordNanoseconds(Int64(now &- last))
            } else {
                metrics.timeToFirstToken.recordNanoseconds(Int64(now &- start))
            }
            last = now
        case .delta:
            break
        case .finished(let o):
            metrics.finished(o)
            logger.info("run finished", metadata: [
                "run_id": "\(runID)", "finish_reason": "\(o.overseer.finishReason ?? o.finishReason)",
                "prompt_tokens": "\(o.promptTokens)", "completion_tokens": "\(o.completionTokens)",
                "verdicts": "\(o.overseer.verdicts?.count ?? 0)", "key": "\(owner ?? "-")",
                "seconds": "\(String(format: "%.3f", Double(now &- start) / 1e9))"])
        case .failed(let e):
            logger.warning("request failed", metadata: ["run_id": "\(runID)", "status": "\(e.status.code)", "error": "\(e.message)"])
        }
    }
}

/// Counts every request by endpoint and status, and times it to its response head.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError.from(error).response
        }
        let endpoint = context.endpointPath ?? "unmatched"
        metrics.request(endpoint: endpoint, status: response.status.code)
        metrics.duration(endpoint: endpoint, since: start)
        return response
    }
}

/// With API keys configured, refuses requests without a valid `Authorization: Bearer KEY`
/// (401), except on the `open` paths; records the key's name in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let keys: APIKeys?
    let open: Set<String>
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let keys, !open.contains(request.uri.path) else { return try await next(request, context) }
        var context = context
        context.apiKeyName = try keys.authenticate(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}

/// Builds the JSON of one request's responses and chunks.
struct ResponseShape: Sendable {
    var kind: OverseerServer.Kind
    var model: String
    var created: Int
    var includeUsage: Bool
    var promptLength: Int

    func id(_ runID: String) -> String { (kind == .chat ? "chatcmpl-" : "cmpl-") + runID }
    var object: String { kind == .chat ? "chat.completion" : "text_completion" }
    var chunkObject: String { kind == .chat ? "chat.completion.chunk" : "text_completion" }

    func usage(_ o: JobOutcome) -> Usage { Usage(promptTokens: o.promptTokens, completionTokens: o.completionTokens) }

    func whole(text: String, logprobs: [TokenLogprob], outcome o: JobOutcome) -> Data {
        let lp = logprobs.isEmpty ? nil : logprobs
        switch kind {
        case .chat:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(o.overseer.runID), object: object, created: created, model: model,
                choices: [ChatChoice(message: ChatMessageOut(content: text), logprobs: lp.map(ChatLogprobs.init),
                                     finishReason: o.finishReason)],
                usage: usage(o), overseer: o.overseer))
        case .text:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(o.overseer.runID), object: object, created: created, model: model,
                choices: [CompletionChoice(text: text, logprobs: lp.map { CompletionLogprobs($0, startOffset: 0) },
                                           finishReason: o.finishReason)],
                usage: usage(o), overseer: o.overseer))
        }
    }

    /// Chat streams open with the assistant role, as OpenAI's do.
    func firstChunk(runID: String) -> Data {
        JSONCoding.encode(CompletionEnvelope(
            id: id(runID), object: chunkObject, created: created, model: model,
            choices: [ChatChunkChoice(delta: ChatDelta(role: "assistant", content: ""))]))
    }

    func chunk(runID: String, delta d: JobDelta, textOffset: Int) -> Data {
        let lp = d.logprobs.isEmpty ? nil : d.logprobs
        var overseer: OverseerJSON?
        if !d.verdicts.isEmpty || !d.scores.isEmpty {
            overseer = OverseerJSON(runID: runID, verdicts: d.verdicts.isEmpty ? nil : d.verdicts,
                                    scores: d.scores.isEmpty ? nil : d.scores)
        }
        switch kind {
        case .chat:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(runID), object: chunkObject, created: created, model: model,
                choices: [ChatChunkChoice(delta: ChatDelta(content: d.text), logprobs: lp.map(ChatLogprobs.init))],
                overseer: overseer))
        case .text:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(runID), object: chunkObject, created: created, model: model,
                choices: [CompletionChoice(text: d.text, logprobs: lp.map { CompletionLogprobs($0, startOffset: textOffset) })],
                overseer: overseer))
        }
    }

    /// The chunk with the finish reason and the whole `overseer` object.
    func finalChunk(runID: String, outcome o: JobOutcome) -> Data {
        switch kind {
        case .chat:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(runID), object: chunkObject, created: created, model: model,
                choices: [ChatChunkChoice(delta: ChatDelta(), finishReason: o.finishReason)], overseer: o.overseer))
        case .text:
            return JSONCoding.encode(CompletionEnvelope(
                id: id(runID), object: chunkObject, created: created, model: model,
                choices: [CompletionChoice(text: "", finishReason: o.finishReason)], overseer: o.overseer))
        }
    }

    /// `stream_options.include_usage`: a last chunk with the usage and no choices, as OpenAI sends it.
    func usageChunk(runID: String, outcome o: JobOutcome) -> Data {
        JSONCoding.encode(CompletionEnvelope<ChatChunkChoice>(
            id: id(runID), object: chunkObject, created: created, model: model, choices: [], usage: usage(o)))
    }
}

/// Runs the application; on the first shutdown signal tells the engine to stop accepting at once
/// (the HTTP server then waits for open requests), then drains the engine.
struct ShutdownAwareService<App: ApplicationProtocol>: Service {
    let app: App
    let engine: Engine
    let live: LiveRuns
    let grace: Double

    func run() async throws {
        let engine = self.engine
        let live = self.live
        let grace = self.grace
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            engine.beginShutdown()
            // The live page's streams never end by themselves.
            live.closeAll()
            // Running requests get the grace period; then they are cancelled, which ends their
            // streams, so the HTTP server's own graceful shutdown can complete.
            Thread.detachNewThread {
                if !engine.waitUntilIdle(seconds: grace) { engine.cancelAll() }
            }
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                engine.shutdown(grace: grace)
                c.resume()
            }
        }
    }
}
