// A tokenizer is immutable after construction: encoding from many threads at once gives the same ids.

import Foundation
import XCTest
@testable import Tokenizers

final class ConcurrencyTests: XCTestCase {
    func testConcurrentEncodingAgreesWithSerial() throws {
        let tok = try Fixtures.requireSmol()
        let texts = try Fixtures.expected("plain").map(\.text)
        let serial = texts.map { tok.encode($0) }
        let lock = NSLock()
        var mismatches = 0
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for (i, text) in texts.enumerated() where i % 2 == worker % 2 {
                if tok.encode(text) != serial[i] {
                    lock.lock(); mismatches += 1; lock.unlock()
                }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testEndOfGeneration() throws {
        let tok = try Fixtures.requireSmol()
        XCTAssertTrue(tok.specialTokens.isEndOfGeneration(2))
        XCTAssertFalse(tok.specialTokens.isEndOfGeneration(1))
        let withEOT = SpecialTokens(eos: 2, eot: 0)
        XCTAssertTrue(withEOT.isEndOfGeneration(0))
    }
}
