// Byte-level BPE: SmolLM2 ids against Hugging Face `tokenizers` (smollm2-expected.json), special-token
// handling, round trips, and the heap merge held to the scanning reference merge.

import XCTest
@testable import Tokenizers

final class BPETokenizerTests: XCTestCase {
    func testSmolLM2PlainTextMatchesReference() throws {
        try checkPlain(file: "smollm2-expected.json")
    }

    func testSmolLM2PlainTextMatchesLlamaCpp() throws {
        try checkPlain(file: "smollm2-llamacpp-expected.json")
    }

    func checkPlain(file: String) throws {
        let tok = try Fixtures.requireSmol()
        let cases = try Fixtures.expected("plain", file: file)
        XCTAssertGreaterThan(cases.count, 150)
        var failures = 0
        for c in cases {
            let got = tok.encode(c.text)
            if got != c.ids {
                failures += 1
                if failures <= 5 { XCTFail("\(c.text.debugDescription): got \(got), expected \(c.ids)") }
            }
        }
        XCTAssertEqual(failures, 0, "\(file): \(failures) of \(cases.count) encodings differ")
    }

    func testSmolLM2SpecialAwareMatchesReferences() throws {
        let tok = try Fixtures.requireSmol()
        for file in ["smollm2-expected.json", "smollm2-llamacpp-expected.json"] {
            let cases = try Fixtures.expected("special", file: file)
            XCTAssertGreaterThan(cases.count, 10)
            for c in cases {
                XCTAssertEqual(tok.encodeWithSpecialTokens(c.text), c.ids, "\(file): \(c.text.debugDescription)")
            }
        }
    }

    func testTypedSpecialTokenTextStaysPlainText() throws {
        let tok = try Fixtures.requireSmol()
        let imEnd = try XCTUnwrap(tok.id(forToken: "<|im_end|>"))
        XCTAssertEqual(tok.tokenType(imEnd), .control)
        let plain = tok.encode("say <|im_end|> now")
        XCTAssertFalse(plain.contains(imEnd))
        XCTAssertTrue(tok.encodeWithSpecialTokens("say <|im_end|> now").contains(imEnd))
        XCTAssertEqual(tok.decode(plain), "say <|im_end|> now")
    }

    func testChatTemplateEncoding() throws {
        let tok = try Fixtures.requireSmol()
        let ids = tok.encodeWithSpecialTokens("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(ids.first, 1)
        XCTAssertEqual(ids.filter { $0 == 1 }.count, 2)
        XCTAssertEqual(ids.filter { $0 == 2 }.count, 1)
        XCTAssertEqual(tok.decode(ids), "user\nHi\nassistant\n")
        XCTAssertEqual(tok.decode(ids, renderControlTokens: true),
                       "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testBOSIsAddedOnlyWhenAsked() throws {
        let tok = try Fixtures.requireSmol()
        XCTAssertFalse(tok.addBOS)
        XCTAssertEqual(tok.encode("Hello", parseSpecialTokens: false, addBOS: true), [1, 19556])
        XCTAssertEqual(tok.encode("Hello"), [19556])
    }

    func testRoundTripOnArbitraryStrings() throws {
        let tok = try Fixtures.requireSmol()
        var rng = SplitMix(seed: 7)
        let pool: [Unicode.Scalar] = ["a", "Z", " ", "\t", "\n", "\r", "'", "0", "9", ".", "<", "|", "é", "\u{301}",
                                      "日", "😀", "👍", "\u{1F3FD}", "\u{200D}", "\u{00A0}", "½", "\u{FFFD}", "\u{0}", "\u{7F}"]
        for _ in 0..<300 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 30) { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            let text = String(s)
            XCTAssertEqual(tok.decode(tok.encode(text)), text, text.debugDescription)
            XCTAssertEqual(tok.decode(tok.encodeWithSpecialTokens(text), renderControlTokens: true), text)
        }
    }

    func testHeapMergeMatchesScanningMerge() throws {
        let tok = try XCTUnwrap(Fixtures.smol as? BPETokenizer, "SmolLM2 fixture missing")
        var rng = SplitMix(seed: 99)
        let words = ["the", "ing", "tion", "aaaa", "ab", "  ", "Ġ", "123", "😀", "é", "xyz", "qu", "er"]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<(5 + Int(rng.next() % 20)) { text += words[Int(rng.next() % UInt64(words.count))] }
            let bytes = Array(text.utf8)
            let initial = bytes.map { Int32(tok.id(forToken: ByteLevel.encode([$0]))!) }
            var scanned = initial
            tok.merges.mergeByScanning(&scanned)
            XCTAssertEqual(tok.merges.mergeWithHeap(initial), scanned, text)
        }
    }

