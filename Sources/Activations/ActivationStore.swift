// A folder of collected activations: what `overseer collect` writes and `train`, `sae train`
// and `compare-probes` read.
//
// Legend: R = rows in a shard (one per kept token position), D = a tap's width.
//
//   DIR/index.json                      ActivationIndex (below), rewritten atomically per shard
//   DIR/shard-00000.safetensors         per tap "<tap name>" [R, D] F32 or F16;
//                                       "example" [R] I32 (global example index),
//                                       "position" [R] I32 (token position, −1 for a mean),
//                                       "token" [R] I32 (token id at that position, −1 for a mean)
//   DIR/shard-00000.examples.jsonl      one StoredExample per example of the shard, in order
//
// A shard is listed in index.json only once both of its files are complete, so an interrupted
// collection resumes after the last listed shard; files of an unlisted shard are rewritten.

import Detectors
import Formats
import LabeledData
import Foundation
import Taps

public enum ActivationStoreError: Error, Equatable, CustomStringConvertible {
    case io(String)
    case invalid(String)
    case incompatible(String)
    case missingTap(String, available: [String])

    public var description: String {
        switch self {
        case .io(let m): return m
        case .invalid(let m): return "invalid activation store: \(m)"
        case .incompatible(let m): return m
        case .missingTap(let t, let a): return "the store has no tap \(t) (it has \(a.joined(separator: ", ")))"
        }
    }
}

