import Foundation
import Models
import Steering
import TestSupport
import XCTest

/// Control vectors from contrast pairs: each method finds a planted direction, with the sign
/// that makes positives project higher, and the same bits every time.
final class ContrastTrainingTests: XCTestCase {
    func synthetic(n: Int, d: Int, seed: UInt64) -> (pos: [[Float]], neg: [[Float]], truth: [Float]) {
        var g = SeededGenerator(seed: seed)
        let t = (0..<d).map { _ in g.normal() }
        let norm = t.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let truth = t.map { $0 / norm }
        var pos: [[Float]] = [], neg: [[Float]] = []
        for _ in 0..<n {
            let base = (0..<d).map { _ in g.normal() }          // what the pair shares
            let strength = 2 + g.uniform()                       // how strongly the pair differs
            pos.append((0..<d).map { base[$0] + strength * truth[$0] + 0.1 * g.normal() })
            neg.append((0..<d).map { base[$0] - strength * truth[$0] + 0.1 * g.normal() })
        }
        return (pos, neg, truth)
    }

    func testEveryMethodFindsThePlantedDirection() throws {
        let (pos, neg, truth) = synthetic(n: 40, d: 24, seed: 9)
        for method in ContrastMethod.allCases {
            let v = try ContrastTrainer.direction(positive: pos, negative: neg, method: method, seed: 1)
            let cos = zip(v, truth).reduce(0) { $0 + $1.0 * $1.1 }
            XCTAssertGreaterThan(cos, 0.98, "\(method)")
            let norm = v.reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(norm, 1, accuracy: 1e-5)
            // Swapping the classes flips the sign.
            let w = try ContrastTrainer.direction(positive: neg, negative: pos, method: method, seed: 1)
            XCTAssertLessThan(zip(w, truth).reduce(0) { $0 + $1.0 * $1.1 }, -0.98, "\(method)")
            // Deterministic, whatever the start's seed.
            XCTAssertEqual(bits(try ContrastTrainer.direction(positive: pos, negative: neg, method: method, seed: 1)), bits(v))
            let other = try ContrastTrainer.direction(positive: pos, negative: neg, method: method, seed: 77)
            XCTAssertGreaterThan(zip(other, v).reduce(0) { $0 + $1.0 * $1.1 }, 0.9999, "\(method)")
        }
    }

    func testMeanDifferenceByHand() throws {
        let v = try ContrastTrainer.direction(positive: [[3, 1], [5, 1]], negative: [[1, 1], [1, 1]], method: .meanDiff)
        XCTAssertEqual(v, [1, 0])
        let p = try ContrastTrainer.direction(positive: [[2, 0, 1], [0, 3, 1]], negative: [[0, 0, 1], [0, -3, 1]], method: .pcaCenter)
        // Centred rows: ±(1, 0, 0) and ±(0, 3, 0): XᵀX = diag(2, 18, 0), the component is ±y; pair 1
        // has no y difference, pair 2 puts its positive above, so the sign is +y.
        XCTAssertEqual(p[1], 1, accuracy: 1e-6, "\(p)")
        XCTAssertThrowsError(try ContrastTrainer.direction(positive: [[1, 1]], negative: [[1, 1]], method: .pcaDiff))
        XCTAssertThrowsError(try ContrastTrainer.direction(positive: [[1, 1]], negative: [], method: .meanDiff))
    }

    /// On a tiny model: training reads the last token's resid_post of each layer ≥ 1, and the
    /// vector it writes is a valid control-vector file for that model.
    func testTrainsOnAModelAndWritesAControlVector() throws {
        let f = try SteeringFixture.make(layers: 3)
        defer { f.remove() }
        let pairs = [ContrastPair(positive: "the cat is happy", negative: "the cat is sad"),
                     ContrastPair(positive: "a happy dog", negative: "a sad dog"),
                     ContrastPair(positive: "happy then", negative: "sad then")]
        let layers = ContrastTrainer.defaultLayers(f.layers)
        XCTAssertEqual(layers, [1, 2])
        let (pos, neg) = try ContrastTrainer.collect(model: f.model, pairs: pairs, layers: layers, chat: false, system: nil,
                                                     session: f.session())
        XCTAssertEqual(pos[1]?.count, 3)
        // The rows are exactly the last token's blocks.N.hook_resid_post.
        let ids = try f.model.promptTokens(pairs[1].negative, chat: false)
        let s = f.session()
        let sink = RecordingSink(points: [.residPost(2)])
        _ = try s.forward(ids, logits: .none, sink: sink)
        XCTAssertEqual(bits(neg[2]![1]), bits(sink.rows[.residPost(2)]!.last!))
        let cv = try ContrastTrainer.train(positive: pos, negative: neg, method: .pcaDiff, modelHint: "llama")
        XCTAssertEqual(cv.directions.keys.sorted(), [1, 2])
        let url = f.file("trained.gguf")
        try cv.write(to: url)
        XCTAssertEqual(try ControlVector.read(url), cv)
        _ = try SteeringPlan.build(SteeringSpec(edits: [controlVectorEdit(url.path)]), model: f.model.config)
        let data = Data("{\"positive\": \"a\", \"negative\": \"b\"}\n\n{\"positive\": \"c\"}\n".utf8)
        XCTAssertThrowsError(try ContrastPair.load(jsonl: data, name: "p.jsonl")) { XCTAssertTrue("\($0)".contains("line 3")) }
    }
}
