// The `fuzz-receipts` harness: libFuzzer's input handed to `FuzzTargets.receipts` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReceipts(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.receipts(fuzzData(bytes, count))
    return 0
}
