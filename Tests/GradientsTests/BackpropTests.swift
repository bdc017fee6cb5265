// The backward pass against finite differences (Double), the Double reference against the fast
// F32 pass, and determinism across thread counts — on tiny generated models.

import Foundation
import Gradients
import Kernels
import Models
import Taps
import TestSupport
import XCTest

/// A tiny model for gradient tests (d = 16 unless `configure` says otherwise): small enough that a
/// Double finite difference per parameter is cheap.
func tinyLanguageModel(_ configure: (inout TinyModelSpec) -> Void = { _ in }) throws -> LanguageModel {
    var spec = TinyModelSpec()
    spec.dModel = 16
    spec.heads = 4
    spec.kvHeads = 2
    spec.dFF = 24
    spec.layers = 2
    spec.contextLength = 64
    configure(&spec)
    return try LanguageModel.load(try TinyModel.write(spec).path)
}

func tinyDense(_ configure: (inout TinyModelSpec) -> Void = { _ in }) throws -> DenseTransformer {
    try DenseTransformer(tinyLanguageModel(configure).transformer)
}

/// An adapter on every projection of every layer, with B random too (a fresh B is zero, which
/// would make every A gradient vanish).
func randomAdapter(_ dense: DenseTransformer, rank: Int = 2, seed: UInt64 = 7) throws -> LoRAAdapter {
    let projections = dense.isGPT2 ? Projection.allCases.filter { $0 != .gate } : Projection.allCases
    let lora = LoRAConfig(rank: rank, alpha: 3, layers: Array(0..<dense.config.layers), projections: projections)
    var adapter = try LoRAAdapter(model: dense.config, lora: lora, seed: seed)
    var rng = SplitMix64(seed: seed + 1)
    for s in adapter.slots {
        for i in 0..<(s.outputs * rank) { adapter.parameters[s.offsetB + i] = Float(rng.nextGaussian()) * 0.3 }
    }
    return adapter
}

let sampleExample = TrainingExample(tokens: [3, 104, 101, 261, 32, 116, 104, 101, 7, 200],
                                    scored: [false, false, false, true, true, true, false, true, true, true])

/// ‖a − b‖ / ‖b‖.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var num = 0.0, den = 0.0
    for i in a.indices { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i] }
    return (num / max(den, 1e-300)).squareRoot()
}

final class BackpropTests: XCTestCase {
    let residualTaps: Set<TapPoint> = [.residPre(0), .residMid(0), .residPost(0), .residPre(1), .residMid(1), .residPost(1)]

    /// Central differences of the Double loss at `indices` of the adapter's parameters.
    func finiteDifferences(_ ref: ReferenceBackprop, _ e: TrainingExample, indices: [Int], step h: Double = 1e-5) -> [Double] {
        let base = ref.adapter!.parameters.map(Double.init)
        return indices.map { i in
            var plus = base, minus = base
            plus[i] += h; minus[i] -= h
            return (ref.loss(e, parameters: plus) - ref.loss(e, parameters: minus)) / (2 * h)
        }
    }

    func testReferenceLoRAGradientsMatchFiniteDifferences() throws {
        try checkLoRAFiniteDifferences(try tinyDense(), label: "llama")
        try checkLoRAFiniteDifferences(try tinyDense { $0.architecture = "gpt2"; $0.kvHeads = $0.heads }, label: "gpt2")
    }

    func checkLoRAFiniteDifferences(_ dense: DenseTransformer, label: String) throws {
        let adapter = try randomAdapter(dense)
        let ref = ReferenceBackprop(model: dense, adapter: adapter)
        let g = ref.backward(sampleExample)
        var rng = SplitMix64(seed: 3)
        let indices = rng.sample(120, from: adapter.parameterCount)
        let fd = finiteDifferences(ref, sampleExample, indices: indices)
        let err = relativeError(indices.map { g.lora[$0] }, fd)
        print("\(label): LoRA gradient vs finite differences (Double, 120 of \(adapter.parameterCount) parameters): relative error \(err)")
        XCTAssertLessThan(err, 1e-6)
        XCTAssertGreaterThan(fd.map(abs).max() ?? 0, 1e-4, "the sampled gradients are not all zero")
    }

