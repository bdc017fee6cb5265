// tokenizer.json files beyond byte-level BPE, against Hugging Face `tokenizers`: SentencePiece-style
// BPE (Llama 2 legacy, Metaspace conversions, Gemma, without byte fallback), Unigram and WordPiece.
// Fixtures/make_tokenizer_json_fixtures.py wrote each base file and, per variant (keys of the base
// file replaced), the ids and decodes `tokenizers` 0.23 produces for llama.cpp's test inputs and
// targeted texts. Every id and every decoded string must match.

import Foundation
import XCTest
@testable import Tokenizers

final class TokenizerJSONPipelineTests: XCTestCase {
    /// The base file with a variant's overrides applied: top-level keys, or "model.KEY". An
    /// object-form model.vocab is carried over as the file's own bytes: a round trip through
    /// JSONSerialization would merge keys that differ only in Unicode normalisation.
    static func variantData(base: String, overrides: [String: Any], in directory: URL = Fixtures.directory) throws -> Data {
        let raw = try Data(contentsOf: directory.appendingPathComponent(base))
        var root = try XCTUnwrap(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
        var model = try XCTUnwrap(root["model"] as? [String: Any])
        for (key, value) in overrides {
            if key.hasPrefix("model.") { model[String(key.dropFirst(6))] = value } else { root[key] = value }
        }
        let placeholder = "@@vocab@@"
        let rawVocab = JSONObjectScanner.entries(of: Array(raw), at: ["model"])?.last { $0.key == Array("vocab".utf8) }?.value
        if let rawVocab, rawVocab.first == UInt8(ascii: "{") { model["vocab"] = placeholder }
        root["model"] = model
        var data = try JSONSerialization.data(withJSONObject: root)
        if let rawVocab, let range = data.range(of: Data("\"\(placeholder)\"".utf8)) {
            data.replaceSubrange(range, with: rawVocab)
        }
        return data
    }

    struct Variant {
        let name: String
        let overrides: [String: Any]
        let cases: [[String: Any]]
    }

    static func variants(_ expected: String, in directory: URL = Fixtures.directory) throws -> [Variant] {
        let data = try Data(contentsOf: directory.appendingPathComponent(expected))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["variants"] as? [[String: Any]]).map {
            Variant(name: try XCTUnwrap($0["name"] as? String), overrides: try XCTUnwrap($0["overrides"] as? [String: Any]),
                    cases: try XCTUnwrap($0["cases"] as? [[String: Any]]))
        }
    }

    /// Encodes and decodes every case of every variant; returns (matched, total) checks.
    @discardableResult
    func check(base: String, expected: String, in directory: URL = Fixtures.directory, only: Set<String>? = nil,
               transform: ([String: Any]) -> [String: Any] = { $0 }) throws -> (Int, Int) {
        var matched = 0
        var total = 0
        for variant in try Self.variants(expected, in: directory) where only?.contains(variant.name) ?? true {
            let data = try Self.variantData(base: base, overrides: transform(variant.overrides), in: directory)
            let tok = try TokenizerJSON(data: data).makeTokenizer()
            var shown = 0
            func expect<T: Equatable>(_ got: T, _ want: T, _ what: String, _ text: String) {
                total += 1
                if got == want {
                    matched += 1
                } else if shown < 6 {
                    shown += 1
                    XCTFail("\(base) \(variant.name) \(what) \(text.debugDescription): got \(got), tokenizers \(want)")
                }
            }
            for c in variant.cases {
                let text = try XCTUnwrap(c["text"] as? String)
                let plain = try XCTUnwrap(c["plain"] as? [Int])
                expect(tok.encode(text), plain, "ids", text)
                expect(tok.decode(plain), try XCTUnwrap(c["decoded"] as? String), "decode", text)
                if let special = c["special"] as? [Int] {
                    expect(tok.encodeWithSpecialTokens(text), special, "special ids", text)
                    expect(tok.decode(special, renderControlTokens: true), try XCTUnwrap(c["decoded_special"] as? String),
                           "decode with special tokens", text)
                }
            }
        }
        print("\(base): \(matched)/\(total) ids and decodes match tokenizers")
        XCTAssertGreaterThan(total, 100)
        XCTAssertEqual(matched, total, "\(base): \(total - matched) of \(total) differ")
        return (matched, total)
    }

    func testSentencePieceBPEVariantsMatchTokenizers() throws {
        try check(base: "spm-bpe-tokenizer.json", expected: "spm-bpe-expected.json")
    }

