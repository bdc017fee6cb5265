// RenderLimits.swift — the sandbox budget of one render.
//
// A chat template is code from a model file. Jinja's sandbox stops attribute access to Python
// internals; this interpreter has no such internals to reach, so what remains is to bound
// resources: output size, work, recursion and time. Each is checked while rendering and ends it
// with `TemplateError.limitExceeded`.

/// Resource limits for one render.
///
/// ```swift
/// let limits = RenderLimits(maxOutputBytes: 1 << 20, maxSteps: 100_000)
/// let prompt = try template.render(messages: msgs, addGenerationPrompt: true,
///                                  bosToken: "", eosToken: "", limits: limits)
/// ```
public struct RenderLimits: Sendable, Equatable {
    /// Which limit was hit.
    public enum Kind: String, Sendable, Equatable, CustomStringConvertible {
        case outputBytes = "output size"
        case steps = "step"
        case recursionDepth = "recursion depth"
        case wallTime = "wall time"
        public var description: String { rawValue }
    }

    /// Largest string (UTF-8 bytes) the render may build: the output, or any string made on the way.
    public var maxOutputBytes: Int
    /// Work budget: one step per statement and loop iteration, plus one per element that a
    /// filter, `range` or a list operation produces or walks.
    public var maxSteps: Int
    /// Deepest nesting of macro calls.
    public var maxRecursionDepth: Int
    /// Longest a render may take, in seconds.
    public var maxWallTime: Double

    public init(maxOutputBytes: Int = 8 << 20, maxSteps: Int = 2_000_000, maxRecursionDepth: Int = 64,
                maxWallTime: Double = 5) {
        self.maxOutputBytes = maxOutputBytes
        self.maxSteps = maxSteps
        self.maxRecursionDepth = maxRecursionDepth
        self.maxWallTime = maxWallTime
    }

    /// Generous for any real chat template (they take a few thousand steps), small enough that a
    /// hostile one fails within seconds.
    public static let `default` = RenderLimits()
}