    func testReferenceTapGradientsMatchFiniteDifferences() throws {
        try checkTapFiniteDifferences(try tinyDense(), label: "llama")
        try checkTapFiniteDifferences(try tinyDense { $0.architecture = "gpt2"; $0.kvHeads = $0.heads }, label: "gpt2")
    }

    func checkTapFiniteDifferences(_ dense: DenseTransformer, label: String) throws {
        let ref = ReferenceBackprop(model: dense, adapter: try randomAdapter(dense))
        let g = ref.backward(sampleExample, taps: residualTaps)
        let T = sampleExample.tokens.count, d = dense.config.dModel, h = 1e-5
        var rng = SplitMix64(seed: 5)
        for point in residualTaps.sorted() {
            let coords = rng.sample(12, from: T * d)
            let fd = coords.map { i -> Double in
                var delta = [Double](repeating: 0, count: T * d)
                delta[i] = h
                let plus = ref.loss(sampleExample, perturb: [point: delta])
                delta[i] = -h
                return (plus - ref.loss(sampleExample, perturb: [point: delta])) / (2 * h)
            }
            let analytic = coords.map { g.taps[point]![$0] }
            let err = relativeError(analytic, fd)
            print("\(label): \(point) gradient vs finite differences: relative error \(err)")
            XCTAssertLessThan(err, 1e-6, "\(point)")
        }
    }

    func testAblationEditGradientMatchesFiniteDifferences() throws {
        let dense = try tinyDense()
        var rng = SplitMix64(seed: 11)
        let dirs = (0..<2).map { _ in (0..<16).map { _ in Float(rng.nextGaussian()) } }
        let edit = try ConceptEdit(point: .residMid(0), mode: .ablate, directions: dirs)
        let ref = ReferenceBackprop(model: dense, adapter: try randomAdapter(dense), edits: [edit])
        let g = ref.backward(sampleExample)
        let indices = rng.sample(60, from: ref.adapter!.parameterCount)
        let fd = finiteDifferences(ref, sampleExample, indices: indices)
        let err = relativeError(indices.map { g.lora[$0] }, fd)
        print("LoRA gradient with an ablated concept vs finite differences: relative error \(err)")
        XCTAssertLessThan(err, 1e-6)
        // The ablation changes the loss: the edit is not a no-op.
        XCTAssertNotEqual(ref.loss(sampleExample), ReferenceBackprop(model: dense, adapter: ref.adapter).loss(sampleExample))
    }

