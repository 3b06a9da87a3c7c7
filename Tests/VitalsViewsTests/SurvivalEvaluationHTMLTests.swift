import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import VitalsEvaluation
import VitalsTestSupport
import VitalsViews

/// The HTML report's survival section: the horizons table, the observed-vs-predicted chart
/// per risk band, and the book backtest, all escaped and well formed.
@Suite struct SurvivalEvaluationHTMLTests {
    static let grid = [0, 30, 60, 90]

    static func survival() throws -> SurvivalEvaluation {
        // Band "<b>risky & co" is observed only to day 40; "calm" to day 100.
        let followUps = [RowFollowUp(eventDay: 10, observedDays: 40), RowFollowUp(eventDay: nil, observedDays: 40),
                         RowFollowUp(eventDay: 35, observedDays: 40), RowFollowUp(eventDay: nil, observedDays: 100),
                         RowFollowUp(eventDay: 80, observedDays: 100), RowFollowUp(eventDay: nil, observedDays: 100)]
        let bands = ["<b>risky & co", "<b>risky & co", "<b>risky & co", "calm", "calm", "calm"]
        let rate = [0.01, 0.008, 0.012, 0.002, 0.003, 0.001]
        let months: [Double] = (1...12).map(Double.init)
        let forecasts: [(name: String, accounts: [Double], arr: [Double]?)] = [
            (name: "curves", accounts: months.map { $0 * 0.4 }, arr: nil), (name: "health <chain>", accounts: months.map { $0 * 0.6 }, arr: nil),
        ]
        // The book seen to day 100 for everyone: months 1 to 3 compared.
        let bookFollowUps = followUps.map { RowFollowUp(eventDay: $0.eventDay, observedDays: 100) }
        let backtest = SurvivalEvaluation.backtest(forecasts: forecasts, followUps: bookFollowUps, arr: [10, 20, 30, 40, 50, 60])
        let book = try #require(backtest)
        return SurvivalEvaluation.evaluate(
            predicted: rate.map { r in [30.0, 90].map { 1 - exp(-r * $0) } }, horizons: [30, 90],
            followUps: followUps, bands: bands, bandOrder: ["calm", "<b>risky & co"], survivalGrid: grid,
            predictedSurvival: rate.map { r in grid.map { exp(-r * Double($0)) } }, book: book)
    }

    static func render(_ survival: SurvivalEvaluation?) throws -> (HTMLReport, String) {
        var sample = try HTMLReportTests.sample()
        sample.report.survival = survival
        return (sample, try sample.render())
    }

    /// The text between `start` (included) and the first `end` after it (included).
    static func fragment(_ html: String, from start: String, to end: String) throws -> String {
        let lower = try #require(html.range(of: start)).lowerBound
        let upper = try #require(html.range(of: end, range: lower..<html.endIndex)).upperBound
        return String(html[lower..<upper])
    }

    static func isWellFormed(_ xml: String) -> Bool { XMLParser(data: Data("<div>\(xml)</div>".utf8)).parse() }

    @Test func theSectionIsThereEscapedAndWellFormed() throws {
        let survival = try Self.survival()
        let (sample, html) = try Self.render(survival)
        for id in ["survival-horizons", "survival-note", "survival-book", "survival", "survival-chart"] {
            #expect(html.contains(#"id="\#(id)""#), "missing \(id)")
        }
        // Raw only in the JSON data block, where it is data.
        let page = try #require(html.components(separatedBy: #"<script type="application/json""#).first)
        #expect(!page.contains("<b>risky") && page.contains("&lt;b&gt;risky &amp; co (3 rows)"))
        #expect(html.contains("health &lt;chain&gt;, expected") && html.contains("<th>churned ARR</th>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
        // One row per horizon with its counts: by day 30 all 6 rows are known, one churned; by day 90 the
        // three rows seen only to day 40 are left out, churned or not, and 1 of the other 3 churned.
        #expect(html.contains("<tr><td>30 days</td><td>6</td><td>0</td><td>1</td>"))
        #expect(html.contains("<tr><td>90 days</td><td>3</td><td>3</td><td>1</td>"))
        let tables = try Self.fragment(html, from: #"<table id="survival-horizons""#, to: "</p>")
        #expect(Self.isWellFormed(tables))
        let book = try Self.fragment(html, from: #"<table id="survival-book""#, to: "</table>")
        #expect(book.components(separatedBy: "<tr>").count - 1 == 1 + survival.book!.months.count)
        #expect(Self.isWellFormed(book))
        let chart = try Self.fragment(html, from: #"<svg id="survival-chart""#, to: "</svg>")
        #expect(Self.isWellFormed(chart))
        // The data block still decodes to the report, survival included.
        let start = try #require(html.range(of: #"id="report-data">"#)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        struct Block: Decodable { let metrics: EvaluationReport }
        let block = try JSONDecoder().decode(Block.self, from: Data(html[start..<end].utf8))
        #expect(block.metrics == sample.report && block.metrics.survival == survival)
    }

    /// Per band a solid observed line, drawn only while rows are observed, and a dashed predicted one over the whole grid.
    @Test func observedStopsWhereTheDataEnds() throws {
        let (_, html) = try Self.render(try Self.survival())
        func points(_ id: String) throws -> [Substring] {
            let polyline = try #require(html.range(of: #"<polyline id="\#(id)""#))
            let tag = try Self.fragment(String(html[polyline.lowerBound...]), from: "<polyline", to: "/>")
            let start = try #require(tag.range(of: #"points=""#)).upperBound
            return tag[start...].prefix { $0 != "\"" }.split(separator: " ")
        }
        // Band 0 is "calm" (the given order), seen to day 100: all 4 grid days. Band 1 is seen to day 40: days 0 and 30.
        #expect(try points("survival-observed-0").count == 4)
        #expect(try points("survival-observed-1").count == 2)
        #expect(try points("survival-predicted-1").count == 4)
        let predicted = try #require(html.range(of: #"<polyline id="survival-predicted-0""#))
        #expect(html[predicted.upperBound...].prefix(80).contains("stroke-dasharray"))
        let observed = try #require(html.range(of: #"<polyline id="survival-observed-0""#))
        #expect(!html[observed.upperBound...].prefix(80).contains("stroke-dasharray"))
    }

    @Test func noSurvivalNoSection() throws {
        let (_, html) = try Self.render(nil)
        #expect(!html.contains("survival"))
    }
}
