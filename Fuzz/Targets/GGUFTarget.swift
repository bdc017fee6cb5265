// GGUF: the reader on the raw bytes, every tensor dequantized, then the whole model loader on the
// same bytes as a file (metadata -> config, tensors -> weights, tokenizer, chat template), and, for
// a model that loads, a two-token forward pass and a tokenize/decode round.

import Formats
import Foundation
import Kernels
import Models

extension FuzzTargets {
    /// One input of the `fuzz-gguf` harness.
    public static func gguf(_ data: Data) {
        if let file = try? GGUFFile(bytes: data) {
            for key in file.metadataKeys { _ = file.metadata[key]?.description }
            for info in file.tensors { _ = dequantize(file.view(info)) }
        }
        let url = scratchFile("model.gguf", contents: data)
        _ = try? LanguageModel.loadTokenizer(url.path).encode("Hello <|im_end|> wörld 123")
        guard let model = try? LanguageModel.loadGGUF(url) else { return }
        let config = model.config
        // The forward pass is bounded by the tensors in the file; skip only models whose declared
        // sizes would make one input take seconds (the loader has checked them against the tensors).
        guard config.dModel <= 4096, config.vocab <= 1 << 17, config.layers <= 64 else { return }
        if let tokens = try? model.promptTokens("Hi there", chat: true), !tokens.isEmpty {
            _ = model.tokenizer.decode(tokens)
        }
        let session = InferenceSession(model: model.transformer, contextLength: 4, maxBatch: 2, threads: 1)
        _ = try? session.forward([0, min(1, config.vocab - 1)], logits: .last)
    }
}