    func testAblationToTheMeanGradientAndForward() throws {
        let dense = try tinyDense()
        var rng = SplitMix64(seed: 12)
        let dirs = (0..<2).map { _ in (0..<16).map { _ in Float(rng.nextGaussian()) } }
        let zero = try ConceptEdit(point: .residMid(0), mode: .ablate, directions: dirs)
        let examples = [sampleExample, TrainingExample(tokens: [9, 40, 41, 42, 250, 12])]
        let edit = try ConceptEdit.ablatingToMeans([zero], model: dense, examples: examples)[0]
        // The means are those of h·u over every token of the examples under the unedited model.
        let plain = TransformerBackprop(model: dense)
        var sums = [Double](repeating: 0, count: 2), count = 0
        for e in examples {
            let h = try plain.residuals(e.tokens, at: [.residMid(0)])[.residMid(0)]!
            for t in 0..<e.tokens.count {
                for (i, u) in edit.directions.enumerated() { for k in 0..<16 { sums[i] += Double(h[t * 16 + k]) * Double(u[k]) } }
            }
            count += e.tokens.count
        }
        for i in 0..<2 { XCTAssertEqual(Double(edit.means[i]), sums[i] / Double(count), accuracy: 1e-5 * max(1, abs(sums[i]))) }
        XCTAssertTrue(edit.means.contains { abs($0) > 1e-3 }, "the means are not trivially zero")
        // After the edit every token's stream has h·u_i = μ_i (the fast pass, read at the edited point).
        let edited = TransformerBackprop(model: dense, edits: [edit])
        let h = try edited.residuals(sampleExample.tokens, at: [.residMid(0)])[.residMid(0)]!
        for t in 0..<sampleExample.tokens.count {
            for (i, u) in edit.directions.enumerated() {
                var dot: Float = 0
                for k in 0..<16 { dot += h[t * 16 + k] * u[k] }
                XCTAssertEqual(dot, edit.means[i], accuracy: 1e-4)
            }
        }
        // Gradients: Double backward against finite differences, and the fast pass against the reference.
        let ref = ReferenceBackprop(model: dense, adapter: try randomAdapter(dense), edits: [edit])
        let g = ref.backward(sampleExample)
        let indices = rng.sample(40, from: ref.adapter!.parameterCount)
        let err = relativeError(indices.map { g.lora[$0] }, finiteDifferences(ref, sampleExample, indices: indices))
        print("LoRA gradient with a concept ablated to its mean vs finite differences: relative error \(err)")
        XCTAssertLessThan(err, 1e-6)
        XCTAssertNotEqual(ref.loss(sampleExample), ReferenceBackprop(model: dense, adapter: ref.adapter, edits: [zero]).loss(sampleExample))
        try checkFastAgainstReference(dense, label: "ablation to the mean", edits: [edit])
        // Bad input: means of the wrong count, or for an edit that is not an ablation.
        XCTAssertThrowsError(try zero.withMeans([1]))
        XCTAssertThrowsError(try ConceptEdit(point: .residMid(0), mode: .project, directions: dirs).withMeans([0, 0]))
        XCTAssertThrowsError(try plain.residuals(sampleExample.tokens, at: [.residPost(5)]))
    }

