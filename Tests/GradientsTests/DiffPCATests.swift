// Difference directions (`DiffPCA`) and concept files (`ConceptFile`) on tiny generated models:
// the eigen solver against known spectra, a planted difference direction recovered, orthonormal
// output, the same bytes for any thread count, the file round trip and its typed errors.

import Foundation
import Formats
import Gradients
import Kernels
import Taps
import TestSupport
import XCTest

final class DiffPCATests: XCTestCase {
    let examples = [
        sampleExample,
        TrainingExample(tokens: [9, 40, 41, 42, 250, 12, 77, 5], scored: [false, false, false, true, true, true, true, true]),
        TrainingExample(tokens: [3, 120, 33, 34, 35, 36, 37], scored: [false, false, true, true, true, false, true]),
    ]

    /// A unit direction [d] from a seed.
    func unit(_ d: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let v = (0..<d).map { _ in rng.nextGaussian() }
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { Float($0 / n) }
    }

    func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }

    /// An adapter on layer 1 whose down projection writes along `planted` (B = scale·u, rank 1) and,
    /// with `noise`, whose o projection adds a small random change.
    func plantedAdapter(_ dense: DenseTransformer, planted u: [Float], scale: Float = 3, noise: Float) throws -> LoRAAdapter {
        let projections: [Projection] = noise > 0 ? [.o, .down] : [.down]
        var a = try LoRAAdapter(model: dense.config, lora: LoRAConfig(rank: 1, alpha: 1, layers: [1], projections: projections), seed: 5)
        var rng = SplitMix64(seed: 21)
        for s in a.slots {
            for i in 0..<s.outputs {
                a.parameters[s.offsetB + i] = s.projection == .down ? scale * u[i] : noise * Float(rng.nextGaussian())
            }
        }
        return a
    }

    func testEigenSolverFindsAKnownSpectrum() throws {
        let pool = ThreadPool(threads: 1)
        // A diagonal spectrum: the axes, largest first.
        var m = [Double](repeating: 0, count: 16)
        m[0] = 1; m[5] = 7; m[10] = 3; m[15] = 0.5
        let (v, l) = SymmetricEigen.leading(m, d: 4, count: 3, pool: pool)
        XCTAssertEqual(l[0], 7, accuracy: 1e-10); XCTAssertEqual(l[1], 3, accuracy: 1e-10); XCTAssertEqual(l[2], 1, accuracy: 1e-10)
        XCTAssertEqual(abs(v[0][1]), 1, accuracy: 1e-10); XCTAssertEqual(abs(v[1][2]), 1, accuracy: 1e-10)
        // A random PSD matrix Σ w_i x_i x_iᵀ: every returned pair satisfies M u = λ u, and the values fall.
        let d = 12
        var rng = SplitMix64(seed: 3)
        var r = [Double](repeating: 0, count: d * d)
        for i in 0..<5 {
            let x = (0..<d).map { _ in rng.nextGaussian() }
            for a in 0..<d { for b in 0..<d { r[a * d + b] += Double(5 - i) * x[a] * x[b] } }
        }
        let (vs, ls) = SymmetricEigen.leading(r, d: d, count: 4, pool: pool)
        for (u, lambda) in zip(vs, ls) {
            var residual = 0.0
            for a in 0..<d {
                var s = 0.0
                for b in 0..<d { s += r[a * d + b] * u[b] }
                residual = max(residual, abs(s - lambda * u[a]))
            }
            XCTAssertLessThan(residual, 1e-8 * ls[0])
        }
        XCTAssertTrue(zip(ls, ls.dropFirst()).allSatisfy { $0 >= $1 }, "\(ls)")
    }

    func testRecoversAPlantedDifferenceDirection() throws {
        let dense = try tinyDense()
        let u = unit(16, seed: 9)
        // Only the down projection of the last layer changes: every difference at its resid_post lies along u.
        let exact = try plantedAdapter(dense, planted: u, noise: 0)
        let one = try DiffPCA.compute(model: dense, adapter: exact, examples: examples, options: DiffPCA.Options(layers: [1], k: 1))
        XCTAssertEqual(abs(dot(one.components[0].directions[0], u)), 1, accuracy: 1e-6)
        XCTAssertEqual(one.components[0].variances[0] / one.components[0].totalVariance, 1, accuracy: 1e-6)
        // A second direction carries nothing: a typed error rather than a made-up direction.
        XCTAssertThrowsError(try DiffPCA.compute(model: dense, adapter: exact, examples: examples, options: DiffPCA.Options(layers: [1], k: 2))) {
            XCTAssertTrue("\($0)".contains("only 1 direction"), "\($0)")
        }
        // With a smaller change from o besides: the leading direction is still u, the rest orthonormal.
        let noisy = try plantedAdapter(dense, planted: u, noise: 0.05)
        var options = DiffPCA.Options(layers: [1], k: 4)
        options.positions = .afterFirst
        let r = try DiffPCA.compute(model: dense, adapter: noisy, examples: examples, options: options)
        let c = r.components[0]
        XCTAssertEqual(c.point, .residPost(1))
        XCTAssertEqual(r.tokens, examples.reduce(0) { $0 + $1.tokens.count - 1 })
        XCTAssertGreaterThan(abs(dot(c.directions[0], u)), 0.99)
        for i in 0..<4 {
            for j in 0..<4 { XCTAssertEqual(dot(c.directions[i], c.directions[j]), i == j ? 1 : 0, accuracy: 1e-6, "\(i), \(j)") }
        }
        XCTAssertTrue(zip(c.variances, c.variances.dropFirst()).allSatisfy { $0 >= $1 }, "\(c.variances)")
        // Signs: the adapter's mean move projects positively on every direction.
        XCTAssertTrue(c.meanProjections.allSatisfy { $0 >= 0 }, "\(c.meanProjections)")
        // Centring removes the mean move: the leading direction is still u (the move along it varies by token).
        options.centered = true
        let centred = try DiffPCA.compute(model: dense, adapter: noisy, examples: examples, options: options)
        XCTAssertGreaterThan(abs(dot(centred.components[0].directions[0], u)), 0.95)
        XCTAssertNotEqual(centred.components[0].variances, c.variances)
        // Excluding u: what is left is the o projection's change, orthogonal to u.
        options.centered = false
        options.excluded = [.residPost(1): [u]]
        let rest = try DiffPCA.compute(model: dense, adapter: noisy, examples: examples, options: options)
        for v in rest.components[0].directions { XCTAssertEqual(dot(v, u), 0, accuracy: 1e-5) }   // F32 rounding of u and v
        XCTAssertLessThan(rest.components[0].totalVariance, 0.5 * c.totalVariance)
        options.excluded = [.residPost(0): [u]]
        XCTAssertThrowsError(try DiffPCA.compute(model: dense, adapter: noisy, examples: examples, options: options))
    }

    func testSameBytesForAnyThreadCountAndTheFileRoundTrips() throws {
        let dense = try tinyDense { $0.layers = 3 }
        let adapter = try randomAdapter(dense, rank: 2)
        var files: [Data] = []
        for threads in [1, 2, 3] {
            var options = DiffPCA.Options(layers: [1, 2], k: 3)
            options.threads = threads
            let r = try DiffPCA.compute(model: dense, adapter: adapter, examples: examples, options: options)
            files.append(try r.conceptFile(name: "moved", metadata: ["method": "diff-pca"]).bytes())
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[0], files[2])
        let url = try ScratchDirectory.make("diffpca").appendingPathComponent("moved.safetensors")
        try files[0].write(to: url)
        let back = try ConceptFile.read(url)
        XCTAssertEqual(back.name, "moved")
        XCTAssertEqual(back.components.map(\.point), [.residPost(1), .residPost(2)])
        XCTAssertEqual(back.components.map(\.directions.count), [3, 3])
        XCTAssertEqual(back.metadata["method"], "diff-pca")
        XCTAssertNotNil(back.metadata["variances.blocks.1.hook_resid_post"])
        XCTAssertEqual(try back.bytes(), files[0])
        // As a concept: six unit directions, and an ablation per tap with all three directions.
        let concept = try Concept(back, width: 16)
        XCTAssertEqual(concept.components.count, 6)
        let edits = try concept.edits(.ablate)
        XCTAssertEqual(edits.map(\.point), [.residPost(1), .residPost(2)])
        XCTAssertEqual(edits.map(\.directions.count), [3, 3])
        for (e, c) in zip(edits, back.components) {
            for (a, b) in zip(e.directions, c.directions) { XCTAssertEqual(dot(a, b), 1, accuracy: 1e-6) }
        }
    }

    func testBadInputGivesTypedErrors() throws {
        let dense = try tinyDense()
        let adapter = try plantedAdapter(dense, planted: unit(16, seed: 2), noise: 0.05)
        func fails(_ options: DiffPCA.Options, _ data: [TrainingExample]? = nil, _ text: String) {
            XCTAssertThrowsError(try DiffPCA.compute(model: dense, adapter: adapter, examples: data ?? examples, options: options)) {
                XCTAssertTrue($0 is GradientsError, "\($0)")
                XCTAssertTrue("\($0)".contains(text), "\($0)")
            }
        }
        fails(DiffPCA.Options(layers: [1], k: 0), nil, "k must be")
        fails(DiffPCA.Options(layers: [1], k: 17), nil, "k must be")
        fails(DiffPCA.Options(layers: [2], k: 1), nil, "out of range")
        fails(DiffPCA.Options(layers: [], k: 1), nil, "at least one layer")
        fails(DiffPCA.Options(layers: [1], k: 1), [], "at least one example")
        // Layer 0 lies below the only adapted layer: the adapter does not move it.
        fails(DiffPCA.Options(layers: [0], k: 1), nil, "does not change the stream")

        // Concept files: wrong width, missing tensor, not a concept file, bad shapes, types and values.
        let d = 16, point = "blocks.1.hook_resid_post"
        func file(meta: [String: String], _ add: (inout SafetensorsBuilder) throws -> Void) throws -> ConceptFile {
            var st = SafetensorsBuilder()
            st.metadata = meta
            try add(&st)
            return try ConceptFile.read(try SafetensorsFile(bytes: st.bytes()), path: "test")
        }
        let meta = ["format": ConceptFile.format, "concept": "c", "points": point]
        func expect(_ error: ConceptFileError, meta m: [String: String] = [:], _ add: (inout SafetensorsBuilder) throws -> Void) {
            XCTAssertThrowsError(try file(meta: meta.merging(m) { $1 }, add)) { XCTAssertEqual($0 as? ConceptFileError, error) }
        }
        let good = try file(meta: meta) { try $0.add(point, shape: [2, d], values: [Float](repeating: 0.5, count: 2 * d)) }
        XCTAssertEqual(good.components.count, 1)
        XCTAssertThrowsError(try Concept(good, width: 32)) {
            XCTAssertEqual($0 as? ConceptFileError, .wrongWidth(tensor: point, width: 16, model: 32))
        }
        expect(.missingTensor(point)) { try $0.add("other", shape: [1, d], values: [Float](repeating: 1, count: d)) }
        expect(.notAConceptFile(path: "test"), meta: ["format": "pt"]) { try $0.add(point, shape: [1, d], values: [Float](repeating: 1, count: d)) }
        expect(.badShape(tensor: point, shape: [d])) { try $0.add(point, shape: [d], values: [Float](repeating: 1, count: d)) }
        expect(.badShape(tensor: point, shape: [3, 2])) { try $0.add(point, shape: [3, 2], values: [Float](repeating: 1, count: 6)) }
        expect(.badType(tensor: point, dtype: "F16")) { try $0.add(point, shape: [1, d], f16Values: [Float](repeating: 1, count: d)) }
        expect(.nonFinite(tensor: point)) { try $0.add(point, shape: [1, d], values: [.nan] + [Float](repeating: 1, count: d - 1)) }
        expect(.notResidual("blocks.1.hook_attn_out"), meta: ["points": "blocks.1.hook_attn_out"]) {
            try $0.add("blocks.1.hook_attn_out", shape: [1, d], values: [Float](repeating: 1, count: d))
        }
        expect(.badMetadata(key: "points", reason: "'nowhere' is not a tap name"), meta: ["points": "nowhere"]) { _ in }
        expect(.badMetadata(key: "d_model", reason: "'32' does not match the tensors' width"), meta: ["d_model": "32"]) {
            try $0.add(point, shape: [1, d], values: [Float](repeating: 1, count: d))
        }
        XCTAssertThrowsError(try ConceptFile.read(URL(fileURLWithPath: "/nonexistent/c.safetensors"))) {
            guard case .unreadable = $0 as? ConceptFileError else { return XCTFail("\($0)") }
        }
    }
}
