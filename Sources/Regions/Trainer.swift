// Training the MLP on points sampled from an image: mini-batch Adam on the mean squared error.
//
// Determinism whatever the thread count: a mini-batch is cut into chunks of `chunkPoints` points
// (a constant, not derived from the thread count); each chunk runs its forward and backward pass
// alone and writes its own gradient buffer and loss; the buffers are then summed in chunk order.
// Threads only decide who computes which chunk.
//
// Legend: C chunk panels (chunkPoints/16), Kp/Jp padded layer inputs/outputs, P parameters.

import Foundation
import Kernels

/// Trains an `MLP` on an image with Adam.
///
/// ```swift
/// let trainer = try Trainer(shape: shape, image: BuiltinImage.ring.render(resolution: 256),
///                           points: 5050, seed: 12345678)
/// for _ in 0..<30 { print(trainer.trainEpoch()) }
/// ```
public final class Trainer {
    /// Points per gradient chunk: the unit of parallel work and of the fixed reduction order.
    public static let chunkPoints = 32
    static let chunkPanels = chunkPoints / panelLanes

    public private(set) var network: MLP
    public private(set) var adam: Adam
    public private(set) var epochsDone = 0
    public let batchSize: Int
    public let pool: ThreadPool
    /// Training points, x then y per point, and their grey targets. [points][2], [points]
    public let inputs: [Float], targets: [Float]

    private var rng: Xoshiro256
    /// Transposed packed weights for the backward pass, layer l ≥ 1 stored as `[Kp/6][Jp][6]`.
    private var transposed: [Float]
    private let transposedOffsets: [Int]

