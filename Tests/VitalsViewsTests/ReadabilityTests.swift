import Foundation
import Testing
import VitalsFeatures
import VitalsTestSupport
@testable import VitalsViews

/// What people reading the outputs asked for (issue 22): words for features, filters that
/// forgive case and take prefixes, and an evaluation report whose charts a colour-blind reader
/// can read, with nothing drawn over the curves or cut off.
@Suite struct ReadabilityTests {
    /// Every catalog feature has a plain-language label, and the label is not the name.
    @Test func everyCatalogFeatureHasALabel() {
        for spec in FeatureCatalog.all {
            #expect(FeatureLabel.labels[spec.name] != nil, "\(spec.name) has no label")
            #expect(FeatureLabel.labels[spec.name] != spec.name)
        }
        #expect(FeatureLabel.of("active_user_ratio_30d") == "30-day active seats")
        #expect(FeatureLabel.of("segment=Enterprise") == "segment: Enterprise")
        #expect(FeatureLabel.of("markov_state=at_least_at_risk") == "health state at-risk or worse")
        #expect(FeatureLabel.of("markov_churn_probability_3m") == "health chain: churn chance within 3 months")
        #expect(FeatureLabel.of("tickets_90d × seats") == "tickets, last 90 days × licensed seats")
        #expect(FeatureLabel.of("a_newer_column") == "a_newer_column")
    }

