// libFuzzer's side of every harness: its raw input as `Data`, and its driver. What a harness
// does with the bytes is in Fuzz/Targets (`FuzzTargets`), shared with the test suite.

import FuzzEngine
import Foundation

/// The input libFuzzer passes to `LLVMFuzzerTestOneInput`, as `Data` (copied: libFuzzer owns
/// the buffer only for the duration of the call).
public func fuzzData(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Data {
    guard let bytes, count > 0 else { return Data() }
    return Data(bytes: bytes, count: count)
}

/// Runs libFuzzer with `testOneInput` (libFuzzer's flags and corpus folders come from the
/// command line). Called from each harness's main.swift.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
