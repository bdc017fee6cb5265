// StreamingDecoder: holds back split UTF-8 characters, and its concatenated output equals `decode`.

import XCTest
@testable import Tokenizers

final class StreamingDecoderTests: XCTestCase {
    func testEmojiSplitAcrossByteTokensIsHeldBack() throws {
        let tok = try Fixtures.requireSmol()
        let ids = tok.encode("a😀b")
        XCTAssertEqual(ids.count, 5, "the emoji should take three byte-level tokens: \(ids)")
        var stream = StreamingDecoder(tokenizer: tok)
        let outputs = ids.map { stream.append($0) }
        XCTAssertEqual(outputs, ["a", "", "", "😀", "b"])
        XCTAssertEqual(stream.finish(), "")
    }

    func testHeldBytesAndFlushReplacesLeftovers() throws {
        let tok = try Fixtures.requireSmol()
        let emoji = tok.encode("😀")                       // F0 9F | 98 | 80 split over tokens
        var stream = StreamingDecoder(tokenizer: tok)
        XCTAssertEqual(stream.append(emoji[0]), "")
        XCTAssertFalse(stream.heldBytes.isEmpty)
        XCTAssertEqual(stream.append(emoji[1]), "")
        XCTAssertEqual(stream.finish(), "\u{FFFD}")
        XCTAssertTrue(stream.heldBytes.isEmpty)
        // An incomplete character followed by ASCII: the broken part is final at once.
        XCTAssertEqual(stream.append(emoji[0]), "")
        XCTAssertEqual(stream.append(tok.encode("x")[0]), "\u{FFFD}x")
    }

    func testControlTokensRenderOnlyWhenAsked() throws {
        let tok = try Fixtures.requireSmol()
        let ids = tok.encodeWithSpecialTokens("Hi<|im_end|>")
        var hidden = StreamingDecoder(tokenizer: tok)
        XCTAssertEqual(ids.map { hidden.append($0) }.joined(), "Hi")
        var shown = StreamingDecoder(tokenizer: tok, renderControlTokens: true)
        XCTAssertEqual(ids.map { shown.append($0) }.joined(), "Hi<|im_end|>")
    }

    func testConcatenationEqualsDecodeForRandomIds() throws {
        let tok = try Fixtures.requireSmol()
        var rng = SplitMix(seed: 3)
        // Byte-level tokens for the 128...255 bytes are where UTF-8 breaks; mix them with random ids.
        let byteIds = (0x80...0xFF).compactMap { tok.id(forToken: ByteLevel.encode([UInt8($0)])) }
        for _ in 0..<500 {
            var ids: [Int] = []
            for _ in 0..<Int(rng.next() % 12) {
                ids.append(rng.next() % 2 == 0 ? byteIds[Int(rng.next() % UInt64(byteIds.count))]
                                               : Int(rng.next() % UInt64(tok.vocabularySize)))
            }
            var stream = StreamingDecoder(tokenizer: tok, renderControlTokens: true)
            var text = ""
            for id in ids { text += stream.append(id) }
            text += stream.finish()
            XCTAssertEqual(text, tok.decode(ids, renderControlTokens: true), "\(ids)")
        }
    }

    func testCompletePrefixLengthRules() {
        typealias S = StreamingDecoder
        XCTAssertEqual(S.completePrefixLength([0x41, 0xE6, 0x97]), 1)        // "A" + 2 of 3 bytes of 日
        XCTAssertEqual(S.completePrefixLength([0xE6, 0x97, 0xA5]), 3)        // complete 日
        XCTAssertEqual(S.completePrefixLength([0xF0, 0x9F, 0x98]), 0)        // 3 of 4 bytes of 😀
        XCTAssertEqual(S.completePrefixLength([0xE0, 0x80]), 2)              // overlong: never valid
        XCTAssertEqual(S.completePrefixLength([0xED, 0xA0]), 2)              // surrogate: never valid
        XCTAssertEqual(S.completePrefixLength([0xF4, 0x90]), 2)              // above U+10FFFF
        XCTAssertEqual(S.completePrefixLength([0xC0]), 1)                    // invalid lead byte
        XCTAssertEqual(S.completePrefixLength([0x9F]), 1)                    // stray continuation
    }
}
