// What every harness needs around libFuzzer's raw input: the bytes as `Data`, a scratch file
// for loaders that only take a path, and a way to split one input into two documents.

import FuzzEngine
import Foundation

/// The input libFuzzer passes to `LLVMFuzzerTestOneInput`, as `Data` (copied: libFuzzer owns
/// the buffer only for the duration of the call).
public func fuzzData(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Data {
    guard let bytes, count > 0 else { return Data() }
    return Data(bytes: bytes, count: count)
}

/// A file under the temporary directory, one per process and name, overwritten by every input.
/// Loaders that memory-map or open by path read it as they would a user's file.
public func scratchFile(_ name: String, contents: Data) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("overseer-fuzz-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: url)
    // A failed write would make every later input meaningless: stop loudly.
    guard FileManager.default.createFile(atPath: url.path, contents: contents) else {
        fputs("cannot write \(url.path)\n", stderr)
        exit(2)
    }
    return url
}

/// Splits an input into two documents: the first four bytes (little-endian) give the first
/// document's length, clamped to what remains; the second is the rest. Inputs shorter than four
/// bytes give two empty documents.
public func splitInput(_ data: Data) -> (first: Data, second: Data) {
    let bytes = [UInt8](data)
    guard bytes.count >= 4 else { return (Data(), Data()) }
    let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
    let length = min(declared, bytes.count - 4)
    return (Data(bytes[4 ..< 4 + length]), Data(bytes[(4 + length)...]))
}

/// The inverse of `splitInput`, for writing seeds.
public func joinInput(_ first: Data, _ second: Data) -> Data {
    let n = UInt32(first.count)
    return Data([UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]) + first + second
}

/// Runs libFuzzer with `testOneInput` (libFuzzer's flags and corpus folders come from the
/// command line). Called from each harness's main.swift.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