    func testAblationAtCompletionTokensAndAboveACeiling() throws {
        let dense = try tinyDense()
        var rng = SplitMix64(seed: 13)
        let dirs = (0..<2).map { _ in (0..<16).map { _ in Float(rng.nextGaussian()) } }
        let zero = try ConceptEdit(point: .residMid(0), mode: .ablate, directions: dirs)
        let examples = [sampleExample, TrainingExample(tokens: [9, 40, 41, 42, 250, 12])]
        let completion = try zero.at(.completion)
        let afterFirst = try zero.at(.afterFirst)
        let clamped = try ConceptEdit.clampingAbove([zero], sds: 0.5, model: dense, examples: examples)[0]
        let stats = try ConceptEdit.statistics([zero], model: dense, examples: examples)[0]
        // Ablating to the mean: over every token for an ablation at all positions, without the
        // first token for one that spares it.
        let toMeanAll = try ConceptEdit.ablatingToMeans([zero], model: dense, examples: examples)[0]
        let toMeanRest = try ConceptEdit.ablatingToMeans([afterFirst], model: dense, examples: examples)[0]
        XCTAssertEqual(toMeanAll.means, stats.meanAll.map { Float($0) })
        XCTAssertEqual(toMeanRest.means, stats.mean.map { Float($0) })
        XCTAssertNotEqual(toMeanAll.means, toMeanRest.means)
        for i in 0..<2 {
            XCTAssertEqual(Double(clamped.ceilings![i]), stats.mean[i] + 0.5 * stats.sd[i], accuracy: 1e-5)
            XCTAssertGreaterThan(stats.sd[i], 0)
        }
        // Forward, read at the edited point: a .completion ablation leaves the tokens before the
        // completion as they are and zeroes h·u after; a ceiling leaves h·u_i ≤ c_i alone and sets
        // the rest to c_i (both somewhere, so the test sees each case).
        let start = sampleExample.completionStart
        XCTAssertEqual(start, 2)
        func dots(_ h: [Float], _ t: Int, _ e: ConceptEdit) -> [Float] {
            e.directions.map { u in (0..<16).reduce(Float(0)) { $0 + h[t * 16 + $1] * u[$1] } }
        }
        let plain = try TransformerBackprop(model: dense).residuals(sampleExample.tokens, at: [.residMid(0)])[.residMid(0)]!
        let hc = try TransformerBackprop(model: dense, edits: [completion])
            .residuals(sampleExample.tokens, at: [.residMid(0)], completionStart: start)[.residMid(0)]!
        let hk = try TransformerBackprop(model: dense, edits: [clamped]).residuals(sampleExample.tokens, at: [.residMid(0)])[.residMid(0)]!
        let ha = try TransformerBackprop(model: dense, edits: [afterFirst]).residuals(sampleExample.tokens, at: [.residMid(0)])[.residMid(0)]!
        var below = 0, above = 0
        for t in 0..<sampleExample.tokens.count {
            // Every token but the first: the first keeps its stream, the others lose h·u.
            if t == 0 {
                XCTAssertEqual(Array(ha[0..<16]), Array(plain[0..<16]))
                XCTAssertGreaterThan(dots(plain, 0, afterFirst).map(abs).max()!, 1e-3)
            } else {
                for v in dots(ha, t, afterFirst) { XCTAssertEqual(v, 0, accuracy: 1e-5) }
            }
            if t < start {
                XCTAssertEqual(Array(hc[(t * 16)..<((t + 1) * 16)]), Array(plain[(t * 16)..<((t + 1) * 16)]))
            } else {
                for v in dots(hc, t, completion) { XCTAssertEqual(v, 0, accuracy: 1e-5) }
            }
            for (i, (p, k)) in zip(dots(plain, t, clamped), dots(hk, t, clamped)).enumerated() {
                if p <= clamped.ceilings![i] { below += 1; XCTAssertEqual(k, p, accuracy: 1e-5) } else { above += 1; XCTAssertEqual(k, clamped.ceilings![i], accuracy: 1e-4) }
            }
        }
        XCTAssertGreaterThan(below, 0)
        XCTAssertGreaterThan(above, 0)
        // Gradients: Double backward against finite differences, and the fast pass against the reference.
        for (label, edit) in [("completion tokens", completion), ("every token but the first", afterFirst), ("above a ceiling", clamped)] {
            let ref = ReferenceBackprop(model: dense, adapter: try randomAdapter(dense), edits: [edit])
            let g = ref.backward(sampleExample)
            let indices = rng.sample(40, from: ref.adapter!.parameterCount)
            let err = relativeError(indices.map { g.lora[$0] }, finiteDifferences(ref, sampleExample, indices: indices))
            print("LoRA gradient with a concept ablated at \(label) vs finite differences: relative error \(err)")
            XCTAssertLessThan(err, 1e-6, label)
            XCTAssertNotEqual(ref.loss(sampleExample), ReferenceBackprop(model: dense, adapter: ref.adapter, edits: [zero]).loss(sampleExample))
            try checkFastAgainstReference(dense, label: label, edits: [edit])
        }
        // Bad input: ceilings of the wrong count; positions or ceilings for an edit that is not an ablation.
        XCTAssertThrowsError(try zero.withCeilings([1]))
        XCTAssertThrowsError(try ConceptEdit(point: .residMid(0), mode: .project, directions: dirs).at(.completion))
        XCTAssertThrowsError(try ConceptEdit(point: .residMid(0), mode: .project, directions: dirs).withCeilings([0, 0]))
        XCTAssertThrowsError(try ConceptEdit.clampingAbove([zero], sds: .nan, model: dense, examples: examples))
    }

