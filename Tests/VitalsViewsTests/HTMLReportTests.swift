import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport
import VitalsViews

@Suite struct HTMLReportTests {
    static func sample() throws -> HTMLReport {
        var rng = SeededGenerator(seed: 9)
        var labels: [Double] = [], probabilities: [Double] = [], flag: [Double] = []
        for _ in 0..<600 {
            let p = Double.random(in: 0.01...0.9, using: &rng)
            labels.append(Double.random(in: 0..<1, using: &rng) < p ? 1 : 0)
            probabilities.append((p * 1000).rounded() / 1000)  // ties, as real scores have
            flag.append(p > 0.6 ? 1 : 0)
        }
        let report = try EvaluationReport.evaluate(labels: labels, probabilities: probabilities, arr: labels.map { _ in 1 }, k: 50,
                                                   baselines: [(name: "usage dropped", scores: flag, isProbability: false)])
        return HTMLReport(
            title: "Churn model <test> & co", facts: ["model churn-0123456789abcdef", "window 2025-07-01 … 2025-12-31"],
            report: report, labels: labels, probabilities: probabilities,
            baselines: [HTMLReport.Baseline(name: "usage dropped", scores: flag)],
            coefficients: [("usage_trend_90d", -0.8), ("nps_detractor_share", 0.6), ("seats", 0)],
            chain: (["healthy", "at_risk", "churned"], [[0.9, 0.08, 0.02], [0.2, 0.7, 0.1], [0, 0, 1]]))
    }

    @Test func everyChartIsPresentAndSelfContained() throws {
        let html = try Self.sample().render()
        for id in ["metrics", "roc", "pr", "reliability", "gains", "lift", "distribution", "coefficients", "transitions"] {
            #expect(html.contains(#"id="\#(id)""#), "missing \(id)")
        }
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
        #expect(html.contains("<title>Churn model &lt;test&gt; &amp; co</title>"))
        #expect(html.contains(#"<script type="application/json" id="report-data">"#))
        // Zero coefficients are not drawn; the others are, with their signs.
        #expect(html.contains("nps_detractor_share: +0.6000") && html.contains("usage_trend_90d: -0.8000") && !html.contains("seats:"))
        #expect(html.contains("healthy → at_risk: 8.0%") && html.contains("at_risk → at_risk: 70%"))
    }

    /// The data block holds the report's figures, and the ROC drawn integrates to its AUC.
    @Test func chartDataMatchesTheMetrics() throws {
        let sample = try Self.sample()
        let html = try sample.render()
        let start = try #require(html.range(of: #"id="report-data">"#)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        let data = try #require(try JSONSerialization.jsonObject(with: Data(html[start..<end].utf8)) as? [String: Any])
        // JSONDecoder reads Doubles back exactly (JSONSerialization can be an ulp off).
        struct Block: Decodable { let metrics: EvaluationReport }
        let block = try JSONDecoder().decode(Block.self, from: Data(html[start..<end].utf8))
        #expect(block.metrics == sample.report)
        let roc = try #require(data["roc"] as? [[Double]])
        var area = 0.0
        for (a, b) in zip(roc, roc.dropFirst()) { area += (b[0] - a[0]) * (a[1] + b[1]) / 2 }
        assertClose(area, sample.report.model.auc, rtol: 1e-12)
        // The drawn polyline has one vertex per ROC point.
        let polyline = try #require(html.range(of: #"<polyline id="roc-model""#))
        let pointsStart = try #require(html.range(of: #"points=""#, range: polyline.upperBound..<html.endIndex)).upperBound
        let pointsEnd = try #require(html.range(of: "\"", range: pointsStart..<html.endIndex)).lowerBound
        #expect(html[pointsStart..<pointsEnd].split(separator: " ").count == roc.count)
    }
}
