// The `fuzz-bundle` harness: libFuzzer's input handed to `FuzzTargets.bundle` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.bundle(fuzzData(bytes, count))
    return 0
}