    /// The same merges written "left right" (older files) give the same ids.
    func testSentencePieceBPEStringMerges() throws {
        let root = try XCTUnwrap(Fixtures.json("spm-bpe-tokenizer.json") as? [String: Any])
        let pairs = try XCTUnwrap((root["model"] as? [String: Any])?["merges"] as? [[String]])
        let strings = pairs.map { $0.joined(separator: " ") }
        try check(base: "spm-bpe-tokenizer.json", expected: "spm-bpe-expected.json", only: ["llama-legacy", "gemma"]) {
            $0.merging(["model.merges": strings]) { $1 }
        }
    }

    func testSentencePieceBPEIsAPipelineTokenizerWithFileTokens() throws {
        let file = try TokenizerJSON(data: Fixtures.data("spm-bpe-tokenizer.json"))
        XCTAssertEqual(file.modelType, "BPE")
        XCTAssertEqual(file.firstSpecialTokenID, 1, "TemplateProcessing puts <s> first")
        let tok = try file.makeTokenizer(specialTokens: SpecialTokens(bos: 1, eos: 2), addBOS: true)
        XCTAssert(tok is PipelineTokenizer)
        XCTAssertEqual(tok.specialTokens.unk, 0, "unk comes from model.unk_token")
        XCTAssertEqual(tok.tokenType(0), .control)
        XCTAssertEqual(tok.tokenType(3), .byte)
        XCTAssertEqual(tok.token(3), "<0x00>")
        XCTAssertEqual(tok.tokenType(tok.vocabularySize - 1), .userDefined, "<|tool|> is a non-special added token")
        let ids = tok.encode("Hello world", parseSpecialTokens: false, addBOS: true)
        XCTAssertEqual(ids.first, 1)
        XCTAssertEqual(ids.dropFirst().map { tok.token($0) ?? "?" }, ["▁H", "ello", "▁world"])
        XCTAssertEqual(tok.decode(ids), "Hello world")
        XCTAssertEqual(tok.decode(ids, renderControlTokens: true), "<s> Hello world")
    }

    /// Streaming keeps the prefix space `decode` strips; otherwise the same text.
    func testStreamingDecodeMatchesDecode() throws {
        let tok = try TokenizerJSON(data: Fixtures.data("spm-bpe-tokenizer.json")).makeTokenizer()
        for text in ["Hello world", "a😀b 日本語のテキスト", "emoji 👍🏽 and ½", "  two  spaces"] {
            let ids = tok.encode(text)
            var stream = StreamingDecoder(tokenizer: tok)
            var streamed = ids.map { stream.append($0) }.joined()
            streamed += stream.finish()
            XCTAssertEqual(streamed, " " + text, text)
            XCTAssertEqual(tok.decode(ids), text, text)
        }
    }

    /// Whole vocabularies: Llama 2's 32,000 pieces as its legacy tokenizer.json, and Gemma 4's
    /// 262,144 pieces and 514,906 merges in the shape of Gemma's tokenizer.json. Tens of megabytes,
    /// so not committed: `make_tokenizer_json_fixtures.py --full DIR` writes them, and
    /// OVERSEER_TOKENIZER_JSON_FULL=DIR runs this test.
    func testWholeVocabulariesMatchTokenizers() throws {
        guard let path = ProcessInfo.processInfo.environment["OVERSEER_TOKENIZER_JSON_FULL"], !path.isEmpty else {
            throw XCTSkip("set OVERSEER_TOKENIZER_JSON_FULL to a folder written by make_tokenizer_json_fixtures.py --full")
        }
        let directory = URL(fileURLWithPath: path)
        for name in ["llama-full", "gemma-full"] {
            try check(base: "\(name)-tokenizer.json", expected: "\(name)-expected.json", in: directory)
        }
    }

    func testUnigramVariantsMatchTokenizers() throws {
        try check(base: "unigram-tokenizer.json", expected: "unigram-expected.json")
    }

    func testWordPieceVariantsMatchTokenizers() throws {
        try check(base: "wordpiece-tokenizer.json", expected: "wordpiece-expected.json")
    }

    /// Vocabulary keys that differ only in Unicode normalisation stay distinct tokens with their
    /// own ids (JSONSerialization alone would merge them), in lookups and in merges.
    func testCanonicallyEquivalentVocabularyKeysStayDistinct() throws {
        let json = #"{"model":{"type":"BPE","byte_fallback":true,"vocab":{"\u03ac":0,"\u1f71":1,"x":2,"\u03acx":3},"merges":[["\u03ac","x"]]}}"#
        let tok = try TokenizerJSON(data: Data(json.utf8)).makeTokenizer()
        XCTAssertEqual(tok.vocabularySize, 4)
        XCTAssertEqual(tok.encode("\u{03AC}\u{1F71}"), [0, 1])
        XCTAssertEqual(tok.encode("\u{03AC}x"), [3], "the merge applies to U+03AC only")
        XCTAssertEqual(tok.encode("\u{1F71}x"), [1, 2])
        XCTAssertEqual(tok.token(1).map { Array($0.unicodeScalars) }, ["\u{1F71}"])
    }

