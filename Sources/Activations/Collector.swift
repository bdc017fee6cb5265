// Running the model over labeled texts and keeping the activations of chosen taps.
//
// Legend: n = tokens of one text, D = a tap's width.
//
// Each text is run from an empty cache with no logits (the output matrix is skipped: about a
// third of the model's bytes for SmolLM2), and a tap sink copies only the positions the
// selection keeps. Examples are written in shards (see ActivationStore.swift); the index lists
// a shard only once its files are complete, so `run` resumes an interrupted collection.

import Detectors
import Formats
import LabeledData
import Foundation
import Models
import Taps

/// What to collect.
public struct CollectionPlan: Sendable {
    public var settings: CollectionSettings
    public var sources: [DataSource]
    /// Examples per shard (a shard is also closed when it reaches `maxShardBytes`).
    public var examplesPerShard: Int
    public var maxShardBytes: Int

    public init(settings: CollectionSettings, sources: [DataSource], examplesPerShard: Int = 512,
                maxShardBytes: Int = 256 << 20) {
        self.settings = settings
        self.sources = sources
        self.examplesPerShard = max(1, examplesPerShard)
        self.maxShardBytes = max(1 << 16, maxShardBytes)
    }
}

/// Where a collection stands, for progress displays.
public struct CollectionProgress: Sendable {
    public var examples: Int
    public var planned: Int
    /// Tokens run in this invocation, and the time they took.
    public var tokens: Int
    public var seconds: Double
    public var resumedAt: Int
    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
}

/// Keeps the selected positions of each tap for one text at a time.
public final class CollectingSink: TapSink {
    public let points: Set<TapPoint>
    public let taps: [TapPoint]
    public let dims: [Int]
    private let tapIndex: [TapPoint: Int]
    private let positions: PositionSelection
    private let skipFirst: Int
    /// Kept positions of the current text: keepFrom..<keepTo (a mean averages them).
    private var keepFrom = 0, keepTo = 0
    /// Rows kept for the current text, per tap: [rows × D].
    public private(set) var rows: [[Float]]
    private var sums: [[Double]]

    init(taps: [TapPoint], dims: [Int], positions: PositionSelection, skipFirst: Int) {
        self.taps = taps
        self.dims = dims
        points = Set(taps)
        tapIndex = Dictionary(uniqueKeysWithValues: taps.enumerated().map { ($1, $0) })
        self.positions = positions
        self.skipFirst = skipFirst
        rows = taps.map { _ in [] }
        sums = dims.map { [Double](repeating: 0, count: $0) }
    }

    /// Positions kept for a text of `n` tokens: empty when `skipFirst` leaves none (for last:N,
    /// mean and all; `last` always keeps the last token). For `answer`, the positions from
    /// `answerFrom` (the answer's first token) on; empty without an answer.
    public func kept(tokens n: Int, answerFrom: Int? = nil) -> Range<Int> {
        switch positions {
        case .last: return (n - 1)..<n
        case .lastN(let k): return Swift.min(n, Swift.max(skipFirst, n - k))..<n
        case .mean, .all: return Swift.min(n, skipFirst)..<n
        case .answer: return answerFrom.map { Swift.min(n, $0)..<n } ?? n..<n
        }
    }

    func begin(tokens n: Int, answerFrom: Int?) {
        let r = kept(tokens: n, answerFrom: answerFrom)
        keepFrom = r.lowerBound
        keepTo = r.upperBound
        if positions == .mean { for t in sums.indices { for i in sums[t].indices { sums[t][i] = 0 } } }
    }

    /// Closes the current text: appends the means (for `.mean`).
    func end() {
        guard positions == .mean else { return }
        let count = Double(keepTo - keepFrom)
        for t in taps.indices { rows[t] += sums[t].map { Float($0 / count) } }
    }

    public func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
        guard position >= keepFrom, position < keepTo, let t = tapIndex[point] else { return }
        if positions == .mean {
            sums[t].withUnsafeMutableBufferPointer { s in for i in 0..<values.count { s[i] += Double(values[i]) } }
        } else {
            rows[t].append(contentsOf: values)
        }
    }

    func reset() {
        for t in rows.indices { rows[t].removeAll(keepingCapacity: true) }
    }
}

