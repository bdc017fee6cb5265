// SentencePiece BPE against the `sentencepiece` library itself: a tiny model trained with Llama-style
// options (byte fallback, identity normalisation, dummy prefix) by Fixtures/make_fixtures.py.

import XCTest
@testable import Tokenizers

final class SentencePieceTokenizerTests: XCTestCase {
    struct Tiny {
        let tokenizer: any Tokenizer
        let cases: [Fixtures.Case]
    }

    func loadTiny() throws -> Tiny {
        let object = try Fixtures.json("sentencepiece-tiny.json") as! [String: Any]
        let tokens = object["tokens"] as! [String]
        let scores = (object["scores"] as! [NSNumber]).map(\.floatValue)
        let types = (object["token_type"] as! [Int]).map(Int32.init)
        let tok = try TokenizerKind.make(model: "llama", tokens: tokens, scores: scores, tokenTypes: types,
                                         bos: object["bos_token_id"] as? Int, eos: object["eos_token_id"] as? Int,
                                         unk: object["unknown_token_id"] as? Int)
        let cases = (object["cases"] as! [[String: Any]]).map {
            Fixtures.Case(text: $0["text"] as! String, ids: $0["ids"] as! [Int])
        }
        return Tiny(tokenizer: tok, cases: cases)
    }

    func testMatchesSentencePieceLibrary() throws {
        let tiny = try loadTiny()
        XCTAssertTrue(tiny.tokenizer is SentencePieceTokenizer)
        XCTAssertGreaterThan(tiny.cases.count, 150)
        var failures = 0
        for c in tiny.cases {
            let got = tiny.tokenizer.encode(c.text)
            if got != c.ids {
                failures += 1
                if failures <= 5 { XCTFail("\(c.text.debugDescription): got \(got), expected \(c.ids)") }
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(tiny.cases.count) encodings differ")
    }

    func testRoundTripAndByteFallback() throws {
        let tok = try loadTiny().tokenizer
        for c in try loadTiny().cases {
            XCTAssertEqual(tok.decode(c.ids), c.text, c.text.debugDescription)
        }
        // 🦀 is not in the tiny vocabulary: four byte tokens after the "▁" of the prefix space.
        XCTAssertNil(tok.id(forToken: "🦀"))
        let ids = tok.encode("🦀")
        let bytes = try ids.dropFirst().map { try XCTUnwrap(tok.token($0)) }
        XCTAssertEqual(bytes, ["<0xF0>", "<0x9F>", "<0xA6>", "<0x80>"])
        XCTAssertEqual(tok.decode(ids), "🦀")
    }

    func testSpecialTokensAndBOS() throws {
        let tok = try loadTiny().tokenizer
        XCTAssertTrue(tok.addBOS)
        XCTAssertEqual(tok.encode("the", parseSpecialTokens: false, addBOS: true).first, 1)
        XCTAssertFalse(tok.encode("<s>the</s>").contains(1))
        let special = tok.encodeWithSpecialTokens("<s>the</s>")
        XCTAssertEqual(special.first, 1)
        XCTAssertEqual(special.last, 2)
        // Text after a special token gets the prefix space again (llama.cpp's rule).
        XCTAssertEqual(Array(special.dropFirst().dropLast()), tok.encode("the"))
        XCTAssertEqual(tok.decode(special, renderControlTokens: true), "<s>the</s>".replacingOccurrences(of: "<s>", with: "<s> "))
    }

    func testStreamingKeepsPrefixSpace() throws {
        let tok = try loadTiny().tokenizer
        let ids = tok.encode("the end")
        var stream = StreamingDecoder(tokenizer: tok)
        let text = ids.map { stream.append($0) }.joined() + stream.finish()
        XCTAssertEqual(text, " the end")
        XCTAssertEqual(tok.decode(ids), "the end")
    }

    func testScoresCountMustMatch() {
        XCTAssertThrowsError(try SentencePieceTokenizer(tokens: ["a", "b"], scores: [0])) {
            XCTAssertEqual($0 as? TokenizerError, .countMismatch(what: "scores", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try TokenizerKind.make(model: "llama", tokens: ["a"])) {
            XCTAssertEqual($0 as? TokenizerError, .missingField("tokenizer.ggml.scores"))
        }
    }

    /// "▁" followed by a combining mark ("▁ि" is a token of BERT's, Gemma's and other
    /// vocabularies) decodes with a space: the two form one Character, so a String replacement
    /// of "▁" would pass over it.
    func testMetaspaceBeforeCombiningMarkDecodesAsSpace() throws {
        let mark = "\u{093F}"      // DEVANAGARI VOWEL SIGN I, a spacing combining mark
        let sp = try SentencePieceTokenizer(tokens: ["<unk>", "\u{2581}", mark, "\u{2581}" + mark, "a"],
                                            scores: [0, -1, -2, -0.5, -3], specialTokens: SpecialTokens(unk: 0),
                                            addBOS: false, addSpacePrefix: false)
        XCTAssertEqual(sp.encode("a " + mark), [4, 3])
        XCTAssertEqual(sp.decode([4, 3]), "a " + mark)
        let unigram = try UnigramTokenizer(tokens: ["<unk>", "\u{2581}" + mark, "a"], scores: [0, -1, -1],
                                           specialTokens: SpecialTokens(unk: 0), addSpacePrefix: false)
        XCTAssertEqual(unigram.decode([2, 1]), "a " + mark)
        let wordPiece = try WordPieceTokenizer(tokens: ["[UNK]", "\u{2581}" + mark, "\u{2581}a"], specialTokens: SpecialTokens(unk: 0))
        XCTAssertEqual(wordPiece.decode([2, 1]), "a " + mark)
    }
}
