// LoRA adapters: PEFT files written and read back (and read by Python's `safetensors`), merged
// into a model they change its logits as the training pass computes them; fine-tuning lowers
// the loss deterministically; `teach` finds the direction a data set pushes along.

import Foundation
import Formats
import Gradients
import Kernels
import Models
import Taps
import TestSupport
import XCTest

final class AdapterTests: XCTestCase {
    func tempDir() throws -> URL {
        try ScratchDirectory.make("gradients")
    }

    func tinyModel() throws -> LanguageModel {
        try tinyLanguageModel { $0.dModel = 32; $0.dFF = 48; $0.contextLength = 128 }
    }

    func testPEFTRoundTripAndNames() throws {
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let adapter = try randomAdapter(dense, rank: 3)
        let dir = try tempDir()
        try PEFTAdapter.write(adapter, model: lm.config, to: dir, baseModel: "tiny", baseModelSHA256: "abc")
        let back = try PEFTAdapter.read(dir, model: lm.config)
        XCTAssertEqual(back.config, adapter.config)
        XCTAssertEqual(back.parameters.map(\.bitPattern), adapter.parameters.map(\.bitPattern))
        XCTAssertEqual(PEFTAdapter.baseModelSHA256(dir), "abc")
        // Names and shapes as PEFT writes them; q's B is stored in Hugging Face row order, which for
        // an interleaved-rotary GGUF model differs from the model's own.
        let st = try SafetensorsFileReader.open(dir.appendingPathComponent(PEFTAdapter.weightsFileName))
        let slot = adapter.slot(layer: 1, .q)!
        let bName = "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight"
        XCTAssertEqual(st[bName]?.shape, [slot.outputs, 3])
        XCTAssertEqual(st["base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"]?.shape, [3, lm.config.dFF])
        XCTAssertEqual(lm.config.ropeStyle, .interleaved)
        let stored = st[bName]!.values, inModel = Array(adapter.parameters[slot.offsetB..<(slot.offsetB + slot.outputs * 3)])
        XCTAssertNotEqual(stored, inModel)
        XCTAssertEqual(stored.sorted(), inModel.sorted())
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("adapter_config.json"))) as! [String: Any]
        XCTAssertEqual(config["peft_type"] as? String, "LORA")
        XCTAssertEqual(config["r"] as? Int, 3)
        XCTAssertEqual((config["target_modules"] as? [String])?.count, 7)
    }

    func testPEFTFilesReadByPythonSafetensors() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import safetensors, numpy"]
        check.standardError = FileHandle.nullDevice
        try? check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw XCTSkip("Python packages safetensors and numpy are not installed (`make deps` installs them)")
        }
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let lora = LoRAConfig(rank: 2, alpha: 4, layers: [1], projections: [.q, .v, .down])
        let adapter = try LoRAAdapter(model: dense.config, lora: lora, seed: 3)
        let dir = try tempDir()
        try PEFTAdapter.write(adapter, model: lm.config, to: dir, baseModel: "tiny", baseModelSHA256: nil)
        let script = """
        import json, sys
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1] + "/adapter_model.safetensors")
        print(json.dumps({k: list(v.shape) for k, v in sorted(t.items())}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, dir.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let shapes = try JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as! [String: [Int]]
        let prefix = "base_model.model.model.layers.1."
        XCTAssertEqual(shapes, [
            prefix + "self_attn.q_proj.lora_A.weight": [2, 32], prefix + "self_attn.q_proj.lora_B.weight": [32, 2],
            prefix + "self_attn.v_proj.lora_A.weight": [2, 32], prefix + "self_attn.v_proj.lora_B.weight": [16, 2],
            prefix + "mlp.down_proj.lora_A.weight": [2, 48], prefix + "mlp.down_proj.lora_B.weight": [32, 2],
        ])
    }

    func testMergedAdapterChangesLogitsAsTrainingPassComputes() throws {
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let adapter = try randomAdapter(dense, rank: 2)
        let dir = try tempDir()
        try PEFTAdapter.write(adapter, model: lm.config, to: dir, baseModel: "tiny", baseModelSHA256: nil)
        let adapted = try lm.withLoRA(dir)
        XCTAssertEqual(adapted.formatSummary[LanguageModel.loraSummaryKey], dir.path)
        let tokens = [5, 80, 120, 33, 250, 9]
        let base = try InferenceSession(model: lm.transformer, maxBatch: 8).forward(tokens, logits: .all)
        let merged = try InferenceSession(model: adapted.transformer, maxBatch: 8).forward(tokens, logits: .all)
        let expected = try TransformerBackprop(model: dense, adapter: adapter).logits(tokens)
        let errMerged = relativeError(merged.map(Double.init), expected.map(Double.init))
        let change = relativeError(base.map(Double.init), expected.map(Double.init))
        print("merged adapter logits vs training pass with the adapter: relative error \(errMerged) (the adapter moves them by \(change))")
        XCTAssertLessThan(errMerged, 5e-3)
        XCTAssertGreaterThan(change, 20 * errMerged)
    }

    func testBadAdapterFoldersAreTypedErrors() throws {
        let lm = try tinyModel()
        let dir = try tempDir()
        XCTAssertThrowsError(try PEFTAdapter.read(dir, model: lm.config)) { XCTAssertTrue("\($0)".contains("adapter_config.json")) }
        try Data(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4}"#.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
        var b = SafetensorsBuilder()
        try b.add("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", shape: [2, 7], values: [Float](repeating: 0, count: 14))
        try b.add("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", shape: [32, 2], values: [Float](repeating: 0, count: 64))
        try b.bytes().write(to: dir.appendingPathComponent("adapter_model.safetensors"))
        XCTAssertThrowsError(try PEFTAdapter.read(dir, model: lm.config)) { XCTAssertTrue("\($0)".contains("[2, 7]"), "\($0)") }
        var c = SafetensorsBuilder()
        try c.add("base_model.model.model.layers.9.self_attn.q_proj.lora_A.weight", shape: [2, 32], values: [Float](repeating: 0, count: 64))
        try c.bytes().write(to: dir.appendingPathComponent("adapter_model.safetensors"))
        XCTAssertThrowsError(try PEFTAdapter.read(dir, model: lm.config)) { XCTAssertTrue("\($0)".contains("layer 9"), "\($0)") }
    }

    func testFineTuningLowersLossAndIsThreadIndependent() throws {
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let lines = (0..<6).map { i in #"{"prompt": "say \#(i)", "completion": "the answer is \#(i) the end"}"# }
        let data = try FineTuneDataset.parse(lines.joined(separator: "\n"), model: lm, maxTokens: 64)
        var options = FineTuneOptions(lora: LoRAConfig(rank: 4, alpha: 8, layers: [0, 1], projections: [.q, .v, .o, .down]))
        options.learningRate = 1e-2
        options.epochs = 4
        options.batchSize = 3
        var adapters: [LoRAAdapter] = []
        var losses: [(Double, Double)] = []
        for threads in [1, 2] {
            options.threads = threads
            let tuner = try FineTuner(model: dense, options: options)
            let before = try tuner.evaluate(data)
            let adapter = try tuner.train(data)
            losses.append((before, try tuner.evaluate(data)))
            adapters.append(adapter)
        }
        print("fine-tuning on the tiny model: loss \(losses[0].0) → \(losses[0].1)")
        XCTAssertLessThan(losses[0].1, 0.8 * losses[0].0)
        XCTAssertEqual(adapters[0].parameters.map(\.bitPattern), adapters[1].parameters.map(\.bitPattern))
    }

    func testChatExamplesScoreOnlyTheCompletion() throws {
        let lm = try tinyModel()
        let data = try FineTuneDataset.parse(#"{"prompt": "hi", "completion": "hello"}"# + "\n\n" + #"{"text": "plain"}"#,
                                             model: lm, maxTokens: 64)
        XCTAssertEqual(data.examples.count, 2)
        let chat = data.examples[0]
        let prefix = try lm.chatTokens([ChatTurn(role: "user", content: "hi")], addGenerationPrompt: true)
        XCTAssertEqual(chat.scored.firstIndex(of: true), prefix.count)
        XCTAssertTrue(chat.scored[prefix.count...].allSatisfy { $0 })
        XCTAssertEqual(data.examples[1].scoredCount, data.examples[1].tokens.count - 1)
        XCTAssertThrowsError(try FineTuneDataset.parse("{\"text\": 3}", model: lm, maxTokens: 64)) {
            XCTAssertTrue("\($0)".contains("line 1"))
        }
        XCTAssertThrowsError(try FineTuneDataset.parse("[1]\n", model: lm, maxTokens: 64))
    }

    func testScoreEndOfTurnFalseScoresOnlyTheReplysOwnTokens() throws {
        let lm = try tinyModel()
        let line = #"{"prompt": "hi", "completion": "hello there"}"#
        let withEnd = try FineTuneDataset.parse(line, model: lm, maxTokens: 64).examples[0]
        let task = try FineTuneDataset.parse(#"{"prompt": "hi", "completion": "hello there", "score_end_of_turn": false}"#,
                                             model: lm, maxTokens: 64).examples[0]
        XCTAssertEqual(task.tokens, withEnd.tokens)
        // The end-of-turn marks: what the template renders after an empty reply.
        let prefix = try lm.chatTokens([ChatTurn(role: "user", content: "hi")], addGenerationPrompt: true)
        let bare = try lm.chatTokens([ChatTurn(role: "user", content: "hi"), ChatTurn(role: "assistant", content: "")],
                                     addGenerationPrompt: false)
        let marks = bare.count - prefix.count
        XCTAssertGreaterThan(marks, 0)
        XCTAssertEqual(task.scoredCount, withEnd.scoredCount - marks)
        XCTAssertEqual(task.scored.firstIndex(of: true), prefix.count)
        XCTAssertEqual(task.scored.lastIndex(of: true), withEnd.tokens.count - marks - 1)
        // The same reply's tokens as the plain encoding of the reply text.
        XCTAssertEqual(Array(task.tokens[prefix.count..<(withEnd.tokens.count - marks)]),
                       Array(withEnd.tokens[prefix.count..<(withEnd.tokens.count - marks)]))
        XCTAssertThrowsError(try FineTuneDataset.parse(#"{"text": "plain", "score_end_of_turn": false}"#, model: lm, maxTokens: 64)) {
            XCTAssertTrue("\($0)".contains("chat lines"), "\($0)")
        }
        XCTAssertThrowsError(try FineTuneDataset.parse(#"{"prompt": "hi", "completion": "x", "score_end_of_turn": "no"}"#,
                                                       model: lm, maxTokens: 64)) {
            XCTAssertTrue("\($0)".contains("true or false"), "\($0)")
        }
    }

    func testMaxStepsStopsTraining() throws {
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let lines = (0..<6).map { i in #"{"prompt": "say \#(i)", "completion": "the answer is \#(i)"}"# }
        let data = try FineTuneDataset.parse(lines.joined(separator: "\n"), model: lm, maxTokens: 64)
        var options = FineTuneOptions(lora: LoRAConfig(rank: 2, alpha: 4, layers: [1], projections: [.q, .v]))
        options.epochs = 3
        options.batchSize = 2
        options.maxSteps = 4
        var steps: [FineTuneStep] = []
        _ = try FineTuner(model: dense, options: options).train(data) { steps.append($0) }
        XCTAssertEqual(steps.map(\.step), [1, 2, 3, 4])
        XCTAssertEqual(steps.map(\.epoch), [1, 1, 1, 2])
        options.maxSteps = 0
        XCTAssertThrowsError(try FineTuner(model: dense, options: options))
    }

    func testConceptRestrictedToLayersKeepsOnlyThoseTaps() throws {
        let v = [Float](repeating: 1, count: 32)
        let c = try Concept(name: "c", components: [(.residPost(0), v), (.residPost(1), v), (.residMid(1), v)], width: 32)
        let one = try c.restricted(toLayers: [1])
        XCTAssertEqual(one.components.map(\.point), [.residPost(1), .residMid(1)])
        XCTAssertEqual(try one.edits(.ablate).count, 2)
        XCTAssertThrowsError(try c.restricted(toLayers: [5])) { XCTAssertTrue("\($0)".contains("no direction at layers 5"), "\($0)") }
    }

    func testTeachRanksTheDirectionTheDataPushesAlong() throws {
        let lm = try tinyModel()
        let dense = try DenseTransformer(lm.transformer)
        let data = try FineTuneDataset.parse((0..<4).map { #"{"text": "the cat sat on the mat \#($0)"}"# }.joined(separator: "\n"),
                                             model: lm, maxTokens: 64)
        let point = TapPoint.residPost(0)
        // The update direction of the whole data set at the tap, and a random direction.
        let probe = try ConceptTeacher(model: dense, concepts: [try Concept(name: "x", components: [(point, [Float](repeating: 1, count: 32))], width: 32)],
                                       options: TeachOptions())
        let g = try probe.batchGradients(data.examples).g[point]!.map(Float.init)
        var rng = SplitMix64(seed: 4)
        let random = (0..<32).map { _ in Float(rng.nextGaussian()) }
        let concepts = [try Concept(name: "taught", components: [(point, g)], width: 32),
                        try Concept(name: "untaught", components: [(point, g.map { -$0 })], width: 32),
                        try Concept(name: "random", components: [(point, random)], width: 32)]
        var options = TeachOptions()
        options.batchSize = 4
        options.threads = 2
        let report = try ConceptTeacher(model: dense, concepts: concepts, options: options).run(data)
        XCTAssertEqual(report.mostTaught.first, "taught")
        XCTAssertEqual(report.mostUntaught.first, "untaught")
        let taught = report.run.first { $0.concept == "taught" }!
        XCTAssertEqual(taught.rank, 1)
        XCTAssertGreaterThan(taught.z, 3)
        // Per-tap scores over the run: one tap here, so its score is the concept's; none per batch.
        XCTAssertEqual(taught.taps?.map(\.point), ["blocks.0.hook_resid_post"])
        XCTAssertEqual(taught.taps?.first?.score ?? .nan, taught.score, accuracy: 1e-9 * abs(taught.score))
        XCTAssertEqual(taught.taps?.first?.z ?? .nan, taught.z, accuracy: 1e-9 * abs(taught.z))
        XCTAssertNil(report.batches[0].scores[0].taps)
        // A concept at two taps: the per-tap scores add up to the concept's, in component order.
        let two = try Concept(name: "two", components: [(.residPost(1), random), (point, g)], width: 32)
        let twoScore = try ConceptTeacher(model: dense, concepts: [two], options: options).run(data).run[0]
        XCTAssertEqual(twoScore.taps?.map(\.point), ["blocks.1.hook_resid_post", "blocks.0.hook_resid_post"])
        XCTAssertEqual(twoScore.taps!.reduce(0) { $0 + $1.score }, twoScore.score, accuracy: 1e-9 * abs(twoScore.score))
        XCTAssertGreaterThan(twoScore.taps![1].z, twoScore.taps![0].z)
        XCTAssertTrue(report.html().contains("<svg"))
        // The same report for any thread count.
        options.threads = 1
        XCTAssertEqual(try ConceptTeacher(model: dense, concepts: concepts, options: options).run(data), report)
    }
}

/// Reads the tensors of a safetensors file as F32 (what a test needs to look inside an adapter).
enum SafetensorsFileReader {
    static func open(_ url: URL) throws -> [String: (shape: [Int], values: [Float])] {
        let file = try SafetensorsFile(url: url)
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for info in file.tensors { out[info.name] = (info.shape, dequantize(try file.view(info))) }
        return out
    }
}
