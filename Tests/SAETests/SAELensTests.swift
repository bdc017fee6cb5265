import XCTest
import Foundation
import Formats
import Kernels
import TestSupport
@testable import SAE

final class SAELensTests: XCTestCase {
    func folder() throws -> URL {
        let url = try tempDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writes cfg.json (verbatim) and the weights.
    func makeFolder(_ cfg: String, _ weights: SafetensorsWriter) throws -> URL {
        let url = try folder()
        try Data(cfg.utf8).write(to: url.appendingPathComponent("cfg.json"))
        try weights.write(to: url.appendingPathComponent("sae_weights.safetensors"))
        return url
    }

    // The fixture SAE, D = 4, L = 3, in SAELens' layout:
    //   W_enc [4, 3] = [[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1], [0, 0, 0]]
    //   b_enc = [0, 0.25, −1]     W_dec [3, 4] = [[1,0,0,0], [0,1,0,0], [0,0,1,1]]     b_dec = [0.5, 0, 0, 0]
    static let wEnc: [Float] = [1, 0, 0.5, 0, 1, 0.5, 0, 0, 1, 0, 0, 0]
    static let bEnc: [Float] = [0, 0.25, -1]
    static let wDec: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]
    static let bDec: [Float] = [0.5, 0, 0, 0]
    static let x: [Float] = [1.5, 1, 2, 7]

    func fixtureWeights(_ dtype: SafetensorsDType, threshold: [Float]? = nil, extra: ((inout SafetensorsWriter) -> Void)? = nil) -> SafetensorsWriter {
        var w = SafetensorsWriter()
        w.add("W_enc", dtype: dtype, shape: [4, 3], values: Self.wEnc)
        w.add("b_enc", dtype: dtype, shape: [3], values: Self.bEnc)
        w.add("W_dec", dtype: dtype, shape: [3, 4], values: Self.wDec)
        w.add("b_dec", dtype: dtype, shape: [4], values: Self.bDec)
        if let threshold { w.add("threshold", dtype: dtype, shape: [3], values: threshold) }
        extra?(&w)
        return w
    }

    /// A v4/v5-style flat cfg.json, TopK(2), F16 weights.
    ///   u = x − b_dec = [1, 1, 2, 7]
    ///   pre = [1, 0 + 1 + 0.25, 0.5 + 0.5 + 2 − 1] = [1, 1.25, 2]  → top 2 = {1, 2}
    ///   x̂ = 1.25·W_dec[1] + 2·W_dec[2] + b_dec = [0.5, 1.25, 2, 2]
    func testFlatLayoutTopKFixture() throws {
        let cfg = """
        {"architecture": "topk", "d_in": 4, "d_sae": 3, "dtype": "float32", "device": "cuda",
         "model_name": "SmolLM2-135M", "hook_name": "blocks.12.hook_resid_post", "hook_layer": 12,
         "hook_head_index": null, "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 2},
         "apply_b_dec_to_input": true, "finetuning_scaling_factor": false, "sae_lens_training_version": "4.4.5",
         "prepend_bos": true, "dataset_path": "roneneldan/TinyStories", "context_size": 256,
         "normalize_activations": "none", "neuronpedia_id": null, "l1_coefficient": 4}
        """
        let sae = try SAELensFolder.read(try makeFolder(cfg, fixtureWeights(.f16)))
        XCTAssertEqual(sae.architecture, .topK(k: 2))
        XCTAssertEqual(try sae.encode(Self.x), SparseCode(indices: [1, 2], values: [1.25, 2]))
        XCTAssertEqual(try sae.reconstruct(Self.x), [0.5, 1.25, 2, 2])
        XCTAssertEqual(sae.metadata.tap, .residPost(12))
        XCTAssertEqual(sae.metadata.modelName, "SmolLM2-135M")
        XCTAssertEqual(sae.metadata.contextSize, 256)
        XCTAssertEqual(sae.metadata.datasetPath, "roneneldan/TinyStories")
        XCTAssertEqual(sae.wEnc, Self.wEnc)

        // Before v4 TopK was "standard" with activation_fn "topk"; "hook_point" named the hook.
        let old = """
        {"d_in": 4, "d_sae": 3, "hook_point": "blocks.2.hook_resid_pre", "activation_fn": "topk",
         "activation_fn_kwargs": {"k": 2}, "dtype": "float32"}
        """
        let oldSAE = try SAELensFolder.read(try makeFolder(old, fixtureWeights(.f32)))
        XCTAssertEqual(oldSAE.architecture, .topK(k: 2))
        XCTAssertEqual(oldSAE.metadata.tap, .residPre(2))
        XCTAssertTrue(oldSAE.applyBDecToInput)   // SAELens' default
    }

