import ArgumentParser
import Foundation
import Logging
import Models
import ReceiptsPostgres
import Server
import Supervisor

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API, supervised (see docs/serving.md).")

    @OptionGroup var modelOption: ModelOption
    @OptionGroup var supervision: SupervisionOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(name: .customLong("api-key-file"), help: "File of API keys, one per line (`KEY` or `KEY NAME`); requests then need `Authorization: Bearer KEY`.")
    var apiKeyFile: String?
    @Option(help: "Generations run at once (one session each).") var parallel = 1
    @Option(help: "Requests that may wait for a session; beyond that, 429.") var queue = 16
    @Flag(help: "Continuous batching: run the decode steps of all active requests as one forward pass (Llama-family models; each request's bits are unchanged).")
    var batch = false
    @Option(name: .customLong("prompt-chunk"),
            help: "With --batch, the most prompt tokens a new request runs between two decode steps of the others (0: whole prompts).")
    var promptChunk = 32
    @Option(help: "Context window of each session (default: the model's, at most 4096).") var context: Int?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 beyond).") var maxBodyBytes = 4 << 20
    @Option(name: .customLong("shutdown-grace"), help: "Seconds running requests may finish after SIGTERM/SIGINT before they are cancelled.")
    var shutdownGrace: Double = 30
    @Option(name: .customLong("control-vector"),
            help: ArgumentHelp("Offer a control vector (llama.cpp GGUF) to requests' overseer.steer under NAME (repeatable).", valueName: "NAME=FILE"))
    var controlVectors: [String] = []
    @Option(name: .customLong("sae"),
            help: ArgumentHelp("Offer an SAE (SAELens folder) to requests' overseer.steer under NAME (repeatable).", valueName: "NAME=DIR"))
    var saes: [String] = []
    @OptionGroup var threads: ThreadsOption

    /// `NAME=PATH` items of one flag, by name; names unique and non-empty.
    static func named(_ items: [String], flag: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw ValidationError("\(flag) '\(item)': expected NAME=PATH")
            }
            let name = String(item[..<eq])
            guard out[name] == nil else { throw ValidationError("\(flag): the name '\(name)' is given twice") }
            out[name] = String(item[item.index(after: eq)...])
        }
        return out
    }

    func validate() throws {
        try supervision.check(allowSeveral: true)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard promptChunk >= 0 else { throw ValidationError("--prompt-chunk must be ≥ 0") }
        guard (1...256).contains(parallel) else { throw ValidationError("--parallel must be in 1...256") }
        guard (0...100_000).contains(queue) else { throw ValidationError("--queue must be in 0...100000") }
        if let context, context < 2 { throw ValidationError("--context must be ≥ 2") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be ≥ 1024") }
        guard shutdownGrace >= 0, shutdownGrace.isFinite else { throw ValidationError("--shutdown-grace must be ≥ 0") }
        _ = try Self.named(controlVectors, flag: "--control-vector")
        _ = try Self.named(saes, flag: "--sae")
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let lm = try modelOption.load()
        let bundles = try supervision.loadBundles().map(LoadedBundle.init)
        let (store, signer) = try supervision.receiptStore()
        let engineConfig = EngineConfiguration(parallel: parallel, queue: queue,
                                               contextLength: context ?? min(lm.config.contextLength, 4096),
                                               threads: threads.threads, mode: supervision.supervisionMode,
                                               deadlineMilliseconds: supervision.deadlineMs, receipts: store, signer: signer, promptChunk: promptChunk,
                                               batching: batch)
        let catalog = SteeringCatalog(controlVectors: try Self.named(controlVectors, flag: "--control-vector"),
                                      saes: try Self.named(saes, flag: "--sae"), registry: bundleRegistry)
        let engine = try Engine(model: lm, bundles: bundles, steering: catalog, configuration: engineConfig)
        let modelID = FileManager.default.fileExists(atPath: modelOption.model)
            ? URL(fileURLWithPath: modelOption.model).lastPathComponent : modelOption.model
        let keys = try apiKeyFile.map { try APIKeys(file: URL(fileURLWithPath: $0)) }
        let config = ServerConfiguration(modelID: modelID, host: host, port: port, maxBodyBytes: maxBodyBytes,
                                         shutdownGraceSeconds: shutdownGrace, apiKeys: keys)
        let server = OverseerServer(engine: engine, configuration: config)
        // With the log in PostgreSQL, the live page shows every server's runs (LISTEN/NOTIFY).
        var channel: PostgresChannel?
        if let url = supervision.receipts, PostgresURL.matches(url) {
            let c = try PostgresChannel(url: url, name: "overseer_live")
            try server.live.connect(c)
            channel = c
        }
        defer { channel?.close() }
        let host = self.host
        let names = bundles.map(\.name)
        try await server.run { port in
            log("overseer serve: listening on http://\(host):\(port) (live page at /) — model \(modelID), "
                + (names.isEmpty ? "no supervisor" : "supervisor \(names.joined(separator: ", "))")
                + ", \(engineConfig.parallel) session(s)" + (engine.configuration.batching ? ", batched" : "") + (keys == nil ? "" : ", API keys required"))
        }
        log("overseer serve: stopped")
    }
}

/// The PostgreSQL channel carries the live page's events between the servers of a fleet.
extension PostgresChannel: LiveRelay {}
