// Every fuzz harness's target on its committed seeds (Fuzz/corpus/NAME) and on seeded mutations
// of them: a short, deterministic fuzzing pass inside every test run, so a loader that traps,
// hangs or runs away on malformed input fails CI, not only `make fuzz`. libFuzzer's coverage-guided
// runs (docs/fuzzing.md) go much further; this pass keeps what they found from coming back.
//
// OVERSEER_FUZZ_MUTATIONS sets the mutations per seed (default 24) and OVERSEER_FUZZ_SEED the
// mutation seed (default 1), e.g. for a longer local run with other mutations.

import Foundation
import FuzzTargets
import Kernels
import XCTest

final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
    static let targets: [(String, (Data) -> Void)] = [
        ("gguf", FuzzTargets.gguf), ("safetensors", FuzzTargets.safetensors), ("tokenizer-json", FuzzTargets.tokenizerJSON),
        ("template", FuzzTargets.template), ("bundle", FuzzTargets.bundle), ("labeled-data", FuzzTargets.labeledData),
        ("receipts", FuzzTargets.receipts),
    ]

    static func environment(_ name: String, default value: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) } ?? value
    }

    /// One to four stacked edits of the kinds that break parsers: flipped bits, boundary bytes,
    /// little-endian integers set to boundary values (lengths, counts, offsets), truncation,
    /// a duplicated or deleted span, inserted bytes.
    static func mutate(_ input: [UInt8], _ g: inout Xoshiro256) -> [UInt8] {
        var b = input
        let boundaries: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 40,
                                    UInt64(Int64.max), UInt64.max]
        for _ in 0..<(1 + g.nextInt(below: 4)) {
            let at = b.isEmpty ? 0 : g.nextInt(below: b.count)
            switch g.nextInt(below: 7) {
            case 0 where !b.isEmpty: b[at] ^= UInt8(1) << UInt8(g.nextInt(below: 8))
            case 1 where !b.isEmpty: b[at] = [0, 0xFF, 0x7F, 0x80, 0x22, 0x7B, 0x5C][g.nextInt(below: 7)]
            case 2 where b.count >= 8:
                let width = [2, 4, 8][g.nextInt(below: 3)], start = min(at, b.count - width)
                let v = boundaries[g.nextInt(below: boundaries.count)]
                for i in 0..<width { b[start + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
            case 3: b = Array(b.prefix(at))
            case 4 where !b.isEmpty:
                let span = b[at..<min(b.count, at + 1 + g.nextInt(below: 64))]
                b.insert(contentsOf: span, at: g.nextInt(below: b.count + 1))
            case 5 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + g.nextInt(below: 64)))
            default: b.insert(contentsOf: (0..<(1 + g.nextInt(below: 8))).map { _ in UInt8(truncatingIfNeeded: g.next()) }, at: at)
            }
        }
        return b
    }

    func testSeedsAndTheirMutationsRunCleanly() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus.path) else {
            throw XCTSkip("Fuzz/corpus is absent (\(Self.corpus.path))")
        }
        let mutations = Int(Self.environment("OVERSEER_FUZZ_MUTATIONS", default: 24))
        let seed = Self.environment("OVERSEER_FUZZ_SEED", default: 1)
        for (k, (name, target)) in Self.targets.enumerated() {
            let folder = Self.corpus.appendingPathComponent(name)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            XCTAssertFalse(files.isEmpty, "no seeds for \(name) in \(folder.path)")
            var g = Xoshiro256(seed: seed, stream: UInt64(k))
            var runs = 0
            let start = Date()
            for file in files {
                let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
                target(Data(bytes))
                runs += 1
                for _ in 0..<mutations {
                    target(Data(Self.mutate(bytes, &g)))
                    runs += 1
                }
            }
            XCTAssertEqual(runs, files.count * (1 + mutations))
            print("fuzz corpus: \(name) \(files.count) seeds, \(runs) inputs in "
                  + String(format: "%.1f s", Date().timeIntervalSince(start)) + " (mutation seed \(seed))")
        }
    }
}