    /// A v6 cfg.json (fields under "metadata"), JumpReLU, BF16 weights, b_dec not applied to the input.
    ///   u = x = [1.5, 1, 2, 7];  pre = [1.5, 1.25, 0.75 + 0.5 + 2 − 1] = [1.5, 1.25, 2.25]
    ///   θ = [1.5, 0.5, 3]: 1.5 > 1.5 no, 1.25 > 0.5 yes, 2.25 > 3 no  → a = [0, 1.25, 0]
    ///   x̂ = 1.25·W_dec[1] + b_dec = [0.5, 1.25, 0, 0]
    func testV6LayoutJumpReLUFixture() throws {
        let cfg = """
        {"d_in": 4, "d_sae": 3, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": false,
         "normalize_activations": "none", "reshape_activations": "none",
         "metadata": {"sae_lens_version": "6.21.0", "sae_lens_training_version": "6.21.0", "dataset_path": "d",
                      "hook_name": "blocks.3.hook_resid_post", "model_name": "smollm2", "model_class_name": "HookedTransformer",
                      "hook_head_index": null, "context_size": 128, "seqpos_slice": [null], "prepend_bos": true,
                      "model_from_pretrained_kwargs": {"center_writing_weights": false}},
         "architecture": "jumprelu"}
        """
        let sae = try SAELensFolder.read(try makeFolder(cfg, fixtureWeights(.bf16, threshold: [1.5, 0.5, 3])))
        XCTAssertEqual(sae.architecture, .jumpReLU)
        XCTAssertFalse(sae.applyBDecToInput)
        XCTAssertEqual(try sae.encodeDense(Self.x), [0, 1.25, 0])
        XCTAssertEqual(try sae.reconstruct(Self.x), [0.5, 1.25, 0, 0])
        XCTAssertEqual(sae.metadata.tap, .residPost(3))
        XCTAssertEqual(sae.metadata.contextSize, 128)
        XCTAssertEqual(sae.metadata.prependBOS, true)

        // Older JumpReLU checkpoints store log θ: θ = e^[0, ln 0.5, ln 3] = [1, 0.5, 3] → a = [1.5, 1.25, 0]
        var w = fixtureWeights(.f32)
        w.add("log_threshold", shape: [3], values: [0, flog(0.5), flog(3)])
        let logSAE = try SAELensFolder.read(try makeFolder(cfg, w))
        XCTAssertEqual(try logSAE.encodeDense(Self.x), [1.5, 1.25, 0])
    }

