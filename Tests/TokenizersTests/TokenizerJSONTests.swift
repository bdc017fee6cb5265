// tokenizer.json loading: hand-written tiny files in both merge formats (expected ids from Hugging Face
// `tokenizers` on the same files), the SmolLM2-equivalent file, and rejected configurations.

import Foundation
import XCTest
@testable import Tokenizers

final class TokenizerJSONTests: XCTestCase {
    /// (text, ids as plain text, ids with special tokens), from HF `tokenizers` on the tiny files.
    let tinyCases: [(String, [Int], [Int])] = [
        ("abc", [1, 12], [1, 12]),
        ("ab abc", [7, 9, 12], [7, 9, 12]),
        // '<', '|', ... have no byte tokens and there is no unk token: they are dropped.
        ("abc<|end|>ab", [1, 12, 7], [1, 12, 0, 7]),
        // "<tool>" is a non-special added token: recognised in both modes.
        ("a<tool>b", [1, 14, 2], [1, 14, 2]),
        ("1212 c\nab", [11, 5, 6, 4, 3, 13, 7], [11, 5, 6, 4, 3, 13, 7]),
        ("bcab", [12, 7], [12, 7]),
    ]

    func testTinyFilesInBothMergeFormats() throws {
        for name in ["tiny-tokenizer-string-merges.json", "tiny-tokenizer-pair-merges.json"] {
            let tok = try BPETokenizer.fromTokenizerJSON(data: Fixtures.data(name), specialTokens: SpecialTokens(eos: 0))
            XCTAssertEqual(tok.preTokenizer, .llama3, name)
            XCTAssertEqual(tok.vocabularySize, 15, name)
            XCTAssertEqual(tok.tokenType(0), .control)
            XCTAssertEqual(tok.tokenType(14), .userDefined)
            for (text, plain, special) in tinyCases {
                XCTAssertEqual(tok.encode(text), plain, "\(name): \(text.debugDescription)")
                XCTAssertEqual(tok.encodeWithSpecialTokens(text), special, "\(name): \(text.debugDescription)")
            }
            XCTAssertEqual(tok.decode([7, 9, 12, 0, 14]), "ab abc<tool>")
            XCTAssertEqual(tok.decode([7, 0], renderControlTokens: true), "ab<|end|>")
        }
    }

    func testSmolLM2TokenizerJSONMatchesReferenceAndGGUFBuild() throws {
        guard let gguf = Fixtures.smol else { throw XCTSkip("SmolLM2 fixture missing") }
        let tok = try BPETokenizer.fromTokenizerJSON(data: Fixtures.data("smollm2-tokenizer.json"),
                                                     specialTokens: SpecialTokens(bos: 1, eos: 2, unk: 0, pad: 2))
        XCTAssertEqual(tok.preTokenizer, .smollm)
        XCTAssertEqual(tok.vocabularySize, gguf.vocabularySize)
        for id in [0, 1, 2, 16, 17, 1000, 49151] {
            XCTAssertEqual(tok.token(id), gguf.token(id))
            XCTAssertEqual(tok.tokenType(id), gguf.tokenType(id))
        }
        for c in try Fixtures.expected("plain") {
            XCTAssertEqual(tok.encode(c.text), c.ids, c.text.debugDescription)
        }
        for c in try Fixtures.expected("special") {
            XCTAssertEqual(tok.encodeWithSpecialTokens(c.text), c.ids, c.text.debugDescription)
        }
    }

    func testPreTokenizerConfigMapping() throws {
        func map(_ json: String) throws -> PreTokenizer {
            try BPETokenizer.mapPreTokenizer(JSONSerialization.jsonObject(with: Data(json.utf8)))
        }
        XCTAssertEqual(try map(#"{"type":"ByteLevel","add_prefix_space":false,"use_regex":true}"#), .gpt2)
        XCTAssertEqual(try map(#"{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"ByteLevel","add_prefix_space":false}]}"#), .smollm)
        let qwen = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"#
        XCTAssertEqual(try map(#"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\#(qwen)"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]}"#), .qwen2)

        for unsupported in [
            #"{"type":"Whitespace"}"#,
            #"{"type":"ByteLevel","add_prefix_space":true,"use_regex":true}"#,
            #"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\s+"},"behavior":"Isolated"},{"type":"ByteLevel","use_regex":false}]}"#,
            #"{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":false},{"type":"ByteLevel"}]}"#,
        ] {
            XCTAssertThrowsError(try map(unsupported), unsupported) { error in
                guard case TokenizerError.unsupportedPreTokenizerConfig = error else {
                    return XCTFail("wrong error \(error) for \(unsupported)")
                }
            }
        }
    }

    func testRejectsWhatItCannotRepresent() {
        let cases: [(String, (TokenizerError) -> Bool)] = [
            ("not json", { if case .invalidTokenizerJSON = $0 { return true } else { return false } }),
            (#"{"model":{"type":"Unigram","vocab":[["a",0]]},"pre_tokenizer":{"type":"ByteLevel"}}"#,
             { $0 == .unsupportedModel(name: "Unigram", known: ["BPE"]) }),
            (#"{"normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":[]}}"#,
             { $0 == .unsupportedNormalizer("NFC (byte-level BPE takes text as given)") }),
            (#"{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":["a"]}}"#,
             { $0 == .malformedMerge(index: 0, text: "a") }),
            // One id of 10^9 in a tiny file: refused before any table is sized from it.
            (#"{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0,"b":1000000000},"merges":[]}}"#,
             { if case .invalidTokenizerJSON(let m) = $0 { return m.contains("out of proportion") } else { return false } }),
            (#"{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"added_tokens":[{"id":99999999,"content":"x"}]}"#,
             { if case .invalidTokenizerJSON(let m) = $0 { return m.contains("out of proportion") } else { return false } }),
        ]
        for (json, check) in cases {
            XCTAssertThrowsError(try BPETokenizer.fromTokenizerJSON(data: Data(json.utf8)), json) { error in
                guard let error = error as? TokenizerError, check(error) else {
                    return XCTFail("unexpected error \(error) for \(json)")
                }
            }
        }
    }
}
