// Small SVG line charts for reports: ROC curves and per-layer AUROC. Plain SVG 1.1 text, no
// scripts, fixed number formatting, so a report is a pure function of its numbers.

import Formats
import Foundation

public struct PlotSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// Draw markers at the points (per-layer plots) or only the line (ROC curves).
    public var markers: Bool
    public init(name: String, points: [(x: Double, y: Double)], markers: Bool = false) {
        self.name = name
        self.points = points
        self.markers = markers
    }
}

public enum SVGPlot {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// A line chart of `series` over [x0, x1] × [y0, y1], with a dashed diagonal when `diagonal`.
    public static func lineChart(title: String, xLabel: String, yLabel: String, series: [PlotSeries],
                                 x: ClosedRange<Double>, y: ClosedRange<Double>, diagonal: Bool = false,
                                 width: Int = 640, height: Int = 480) -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let xSpan = max(x.upperBound - x.lowerBound, 1e-12), ySpan = max(y.upperBound - y.lowerBound, 1e-12)
        func px(_ v: Double) -> String { fmt(left + (v - x.lowerBound) / xSpan * w) }
        func py(_ v: Double) -> String { fmt(top + h - (v - y.lowerBound) / ySpan * h) }
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(fmt(Double(width) / 2))" y="22" text-anchor="middle" font-size="15">\(htmlEscape(title))</text>

        """
        // Grid and ticks: 5 divisions on each axis.
        for i in 0...5 {
            let fx = x.lowerBound + xSpan * Double(i) / 5, fy = y.lowerBound + ySpan * Double(i) / 5
            s += "<line x1=\"\(px(fx))\" y1=\"\(py(y.lowerBound))\" x2=\"\(px(fx))\" y2=\"\(py(y.upperBound))\" stroke=\"#e0e0e0\"/>\n"
            s += "<line x1=\"\(px(x.lowerBound))\" y1=\"\(py(fy))\" x2=\"\(px(x.upperBound))\" y2=\"\(py(fy))\" stroke=\"#e0e0e0\"/>\n"
            s += "<text x=\"\(px(fx))\" y=\"\(fmt(top + h + 18))\" text-anchor=\"middle\">\(tick(fx))</text>\n"
            s += "<text x=\"\(fmt(left - 8))\" y=\"\(fmt(top + h - h * Double(i) / 5 + 4))\" text-anchor=\"end\">\(tick(fy))</text>\n"
        }
        s += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(fmt(left + w / 2))\" y=\"\(height - 15)\" text-anchor=\"middle\">\(htmlEscape(xLabel))</text>\n"
        s += "<text transform=\"translate(18 \(fmt(top + h / 2))) rotate(-90)\" text-anchor=\"middle\">\(htmlEscape(yLabel))</text>\n"
        if diagonal {
            s += "<line x1=\"\(px(x.lowerBound))\" y1=\"\(py(y.lowerBound))\" x2=\"\(px(x.upperBound))\" y2=\"\(py(y.upperBound))\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n"
        }
        for (i, serie) in series.enumerated() {
            let color = palette[i % palette.count]
            let path = serie.points.map { "\(px(min(max($0.x, x.lowerBound), x.upperBound))),\(py(min(max($0.y, y.lowerBound), y.upperBound)))" }
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path.joined(separator: " "))\"/>\n"
            if serie.markers {
                for p in serie.points { s += "<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"3\" fill=\"\(color)\"/>\n" }
            }
            // Legend, top left inside the frame.
            let ly = top + 16 + Double(i) * 16
            s += "<line x1=\"\(fmt(left + 10))\" y1=\"\(fmt(ly - 4))\" x2=\"\(fmt(left + 30))\" y2=\"\(fmt(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(fmt(left + 36))\" y=\"\(fmt(ly))\">\(htmlEscape(serie.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
    static func tick(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%.2f", v)
    }
}
