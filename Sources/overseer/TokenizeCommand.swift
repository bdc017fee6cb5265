// `overseer tokenize`: a model's token ids for a text, as llama-tokenize prints them. Reads only
// the tokenizer, so vocab-only GGUF files work.

import ArgumentParser
import Foundation
import Models
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print the token ids of a text (vocab-only GGUF files work too).")

    @Option(name: [.customShort("m"), .long], help: "A .gguf file (vocab-only is enough), a Hugging Face folder, or a known name.")
    var model: String = "smollm2"
    @Option(help: "The text to tokenize.") var text: String?
    @Option(help: "Read the text from this file (UTF-8).") var file: String?
    @Flag(name: .customLong("no-bos"), help: "Do not add BOS even when the model asks for it.") var noBOS = false
    @Flag(name: .customLong("parse-special"), help: "Turn the exact text of control tokens (e.g. <|im_end|>) into those tokens.")
    var parseSpecial = false
    @Flag(help: "Print one JSON object: ids and the piece of each.") var json = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text and --file") }
    }

    func run() throws {
        let input: String
        if let text { input = text } else {
            let path = file ?? ""
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            guard let s = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8 text") }
            input = s
        }
        let tokenizer = try LanguageModel.loadTokenizer(model)
        let ids = tokenizer.encode(input, parseSpecialTokens: parseSpecial, addBOS: tokenizer.addBOS && !noBOS)
        // A piece's bytes may be part of a character: shown with U+FFFD, as llama-tokenize does.
        let pieces = ids.map { String(decoding: tokenizer.pieceBytes($0, renderControlTokens: true), as: UTF8.self) }
        if json {
            struct Output: Encodable { var ids: [Int]; var pieces: [String] }
            return try printJSON(Output(ids: ids, pieces: pieces))
        }
        for (id, piece) in zip(ids, pieces) { print(String(format: "%6d -> '%@'", id, piece)) }
    }
}
