// Images: the training targets (grey, in [0, 1]) and the frames (8-bit RGB), plus the built-in
// test pictures the explorer can generate without any file: a centred ring, a disc, a square and
// a short word drawn with a tiny bitmap font.

import Foundation

/// A greyscale image with values in [0, 1], row-major. [height, width]
public struct GreyImage: Equatable {
    public let width: Int, height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height)
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// The value at the pixel containing point (x, y) in [-1, 1]² (rows going down), i.e. the
    /// inverse of the pixel-centre mapping used for frames.
    public func value(x: Float, y: Float) -> Float {
        let c = Swift.min(width - 1, Swift.max(0, Int(((x + 1) * 0.5 * Float(width)).rounded(.down))))
        let r = Swift.min(height - 1, Swift.max(0, Int(((y + 1) * 0.5 * Float(height)).rounded(.down))))
        return pixels[r * width + c]
    }

    /// 8-bit grey bytes for writing a PNG.
    public var bytes: [UInt8] { pixels.map { UInt8((Swift.min(Swift.max($0, 0), 1) * 255).rounded()) } }
}

/// An 8-bit RGB image, row-major, 3 bytes per pixel. [height, width, 3]
public struct RGBImage: Equatable {
    public let width: Int, height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3)
        self.width = width; self.height = height; self.pixels = pixels
    }
}

/// The built-in inputs, generated at any resolution.
///
/// ```swift
/// let ring = BuiltinImage.ring.render(resolution: 256)
/// let word = BuiltinImage.text("RELU").render(resolution: 256)
/// ```
public enum BuiltinImage: Equatable {
    case ring, disc, square
    case text(String)

    /// Parses `ring`, `disc`, `square` or `text` (with `word` as the text); nil for anything else.
    public init?(name: String, word: String = "RELU") {
        switch name.lowercased() {
        case "ring": self = .ring
        case "disc": self = .disc
        case "square": self = .square
        case "text": self = .text(word)
        default: return nil
        }
    }

    /// White shape on black, sampled at pixel centres in [-1, 1]².
    public func render(resolution n: Int) -> GreyImage {
        var pixels = [Float](repeating: 0, count: n * n)
        if case let .text(word) = self {
            BitmapFont.draw(word, into: &pixels, size: n)
            return GreyImage(width: n, height: n, pixels: pixels)
        }
        for r in 0..<n {
            let y = FrameRenderer.coordinate(r, size: n)
            for c in 0..<n {
                let x = FrameRenderer.coordinate(c, size: n)
                let radius = (x * x + y * y).squareRoot()
                let inside: Bool
                switch self {
                case .ring: inside = radius >= 0.4 && radius <= 0.7
                case .disc: inside = radius <= 0.6
                case .square: inside = abs(x) <= 0.5 && abs(y) <= 0.5
                case .text: inside = false
                }
                pixels[r * n + c] = inside ? 1 : 0
            }
        }
        return GreyImage(width: n, height: n, pixels: pixels)
    }
}

/// A 5×7 bitmap font for A–Z, 0–9 and space; other characters draw as a blank cell.
enum BitmapFont {
    static let glyphWidth = 5, glyphHeight = 7

    /// Each glyph is 7 rows of 5 bits, most significant bit on the left.
    static let glyphs: [Character: [UInt8]] = [
        "A": [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        "B": [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110],
        "C": [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110],
        "D": [0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100],
        "E": [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
        "F": [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000],
        "G": [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111],
        "H": [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        "I": [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        "J": [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100],
        "K": [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001],
        "L": [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
        "M": [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
        "N": [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001],
        "O": [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
        "P": [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
        "Q": [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101],
        "R": [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001],
        "S": [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
        "T": [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
        "U": [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
        "V": [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100],
        "W": [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010],
        "X": [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001],
        "Y": [0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100],
        "Z": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111],
        "0": [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        "1": [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        "2": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        "3": [0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110],
        "4": [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
        "5": [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
        "6": [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        "7": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
        "8": [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
        "9": [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
    ]

    /// Whether bit (column, row) of `ch`'s glyph is set.
    static func isSet(_ ch: Character, column: Int, row: Int) -> Bool {
        guard let rows = glyphs[Character(ch.uppercased())] else { return false }
        return rows[row] >> (glyphWidth - 1 - column) & 1 == 1
    }

    /// Draws `word` centred in a size×size image, as large as fits 80% of the width: each glyph is
    /// 5 cells wide plus 1 cell of spacing, and each cell a square block of pixels.
    static func draw(_ word: String, into pixels: inout [Float], size n: Int) {
        let chars = Array(word)
        guard !chars.isEmpty else { return }
        let cellsWide = chars.count * (glyphWidth + 1) - 1
        let cell = Swift.max(1, Swift.min(n * 8 / 10 / cellsWide, n * 8 / 10 / glyphHeight))
        let left = (n - cellsWide * cell) / 2, top = (n - glyphHeight * cell) / 2
        for r in 0..<n {
            let gy = r - top
            guard gy >= 0, gy < glyphHeight * cell else { continue }
            for c in 0..<n {
                let gx = c - left
                guard gx >= 0, gx < cellsWide * cell else { continue }
                let cellX = gx / cell
                let index = cellX / (glyphWidth + 1), column = cellX % (glyphWidth + 1)
                if column < glyphWidth, isSet(chars[index], column: column, row: gy / cell) {
                    pixels[r * n + c] = 1
                }
            }
        }
    }
}
