import Foundation
import TestSupport
import XCTest

/// End-to-end runs of the command-line tool on a tiny generated model: output shape, exit
/// codes, and one-line errors on bad input.
final class RuntimeCLITests: XCTestCase {
    var model: URL!

    override func setUpWithError() throws {
        model = try TinyModel.write()
    }

    func testGenerateJSONHasTokensTextAndFinishReason() throws {
        let r = try OverseerBinary.run(["generate", "-m", model.path, "-p", "the cat", "-n", "5", "--json", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let generated = json["generated_tokens"] as! [Int]
        XCTAssertLessThanOrEqual(generated.count, 5)
        XCTAssertFalse((json["prompt_tokens"] as! [Int]).isEmpty)
        XCTAssertNotNil(json["text"] as? String)
        XCTAssertTrue(["length", "eos", "stop"].contains(json["finish_reason"] as! String))
        // Same command, same output.
        let again = try OverseerBinary.run(["generate", "-m", model.path, "-p", "the cat", "-n", "5", "--json", "--threads", "1"])
        let json2 = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json2["generated_tokens"] as! [Int], generated)
    }

    func testSeededSamplingIsReproducible() throws {
        let args = ["generate", "-m", model.path, "-p", "in the", "-n", "12", "--temperature", "1.5",
                    "--top-k", "40", "--top-p", "0.95", "--seed", "7", "--json"]
        let a = try OverseerBinary.run(args), b = try OverseerBinary.run(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout.components(separatedBy: "\"seconds\"").first,
                       b.stdout.components(separatedBy: "\"seconds\"").first)
    }

    func testChatPromptKeepsTypedControlTokensAsText() throws {
        let r = try OverseerBinary.run(["generate", "-m", model.path, "--chat", "-p", "<|im_end|>", "-n", "1", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let ids = json["prompt_tokens"] as! [Int]
        let vocab = TinyModel.vocabulary
        let imStart = vocab.firstIndex(of: "<|im_start|>")!, imEnd = vocab.firstIndex(of: "<|im_end|>")!
        // The template contributes <|im_start|>user … <|im_end|> … <|im_start|>assistant: exactly one
        // <|im_end|>; the user's typed "<|im_end|>" stays as byte tokens.
        XCTAssertEqual(ids.filter { $0 == imEnd }.count, 1)
        XCTAssertEqual(ids.filter { $0 == imStart }.count, 2)
        XCTAssertEqual(ids.first, imStart)
    }

    func testScoreJSON() throws {
        let r = try OverseerBinary.run(["score", "-m", model.path, "--text", "the theme", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let tokens = json["tokens"] as! [[String: Any]]
        XCTAssertGreaterThan(tokens.count, 2)
        XCTAssertTrue(tokens[0]["logprob"] is NSNull)
        let sum = tokens.dropFirst().map { $0["logprob"] as! Double }.reduce(0, +)
        XCTAssertEqual(json["total_logprob"] as! Double, sum, accuracy: 1e-3)
        XCTAssertEqual(json["perplexity"] as! Double, exp(-sum / Double(tokens.count - 1)), accuracy: 1e-3)
    }

    func testBadInputGivesOneLineErrorAndNonZeroStatus() throws {
        let cases: [[String]] = [
            ["generate", "-m", "/no/such/model.gguf", "-p", "x"],
            ["generate", "-m", model.path, "-p", "x", "--temperature", "-1"],
            ["generate", "-m", model.path, "-p", "x", "--top-p", "0"],
            ["generate", "-m", model.path, "-p", "x", "--threads", "0"],
            ["score", "-m", model.path],
            ["score", "-m", model.path, "--text", "x", "--file", "y"],
            ["inspect", "/etc/hostname"],
        ]
        for args in cases {
            let r = try OverseerBinary.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args) should fail")
            let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("Usage") && !$0.hasPrefix("  See") }
            XCTAssertGreaterThanOrEqual(lines.count, 1, "\(args): no error message")
            XCTAssertTrue(lines.first!.hasPrefix("Error:"), "\(args): \(r.stderr)")
        }
    }

    func testPromptLongerThanContextIsAClearError() throws {
        let r = try OverseerBinary.run(["generate", "-m", model.path, "-p", String(repeating: "a b ", count: 100),
                                        "--context", "16", "-n", "4"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("context length exceeded"), r.stderr)
    }

    func testInspectDescribesTheModel() throws {
        let r = try OverseerBinary.run(["inspect", model.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let config = json["config"] as! [String: Any]
        XCTAssertEqual(config["layers"] as? Int, 2)
        XCTAssertEqual(config["architecture"] as? String, "llama")
        XCTAssertNotNil(json["chatTemplate"] as? String)
    }

    /// `tokenize` reads only the tokenizer: a vocab-only file gives the same ids as the full
    /// model, with and without special-token parsing; the full model's other commands refuse it.
    func testTokenizeWorksOnVocabOnlyFiles() throws {
        var spec = TinyModelSpec()
        spec.vocabOnly = true
        let vocabOnly = try TinyModel.write(spec)
        defer { try? FileManager.default.removeItem(at: vocabOnly.deletingLastPathComponent()) }
        let full = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: full.deletingLastPathComponent()) }
        for extra in [[], ["--parse-special"]] {
            var outputs: [String] = []
            for file in [vocabOnly, full] {
                let r = try OverseerBinary.run(["tokenize", "-m", file.path, "--text", "the cat<|im_end|> 123", "--json"] + extra)
                XCTAssertEqual(r.status, 0, r.stderr)
                outputs.append(r.stdout)
            }
            XCTAssertEqual(outputs[0], outputs[1])
            let ids = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any])?["ids"] as? [Int])
            XCTAssertEqual(ids.contains(TinyModel.vocabulary.count - 1), !extra.isEmpty, "<|im_end|> is one token only when parsed")
        }
        let text = try OverseerBinary.run(["tokenize", "-m", vocabOnly.path, "--text", "the"])
        XCTAssertTrue(text.stdout.contains("-> 'the'") || text.stdout.contains("-> 't'"), text.stdout)
        let gen = try OverseerBinary.run(["generate", "-m", vocabOnly.path, "-p", "x"])
        XCTAssertNotEqual(gen.status, 0)
        XCTAssertEqual(gen.stderr.split(separator: "\n").count, 1, gen.stderr)
        XCTAssertNotEqual(try OverseerBinary.run(["tokenize", "-m", vocabOnly.path]).status, 0)
    }

    /// `tokenize` reads a Hugging Face folder's SentencePiece-style tokenizer.json (Llama 2's kind):
    /// BOS as tokenizer_config.json asks, the "▁" prefix, byte fallback for "t".
    func testTokenizeReadsSentencePieceTokenizerJSONFolder() throws {
        let folder = try TinyModel.writeHuggingFace(tokenizer: .llama)
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try OverseerBinary.run(["tokenize", "-m", folder.path, "--text", "he the", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        // "▁he▁the": ▁he, then ▁ t h e (no merge applies; "t" is its byte token 3 + 0x74).
        XCTAssertEqual(json["ids"] as? [Int], [1, 263, 259, 3 + 0x74, 260, 261])
        XCTAssertEqual(json["pieces"] as? [String], ["<s>", " he", " ", "t", "h", "e"])
    }
}
