// Fixture loading for the tokenizer tests. The JSON files beside this one are produced by
// Fixtures/make_fixtures.py from the SmolLM2-135M-Instruct GGUF and Hugging Face `tokenizers`.

import Foundation
import XCTest
@testable import Tokenizers

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name))
    }

    /// The GGUF tokenizer arrays of SmolLM2-135M-Instruct.
    struct GGUFVocab {
        let model: String
        let pre: String
        let tokens: [String]
        let types: [Int32]
        let merges: [String]
        let bos: Int, eos: Int, unk: Int, pad: Int
        let addBOS: Bool
    }

    static let smolVocab: GGUFVocab? = {
        guard let object = try? json("smollm2-vocab.json") as? [String: Any] else { return nil }
        return GGUFVocab(
            model: object["model"] as! String, pre: object["pre"] as! String,
            tokens: object["tokens"] as! [String],
            types: (object["token_type"] as! [Int]).map(Int32.init),
            merges: object["merges"] as! [String],
            bos: object["bos_token_id"] as! Int, eos: object["eos_token_id"] as! Int,
            unk: object["unknown_token_id"] as! Int, pad: object["padding_token_id"] as! Int,
            addBOS: object["add_bos_token"] as! Bool)
    }()

    /// SmolLM2's tokenizer built the way a GGUF loader would: from plain arrays via the factory.
    static let smol: (any Tokenizer)? = {
        guard let v = smolVocab else { return nil }
        return try? TokenizerKind.make(model: v.model, pre: v.pre, tokens: v.tokens, merges: v.merges,
                                       tokenTypes: v.types, bos: v.bos, eos: v.eos, unk: v.unk, pad: v.pad,
                                       addBOS: v.addBOS)
    }()

    static func requireSmol() throws -> any Tokenizer {
        guard let tok = smol else { throw XCTSkip("SmolLM2 fixture missing or unreadable (run Fixtures/make_fixtures.py)") }
        return tok
    }

    struct Case { let text: String; let ids: [Int] }

    /// Reference ids: `file` is smollm2-expected.json (HF tokenizers) or smollm2-llamacpp-expected.json
    /// (llama.cpp's llama-tokenize on the GGUF); `key` is "plain" or "special".
    static func expected(_ key: String, file: String = "smollm2-expected.json") throws -> [Case] {
        let object = try json(file) as! [String: Any]
        return (object[key] as! [[String: Any]]).map { Case(text: $0["text"] as! String, ids: $0["ids"] as! [Int]) }
    }
}