public final class Collector {
    public let model: LanguageModel
    public let plan: CollectionPlan
    /// Rewrites activations while collecting (a steering plan); record it in the plan's
    /// settings (`steeringSHA256`) so a collection names what it ran under.
    public var editor: TapEditor?
    public let examples: [LabeledExample]
    public let dataSHA256: String

    /// Loads every source (so bad data fails before any model work).
    public init(model: LanguageModel, plan: CollectionPlan) throws {
        self.model = model
        self.plan = plan
        var all: [LabeledExample] = []
        for s in plan.sources { all += try s.load() }
        if !plan.settings.chat, let e = all.first(where: { $0.turns != nil }) { throw Self.conversationWithoutChat(e) }
        examples = all
        dataSHA256 = ActivationIndex.dataSHA256(all.map { (text: $0.text, label: $0.label) })
        let c = model.config
        for tap in plan.settings.tapPoints where (tap.layer ?? 0) >= c.layers {
            throw ActivationStoreError.invalid("tap \(tap) is past the model's \(c.layers) layers")
        }
    }

    static func conversationWithoutChat(_ e: LabeledExample) -> TrainingError {
        .badOption("\(e.source ?? "the data") holds a conversation (turns), which only the chat template can render: use --chat")
    }

    /// Tap widths for this model.
    public var dims: [String: Int] {
        let c = model.config
        var d: [String: Int] = [:]
        for tap in plan.settings.tapPoints {
            switch tap {
            case .mlpPre, .mlpPost: d[tap.description] = c.dFF
            default: d[tap.description] = c.dModel
            }
        }
        return d
    }

    /// The tokens the model reads for `e` (cut to `maxTokens`; see `tokens(for:)`).
    public func tokens(for e: LabeledExample) throws -> (tokens: [Int], truncated: Bool) {
        let t = try encode(e)
        return (t.tokens, t.truncated)
    }

    /// The tokens of `e`, whether they were cut, and where its answer starts (nil without one).
    ///
    /// A conversation ending with an assistant turn is an answer: the turns before it are
    /// rendered up to the generation prompt, exactly as a request is, and the answer's text
    /// follows as plain tokens (never control tokens) — the sequence the model sees while it
    /// generates that answer, so position `answerFrom + k` holds what S judges for the answer's
    /// token k (a `generation` rule's position `P + k`, P the prompt's length).
    public func encode(_ e: LabeledExample) throws -> (tokens: [Int], truncated: Bool, answerFrom: Int?) {
        let s = plan.settings
        var ids: [Int]
        var answerFrom: Int?
        if var turns = e.turns {
            // A conversation is read as the chat template renders it, up to the generation
            // prompt after its last user turn; --system applies when it has no system turn.
            guard s.chat else { throw Self.conversationWithoutChat(e) }
            let answer = turns.last?.role == "assistant" ? turns.removeLast().content : nil
            let system = turns.first?.role == "system" ? [] : s.system.map { [ChatTurn(role: "system", content: $0)] } ?? []
            ids = try model.chatTokens(system + turns, addGenerationPrompt: true)
            if let answer {
                answerFrom = ids.count
                ids += model.tokenizer.encode(answer, parseSpecialTokens: false, addBOS: false)
            }
        } else {
            ids = try model.promptTokens(e.text, chat: s.chat, system: s.system)
        }
        guard ids.count > s.maxTokens else { return (ids, false, answerFrom) }
        // A chat prompt keeps its end (the generation prompt, where a request is read; an
        // answer); plain text keeps its beginning.
        if s.chat {
            let cut = ids.count - s.maxTokens
            return (Array(ids.suffix(s.maxTokens)), true, answerFrom.map { Swift.max(0, $0 - cut) })
        }
        return (Array(ids.prefix(s.maxTokens)), true, answerFrom)
    }

