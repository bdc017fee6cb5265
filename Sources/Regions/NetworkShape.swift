// Network shape strings: `[100]*20`, `[64,64,32]`, `[32]*3+[16]`.
//
// Grammar (whitespace ignored):
//   shape := group ('+' group)*
//   group := '[' width (',' width)* ']' ('*' count)?
// A group's widths are repeated `count` times, so `[64,32]*2` is 64,32,64,32.

import Foundation

/// The hidden layers of an MLP from (x, y) to one grey value.
///
/// ```swift
/// let shape = try NetworkShape(parsing: "[100]*20")   // 20 hidden layers of 100 units
/// shape.widths                                        // [2, 100, ..., 100, 1]
/// ```
public struct NetworkShape: Equatable, CustomStringConvertible {
    /// Hidden layer widths, input side first.
    public let hidden: [Int]

    /// Largest width and layer count accepted; beyond these a frame would not fit memory or time.
    public static let maxWidth = 4096
    public static let maxLayers = 512

    public init(hidden: [Int]) throws {
        guard !hidden.isEmpty else { throw RegionsError.badShape("\(hidden)", reason: "no hidden layers") }
        guard hidden.count <= Self.maxLayers else {
            throw RegionsError.badShape("\(hidden)", reason: "more than \(Self.maxLayers) layers")
        }
        for w in hidden where w < 1 || w > Self.maxWidth {
            throw RegionsError.badShape("\(hidden)", reason: "width \(w) is outside 1...\(Self.maxWidth)")
        }
        self.hidden = hidden
    }

    public init(parsing text: String) throws {
        let chars = Array(text.filter { !$0.isWhitespace })
        var pos = 0
        func fail(_ reason: String) -> RegionsError { .badShape(text, reason: reason) }
        func number() throws -> Int {
            let start = pos
            while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber { pos += 1 }
            guard pos > start else {
                throw fail(pos < chars.count ? "expected a number at '\(chars[pos])'" : "expected a number at the end")
            }
            guard pos - start <= 6, let n = Int(String(chars[start..<pos])) else { throw fail("number too large") }
            return n
        }
        func expect(_ c: Character) throws {
            guard pos < chars.count, chars[pos] == c else {
                throw fail(pos < chars.count ? "expected '\(c)' at '\(chars[pos])'" : "expected '\(c)' at the end")
            }
            pos += 1
        }
        var widths: [Int] = []
        repeat {
            if !widths.isEmpty { try expect("+") }
            try expect("[")
            var group = [try number()]
            while pos < chars.count, chars[pos] == "," { pos += 1; group.append(try number()) }
            try expect("]")
            var count = 1
            if pos < chars.count, chars[pos] == "*" { pos += 1; count = try number() }
            guard count >= 1 else { throw fail("repeat count must be at least 1") }
            guard widths.count + group.count * count <= Self.maxLayers else {
                throw fail("more than \(Self.maxLayers) layers")
            }
            for _ in 0..<count { widths += group }
        } while pos < chars.count
        for w in widths where w < 1 || w > Self.maxWidth {
            throw fail("width \(w) is outside 1...\(Self.maxWidth)")
        }
        hidden = widths
    }

    /// All layer widths including the 2 inputs and the 1 output: `[2] + hidden + [1]`.
    public var widths: [Int] { [2] + hidden + [1] }

    /// Multiply-adds for one point through the whole network.
    public var macsPerPoint: Int { zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Runs of equal widths are folded, so `[100]*20` prints as `[100]*20`, not 20 numbers.
    public var description: String {
        var groups: [String] = []
        var i = 0
        while i < hidden.count {
            var j = i
            while j < hidden.count, hidden[j] == hidden[i] { j += 1 }
            groups.append(j - i > 1 ? "[\(hidden[i])]*\(j - i)" : "[\(hidden[i])]")
            i = j
        }
        return groups.joined(separator: "+")
    }
}
