// The `fuzz-gguf` harness: libFuzzer's input handed to `FuzzTargets.gguf` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.gguf(fuzzData(bytes, count))
    return 0
}