/// Which token positions of each text are kept.
public enum PositionSelection: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The last token (where a chat prompt's request is read).
    case last
    /// The last n tokens (fewer when the text is shorter).
    case lastN(Int)
    /// The mean over the text's tokens (after `skipFirst`), one row per text.
    case mean
    /// Every token (after `skipFirst`).
    case all
    /// The tokens of the answer: a conversation's closing assistant turn, read after the chat
    /// template's generation prompt — the positions a `generation` rule judges at run time.
    case answer

    public init(parsing s: String) throws {
        switch s {
        case "last": self = .last
        case "mean": self = .mean
        case "all": self = .all
        case "answer": self = .answer
        default:
            if s.hasPrefix("last:"), let n = Int(s.dropFirst(5)), n >= 1, n <= 1 << 16 { self = .lastN(n); return }
            throw ActivationStoreError.invalid("positions must be last, last:N, mean, all or answer, not '\(s)'")
        }
    }

    public var description: String {
        switch self {
        case .last: return "last"
        case .lastN(let n): return "last:\(n)"
        case .mean: return "mean"
        case .all: return "all"
        case .answer: return "answer"
        }
    }

    public init(from decoder: Decoder) throws {
        self = try PositionSelection(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// How the texts were turned into tokens and which activations were kept: two collections with
/// equal settings are interchangeable, and a resumed one must match.
public struct CollectionSettings: Sendable, Equatable, Codable {
    public var modelSHA256: String
    public var taps: [String]
    public var positions: PositionSelection
    /// Leading token positions never kept (0 keeps all).
    public var skipFirst: Int
    /// Texts were wrapped as a user turn of the chat template (with this system message).
    public var chat: Bool
    public var system: String?
    /// Texts longer than this many tokens are cut (the index records which).
    public var maxTokens: Int
    public var dtype: String
    /// SHA-256 of the steering plan the model ran under (`SteeringSpec.sha256()`); nil: unsteered.
    public var steeringSHA256: String?

    public init(modelSHA256: String, taps: [TapPoint], positions: PositionSelection, skipFirst: Int = 0,
                chat: Bool, system: String? = nil, maxTokens: Int = 512, dtype: String = "F32", steeringSHA256: String? = nil) {
        self.modelSHA256 = modelSHA256
        self.taps = taps.map(\.description)
        self.positions = positions
        self.skipFirst = skipFirst
        self.chat = chat
        self.system = system
        self.maxTokens = maxTokens
        self.dtype = dtype
        self.steeringSHA256 = steeringSHA256
    }

    enum CodingKeys: String, CodingKey {
        case modelSHA256 = "model_sha256", taps, positions, skipFirst = "skip_first", chat, system
        case maxTokens = "max_tokens", dtype, steeringSHA256 = "steering_sha256"
    }

    public var tapPoints: [TapPoint] { taps.compactMap(TapPoint.init(name:)) }
}

public struct ActivationIndex: Sendable, Equatable, Codable {
    public static let formatName = "overseer-activations"
    public static let fileName = "index.json"

    public struct Shard: Sendable, Equatable, Codable {
        public var file: String
        public var examplesFile: String
        public var firstExample: Int
        public var examples: Int
        public var rows: Int
        enum CodingKeys: String, CodingKey {
            case file, examplesFile = "examples_file", firstExample = "first_example", examples, rows
        }
    }

    public var format = ActivationIndex.formatName
    public var formatVersion = 1
    public var settings: CollectionSettings
    /// Tap name → width D.
    public var dims: [String: Int]
    /// The model's hash, file name and sizes.
    public var model: ModelBinding
    public var sources: [DataSource]
    /// SHA-256 over the planned examples (text hash and label, in order): identifies the data.
    public var dataSHA256: String
    public var plannedExamples: Int
    public var shards: [Shard]
    /// Totals over the listed shards.
    public var examples: Int
    public var rows: Int
    public var tokens: Int
    public var complete: Bool

    /// The data hash of a list of examples: SHA-256 over one line "SHA-256(text) label" per example.
    public static func dataSHA256(_ examples: [(text: String, label: Int)]) -> String {
        var listing = ""
        for e in examples { listing += "\(Digest.sha256(Data(e.text.utf8))) \(e.label)\n" }
        return Digest.sha256(Data(listing.utf8))
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", settings, dims, model, sources
        case dataSHA256 = "data_sha256", plannedExamples = "planned_examples", shards, examples, rows, tokens, complete
    }
}

/// One example as stored beside its shard.
public struct StoredExample: Sendable, Equatable, Codable {
    public var example: Int
    public var text: String
    public var label: Int
    public var category: String?
    /// Where the example came from (its source file, built-in set, or `source` field).
    public var source: String?
    /// The token ids the model read.
    public var tokens: [Int]
    public var truncated: Bool
    /// First row of this example in its shard, and its row count.
    public var row: Int
    public var rows: Int
}

/// A collected folder, opened for reading.
///
/// ```swift
/// let store = try ActivationStore(URL(fileURLWithPath: "acts/harm"))
/// let x = try store.matrix(.residPost(12))     // [N, D]
/// let y = store.rowLabels                        // [N]
/// ```
public final class ActivationStore: @unchecked Sendable {
    // @unchecked Sendable: immutable after opening; shards are read-only mapped files.
    public let url: URL
    public let index: ActivationIndex
    /// Every stored example, in order.
    public let examples: [StoredExample]
    /// Example index of each row [N], and its label [N].
    public let rowExamples: [Int]
    public let rowLabels: [Int]
    /// Token position and id of each row (−1 for means).
    public let rowPositions: [Int]
    public let rowTokens: [Int]
    private let shardFiles: [SafetensorsFile]

    public init(_ url: URL) throws {
        self.url = url
        let indexURL = url.appendingPathComponent(ActivationIndex.fileName)
        guard let data = FileManager.default.contents(atPath: indexURL.path) else {
            throw ActivationStoreError.io("cannot read \(indexURL.path): not an activation folder (run `overseer collect` first)")
        }
        do { index = try JSONDecoder().decode(ActivationIndex.self, from: data) } catch {
            throw ActivationStoreError.invalid("\(indexURL.path): \(error)")
        }
        guard index.format == ActivationIndex.formatName, index.formatVersion == 1 else {
            throw ActivationStoreError.invalid("\(indexURL.path) is \(index.format) version \(index.formatVersion)")
        }
        var examples: [StoredExample] = []
        var rowExamples: [Int] = [], rowPositions: [Int] = [], rowTokens: [Int] = []
        var files: [SafetensorsFile] = []
        for shard in index.shards {
            for name in [shard.file, shard.examplesFile] where name.contains("/") || name.hasPrefix(".") {
                throw ActivationStoreError.invalid("shard file name '\(name)' must be a plain name")
            }
            let file: SafetensorsFile
            do { file = try SafetensorsFile(url: url.appendingPathComponent(shard.file)) } catch {
                throw ActivationStoreError.invalid("\(shard.file): \(error)")
            }
            let ex = try Self.readInts(file, "example", rows: shard.rows)
            rowExamples += ex
            rowPositions += try Self.readInts(file, "position", rows: shard.rows)
            rowTokens += try Self.readInts(file, "token", rows: shard.rows)
            guard let lines = FileManager.default.contents(atPath: url.appendingPathComponent(shard.examplesFile).path) else {
                throw ActivationStoreError.io("cannot read \(shard.examplesFile)")
            }
            let decoder = JSONDecoder()
            var count = 0
            for line in lines.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                do { examples.append(try decoder.decode(StoredExample.self, from: Data(line))) } catch {
                    throw ActivationStoreError.invalid("\(shard.examplesFile): \(error)")
                }
                count += 1
            }
            guard count == shard.examples else {
                throw ActivationStoreError.invalid("\(shard.examplesFile) holds \(count) examples, the index says \(shard.examples)")
            }
            files.append(file)
        }
        guard examples.count == index.examples, rowExamples.count == index.rows else {
            throw ActivationStoreError.invalid("the shards hold \(examples.count) examples and \(rowExamples.count) rows, the index says \(index.examples) and \(index.rows)")
        }
        for (i, e) in examples.enumerated() where e.example != i {
            throw ActivationStoreError.invalid("example \(i) is stored as \(e.example)")
        }
        guard rowExamples.allSatisfy({ $0 >= 0 && $0 < examples.count }) else {
            throw ActivationStoreError.invalid("a row names an example outside 0..<\(examples.count)")
        }
        self.examples = examples
        self.rowExamples = rowExamples
        self.rowPositions = rowPositions
        self.rowTokens = rowTokens
        rowLabels = rowExamples.map { examples[$0].label }
        shardFiles = files
    }

    private init(url: URL, index: ActivationIndex, examples: [StoredExample], rowExamples: [Int], rowPositions: [Int],
                 rowTokens: [Int], shardFiles: [SafetensorsFile]) {
        self.url = url
        self.index = index
        self.examples = examples
        self.rowExamples = rowExamples
        self.rowPositions = rowPositions
        self.rowTokens = rowTokens
        rowLabels = rowExamples.map { examples[$0].label }
        self.shardFiles = shardFiles
    }

    /// Several complete collections made with the same settings, read as one: their examples in
    /// order, renumbered, with the data hash of the joined list — so what is trained on the
    /// joined store equals what one collection of all the sources gives (collection is per text,
    /// from an empty cache), and each data set is collected once and reused in any combination.
    ///
    /// ```swift
    /// let joined = try ActivationStore.joining([try ActivationStore(harm), try ActivationStore(framing)])
    /// ```
    public static func joining(_ stores: [ActivationStore]) throws -> ActivationStore {
        guard let first = stores.first else { throw ActivationStoreError.invalid("no collection to read") }
        if stores.count == 1 { return first }
        for s in stores {
            guard s.index.complete else {
                throw ActivationStoreError.incompatible("\(s.url.path) is not a complete collection (run the same collect command again)")
            }
            guard s.index.settings == first.index.settings, s.index.dims == first.index.dims, s.index.model == first.index.model else {
                throw ActivationStoreError.incompatible(
                    "\(s.url.path) was collected with other settings or another model than \(first.url.path)")
            }
        }
        var index = first.index
        index.sources = stores.flatMap(\.index.sources)
        index.shards = []
        var examples: [StoredExample] = [], rowExamples: [Int] = [], rowPositions: [Int] = [], rowTokens: [Int] = []
        for s in stores {
            let offset = examples.count
            index.shards += s.index.shards.map { var shard = $0; shard.firstExample += offset; return shard }
            examples += s.examples.map { var e = $0; e.example += offset; return e }
            rowExamples += s.rowExamples.map { $0 + offset }
            rowPositions += s.rowPositions
            rowTokens += s.rowTokens
        }
        index.plannedExamples = examples.count
        index.examples = examples.count
        index.rows = rowExamples.count
        index.tokens = stores.map(\.index.tokens).reduce(0, +)
        index.dataSHA256 = ActivationIndex.dataSHA256(examples.map { (text: $0.text, label: $0.label) })
        return ActivationStore(url: first.url, index: index, examples: examples, rowExamples: rowExamples,
                               rowPositions: rowPositions, rowTokens: rowTokens, shardFiles: stores.flatMap(\.shardFiles))
    }

    public var taps: [TapPoint] { index.settings.tapPoints }
    public var rowCount: Int { rowExamples.count }

    /// Width of `tap`, or a typed error naming the taps the store has.
    public func dimension(_ tap: TapPoint) throws -> Int {
        guard let d = index.dims[tap.description] else {
            throw ActivationStoreError.missingTap(tap.description, available: index.settings.taps)
        }
        return d
    }

    /// All rows of `tap` as one matrix [N, D] (row-major), converted to F32.
    public func matrix(_ tap: TapPoint) throws -> [Float] {
        let D = try dimension(tap)
        var out = [Float](repeating: 0, count: rowCount * D)
        var row = 0
        for (s, file) in shardFiles.enumerated() {
            let shard = index.shards[s]
            guard let info = file.info(named: tap.description), info.shape == [shard.rows, D] else {
                throw ActivationStoreError.invalid("\(shard.file) lacks \(tap) [\(shard.rows), \(D)]")
            }
            let raw = file.rawBytes(info)
            out.withUnsafeMutableBufferPointer { o in
                let dst = o.baseAddress! + row * D
                switch info.dtype {
                case .f32:
                    _ = memcpy(dst, raw.baseAddress!, shard.rows * D * 4)
                case .f16:
                    for i in 0..<(shard.rows * D) {
                        dst[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                default:
                    break
                }
            }
            guard info.dtype == .f32 || info.dtype == .f16 else {
                throw ActivationStoreError.invalid("\(shard.file): \(tap) is \(info.dtype.rawValue), expected F32 or F16")
            }
            row += shard.rows
        }
        return out
    }

    static func readInts(_ file: SafetensorsFile, _ name: String, rows: Int) throws -> [Int] {
        guard let info = file.info(named: name), info.dtype == .i32, info.shape == [rows] else {
            throw ActivationStoreError.invalid("\(file.path) lacks \(name) [\(rows)] I32")
        }
        let raw = file.rawBytes(info)
        return (0..<rows).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
    }
}
