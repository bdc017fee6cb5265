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
//   qwen35  as qwen2 with combining marks (\p{M}) joining letters:
//             (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   falcon  like legacy, with "`" in the first class and no \p{N}+ stage:
//             [\p{P}\$\+<=>\^~\|`]+  then  gpt2 (without its final |\s+)  then  [0-9][0-9][0-9]
//   deepseek-llm   six stages (as llama.cpp applies them; the letter and CJK classes are code point
//                  ranges, listed as tables below):
//             [\r\n]   then  \s?[A-Za-zµÀ-ÖØ-öø-ƺ...𞤀-𞥃]+   then  \s?[!-/:-~！-／：-～‘-‟　-。]+
//             then  \s+$   then  [一-龥ࠀ-一가-퟿]+   then  \p{N}+
//   deepseek-coder five stages:
//             [\r\n]   then  \s?\p{L}+   then  \s?\p{P}+   then  [一-龥ࠀ-一가-퟿]+   then  \p{N}
//
// A staged split ("then") runs each expression as a search over every piece the previous stage
// left: matches become pieces and so does the text between them. In the stages written with code
// point ranges, a non-ASCII whitespace character never counts as inside a range (llama.cpp
// replaces it by a vertical tab before matching), and `$` is the end of the piece.
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
    /// Qwen 3.5's expression: Qwen 2's with combining marks kept inside words.
    case qwen35
    /// Falcon's three-stage split: punctuation runs (with "`"), GPT-2's expression, ASCII digit triples.
    case falcon
    /// DeepSeek LLM's six-stage split: line breaks, Latin/Greek/Cyrillic/... words, ASCII and
    /// full-width punctuation, trailing whitespace, CJK runs, number runs.
    case deepseekLLM = "deepseek-llm"
    /// DeepSeek Coder's five-stage split: line breaks, words, punctuation, CJK runs, single digits.
    case deepseekCoder = "deepseek-coder"

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
        "qwen35": .qwen35,
        "falcon": .falcon,
        "deepseek-llm": .deepseekLLM,
        "deepseek-coder": .deepseekCoder,
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
    /// \p{M}: general category M (Mn, Mc, Me), combining marks.
    static let mark: UInt8 = 32
    /// \p{P} only (Pc Pd Ps Pe Pi Pf Po), without the symbols the legacy class adds.
    static let punctuation: UInt8 = 64

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
            return legacyPunctuation | punctuation
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return mark
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
            // [\p{P}\$\+<=>\^~\|]+, gpt2, \p{N}+, [0-9][0-9][0-9]
            staged([{ lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi, CharClass.legacyPunctuation) } },
                    { lo, hi, emit in scanGPT2Indices(lo, hi, emit) },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi, CharClass.number) } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { asciiDigitTriple($0, hi) } }], n, body)
        case .falcon:
            // [\p{P}\$\+<=>\^~\|`]+, gpt2, [0-9][0-9][0-9]
            staged([{ lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi) { isLegacyPunctuation($0) || values[$0] == 0x60 } } },
                    { lo, hi, emit in scanGPT2Indices(lo, hi, emit) },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { asciiDigitTriple($0, hi) } }], n, body)
        case .qwen35:
            scanLlama3(0, n, maxDigits: 1, marksAreLetters: true, body)
        case .deepseekLLM:
            // [\r\n], \s?[letter ranges]+, \s?[punctuation ranges]+, \s+$, [CJK ranges]+, \p{N}+
            staged([{ lo, hi, emit in searchSplit(lo, hi, emit) { isLineBreak($0) ? $0 + 1 : nil } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) {
                        optionalSpaceRun($0, hi) { inRanges($0, DeepSeekRanges.letters) } } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) {
                        optionalSpaceRun($0, hi) { inRanges($0, DeepSeekRanges.punctuation) } } },
                    { lo, hi, emit in splitTrailingWhitespace(lo, hi, emit) },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi) { inRanges($0, DeepSeekRanges.cjk) } } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi, CharClass.number) } }], n, body)
        case .deepseekCoder:
            // [\r\n], \s?\p{L}+, \s?\p{P}+, [CJK ranges]+, \p{N}
            staged([{ lo, hi, emit in searchSplit(lo, hi, emit) { isLineBreak($0) ? $0 + 1 : nil } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { optionalSpaceRun($0, hi) { has($0, CharClass.letter) } } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { optionalSpaceRun($0, hi) { has($0, CharClass.punctuation) } } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { runMatch($0, hi) { inRanges($0, DeepSeekRanges.cjk) } } },
                    { lo, hi, emit in searchSplit(lo, hi, emit) { has($0, CharClass.number) ? $0 + 1 : nil } }], n, body)
        }
    }

    // MARK: staged splits (indices are scalar positions; `hi` is the end of the piece)

    /// One stage: splits scalars lo..<hi into pieces, passed to `emit` in order as index ranges.
    typealias Stage = (_ lo: Int, _ hi: Int, _ emit: (Int, Int) -> Void) -> Void

    /// Runs `stages` in turn over the whole text, each splitting every piece of the one before;
    /// the last stage's pieces go to `body` as byte ranges.
    private func staged(_ stages: [Stage], _ n: Int, _ body: (Int, Int) -> Void) {
        func run(_ k: Int, _ lo: Int, _ hi: Int) {
            if k == stages.count {
                body(offsets[lo], offsets[hi])
            } else {
                stages[k](lo, hi) { run(k + 1, $0, $1) }
            }
        }
        if n > 0 { run(0, 0, n) }
    }

    /// A regular-expression search over lo..<hi: at each position from the left, `match(p)` gives
    /// the end of a (non-empty) match starting at p, or nil; matches and the text between them
    /// become pieces.
    private func searchSplit(_ lo: Int, _ hi: Int, _ emit: (Int, Int) -> Void, _ match: (Int) -> Int?) {
        var gapStart = lo, p = lo
        while p < hi {
            if let end = match(p) {
                if gapStart < p { emit(gapStart, p) }
                emit(p, end)
                p = end
                gapStart = end
            } else {
                p += 1
            }
        }
        if gapStart < hi { emit(gapStart, hi) }
    }

    /// `X+` at `p` for the class `inClass`.
    private func runMatch(_ p: Int, _ hi: Int, _ inClass: (Int) -> Bool) -> Int? {
        guard inClass(p) else { return nil }
        var end = p + 1
        while end < hi && inClass(end) { end += 1 }
        return end
    }

    /// `X+` at `p` for a `CharClass` flag.
    private func runMatch(_ p: Int, _ hi: Int, _ flag: UInt8) -> Int? {
        runMatch(p, hi) { classes[$0] & flag != 0 }
    }

    /// `\s?X+` at `p` (X never contains whitespace here): a whitespace character joins the run
    /// that follows it.
    private func optionalSpaceRun(_ p: Int, _ hi: Int, _ inClass: (Int) -> Bool) -> Int? {
        if has(p, CharClass.space) {
            return p + 1 < hi && inClass(p + 1) ? runMatch(p + 1, hi, inClass) : nil
        }
        return runMatch(p, hi, inClass)
    }

    /// `[0-9][0-9][0-9]` at `p`.
    private func asciiDigitTriple(_ p: Int, _ hi: Int) -> Int? {
        guard p + 3 <= hi else { return nil }
        for k in p..<(p + 3) where !(0x30...0x39).contains(values[k]) { return nil }
        return p + 3
    }

    /// `\s+$`: the whitespace run that ends the piece, if any, becomes a piece of its own.
    private func splitTrailingWhitespace(_ lo: Int, _ hi: Int, _ emit: (Int, Int) -> Void) {
        var start = hi
        while start > lo && has(start - 1, CharClass.space) { start -= 1 }
        if lo < start { emit(lo, start) }
        if start < hi { emit(start, hi) }
    }

    @inline(__always) private func has(_ i: Int, _ flag: UInt8) -> Bool { classes[i] & flag != 0 }
    @inline(__always) private func isLineBreak(_ i: Int) -> Bool { values[i] == 0x0A || values[i] == 0x0D }
    @inline(__always) private func isLegacyPunctuation(_ i: Int) -> Bool { has(i, CharClass.legacyPunctuation) }

    /// Whether scalar `i` lies in one of `ranges` (sorted, non-overlapping).
    /// Non-ASCII whitespace never does: llama.cpp matches these classes after replacing it.
    private func inRanges(_ i: Int, _ ranges: [ClosedRange<UInt32>]) -> Bool {
        let v = values[i]
        if v >= 0x80 && has(i, CharClass.space) { return false }
        return DeepSeekRanges.contains(ranges, v)
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

    /// Llama 3's expression (`maxDigits` 3), Qwen 2's (1), or with `marksAreLetters` Qwen 3.5's, where
    /// \p{M} joins \p{L} in the word run and leaves the "other" run.
    private func scanLlama3(_ lo: Int, _ hi: Int, maxDigits: Int, marksAreLetters: Bool = false,
                            _ body: (Int, Int) -> Void) {
        let letterOrNumber = CharClass.letter | CharClass.number
        let word = marksAreLetters ? CharClass.letter | CharClass.mark : CharClass.letter
        let notOther = word | CharClass.number | CharClass.space
        var i = lo
        while i < hi {
            let cls = classes[i]
            var end: Int
            if values[i] == 0x27, case let n = contractionLength(i, hi, ignoreCase: true), n > 0 {
                end = i + n
            } else if cls & word != 0 {
                // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional part empty
                end = runEnd(from: i, hi, word)
            } else if cls & (letterOrNumber | CharClass.newline) == 0 && i + 1 < hi
                        && classes[i + 1] & word != 0 {
                // ... with one leading non-letter, non-number, non-CR/LF character
                end = runEnd(from: i + 1, hi, word)
            } else if cls & CharClass.number != 0 {
                end = i + 1
                while end < hi && end - i < maxDigits && classes[end] & CharClass.number != 0 { end += 1 }
            } else if let otherStart = (cls & notOther == 0 ? i
                        : (values[i] == 0x20 && i + 1 < hi && classes[i + 1] & notOther == 0 ? i + 1 : nil)) {
                //  ?[^\s\p{L}\p{N}]+[\r\n]*
                end = otherStart
                while end < hi && classes[end] & notOther == 0 { end += 1 }
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

/// The code point classes of the DeepSeek splits, as written in their expressions (see the file
/// header), sorted by lower bound.
enum DeepSeekRanges {
    /// DeepSeek LLM's word class: A-Za-z, µ, Latin-1 and Latin Extended letters, Greek, Cyrillic,
    /// Armenian, Georgian, Cherokee, letterlike symbols, Glagolitic, Coptic, full-width Latin,
    /// Deseret, Osage, Old Hungarian, Warang Citi, Adlam.
    static let letters: [ClosedRange<UInt32>] = [
        0x41...0x5A, 0x61...0x7A, 0xB5...0xB5, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x1BA, 0x1BC...0x1BF,
        0x1C4...0x293, 0x295...0x2AF, 0x370...0x373, 0x376...0x377, 0x37B...0x37D, 0x37F...0x37F,
        0x386...0x386, 0x388...0x38A, 0x38C...0x38C, 0x38E...0x3A1, 0x3A3...0x3F5, 0x3F7...0x481,
        0x48A...0x52F, 0x531...0x556, 0x10A0...0x10C5, 0x13A0...0x13F5, 0x13F8...0x13FD, 0x1C90...0x1CBA,
        0x1CBD...0x1CBF, 0x1D00...0x1D2B, 0x1D6B...0x1D77, 0x1D79...0x1D9A, 0x1E00...0x1F15,
        0x1F18...0x1F1D, 0x1F20...0x1F45, 0x1F48...0x1F4D, 0x1F50...0x1F57, 0x1F59...0x1F59,
        0x1F5B...0x1F5B, 0x1F5D...0x1F5D, 0x1F5F...0x1F7D, 0x1F80...0x1FB4, 0x1FB6...0x1FBC,
        0x1FBE...0x1FBE, 0x1FC2...0x1FC4, 0x1FC6...0x1FCC, 0x1FD0...0x1FD3, 0x1FD6...0x1FDB,
        0x1FE0...0x1FEC, 0x1FF2...0x1FF4, 0x1FF6...0x1FFC, 0x2102...0x2102, 0x2107...0x2107,
        0x210A...0x2113, 0x2115...0x2115, 0x2119...0x211D, 0x2124...0x2124, 0x2126...0x2126,
        0x2128...0x2128, 0x212A...0x212D, 0x212F...0x2134, 0x2139...0x2139, 0x213C...0x213F,
        0x2145...0x2149, 0x214E...0x214E, 0x2183...0x2184, 0x2C00...0x2C7B, 0x2C7E...0x2CE4,
        0x2CEB...0x2CEE, 0x2CF2...0x2CF3, 0xA640...0xA66D, 0xA680...0xA69B, 0xA722...0xA76F,
        0xA771...0xA787, 0xA78B...0xA78E, 0xAB70...0xABBF, 0xFB00...0xFB06, 0xFB13...0xFB17,
        0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x10400...0x1044F, 0x104B0...0x104D3, 0x104D8...0x104FB,
        0x10C80...0x10CB2, 0x10CC0...0x10CF2, 0x118A0...0x118DF, 0x1E900...0x1E943,
    ]
    /// DeepSeek LLM's punctuation class `[!-/:-~！-／：-～‘-‟　-。]`: ASCII punctuation and letters
    /// (":-~" spans them), full-width forms, curly quotes, CJK space and marks.
    static let punctuation: [ClosedRange<UInt32>] = [
        0x21...0x2F, 0x3A...0x7E, 0x2018...0x201F, 0x3000...0x3002, 0xFF01...0xFF0F, 0xFF1A...0xFF5E,
    ]
    /// `[一-龥ࠀ-一가-퟿]`: U+0800 to U+9FA5 (the first two ranges overlap at U+4E00) and U+AC00 to U+D7FF.
    static let cjk: [ClosedRange<UInt32>] = [0x800...0x9FA5, 0xAC00...0xD7FF]

    /// Whether `value` lies in one of `ranges` (sorted, non-overlapping): a binary search.
    static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(value)
    }
}
