// Errors of the Regions module.
//
// Every failure a user can cause (a bad shape string, an unreadable PNG, an option out of range)
// arrives as one of these cases, so the command line can print it and exit instead of trapping.

import Foundation

/// What went wrong in the activation-region explorer, specific enough to fix the input.
public enum RegionsError: Error, Equatable, CustomStringConvertible {
    /// A network shape string that does not parse, e.g. `[100]*` or `[0]`.
    case badShape(String, reason: String)
    /// A PNG the reader does not accept (wrong signature, bad CRC, unsupported colour type...).
    case badPNG(String)
    /// A zlib/deflate stream that is malformed or fails its Adler-32 check.
    case badDeflate(String)
    /// An input name that is neither a built-in image nor a readable file.
    case unknownInput(String)
    /// A setting outside what the explorer supports (zero points, size 0, ...).
    case invalidSetting(String)
    /// Writing a frame or reading a file failed at the operating-system level.
    case io(String)

    public var description: String {
        switch self {
        case let .badShape(text, reason): return "bad network shape '\(text)': \(reason)"
        case let .badPNG(reason): return "unsupported or corrupt PNG: \(reason)"
        case let .badDeflate(reason): return "corrupt zlib/deflate data: \(reason)"
        case let .unknownInput(name):
            return "unknown input '\(name)': use ring, disc, square, text, or a path to a PNG file"
        case let .invalidSetting(reason): return "invalid setting: \(reason)"
        case let .io(reason): return reason
        }
    }
}
