import Formats
import Foundation
import Models
import Steering
import Taps
import TestSupport
import XCTest

/// llama.cpp's control-vector GGUF: round trip, refusals, and the layer convention
/// (`direction.N` is added to the output of block N, `blocks.N.hook_resid_post`).
final class ControlVectorTests: XCTestCase {
    func testRoundTripIsExactAndDeterministic() throws {
        let f = try SteeringFixture.make()
        defer { f.remove() }
        let cv = ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 1), 2: f.vector(seed: 2)])
        let url = f.file("cv.gguf")
        try cv.write(to: url)
        let back = try ControlVector.read(url)
        XCTAssertEqual(back, cv)
        XCTAssertEqual(try back.gguf(), try cv.gguf(), "same vector, same bytes")
        XCTAssertThrowsError(try ControlVector(modelHint: "", directions: [:]).gguf())
        XCTAssertThrowsError(try ControlVector(modelHint: "", directions: [0: [1]]).gguf())
        XCTAssertThrowsError(try ControlVector(modelHint: "", directions: [1: [1], 2: [1, 2]]).gguf())
        let file = try GGUFFile(url: url)
        XCTAssertEqual(try file.string("general.architecture"), "controlvector")
        XCTAssertEqual(try file.string("controlvector.model_hint"), "llama")
        XCTAssertEqual(try file.int("controlvector.layer_count"), 2)
        XCTAssertEqual(file.tensors.map(\.name), ["direction.1", "direction.2"])
        XCTAssertEqual(file.tensors.map(\.shape), [[f.d], [f.d]])
    }

    func testRefusesWhatLlamaCppRefuses() throws {
        func read(_ build: (inout GGUFWriter) -> Void) -> String? {
            var w = GGUFWriter()
            w.add("general.architecture", .string("controlvector"))
            build(&w)
            do { _ = try ControlVector.read(try GGUFFile(bytes: w.bytes()), path: "x"); return nil } catch {
                XCTAssertTrue(error is SteeringError, "\(error)")
                return "\(error)"
            }
        }
        XCTAssertNotNil(read { $0.addF32Tensor(name: "direction.0", values: [1, 2]) }?.range(of: "layer 0"))
        XCTAssertNotNil(read { $0.addTensor(name: "direction.1", type: .f16, shape: [2], bytes: [0, 0, 0, 0]) }?.range(of: "F32"))
        XCTAssertNotNil(read { $0.addTensor(name: "direction.1", type: .f32, shape: [1, 2], bytes: [UInt8](repeating: 0, count: 8)) })
        XCTAssertNotNil(read { $0.addF32Tensor(name: "direction.1", values: [1, 2]); $0.addF32Tensor(name: "direction.2", values: [1]) })
        XCTAssertNotNil(read { $0.addF32Tensor(name: "direction.x", values: [1]) })
        XCTAssertNotNil(read { $0.addF32Tensor(name: "direction.1", values: [.nan]) })
        XCTAssertNotNil(read { _ in }?.range(of: "no direction"))
        XCTAssertNotNil(read { $0.add("general.architecture", .string("llama")); $0.addF32Tensor(name: "direction.1", values: [1]) })
        XCTAssertNil(read { $0.addF32Tensor(name: "direction.1", values: [1]) })
    }

    /// direction.N lands on blocks.N.hook_resid_post: nothing upstream changes, the block's
    /// output is exactly x + v, and the next block reads the edited stream.
    func testDirectionNIsAddedToTheOutputOfBlockN() throws {
        let f = try SteeringFixture.make(layers: 3)
        defer { f.remove() }
        let v = f.vector(seed: 7, scale: 0.5)
        let url = f.file("one.gguf")
        try ControlVector(modelHint: "llama", directions: [1: v]).write(to: url)
        let taps: Set<TapPoint> = [.residPost(0), .residMid(1), .mlpOut(1), .residPost(1), .residPre(2)]
        let plain = try f.run(nil, taps: taps)
        let plan = try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(url.path)]), model: f.model.config)
        XCTAssertEqual(plan.points, [.residPost(1)])
        let steered = try f.run(plan, taps: taps)
        for p in f.prompt.indices {
            XCTAssertEqual(bits(steered.taps[.residPost(0)]![p]), bits(plain.taps[.residPost(0)]![p]))
            XCTAssertEqual(bits(steered.taps[.residMid(1)]![p]), bits(plain.taps[.residMid(1)]![p]))
            XCTAssertEqual(bits(steered.taps[.mlpOut(1)]![p]), bits(plain.taps[.mlpOut(1)]![p]))
            let expected = zip(plain.taps[.residPost(1)]![p], v).map { $0 + $1 }
            XCTAssertEqual(bits(steered.taps[.residPost(1)]![p]), bits(expected), "position \(p)")
            XCTAssertEqual(bits(steered.taps[.residPre(2)]![p]), bits(expected))
        }
        XCTAssertNotEqual(bits(steered.logits), bits(plain.logits))
        XCTAssertEqual(plan.spec.edits[0].vectors, [VectorDigest(tap: .residPost(1), vector: v)])
    }

    /// Strengths scale, files sum per layer, the layer range is inclusive and in llama.cpp's
    /// indices, and direction.N past the model is refused.
    func testStrengthsSumsAndLayerRange() throws {
        let f = try SteeringFixture.make(layers: 3)
        defer { f.remove() }
        let a = f.vector(seed: 1), b = f.vector(seed: 2), c = f.vector(seed: 3)
        let ua = f.file("a.gguf"), ub = f.file("b.gguf")
        try ControlVector(modelHint: "llama", directions: [1: a, 2: b]).write(to: ua)
        try ControlVector(modelHint: "llama", directions: [2: c]).write(to: ub)
        let taps: Set<TapPoint> = [.residPost(1), .residPost(2)]
        let plain = try f.run(nil, taps: taps)
        let spec = SteeringSpec(edits: [EditSpec(kind: .add, source: .controlVector(
            files: [ControlVectorFile(path: ua.path, strength: 0.5), ControlVectorFile(path: ub.path, strength: -2)],
            layerStart: 2, layerEnd: 2), scale: 1)])
        let plan = try SteeringPlan.build(spec, model: f.model.config)
        XCTAssertEqual(plan.points, [.residPost(2)], "layer 1 is outside the range 2 2")
        let steered = try f.run(plan, taps: taps)
        let sum = (0..<f.d).map { i -> Float in var s: Float = 0; s += b[i] * 0.5; s += c[i] * -2; return s }
        for p in f.prompt.indices {
            XCTAssertEqual(bits(steered.taps[.residPost(1)]![p]), bits(plain.taps[.residPost(1)]![p]))
            // Layer 2 is the last: its input is unchanged, so its output is exactly plain + sum.
            XCTAssertEqual(bits(steered.taps[.residPost(2)]![p]), bits(zip(plain.taps[.residPost(2)]![p], sum).map { $0 + $1 }))
        }
        let far = f.file("far.gguf")
        try ControlVector(modelHint: "llama", directions: [3: a]).write(to: far)
        XCTAssertThrowsError(try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(far.path)]), model: f.model.config))
        let narrow = f.file("narrow.gguf")
        try ControlVector(modelHint: "llama", directions: [1: [1, 2, 3]]).write(to: narrow)
        XCTAssertThrowsError(try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(narrow.path)]), model: f.model.config))
    }

    /// A recorded plan rebuilds only from the same files.
    func testRecordedHashesAreChecked() throws {
        let f = try SteeringFixture.make()
        defer { f.remove() }
        let url = f.file("cv.gguf")
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 1)]).write(to: url)
        let plan = try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(url.path, scale: 2)]), model: f.model.config)
        let record = plan.spec
        guard case .controlVector(let files, _, _) = record.edits[0].source else { return XCTFail() }
        XCTAssertNotNil(files[0].sha256)
        let again = try SteeringPlan.build(record, model: f.model.config)
        XCTAssertEqual(again.spec, record)
        let decoded = try JSONDecoder().decode(SteeringSpec.self, from: try record.canonicalJSON())
        XCTAssertEqual(decoded, record)
        try ControlVector(modelHint: "llama", directions: [1: f.vector(seed: 2)]).write(to: url)
        XCTAssertThrowsError(try SteeringPlan.build(record, model: f.model.config)) { error in
            guard case SteeringError.recordMismatch = error else { return XCTFail("\(error)") }
        }
    }
}