    /// v6 TopK trained with rescale_acts_by_decoder_norm: pre·‖W_dec[i]‖ selects, decoding divides.
    ///   W_dec[0] = [2, 0, 0, 0] (norm 2), W_dec[2] = [0, 0, 1, 1] (norm √2)
    ///   pre = [1, 1.25, 2] · [2, 1, √2] = [2, 1.25, 2√2]  → k = 1 picks latent 2, a = 2√2
    ///   x̂ = (2√2 / √2)·[0, 0, 1, 1] + b_dec = [0.5, 0, 2, 2]
    func testRescaleActsByDecoderNormIsFolded() throws {
        let cfg = """
        {"architecture": "topk", "d_in": 4, "d_sae": 3, "k": 1, "rescale_acts_by_decoder_norm": true,
         "metadata": {"sae_lens_version": "6.5.0", "hook_name": "blocks.0.hook_resid_post"}}
        """
        var w = SafetensorsWriter()
        w.add("W_enc", shape: [4, 3], values: Self.wEnc)
        w.add("b_enc", shape: [3], values: Self.bEnc)
        w.add("W_dec", shape: [3, 4], values: [2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1])
        w.add("b_dec", shape: [4], values: Self.bDec)
        let sae = try SAELensFolder.read(try makeFolder(cfg, w))
        let code = try sae.encode(Self.x)
        XCTAssertEqual(code.indices, [2])
        XCTAssertEqual(code.values[0], 2 * Float(2).squareRoot(), accuracy: 1e-5)
        let xHat = try sae.reconstruct(Self.x)
        for (a, b) in zip(xHat, [0.5, 0, 2, 2] as [Float]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    /// expected_average_only_in: the factor comes from our "overseer" extras or the caller.
    func testExpectedAverageNormalizationNeedsItsFactor() throws {
        let cfg = """
        {"architecture": "standard", "d_in": 4, "d_sae": 3, "normalize_activations": true, "activation_fn_str": "relu"}
        """
        let url = try makeFolder(cfg, fixtureWeights(.f32))
        XCTAssertThrowsError(try SAELensFolder.read(url)) {
            guard case SAEError.invalidConfig(field: "normalize_activations", _) = $0 else { return XCTFail("\($0)") }
        }
        // s = 2: u = 2x − b_dec = [2.5, 2, 4, 14]; pre = [2.5, 2.25, 1.25 + 1 + 4 − 1] = [2.5, 2.25, 5.25]
        let sae = try SAELensFolder.read(url, options: SAELensReadOptions(normScalingFactor: 2))
        XCTAssertEqual(try sae.encodeDense(Self.x), [2.5, 2.25, 5.25])
        XCTAssertEqual(sae.normalization, .expectedAverageOnlyIn(scale: 2))
    }

    func testWriteReadRoundTripIsBitExact() throws {
        let pool = ThreadPool(threads: 1)
        let data = SyntheticActivations(rows: 600, width: 32, atoms: 40, perRow: 3, seed: 2)
        for arch in [SAEArchitecture.topK(k: 5), .relu, .jumpReLU] {
            var config = SAETrainingConfig(latents: 48, architecture: arch)
            config.batchSize = 100
            config.l1Coefficient = 0.1
            config.l0Coefficient = 0.1
            let meta = SAEMetadata(hookName: "blocks.7.hook_resid_post", modelName: "SmolLM2-135M-Instruct", contextSize: 512,
                                   prependBOS: true, datasetPath: "fixtures/prompts", extra: ["data_sha256": .string("abc")])
            let sae = try withMatrixView(data.data, cols: 32) { try SAETrainer(config).train($0, pool: pool, metadata: meta).sae }
            let url = try folder().appendingPathComponent("sae")
            try SAELensFolder.write(sae, to: url)
            let back = try SAELensFolder.read(url)
            XCTAssertEqual(back.architecture, sae.architecture)
            XCTAssertEqual(bits(back.wEncT), bits(sae.wEncT))
            XCTAssertEqual(bits(back.bEnc), bits(sae.bEnc))
            XCTAssertEqual(bits(back.wDec), bits(sae.wDec))
            XCTAssertEqual(bits(back.bDec), bits(sae.bDec))
            XCTAssertEqual(back.threshold.map(bits), sae.threshold.map(bits))
            XCTAssertEqual(back.normalization, sae.normalization)
            XCTAssertEqual(back.metadata, sae.metadata)
            XCTAssertEqual(back.metadata.tap, .residPost(7))
            // Writing again gives the same bytes.
            let (cfg1, w1) = try SAELensFolder.files(sae), (cfg2, w2) = try SAELensFolder.files(back)
            XCTAssertEqual(cfg1, cfg2)
            XCTAssertEqual(w1, w2)
            // The cfg.json SAELens reads: integers as integers, both layouts' keys.
            let text = String(decoding: cfg1, as: UTF8.self)
            XCTAssertTrue(text.contains("\"d_sae\" : 48"), text)
            XCTAssertTrue(text.contains("\"architecture\" : \"\(arch.saeLensName)\""))
            XCTAssertTrue(text.contains("\"hook_layer\" : 7"))
            XCTAssertTrue(text.contains("\"normalize_activations\" : \"expected_average_only_in\""))
            if case .topK = arch { XCTAssertTrue(text.contains("\"k\" : 5"), text) }

            // Folded for SAELens: "none", and the same function up to rounding.
            let folded = try folder().appendingPathComponent("folded")
            try SAELensFolder.write(sae, to: folded, options: SAELensWriteOptions(foldNormalization: true))
            let f = try SAELensFolder.read(folded)
            XCTAssertEqual(f.normalization, .none)
            for r in 0..<20 {
                let row = Array(data.data[(r * 32)..<((r + 1) * 32)])
                let a = try sae.encodeDense(row), b = try f.encodeDense(row)
                for i in 0..<48 { XCTAssertEqual(a[i], b[i], accuracy: 1e-4 * max(1, abs(a[i]))) }
            }
        }
    }

    func testMalformedConfigsAreTypedErrors() throws {
        let weights = fixtureWeights(.f32)
        let good = #"{"architecture": "topk", "d_in": 4, "d_sae": 3, "k": 2}"#
        XCTAssertNoThrow(try SAELensFolder.read(try makeFolder(good, weights)))
        let cases: [(String, SAEError)] = [
            ("not json", .invalidConfig(field: "(file)", reason: "not valid JSON")),
            ("[1, 2]", .invalidConfig(field: "(top level)", reason: "not a JSON object")),
            (#"{"d_sae": 3}"#, .invalidConfig(field: "d_in", reason: "missing")),
            (#"{"d_in": "4", "d_sae": 3}"#, .invalidConfig(field: "d_in", reason: "expected an integer")),
            (#"{"d_in": 4.5, "d_sae": 3}"#, .invalidConfig(field: "d_in", reason: "expected an integer")),
            (#"{"d_in": 4, "d_sae": 1099511627776}"#, .tooLarge(what: "d_sae", value: 1 << 40, limit: SAELimits.maxLatents)),
            (#"{"d_in": 0, "d_sae": 3}"#, .invalidConfig(field: "d_in", reason: "0 must be ≥ 1")),
            (#"{"d_in": 4, "d_sae": 3, "architecture": "gated"}"#, .unsupported(field: "architecture", value: "gated")),
            (#"{"d_in": 4, "d_sae": 3, "architecture": "topk"}"#, .invalidConfig(field: "k", reason: "missing for a topk SAE")),
            (#"{"d_in": 4, "d_sae": 3, "architecture": "topk", "k": 4}"#, .invalidConfig(field: "k", reason: "4 must be in 1...3")),
            (#"{"d_in": 4, "d_sae": 3, "activation_fn_str": "tanh-relu"}"#, .unsupported(field: "activation_fn", value: "tanh-relu")),
            (#"{"d_in": 4, "d_sae": 3, "normalize_activations": "layer_norm"}"#, .unsupported(field: "normalize_activations", value: "layer_norm")),
            (#"{"d_in": 4, "d_sae": 3, "reshape_activations": "hook_z"}"#, .unsupported(field: "reshape_activations", value: "hook_z")),
            (#"{"d_in": 4, "d_sae": 3, "metadata": "x"}"#, .invalidConfig(field: "metadata", reason: "not an object")),
            (#"{"d_in": 4, "d_sae": 3, "metadata": {"hook_name": 12}}"#, .invalidConfig(field: "hook_name", reason: "expected a string")),
            (#"{"d_in": 4, "d_sae": 3, "apply_b_dec_to_input": "yes"}"#, .invalidConfig(field: "apply_b_dec_to_input", reason: "expected true or false")),
            (#"{"d_in": 4, "d_sae": 3, "activation_fn_kwargs": {"k": "2"}}"#, .invalidConfig(field: "activation_fn_kwargs.k", reason: "expected an integer")),
            (#"{"d_in": 4, "d_sae": 3, "overseer": [1]}"#, .invalidConfig(field: "overseer", reason: "not an object")),
            (#"{"d_in": 4, "d_sae": 3, "normalize_activations": "expected_average_only_in", "overseer": {"norm_scaling_factor": -1}}"#,
             .invalidConfig(field: "norm_scaling_factor", reason: "-1.0 must be finite and > 0")),
        ]
        for (cfg, expected) in cases {
            XCTAssertThrowsError(try SAELensFolder.read(try makeFolder(cfg, weights)), cfg) {
                XCTAssertEqual($0 as? SAEError, expected, cfg)
            }
        }
        // A cfg.json of the wrong size for its weights (d_in 5) is caught at the tensors.
        XCTAssertThrowsError(try SAELensFolder.read(try makeFolder(#"{"d_in": 5, "d_sae": 3}"#, weights))) {
            XCTAssertEqual($0 as? SAEError, .invalidWeights(tensor: "W_enc", reason: "shape [4, 3], expected [5, 3] for d_in 5, d_sae 3"))
        }
        // A huge cfg.json is refused before it is parsed.
        let big = try makeFolder(good, weights)
        try Data(repeating: 0x20, count: SAELensFolder.maxConfigBytes + 1).write(to: big.appendingPathComponent("cfg.json"))
        XCTAssertThrowsError(try SAELensFolder.read(big)) { guard case SAEError.tooLarge = $0 else { return XCTFail("\($0)") } }
        // No cfg.json at all.
        let empty = try folder()
        XCTAssertThrowsError(try SAELensFolder.read(empty)) { guard case SAEError.io = $0 else { return XCTFail("\($0)") } }
    }

    func testMalformedWeightsAreTypedErrors() throws {
        let cfg = #"{"architecture": "standard", "d_in": 4, "d_sae": 3}"#
        func expect(_ w: SafetensorsWriter, _ expected: SAEError, cfg: String = cfg, line: UInt = #line) throws {
            XCTAssertThrowsError(try SAELensFolder.read(try makeFolder(cfg, w)), line: line) {
                XCTAssertEqual($0 as? SAEError, expected, line: line)
            }
        }
        var missing = SafetensorsWriter()
        missing.add("W_enc", shape: [4, 3], values: Self.wEnc)
        missing.add("b_enc", shape: [3], values: Self.bEnc)
        try expect(missing, .invalidWeights(tensor: "W_dec", reason: "missing"))

        var transposedEnc = SafetensorsWriter()
        transposedEnc.add("W_enc", shape: [3, 4], values: Self.wEnc)
        try expect(transposedEnc, .invalidWeights(tensor: "W_enc", reason: "shape [3, 4], expected [4, 3] for d_in 4, d_sae 3"))

        var ints = SafetensorsWriter()
        ints.add("W_enc", dtype: .i32, shape: [4, 3], bytes: [UInt8](repeating: 0, count: 48))
        try expect(ints, .invalidWeights(tensor: "W_enc", reason: "dtype I32, expected F32, F16 or BF16"))

        var nan = SafetensorsWriter()
        nan.add("W_enc", shape: [4, 3], values: Self.wEnc)
        nan.add("b_enc", shape: [3], values: Self.bEnc)
        nan.add("W_dec", shape: [3, 4], values: Self.wDec)
        nan.add("b_dec", shape: [4], values: [0, .nan, 0, 0])
        try expect(nan, .invalidWeights(tensor: "b_dec", reason: "non-finite value at index 1"))
        try expect(fixtureWeights(.f32), .invalidWeights(tensor: "threshold", reason: "missing (a jumprelu SAE needs threshold or log_threshold)"),
                   cfg: #"{"architecture": "jumprelu", "d_in": 4, "d_sae": 3}"#)
        try expect(fixtureWeights(.f32) { $0.add("scaling_factor", shape: [3], values: [1, 2, 1]) },
                   .unsupported(field: "finetuning_scaling_factor", value: "a scaling_factor tensor that is not all ones"))
        XCTAssertNoThrow(try SAELensFolder.read(try makeFolder(cfg, fixtureWeights(.f32) { $0.add("scaling_factor", shape: [3], values: [1, 1, 1]) })))

        // A truncated weights file.
        let url = try makeFolder(cfg, fixtureWeights(.f32))
        let bytes = try Data(contentsOf: url.appendingPathComponent("sae_weights.safetensors"))
        try bytes.prefix(bytes.count - 5).write(to: url.appendingPathComponent("sae_weights.safetensors"))
        XCTAssertThrowsError(try SAELensFolder.read(url)) {
            guard case SAEError.invalidWeights(tensor: "(file)", _) = $0 else { return XCTFail("\($0)") }
        }
    }
}
