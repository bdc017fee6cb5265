// What each fuzz harness does with one input, as plain functions of the bytes: libFuzzer's
// harnesses (Fuzz/Sources, `make fuzz`) call them with its mutations, and the test suite calls
// them with the committed seeds in Fuzz/corpus and seeded mutations of those (FuzzTargetsTests),
// so every CI run exercises every loader of untrusted bytes on malformed input. Each function
// must return (never trap, never hang) whatever the bytes.

import Foundation

/// One function per harness; see the files beside this one.
public enum FuzzTargets {
    /// A file under the temporary directory, one per process and name, overwritten by every input.
    /// Loaders that memory-map or open by path read it as they would a user's file.
    static func scratchFile(_ name: String, contents: Data) -> URL {
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
    public static func splitInput(_ data: Data) -> (first: Data, second: Data) {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { return (Data(), Data()) }
        let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        let length = min(declared, bytes.count - 4)
        return (Data(bytes[4 ..< 4 + length]), Data(bytes[(4 + length)...]))
    }
}
