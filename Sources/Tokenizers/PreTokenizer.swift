// PreTokenizer: splits text into the pieces ("words") that byte-level BPE merges within.
//
// Each family's split is defined by a regular expression in the original tokenizers; here each is a
// hand-written scanner that reproduces the leftmost-alternative, greedy-with-backtracking semantics
// of that expression, because a general regex engine is far too slow for megabytes of text.
// Character classes follow the Unicode properties the expressions name:
//   \p{L}  general category L (Lu, Ll, Lt, Lm, Lo)
//   \p{N}  general category N (Nd, Nl, No) — so "½", "²" and "Ⅻ" are numbers, not just 0-9
//   \s     the White_Space property (includes U+00A0, U+2028, U+3000, ...)
//
// The expressions (from the models' published tokenizer configurations):
//   gpt2    's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama3  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2   as llama3 with \p{N} (one number character per piece) instead of \p{N}{1,3}
//   smollm  every \p{N} character becomes its own piece first (HF `Digits(individual_digits: true)`,
//           llama.cpp's first expression "\p{N}"), then gpt2 runs on the text between them
//   legacy  llama.cpp's "default" split, used for files without `tokenizer.ggml.pre`: four
//           expressions applied in turn, each splitting every piece the previous one left (text
//           between matches stays a piece of its own):
//             [\p{P}\$\+<=>\^~\|]+    then  gpt2 (without its final |\s+)
//             \p{N}+                  then  [0-9][0-9][0-9]
//
// Two details that are easy to get wrong:
//   * `\s+(?!\S)` on a run of whitespace followed by a non-space backtracks one character, so the
//     run splits into "all but the last" and the last character goes with the next word
//     ("a   b" -> "a", "  ", " b"); at the end of the text the whole run is one piece.
//   * Splitting happens on every segment separately: in smollm, "a 1" is "a", " ", "1" because the
//     space, cut off from the digit, ends its segment.

/// The pre-tokenizer families implemented by this module.
///
/// ```swift
/// let pieces = PreTokenizer.llama3.split("I'm 12345 ok")   // ["I", "'m", " ", "123", "45", " ok"]
/// ```
public enum PreTokenizer: String, Sendable, CaseIterable, CustomStringConvertible {
    /// GPT-2's expression (also MPT, OLMo).
    case gpt2
    /// Llama 3's expression (also DBRX, Smaug, Falcon 3): numbers in groups of up to three.
    case llama3
    /// Qwen 2's expression: Llama 3's with single-character numbers.
    case qwen2
    /// Individual digits, then GPT-2's expression (SmolLM, StarCoder, Refact, Command-R, CodeShell, EXAONE).
    case smollm
    /// llama.cpp's default for byte-level files that name no pre-tokenizer: punctuation runs,
    /// then GPT-2's expression, then number runs, then groups of three ASCII digits.
    case legacy

    public var description: String { rawValue }

    /// GGUF `tokenizer.ggml.pre` values and the family each one uses (names as written by llama.cpp's
    /// converter).
    public static let ggufNames: [String: PreTokenizer] = [
        // llama.cpp writes "gpt-2" for GPT-2 and for the models that reuse its expression.
        "gpt-2": .gpt2, "gpt2": .gpt2, "phi-2": .gpt2, "jina-es": .gpt2, "jina-de": .gpt2, "jina-v1-en": .gpt2,
        "jina-v2-es": .gpt2, "jina-v2-de": .gpt2, "gigachat": .gpt2, "mpt": .gpt2, "olmo": .gpt2,
        "llama3": .llama3, "llama-v3": .llama3, "llama-bpe": .llama3, "falcon3": .llama3,
        "dbrx": .llama3, "smaug-bpe": .llama3,
        "qwen2": .qwen2, "deepseek-r1-qwen": .qwen2,
        "smollm": .smollm, "starcoder": .smollm, "refact": .smollm, "command-r": .smollm,
        "codeshell": .smollm, "exaone": .smollm,
        "default": .legacy,
    ]

    /// The family for a GGUF `tokenizer.ggml.pre` value.
    ///
    /// "default" is llama.cpp's four-expression legacy split, which it also uses when the key is
    /// missing (`TokenizerKind.make` with `pre: nil`).
    public init(ggufName: String) throws {
        guard let found = PreTokenizer.ggufNames[ggufName] else {
            throw TokenizerError.unknownPreTokenizer(name: ggufName, known: PreTokenizer.ggufNames.keys.sorted())
        }
        self = found
    }

    /// Splits `text` into pieces. Concatenating the pieces gives back `text`.
    public func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        let scanned = ScannedText(bytes[...])
        var pieces: [String] = []
        scanned.forEachPiece(self) { lo, hi in
            pieces.append(String(decoding: bytes[lo..<hi], as: UTF8.self))
        }
        return pieces
    }
}

