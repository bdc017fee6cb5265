// The `teach` report as one self-contained HTML page: a plot of each concept's z over the
// batches (the update's push along the concept, in units of the random-direction null's
// spread), and the run's table, most taught first. A pure function of the report.

import Evaluation
import Formats
import Foundation

extension TeachReport {
    /// The SVG plot of z per concept over batches (the `top` concepts by |run z|).
    public func svg(top: Int = 8) -> String {
        let shown = run.sorted { abs($0.z) > abs($1.z) }.prefix(top).map(\.concept)
        let series = shown.map { name in
            PlotSeries(name: name, points: batches.map { b in
                (Double(b.batch), b.scores.first { $0.concept == name }?.z ?? 0)
            }, markers: batches.count <= 40)
        }
        let zs = series.flatMap { $0.points.map(\.y) }
        let lo = min(-3, zs.min() ?? 0), hi = max(3, zs.max() ?? 0)
        return SVGPlot.lineChart(title: "What each batch teaches (z against \(nullDirections) random directions)",
                                 xLabel: "batch", yLabel: "z of the update's projection",
                                 series: series, x: 1...Double(max(2, batches.count)), y: lo...hi)
    }

    /// The HTML page.
    public func html() -> String {
        var rows = ""
        for s in run {
            rows += "<tr><td>\(htmlEscape(s.concept))</td><td>\(String(format: "%.4g", s.score))</td>"
                + "<td>\(String(format: "%.2f", s.z))</td><td>\(s.rank) / \(nullDirections + 1)</td></tr>\n"
        }
        return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>overseer teach</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style>
        </head><body>
        <h1>What the data set teaches</h1>
        <p>For each batch and concept: the projection of the update direction −∂L/∂h onto the concept, summed over
        tokens, as a z-score against \(nullDirections) random unit directions at the same taps (seed \(seed)).
        Positive: gradient descent on the batch pushes the model's activations toward the concept.</p>
        \(svg())
        <h2>Whole run</h2>
        <table><tr><th>concept</th><th>score</th><th>z</th><th>rank among the null</th></tr>
        \(rows)</table>
        </body></html>

        """
    }
}
