import Kernels
import XCTest
@testable import Regions

final class TrainingTests: XCTestCase {
    let shape = try! NetworkShape(parsing: "[24,13,18]")
    let image = BuiltinImage.ring.render(resolution: 32)

    /// Hand-computed Adam (lr 0.1, β1 0.9, β2 0.999, ε 1e-8), parameter 1, gradients 0.5 then -0.25:
    /// step 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, θ = 1 - 0.1·0.5/0.5 = 0.9
    /// step 2: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
    ///         m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031, √v̂ = 0.3952254,
    ///         θ = 0.9 - 0.1·0.1052632/0.3952254 = 0.8733663
    func testAdamMatchesHandComputation() {
        // 37 parameters: two SIMD blocks of 16 and a scalar tail of 5 must all agree.
        var params = [Float](repeating: 1, count: 37)
        var adam = Adam(count: 37, learningRate: 0.1)
        adam.step(parameters: &params, gradient: [Float](repeating: 0.5, count: 37))
        for p in params { XCTAssertEqual(p, 0.9, accuracy: 1e-6) }
        adam.step(parameters: &params, gradient: [Float](repeating: -0.25, count: 37), pool: ThreadPool(threads: 2))
        for p in params { XCTAssertEqual(p, 0.8733663, accuracy: 2e-6) }
        XCTAssertEqual(Set(params.map(\.bitPattern)).count, 1, "SIMD lanes and scalar tail differ")
        XCTAssertEqual(adam.t, 2)
    }

    func testSameSeedSameLossesWithOneOrTwoThreads() throws {
        var losses: [[Double]] = []
        var nets: [[Float]] = []
        for threads in [1, 2] {
            // batch 50: one full chunk of 32 and a partial one; 300 points: a short last batch.
            let trainer = try Trainer(shape: shape, image: image, points: 300, seed: 99, batchSize: 50, threads: threads)
            losses.append((0..<3).map { _ in trainer.trainEpoch() })
            nets.append(trainer.network.parameters)
        }
        XCTAssertEqual(losses[0], losses[1])
        XCTAssertEqual(nets[0], nets[1])
        XCTAssertLessThan(losses[0][2], losses[0][0], "loss should fall")
        let other = try Trainer(shape: shape, image: image, points: 300, seed: 100, batchSize: 50)
        XCTAssertNotEqual(other.trainEpoch(), losses[0][0])
    }

    func testRenderingFramesDoesNotChangeTraining() throws {
        // The hash keys come from their own stream: rendering (and so drawing keys) between epochs
        // must leave the training stream, hence every loss, untouched.
        let plain = try Trainer(shape: shape, image: image, points: 200, seed: 5)
        let watched = try Trainer(shape: shape, image: image, points: 200, seed: 5)
        var a: [Double] = [], b: [Double] = []
        for _ in 0..<3 {
            a.append(plain.trainEpoch())
            b.append(watched.trainEpoch())
            let renderer = FrameRenderer(network: watched.network, keys: HashKeys(network: watched.network, seed: 5))
            _ = renderer.render(size: 16, path: .fused, pool: ThreadPool(threads: 1))
        }
        XCTAssertEqual(a, b)
        XCTAssertEqual(plain.network.parameters, watched.network.parameters)
    }

    func testBackwardPassMatchesFiniteDifferences() throws {
        // One batch holding all points, learning rate tiny: the Adam step direction is sign(g), so
        // instead compare the gradient through a loss evaluated with the scalar forward pass.
        let trainer = try Trainer(shape: try NetworkShape(parsing: "[7,5]"), image: image, points: 40, seed: 3, batchSize: 40)
        let net = trainer.network
        func loss(_ params: [Float]) -> Double {
            var n = net; n.parameters = params
            var sum = 0.0
            for i in 0..<40 {
                let y = n.evaluateScalar(x: trainer.inputs[2 * i], y: trainer.inputs[2 * i + 1])
                sum += Double((y - trainer.targets[i]) * (y - trainer.targets[i]))
            }
            return sum / 40
        }
        let grad = trainer.gradientForTesting(points: Array(0..<40))
        let l = net.layers[1]
        for (j, k) in [(0, 0), (3, 6), (4, 2)] {
            let i = l.weightIndex(unit: j, input: k)
            var plus = net.parameters, minus = net.parameters
            plus[i] += 1e-2; minus[i] -= 1e-2
            let numeric = (loss(plus) - loss(minus)) / 2e-2
            XCTAssertEqual(Double(grad[i]), numeric, accuracy: 1e-3 + 0.02 * abs(numeric))
        }
    }
}
