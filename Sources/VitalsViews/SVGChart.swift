import Foundation

/// A small SVG plotting surface: a unit-square data space mapped into a pixel frame with
/// axes, ticks and a legend. Every chart in the HTML report is one of these, so they
/// share their look: the legend below the frame, never over the curves, and each axis's
/// tick labels with the same number of decimals.
struct SVGChart {
    let width: Double
    let height: Double
    let left = 52.0, right = 16.0, top = 16.0, bottom = 44.0
    var xRange: ClosedRange<Double> = 0...1
    var yRange: ClosedRange<Double> = 0...1
    var body = ""
    var legend: [(label: String, color: String, dashed: Bool)] = []

    init(width: Double = 360, height: Double = 300) {
        self.width = width
        self.height = height
    }

    func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (width - left - right) }
    func py(_ y: Double) -> Double { height - bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (height - top - bottom) }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    mutating func axes(xLabel: String, yLabel: String, xTicks: [Double]? = nil, yTicks: [Double]? = nil, percent: Bool = false) {
        let xs = xTicks ?? stride(from: xRange.lowerBound, through: xRange.upperBound + 1e-9, by: (xRange.upperBound - xRange.lowerBound) / 5).map { $0 }
        let ys = yTicks ?? stride(from: yRange.lowerBound, through: yRange.upperBound + 1e-9, by: (yRange.upperBound - yRange.lowerBound) / 5).map { $0 }
        let xDecimals = Self.decimals(xs.map { percent ? $0 * 100 : $0 }), yDecimals = Self.decimals(ys.map { percent ? $0 * 100 : $0 })
        func label(_ v: Double, _ decimals: Int) -> String {
            String(format: "%.\(decimals)f", percent ? v * 100 : v) + (percent ? "%" : "")
        }
        for x in xs {
            body += #"<line class="grid" x1="\#(Self.f(px(x)))" y1="\#(Self.f(py(yRange.lowerBound)))" x2="\#(Self.f(px(x)))" y2="\#(Self.f(py(yRange.upperBound)))"/>"#
            body += #"<text class="tick" x="\#(Self.f(px(x)))" y="\#(Self.f(height - bottom + 16))" text-anchor="middle">\#(label(x, xDecimals))</text>"#
        }
        for y in ys {
            body += #"<line class="grid" x1="\#(Self.f(px(xRange.lowerBound)))" y1="\#(Self.f(py(y)))" x2="\#(Self.f(px(xRange.upperBound)))" y2="\#(Self.f(py(y)))"/>"#
            body += #"<text class="tick" x="\#(Self.f(left - 6))" y="\#(Self.f(py(y) + 4))" text-anchor="end">\#(label(y, yDecimals))</text>"#
        }
        body += #"<rect class="frame" x="\#(Self.f(left))" y="\#(Self.f(top))" width="\#(Self.f(width - left - right))" height="\#(Self.f(height - top - bottom))"/>"#
        body += #"<text class="axis" x="\#(Self.f((left + width - right) / 2))" y="\#(Self.f(height - 8))" text-anchor="middle">\#(HTMLReport.escape(xLabel))</text>"#
        body += #"<text class="axis" transform="translate(14,\#(Self.f((top + height - bottom) / 2))) rotate(-90)" text-anchor="middle">\#(HTMLReport.escape(yLabel))</text>"#
    }

    mutating func line(_ points: [(Double, Double)], color: String, label: String?, dashed: Bool = false, id: String? = nil) {
        let coordinates = points.map { "\(Self.f(px($0.0))),\(Self.f(py($0.1)))" }.joined(separator: " ")
        let idAttribute = id.map { #" id="\#($0)""# } ?? ""
        body += #"<polyline\#(idAttribute) fill="none" stroke="\#(color)" stroke-width="2"\#(dashed ? #" stroke-dasharray="5 4""# : "") points="\#(coordinates)"/>"#
        if let label { legend.append((label, color, dashed)) }
    }

    mutating func bar(x0: Double, x1: Double, y: Double, color: String, title: String) {
        let yTop = py(max(y, yRange.lowerBound)), yBase = py(max(yRange.lowerBound, 0))
        body += #"<rect x="\#(Self.f(px(x0)))" y="\#(Self.f(min(yTop, yBase)))" width="\#(Self.f(max(0, px(x1) - px(x0))))" height="\#(Self.f(abs(yBase - yTop)))" fill="\#(color)"><title>\#(HTMLReport.escape(title))</title></rect>"#
    }

    mutating func circle(x: Double, y: Double, radius: Double, color: String, title: String) {
        body += #"<circle cx="\#(Self.f(px(x)))" cy="\#(Self.f(py(y)))" r="\#(Self.f(radius))" fill="\#(color)" fill-opacity="0.75"><title>\#(HTMLReport.escape(title))</title></circle>"#
    }

    /// The decimals an axis's tick labels all get: the fewest (up to 3) that show every tick exactly.
    static func decimals(_ ticks: [Double]) -> Int {
        (0...3).first { d in
            let scale = pow(10, Double(d))
            return ticks.allSatisfy { abs(($0 * scale).rounded() - $0 * scale) < 1e-6 }
        } ?? 3
    }

    /// The legend's items placed below the frame and its axis label, left to right, wrapping
    /// at the chart's width: (x, y) of each item's line, and the height the rows take.
    func legendLayout() -> (positions: [(x: Double, y: Double)], height: Double) {
        var positions: [(x: Double, y: Double)] = [], x = left, row = 0.0
        for item in legend {
            let itemWidth = Double(item.label.count) * 6.5 + 40
            if x > left, x + itemWidth > width - right {
                x = left
                row += 1
            }
            positions.append((x, height + 8 + row * 16))
            x += itemWidth
        }
        return (positions, legend.isEmpty ? 0 : (row + 1) * 16 + 6)
    }

    func svg(id: String) -> String {
        var legendMarkup = ""
        let (positions, legendHeight) = legendLayout()
        for (item, (x, y)) in zip(legend, positions) {
            legendMarkup += #"<line x1="\#(Self.f(x))" y1="\#(Self.f(y))" x2="\#(Self.f(x + 18))" y2="\#(Self.f(y))" stroke="\#(item.color)" stroke-width="2"\#(item.dashed ? #" stroke-dasharray="5 4""# : "")/>"#
            legendMarkup += #"<text class="legend" x="\#(Self.f(x + 24))" y="\#(Self.f(y + 4))">\#(HTMLReport.escape(item.label))</text>"#
        }
        let total = height + legendHeight
        return #"<svg id="\#(id)" viewBox="0 0 \#(Self.f(width)) \#(Self.f(total))" width="\#(Self.f(width))" height="\#(Self.f(total))" role="img">\#(body)\#(legendMarkup)</svg>"#
    }
}
