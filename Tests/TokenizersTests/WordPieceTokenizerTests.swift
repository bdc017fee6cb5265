// WordPiece on a small hand-built vocabulary; each expected id list is worked out by hand from the
// rules in WordPieceTokenizer.swift's header. llama.cpp conformance on a real BERT vocabulary is in
// LlamaCppVocabTests.

import XCTest
@testable import Tokenizers

final class WordPieceTokenizerTests: XCTestCase {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "▁hello", "▁play", "ing", "▁the", "▁,", "▁!",
                         "▁cafe", "▁un", "aff", "able", "▁中", "▁a", "▁playing"]
    //                     0        1        2        3        4         5        6      7       8     9
    //                     10       11     12     13      14     15     16
    static let types: [Int32] = [3, 3, 3, 3] + Array(repeating: 1, count: 13)

    func make(lowercase: Bool = true) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(tokens: Self.tokens, tokenTypes: Self.types,
                               specialTokens: SpecialTokens(bos: 2, unk: 1, pad: 0), lowercase: lowercase)
    }

    func testGreedyLongestPrefixPerWord() throws {
        let tok = try make()
        // Lowercased; "," and "!" are words of their own; "▁playing" is an entry, so it wins over
        // "▁play" + "ing".
        XCTAssertEqual(tok.encode("Hello, playing!"), [4, 8, 16, 9])
        XCTAssertEqual(tok.encode("unaffable"), [11, 12, 13])
        // Longest first: "▁playing", then the continuation "ing".
        XCTAssertEqual(tok.encode("playinging the"), [16, 6, 7])
    }

    func testUnmatchableWordIsOneUnknown() throws {
        let tok = try make()
        XCTAssertEqual(tok.encode("hello xyz hello"), [4, 1, 4])
        // A failure after some pieces matched discards them: the whole word is [UNK].
        XCTAssertEqual(tok.encode("unaffablex"), [1])
    }

    func testNormalisation() throws {
        let tok = try make()
        // Accents go: "é" decomposes to "e", a combining acute is dropped.
        XCTAssertEqual(tok.encode("Café"), [10])
        XCTAssertEqual(tok.encode("cafe\u{301}"), [10])
        // Control characters vanish; whitespace of any kind separates words.
        XCTAssertEqual(tok.encode("HELLO\u{7}"), [4])
        XCTAssertEqual(tok.encode("a \t\u{3000} hello"), [15, 4])
        // CJK ideographs are words of their own even without spaces.
        XCTAssertEqual(tok.encode("中中"), [14, 14])
        // Without lowercasing "Hello" is not in the vocabulary (and accents stay).
        let cased = try make(lowercase: false)
        XCTAssertFalse(cased.stripAccents)
        XCTAssertEqual(cased.encode("Hello hello"), [1, 4])
        XCTAssertEqual(cased.encode("café"), [1])
    }

    func testBOSDecodeAndFactory() throws {
        let tok = try make()
        XCTAssertEqual(tok.encode("hello", parseSpecialTokens: false, addBOS: true), [2, 4])
        XCTAssertEqual(tok.encode("[CLS] hello", parseSpecialTokens: true, addBOS: false), [2, 4])
        XCTAssertEqual(tok.decode([4, 5, 6]), "hello playing")
        XCTAssertEqual(tok.decode([2, 4], renderControlTokens: true), "[CLS] hello")
        let made = try TokenizerKind.make(model: "bert", pre: "bert-bge", tokens: Self.tokens, tokenTypes: Self.types,
                                          bos: 2, unk: 1)
        XCTAssertTrue(made is WordPieceTokenizer)
        XCTAssertTrue(made.addBOS)
        XCTAssertEqual(made.encode("Hello, playing!"), [4, 8, 16, 9])
        // With a [SEP] id, BOS-framed text ends with it, as llama.cpp frames BERT input.
        let framed = try TokenizerKind.make(model: "bert", tokens: Self.tokens, tokenTypes: Self.types, bos: 2, unk: 1, sep: 3)
        XCTAssertEqual(framed.encode("hello", parseSpecialTokens: false, addBOS: true), [2, 4, 3])
        XCTAssertEqual(framed.encode("hello"), [4])
        XCTAssertThrowsError(try WordPieceTokenizer(tokens: Self.tokens, separator: 99))
    }
}