/// Character-class flags per scalar.
enum CharClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let space: UInt8 = 4
    /// `\r` or `\n` (also has `space`).
    static let newline: UInt8 = 8
    /// The legacy split's first class: \p{P} (Pc Pd Ps Pe Pi Pf Po) and $ + < = > ^ ~ |.
    static let legacyPunctuation: UInt8 = 16

    static let ascii: [UInt8] = (0..<128).map { classify(UInt32($0)) }

    static func of(_ value: UInt32) -> UInt8 {
        value < 128 ? ascii[Int(value)] : classify(value)
    }

    static func classify(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        if properties.isWhitespace {
            return value == 0x0A || value == 0x0D ? space | newline : space
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return legacyPunctuation
        default:
            // $ + < = > ^ ~ | are symbols (Sc, Sm, Sk), named in the legacy expression by hand.
            return [0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C].contains(value) ? legacyPunctuation : 0
        }
    }
}

/// A UTF-8 segment decoded into scalars with their classes and byte offsets, ready for scanning.
struct ScannedText {
    /// [scalars] scalar values
    var values: [UInt32] = []
    /// [scalars] `CharClass` flags
    var classes: [UInt8] = []
    /// [scalars + 1] byte offset of each scalar (into the base of the slice passed in), then the end
    var offsets: [Int] = []

