import Foundation
import TestSupport
import XCTest

/// collect → train → eval → generate under the trained bundle, through the command-line tool,
/// on a tiny generated model.
final class TrainingCLITests: XCTestCase {
    var model: URL!
    var folder: URL { model.deletingLastPathComponent() }

    override func setUpWithError() throws {
        model = try TinyModel.write()
        var lines: [String] = []
        for i in 0..<40 {
            let words = ["the cat", "a dog sat", "in the sun", "and then"][i % 4]
            lines.append(#"{"text": "\#(words) \#(i)\#(i % 2 == 0 ? "!" : ".")", "label": \#(i % 2 == 0 ? 1 : 0)}"#)
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("data.jsonl"))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func run(_ args: [String]) throws -> OverseerBinary.Result { try OverseerBinary.run(args) }

    func testCollectTrainEvalAndSuperviseEndToEnd() throws {
        let data = folder.appendingPathComponent("data.jsonl").path
        let acts = folder.appendingPathComponent("acts").path, bundle = folder.appendingPathComponent("b").path
        var r = try run(["collect", "-m", model.path, "--data", data, "--taps", "resid_post,mlp_out:1", "-o", acts])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("40 examples, 40 rows"), r.stdout)
        // Again: nothing left to do.
        r = try run(["collect", "-m", model.path, "--data", data, "--taps", "resid_post,mlp_out:1", "-o", acts])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Other settings into the same folder: refused with one line.
        r = try run(["collect", "-m", model.path, "--data", data, "--positions", "all", "-o", acts])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--overwrite"), r.stderr)

        let svg = folder.appendingPathComponent("layers.svg").path
        r = try run(["train", "--acts", acts, "--layers", "all", "--target-fpr", "0.05", "--name", "tiny", "--scope", "request",
                     "-o", bundle, "--plot", svg, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((report["taps"] as! [Any]).count, 3)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        // Same command, same bundle bytes.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: bundle).appendingPathComponent("weights.safetensors"))
        r = try run(["train", "--acts", acts, "--layers", "all", "--target-fpr", "0.05", "--name", "tiny", "--scope", "request",
                     "-o", bundle])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: bundle).appendingPathComponent("weights.safetensors")), bytes)

        r = try run(["eval", "--bundle", bundle, "-m", model.path, "--data", data, "--bootstrap", "100", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let eval = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let metrics = eval["metrics"] as! [String: Any]
        XCTAssertEqual(metrics["positives"] as? Int, 20)
        XCTAssertNotNil(metrics["auroc_ci95"])

        r = try run(["generate", "-m", model.path, "-p", "the cat!", "-n", "4", "--supervisor", bundle, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let gen = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertNotNil(gen["halted"] as? Bool)
    }

    func testBadTrainingInputGivesOneLineErrors() throws {
        let cases: [[String]] = [
            ["collect", "-m", model.path, "-o", folder.appendingPathComponent("x").path],
            ["collect", "-m", model.path, "--data", "/nonexistent.jsonl", "-o", folder.appendingPathComponent("x").path],
            ["collect", "-m", model.path, "--data", "builtin:harm", "--taps", "resid_post:99", "-o", folder.appendingPathComponent("x").path],
            ["collect", "-m", model.path, "--data", "builtin:harm", "--positions", "first", "-o", folder.appendingPathComponent("x").path],
            ["train", "--acts", folder.appendingPathComponent("missing").path, "-o", folder.appendingPathComponent("b").path],
            ["eval", "--bundle", folder.appendingPathComponent("missing").path, "-m", model.path, "--data", "builtin:harm"],
            ["generate", "-m", model.path, "-p", "x", "--supervisor", "no-such-bundle"],
            // Values that used to trap or to be accepted silently.
            ["collect", "-m", model.path, "--data", "builtin:harm", "--taps", "resid_post, ", "-o", folder.appendingPathComponent("x").path],
            ["collect", "-m", model.path, "--data", "builtin:harm", "--dtype", "f8", "-o", folder.appendingPathComponent("x").path],
            ["train", "--acts", folder.path, "--aggregation", "", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--aggregation", "max:", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--learning-rate", "nan", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--target-fpr", "nan", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--l2", "1,,0.1", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--kind", "svm", "-o", folder.appendingPathComponent("b").path],
            ["train", "--acts", folder.path, "--scope", "everything", "-o", folder.appendingPathComponent("b").path],
        ]
        for args in cases {
            let r = try run(args)
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            // One error line; ArgumentParser's own "Help:"/"Usage:" hints may follow it.
            let lines = r.stderr.split(separator: "\n").filter {
                !$0.hasPrefix("Usage") && !$0.hasPrefix("  See") && !$0.hasPrefix("Help:") && !$0.isEmpty
            }
            XCTAssertEqual(lines.count, 1, "\(args.joined(separator: " ")): \(r.stderr)")
        }
    }

    func testBuiltinDataExports() throws {
        let r = try run(["data", "export", "harm"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1320)
    }
}
