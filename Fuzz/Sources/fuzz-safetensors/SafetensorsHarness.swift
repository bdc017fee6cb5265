// The `fuzz-safetensors` harness: libFuzzer's input handed to `FuzzTargets.safetensors` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.safetensors(fuzzData(bytes, count))
    return 0
}