    /// Collects into `folder`, resuming a compatible unfinished collection there. With
    /// `overwrite`, an incompatible one is replaced instead of refused.
    @discardableResult
    public func run(into folder: URL, threads: Int = 1, overwrite: Bool = false,
                    progress: (CollectionProgress) -> Void = { _ in }) throws -> ActivationIndex {
        let fm = FileManager.default
        let settings = plan.settings
        let binding = ModelBinding(sha256: settings.modelSHA256, name: model.url.lastPathComponent,
                                   dModel: model.config.dModel, layers: model.config.layers)
        var index = ActivationIndex(settings: settings, dims: dims, model: binding,
                                    sources: plan.sources, dataSHA256: dataSHA256, plannedExamples: examples.count,
                                    shards: [], examples: 0, rows: 0, tokens: 0, complete: false)
        let indexURL = folder.appendingPathComponent(ActivationIndex.fileName)
        if let data = fm.contents(atPath: indexURL.path) {
            let old = try? JSONDecoder().decode(ActivationIndex.self, from: data)
            if let old, old.settings == settings, old.dataSHA256 == dataSHA256 {
                index = old
            } else if overwrite {
                try removeCollection(folder)
            } else {
                throw ActivationStoreError.incompatible(
                    "\(folder.path) holds a collection with other settings or data; choose another folder or pass --overwrite")
            }
        }
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ActivationStoreError.io("cannot create \(folder.path): \(error)")
        }
        try removeUnlistedShards(folder, index)
        let resumedAt = index.examples
        if index.complete || resumedAt >= examples.count {
            index.complete = true
            try write(index, to: indexURL)
            progress(CollectionProgress(examples: index.examples, planned: examples.count, tokens: 0, seconds: 0, resumedAt: resumedAt))
            return index
        }

        let taps = settings.tapPoints
        let widths = taps.map { dims[$0.description]! }
        let rowBytes = widths.reduce(0, +) * (settings.dtype == "F16" ? 2 : 4)
        let started = Date()
        var tokensRun = 0
        var shardExamples: [StoredExample] = []
        var shardRows: [[Float]] = taps.map { _ in [] }
        var rowExample: [Int32] = [], rowPosition: [Int32] = [], rowToken: [Int32] = []

        func closeShard() throws {
            guard !shardExamples.isEmpty else { return }
            let n = index.shards.count
            let shard = ActivationIndex.Shard(file: String(format: "shard-%05d.safetensors", n),
                                              examplesFile: String(format: "shard-%05d.examples.jsonl", n),
                                              firstExample: shardExamples[0].example, examples: shardExamples.count,
                                              rows: rowExample.count)
            var b = SafetensorsBuilder()
            let R = rowExample.count
            for (t, tap) in taps.enumerated() {
                if settings.dtype == "F16" {
                    try b.add(tap.description, shape: [R, widths[t]], f16Values: shardRows[t])
                } else {
                    try b.add(tap.description, shape: [R, widths[t]], values: shardRows[t])
                }
            }
            try b.add("example", shape: [R], int32Values: rowExample)
            try b.add("position", shape: [R], int32Values: rowPosition)
            try b.add("token", shape: [R], int32Values: rowToken)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var lines = Data()
            for e in shardExamples { lines += try encoder.encode(e) + Data("\n".utf8) }
            do {
                try b.bytes().write(to: folder.appendingPathComponent(shard.file), options: .atomic)
                try lines.write(to: folder.appendingPathComponent(shard.examplesFile), options: .atomic)
            } catch {
                throw ActivationStoreError.io("cannot write \(shard.file): \(error)")
            }
            index.shards.append(shard)
            index.examples += shard.examples
            index.rows += shard.rows
            index.complete = index.examples == examples.count
            try write(index, to: indexURL)
            shardExamples.removeAll()
            rowExample.removeAll(); rowPosition.removeAll(); rowToken.removeAll()
            for t in shardRows.indices { shardRows[t].removeAll(keepingCapacity: true) }
        }