    /// Initialises the network and samples `points` training points uniformly in [-1, 1]², all
    /// from the training stream of `seed`.
    public init(shape: NetworkShape, image: GreyImage, points: Int, seed: UInt64,
                batchSize: Int = 64, learningRate: Float = 1e-3, threads: Int = 1) throws {
        guard points >= 1 else { throw RegionsError.invalidSetting("--points must be at least 1") }
        guard batchSize >= 1 else { throw RegionsError.invalidSetting("--batch must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw RegionsError.invalidSetting("learning rate must be positive") }
        var rng = Xoshiro256(seed: seed, stream: .training)
        let network = MLP(shape: shape, rng: &rng)
        var inputs = [Float](repeating: 0, count: 2 * points), targets = [Float](repeating: 0, count: points)
        for i in 0..<points {
            let x = 2 * rng.nextUnitFloat() - 1, y = 2 * rng.nextUnitFloat() - 1
            inputs[2 * i] = x; inputs[2 * i + 1] = y
            targets[i] = image.value(x: x, y: y)
        }
        var offsets: [Int] = [], total = 0
        for layout in network.layers { offsets.append(total); total += layout.paddedInputs * layout.paddedOutputs }
        self.network = network
        self.rng = rng
        self.inputs = inputs; self.targets = targets
        self.batchSize = batchSize
        self.pool = ThreadPool(threads: threads)
        self.adam = Adam(count: network.parameters.count, learningRate: learningRate)
        self.transposed = [Float](repeating: 0, count: total)
        self.transposedOffsets = offsets
        packTransposed()
    }

    /// Runs one epoch over a fresh shuffle of the points; returns the mean squared error of the
    /// epoch (each point's error measured in its batch's forward pass, before that batch's update).
    @discardableResult
    public func trainEpoch() -> Double {
        var order = Array(0..<targets.count)
        rng.shuffle(&order)
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        var epochLoss = 0.0
        var start = 0
        while start < order.count {
            let batch = Array(order[start..<Swift.min(order.count, start + batchSize)])
            start += batch.count
            epochLoss += batchGradient(batch, into: &gradient)
            adam.step(parameters: &network.parameters, gradient: gradient, pool: pool)
            packTransposed()
        }
        epochsDone += 1
        return epochLoss / Double(targets.count)
    }

    /// The gradient of the batch's mean squared error, for tests against finite differences.
    func gradientForTesting(points: [Int]) -> [Float] {
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        _ = batchGradient(points, into: &gradient)
        return gradient
    }

    /// Scratch per worker and one gradient buffer per chunk, allocated on first use.
    private var scratch: UnsafeMutablePointer<Float>?
    private var chunkGrads: UnsafeMutablePointer<Float>?
    private var scratchCount = 0, maxChunks = 0

    deinit { scratch?.deallocate(); chunkGrads?.deallocate() }

    /// Forward and backward over `batch` (point indices) in chunks of `chunkPoints`, summing the
    /// chunk gradients in chunk order into `gradient`; returns the batch's sum of squared errors.
    private func batchGradient(_ batch: [Int], into gradient: inout [Float]) -> Double {
        let net = network
        let paramCount = net.parameters.count
        let actOffsets = net.layers.reduce(into: [0]) { $0.append($0.last! + Trainer.chunkPanels * $1.paddedOutputs * panelLanes) }
        let dzCount = Trainer.chunkPanels * Swift.max(net.maxPaddedWidth, 2) * panelLanes
        let inputCount = Trainer.chunkPanels * 2 * panelLanes
        let chunks = (batch.count + Trainer.chunkPoints - 1) / Trainer.chunkPoints
        if scratch == nil || chunks > maxChunks {
            scratch?.deallocate(); chunkGrads?.deallocate()
            maxChunks = Swift.max(chunks, (batchSize + Trainer.chunkPoints - 1) / Trainer.chunkPoints)
            scratchCount = inputCount + actOffsets.last! + 2 * dzCount
            scratch = .allocate(capacity: pool.workers(for: maxChunks) * scratchCount)
            chunkGrads = .allocate(capacity: maxChunks * paramCount)
        }
        let scratch = self.scratch!, chunkGrads = self.chunkGrads!, scratchCount = self.scratchCount
        let zeros = [Float](repeating: 0, count: net.maxPaddedWidth + MLP.unitBlock)
        var chunkLoss = [Double](repeating: 0, count: chunks)
        let scale = 2 / Float(batch.count)  // d(mean squared error)/d(output)
        let (inputs, targets) = (self.inputs, self.targets)
        network.parameters.withUnsafeBufferPointer { params in
        transposed.withUnsafeBufferPointer { tw in
        zeros.withUnsafeBufferPointer { zeros in
        chunkLoss.withUnsafeMutableBufferPointer { losses in
            let ctx = ChunkContext(network: net, params: params.baseAddress!, transposed: tw.baseAddress!,
                                   transposedOffsets: transposedOffsets, zeros: zeros.baseAddress!,
                                   actOffsets: actOffsets, inputCount: inputCount, dzCount: dzCount)
            let lossBase = losses.baseAddress!
            pool.forEach(chunks: chunks) { c, worker in
                let points = Array(batch[(c * Trainer.chunkPoints)..<Swift.min(batch.count, (c + 1) * Trainer.chunkPoints)])
                lossBase[c] = ctx.run(points: points, inputs: inputs, targets: targets, scale: scale,
                                      scratch: scratch + worker * scratchCount, gradient: chunkGrads + c * paramCount)
            }
        }}}}
        // Sum chunk gradients in chunk order, split over fixed parameter ranges.
        let pieces = 8, piece = (paramCount + 8 * panelLanes - 1) / (8 * panelLanes) * panelLanes
        gradient.withUnsafeMutableBufferPointer { g in
            let gp = g.baseAddress!
            pool.parallelFor(pieces) { p in
                let end = Swift.min(paramCount, (p + 1) * piece)
                var i = p * piece
                while i + panelLanes <= end {
                    var sum = UnsafeRawPointer(chunkGrads + i).loadUnaligned(as: PanelLanes.self)
                    for c in 1..<Swift.max(1, chunks) {
                        sum += UnsafeRawPointer(chunkGrads + c * paramCount + i).loadUnaligned(as: PanelLanes.self)
                    }
                    UnsafeMutableRawPointer(gp + i).storeBytes(of: sum, as: PanelLanes.self)
                    i += panelLanes
                }
                while i < end {
                    var sum = chunkGrads[i]
                    for c in 1..<Swift.max(1, chunks) { sum += chunkGrads[c * paramCount + i] }
                    gp[i] = sum
                    i += 1
                }
            }
        }
        return chunkLoss.reduce(0, +)
    }

    /// Rebuilds the transposed weights `[Kp/6][Jp][6]` from the packed `[Jp/6][Kp][6]` ones.
    private func packTransposed() {
        let net = network
        net.parameters.withUnsafeBufferPointer { p in
        transposed.withUnsafeMutableBufferPointer { t in
            for (l, layout) in net.layers.enumerated() where l > 0 {
                let base = transposedOffsets[l], kp = layout.paddedInputs, jp = layout.paddedOutputs
                let u = MLP.unitBlock
                for j in 0..<jp {
                    let src = layout.weightOffset + (j / u) * kp * u + j % u
                    for k in 0..<kp {
                        t[base + (k / u) * jp * u + j * u + k % u] = p[src + k * u]
                    }
                }
            }
        }}
    }
}

/// Everything one chunk's forward and backward pass needs, as plain pointers.
private struct ChunkContext {
    let network: MLP
    let params: UnsafePointer<Float>
    let transposed: UnsafePointer<Float>
    let transposedOffsets: [Int]
    let zeros: UnsafePointer<Float>
    let actOffsets: [Int]
    let inputCount: Int, dzCount: Int

    /// Forward and backward over up to `chunkPoints` points; writes the full gradient (every entry,
    /// so no clearing is needed) and returns the chunk's sum of squared errors.
    func run(points: [Int], inputs: [Float], targets: [Float], scale: Float,
             scratch: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>) -> Double {
        let panels = Trainer.chunkPanels
        let input = scratch                        // [C][2][16]
        let acts = scratch + inputCount            // layer l at actOffsets[l]: [C][Jp][16]
        var dz = acts + actOffsets.last!           // [C][Jp][16]
        var dzNext = dz + dzCount
        var target = [Float](repeating: 0, count: panels * panelLanes)
        var valid = [Float](repeating: 0, count: panels * panelLanes)
        input.initialize(repeating: 0, count: inputCount)
        for (i, p) in points.enumerated() {
            let n = i / panelLanes, lane = i % panelLanes
            input[n * 2 * panelLanes + lane] = inputs[2 * p]
            input[n * 2 * panelLanes + panelLanes + lane] = inputs[2 * p + 1]
            target[i] = targets[p]; valid[i] = 1
        }
        let layers = network.layers
        // Forward: keep every layer's activations for the backward pass.
        for (l, layout) in layers.enumerated() where l < layers.count - 1 {
            let src = l == 0 ? UnsafePointer(input) : UnsafePointer(acts + actOffsets[l - 1])
            PanelKernel.layer(inputs: layout.paddedInputs, outputs: layout.paddedOutputs,
                              weights: params + layout.weightOffset, bias: params + layout.biasOffset,
                              input: src, output: acts + actOffsets[l], panels: panels,
                              epilogue: LeakyEpilogue())
        }
        let lastIndex = layers.count - 1
        PanelKernel.layer(inputs: layers[lastIndex].paddedInputs, outputs: layers[lastIndex].paddedOutputs,
                          weights: params + layers[lastIndex].weightOffset, bias: params + layers[lastIndex].biasOffset,
                          input: acts + actOffsets[lastIndex - 1], output: acts + actOffsets[lastIndex], panels: panels,
                          epilogue: LinearEpilogue())
        // Loss and d(loss)/d(output) into dz of the output layer (unit 0; padding units get 0).
        let last = layers[layers.count - 1]
        let outAct = acts + actOffsets[layers.count - 1]
        dz.initialize(repeating: 0, count: panels * last.paddedOutputs * panelLanes)
        var loss = 0.0
        for n in 0..<panels {
            let y = UnsafeRawPointer(outAct + n * last.paddedOutputs * panelLanes).loadUnaligned(as: PanelLanes.self)
            let t = target.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: n * 64, as: PanelLanes.self) }
            let m = valid.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: n * 64, as: PanelLanes.self) }
            let err = (y - t) * m
            loss += Double(PanelKernel.laneSum(err * err))
            UnsafeMutableRawPointer(dz + n * last.paddedOutputs * panelLanes).storeBytes(of: err * scale, as: PanelLanes.self)
        }
        // Backward, last layer first.
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layout = layers[l]
            let kp = layout.paddedInputs, jp = layout.paddedOutputs
            let a = l == 0 ? UnsafePointer(input) : UnsafePointer(acts + actOffsets[l - 1])  // [C][Kp][16]
            // dW[j,k] = Σ_points dz[j]·a[k], dB[j] = Σ_points dz[j], written in the packed layout.
            for j in 0..<jp {
                let blockBase = layout.weightOffset + (j / MLP.unitBlock) * kp * MLP.unitBlock + j % MLP.unitBlock
                let d0 = UnsafeRawPointer(dz + j * panelLanes).loadUnaligned(as: PanelLanes.self)
                let d1 = UnsafeRawPointer(dz + jp * panelLanes + j * panelLanes).loadUnaligned(as: PanelLanes.self)
                for k in 0..<kp {
                    let a0 = UnsafeRawPointer(a + k * panelLanes).loadUnaligned(as: PanelLanes.self)
                    let a1 = UnsafeRawPointer(a + kp * panelLanes + k * panelLanes).loadUnaligned(as: PanelLanes.self)
                    g[blockBase + k * MLP.unitBlock] = PanelKernel.laneSum((d0 * a0).addingProduct(d1, a1))
                }
                g[layout.biasOffset + j] = PanelKernel.laneSum(d0 + d1)
            }
            guard l > 0 else { break }
            // dz of the previous layer = (Wᵀ·dz) ⊙ leaky'(a): the forward kernel on the transposed weights.
            PanelKernel.layer(inputs: jp, outputs: kp, weights: transposed + transposedOffsets[l], bias: zeros,
                              input: dz, output: dzNext, panels: panels, epilogue: DerivativeEpilogue(activations: a))
            swap(&dz, &dzNext)
        }
        return loss
    }
}
