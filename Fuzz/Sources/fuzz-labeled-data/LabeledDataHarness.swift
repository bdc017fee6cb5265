// The `fuzz-labeled-data` harness: libFuzzer's input handed to `FuzzTargets.labeledData` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabeledData(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.labeledData(fuzzData(bytes, count))
    return 0
}