    /// `bytes` must be valid UTF-8 (it comes from a Swift `String`).
    init(_ bytes: ArraySlice<UInt8>) {
        values.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b0 = bytes[i]
            var value: UInt32
            var width: Int
            if b0 < 0x80 {
                value = UInt32(b0); width = 1
            } else if b0 < 0xE0 {
                value = UInt32(b0 & 0x1F); width = 2
            } else if b0 < 0xF0 {
                value = UInt32(b0 & 0x0F); width = 3
            } else {
                value = UInt32(b0 & 0x07); width = 4
            }
            if i + width > end { width = end - i }
            for k in 1..<max(width, 1) { value = (value << 6) | UInt32(bytes[i + k] & 0x3F) }
            values.append(value)
            classes.append(CharClass.of(value))
            offsets.append(i)
            i += width
        }
        offsets.append(end)
    }

    var count: Int { values.count }

    /// Calls `body(byteStart, byteEnd)` for each piece, in order.
    func forEachPiece(_ kind: PreTokenizer, _ body: (Int, Int) -> Void) {
        let n = count
        switch kind {
        case .gpt2:
            scanGPT2(0, n, body)
        case .llama3:
            scanLlama3(0, n, maxDigits: 3, body)
        case .qwen2:
            scanLlama3(0, n, maxDigits: 1, body)
        case .smollm:
            var segmentStart = 0
            for i in 0..<n where classes[i] & CharClass.number != 0 {
                if segmentStart < i { scanGPT2(segmentStart, i, body) }
                body(offsets[i], offsets[i + 1])
                segmentStart = i + 1
            }
            if segmentStart < n { scanGPT2(segmentStart, n, body) }
        case .legacy:
            scanLegacy(n, body)
        }
    }

    /// The legacy split (see the file header): each stage splits the pieces of the one before.
    private func scanLegacy(_ n: Int, _ body: (Int, Int) -> Void) {
        // Stage 4: [0-9][0-9][0-9] inside a number run.
        func threeDigits(_ lo: Int, _ hi: Int) {
            func ascii(_ k: Int) -> Bool { (0x30...0x39).contains(values[k]) }
            var start = lo, i = lo
            while i + 3 <= hi {
                if ascii(i) && ascii(i + 1) && ascii(i + 2) {
                    if start < i { body(offsets[start], offsets[i]) }
                    body(offsets[i], offsets[i + 3])
                    i += 3
                    start = i
                } else {
                    i += 1
                }
            }
            if start < hi { body(offsets[start], offsets[hi]) }
        }
        // Stage 3: \p{N}+ runs and the text between them.
        func numberRuns(_ lo: Int, _ hi: Int) {
            var i = lo
            while i < hi {
                let isNumber = classes[i] & CharClass.number != 0
                var j = i + 1
                while j < hi && (classes[j] & CharClass.number != 0) == isNumber { j += 1 }
                if isNumber { threeDigits(i, j) } else { body(offsets[i], offsets[j]) }
                i = j
            }
        }
        // Stage 1: runs of legacy punctuation and the text between them; stage 2 inside each.
        var i = 0
        while i < n {
            let isPunctuation = classes[i] & CharClass.legacyPunctuation != 0
            var j = i + 1
            while j < n && (classes[j] & CharClass.legacyPunctuation != 0) == isPunctuation { j += 1 }
            scanGPT2Indices(i, j, numberRuns)
            i = j
        }
    }

    // MARK: scanners (indices are scalar positions; `hi` is the end of the segment)

    /// Length of the contraction `'s|'t|'re|'ve|'m|'ll|'d` starting at `i` (an apostrophe), or 0.
    private func contractionLength(_ i: Int, _ hi: Int, ignoreCase: Bool) -> Int {
        guard i + 1 < hi else { return 0 }
        func letter(_ k: Int) -> UInt32 {
            let v = values[k]
            guard ignoreCase else { return v }
            if v == 0x17F { return 0x73 }                 // ſ case-folds to s
            return (0x41...0x5A).contains(v) ? v | 0x20 : v
        }
        switch letter(i + 1) {
        case 0x73, 0x74, 0x6D, 0x64:                      // s t m d
            return 2
        case 0x72, 0x76:                                  // r v -> 're 've
            return i + 2 < hi && letter(i + 2) == 0x65 ? 3 : 0
        case 0x6C:                                        // l -> 'll
            return i + 2 < hi && letter(i + 2) == 0x6C ? 3 : 0
        default:
            return 0
        }
    }

    /// End of the run of scalars starting at `i` whose class has any of `flags` (or, with
    /// `flags == 0`, whose class has none of letter/number/space).
    @inline(__always)
    private func runEnd(from i: Int, _ hi: Int, _ flags: UInt8) -> Int {
        var j = i
        if flags == 0 {
            let mask = CharClass.letter | CharClass.number | CharClass.space
            while j < hi && classes[j] & mask == 0 { j += 1 }
        } else {
            while j < hi && classes[j] & flags != 0 { j += 1 }
        }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace character `i`.
    @inline(__always)
    private func whitespaceRunEnd(_ i: Int, _ hi: Int) -> Int {
        let j = runEnd(from: i, hi, CharClass.space)
        if j == hi || j - i == 1 { return j }
        return j - 1
    }

    private func scanGPT2(_ lo: Int, _ hi: Int, _ body: (Int, Int) -> Void) {
        scanGPT2Indices(lo, hi) { body(offsets[$0], offsets[$1]) }
    }

    /// GPT-2's pieces of scalars lo..<hi, as scalar index ranges.
    private func scanGPT2Indices(_ lo: Int, _ hi: Int, _ body: (Int, Int) -> Void) {
        var i = lo
        while i < hi {
            var end: Int
            if values[i] == 0x27, case let n = contractionLength(i, hi, ignoreCase: false), n > 0 {
                end = i + n
            } else {
                // ` ?X+` for X in letter, number, other: an optional leading space joins the run.
                var runStart = i
                if values[i] == 0x20 && i + 1 < hi && classes[i + 1] & CharClass.space == 0 {
                    runStart = i + 1
                }
                let cls = classes[runStart]
                if cls & CharClass.space != 0 {
                    end = whitespaceRunEnd(i, hi)
                } else if cls & CharClass.letter != 0 {
                    end = runEnd(from: runStart, hi, CharClass.letter)
                } else if cls & CharClass.number != 0 {
                    end = runEnd(from: runStart, hi, CharClass.number)
                } else {
                    end = runEnd(from: runStart, hi, 0)
                }
            }
            body(i, end)
            i = end
        }
    }

    private func scanLlama3(_ lo: Int, _ hi: Int, maxDigits: Int, _ body: (Int, Int) -> Void) {
        let letterOrNumber = CharClass.letter | CharClass.number
        var i = lo
        while i < hi {
            let cls = classes[i]
            var end: Int
            if values[i] == 0x27, case let n = contractionLength(i, hi, ignoreCase: true), n > 0 {
                end = i + n
            } else if cls & CharClass.letter != 0 {
                // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional part empty
                end = runEnd(from: i, hi, CharClass.letter)
            } else if cls & (letterOrNumber | CharClass.newline) == 0 && i + 1 < hi
                        && classes[i + 1] & CharClass.letter != 0 {
                // ... with one leading non-letter, non-number, non-CR/LF character
                end = runEnd(from: i + 1, hi, CharClass.letter)
            } else if cls & CharClass.number != 0 {
                end = i + 1
                while end < hi && end - i < maxDigits && classes[end] & CharClass.number != 0 { end += 1 }
            } else if let otherStart = (cls & (letterOrNumber | CharClass.space) == 0 ? i
                        : (values[i] == 0x20 && i + 1 < hi
                           && classes[i + 1] & (letterOrNumber | CharClass.space) == 0 ? i + 1 : nil)) {
                //  ?[^\s\p{L}\p{N}]+[\r\n]*
                end = runEnd(from: otherStart, hi, 0)
                end = runEnd(from: end, hi, CharClass.newline)
            } else {
                // whitespace: \s*[\r\n]+ (up to the last CR/LF in the run), else \s+(?!\S)|\s+
                let runEnd = runEnd(from: i, hi, CharClass.space)
                var lastNewline = -1
                var k = runEnd - 1
                while k >= i {
                    if classes[k] & CharClass.newline != 0 { lastNewline = k; break }
                    k -= 1
                }
                if lastNewline >= 0 {
                    end = lastNewline + 1
                } else {
                    end = (runEnd == hi || runEnd - i == 1) ? runEnd : runEnd - 1
                }
            }
            body(offsets[i], offsets[end])
            i = end
        }
    }
}
