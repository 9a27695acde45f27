import Foundation

/// An inline SVG chart drawn by tunelua: a titled `<svg>` with two axes, gridlines and ticks, and
/// marks placed by axis fractions.
///
/// Marks of one kind share one `<path>` (a dot is a zero-length segment with a round cap), which
/// keeps the report of 10,000 trials a few megabytes.
public struct SVGPlot {
    public let title: String
    public let width: Double
    public let height: Double
    public var x: PlotAxis
    public var y: PlotAxis
    /// The visible heading (the title unless set: "Slice" shows which hyperparameter).
    public var heading: String?
    /// False for plots that draw their own axes (parallel coordinates).
    public var drawsAxes = true
    let left = 64.0, right = 16.0, top = 30.0
    var bottom: Double
    private var body = ""
    private var legend: [(String, String)] = []

    public init(title: String, x: PlotAxis, y: PlotAxis, width: Double = 560, height: Double = 340) {
        self.title = title
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        // Category labels run vertically when there are many, and need room.
        bottom = x.isCategorical && x.ticks.count > 6 ? 90 : 44
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// Pixel coordinates of axis fractions.
    func px(_ fx: Double) -> Double { left + fx * plotWidth }
    func py(_ fy: Double) -> Double { top + (1 - fy) * plotHeight }

    /// A coordinate in whole pixels: finer is invisible at these sizes and would make the report
    /// of 10,000 trials a third larger. Clamped, so a wild value can never trap the conversion.
    static func n(_ v: Double) -> String { v.isFinite ? String(Int(max(-1e6, min(1e6, v)).rounded())) : "0" }

    /// Dots at `points` (axis fractions) in one colour.
    public mutating func dots(_ points: [(Double, Double)], color: String, size: Double = 5, label: String? = nil, opacity: Double = 0.8) {
        guard !points.isEmpty else { return }
        var d = ""
        for (fx, fy) in points where fx.isFinite && fy.isFinite {
            d += "M" + SVGPlot.n(px(fx)) + " " + SVGPlot.n(py(fy)) + "h0"
        }
        body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"\(SVGPlot.n(size))\" stroke-linecap=\"round\" stroke-opacity=\"\(opacity)\" fill=\"none\"/>\n"
        if let label { legend.append((label, color)) }
    }

    /// Crosses at `points`: failed and pruned trials stand out from the dots.
    public mutating func crosses(_ points: [(Double, Double)], color: String, label: String? = nil) {
        guard !points.isEmpty else { return }
        var d = ""
        for (fx, fy) in points where fx.isFinite && fy.isFinite {
            let cx = px(fx), cy = py(fy)
            d += "M" + SVGPlot.n(cx - 3) + " " + SVGPlot.n(cy - 3) + "l6 6m0-6l-6 6"
        }
        body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"1.5\" fill=\"none\"/>\n"
        if let label { legend.append((label, color)) }
    }

    /// Polylines (each a list of axis fractions) in one path.
    public mutating func lines(_ lines: [[(Double, Double)]], color: String, width: Double = 1.5, opacity: Double = 1, label: String? = nil) {
        var d = ""
        for line in lines {
            // After `M`, further coordinate pairs are line-tos: no `L` needed.
            var first = true
            for (fx, fy) in line where fx.isFinite && fy.isFinite {
                d += (first ? "M" : " ") + SVGPlot.n(px(fx)) + " " + SVGPlot.n(py(fy))
                first = false
            }
        }
        guard !d.isEmpty else { return }
        body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"\(SVGPlot.n(width))\" stroke-opacity=\"\(opacity)\" fill=\"none\" stroke-linejoin=\"round\"/>\n"
        if let label { legend.append((label, color)) }
    }

    /// Horizontal bars from `x0` to `x1` at `fy` (axis fractions), `thickness` pixels tall.
    public mutating func bars(_ bars: [(x0: Double, x1: Double, y: Double)], thickness: Double, color: String, label: String? = nil) {
        guard !bars.isEmpty else { return }
        var d = ""
        for b in bars where b.x0.isFinite && b.x1.isFinite {
            d += "M" + SVGPlot.n(px(b.x0)) + " " + SVGPlot.n(py(b.y)) + "h" + SVGPlot.n(max(1, (b.x1 - b.x0) * plotWidth))
        }
        body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"\(SVGPlot.n(thickness))\" fill=\"none\"/>\n"
        if let label { legend.append((label, color)) }
    }

    /// A filled rectangle between axis fractions, with an optional tooltip.
    public mutating func rect(_ fx0: Double, _ fy0: Double, _ fx1: Double, _ fy1: Double, color: String, tooltip: String? = nil) {
        let x0 = px(min(fx0, fx1)), x1 = px(max(fx0, fx1)), y0 = py(max(fy0, fy1)), y1 = py(min(fy0, fy1))
        body += "<rect x=\"\(SVGPlot.n(x0))\" y=\"\(SVGPlot.n(y0))\" width=\"\(SVGPlot.n(x1 - x0))\" height=\"\(SVGPlot.n(y1 - y0))\" fill=\"\(color)\">"
        if let tooltip { body += "<title>" + HTMLReport.escape(tooltip) + "</title>" }
        body += "</rect>\n"
    }

    /// Text at axis fractions.
    public mutating func text(_ s: String, _ fx: Double, _ fy: Double, anchor: String = "start") {
        body += "<text x=\"\(SVGPlot.n(px(fx)))\" y=\"\(SVGPlot.n(py(fy)))\" text-anchor=\"\(anchor)\" font-size=\"11\">\(HTMLReport.escape(s))</text>\n"
    }

    /// Raw SVG in pixel coordinates (parallel coordinates draws its own axes).
    public mutating func raw(_ svg: String) { body += svg }

    /// The axes: frame, gridlines, tick labels, axis labels.
    func axes(showX: Bool = true, showY: Bool = true) -> String {
        var out = "<rect x=\"\(SVGPlot.n(left))\" y=\"\(SVGPlot.n(top))\" width=\"\(SVGPlot.n(plotWidth))\" height=\"\(SVGPlot.n(plotHeight))\" fill=\"#fff\" stroke=\"#bbb\"/>\n"
        if showX {
            let vertical = x.isCategorical && x.ticks.count > 6
            for (f, label) in x.ticks where f >= -1e-9 && f <= 1 + 1e-9 {
                let cx = SVGPlot.n(px(f)), by = top + plotHeight
                out += "<line x1=\"\(cx)\" y1=\"\(SVGPlot.n(top))\" x2=\"\(cx)\" y2=\"\(SVGPlot.n(by))\" stroke=\"#eee\"/>"
                if vertical {
                    out += "<text transform=\"translate(\(cx) \(SVGPlot.n(by + 8))) rotate(60)\" font-size=\"10\">\(HTMLReport.escape(String(label.prefix(14))))</text>\n"
                } else {
                    out += "<text x=\"\(cx)\" y=\"\(SVGPlot.n(by + 14))\" text-anchor=\"middle\" font-size=\"10\">\(HTMLReport.escape(String(label.prefix(14))))</text>\n"
                }
            }
            out += "<text x=\"\(SVGPlot.n(left + plotWidth / 2))\" y=\"\(SVGPlot.n(height - 6))\" text-anchor=\"middle\" font-size=\"12\">\(HTMLReport.escape(x.label))</text>\n"
        }
        if showY {
            for (f, label) in y.ticks where f >= -1e-9 && f <= 1 + 1e-9 {
                let cy = SVGPlot.n(py(f))
                out += "<line x1=\"\(SVGPlot.n(left))\" y1=\"\(cy)\" x2=\"\(SVGPlot.n(left + plotWidth))\" y2=\"\(cy)\" stroke=\"#eee\"/>"
                out += "<text x=\"\(SVGPlot.n(left - 4))\" y=\"\(cy)\" dy=\"3\" text-anchor=\"end\" font-size=\"10\">\(HTMLReport.escape(String(label.prefix(12))))</text>\n"
            }
            out += "<text transform=\"translate(12 \(SVGPlot.n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(HTMLReport.escape(y.label))</text>\n"
        }
        return out
    }

    /// The whole `<svg>`, its `<title>` first (what the report's tests and screen readers find).
    public func render() -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(SVGPlot.n(width)) \(SVGPlot.n(height))\" width=\"\(SVGPlot.n(width))\" height=\"\(SVGPlot.n(height))\">"
        out += "<title>\(HTMLReport.escape(title))</title>\n"
        out += "<text x=\"\(SVGPlot.n(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(HTMLReport.escape(heading ?? title))</text>\n"
        if drawsAxes { out += axes() }
        out += body
        var lx = width - right
        for (label, color) in legend.reversed() {
            let w = Double(label.count) * 6.5 + 18
            lx -= w
            out += "<circle cx=\"\(SVGPlot.n(lx + 5))\" cy=\"14\" r=\"4\" fill=\"\(color)\"/><text x=\"\(SVGPlot.n(lx + 12))\" y=\"18\" font-size=\"11\">\(HTMLReport.escape(label))</text>\n"
        }
        out += "</svg>\n"
        return out
    }
}