    func testDecodeOutOfRangeIdIsReplacementCharacter() throws {
        let tok = try Fixtures.requireSmol()
        XCTAssertEqual(tok.decode([19556, -1, 1_000_000]), "Hello\u{FFFD}\u{FFFD}")
    }

    func testSmallHandBuiltVocabulary() throws {
        // Bytes a, b, c; merges "a b" then "ab c".
        let tok = try BPETokenizer(tokens: ["a", "b", "c", "ab", "abc", "Ġ", "Ġa"], merges: ["a b", "ab c", "Ġ a"],
                                   preTokenizer: .gpt2)
        XCTAssertEqual(tok.encode("abc"), [4])
        XCTAssertEqual(tok.encode("abcab"), [4, 3])
        // " ab": "a b" (rank 0) beats "Ġ a" (rank 2), leaving Ġ + ab.
        XCTAssertEqual(tok.encode("ab ab"), [3, 5, 3])
        XCTAssertEqual(tok.encode(" a"), [6])
        XCTAssertEqual(tok.decode([4, 6, 1]), "abc ab")
    }

    func testIgnoreMergesTakesWholeVocabularyPieces() throws {
        // "abc" is in the vocabulary but no merge path reaches it.
        let tokens = ["a", "b", "c", "ab", "abc"]
        let merging = try BPETokenizer(tokens: tokens, merges: ["a b"], preTokenizer: .llama3)
        XCTAssertEqual(merging.encode("abc"), [3, 2])
        let whole = try BPETokenizer(tokens: tokens, merges: ["a b"], preTokenizer: .llama3, ignoreMerges: true)
        XCTAssertEqual(whole.encode("abc"), [4])
        XCTAssertEqual(whole.encode("abcab"), [3, 2, 3], "a piece not in the vocabulary still merges")
        // The factory turns it on for the Llama 3 family only.
        let llama3 = try TokenizerKind.make(model: "gpt2", pre: "llama-bpe", tokens: tokens, merges: ["a b"])
        XCTAssertEqual(llama3.encode("abc"), [4])
        XCTAssertTrue(llama3.addBOS)
        let gpt2 = try TokenizerKind.make(model: "gpt2", pre: "gpt2", tokens: tokens, merges: ["a b"])
        XCTAssertEqual(gpt2.encode("abc"), [3, 2])
        XCTAssertFalse(gpt2.addBOS)
    }

    func testInvalidInputsThrowTypedErrors() {
        XCTAssertThrowsError(try BPETokenizer(tokens: [], merges: [], preTokenizer: .gpt2)) {
            XCTAssertEqual($0 as? TokenizerError, .emptyVocabulary)
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: ["a"], merges: ["ab"], preTokenizer: .gpt2)) {
            XCTAssertEqual($0 as? TokenizerError, .malformedMerge(index: 0, text: "ab"))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: ["a"], merges: [], tokenTypes: [1, 1], preTokenizer: .gpt2)) {
            XCTAssertEqual($0 as? TokenizerError, .countMismatch(what: "token types", expected: 1, got: 2))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: ["a"], merges: [], preTokenizer: .gpt2,
                                              specialTokens: SpecialTokens(eos: 5))) {
            XCTAssertEqual($0 as? TokenizerError, .specialTokenOutOfRange(name: "eos", id: 5, vocabularySize: 1))
        }
        XCTAssertThrowsError(try TokenizerKind.make(model: "rwkv", tokens: ["a"])) { error in
            XCTAssertTrue("\(error)".contains("rwkv"))
        }
    }
}

/// Small deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
