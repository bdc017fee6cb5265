// The `fuzz-tokenizer-json` harness: libFuzzer's input handed to `FuzzTargets.tokenizerJSON` (Fuzz/Targets,
// which the test suite also runs on the seed corpus and its mutations).

import FuzzSupport
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizerJSON(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.tokenizerJSON(fuzzData(bytes, count))
    return 0
}