    func testOrthogonalisingAgainstTheTasksPrincipalDirections() throws {
        // Power iteration finds a known spectrum's eigenvectors.
        var m = [Double](repeating: 0, count: 9)
        m[0] = 1; m[4] = 5; m[8] = 3
        let top = ConceptEdit.topEigenvectors(m, d: 3, count: 2)
        XCTAssertEqual(abs(top[0][1]), 1, accuracy: 1e-9)
        XCTAssertEqual(abs(top[1][2]), 1, accuracy: 1e-9)
        let dense = try tinyDense()
        var rng = SplitMix64(seed: 14)
        let dirs = (0..<2).map { _ in (0..<16).map { _ in Float(rng.nextGaussian()) } }
        let edit = try ConceptEdit(point: .residPost(0), mode: .ablate, directions: dirs).at(.completion)
        let task = [sampleExample, TrainingExample(tokens: [9, 40, 41, 42, 250, 12])]
        let r = try ConceptEdit.orthogonalised([edit], toTask: task, components: 3, model: dense)
        let pcs = try ConceptEdit.taskPrincipalDirections(at: [.residPost(0)], task: task, components: 3, model: dense)[.residPost(0)]!
        XCTAssertEqual(pcs.count, 3)
        XCTAssertEqual(r.edits[0].positions, .completion)
        XCTAssertEqual(r.removed[0].count, 2)
        XCTAssertTrue(r.removed[0].allSatisfy { $0 > 0 && $0 < 1 }, "\(r.removed)")
        for u in r.edits[0].directions {
            XCTAssertEqual(u.reduce(0.0) { $0 + Double($1) * Double($1) }, 1, accuracy: 1e-5)
            for pc in pcs { XCTAssertEqual(zip(u, pc).reduce(0.0) { $0 + Double($1.0) * $1.1 }, 0, accuracy: 1e-5) }
        }
        XCTAssertThrowsError(try ConceptEdit.orthogonalised([edit], toTask: task, components: 0, model: dense))
        XCTAssertThrowsError(try ConceptEdit.orthogonalised([edit], toTask: [], components: 2, model: dense))
    }

    /// The fast F32 pass against the Double reference, for a plain Llama, Qwen 2 biases and
    /// Qwen 3 head norms.
    func checkFastAgainstReference(_ dense: DenseTransformer, label: String, edits: [ConceptEdit] = []) throws {
        let adapter = try randomAdapter(dense)
        let ref = ReferenceBackprop(model: dense, adapter: adapter, edits: edits).backward(sampleExample, taps: residualTaps)
        let fast = TransformerBackprop(model: dense, threads: 2, adapter: adapter, edits: edits)
        var grad = [Float](repeating: 0, count: adapter.parameterCount)
        let r = try fast.backward(sampleExample, lossScale: 1, taps: residualTaps, loraGradient: &grad)
        XCTAssertEqual(r.loss, ref.loss, accuracy: 1e-4 * abs(ref.loss))
        XCTAssertEqual(r.scoredTokens, sampleExample.scoredCount)
        let loraErr = relativeError(grad.map(Double.init), ref.lora)
        print("\(label): F32 LoRA gradient vs Double reference: relative error \(loraErr)")
        XCTAssertLessThan(loraErr, 1e-4)
        for p in residualTaps.sorted() {
            let err = relativeError(r.taps[p]!.map(Double.init), ref.taps[p]!)
            XCTAssertLessThan(err, 1e-4, "\(label) \(p)")
        }
    }

    func testFastPassMatchesReference() throws {
        try checkFastAgainstReference(try tinyDense(), label: "llama")
        try checkFastAgainstReference(try tinyDense { $0.qkvBias = true }, label: "qwen2-style biases")
        try checkFastAgainstReference(try tinyDense { $0.architecture = "qwen3"; $0.qkNorm = true }, label: "qwen3")
        try checkFastAgainstReference(try tinyDense { $0.architecture = "gpt2"; $0.kvHeads = $0.heads }, label: "gpt2")
        var rng = SplitMix64(seed: 2)
        let dirs = [(0..<16).map { _ in Float(rng.nextGaussian()) }]
        try checkFastAgainstReference(try tinyDense(), label: "edits", edits: [
            try ConceptEdit(point: .residPost(0), mode: .ablate, directions: dirs),
            try ConceptEdit(point: .residMid(1), mode: .project, directions: dirs),
            try ConceptEdit(point: .residPre(1), mode: .amplify(3), directions: dirs),
        ])
    }

