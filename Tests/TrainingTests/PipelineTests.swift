@testable import Activations
import Detectors
import Evaluation
import Foundation
import LabeledData
import Models
@testable import Probes
import Taps
import TestSupport
import XCTest

/// collect → store → train → bundle → eval on a tiny random model.
final class PipelineTests: XCTestCase {
    var folder: URL!
    var model: LanguageModel!
    var sha = ""
    var dataURL: URL!

    override func setUpWithError() throws {
        var spec = TinyModelSpec()
        spec.layers = 3
        let url = try TinyModel.write(spec)
        folder = url.deletingLastPathComponent()
        model = try LanguageModel.load(url.path)
        sha = try ModelFingerprint.sha256(of: url)
        // Examples end in "!", counterexamples in "."; the words vary.
        var lines: [String] = []
        let words = ["the cat", "a dog", "in the sun", "on the mat", "then", "and more", "ran off", "sat down"]
        for i in 0..<60 {
            let text = (0..<(1 + i % 4)).map { words[(i * 3 + $0 * 5) % words.count] }.joined(separator: " ")
            lines.append(#"{"text": "\#(text) \#(i)\#(i % 2 == 0 ? "!" : ".")", "label": \#(i % 2 == 0 ? 1 : 0)}"#)
        }
        dataURL = folder.appendingPathComponent("data.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: dataURL)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func plan(_ positions: PositionSelection = .last, taps: [TapPoint]? = nil, shard: Int = 16) -> CollectionPlan {
        let t = taps ?? (0..<3).map { TapPoint.residPost($0) } + [.mlpPost(1)]
        return CollectionPlan(settings: CollectionSettings(modelSHA256: sha, taps: t, positions: positions, chat: false,
                                                           maxTokens: 64),
                              sources: [DataSource(path: dataURL.path)], examplesPerShard: shard)
    }

    /// Activations of `point` for `tokens` straight from the model.
    final class Recorder: TapSink {
        let points: Set<TapPoint>
        var rows: [Int: [Float]] = [:]
        init(_ p: TapPoint) { points = [p] }
        func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) { rows[position] = Array(values) }
    }

    func direct(_ point: TapPoint, _ tokens: [Int]) throws -> [Int: [Float]] {
        let r = Recorder(point)
        let s = InferenceSession(model: model.transformer, contextLength: 64, threads: 1)
        _ = try s.forward(tokens, logits: .none, sink: r)
        return r.rows
    }

    func testStoredRowsAreTheModelsActivations() throws {
        for positions in [PositionSelection.last, .lastN(2), .all, .mean] {
            let out = folder.appendingPathComponent("acts-\(positions)")
            let index = try Collector(model: model, plan: plan(positions)).run(into: out, threads: 2)
            XCTAssertTrue(index.complete)
            let store = try ActivationStore(out)
            XCTAssertEqual(store.examples.count, 60)
            XCTAssertEqual(store.index.dims["blocks.1.mlp.hook_post"], 96)
            let m = try store.matrix(.residPost(2))
            for row in [0, store.rowCount / 2, store.rowCount - 1] {
                let e = store.examples[store.rowExamples[row]]
                let acts = try direct(.residPost(2), e.tokens)
                let stored = Array(m[(row * 64)..<((row + 1) * 64)])
                switch positions {
                case .mean:
                    let mean = (0..<64).map { i in Float((0..<e.tokens.count).map { Double(acts[$0]![i]) }.reduce(0, +) / Double(e.tokens.count)) }
                    XCTAssertEqual(stored, mean, "\(positions)")
                default:
                    XCTAssertEqual(stored, acts[store.rowPositions[row]]!, "\(positions)")
                    XCTAssertEqual(store.rowTokens[row], e.tokens[store.rowPositions[row]])
                }
            }
            switch positions {
            case .last: XCTAssertEqual(store.rowCount, 60)
            case .all: XCTAssertEqual(store.rowCount, store.index.tokens)
            default: break
            }
        }
    }

    func testInterruptedCollectionResumesToTheSameFiles() throws {
        let full = folder.appendingPathComponent("full"), cut = folder.appendingPathComponent("cut")
        try Collector(model: model, plan: plan()).run(into: full)
        try Collector(model: model, plan: plan()).run(into: cut)
        // Simulate a crash after the first shard: the index lists one shard, a half-written
        // second shard lies around.
        let indexURL = cut.appendingPathComponent("index.json")
        var index = try JSONDecoder().decode(ActivationIndex.self, from: Data(contentsOf: indexURL))
        let first = index.shards[0]
        index.shards = [first]
        index.examples = first.examples
        index.rows = first.rows
        index.tokens = 0
        index.complete = false
        try JSONEncoder().encode(index).write(to: indexURL)
        try Data("garbage".utf8).write(to: cut.appendingPathComponent("shard-00001.safetensors"))
        var resumedAt = -1
        try Collector(model: model, plan: plan()).run(into: cut) { resumedAt = $0.resumedAt }
        XCTAssertEqual(resumedAt, first.examples)
        for name in try FileManager.default.contentsOfDirectory(atPath: full.path) where name.hasPrefix("shard-") {
            XCTAssertEqual(try Data(contentsOf: full.appendingPathComponent(name)),
                           try Data(contentsOf: cut.appendingPathComponent(name)), name)
        }
        XCTAssertEqual(try ActivationStore(cut).matrix(.residPost(1)), try ActivationStore(full).matrix(.residPost(1)))
    }

    func testOtherSettingsIntoTheSameFolderAreRefusedUnlessOverwritten() throws {
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan()).run(into: out)
        XCTAssertThrowsError(try Collector(model: model, plan: plan(.all)).run(into: out)) {
            guard case ActivationStoreError.incompatible = $0 else { return XCTFail("\($0)") }
        }
        try Collector(model: model, plan: plan(.all)).run(into: out, overwrite: true)
        XCTAssertEqual(try ActivationStore(out).index.settings.positions, .all)
    }

