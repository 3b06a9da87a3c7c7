import Foundation

/// An account's churn probability over the history's runs as a small inline SVG: a line from
/// the oldest run to now on a fixed 0–100 % scale (so two sparklines compare at a glance),
/// the last point marked, and a tooltip with each run's date and figure. With one run, the
/// point alone. Coordinates are printed to one decimal (`SVGChart.f`), so the bytes are stable.
enum DigestSparkline {
    static let width = 84.0, height = 24.0, pad = 3.0
    static let ink = "#1f5fa8", baseline = "#e3e7eb"

    static func svg(_ points: [CSMDigest.TrendPoint], label: String) -> String {
        guard !points.isEmpty else { return "" }
        let x: (Int) -> Double = { k in
            points.count == 1 ? width - pad : pad + Double(k) / Double(points.count - 1) * (width - 2 * pad)
        }
        let y: (Double) -> Double = { p in height - pad - min(max(p, 0), 1) * (height - 2 * pad) }
        let tooltip = points.map { "\($0.asOf) \(percentText($0.probability))" }.joined(separator: ", ")
        var body = #"<line x1="0" y1="\#(SVGChart.f(height - pad))" x2="\#(SVGChart.f(width))" y2="\#(SVGChart.f(height - pad))" stroke="\#(baseline)" stroke-width="1"/>"#
        if points.count > 1 {
            let coordinates = points.enumerated().map { "\(SVGChart.f(x($0.offset))),\(SVGChart.f(y($0.element.probability)))" }
                .joined(separator: " ")
            body += #"<polyline fill="none" stroke="\#(ink)" stroke-width="1.5" points="\#(coordinates)"/>"#
        }
        let last = points[points.count - 1]
        body += #"<circle cx="\#(SVGChart.f(x(points.count - 1)))" cy="\#(SVGChart.f(y(last.probability)))" r="2.5" fill="\#(ink)"/>"#
        return #"<svg class="spark" viewBox="0 0 \#(SVGChart.f(width)) \#(SVGChart.f(height))" width="\#(SVGChart.f(width))" height="\#(SVGChart.f(height))" role="img" aria-label="\#(DigestHTML.escape(label))"><title>\#(DigestHTML.escape(tooltip))</title>\#(body)</svg>"#
    }
}