    func testObjectScannerReadsKeysExactly() {
        let doc = Array(#"{"a":[1,{"model":2}],"model":{"x":"}{","vocab":{"\u00e9\"\\\ud83d\ude00":7,"e\u0301":8, "k" : [ {"]":1} ] }}}"#.utf8)
        let entries = JSONObjectScanner.entries(of: doc, at: ["model", "vocab"])
        XCTAssertEqual(entries?.map(\.key), [Array("\u{E9}\"\\\u{1F600}".utf8), Array("e\u{301}".utf8), Array("k".utf8)])
        XCTAssertEqual(entries?.map { String(decoding: $0.value, as: UTF8.self) }, ["7", "8", #"[ {"]":1} ]"#])
        XCTAssertNil(JSONObjectScanner.entries(of: doc, at: ["model", "missing"]))
        XCTAssertNil(JSONObjectScanner.entries(of: doc, at: ["a"]), "an array is not an object")
        XCTAssertNil(JSONObjectScanner.entries(of: Array(doc.prefix(60)), at: ["model", "vocab"]), "truncated")
    }

    /// Every piece this module does not implement is named in a typed error.
    func testUnsupportedPiecesAreNamed() throws {
        let base = "spm-bpe-tokenizer.json"
        let cases: [([String: Any], TokenizerError)] = [
            (["normalizer": ["type": "Lowercase"]], .unsupportedNormalizer("Lowercase")),
            (["normalizer": ["type": "Replace", "pattern": ["Regex": " +"], "content": "▁"]],
             .unsupportedNormalizer("Replace with a regular expression or without content")),
            (["pre_tokenizer": ["type": "Whitespace"]], .unsupportedPreTokenizerConfig("Whitespace")),
            (["pre_tokenizer": ["type": "Split", "pattern": ["Regex": "\\s+"], "behavior": "Isolated", "invert": false]],
             .unsupportedPreTokenizerConfig("Split with a regular expression or invert")),
            (["pre_tokenizer": ["type": "Split", "pattern": ["String": " "], "behavior": "Sideways", "invert": false]],
             .unsupportedPreTokenizerConfig("Split behavior Sideways")),
            (["decoder": ["type": "CTC"]], .unsupportedDecoder("CTC")),
            (["decoder": ["type": "Sequence", "decoders": [["type": "Fuse"], ["type": "BPEDecoder"]]]], .unsupportedDecoder("BPEDecoder")),
            (["model.continuing_subword_prefix": "##"],
             .unsupportedModel(name: "BPE with continuing_subword_prefix", known: TokenizerJSON.supportedModels)),
            (["model.dropout": 0.1],
             .unsupportedModel(name: "BPE with dropout (random encodings)", known: TokenizerJSON.supportedModels)),
            (["model.unk_token": "<nope>"], .invalidTokenizerJSON("model.unk_token \"<nope>\" is not in the vocabulary")),
            (["model.type": "WordLevel"], .unsupportedModel(name: "WordLevel", known: TokenizerJSON.supportedModels)),
        ]
        for (overrides, expected) in cases {
            let data = try Self.variantData(base: base, overrides: overrides)
            XCTAssertThrowsError(try TokenizerJSON(data: data).makeTokenizer(), "\(overrides)") { error in
                XCTAssertEqual(error as? TokenizerError, expected)
            }
        }
    }

    /// Hostile sizes: a huge id in a small file of any model type is refused before any table is
    /// sized from it.
    func testHugeIdsAreRefusedForEveryModelType() throws {
        let files = [
            #"{"model":{"type":"BPE","byte_fallback":true,"vocab":{"a":0,"b":1000000000},"merges":[]}}"#,
            #"{"model":{"type":"WordPiece","vocab":{"a":0,"b":1000000000}}}"#,
            #"{"model":{"type":"Unigram","vocab":[["a",0.0]]},"added_tokens":[{"id":99999999,"content":"x"}]}"#,
        ]
        for json in files {
            XCTAssertThrowsError(try TokenizerJSON(data: Data(json.utf8)), json) { error in
                guard case TokenizerError.invalidTokenizerJSON(let message) = error, message.contains("out of proportion") else {
                    return XCTFail("unexpected error \(error) for \(json)")
                }
            }
        }
    }
}
