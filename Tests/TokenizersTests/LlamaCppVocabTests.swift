// Conformance with llama.cpp's tokenizer on its vocab-only GGUF files (models/ggml-vocab-NAME.gguf).
//
// llama.cpp ships, beside many of these files, its own test inputs and expected ids:
//   NAME.gguf.inp  the inputs, separated by lines "__ggml_vocab_test__" (each input is the text
//                  between "\n__ggml_vocab_test__\n" markers)
//   NAME.gguf.out  one line of space-separated ids per input
// The ids are for plain text: no BOS, special-token text not parsed. Fixtures/llamacpp-extra.json
// adds cases produced with llama.cpp's llama-tokenize (`--ids --no-bos --no-parse-special`) for the
// families below, including those without .inp/.out files.
//
// The folder comes from OVERSEER_LLAMACPP_VOCAB_DIR (default: the llama.cpp source unpacked by the
// benchmarks under ~/.cache/overseer-bench); the tests skip when a file is missing.

import Foundation
import Models
import XCTest
@testable import Tokenizers

final class LlamaCppVocabTests: XCTestCase {
    static let directory: URL = {
        let env = ProcessInfo.processInfo.environment["OVERSEER_LLAMACPP_VOCAB_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        return URL(fileURLWithPath: env
            ?? "/root/.cache/overseer-bench/llama-cpp-python-0.3.36/src/vendor/llama.cpp/models")
    }()

    struct Case { var text: String; var ids: [Int] }

    /// The .inp/.out pairs of `name` (empty when there are none) plus its extra cases.
    static func cases(_ name: String) throws -> [Case] {
        var cases: [Case] = []
        let inp = directory.appendingPathComponent("ggml-vocab-\(name).gguf.inp")
        let out = directory.appendingPathComponent("ggml-vocab-\(name).gguf.out")
        if let inputData = FileManager.default.contents(atPath: inp.path),
           let outputData = FileManager.default.contents(atPath: out.path) {
            let raw = String(decoding: inputData, as: UTF8.self)
            var inputs = raw.components(separatedBy: "\n__ggml_vocab_test__\n")
            if inputs.last == "" { inputs.removeLast() }      // the file ends with a marker
            let lines = String(decoding: outputData, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let outputs = Array(lines.prefix(inputs.count))
            XCTAssertEqual(outputs.count, inputs.count, "\(name): inputs and outputs differ in number")
            for (text, line) in zip(inputs, outputs) {
                cases.append(Case(text: text, ids: line.split(separator: " ").compactMap { Int($0) }))
            }
        }
        if let extra = try Fixtures.json("llamacpp-extra.json") as? [String: [[String: Any]]] {
            for c in extra[name] ?? [] {
                cases.append(Case(text: try XCTUnwrap(c["text"] as? String), ids: try XCTUnwrap(c["ids"] as? [Int])))
            }
        }
        return cases
    }

    /// Encodes every case of `name` with the tokenizer built from its GGUF file; every one must match.
    @discardableResult
    func check(_ name: String, minimumCases: Int = 10) throws -> (matched: Int, total: Int) {
        let file = Self.directory.appendingPathComponent("ggml-vocab-\(name).gguf")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("llama.cpp vocab file \(file.path) not found: set OVERSEER_LLAMACPP_VOCAB_DIR to llama.cpp's models/ folder")
        }
        let tokenizer = try LanguageModel.loadTokenizer(file.path)
        let cases = try Self.cases(name)
        if cases.isEmpty {
            throw XCTSkip("no cases for \(name): llama.cpp ships no .inp/.out for it and Fixtures/llamacpp-extra.json has none")
        }
        XCTAssertGreaterThanOrEqual(cases.count, minimumCases, "\(name): too few cases")
        var matched = 0
        var shown = 0
        for c in cases {
            let got = tokenizer.encode(c.text, parseSpecialTokens: false, addBOS: false)
            if got == c.ids {
                matched += 1
            } else if shown < 8 {
                shown += 1
                XCTFail("\(name) \(c.text.debugDescription): got \(got), llama.cpp \(c.ids)")
            }
        }
        print("llama.cpp vocab \(name): \(matched)/\(cases.count) cases match")
        XCTAssertEqual(matched, cases.count, "\(name): \(cases.count - matched) of \(cases.count) cases differ")
        return (matched, cases.count)
    }

    func testQwen35() throws { try check("qwen35") }
    func testDeepSeekLLM() throws { try check("deepseek-llm") }
    func testDeepSeekCoder() throws { try check("deepseek-coder") }
    func testFalcon() throws { try check("falcon") }
    /// WordPiece: BGE's BERT vocabulary (lowercasing, accent stripping).
    func testBertWordPiece() throws { try check("bert-bge") }
    /// Unigram: nomic-embed's XLM-RoBERTa vocabulary with its precompiled character map and
    /// extra-whitespace removal (llama.cpp ships no .inp/.out for it: extra cases only).
    func testUnigramXLMRoBERTa() throws { try check("nomic-bert-moe") }

    /// The families supported before, held to llama.cpp the same way.
    func testEarlierFamilies() throws {
        let names = ["gpt-2", "llama-bpe", "qwen2", "starcoder", "refact", "command-r", "mpt", "llama-spm", "phi-3"]
            .filter { FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent("ggml-vocab-\($0).gguf").path) }
        if names.isEmpty { throw XCTSkip("no llama.cpp vocab files in \(Self.directory.path): set OVERSEER_LLAMACPP_VOCAB_DIR") }
        for name in names { try check(name) }
    }
}
