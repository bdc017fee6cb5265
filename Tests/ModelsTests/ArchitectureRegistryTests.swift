import Foundation
import Formats
import Kernels
@testable import Models
import Taps
import Tokenizers
import TestSupport
import XCTest

/// One home per architecture: every family loads from a GGUF file and from a Hugging Face folder
/// holding the same weights (in the checkpoint's names and layout) and computes the same bits;
/// unknown architectures and incomplete configs are typed errors.
final class ArchitectureRegistryTests: XCTestCase {
    /// 20 tokens: longer than the tiny Gemma window of 5.
    let prompt = [5, 72, 101, 108, 108, 111, 32, 256, 119, 3, 260, 33, 45, 99, 200, 17, 64, 2, 9, 80]

    /// Keeps every value of every point it asked for, in arrival order.
    final class Keeper: TapSink, @unchecked Sendable {
        let points: Set<TapPoint>
        var received: [(TapPoint, Int, [Float])] = []
        init(layers: Int) {
            var all: Set<TapPoint> = [.embed, .finalNormalized]
            for l in 0..<layers {
                all.formUnion([.residPre(l), .attnOut(l), .residMid(l), .mlpPre(l), .mlpPost(l), .mlpOut(l), .residPost(l)])
            }
            points = all
        }
        func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>) {
            received.append((point, position, Array(values)))
        }
    }

    static var specs: [(String, TinyModelSpec)] {
        var llama = TinyModelSpec()
        llama.layers = 3
        var qwen2 = TinyModelSpec()
        qwen2.architecture = "qwen2"
        qwen2.qkvBias = true
        var qwen3 = TinyModelSpec()
        qwen3.architecture = "qwen3"
        qwen3.qkNorm = true
        var gpt2 = TinyModelSpec()
        gpt2.architecture = "gpt2"
        gpt2.kvHeads = gpt2.heads
        var gemmaPattern2 = TinyModelSpec.gemma3
        gemmaPattern2.slidingWindowPattern = 2
        gemmaPattern2.seed = 7
        return [("llama", llama), ("qwen2", qwen2), ("qwen3", qwen3), ("gpt2", gpt2), ("gemma3", .gemma3),
                ("gemma3 pattern 2", gemmaPattern2)]
    }

    /// Bit patterns, so that NaNs and signed zeros compare too.
    func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    func testGGUFAndHuggingFaceFolderGiveIdenticalBits() throws {
        for (label, spec) in Self.specs {
            let gguf = try LanguageModel.load(TinyModel.write(spec).path)
            for shards in [1, 3] {
                let hf = try LanguageModel.load(TinyModel.writeHuggingFace(spec, shards: shards).path)
                XCTAssertEqual(hf.config, gguf.config, "\(label): one configuration from both sources")
                XCTAssertEqual(hf.transformer.weights.layers.count, spec.layers, label)

                let a = Keeper(layers: spec.layers), b = Keeper(layers: spec.layers)
                let fromGGUF = try InferenceSession(model: gguf.transformer, maxBatch: 8, threads: 2)
                    .forward(prompt, logits: .all, sink: a)
                let fromHF = try InferenceSession(model: hf.transformer, maxBatch: 8, threads: 2)
                    .forward(prompt, logits: .all, sink: b)
                XCTAssertEqual(fromGGUF.count, prompt.count * gguf.config.vocab, label)
                XCTAssertEqual(bits(fromHF), bits(fromGGUF), "\(label), \(shards) shard(s): logits")
                XCTAssertEqual(a.received.count, prompt.count * (2 + 7 * spec.layers), label)
                XCTAssertEqual(b.received.count, a.received.count, label)
                for (x, y) in zip(a.received, b.received) {
                    XCTAssertEqual(x.0, y.0, label)
                    XCTAssertEqual(x.1, y.1, label)
                    XCTAssertEqual(bits(x.2), bits(y.2), "\(label): \(x.0) at \(x.1)")
                }
                // The same tokenizer and template from tokenizer.json / tokenizer_config.json.
                XCTAssertEqual(hf.tokenizer.encode("the cat in the hat", parseSpecialTokens: false, addBOS: false),
                               gguf.tokenizer.encode("the cat in the hat", parseSpecialTokens: false, addBOS: false), label)
                let turns = [ChatTurn(role: "user", content: "hello")]
                XCTAssertEqual(try hf.chatTokens(turns, addGenerationPrompt: true),
                               try gguf.chatTokens(turns, addGenerationPrompt: true), label)
                XCTAssertEqual(hf.endOfGeneration, gguf.endOfGeneration, label)
            }
        }
    }

    /// The layouts really differ between the formats (a loader that ignored them would fail the
    /// test above): GPT-2's Conv1D weights are transposed, Llama's q rows reordered, Gemma's norms
    /// shifted by one.
    func testCheckpointLayoutsDifferFromGGUF() throws {
        for (label, spec) in Self.specs where ["llama", "gpt2", "gemma3"].contains(label) {
            let gguf = Dictionary(uniqueKeysWithValues: TinyModel.tensors(spec).map { ($0.name, $0.values) })
            let hf = Dictionary(uniqueKeysWithValues: TinyModel.huggingFaceTensors(spec).map { ($0.name, $0.values) })
            switch label {
            case "gpt2": XCTAssertNotEqual(hf["h.0.attn.c_attn.weight"], gguf["blk.0.attn_qkv.weight"])
            case "llama": XCTAssertNotEqual(hf["model.layers.0.self_attn.q_proj.weight"], gguf["blk.0.attn_q.weight"])
            default: XCTAssertNotEqual(hf["model.layers.0.input_layernorm.weight"], gguf["blk.0.attn_norm.weight"])
            }
        }
    }

    func testGPT2CheckpointWithTransformerPrefix() throws {
        var spec = TinyModelSpec()
        spec.architecture = "gpt2"
        spec.kvHeads = spec.heads
        let plain = try LanguageModel.load(TinyModel.writeHuggingFace(spec).path)
        let prefixed = try LanguageModel.load(TinyModel.writeHuggingFace(spec, prefix: "transformer.").path)
        let a = try InferenceSession(model: plain.transformer).forward(prompt, logits: .last)
        let b = try InferenceSession(model: prefixed.transformer).forward(prompt, logits: .last)
        XCTAssertEqual(a.count, plain.config.vocab)
        XCTAssertEqual(bits(a), bits(b))
        // Any other prefix is not GPT-2's: the first tensor asked for is missing, named.
        XCTAssertThrowsError(try LanguageModel.load(TinyModel.writeHuggingFace(spec, prefix: "model.").path)) { error in
            guard case .missingTensor(let name)? = error as? ModelError else { return XCTFail("\(error)") }
            XCTAssertTrue(name.hasPrefix("h.0.ln_1.weight"), name)
        }
    }

    func testBatchedDecodeRunsHuggingFaceLlama() throws {
        let hf = try LanguageModel.load(TinyModel.writeHuggingFace(TinyModelSpec()).path)
        XCTAssertTrue(BatchedDecode.supports(hf.transformer))
        let gemma = try LanguageModel.load(TinyModel.writeHuggingFace(.gemma3).path)
        XCTAssertFalse(BatchedDecode.supports(gemma.transformer))
    }

    func testEveryArchitectureHasOneFamily() throws {
        for a in Architecture.allCases {
            let owners = ArchitectureRegistry.families.filter { $0.architectures.contains(a) }
            XCTAssertEqual(owners.count, 1, "\(a)")
        }
        let names = ArchitectureRegistry.supportedNames
        XCTAssertEqual(Set(names).count, names.count, "each name once: \(names)")
        for name in ["llama", "mistral", "qwen2", "qwen3", "gpt2", "gemma3", "gemma3_text"] {
            XCTAssertTrue(names.contains(name), name)
        }
    }

    func assertModelError(_ body: @autoclosure () throws -> Any, _ expected: ModelError,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? ModelError, expected, "\(error)", file: file, line: line)
        }
    }

    func testUnknownModelTypeListsTheSupportedOnes() throws {
        var config = TinyModel.huggingFaceConfig()
        config["model_type"] = "mamba"
        let folder = try TinyModel.writeHuggingFace(config: config)
        assertModelError(try LanguageModel.load(folder.path), .unsupportedArchitecture("mamba"))
        let message = "\(ModelError.unsupportedArchitecture("mamba"))"
        for name in ["llama", "qwen3", "gpt2", "gemma3", "gemma3_text"] {
            XCTAssertTrue(message.contains(name), message)
        }
        XCTAssertTrue(message.contains("config.json model_type: "), message)
        // A GGUF file of an unknown architecture.
        var mamba = TinyModelSpec()
        mamba.architecture = "mamba"
        assertModelError(try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(mamba))), .unsupportedArchitecture("mamba"))
        // The multimodal Gemma 3 config (text under text_config) is not the text model's.
        var multimodal = TinyModel.huggingFaceConfig(.gemma3)
        multimodal["model_type"] = "gemma3"
        assertModelError(try ModelConfig(huggingFace: HFConfig.decode(JSONSerialization.data(withJSONObject: multimodal))),
                         .unsupportedArchitecture("gemma3"))
    }

    func testIncompleteConfigsAreTypedErrors() throws {
        func config(_ spec: TinyModelSpec, _ edit: (inout [String: Any]) -> Void) throws -> Data {
            var c = TinyModel.huggingFaceConfig(spec)
            edit(&c)
            return try JSONSerialization.data(withJSONObject: c)
        }
        // Gemma 3 without its window.
        assertModelError(try ModelConfig(huggingFace: HFConfig.decode(config(.gemma3) { $0["sliding_window"] = nil })),
                         .missingMetadata("sliding_window"))
        // A shape key missing: config.json's own decoder says which.
        XCTAssertThrowsError(try HFConfig.decode(config(TinyModelSpec()) { $0["hidden_size"] = nil })) { error in
            XCTAssertEqual(error as? HFConfigError, .missingField("hidden_size"))
        }
        // Layer kinds that are no repeating pattern.
        XCTAssertThrowsError(try ModelConfig(huggingFace: HFConfig.decode(config(.gemma3) {
            $0["layer_types"] = ["full_attention", "sliding_attention", "sliding_attention",
                                 "sliding_attention", "sliding_attention", "full_attention"]
        }))) { error in
            guard case .invalidMetadata("layer_types", _)? = error as? ModelError else { return XCTFail("\(error)") }
        }
        // Things the engine does not run are refused, not ignored.
        XCTAssertThrowsError(try ModelConfig(huggingFace: HFConfig.decode(config(.gemma3) { $0["attn_logit_softcapping"] = 50.0 }))) { error in
            guard case .invalidMetadata("attn_logit_softcapping", _)? = error as? ModelError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ModelConfig(huggingFace: HFConfig.decode(config(.gemma3) {
            $0["rope_scaling"] = ["rope_type": "linear", "factor": 8.0]
        }))) { error in
            guard case .invalidMetadata("rope_scaling", _)? = error as? ModelError else { return XCTFail("\(error)") }
        }
        var gpt2 = TinyModelSpec()
        gpt2.architecture = "gpt2"
        gpt2.kvHeads = gpt2.heads
        XCTAssertThrowsError(try ModelConfig(huggingFace: HFConfig.decode(config(gpt2) { $0["num_key_value_heads"] = 2 }))) { error in
            guard case .invalidMetadata("num_key_value_heads", _)? = error as? ModelError else { return XCTFail("\(error)") }
        }
    }

    func testGemmaConfigKeysFromHuggingFace() throws {
        var c = TinyModel.huggingFaceConfig(.gemma3)
        c["query_pre_attn_scalar"] = 64
        c["final_logit_softcapping"] = 30.0
        c["layer_types"] = nil
        c["sliding_window_pattern"] = 3
        c["rope_local_base_freq"] = 20_000.0
        let config = try ModelConfig(huggingFace: HFConfig.decode(JSONSerialization.data(withJSONObject: c)))
        XCTAssertEqual(config.attentionScale, 1 / Float(64).squareRoot())
        XCTAssertEqual(config.finalLogitSoftcap, 30)
        XCTAssertEqual(config.slidingWindowPattern, 3)
        XCTAssertEqual(config.localRopeBase, 20_000)
        XCTAssertEqual(config.embeddingScale, Float(64).squareRoot())
    }

    func testFinalLogitSoftcapBoundsLogits() throws {
        var c = TinyModel.huggingFaceConfig(.gemma3)
        c["final_logit_softcapping"] = 0.5
        let capped = try LanguageModel.load(TinyModel.writeHuggingFace(.gemma3, config: c).path)
        let plain = try LanguageModel.load(TinyModel.writeHuggingFace(.gemma3).path)
        let a = try InferenceSession(model: capped.transformer).forward(prompt, logits: .all)
        let b = try InferenceSession(model: plain.transformer).forward(prompt, logits: .all)
        XCTAssertTrue(a.allSatisfy { abs($0) <= 0.5 })
        XCTAssertTrue(b.contains { abs($0) > 0.5 }, "the uncapped logits exceed the cap")
        for (x, y) in zip(a, b) { XCTAssertEqual(x, 0.5 * ftanh(y / 0.5)) }
    }

    func testMissingCheckpointTensorIsNamed() throws {
        var spec = TinyModelSpec()
        spec.omitTensors = ["blk.1.ffn_gate.weight"]
        let folder = try TinyModel.writeHuggingFace(spec)
        assertModelError(try LanguageModel.load(folder.path),
                         .missingTensor("model.layers.1.mlp.gate_proj.weight (GGUF blk.1.ffn_gate.weight)"))
    }

    func testNeutralViewRebuildsTheSameModel() throws {
        for (label, spec) in Self.specs {
            let model = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(spec)))
            let rebuilt = try Transformer(config: model.config, weights: model.weights, owner: model)
            let a = try InferenceSession(model: model).forward(prompt, logits: .last)
            let b = try InferenceSession(model: rebuilt).forward(prompt, logits: .last)
            XCTAssertEqual(bits(a), bits(b), label)
        }
        // A family's required tensor missing from the neutral view is a typed error.
        let gemma = try Transformer.load(gguf: GGUFFile(bytes: TinyModel.gguf(.gemma3)))
        var weights = gemma.weights
        weights.layers[2].postFFNNorm = nil
        assertModelError(try Transformer(config: gemma.config, weights: weights, owner: gemma),
                         .missingTensor("blk.2.post_ffw_norm.weight"))
    }

    /// A Hugging Face folder whose tokenizer.json is SentencePiece-style BPE (the kind Llama 2,
    /// Mistral, TinyLlama and Gemma ship) loads end to end: the file's pipeline gives the ids, BOS
    /// and EOS come from tokenizer_config.json, and the model runs on them.
    func testSentencePieceTokenizerJSONFolderLoads() throws {
        // Vocabulary (TinyModel.sentencePieceVocabulary): 0 <unk>, 1 <s>, 2 </s>, 3 + b the byte
        // token of b, then 259 "▁", 260 "h", 261 "e", 262 "▁h", 263 "▁he".
        let t = 3 + Int(UInt8(ascii: "t"))
        for (spec, style) in [(TinyModelSpec(), TinyModel.TokenizerStyle.llama), (TinyModelSpec.gemma3, .gemma)] {
            let folder = try TinyModel.writeHuggingFace(spec, tokenizer: style)
            defer { try? FileManager.default.removeItem(at: folder) }
            let model = try LanguageModel.load(folder.path)
            let tok = model.tokenizer
            XCTAssertTrue(tok is PipelineTokenizer, "\(style)")
            XCTAssertEqual(tok.specialTokens.bos, 1)
            XCTAssertEqual(tok.specialTokens.eos, 2)
            XCTAssertEqual(tok.specialTokens.unk, 0)
            XCTAssertTrue(tok.addBOS)
            // Llama prepends "▁" to the text: "▁he▁he" merges to ▁he ▁he. Gemma does not: "he▁he"
            // is h e ▁he. "t" has no piece and falls back to its byte token.
            XCTAssertEqual(tok.encode("he he"), style == .llama ? [263, 263] : [260, 261, 263])
            XCTAssertEqual(tok.encode("the"), style == .llama ? [259, t, 260, 261] : [t, 260, 261])
            XCTAssertEqual(tok.decode(tok.encode("the hat 😀")), "the hat 😀")
            let prompt = tok.encode("the hat", parseSpecialTokens: false, addBOS: true)
            XCTAssertEqual(prompt.first, 1)
            let logits = try InferenceSession(model: model.transformer).forward(prompt, logits: .last)
            XCTAssertEqual(logits.count, model.config.vocab)
            XCTAssertTrue(logits.allSatisfy(\.isFinite))
        }
    }

    /// Without `add_bos_token` in tokenizer_config.json, BOS is added when the tokenizer.json
    /// post-processor puts the BOS token first (as `tokenizers` does with add_special_tokens).
    func testAddBOSFallsBackToThePostProcessor() throws {
        let folder = try TinyModel.writeHuggingFace(tokenizer: .llama)
        defer { try? FileManager.default.removeItem(at: folder) }
        try JSONSerialization.data(withJSONObject: ["bos_token": "<s>", "eos_token": "</s>"])
            .write(to: folder.appendingPathComponent("tokenizer_config.json"))
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        var file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerURL)) as? [String: Any])
        XCTAssertFalse(try LanguageModel.loadTokenizer(folder.path).addBOS, "no post-processor: no BOS")
        file["post_processor"] = ["type": "TemplateProcessing",
                                  "single": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                                  "special_tokens": ["<s>": ["id": "<s>", "ids": [1], "tokens": ["<s>"]]]]
        try JSONSerialization.data(withJSONObject: file).write(to: tokenizerURL)
        let tok = try LanguageModel.loadTokenizer(folder.path)
        XCTAssertTrue(tok.addBOS)
        XCTAssertEqual(tok.encode("he", parseSpecialTokens: false, addBOS: tok.addBOS), [1, 263])
    }
}
