import Foundation
import TestSupport
import XCTest

/// `finetune`, `teach` and `--lora` end to end on a tiny generated model.
final class GradientsCLITests: XCTestCase {
    var model: URL!
    var dir: URL!

    override func setUpWithError() throws {
        model = try TinyModel.write()
        dir = model.deletingLastPathComponent()
        let lines = (0..<4).map { #"{"prompt": "add \#($0)", "completion": "sum \#($0) arr"}"# }
        try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("train.jsonl"))
    }

    func testFinetuneWritesAnAdapterThatScoreAndGenerateUse() throws {
        let adapter = dir.appendingPathComponent("adapter").path, merged = dir.appendingPathComponent("merged.gguf").path
        let r = try OverseerBinary.run(["finetune", "-m", model.path, "--data", dir.appendingPathComponent("train.jsonl").path,
                                        "-o", adapter, "--rank", "2", "--lr", "0.01", "--epochs", "2", "--batch", "2",
                                        "--targets", "q,v,down", "--merge", merged, "--json", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((json["steps"] as! [Any]).count, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: adapter + "/adapter_model.safetensors"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: adapter + "/adapter_config.json"))
        func total(_ extra: [String]) throws -> Double {
            let s = try OverseerBinary.run(["score", "--text", "sum 2 arr", "--json"] + extra)
            XCTAssertEqual(s.status, 0, s.stderr)
            return (try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any])["total_logprob"] as! Double
        }
        let base = try total(["-m", model.path])
        let adapted = try total(["-m", model.path, "--lora", adapter])
        let fromMerged = try total(["-m", merged])
        XCTAssertNotEqual(base, adapted)
        XCTAssertEqual(adapted, fromMerged, accuracy: 1e-3 * abs(adapted))
        let g = try OverseerBinary.run(["generate", "-m", model.path, "--lora", adapter, "-p", "add 1", "-n", "3"])
        XCTAssertEqual(g.status, 0, g.stderr)
        let bad = try OverseerBinary.run(["generate", "-m", model.path, "--lora", dir.path + "/missing", "-p", "x", "-n", "1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("adapter_config.json"), bad.stderr)
    }

    func testTeachRanksControlVectorsAndBadDataIsALineError() throws {
        let pairs = (0..<4).map { #"{"positive": "sum \#($0) arr", "negative": "sum \#($0)"}"# }
        try Data(pairs.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("pairs.jsonl"))
        let cv = dir.appendingPathComponent("arr.gguf").path
        let t = try OverseerBinary.run(["steer", "train", "-m", model.path, "--pairs", dir.appendingPathComponent("pairs.jsonl").path,
                                        "-o", cv, "--layers", "1"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let html = dir.appendingPathComponent("teach.html").path
        let r = try OverseerBinary.run(["teach", "-m", model.path, "--control-vector", cv, "--data",
                                        dir.appendingPathComponent("train.jsonl").path, "--batch", "2", "--null", "16",
                                        "--html", html])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((report["batches"] as! [Any]).count, 2)
        XCTAssertEqual(((report["run"] as! [[String: Any]]).first?["concept"]) as? String, "arr")
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
        try Data("{\"text\": \"fine\"}\nnot json\n".utf8).write(to: dir.appendingPathComponent("bad.jsonl"))
        let bad = try OverseerBinary.run(["teach", "-m", model.path, "--control-vector", cv, "--data",
                                          dir.appendingPathComponent("bad.jsonl").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("line 2"), bad.stderr)
    }

    func testEvalOnlyMaxStepsAndConceptEditFlags() throws {
        var spec = TinyModelSpec()
        spec.layers = 3   // a control vector at layers 1 and 2, of which --edit-layers keeps one
        let model = try TinyModel.write(spec), dir = model.deletingLastPathComponent()
        let lines = (0..<4).map { #"{"prompt": "add \#($0)", "completion": "sum \#($0) arr"}"# }
        try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("train.jsonl"))
        let pairs = (0..<4).map { #"{"positive": "sum \#($0) arr", "negative": "sum \#($0)"}"# }
        try Data(pairs.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("pairs.jsonl"))
        let cv = dir.appendingPathComponent("arr.gguf").path, adapter = dir.appendingPathComponent("adapter2").path
        let train = dir.appendingPathComponent("train.jsonl").path
        let t = try OverseerBinary.run(["steer", "train", "-m", model.path, "--pairs", dir.appendingPathComponent("pairs.jsonl").path,
                                        "-o", cv, "--layers", "1-2"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let r = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "--eval", train, "-o", adapter,
                                        "--rank", "2", "--lr", "0.01", "--batch", "2", "--epochs", "3", "--max-steps", "3",
                                        "--control-vector", cv, "--suppress", "arr", "--suppress-to-mean", "--edit-layers", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((json["steps"] as! [Any]).count, 3)
        XCTAssertEqual(json["edits"] as? [String], ["suppress arr to the mean at layers 2"])
        let after = json["eval_loss_after"] as! Double
        // --eval-only with the adapter reports the adapted model's held-out loss (the run's "after"), and trains nothing.
        let e = try OverseerBinary.run(["finetune", "-m", model.path, "--lora", adapter, "--eval", train, "--eval-only", "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let ej = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(ej["eval_loss_before"] as! Double, after, accuracy: 1e-3 * after)
        XCTAssertEqual((ej["steps"] as! [Any]).count, 0)
        let base = try OverseerBinary.run(["finetune", "-m", model.path, "--eval", train, "--eval-only", "--json"])
        let bj = try JSONSerialization.jsonObject(with: Data(base.stdout.utf8)) as! [String: Any]
        XCTAssertNotEqual(bj["eval_loss_before"] as! Double, after)
        // Bad input: layers the concept does not have; --eval-only with an output; no --eval.
        let noLayer = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter, "--control-vector", cv,
                                              "--suppress", "arr", "--edit-layers", "5"])
        XCTAssertNotEqual(noLayer.status, 0)
        XCTAssertTrue(noLayer.stderr.contains("no direction at layers 5"), noLayer.stderr)
        let both = try OverseerBinary.run(["finetune", "-m", model.path, "--eval", train, "--eval-only", "-o", adapter])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--eval-only trains nothing"), both.stderr)
        let none = try OverseerBinary.run(["finetune", "-m", model.path, "--eval-only"])
        XCTAssertNotEqual(none.status, 0)

        // Suppression at completion tokens, above the concept's typical value, orthogonal to the task;
        // the held-out loss with the edits as well as without; the directions' statistics.
        let s = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "--eval", train, "-o", adapter,
                                        "--rank", "2", "--lr", "0.01", "--batch", "2", "--max-steps", "2",
                                        "--control-vector", cv, "--suppress", "arr", "--suppress-positions", "completion",
                                        "--suppress-above", "1", "--task-data", train, "--task-directions", "1",
                                        "--eval-with-edits", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let sj = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(sj["edits"] as? [String], ["suppress arr above mean + 1.0 sd orthogonal to 1 task directions at completion tokens"])
        XCTAssertNotNil(sj["eval_loss_after_with_edits"] as? Double)
        XCTAssertEqual((sj["edit_statistics"] as? [Any])?.count, 2)
        XCTAssertEqual((sj["removed_by_task"] as? [[Double]])?.count, 2)
        // Every token but the first, to the mean over those tokens.
        let a = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter,
                                        "--rank", "2", "--lr", "0.01", "--batch", "2", "--max-steps", "1",
                                        "--control-vector", cv, "--suppress", "arr", "--suppress-positions", "after-first",
                                        "--suppress-to-mean", "--json"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let aj = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(aj["edits"] as? [String], ["suppress arr to the mean at every token but the first"])
        let badPositions = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter, "--control-vector", cv,
                                                   "--suppress", "arr", "--suppress-positions", "middle"])
        XCTAssertNotEqual(badPositions.status, 0)
        XCTAssertTrue(badPositions.stderr.contains("all, after-first or completion"), badPositions.stderr)
        let noSuppress = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter, "--suppress-above", "2"])
        XCTAssertNotEqual(noSuppress.status, 0)
        XCTAssertTrue(noSuppress.stderr.contains("need --suppress"), noSuppress.stderr)
    }

    func testConceptDiffPCAFeedsFinetune() throws {
        let train = dir.appendingPathComponent("train.jsonl").path, adapter = dir.appendingPathComponent("adapter3").path
        let f = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter, "--rank", "2", "--lr", "0.05",
                                        "--epochs", "2", "--batch", "2", "--targets", "q,v,down"])
        XCTAssertEqual(f.status, 0, f.stderr)
        var bytes: [Data] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("moved-\(threads).safetensors").path
            let r = try OverseerBinary.run(["concept", "diff-pca", "-m", model.path, "--lora", adapter, "--data", train, "--layers", "1",
                                            "--k", "2", "--positions", "after-first", "--name", "moved", "-o", out,
                                            "--threads", threads, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let taps = json["taps"] as! [[String: Any]]
            XCTAssertEqual(taps.map { $0["point"] as? String }, ["blocks.1.hook_resid_post"])
            let share = taps[0]["share"] as! [Double]
            XCTAssertEqual(share.count, 2)
            XCTAssertTrue(share[0] >= share[1] && share[0] <= 1 + 1e-9, "\(share)")
            bytes.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        XCTAssertEqual(bytes[0], bytes[1])
        let file = dir.appendingPathComponent("moved-1.safetensors").path
        let show = try OverseerBinary.run(["concept", "show", file])
        XCTAssertEqual(show.status, 0, show.stderr)
        let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(shown["concept"] as? String, "moved")
        XCTAssertEqual((shown["metadata"] as? [String: String])?["method"], "diff-pca")
        // Removing another data set's own difference directions first (here: the same set's leading one).
        let excl = dir.appendingPathComponent("rest.safetensors").path
        let x = try OverseerBinary.run(["concept", "diff-pca", "-m", model.path, "--lora", adapter, "--data", train, "--layers", "1",
                                        "--k", "2", "--exclude-data", train, "--exclude-k", "1", "-o", excl])
        XCTAssertEqual(x.status, 0, x.stderr)
        let xs = try OverseerBinary.run(["concept", "show", excl])
        let xj = try JSONSerialization.jsonObject(with: Data(xs.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((xj["metadata"] as? [String: String])?["excluded"], "1 difference directions of train.jsonl")
        let s = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", dir.appendingPathComponent("adapter4").path,
                                        "--rank", "2", "--lr", "0.01", "--batch", "2", "--max-steps", "1", "--concept", file,
                                        "--suppress", "moved", "--suppress-positions", "after-first", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let sj = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(sj["edits"] as? [String], ["suppress moved at every token but the first"])
        // Bad input: no adapter, unknown positions, a layer the adapter does not reach, a file that is not a concept.
        let noLora = try OverseerBinary.run(["concept", "diff-pca", "-m", model.path, "--data", train, "--layers", "1", "-o", file])
        XCTAssertNotEqual(noLora.status, 0)
        XCTAssertTrue(noLora.stderr.contains("--lora"), noLora.stderr)
        let badPositions = try OverseerBinary.run(["concept", "diff-pca", "-m", model.path, "--lora", adapter, "--data", train,
                                                   "--layers", "1", "--positions", "middle", "-o", file])
        XCTAssertNotEqual(badPositions.status, 0)
        XCTAssertTrue(badPositions.stderr.contains("completion or after-first"), badPositions.stderr)
        let notConcept = try OverseerBinary.run(["finetune", "-m", model.path, "--data", train, "-o", adapter, "--concept",
                                                 adapter + "/adapter_model.safetensors", "--suppress", "x"])
        XCTAssertNotEqual(notConcept.status, 0)
        XCTAssertTrue(notConcept.stderr.contains("is not a concept file"), notConcept.stderr)
    }
}
