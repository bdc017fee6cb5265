// A feature report as one self-contained HTML page: the feature's strongest contexts, each token
// shaded by the feature's activation on it, the context's own token marked.
//
// All text that comes from data (token texts, titles, descriptions) goes through `htmlEscape` (Formats),
// so a token like `<script>` shows as text and never runs. The page has no scripts and no
// external resources; it can be opened from disk or served as is.

import Formats
import Foundation

/// One feature's page.
///
/// ```swift
/// let contexts = try FeatureAnalysis.topContexts(feature: 7, codes: codes, tokens: texts, count: 20)
/// let page = FeatureReport(feature: 7, title: "SmolLM2 L12 feature 7", contexts: contexts).html()
/// try page.write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct FeatureReport: Sendable {
    public var feature: Int
    public var title: String?
    /// Free text shown under the title (an interpretation, the SAE's name, ...).
    public var description: String?
    /// Fraction of tokens the feature fires on, if known.
    public var frequency: Double?
    public var contexts: [FeatureContext]

    public init(feature: Int, title: String? = nil, description: String? = nil, frequency: Double? = nil,
                contexts: [FeatureContext]) {
        self.feature = feature
        self.title = title
        self.description = description
        self.frequency = frequency
        self.contexts = contexts
    }

    /// How a token's text is shown: escaped, with newlines and tabs made visible.
    static func display(_ token: String) -> String {
        htmlEscape(token).replacingOccurrences(of: "\n", with: "↵").replacingOccurrences(of: "\t", with: "⇥")
    }

    /// Shading of an activation relative to the report's largest: alpha in [0, 1], 3 decimals.
    static func alpha(_ a: Float, max: Float) -> String {
        guard max > 0, a > 0 else { return "0" }
        return String(format: "%.3f", min(1, Double(a / max)))
    }

    /// The page.
    public func html() -> String { Self.page(title: title ?? "Feature \(feature)", reports: [self]) }

    /// One page holding several reports, each a section.
    public static func page(title: String, description: String? = nil, reports: [FeatureReport]) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>\(htmlEscape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; color: #222; }
        .ctx { font-family: ui-monospace, monospace; white-space: pre-wrap; line-height: 1.9; margin: 0.4em 0;
               padding: 0.3em 0.5em; border-left: 3px solid #ddd; }
        .tok { border-radius: 3px; }
        .max { outline: 2px solid #c0392b; font-weight: bold; }
        .act { color: #666; font-size: 0.85em; margin-right: 0.8em; }
        </style></head><body>
        <h1>\(htmlEscape(title))</h1>

        """
        if let description, reports.count > 1 { h += "<p>\(htmlEscape(description))</p>\n" }
        for r in reports { h += r.section(level: reports.count > 1 ? 2 : nil) }
        h += "</body></html>\n"
        return h
    }

    /// The report's facts and contexts; with `level`, under a heading of that level.
    func section(level: Int?) -> String {
        let peak = contexts.flatMap(\.activations).max() ?? 0
        var h = ""
        if let level { h += "<h\(level)>\(htmlEscape(title ?? "Feature \(feature)"))</h\(level)>\n" }
        var facts = ["feature \(feature)", "\(contexts.count) contexts", String(format: "max activation %.4g", Double(peak))]
        if let frequency { facts.append(String(format: "fires on %.4g%% of tokens", 100 * frequency)) }
        if let description { h += "<p>\(htmlEscape(description))</p>\n" }
        h += "<p>\(htmlEscape(facts.joined(separator: " · ")))</p>\n"
        for c in contexts {
            h += "<div class=\"ctx\"><span class=\"act\">\(String(format: "%.4g", Double(c.activation)))</span>"
            for (offset, (token, a)) in zip(c.tokens, c.activations).enumerated() {
                let marked = offset == c.markedOffset
                let cls = marked ? "tok max" : "tok"
                h += "<span class=\"\(cls)\" style=\"background: rgba(255, 140, 0, \(Self.alpha(a, max: peak)))\" "
                h += "title=\"token \(c.range.lowerBound + offset): \(String(format: "%.4g", Double(a)))\">"
                h += Self.display(token) + "</span>"
            }
            h += "</div>\n"
        }
        return h
    }
}