    @Test func filterValuesMatchByCaseThenUniquePrefix() throws {
        let csms = ["Quinn Adler", "Quinn Baker", "Casey Diaz", "Casey Diaz", ""]
        #expect(try FilterValue.resolve("casey", field: "csm", among: csms) == "Casey Diaz")
        #expect(try FilterValue.resolve(" QUINN ADLER ", field: "csm", among: csms) == "Quinn Adler")
        // An exact value wins over the longer values it begins.
        #expect(try FilterValue.resolve("ent", field: "segment", among: ["Ent", "Enterprise"]) == "Ent")
        #expect(throws: InsightError.filterMismatch(field: "csm", value: "quinn", candidates: ["Quinn Adler", "Quinn Baker"], ambiguous: true)) {
            try FilterValue.resolve("quinn", field: "csm", among: csms)
        }
        #expect(throws: InsightError.filterMismatch(field: "csm", value: "Zed", candidates: ["Casey Diaz", "Quinn Adler", "Quinn Baker"], ambiguous: false)) {
            try FilterValue.resolve("Zed", field: "csm", among: csms)
        }
        let message = "\(InsightError.filterMismatch(field: "csm", value: "quinn", candidates: ["Quinn Adler", "Quinn Baker"], ambiguous: true))"
        #expect(message.contains("ambiguous") && message.contains("Quinn Adler, Quinn Baker"))
        #expect(InsightError.filterMismatch(field: "csm", value: "x", candidates: [], ambiguous: false).isUsage)
        #expect("\(InsightError.wrongTask(model: "m", expected: .overrun))" == "model m is not an overrun model")
        #expect("\(InsightError.wrongTask(model: "m", expected: .churn))" == "model m is not a churn model")
    }

    @Test func featureCatalogListingFitsItsWidth() {
        for width in [80, 120] {
            let text = FeatureCatalogListing.text(width: width)
            #expect(text.split(separator: "\n").allSatisfy { $0.count <= width }, "width \(width)")
            for spec in FeatureCatalog.all { #expect(text.contains(spec.name)) }
        }
    }

    /// Legends sit below the frame, never over the curves, and wrap within the chart's width.
    @Test func legendsAreOutsideThePlottedArea() throws {
        var chart = SVGChart()
        chart.axes(xLabel: "x", yLabel: "y")
        for k in 0..<5 { chart.line([(0, 0), (1, 1)], color: "#000000", label: "a rather long legend entry number \(k)") }
        let (positions, extra) = chart.legendLayout()
        #expect(positions.count == 5 && extra > 0)
        for (item, position) in zip(chart.legend, positions) {
            #expect(position.y > chart.height - 8, "below the axis label")
            #expect(position.x >= chart.left && position.x + Double(item.label.count) * 6.5 + 24 <= chart.width + 1)
        }
        let svg = chart.svg(id: "c")
        #expect(svg.contains(#"height="\#(SVGChart.f(chart.height + extra))""#))
    }

    /// Each axis's tick labels share their number of decimals, and probabilities are in percent.
    @Test func axisLabelsAreUniform() throws {
        #expect(SVGChart.decimals([0, 0.2, 0.4, 0.6, 0.8, 1]) == 1)
        #expect(SVGChart.decimals([0, 1, 2, 10]) == 0)
        #expect(SVGChart.decimals([0, 0.05, 0.1]) == 2)
        let html = try HTMLReportTests.sample().render()
        let roc = try #require(html.range(of: #"<svg id="roc-chart""#))
        let end = try #require(html.range(of: "</svg>", range: roc.upperBound..<html.endIndex))
        let ticks = html[roc.upperBound..<end.lowerBound].matches(of: #/<text class="tick"[^>]*>([^<]*)</text>/#).map { String($0.output.1) }
        // Probabilities and rates in percent, every tick alike: 0%, 20%, … 100%.
        #expect(ticks.count == 12 && ticks.allSatisfy { $0.hasSuffix("%") && !$0.contains(".") }, "\(ticks)")
        #expect(Set(ticks) == ["0%", "20%", "40%", "60%", "80%", "100%"])
    }

    /// Okabe–Ito colours, and no red against green.
    @Test func paletteIsColourBlindSafe() throws {
        let html = try HTMLReportTests.sample().render()
        for colour in ["#0072B2", "#E69F00", "#D55E00"] { #expect(html.contains(colour), "\(colour)") }
        for old in ["#1f5fbf", "#d9822b", "#3a9d5d", "#c2413b", "#2f7d4f"] { #expect(!html.contains(old), "\(old) still used") }
    }

    /// The survival chart's bands keep their meaning in colour: high vermillion, low green.
    @Test func bandsAreColouredByName() {
        #expect(HTMLReport.bandColor("high", 0) == "#D55E00" && HTMLReport.bandColor("medium", 1) == "#E69F00")
        #expect(HTMLReport.bandColor("low", 2) == "#009E73" && HTMLReport.bandColor("other", 0) == "#0072B2")
    }

    /// Long state names fit the heat map: the rotated headers and the row labels have room.
    @Test func transitionHeadersAreNotCutOff() throws {
        let states = ["healthy", "at_risk_of_leaving_within_the_quarter", "churned"]
        let svg = HTMLReport(title: "t", facts: [], report: try HTMLReportTests.sample().report, labels: [], probabilities: [], baselines: [],
                             coefficients: [], chain: (states, [[0.9, 0.08, 0.02], [0.2, 0.7, 0.1], [0, 0, 1]])).heatmap((states, [[0.9, 0.08, 0.02], [0.2, 0.7, 0.1], [0, 0, 1]]))
        let widthMatch = try #require(svg.firstMatch(of: #/width="([0-9.]+)"/#))
        let width = try #require(Double(widthMatch.output.1))
        let viewBox = try #require(svg.firstMatch(of: #/viewBox="0 0 ([0-9.]+) ([0-9.]+)"/#))
        #expect(Double(viewBox.output.1) == width)
        let longest = Double(states.map(\.count).max()!) * 6.5
        // The last header starts mid-column and runs right by its length × cos 30°, up by × sin 30°.
        let labelWidth = max(130, longest + 16)
        #expect(width >= labelWidth + 2.5 * 64 + longest * 0.87)
        let firstHeader = try #require(svg.firstMatch(of: #/translate\([0-9.]+,([0-9.]+)\) rotate\(-30\)/#))
        #expect(try #require(Double(firstHeader.output.1)) >= longest * 0.5)
    }
}
