// BPEMerges: ranked merge rules keyed by token-id pairs, and the merge loop every BPE model here runs
// (byte-level BPE from GGUF or tokenizer.json, and SentencePiece-style BPE from tokenizer.json).
//
// Merging one word: starting from its initial symbols (token ids), repeatedly merge the adjacent
// pair with the lowest rank — the leftmost one on a tie — until no adjacent pair has a rule. This is
// Hugging Face's `Word::merge_all` and llama.cpp's BPE loop; only the initial symbols differ between
// the models (byte stand-ins, or characters with byte fallback). Short words use a direct scan (the
// reference); long ones a binary heap over a linked list of symbols, held to the scan by a test.

/// Merge rules by (left id, right id), with the loop that applies them.
struct BPEMerges: Sendable {
    /// (left id << 32 | right id) -> (rank << 32 | merged id)
    private let table: [UInt64: UInt64]

    /// Builds the table from rules in priority order, `id` giving the id of a token's UTF-8. Rules
    /// whose parts or result are not in the vocabulary can never produce a token and are skipped;
    /// of duplicate rules the first counts.
    init(pairs: [(String, String)], id: ([UInt8]) -> Int?) {
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(pairs.count)
        for (rank, (left, right)) in pairs.enumerated() {
            let l8 = Array(left.utf8), r8 = Array(right.utf8)
            guard let l = id(l8), let r = id(r8), let merged = id(l8 + r8) else { continue }
            let key = UInt64(l) << 32 | UInt64(r)
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(merged) }
        }
        self.table = table
    }

    /// Splits rules written "left right" (GGUF `tokenizer.ggml.merges`, older tokenizer.json files).
    /// Tokens of these models never hold a raw space (it is written "Ġ" or "▁"), so a rule is
    /// exactly two non-empty parts around one space.
    static func parse(_ rules: [String]) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(rules.count)
        for (index, rule) in rules.enumerated() {
            pairs.append(try parse(rule, index: index))
        }
        return pairs
    }

    static func parse(_ rule: String, index: Int) throws -> (String, String) {
        let parts = rule.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw TokenizerError.malformedMerge(index: index, text: rule)
        }
        return (String(parts[0]), String(parts[1]))
    }

    /// Merges `symbols` (token ids) until no adjacent pair has a rule.
    func merge(_ symbols: [Int32]) -> [Int32] {
        if symbols.count > 24 { return mergeWithHeap(symbols) }
        var scanned = symbols
        mergeByScanning(&scanned)
        return scanned
    }

    @inline(__always)
    private func lookup(_ left: Int32, _ right: Int32) -> UInt64? {
        table[UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))]
    }

    /// Reference merge: scan all adjacent pairs for the best rank, merge it, repeat. O(n²) but
    /// fastest for the short pieces that make up nearly all text.
    func mergeByScanning(_ symbols: inout [Int32]) {
        while symbols.count > 1 {
            var best = UInt64.max
            var bestPosition = -1
            for p in 0..<(symbols.count - 1) {
                if let entry = lookup(symbols[p], symbols[p + 1]), entry < best {
                    best = entry
                    bestPosition = p
                }
            }
            if bestPosition < 0 { break }
            symbols[bestPosition] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            symbols.remove(at: bestPosition + 1)
        }
    }

    /// Heap merge for long pieces: a min-heap of (rank, left position) over a linked list of
    /// symbols; stale entries are recognised on pop by re-checking the pair's current rank.
    func mergeWithHeap(_ input: [Int32]) -> [Int32] {
        let n = input.count
        var symbols = input
        var next = Array(1...n)            // n means none
        var prev = Array(-1..<(n - 1))     // -1 means none
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap<UInt64>()
        for p in 0..<(n - 1) {
            if let entry = lookup(symbols[p], symbols[p + 1]) {
                heap.push((entry >> 32) << 32 | UInt64(p))
            }
        }
        while let top = heap.pop() {
            let rank = top >> 32
            let left = Int(top & 0xFFFF_FFFF)
            guard alive[left] else { continue }
            let right = next[left]
            guard right < n, let entry = lookup(symbols[left], symbols[right]), entry >> 32 == rank else { continue }
            symbols[left] = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            alive[right] = false
            next[left] = next[right]
            if next[left] < n { prev[next[left]] = left }
            let before = prev[left]
            if before >= 0, let e = lookup(symbols[before], symbols[left]) {
                heap.push((e >> 32) << 32 | UInt64(before))
            }
            if next[left] < n, let e = lookup(symbols[left], symbols[next[left]]) {
                heap.push((e >> 32) << 32 | UInt64(left))
            }
        }
        var out: [Int32] = []
        var p = 0
        while p < n {
            out.append(symbols[p])
            p = next[p]
        }
        return out
    }
}

