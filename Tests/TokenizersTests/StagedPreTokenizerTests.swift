// The Qwen 3.5, Falcon and DeepSeek splits on hand-worked inputs: each expected list is derived
// stage by stage from the expressions in PreTokenizer.swift's header.

import XCTest
@testable import Tokenizers

final class StagedPreTokenizerTests: XCTestCase {
    func testQwen35KeepsCombiningMarksInWords() {
        // "i" + U+0308 COMBINING DIAERESIS: Qwen 2 puts the mark in front of the next letters,
        // Qwen 3.5 keeps the word whole.
        XCTAssertEqual(PreTokenizer.qwen2.split("nai\u{308}ve"), ["nai", "\u{308}ve"])
        XCTAssertEqual(PreTokenizer.qwen35.split("nai\u{308}ve"), ["nai\u{308}ve"])
        // Devanagari vowel signs are marks (Mc/Mn).
        XCTAssertEqual(PreTokenizer.qwen35.split("हिन्दी भाषा"), ["हिन्दी", " भाषा"])
        // A mark after punctuation is no longer part of the punctuation run.
        XCTAssertEqual(PreTokenizer.qwen35.split("!!\u{301}"), ["!!", "\u{301}"])
        XCTAssertEqual(PreTokenizer.qwen2.split("!!\u{301}"), ["!!\u{301}"])
        // Otherwise as Qwen 2: single digits, case-insensitive contractions.
        XCTAssertEqual(PreTokenizer.qwen35.split("I'M 123"), ["I", "'M", " ", "1", "2", "3"])
    }

    func testFalcon() {
        // "`" joins the first-stage punctuation run; the legacy split keeps it apart.
        XCTAssertEqual(PreTokenizer.falcon.split("a!`b"), ["a", "!`", "b"])
        XCTAssertEqual(PreTokenizer.legacy.split("a!`b"), ["a", "!", "`", "b"])
        // No \p{N}+ stage: GPT-2's " 12" keeps its space; only ASCII triples are cut out.
        XCTAssertEqual(PreTokenizer.falcon.split("x 12"), ["x", " 12"])
        XCTAssertEqual(PreTokenizer.legacy.split("x 12"), ["x", " ", "12"])
        XCTAssertEqual(PreTokenizer.falcon.split("x 12345"), ["x", " ", "123", "45"])
        XCTAssertEqual(PreTokenizer.falcon.split("it's"), ["it", "'", "s"])
    }

    func testDeepSeekLLM() {
        let split = PreTokenizer.deepseekLLM.split
        XCTAssertEqual(split("Hello world\n"), ["Hello", " world", "\n"])
        // A space joins the word after it only when directly before it.
        XCTAssertEqual(split("a  b"), ["a", " ", " b"])
        // Trailing whitespace of a piece is its own piece (\s+$).
        XCTAssertEqual(split("x  "), ["x", "  "])
        // CJK runs, then numbers as whole runs.
        XCTAssertEqual(split("你好ab"), ["你好", "ab"])
        XCTAssertEqual(split("3.14"), ["3", ".", "14"])
        XCTAssertEqual(split("a,b"), ["a", ",", "b"])
        // U+3000 is whitespace, so it joins the letters after it but is never in the ranges.
        XCTAssertEqual(split("a\u{3000}b"), ["a", "\u{3000}b"])
        // Letters outside the listed scripts (Hebrew) stay between matches as they are.
        XCTAssertEqual(split("ab שלום"), ["ab", " שלום"])
    }

    func testDeepSeekCoder() {
        let split = PreTokenizer.deepseekCoder.split
        XCTAssertEqual(split("Hello, world!\n"), ["Hello", ",", " world", "!", "\n"])
        // "=" is a symbol, not \p{P}; digits one by one.
        XCTAssertEqual(split("x=123"), ["x", "=", "1", "2", "3"])
        XCTAssertEqual(split("中文abc"), ["中文", "abc"])
        XCTAssertEqual(split(" (x)"), [" (", "x", ")"])
    }

    func testNamesAndConcatenation() throws {
        XCTAssertEqual(try PreTokenizer(ggufName: "qwen35"), .qwen35)
        XCTAssertEqual(try PreTokenizer(ggufName: "falcon"), .falcon)
        XCTAssertEqual(try PreTokenizer(ggufName: "deepseek-llm"), .deepseekLLM)
        XCTAssertEqual(try PreTokenizer(ggufName: "deepseek-coder"), .deepseekCoder)
        let text = "Mixed: 3.14 ½ 日本 😀\u{301}  \t\r\n end\u{00A0} 한국어 ＡＢ！"
        for kind in PreTokenizer.allCases {
            XCTAssertEqual(kind.split(text).joined(), text, "\(kind)")
            XCTAssertFalse(kind.split(text).contains(""), "\(kind)")
        }
    }

    /// Random mixtures of the classes the splits care about: every split gives back the text in
    /// non-empty pieces.
    func testRandomTextConcatenatesWithoutEmptyPieces() {
        let pool: [String] = ["a", "Z", "é", "\u{301}", "\u{93F}", "ж", "ש", "中", "한", "ｱ", "Ａ", "０", "7", "½", "٣",
                              " ", "  ", "\t", "\n", "\r", "\u{3000}", "\u{85}", "\u{A0}", "'", "s", "!", "`", "$", "。",
                              "“", "😀", "\u{200B}", "\u{E000}", "\u{378}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<400 {
            let text = (0..<next(24)).map { _ in pool[next(pool.count)] }.joined()
            for kind in PreTokenizer.allCases {
                let pieces = kind.split(text)
                XCTAssertEqual(pieces.joined(), text, "\(kind) \(text.debugDescription)")
                XCTAssertFalse(pieces.contains(""), "\(kind) \(text.debugDescription)")
            }
        }
    }
}
