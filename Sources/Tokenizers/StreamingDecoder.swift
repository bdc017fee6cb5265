// StreamingDecoder: turns generated token ids into text one id at a time.
//
// A byte-level token can end in the middle of a multi-byte UTF-8 character (an emoji is often two or
// three byte tokens), so decoding each token alone would print U+FFFD garbage. The decoder keeps the
// bytes of an incomplete trailing character and returns only text that is final: complete
// characters, plus U+FFFD for byte sequences that can no longer become valid. `finish()` returns
// whatever is still held, with an incomplete character replaced by U+FFFD.
//
// Invariant (tested): the concatenation of everything `append` and `finish` return equals
// `tokenizer.decode(allIds)` — for byte-level BPE exactly; for SentencePiece models `decode` also
// drops the one leading space the model's prefix-space rule added, which a stream that continues a
// prompt must keep, so the streaming output keeps it.

/// Incremental detokenizer that never splits a UTF-8 character.
///
/// ```swift
/// var stream = StreamingDecoder(tokenizer: tok)
/// for id in generatedIds { print(stream.append(id), terminator: "") }
/// print(stream.finish())
/// ```
public struct StreamingDecoder {
    public let tokenizer: any Tokenizer
    /// Whether control tokens (such as "<|im_end|>") appear in the output as their text.
    public let renderControlTokens: Bool
    /// Bytes of an incomplete UTF-8 character at the end of the input so far (at most 3).
    private var pending: [UInt8] = []

    public init(tokenizer: any Tokenizer, renderControlTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.renderControlTokens = renderControlTokens
    }

    /// Bytes held back waiting for the rest of a character.
    public var heldBytes: [UInt8] { pending }

    /// Adds one token and returns the text that became final (possibly empty).
    public mutating func append(_ id: Int) -> String {
        pending.append(contentsOf: tokenizer.pieceBytes(id, renderControlTokens: renderControlTokens))
        let cut = StreamingDecoder.completePrefixLength(pending)
        if cut == 0 { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns the held bytes (an incomplete character becomes U+FFFD) and resets the decoder.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix of `bytes` after which no later byte can change how the prefix
    /// decodes: everything except a trailing sequence that is a proper prefix of a valid UTF-8
    /// encoding (right lead byte, right continuation bytes, not yet long enough).
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // A character is at most 4 bytes, so an incomplete one starts in the last 3.
        var start = n - 1
        while start >= 0 && start >= n - 3 {
            let b = bytes[start]
            if b & 0xC0 != 0x80 {                    // a lead byte (or ASCII)
                let need = StreamingDecoder.sequenceLength(lead: b)
                let have = n - start
                if need > have && isValidPrefix(bytes[start...]) { return start }
                return n
            }
            start -= 1
        }
        return n
    }

    /// Expected length of the sequence a lead byte starts, or 0 if it can never start one.
    static func sequenceLength(lead b: UInt8) -> Int {
        switch b {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0                            // C0, C1, F5...FF, continuation bytes
        }
    }

    /// Whether `seq` (lead byte first, shorter than its full length) can still be completed into a
    /// valid scalar: the second byte's range is restricted after E0, ED, F0 and F4 (no overlong
    /// forms, no surrogates, nothing above U+10FFFF); every later byte is a plain continuation byte.
    static func isValidPrefix(_ seq: ArraySlice<UInt8>) -> Bool {
        let lead = seq[seq.startIndex]
        guard sequenceLength(lead: lead) > 1 else { return false }
        for (offset, b) in seq.dropFirst().enumerated() {
            var range: ClosedRange<UInt8> = 0x80...0xBF
            if offset == 0 {
                switch lead {
                case 0xE0: range = 0xA0...0xBF
                case 0xED: range = 0x80...0x9F
                case 0xF0: range = 0x90...0xBF
                case 0xF4: range = 0x80...0x8F
                default: break
                }
            }
            if !range.contains(b) { return false }
        }
        return true
    }
}
