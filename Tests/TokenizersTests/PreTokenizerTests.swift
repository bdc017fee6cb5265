// Pre-tokenizer scanners against Hugging Face's Oniguruma splits (pretokenizer-expected.json),
// plus hand-checked cases for the semantics that are easy to get wrong.

import XCTest
@testable import Tokenizers

final class PreTokenizerTests: XCTestCase {
    func testMatchesReferenceSplitsForEveryFamily() throws {
        let object = try Fixtures.json("pretokenizer-expected.json") as! [String: [[String: Any]]]
        // The families whose expression Hugging Face runs as written; the staged llama.cpp splits
        // (legacy, falcon, deepseek-*) and qwen35 are checked in StagedPreTokenizerTests and
        // LlamaCppVocabTests.
        let referenced: [PreTokenizer] = [.gpt2, .llama3, .qwen2, .smollm, .legacy]
        XCTAssertEqual(Set(object.keys), Set(referenced.map(\.rawValue)))
        for kind in referenced {
            let cases = try XCTUnwrap(object[kind.rawValue])
            XCTAssertGreaterThan(cases.count, 100)
            var failures = 0
            for c in cases {
                let text = c["text"] as! String
                let expected = c["pieces"] as! [String]
                let got = kind.split(text)
                if got != expected {
                    failures += 1
                    if failures <= 5 {
                        XCTFail("\(kind) split of \(text.debugDescription): got \(got.map(\.debugDescription)), expected \(expected.map(\.debugDescription))")
                    }
                }
            }
            XCTAssertEqual(failures, 0, "\(kind): \(failures) of \(cases.count) splits differ")
        }
    }

    func testWhitespaceRunBeforeWordGivesAllButLast() {
        XCTAssertEqual(PreTokenizer.gpt2.split("a   b"), ["a", "  ", " b"])
        XCTAssertEqual(PreTokenizer.gpt2.split("a   "), ["a", "   "])
        XCTAssertEqual(PreTokenizer.gpt2.split("\n\nx"), ["\n", "\n", "x"])
        XCTAssertEqual(PreTokenizer.llama3.split("a \n\n b"), ["a", " \n\n", " b"])
    }

    func testNumbersFollowTheFamilyRule() {
        XCTAssertEqual(PreTokenizer.gpt2.split("x 12345"), ["x", " 12345"])
        XCTAssertEqual(PreTokenizer.llama3.split("12345"), ["123", "45"])
        XCTAssertEqual(PreTokenizer.qwen2.split("123"), ["1", "2", "3"])
        XCTAssertEqual(PreTokenizer.smollm.split("x 12"), ["x", " ", "1", "2"])
        // \p{N} is any numeric character, not just ASCII digits.
        XCTAssertEqual(PreTokenizer.smollm.split("½Ⅻ"), ["½", "Ⅻ"])
    }

    func testDocumentationExample() {
        XCTAssertEqual(PreTokenizer.llama3.split("I'm 12345 ok"), ["I", "'m", " ", "123", "45", " ok"])
    }

    func testContractionsAndCase() {
        XCTAssertEqual(PreTokenizer.gpt2.split("I'm"), ["I", "'m"])
        XCTAssertEqual(PreTokenizer.gpt2.split("I'M"), ["I", "'", "M"])
        XCTAssertEqual(PreTokenizer.llama3.split("I'M"), ["I", "'M"])
    }

    func testPiecesConcatenateToInput() {
        let text = "Mixed: 3.14 ½ 日本 😀\u{301}  \t\r\n end\u{00A0}"
        for kind in PreTokenizer.allCases {
            XCTAssertEqual(kind.split(text).joined(), text, "\(kind)")
        }
    }

    func testGGUFNames() throws {
        XCTAssertEqual(try PreTokenizer(ggufName: "smollm"), .smollm)
        XCTAssertEqual(try PreTokenizer(ggufName: "llama-bpe"), .llama3)
        XCTAssertEqual(try PreTokenizer(ggufName: "qwen2"), .qwen2)
        XCTAssertThrowsError(try PreTokenizer(ggufName: "no-such")) { error in
            guard case let TokenizerError.unknownPreTokenizer(name, known) = error else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(name, "no-such")
            XCTAssertTrue(known.contains("gpt2") && known.contains("smollm"))
        }
    }
}

/// llama.cpp's "default" split (files without `tokenizer.ggml.pre`), with the expected pieces
/// worked out stage by stage from its four expressions.
final class LegacyPreTokenizerTests: XCTestCase {
    func testFourStages() {
        let cases: [(String, [String])] = [
            // Stage 1 cuts punctuation runs off first, so a contraction's apostrophe stands alone.
            ("it's", ["it", "'", "s"]),
            ("Hello, world!", ["Hello", ",", " world", "!"]),
            // $ + < = > ^ ~ | are named in the first expression; "`" (a symbol too) is not.
            ("a+=b`c", ["a", "+=", "b", "`", "c"]),
            // Numbers: GPT-2 keeps " 12345" together, stage 3 cuts the space off, stage 4 makes threes.
            ("x 12345", ["x", " ", "123", "45"]),
            ("1234567", ["123", "456", "7"]),
            // Non-ASCII digits are \p{N} but not [0-9]: only ASCII triples are cut out.
            ("٣٤12345", ["٣٤", "123", "45"]),
            ("a   b", ["a", "  ", " b"]),
            ("", []),
        ]
        for (text, pieces) in cases {
            XCTAssertEqual(PreTokenizer.legacy.split(text), pieces, text.debugDescription)
        }
    }

    func testNamesAndMissingKey() throws {
        XCTAssertEqual(try PreTokenizer(ggufName: "default"), .legacy)
        for name in ["gpt-2", "phi-2", "jina-v2-es", "gigachat"] { XCTAssertEqual(try PreTokenizer(ggufName: name), .gpt2, name) }
        let tokens = (0..<256).map { ByteLevel.encode([UInt8($0)]) }
        let tok = try TokenizerKind.make(model: "gpt2", pre: nil, tokens: tokens, merges: [])
        XCTAssertEqual(tok.decode(tok.encode("it's 12345")), "it's 12345")
    }
}
