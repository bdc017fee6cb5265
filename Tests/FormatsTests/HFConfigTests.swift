// config.json decoding for the supported families, with configs as published on the Hub.
import Foundation
import XCTest
import Formats

final class HFConfigTests: XCTestCase {
    private func decode(_ json: String) throws -> HFConfig { try HFConfig.decode(Data(json.utf8)) }

    private func assertError(_ json: String, _ expected: HFConfigError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(json), file: file, line: line) { error in
            XCTAssertEqual(error as? HFConfigError, expected, file: file, line: line)
        }
    }

    func testSmolLM2Llama() throws {
        let c = try decode("""
        {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 1,
         "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 576, "initializer_range": 0.041666666666666664,
         "intermediate_size": 1536, "is_llama_config": true, "max_position_embeddings": 8192, "mlp_bias": false,
         "model_type": "llama", "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3,
         "pad_token_id": 2, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_interleaved": false, "rope_scaling": null,
         "rope_theta": 100000, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.42.3",
         "use_cache": true, "vocab_size": 49152}
        """)
        XCTAssertEqual(c.family, .llama)
        XCTAssertEqual(c.architectures, ["LlamaForCausalLM"])
        XCTAssertEqual(c.hiddenSize, 576)
        XCTAssertEqual(c.intermediateSize, 1536)
        XCTAssertEqual(c.numHiddenLayers, 30)
        XCTAssertEqual(c.numAttentionHeads, 9)
        XCTAssertEqual(c.numKeyValueHeads, 3)
        XCTAssertEqual(c.headDim, 64)
        XCTAssertEqual(c.normEps, 1e-5)
        XCTAssertEqual(c.ropeTheta, 100_000)
        XCTAssertNil(c.ropeScaling)
        XCTAssertEqual(c.maxPositionEmbeddings, 8192)
        XCTAssertEqual(c.vocabSize, 49152)
        XCTAssertTrue(c.tieWordEmbeddings)
        XCTAssertEqual(c.bosTokenIds, [1])
        XCTAssertEqual(c.eosTokenIds, [2])
        XCTAssertEqual(c.padTokenId, 2)
        XCTAssertFalse(c.attentionBias)
        XCTAssertEqual(c.hiddenAct, "silu")
        XCTAssertEqual(c.torchDtype, "bfloat16")
    }

    func testLlama32RopeScaling() throws {
        let c = try decode("""
        {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
         "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "vocab_size": 128256,
         "rope_theta": 500000.0, "eos_token_id": [128001, 128008, 128009],
         "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
        """)
        XCTAssertEqual(c.ropeScaling, HFConfig.RopeScaling(ropeType: "llama3", factor: 32, lowFreqFactor: 1,
                                                          highFreqFactor: 4, originalMaxPositionEmbeddings: 8192))
        XCTAssertEqual(c.eosTokenIds, [128001, 128008, 128009])
        XCTAssertEqual(c.bosTokenIds, [])
        XCTAssertFalse(c.tieWordEmbeddings, "llama default")
        XCTAssertEqual(c.normEps, 1e-6, "llama default")
    }

    func testMistral() throws {
        let c = try decode("""
        {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
         "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
         "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
         "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false, "vocab_size": 32000}
        """)
        XCTAssertEqual(c.family, .mistral)
        XCTAssertEqual(c.slidingWindow, 4096)
        XCTAssertEqual(c.headDim, 128)
    }

    func testQwen2DefaultsToAttentionBias() throws {
        let c = try decode("""
        {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151645,
         "hidden_act": "silu", "hidden_size": 896, "intermediate_size": 4864, "max_position_embeddings": 32768,
         "max_window_layers": 21, "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
         "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768,
         "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true, "use_sliding_window": false,
         "vocab_size": 151936}
        """)
        XCTAssertEqual(c.family, .qwen2)
        XCTAssertTrue(c.attentionBias, "Qwen2 always has q/k/v bias")
        XCTAssertEqual(c.headDim, 64)
        XCTAssertEqual(c.useSlidingWindow, false)
        XCTAssertEqual(c.maxWindowLayers, 21)
    }

    func testQwen3ExplicitHeadDim() throws {
        let c = try decode("""
        {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "bos_token_id": 151643, "eos_token_id": 151645,
         "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 3072,
         "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3", "num_attention_heads": 16,
         "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_scaling": null,
         "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
         "use_sliding_window": false, "vocab_size": 151936}
        """)
        XCTAssertEqual(c.family, .qwen3)
        XCTAssertEqual(c.headDim, 128, "head_dim wins over hidden/heads = 64")
        XCTAssertNil(c.slidingWindow)
        XCTAssertFalse(c.attentionBias)
    }

    func testGemma3Text() throws {
        let c = try decode("""
        {"architectures": ["Gemma3ForCausalLM"], "attention_bias": false, "attn_logit_softcapping": null,
         "bos_token_id": 2, "cache_implementation": "hybrid", "eos_token_id": [1, 106], "final_logit_softcapping": null,
         "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 1152, "intermediate_size": 6912,
         "max_position_embeddings": 32768, "model_type": "gemma3_text", "num_attention_heads": 4,
         "num_hidden_layers": 26, "num_key_value_heads": 1, "pad_token_id": 0, "query_pre_attn_scalar": 256,
         "rms_norm_eps": 1e-06, "rope_local_base_freq": 10000, "rope_scaling": null, "rope_theta": 1000000,
         "sliding_window": 512, "sliding_window_pattern": 6, "torch_dtype": "bfloat16", "vocab_size": 262144}
        """)
        XCTAssertEqual(c.family, .gemma3Text)
        XCTAssertEqual(c.hiddenAct, "gelu_pytorch_tanh")
        XCTAssertEqual(c.queryPreAttnScalar, 256)
        XCTAssertEqual(c.ropeLocalBaseFreq, 10_000)
        XCTAssertEqual(c.slidingWindowPattern, 6)
        XCTAssertEqual(c.eosTokenIds, [1, 106])
        XCTAssertTrue(c.tieWordEmbeddings, "gemma3 default")
        XCTAssertNil(c.finalLogitSoftcapping)
    }

    func testGPT2Names() throws {
        let c = try decode("""
        {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
         "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
         "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
         "n_inner": null, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null,
         "vocab_size": 50257}
        """)
        XCTAssertEqual(c.family, .gpt2)
        XCTAssertEqual(c.hiddenSize, 768)
        XCTAssertEqual(c.intermediateSize, 3072, "n_inner null -> 4 x n_embd")
        XCTAssertEqual(c.numHiddenLayers, 12)
        XCTAssertEqual(c.numAttentionHeads, 12)
        XCTAssertEqual(c.numKeyValueHeads, 12)
        XCTAssertEqual(c.headDim, 64)
        XCTAssertEqual(c.maxPositionEmbeddings, 1024)
        XCTAssertEqual(c.normEps, 1e-5)
        XCTAssertEqual(c.hiddenAct, "gelu_new")
        XCTAssertTrue(c.tieWordEmbeddings)
        XCTAssertTrue(c.attentionBias)
        XCTAssertTrue(c.mlpBias)
    }

    func testEncodeDecodeRoundTrip() throws {
        for json in [
            #"{"model_type": "gpt2", "n_embd": 64, "n_head": 4, "n_layer": 2, "vocab_size": 100}"#,
            #"{"model_type": "qwen3", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32, "vocab_size": 100, "layer_types": ["full_attention", "sliding_attention"], "rope_scaling": {"type": "linear", "factor": 2}}"#,
        ] {
            let c = try decode(json)
            let again = try HFConfig.decode(JSONEncoder().encode(c))
            XCTAssertEqual(again, c)
        }
    }

    func testLenientOptionalFields() throws {
        let c = try decode("""
        {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
         "num_attention_heads": 4, "vocab_size": 100, "rope_theta": "oops", "tie_word_embeddings": "yes",
         "rope_scaling": 7, "eos_token_id": null, "sliding_window": null, "future_field": {"x": [1, 2]}}
        """)
        XCTAssertEqual(c.ropeTheta, 10_000, "mistyped optional falls back to the default")
        XCTAssertFalse(c.tieWordEmbeddings)
        XCTAssertNil(c.ropeScaling)
        XCTAssertEqual(c.eosTokenIds, [])
    }

    func testUnknownModelTypeDecodesWithLlamaDefaults() throws {
        let c = try decode(#"{"model_type": "phi3", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100}"#)
        XCTAssertNil(c.family)
        XCTAssertEqual(c.modelType, "phi3")
        XCTAssertEqual(c.headDim, 16)
        XCTAssertEqual(c.maxPositionEmbeddings, 2048)
    }

    func testLoadFromDisk() throws {
        let url = try temporaryFile("config.json")
        try Data(#"{"model_type": "gpt2", "n_embd": 8, "n_head": 2, "n_layer": 1, "vocab_size": 10}"#.utf8).write(to: url)
        XCTAssertEqual(try HFConfig.load(from: url).hiddenSize, 8)
        XCTAssertThrowsError(try HFConfig.load(from: url.appendingPathExtension("missing"))) { error in
            guard case .cannotRead? = error as? HFConfigError else { return XCTFail("\(error)") }
        }
    }

    func testRequiredFieldsAndShapeChecks() {
        let base = #""model_type": "llama", "intermediate_size": 128, "num_hidden_layers": 2, "vocab_size": 100"#
        assertError("{\(base), \"num_attention_heads\": 4}", .missingField("hidden_size"))
        assertError(#"{"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100}"#,
                    .missingField("model_type"))
        assertError(#"{"model_type": 3}"#, .wrongType(field: "model_type", expected: "String"))
        assertError("{\(base), \"hidden_size\": \"64\", \"num_attention_heads\": 4}", .wrongType(field: "hidden_size", expected: "an integer"))
        assertError("{\(base), \"hidden_size\": -64, \"num_attention_heads\": 4}",
                    .invalidValue(field: "hidden_size", value: "-64", reason: "must be positive"))
        assertError("{\(base), \"hidden_size\": 64, \"num_attention_heads\": 0}",
                    .invalidValue(field: "num_attention_heads", value: "0", reason: "must be positive"))
        assertError("{\(base), \"hidden_size\": 64, \"num_attention_heads\": 6}",
                    .invalidValue(field: "num_attention_heads", value: "6", reason: "does not divide hidden_size 64 and head_dim is not given"))
        assertError("{\(base), \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_key_value_heads\": 3}",
                    .invalidValue(field: "num_key_value_heads", value: "3", reason: "does not divide num_attention_heads 4"))
        assertError("{\(base), \"hidden_size\": 64, \"num_attention_heads\": 4, \"layer_types\": [\"full_attention\"]}",
                    .invalidValue(field: "layer_types", value: "1 entries", reason: "expected one per layer (2)"))
        assertError("{\(base), \"hidden_size\": 64, \"num_attention_heads\": 4, \"rms_norm_eps\": 0}",
                    .invalidValue(field: "rms_norm_eps", value: "0.0", reason: "must be in (0, 1)"))
        assertError(#"{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100}"#,
                    .missingField("intermediate_size"))
        assertError("[1, 2]", .invalidJSON("top level is not an object"))
        XCTAssertThrowsError(try decode("{nope")) { error in
            guard case .invalidJSON? = error as? HFConfigError else { return XCTFail("\(error)") }
        }
    }
}
