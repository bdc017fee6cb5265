// DigestTests.swift — the project's three hash schemes against values computed independently.

import Foundation
import Formats
import XCTest

final class DigestTests: XCTestCase {
    func testHexAndPlainSHA256MatchPublishedVectors() {
        XCTAssertEqual(Digest.hex([0x00, 0xff, 0x10, 0xab]), "00ff10ab")
        XCTAssertEqual(Digest.hex([UInt8]()), "")
        // FIPS 180-2 test vectors.
        XCTAssertEqual(Digest.sha256(Data("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256(Data()),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testLittleEndianFloatsHashTheirBitPatterns() {
        let values: [Float] = [1, -2.5, .leastNonzeroMagnitude]
        var bytes = Data()
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        XCTAssertEqual(Digest.sha256(littleEndian: values), Digest.sha256(bytes))
        XCTAssertEqual(values.withUnsafeBytes { Digest.sha256($0) }, Digest.sha256(bytes))  // x86-64 is little-endian
    }

    func testTaggedPartsAreFramedByLength() {
        // tag ‖ 0x00 ‖ u64le(2) ‖ "ab" ‖ u64le(1) ‖ "c", built by hand.
        var manual = Data("t".utf8) + Data([0])
        manual += Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("ab".utf8)
        manual += Data([1, 0, 0, 0, 0, 0, 0, 0]) + Data("c".utf8)
        XCTAssertEqual(Digest.sha256(tag: "t", parts: [Data("ab".utf8), Data("c".utf8)]), Digest.sha256(manual))
        // The same bytes cut differently, or under another tag, hash differently.
        XCTAssertNotEqual(Digest.sha256(tag: "t", parts: [Data("ab".utf8), Data("c".utf8)]),
                          Digest.sha256(tag: "t", parts: [Data("a".utf8), Data("bc".utf8)]))
        XCTAssertNotEqual(Digest.sha256(tag: "t", parts: [Data("ab".utf8)]),
                          Digest.sha256(tag: "u", parts: [Data("ab".utf8)]))
    }

    func testFilesAndFoldersHashAsDocumented() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Larger than one 4 MiB read, so the streamed hash crosses a piece boundary.
        var big = Data(count: (4 << 20) + 123)
        for i in stride(from: 0, to: big.count, by: 4093) { big[i] = UInt8(truncatingIfNeeded: i) }
        try big.write(to: dir.appendingPathComponent("b.bin"))
        try Data("config".utf8).write(to: dir.appendingPathComponent("a.json"))
        try Data("hidden".utf8).write(to: dir.appendingPathComponent(".cache"))
        try Data("nested".utf8).write(to: dir.appendingPathComponent("sub/c.txt"))

        XCTAssertEqual(try Digest.sha256(fileAt: dir.appendingPathComponent("b.bin")), Digest.sha256(big))
        let listing = "a.json\0\(Digest.sha256(Data("config".utf8)))\nb.bin\0\(Digest.sha256(big))\n"
        XCTAssertEqual(try Digest.sha256(folderAt: dir), Digest.sha256(Data(listing.utf8)))

        XCTAssertThrowsError(try Digest.sha256(fileAt: dir.appendingPathComponent("missing"))) { error in
            XCTAssertEqual(error as? Digest.Failure, .unreadable(dir.appendingPathComponent("missing").path))
        }
        XCTAssertThrowsError(try Digest.sha256(folderAt: dir.appendingPathComponent("missing")))
    }
}
