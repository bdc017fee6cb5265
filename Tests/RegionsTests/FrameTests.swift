import Kernels
import XCTest
@testable import Regions

final class FrameTests: XCTestCase {
    /// Widths not multiples of 6 exercise the padding units; size 40 is not a multiple of 16.
    func makeNetwork(seed: UInt64 = 11) throws -> MLP {
        var rng = Xoshiro256(seed: seed, stream: .training)
        return MLP(shape: try NetworkShape(parsing: "[9,14,7]"), rng: &rng)
    }

    func testFusedFrameEqualsReferenceFrame() throws {
        let net = try makeNetwork()
        let renderer = FrameRenderer(network: net, keys: HashKeys(network: net, seed: 11))
        let fused = renderer.render(size: 40, path: .fused, pool: ThreadPool(threads: 2))
        let reference = renderer.render(size: 40, path: .reference, pool: ThreadPool(threads: 1))
        XCTAssertEqual(fused.hashes, reference.hashes)
        XCTAssertEqual(fused.output, reference.output)
        XCTAssertEqual(fused.regionCount, reference.regionCount)
        XCTAssertEqual(fused.image(), reference.image())
        XCTAssertGreaterThan(fused.regionCount, 5)
    }

    func testKernelMatchesScalarForwardAndIndependentPatternHash() throws {
        let net = try makeNetwork()
        let keys = HashKeys(network: net, seed: 11)
        let size = 40
        let frame = FrameRenderer(network: net, keys: keys).render(size: size, path: .fused, pool: ThreadPool(threads: 1))
        for pixel in stride(from: 0, to: size * size, by: 7) {
            var hash: UInt64 = 0
            let y = net.evaluateScalar(x: FrameRenderer.coordinate(pixel % size, size: size),
                                       y: FrameRenderer.coordinate(pixel / size, size: size)) { layer, unit, z in
                if z > 0 { hash ^= keys.key(net.layers[layer].unitOffset + unit) }
            }
            XCTAssertEqual(frame.output[pixel].bitPattern, y.bitPattern, "pixel \(pixel)")
            XCTAssertEqual(frame.hashes[pixel], hash, "pixel \(pixel)")
        }
    }

    func testRegionCountAndBoundaries() throws {
        XCTAssertEqual(Frame.countDistinct([3, 1, 3, 2, 1]), 3)
        let f = Frame(size: 2, output: [0, 1, 0.5, 2], hashes: [7, 7, 7, 9], regionCount: 2)
        let img = f.image(boundary: (255, 0, 0))
        XCTAssertEqual(Array(img.pixels[0..<3]), [0, 0, 0])        // same as right and bottom neighbours
        XCTAssertEqual(Array(img.pixels[3..<6]), [255, 127, 127])  // bottom neighbour differs: white mixed with red
        XCTAssertEqual(Array(img.pixels[6..<9]), [191, 64, 64])    // right neighbour differs: grey 128 mixed with red
        XCTAssertEqual(Array(img.pixels[9..<12]), [255, 255, 255]) // output 2 clamps to white
    }

    func testKeysComeFromTheirOwnStream() throws {
        let net = try makeNetwork()
        let k1 = HashKeys(network: net, seed: 11), k2 = HashKeys(network: net, seed: 12)
        XCTAssertNotEqual(k1.low, k2.low)
        var training = Xoshiro256(seed: 11, stream: .training)
        XCTAssertNotEqual(k1.key(0), training.next())
        // Padding units (layer 0 has 9 units padded to 12) never contribute.
        XCTAssertEqual(k1.key(9), 0)
        XCTAssertNotEqual(k1.key(8), 0)
    }

    func testExplorerWritesReadableFrames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("regions-test-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = ExplorerOptions()
        o.shape = try NetworkShape(parsing: "[8]*2")
        o.epochs = 2; o.saveInterval = 2; o.points = 64; o.size = 24; o.outputDirectory = dir; o.input = "disc"
        var lines: [String] = []
        let records = try Explorer.train(o) { lines.append($0) }
        XCTAssertEqual(records.map(\.frameFile), ["frame_0000.png", nil, "frame_0002.png"])
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[2].contains("regions"), lines[2])
        let png = try PNG.read(contentsOf: dir.appendingPathComponent("frame_0002.png"))
        XCTAssertEqual(png.width, 24)
        XCTAssertEqual(png.channels, 3)
    }
}
