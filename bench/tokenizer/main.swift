// Tokenizer throughput benchmark: encodes a text file with a tokenizer.json, checks the ids against a
// reference id list when given, and prints timings. Run through bench/tokenizer/tokenizer-bench.sh, which
// builds it against the release Tokenizers module and measures Hugging Face `tokenizers` in the same run.
//
// usage: TokenizerBench tokenizer.json text.txt [reference-ids.json]

import Foundation
import Tokenizers

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: TokenizerBench tokenizer.json text.txt [reference-ids.json]\n".utf8))
    exit(2)
}
do {
    var tok: BPETokenizer!
    let load = try seconds2 { tok = try BPETokenizer.fromTokenizerJSON(data: Data(contentsOf: URL(fileURLWithPath: args[1]))) }
    let text = try String(contentsOfFile: args[2], encoding: .utf8)
    let megabytes = Double(text.utf8.count) / 1_048_576
    var pieces = 0
    let split = seconds { pieces = tok.preTokenizer.split(text).count }
    var ids: [Int] = []
    let cold = seconds { ids = tok.encode(text) }
    let warm = seconds { ids = tok.encode(text) }
    var decoded = ""
    let decode = seconds { decoded = tok.decode(ids) }
    print(String(format: "load tokenizer.json      %.3f s", load))
    print(String(format: "pre-tokenize only        %.3f s  (%d pieces)", split, pieces))
    print(String(format: "encode %.2f MB           %.3f s  (%.1f MB/s, %d tokens)", megabytes, cold, megabytes / cold, ids.count))
    print(String(format: "encode again             %.3f s", warm))
    print(String(format: "decode                   %.3f s", decode))
    print("round trip: \(decoded == text ? "exact" : "DIFFERS")")
    if args.count >= 4 {
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: args[3]))) as! [Int]
        print("reference ids: \(reference == ids ? "identical" : "DIFFER") (\(reference.count) vs \(ids.count))")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}

func seconds2(_ body: () throws -> Void) throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
