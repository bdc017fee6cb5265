// tokenizer.json: the Hugging Face loader, then, for a tokenizer that loads, encoding (with and
// without special tokens) and streaming and whole decoding of what came out.

import Foundation
import Tokenizers

extension FuzzTargets {
    /// One input of the `fuzz-tokenizer-json` harness.
    public static func tokenizerJSON(_ data: Data) {
        guard let tokenizer = try? TokenizerJSON(data: data).makeTokenizer(specialTokens: SpecialTokens(bos: 0, eos: 1),
                                                                           addBOS: true) else { return }
        let text = "Hello, wörld! 12345 <|im_start|>user\n  \t tabs 🙂 ok<|im_end|>"
        var ids = tokenizer.encode(text, parseSpecialTokens: true, addBOS: true)
        ids += tokenizer.encode(text, parseSpecialTokens: false, addBOS: false)
        _ = tokenizer.decode(ids, renderControlTokens: true)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        for id in ids { _ = stream.append(id) }
        _ = stream.finish()
        // Ids outside the vocabulary come from callers, not the file: decoding must still not trap.
        _ = tokenizer.decode([tokenizer.vocabularySize, -1], renderControlTokens: false)
    }
}