    func testGradientsAreIdenticalForAnyThreadCount() throws {
        try checkThreadCounts(try tinyDense { $0.dModel = 64; $0.dFF = 96 })
        try checkThreadCounts(try tinyDense { $0.dModel = 64; $0.dFF = 96; $0.architecture = "gpt2"; $0.kvHeads = $0.heads })
    }

    func checkThreadCounts(_ dense: DenseTransformer) throws {
        let adapter = try randomAdapter(dense, rank: 4)
        let example = TrainingExample(tokens: (0..<24).map { ($0 * 37 + 5) % 260 })
        var results: [([Float], [TapPoint: [Float]])] = []
        for threads in [1, 2, 3] {
            let bp = TransformerBackprop(model: dense, threads: threads, adapter: adapter)
            var grad = [Float](repeating: 0, count: adapter.parameterCount)
            let r = try bp.backward(example, lossScale: 0.5, taps: residualTaps, loraGradient: &grad)
            results.append((grad, r.taps))
        }
        for r in results.dropFirst() {
            XCTAssertEqual(r.0.map(\.bitPattern), results[0].0.map(\.bitPattern))
            for p in residualTaps { XCTAssertEqual(r.1[p]!.map(\.bitPattern), results[0].1[p]!.map(\.bitPattern)) }
        }
        XCTAssertTrue(results[0].0.contains { $0 != 0 })
    }

    func testDenseForwardMatchesInferenceLogits() throws {
        for arch in ["llama", "gpt2"] {
            var spec = TinyModelSpec()
            spec.seed = 4
            spec.architecture = arch
            if arch == "gpt2" { spec.kvHeads = spec.heads }
            try checkForwardAgainstInference(spec)
        }
    }

    func checkForwardAgainstInference(_ spec: TinyModelSpec) throws {
        let model = try LanguageModel.load(try TinyModel.write(spec).path)
        let dense = try DenseTransformer(model.transformer)
        let tokens = [1, 50, 99, 150, 200, 7]
        let session = InferenceSession(model: model.transformer, maxBatch: 8)
        let expected = try session.forward(tokens, logits: .all)
        let got = try TransformerBackprop(model: dense).logits(tokens)
        // The inference path keeps keys and values in F16: agreement to that precision.
        let err = relativeError(got.map(Double.init), expected.map(Double.init))
        print("\(spec.architecture): F32 training forward vs inference logits: relative error \(err)")
        XCTAssertLessThan(err, 5e-3)
    }

    func testRejectsUnsupportedModelsAndBadInput() throws {
        let gemma = try LanguageModel.load(try TinyModel.write(.gemma3).path)
        XCTAssertThrowsError(try DenseTransformer(gemma.transformer)) { XCTAssertTrue("\($0)".contains("gemma3")) }
        let gpt2 = try tinyDense { $0.architecture = "gpt2"; $0.kvHeads = $0.heads }
        XCTAssertThrowsError(try LoRAAdapter(model: gpt2.config, lora: LoRAConfig(rank: 1, alpha: 1, layers: [0], projections: [.gate]), seed: 1))
        let bp = TransformerBackprop(model: try tinyDense())
        var none: [Float] = []
        XCTAssertThrowsError(try bp.backward(TrainingExample(tokens: [1, 99999]), lossScale: 1, loraGradient: &none))
        XCTAssertThrowsError(try bp.backward(TrainingExample(tokens: [1, 2], scored: [true]), lossScale: 1, loraGradient: &none))
        XCTAssertThrowsError(try ConceptEdit(point: .mlpPre(0), mode: .ablate, directions: [[1]]))
        XCTAssertThrowsError(try ConceptEdit(point: .residPre(0), mode: .ablate, directions: [[0, 0]]))
    }
}