    func testDamagedStoresGiveTypedErrors() throws {
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan()).run(into: out)
        XCTAssertThrowsError(try ActivationStore(folder.appendingPathComponent("missing")))
        let shard = out.appendingPathComponent("shard-00000.safetensors")
        let bytes = try Data(contentsOf: shard)
        try bytes.prefix(bytes.count / 2).write(to: shard)
        XCTAssertThrowsError(try ActivationStore(out)) {
            guard case ActivationStoreError.invalid = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ActivationStore(out).matrix(.residPre(0)))
    }

    func testTrainingGivesACalibratedBundleAndTheSameBytesTwice() throws {
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan()).run(into: out)
        let store = try ActivationStore(out)
        for kind in TrainOptions.Kind.allCases {
            var o = TrainOptions()
            o.kind = kind
            o.name = "t"
            o.targetFPR = 0.05
            o.validationFraction = 0.3
            o.mlp = MLPOptions(hidden: 8, epochs: 20)
            let (bundle, report) = try ProbeTrainer.train(store, options: o)
            let (again, _) = try ProbeTrainer.train(store, options: o)
            XCTAssertEqual(bundle.manifestBytes, again.manifestBytes, "\(kind)")
            XCTAssertEqual(bundle.weightsBytes, again.weightsBytes, "\(kind)")
            XCTAssertEqual(report.taps.count, 4)
            XCTAssertEqual(bundle.detectors.count, 1)
            XCTAssertEqual(bundle.manifest.rules[0].threshold, report.threshold)
            XCTAssertLessThanOrEqual(report.validation.fprAtThreshold!, 0.05, "\(kind)")
            XCTAssertGreaterThan(report.validation.auroc, 0.9, "\(kind)")
            // Every example sits on one side of the split.
            XCTAssertEqual(report.trainRows + report.validationRows, 60)
            // The bundle loads back and evaluates to the same validation scores it was calibrated on.
            let written = folder.appendingPathComponent("b-\(kind)")
            try bundle.write(to: written)
            XCTAssertEqual(try SupervisorBundle.load(written).sha256, bundle.sha256)
        }
        var all = TrainOptions()
        all.pick = .all
        let (multi, _) = try ProbeTrainer.train(store, options: all)
        XCTAssertEqual(multi.detectors.count, 4)
        XCTAssertEqual(multi.manifest.rules[0].detectors.count, 4)
    }

    func testJoinedCollectionsTrainLikeOneCollectionOfAllTheirSources() throws {
        // The data in two files, collected apart and together.
        let lines = try String(contentsOf: dataURL, encoding: .utf8).split(separator: "\n")
        let a = folder.appendingPathComponent("a.jsonl"), b = folder.appendingPathComponent("b.jsonl")
        try Data(lines[..<25].joined(separator: "\n").utf8).write(to: a)
        try Data(lines[25...].joined(separator: "\n").utf8).write(to: b)
        func collect(_ sources: [URL], _ name: String, taps: [TapPoint]? = nil) throws -> ActivationStore {
            var p = plan(taps: taps, shard: 8)
            p.sources = sources.map { DataSource(path: $0.path) }
            try Collector(model: model, plan: p).run(into: folder.appendingPathComponent(name))
            return try ActivationStore(folder.appendingPathComponent(name))
        }
        let both = try collect([a, b], "both")
        let joined = try ActivationStore.joining([try collect([a], "a"), try collect([b], "b")])
        XCTAssertEqual(joined.index.dataSHA256, both.index.dataSHA256)
        XCTAssertEqual(joined.examples, both.examples.map { var e = $0; e.row = joined.examples[$0.example].row; return e })
        XCTAssertEqual(joined.rowExamples, both.rowExamples)
        XCTAssertEqual(joined.rowLabels, both.rowLabels)
        for tap in both.taps { XCTAssertEqual(try joined.matrix(tap), try both.matrix(tap), "\(tap)") }
        var o = TrainOptions()
        o.name = "t"
        o.pick = .top(2)
        let (fromJoined, _) = try ProbeTrainer.train(joined, options: o)
        let (fromBoth, _) = try ProbeTrainer.train(both, options: o)
        XCTAssertEqual(fromJoined.sha256, fromBoth.sha256)
        // Collections with other settings are not read as one.
        let other = try collect([b], "other", taps: [.residPost(1)])
        XCTAssertThrowsError(try ActivationStore.joining([both, other])) {
            guard case ActivationStoreError.incompatible = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ActivationStore.joining([]))
    }

    func testEvaluationUsesTheBundlesSettingsAndDetectors() throws {
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan(taps: [.residPost(2)])).run(into: out)
        let (bundle, _) = try ProbeTrainer.train(try ActivationStore(out), options: TrainOptions())
        let settings = try BundleEvaluator.settings(of: bundle, fallback: plan().settings)
        XCTAssertEqual(settings.taps, ["blocks.2.hook_resid_post"])
        let report = try BundleEvaluator.evaluate(bundle, model: model, modelSHA256: sha, sources: [DataSource(path: dataURL.path)],
                                                  settings: settings, ruleID: nil, bootstrap: 50, seed: 1, threads: 1)
        XCTAssertEqual(report.examples, 60)
        XCTAssertEqual(report.rows, 60)
        XCTAssertGreaterThan(report.metrics.auroc, 0.9)
        XCTAssertNotNil(report.metrics.aurocCI)
        XCTAssertThrowsError(try BundleEvaluator.evaluate(bundle, model: model, modelSHA256: String(repeating: "0", count: 64),
                                                          sources: [DataSource(path: dataURL.path)], settings: settings,
                                                          ruleID: nil, bootstrap: 0, seed: 0, threads: 1))
    }

    func testEvaluationReportsEachSourceAndCategoryAndMatchesAStore() throws {
        // Two categories in the data: "odd" rows (i % 4 == 1, 3) and the rest; source is the file.
        let out = folder.appendingPathComponent("acts")
        try Collector(model: model, plan: plan(taps: [.residPost(2)])).run(into: out)
        let store = try ActivationStore(out)
        let (bundle, _) = try ProbeTrainer.train(store, options: TrainOptions())
        let settings = try BundleEvaluator.settings(of: bundle, fallback: plan().settings)
        let tagged = folder.appendingPathComponent("tagged.jsonl")
        let rows = try DataSource(path: dataURL.path).load().enumerated().map { i, e in
            #"{"text": \#(String(decoding: try JSONEncoder().encode(e.text), as: UTF8.self)), "label": \#(e.label), "category": "\#(i % 3 == 0 ? "a" : "b")", "source": "s\#(i % 2)"}"#
        }
        try Data(rows.joined(separator: "\n").utf8).write(to: tagged)
        let report = try BundleEvaluator.evaluate(bundle, model: model, modelSHA256: sha, sources: [DataSource(path: tagged.path)],
                                                  settings: settings, ruleID: nil, bootstrap: 0, seed: 0, threads: 1)
        let categories = report.groups.filter { $0.by == "category" }
        XCTAssertEqual(categories.map(\.name), ["a", "b"])
        XCTAssertEqual(categories.map { $0.positives + $0.negatives }, [20, 40])
        // Sources s0 hold only the even rows (all label 1): no AUROC, a firing rate on label 1 only.
        let s0 = try XCTUnwrap(report.groups.first { $0.by == "source" && $0.name == "s0" })
        XCTAssertEqual([s0.positives, s0.negatives], [30, 0])
        XCTAssertNil(s0.auroc)
        XCTAssertNil(s0.fprAtThreshold)
        let expected = Double(report.metrics.tprAtThreshold!)
        let s0Rate = try XCTUnwrap(s0.tprAtThreshold)
        XCTAssertEqual(s0Rate, expected, accuracy: 1e-12, "all label-1 rows are in s0")
        // The same rows from the collection give the same report; a store with other settings is refused.
        let fromStore = try BundleEvaluator.evaluate(bundle, store: store, ruleID: nil, bootstrap: 0, seed: 0)
        let plain = try BundleEvaluator.evaluate(bundle, model: model, modelSHA256: sha, sources: [DataSource(path: dataURL.path)],
                                                 settings: settings, ruleID: nil, bootstrap: 0, seed: 0, threads: 1)
        XCTAssertEqual(fromStore.metrics, plain.metrics)
        XCTAssertEqual(fromStore.groups, plain.groups)
        XCTAssertEqual(fromStore.groups.first { $0.by == "source" }?.name, dataURL.path)
        let other = folder.appendingPathComponent("acts-mean")
        try Collector(model: model, plan: plan(.mean, taps: [.residPost(2)])).run(into: other)
        XCTAssertThrowsError(try BundleEvaluator.evaluate(bundle, store: try ActivationStore(other), ruleID: nil, bootstrap: 0, seed: 0))
    }

    func testConversationsAreRenderedOverAllTheirTurns() throws {
        let url = folder.appendingPathComponent("turns.jsonl")
        let line = #"{"turns": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, {"role": "user", "content": "the cat"}], "label": 1}"#
        try Data((line + "\n" + #"{"text": "a dog", "label": 0}"#).utf8).write(to: url)
        var settings = plan().settings
        settings.chat = true
        settings.maxTokens = 256
        let collector = try Collector(model: model, plan: CollectionPlan(settings: settings, sources: [DataSource(path: url.path)]))
        let turns = [ChatTurn(role: "user", content: "hi"), ChatTurn(role: "assistant", content: "hello"),
                     ChatTurn(role: "user", content: "the cat")]
        XCTAssertEqual(collector.examples[0].turns, turns)
        XCTAssertEqual(collector.examples[0].text, "user: hi\nassistant: hello\nuser: the cat")
        XCTAssertEqual(try collector.tokens(for: collector.examples[0]).tokens, try model.chatTokens(turns, addGenerationPrompt: true))
        XCTAssertEqual(try collector.tokens(for: collector.examples[1]).tokens, try model.promptTokens("a dog", chat: true))
        // A --system prompt goes before a conversation that has none.
        settings.system = "be brief"
        let withSystem = try Collector(model: model, plan: CollectionPlan(settings: settings, sources: [DataSource(path: url.path)]))
        XCTAssertEqual(try withSystem.tokens(for: collector.examples[0]).tokens,
                       try model.chatTokens([ChatTurn(role: "system", content: "be brief")] + turns, addGenerationPrompt: true))
        let out = folder.appendingPathComponent("acts-turns")
        try collector.run(into: out)
        let store = try ActivationStore(out)
        XCTAssertEqual(store.examples[0].tokens, try model.chatTokens(turns, addGenerationPrompt: true))
        // The second text reuses the template's opening from the cache, and its rows are the
        // same bits as a run from an empty cache.
        let (a, b) = (store.examples[0].tokens, store.examples[1].tokens)
        XCTAssertGreaterThan(Collector.reusablePrefix(a, b, kept: (b.count - 1)..<b.count), 0)
        XCTAssertEqual(Collector.reusablePrefix(a, b, kept: 1..<b.count), 1, "never past the first kept position")
        let D = model.config.dModel
        for tap in [TapPoint.residPost(0), .residPost(2), .mlpPost(1)] {
            let x = try store.matrix(tap), width = tap == .mlpPost(1) ? model.config.dFF : D
            for (i, e) in store.examples.enumerated() {
                XCTAssertEqual(Array(x[(i * width)..<((i + 1) * width)]), try direct(tap, e.tokens)[e.tokens.count - 1], "\(tap) \(i)")
            }
        }
        // Without the chat template a conversation cannot be read: refused before any model work.
        settings.chat = false
        XCTAssertThrowsError(try Collector(model: model, plan: CollectionPlan(settings: settings, sources: [DataSource(path: url.path)]))) {
            XCTAssertTrue("\($0)".contains("--chat"), "\($0)")
        }
    }

    func testPositionSelections() throws {
        XCTAssertThrowsError(try PositionSelection(parsing: "first"))
        XCTAssertEqual(try PositionSelection(parsing: "last:3"), .lastN(3))
        XCTAssertEqual(try PositionSelection(parsing: "answer"), .answer)
        XCTAssertEqual(PositionSelection.answer.matchingScope, .generation)
        XCTAssertNotNil(PositionSelection.answer.mismatch(with: .promptEnd))
        XCTAssertNil(PositionSelection.answer.mismatch(with: .generation))
    }

    /// A split by source puts every row of one wrapper (a row's own `source`) on the same side;
    /// rows whose source is only their file are split by text.
    func testSourceSplitKeepsEachWrapperOnOneSide() throws {
        let lines = (0..<60).map { i in
            let source = i < 40 ? #", "source": "set/w\#(i % 8)""# : ""
            return #"{"text": "the cat \#(i)", "label": \#(i % 2)\#(source)}"#
        }
        let url = folder.appendingPathComponent("sources.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        var p = plan(taps: [.residPost(2)])
        p.sources = [DataSource(path: url.path)]
        let out = folder.appendingPathComponent("acts-sources")
        try Collector(model: model, plan: p).run(into: out)
        let store = try ActivationStore(out)
        let files: Set<String> = [url.path]
        for e in store.examples {
            let key = ProbeTrainer.splitKey(e, by: .source, files: files)
            XCTAssertEqual(key, e.example < 40 ? "source:set/w\(e.example % 8)" : e.text)
            XCTAssertEqual(ProbeTrainer.splitKey(e, by: .text, files: files), e.text)
        }
        var o = TrainOptions()
        o.splitBy = .source
        o.validationFraction = 0.4
        let (_, report) = try ProbeTrainer.train(store, options: o)
        XCTAssertEqual(report.split, .source)
        let validation = store.examples.filter {
            ProbeTrainer.isValidation(ProbeTrainer.splitKey($0, by: .source, files: files), seed: 0, fraction: 0.4)
        }
        XCTAssertEqual(report.validationRows, validation.count)
        let wrappersInValidation = Set(validation.compactMap { $0.example < 40 ? $0.source : nil })
        for w in wrappersInValidation {
            XCTAssertEqual(validation.filter { $0.source == w }.count, 5, "all of \(w)")
        }
    }

    /// Skipping more leading positions than a text has is an error naming the example, not a
    /// silent fall-back to the last position.
    func testSkipFirstBeyondATextIsAnError() throws {
        var p = plan(.mean)
        p.settings.skipFirst = 100_000
        let collector = try Collector(model: model, plan: p)
        XCTAssertThrowsError(try collector.run(into: folder.appendingPathComponent("skip"), threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("leaves no position"), "\(error)")
        }
        var q = plan(.lastN(2))
        q.settings.skipFirst = 1
        let rows = try Collector(model: model, plan: q).run(into: folder.appendingPathComponent("ok"), threads: 1).rows
        XCTAssertGreaterThan(rows, 0)
    }

    /// A rule's default scope judges only the positions its probe was trained on.
    func testDefaultScopeFollowsTheCollectedPositions() throws {
        XCTAssertEqual(PositionSelection.last.matchingScope, .request)
        XCTAssertEqual(PositionSelection.lastN(4).matchingScope, .request)
        XCTAssertEqual(PositionSelection.mean.matchingScope, .request)
        XCTAssertEqual(PositionSelection.all.matchingScope, .prompt)
        XCTAssertNotNil(PositionSelection.last.mismatch(with: .promptEnd))
        XCTAssertNil(PositionSelection.last.mismatch(with: .request))
        XCTAssertNil(PositionSelection.all.mismatch(with: .generation))
        let acts = folder.appendingPathComponent("s")
        _ = try Collector(model: model, plan: plan(.last)).run(into: acts, threads: 1)
        let store = try ActivationStore(acts)
        var o = TrainOptions()
        o.taps = [.residPost(1)]
        let (bundle, _) = try ProbeTrainer.train(store, validation: nil, options: o)
        XCTAssertEqual(bundle.manifest.rules.map(\.scope), [.request])
    }
}
