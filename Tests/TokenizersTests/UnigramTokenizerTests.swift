// The unigram model on a small hand-built vocabulary, and the precompiled character map on a
// double-array trie built here; expected ids are worked out by hand from the scores.
// llama.cpp conformance on a real unigram vocabulary is in LlamaCppVocabTests.

import XCTest
@testable import Tokenizers

final class UnigramTokenizerTests: XCTestCase {
    static let tokens = ["<unk>", "<s>", "</s>", "▁", "▁hello", "▁he", "llo", "h", "e", "l", "o",
                         "▁world", "▁w", "orld", "<0x41>"]
    static let scores: [Float] = [0, 0, 0, -2, -3, -2.5, -2.5, -4, -4, -4, -4, -3.5, -3, -0.2, 0]
    // unknown, control, control, normal ..., byte
    static let types: [Int32] = [2, 3, 3] + Array(repeating: 1, count: 11) + [6]

    func make(removeExtraWhitespaces: Bool = false, charsMap: [UInt8]? = nil) throws -> UnigramTokenizer {
        try UnigramTokenizer(tokens: Self.tokens, scores: Self.scores, tokenTypes: Self.types,
                             specialTokens: SpecialTokens(bos: 1, eos: 2, unk: 0), addSpacePrefix: true,
                             removeExtraWhitespaces: removeExtraWhitespaces, precompiledCharsmap: charsMap)
    }

    func testBestSegmentationNotGreedy() throws {
        let tok = try make()
        // "▁hello" (-3) beats "▁he" + "llo" (-5).
        XCTAssertEqual(tok.encode("hello"), [4])
        // "▁w" + "orld" (-3.2) beats the longer "▁world" (-3.5).
        XCTAssertEqual(tok.encode("world"), [12, 13])
        // Every space is "▁" (-2) unless extra whitespace is removed.
        XCTAssertEqual(tok.encode("hello  world"), [4, 3, 12, 13])
        XCTAssertEqual(try make(removeExtraWhitespaces: true).encode("  hello  world  "), [4, 12, 13])
    }

    func testUnknownCharactersMergeIntoOneToken() throws {
        let tok = try make()
        // "x", "y", "z" have no entry: each is <unk> at (lowest normal score - 10), and the three merge.
        XCTAssertEqual(tok.encode("hello xyz"), [4, 3, 0])
        // Without its "▁", "hello" is best as "h" + "e" + "llo" (-10.5, against -20 letter by letter).
        XCTAssertEqual(tok.encode("xhello"), [3, 0, 7, 8, 6])
    }

    func testDecodeAndFactory() throws {
        let tok = try make()
        XCTAssertEqual(tok.decode([4, 12, 13]), "hello world")
        XCTAssertEqual(tok.decode([14]), "A")
        XCTAssertEqual(tok.encode("hello", parseSpecialTokens: false, addBOS: true), [1, 4])
        let made = try TokenizerKind.make(model: "t5", tokens: Self.tokens, scores: Self.scores, tokenTypes: Self.types,
                                          unk: 0, addSpacePrefix: true)
        XCTAssertTrue(made is UnigramTokenizer)
        XCTAssertFalse(made.addBOS)
        XCTAssertEqual(made.encode("hello world"), [4, 12, 13])
        let framed = try TokenizerKind.make(model: "t5", tokens: Self.tokens, scores: Self.scores, tokenTypes: Self.types,
                                            bos: 1, eos: 2, unk: 0, addBOS: true, addSpacePrefix: true, addEOS: true)
        XCTAssertEqual(framed.encode("hello", parseSpecialTokens: false, addBOS: true), [1, 4, 2])
        XCTAssertEqual(framed.encode("hello"), [4])
        XCTAssertThrowsError(try TokenizerKind.make(model: "t5", tokens: Self.tokens, unk: 0))
        XCTAssertThrowsError(try UnigramTokenizer(tokens: Self.tokens, scores: Self.scores)) { error in
            XCTAssertEqual(error as? TokenizerError, .missingField("tokenizer.ggml.unknown_token_id"))
        }
    }

    func testCharsMapReplacesLongestPrefix() throws {
        // "Ｈ" (full-width) -> "h", "ｅ" -> "e", "L" -> "l", "LLo" -> "llo".
        let map = Self.buildCharsMap(["Ｈ": "h", "ｅ": "e", "L": "l", "LLo": "llo"])
        let tok = try make(charsMap: map)
        XCTAssertEqual(tok.normalize(Array("ＨｅLLo".utf8)), Array("▁hello".utf8))
        XCTAssertEqual(tok.encode("ＨｅLLo"), [4])
        // "L" alone maps to "l"; "LLo" as a whole is the longer match.
        XCTAssertEqual(tok.normalize(Array("LLx LLo".utf8)), Array("▁llx▁llo".utf8))
        XCTAssertEqual(tok.normalize(Array("abc".utf8)), Array("▁abc".utf8))
    }

    func testMalformedCharsMapThrows() {
        XCTAssertThrowsError(try make(charsMap: [1, 0])) { error in
            guard case TokenizerError.invalidCharsMap = error else { return XCTFail("wrong error \(error)") }
        }
        XCTAssertThrowsError(try make(charsMap: [0xFF, 0xFF, 0, 0, 1, 2, 3]))
        // A trie whose walk leaves the array is no match, not a crash.
        let truncated: [UInt8] = [8, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0x7F] + [0x41, 0x01, 0, 0] + [0]
        XCTAssertEqual(try make(charsMap: truncated).normalize(Array("AB".utf8)), Array("▁AB".utf8))
    }

    /// A double-array trie in SentencePiece's layout (see `CharsMap`) for a few keys, placed greedily.
    static func buildCharsMap(_ entries: [String: String]) -> [UInt8] {
        final class Node { var children: [UInt8: Node] = [:]; var value: Int? }
        let root = Node()
        var strings: [UInt8] = []
        for (key, replacement) in entries.sorted(by: { $0.key < $1.key }) {
            var node = root
            for b in key.utf8 {
                if node.children[b] == nil { node.children[b] = Node() }
                node = node.children[b]!
            }
            node.value = strings.count
            strings += Array(replacement.utf8) + [0]
        }
        var units = [UInt32](repeating: 0, count: 1024)
        var used = Set<Int>([0])
        var usedTargets = Set<Int>()
        // Each node at position p gets a base b: its children sit at p ^ b ^ label, its value at p ^ b.
        // The check is the label alone, so no two nodes may share p ^ b.
        func place(_ node: Node, at p: Int) {
            var labels = node.children.keys.map(Int.init)
            if node.value != nil { labels.append(0) }
            var q = 1
            while usedTargets.contains(q) || labels.contains(where: { used.contains(q ^ $0) || q ^ $0 == 0 }) { q += 1 }
            usedTargets.insert(q)
            for label in labels { used.insert(q ^ label) }
            units[p] |= UInt32(p ^ q) << 10
            if let value = node.value {
                units[p] |= 1 << 8
                units[q] = 1 << 31 | UInt32(value)
            }
            for (label, child) in node.children {
                units[q ^ Int(label)] = UInt32(label)
                place(child, at: q ^ Int(label))
            }
        }
        place(root, at: 0)
        var blob: [UInt8] = []
        let size = UInt32(units.count * 4)
        for shift in stride(from: 0, to: 32, by: 8) { blob.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        for u in units { for shift in stride(from: 0, to: 32, by: 8) { blob.append(UInt8(truncatingIfNeeded: u >> UInt32(shift))) } }
        return blob + strings
    }
}
