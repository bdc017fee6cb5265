import Foundation
import TestSupport
import XCTest

/// collect → sae train → sae eval / features / bundle → generate under the feature → verify, and
/// compare-probes, through the command-line tool on a tiny generated model.
final class SAECLITests: XCTestCase {
    var model: URL!
    var folder: URL { model.deletingLastPathComponent() }
    var data: String { folder.appendingPathComponent("data.jsonl").path }

    override func setUpWithError() throws {
        model = try TinyModel.write()
        var lines: [String] = []
        for i in 0..<60 {
            let words = ["the cat sat on the mat", "a dog ran in the sun", "then they went home", "and more came in"][i % 4]
            lines.append(#"{"text": "\#(words) \#(i)\#(i % 2 == 0 ? "!" : ".")", "label": \#(i % 2 == 0 ? 1 : 0)}"#)
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: data))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func run(_ args: [String]) throws -> OverseerBinary.Result {
        let r = try OverseerBinary.run(args)
        XCTAssertEqual(r.status, 0, "\(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    func json(_ r: OverseerBinary.Result) throws -> Any { try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) }

    func testSAEWorkflowEndToEnd() throws {
        let acts = folder.appendingPathComponent("acts").path, sae = folder.appendingPathComponent("sae").path
        _ = try run(["collect", "-m", model.path, "--data", data, "--taps", "blocks.1.hook_resid_post", "--positions", "all",
                     "--skip-first", "1", "-o", acts])
        let trained = try json(try run(["sae", "train", "--acts", acts, "--latents", "128", "--k", "8", "--batch", "64",
                                        "--epochs", "3", "--val-fraction", "0.2", "-o", sae, "--json"])) as! [String: Any]
        XCTAssertEqual(trained["latents"] as? Int, 128)
        XCTAssertGreaterThan(trained["held_out_explained_variance"] as! Double, 0.3)
        XCTAssertEqual(trained["held_out_mean_l0"] as? Double, 8)
        for f in ["cfg.json", "sae_weights.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(sae)/\(f)"), f)
        }
        // Same command, same bytes.
        let weights = try Data(contentsOf: URL(fileURLWithPath: "\(sae)/sae_weights.safetensors"))
        _ = try run(["sae", "train", "--acts", acts, "--latents", "128", "--k", "8", "--batch", "64", "--epochs", "3",
                     "--val-fraction", "0.2", "--threads", "1", "-o", sae])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(sae)/sae_weights.safetensors")), weights)

        let quality = try json(try run(["sae", "eval", "--sae", sae, "-m", model.path, "--data", data, "--loss-texts", "10",
                                        "--json"])) as! [String: Any]
        let clean = quality["ce_clean"] as! Double, spliced = quality["ce_sae"] as! Double
        XCTAssertTrue(clean.isFinite && spliced.isFinite)
        XCTAssertNotEqual(clean, spliced, "splicing the reconstruction changes the model's loss")
        XCTAssertEqual(quality["loss_texts"] as? Int, 10)
        XCTAssertGreaterThan(quality["predictions"] as! Int, 10)
        let recovered = quality["loss_recovered"] as! Double
        XCTAssertEqual(recovered, ((quality["ce_zero_ablation"] as! Double) - spliced) / ((quality["ce_zero_ablation"] as! Double) - clean),
                       accuracy: 1e-12)
        // The tiny model's width (64) is whole Q8_0/Q4_1 blocks: both encoders are compared with F32.
        let encoders = try XCTUnwrap(quality["encoders"] as? [[String: Any]])
        XCTAssertEqual(encoders.map { $0["precision"] as? String }, ["q8_0", "q4_1"])
        XCTAssertEqual(encoders.map { $0["bytes"] as? Int }, [128 * 2 * 34, 128 * 2 * 20])
        for e in encoders {
            let c = try XCTUnwrap(e["comparison"] as? [String: Any])
            XCTAssertEqual(c["rows"] as? Int, quality["rows"] as? Int, "fewer rows than --encoder-rows: all are compared")
            let overlap = try XCTUnwrap(c["mean_set_overlap"] as? Double)
            XCTAssertTrue(overlap > 0.5 && overlap <= 1, "\(overlap)")
        }
        let noLoss = try OverseerBinary.run(["sae", "eval", "--sae", sae, "-m", model.path, "--data", data, "--loss-texts", "0"])
        XCTAssertNotEqual(noLoss.status, 0)
        XCTAssertTrue(noLoss.stderr.contains("--loss-texts must be at least 1"), noLoss.stderr)

        let html = folder.appendingPathComponent("features.html").path
        let features = try json(try run(["sae", "features", "--sae", sae, "-m", model.path, "--data", data, "--features", "3",
                                         "--top", "5", "-o", html, "--json"])) as! [[String: Any]]
        XCTAssertEqual(features.count, 3)
        XCTAssertNotNil(features[0]["auroc"], "labeled data: features come from the contrast search")
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("<h2>"))

        let bundle = folder.appendingPathComponent("fb").path
        _ = try run(["sae", "bundle", "--sae", sae, "-m", model.path, "--data", data, "--positions", "last",
                     "--target-fpr", "0.1", "--action", "flag", "--scope", "prompt", "--precision", "q8_0", "-o", bundle])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(bundle)/bundle.json"))) as! [String: Any]
        let spec = (manifest["detectors"] as! [[String: Any]])[0]
        XCTAssertEqual(spec["kind"] as? String, "sae_feature")
        XCTAssertEqual(((spec["sae"] as! [String: Any])["sha256"] as? String)?.count, 64)

        let receipts = folder.appendingPathComponent("r.sqlite").path
        let gen = try json(try run(["generate", "-m", model.path, "-p", "the cat sat on the mat 2!", "-n", "4",
                                    "--supervisor", bundle, "--receipts", receipts, "--json"])) as! [String: Any]
        let verdicts = gen["verdicts"] as! [[String: Any]]
        XCTAssertFalse(verdicts.isEmpty, "an example from the data is flagged at a 10% FPR threshold")
        for v in verdicts {
            XCTAssertFalse((v["contributions"] as! [Any]).isEmpty, "receipts list the active features")
        }
        let verify = try run(["verify", receipts])
        XCTAssertTrue(verify.stdout.contains("OK"), verify.stdout)

        // A changed byte in the bundle's SAE is refused.
        let w = URL(fileURLWithPath: "\(bundle)/sae/sae_weights.safetensors")
        var bytes = try Data(contentsOf: w)
        bytes[bytes.count - 2] ^= 0x40
        try bytes.write(to: w)
        let refused = try OverseerBinary.run(["generate", "-m", model.path, "-p", "x", "--supervisor", bundle])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("pins"), refused.stderr)
    }

    func testCompareProbesPrintsAllThreeMethodsOnEverySet() throws {
        let acts = folder.appendingPathComponent("acts").path, sae = folder.appendingPathComponent("sae").path
        _ = try run(["collect", "-m", model.path, "--data", data, "--taps", "blocks.1.hook_resid_post", "--positions", "all",
                     "-o", acts])
        _ = try run(["sae", "train", "--acts", acts, "--latents", "64", "--k", "4", "--batch", "64", "-o", sae])
        let result = try json(try run(["compare-probes", "-m", model.path, "--train", data, "--test", data, "--shifted", data,
                                       "--sae", sae, "--layer", "1", "--json"])) as! [String: Any]
        let rows = result["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.count, 6)
        XCTAssertEqual(Set(rows.map { $0["set"] as! String }), ["test", "data"])
        let wrongLayer = try OverseerBinary.run(["compare-probes", "-m", model.path, "--train", data, "--test", data,
                                                 "--sae", sae, "--layer", "0"])
        XCTAssertNotEqual(wrongLayer.status, 0)
    }
}