        try forEach(resumedAt..<examples.count, threads: threads) { i, ids, truncated, kept, sink in
            let firstRow = rowExample.count
            if settings.positions == .mean {
                rowExample.append(Int32(i)); rowPosition.append(-1); rowToken.append(-1)
            } else {
                for p in kept {
                    rowExample.append(Int32(i)); rowPosition.append(Int32(p)); rowToken.append(Int32(ids[p]))
                }
            }
            for t in taps.indices { shardRows[t] += sink.rows[t] }
            let e = examples[i]
            shardExamples.append(StoredExample(example: i, text: e.text, label: e.label, category: e.category, source: e.source, tokens: ids,
                                               truncated: truncated, row: firstRow, rows: rowExample.count - firstRow))
            tokensRun += ids.count
            index.tokens += ids.count
            if shardExamples.count >= plan.examplesPerShard || rowExample.count * rowBytes >= plan.maxShardBytes {
                try closeShard()
            }
            progress(CollectionProgress(examples: i + 1, planned: examples.count, tokens: tokensRun,
                                        seconds: Date().timeIntervalSince(started), resumedAt: resumedAt))
        }
        try closeShard()
        return index
    }

    /// Runs examples `range` one at a time with no logits, each as if from an empty cache (the
    /// prefix it shares with the previous text is read from the cache); `body` gets the
    /// example's index, its tokens, whether they were cut, the kept positions, and the sink
    /// holding the example's rows per tap ([kept rows × D], or one mean row), valid during the call.
    public func forEach(_ range: Range<Int>, threads: Int,
                        _ body: (Int, [Int], Bool, Range<Int>, CollectingSink) throws -> Void) throws {
        let settings = plan.settings
        let taps = settings.tapPoints
        let sink = CollectingSink(taps: taps, dims: taps.map { dims[$0.description]! }, positions: settings.positions,
                                  skipFirst: settings.skipFirst)
        let session = InferenceSession(model: model.transformer, contextLength: settings.maxTokens, threads: threads)
        session.editor = editor
        var cached: [Int] = []   // the tokens whose keys and values the session holds
        for i in range {
            let (ids, truncated, answerFrom) = try encode(examples[i])
            let kept = sink.kept(tokens: ids.count, answerFrom: answerFrom)
            guard !kept.isEmpty else {
                if settings.positions == .answer {
                    throw ActivationStoreError.invalid("example \(i + 1) has no answer to collect: positions answer need "
                                                       + "conversations (turns) ending with a non-empty assistant turn")
                }
                throw ActivationStoreError.invalid("example \(i + 1) has \(ids.count) tokens: skipping the first "
                                                   + "\(settings.skipFirst) leaves no position to keep")
            }
            // A steering plan's conditional edits keep state per sequence from position 0, so a
            // cached prefix is reused only without an editor.
            let shared = editor == nil ? Self.reusablePrefix(cached, ids, kept: kept) : 0
            sink.begin(tokens: ids.count, answerFrom: answerFrom)
            session.rewind(to: shared)
            _ = try session.forward(Array(ids[shared...]), logits: .none, sink: sink)
            cached = ids
            sink.end()
            try body(i, ids, truncated, kept, sink)
            sink.reset()
        }
    }

    /// How many leading tokens of `ids` can be read from the cache of the previous text
    /// (`cached`) instead of being run again: their common prefix, stopping before the first kept
    /// position (every kept position is computed, so the sink sees it). Chat prompts share the
    /// template's opening and system prompt, framed requests their wrapper's first words: for
    /// builtin:harm about half of the tokens. A position's keys, values and activations do not
    /// depend on how the tokens before it were batched (the kernels fix their reduction order),
    /// so the rows are the same bits as from an empty cache — a test holds this.
    static func reusablePrefix(_ cached: [Int], _ ids: [Int], kept: Range<Int>) -> Int {
        let limit = Swift.min(cached.count, kept.lowerBound)
        var n = 0
        while n < limit && cached[n] == ids[n] { n += 1 }
        return n
    }

    /// Runs the same token lists as `run` would, with last-position logits and no sink: the
    /// plain prefill a collection is compared with. Returns tokens and seconds.
    public func measurePrefill(examples count: Int, threads: Int) throws -> (tokens: Int, seconds: Double) {
        let session = InferenceSession(model: model.transformer, contextLength: plan.settings.maxTokens, threads: threads)
        session.editor = editor
        var tokens = 0
        let started = Date()
        for e in examples.prefix(count) {
            let ids = try self.tokens(for: e).tokens
            session.rewind(to: 0)
            _ = try session.forwardLast(ids)
            tokens += ids.count
        }
        return (tokens, Date().timeIntervalSince(started))
    }

    private func write(_ index: ActivationIndex, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try (try encoder.encode(index) + Data("\n".utf8)).write(to: url, options: .atomic) } catch {
            throw ActivationStoreError.io("cannot write \(url.path): \(error)")
        }
    }

    /// Shard files the index does not list (left by an interrupted run).
    private func removeUnlistedShards(_ folder: URL, _ index: ActivationIndex) throws {
        let listed = Set(index.shards.flatMap { [$0.file, $0.examplesFile] })
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for n in names where n.hasPrefix("shard-") && !listed.contains(n) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(n))
        }
    }

    /// Removes what a collection wrote (and nothing else a user may keep in the folder).
    private func removeCollection(_ folder: URL) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for n in names where n.hasPrefix("shard-") || n == ActivationIndex.fileName {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(n))
        }
    }
}
