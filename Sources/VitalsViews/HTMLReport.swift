import Foundation
import VitalsEvaluation

/// `vitals evaluate --report FILE.html`: one self-contained HTML page (no network, no
/// scripts) with inline SVG charts of an evaluation, and its figures as a JSON data block
/// (`<script type="application/json" id="report-data">`, which browsers do not execute)
/// so tools and tests can read what the charts show.
public struct HTMLReport: Sendable {
    public struct Baseline: Sendable {
        public let name: String
        public let scores: [Double]
        public init(name: String, scores: [Double]) {
            self.name = name
            self.scores = scores
        }
    }

    public var title: String
    /// Lines under the title: model id, window, data fingerprint.
    public var facts: [String]
    public var report: EvaluationReport
    public var labels: [Double]
    public var probabilities: [Double]
    public var baselines: [Baseline]
    /// (feature, coefficient on the standardized scale), or for an additive model each
    /// shape's signed range (`FittedRiskModel.featureStrengths`).
    public var coefficients: [(name: String, value: Double)]
    /// The heading of the coefficients' chart.
    public var coefficientsTitle: String
    /// The Markov transition matrix, if the model has one.
    public var chain: (states: [String], transitions: [[Double]])?

    public init(title: String, facts: [String], report: EvaluationReport, labels: [Double], probabilities: [Double],
                baselines: [Baseline] = [], coefficients: [(name: String, value: Double)] = [],
                coefficientsTitle: String = "Coefficients (standardized)",
                chain: (states: [String], transitions: [[Double]])? = nil) {
        self.coefficientsTitle = coefficientsTitle
        self.title = title
        self.facts = facts
        self.report = report
        self.labels = labels
        self.probabilities = probabilities
        self.baselines = baselines
        self.coefficients = coefficients
        self.chain = chain
    }

    // Okabe–Ito's colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008):
    // blue for the model, orange, bluish green and reddish purple for the baselines, grey for references.
    static let modelColor = "#0072B2"
    static let baselineColors = ["#E69F00", "#009E73", "#CC79A7"]
    static let neutral = "#999999"
    /// Raises the risk (vermillion) and lowers it (blue), not red against green.
    static let raises = "#D55E00", lowers = "#0072B2"

    /// At most `limit` points, keeping the first and last: charts need the shape, not every threshold.
    static func thin(_ points: [Curves.Point], limit: Int = 1_500) -> [Curves.Point] {
        guard points.count > limit else { return points }
        let step = Double(points.count - 1) / Double(limit - 1)
        return (0..<limit).map { points[Int((Double($0) * step).rounded())] }
    }

    public func render() throws -> String {
        let roc = Self.thin(Curves.roc(labels: labels, scores: probabilities))
        let pr = Self.thin(Curves.precisionRecall(labels: labels, scores: probabilities))
        let gains = Self.thin(Curves.gains(labels: labels, scores: probabilities))
        let baseRate = Double(report.positives) / Double(report.n)

        var rocChart = SVGChart()
        rocChart.axes(xLabel: "false-positive rate", yLabel: "true-positive rate", percent: true)
        rocChart.line([(0, 0), (1, 1)], color: Self.neutral, label: "chance", dashed: true)
        for (k, baseline) in baselines.enumerated() {
            rocChart.line(Self.thin(Curves.roc(labels: labels, scores: baseline.scores)).map { ($0.x, $0.y) },
                          color: Self.baselineColors[k % 3], label: "\(baseline.name) (AUC \(Self.f3(report.baselines[baseline.name]?.auc)))")
        }
        rocChart.line(roc.map { ($0.x, $0.y) }, color: Self.modelColor, label: "model (AUC \(Self.f3(report.model.auc)))", id: "roc-model")

        var prChart = SVGChart()
        prChart.axes(xLabel: "recall", yLabel: "precision", percent: true)
        prChart.line([(0, baseRate), (1, baseRate)], color: Self.neutral, label: "base rate \(Self.pct(baseRate))", dashed: true)
        for (k, baseline) in baselines.enumerated() {
            prChart.line(Self.thin(Curves.precisionRecall(labels: labels, scores: baseline.scores)).map { ($0.x, $0.y) },
                         color: Self.baselineColors[k % 3], label: "\(baseline.name) (AP \(Self.f3(report.baselines[baseline.name]?.prAUC)))")
        }
        prChart.line(pr.map { ($0.x, $0.y) }, color: Self.modelColor, label: "model (AP \(Self.f3(report.model.prAUC)))", id: "pr-model")

        var reliability = SVGChart()
        reliability.axes(xLabel: "mean predicted probability", yLabel: "observed rate", percent: true)
        reliability.line([(0, 0), (1, 1)], color: Self.neutral, label: "perfect calibration", dashed: true)
        reliability.line(report.reliability.map { ($0.meanProbability, $0.meanLabel) }, color: Self.modelColor,
                         label: "model (ECE \(Self.f3(report.model.ece)))")
        let largest = Double(report.reliability.map(\.count).max() ?? 1)
        for bin in report.reliability {
            reliability.circle(x: bin.meanProbability, y: bin.meanLabel, radius: 3 + 6 * (Double(bin.count) / largest).squareRoot(),
                               color: Self.modelColor, title: "\(bin.count) rows: predicted \(Self.pct(bin.meanProbability)), observed \(Self.pct(bin.meanLabel))")
        }

        var gainsChart = SVGChart()
        gainsChart.axes(xLabel: "share of rows contacted", yLabel: "share of positives caught", percent: true)
        gainsChart.line([(0, 0), (1, 1)], color: Self.neutral, label: "random", dashed: true)
        for (k, baseline) in baselines.enumerated() {
            gainsChart.line(Self.thin(Curves.gains(labels: labels, scores: baseline.scores)).map { ($0.x, $0.y) },
                            color: Self.baselineColors[k % 3], label: baseline.name)
        }
        gainsChart.line(gains.map { ($0.x, $0.y) }, color: Self.modelColor, label: "model", id: "gains-model")

        var liftChart = SVGChart()
        let maxLift = max(2, (report.model.liftPerDecile.max() ?? 1).rounded(.up))
        liftChart.xRange = 0...10
        liftChart.yRange = 0...maxLift
        liftChart.axes(xLabel: "decile of the ranking (1 = riskiest)", yLabel: "lift", xTicks: [], yTicks: stride(from: 0, through: maxLift, by: maxLift > 5 ? 2 : 1).map { $0 })
        for (d, lift) in report.model.liftPerDecile.enumerated() {
            liftChart.bar(x0: Double(d) + 0.15, x1: Double(d) + 0.85, y: lift, color: Self.modelColor, title: "decile \(d + 1): lift \(String(format: "%.2f", lift))")
            liftChart.body += #"<text class="tick" x="\#(SVGChart.f(liftChart.px(Double(d) + 0.5)))" y="\#(SVGChart.f(liftChart.height - liftChart.bottom + 16))" text-anchor="middle">\#(d + 1)</text>"#
        }
        liftChart.line([(0, 1), (10, 1)], color: Self.neutral, label: "no lift", dashed: true)

        let (negativeCounts, positiveCounts) = Curves.histogram(labels: labels, probabilities: probabilities)
        let negatives = Double(report.n - report.positives), positives = Double(report.positives)
        let shares = zip(negativeCounts, positiveCounts).map { (Double($0) / negatives, Double($1) / positives) }
        var distribution = SVGChart()
        // The y axis ends at the next multiple of 5 % (10 % above 30 %), with ticks on those steps.
        let tallest = shares.map { max($0.0, $0.1) }.max() ?? 0.05
        let step = tallest > 0.3 ? 0.1 : 0.05
        let top = max(step, (tallest / step).rounded(.up) * step)
        distribution.yRange = 0...top
        distribution.axes(xLabel: "predicted probability", yLabel: "share of the class",
                          yTicks: stride(from: 0, through: top + 1e-9, by: step).map { $0 }, percent: true)
        for (b, share) in shares.enumerated() {
            let x0 = Double(b) / 20
            distribution.bar(x0: x0 + 0.004, x1: x0 + 0.025, y: share.0, color: Self.neutral, title: "negatives \(Self.pct(x0))–\(Self.pct(x0 + 0.05)): \(negativeCounts[b])")
            distribution.bar(x0: x0 + 0.025, x1: x0 + 0.046, y: share.1, color: Self.modelColor, title: "positives \(Self.pct(x0))–\(Self.pct(x0 + 0.05)): \(positiveCounts[b])")
        }
        distribution.legend = [("negatives", Self.neutral, false), ("positives", Self.modelColor, false)]

        var sections: [String] = []
        sections.append(figure("roc", "ROC curve", rocChart.svg(id: "roc-chart")))
        sections.append(figure("pr", "Precision–recall", prChart.svg(id: "pr-chart")))
        sections.append(figure("reliability", "Reliability", reliability.svg(id: "reliability-chart")))
        sections.append(figure("gains", "Cumulative gains", gainsChart.svg(id: "gains-chart")))
        sections.append(figure("lift", "Lift per decile", liftChart.svg(id: "lift-chart")))
        sections.append(figure("distribution", "Scores by class", distribution.svg(id: "distribution-chart")))
        if !coefficients.isEmpty { sections.append(figure("coefficients", coefficientsTitle, coefficientChart())) }
        if let chain { sections.append(figure("transitions", "Markov transition matrix", heatmap(chain))) }
        if let survival = report.survival, !survival.bands.isEmpty {
            sections.append(figure("survival", "Survival by risk band: observed (Kaplan–Meier) vs predicted", survivalChart(survival)))
        }

        let data = try reportData(roc: roc, pr: pr, gains: gains)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <style>
            body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2530;margin:24px auto;max-width:1180px;padding:0 16px}
            h1{font-size:22px;margin:0 0 4px}p.facts{color:#5b6672;margin:0 0 18px}
            table{border-collapse:collapse;margin:8px 0 20px}th,td{padding:4px 12px;text-align:right;border-bottom:1px solid #e3e7eb}
            th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #c8ced5}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(372px,1fr));gap:12px}
            figure{margin:0;padding:8px;border:1px solid #e3e7eb;border-radius:6px}figcaption{font-weight:600;margin:0 0 4px}
            svg text{font-size:11px;fill:#38424d}svg .axis{font-size:12px}svg .legend{font-size:11px}
            svg .grid{stroke:#edf0f3}svg .frame{fill:none;stroke:#c8ced5}figure.wide{grid-column:1/-1}
            </style></head><body>
            <h1>\(Self.escape(title))</h1>
            <p class="facts">\(facts.map(Self.escape).joined(separator: "<br>"))</p>
            \(metricsTable())
            \(cycleTable())
            \(reliabilityTable())
            \(survivalTables())
            <div class="grid">
            \(sections.joined(separator: "\n"))
            </div>
            <script type="application/json" id="report-data">\(data)</script>
            </body></html>

            """
    }

    func figure(_ id: String, _ caption: String, _ svg: String) -> String {
        let wide = id == "coefficients" || id == "transitions" || id == "survival" ? #" class="wide""# : ""
        return #"<figure id="\#(id)"\#(wide)><figcaption>\#(Self.escape(caption))</figcaption>\#(svg)</figure>"#
    }

    func metricsTable() -> String {
        let columns = [("model", report.model)] + report.baselines.keys.sorted().map { ($0, report.baselines[$0]!) }
        let rows: [(String, (ScoreFigures) -> Double?, Bool)] = [
            ("AUC", { $0.auc }, false), ("PR AUC", { $0.prAUC }, false), ("log loss", { $0.logLoss }, false),
            ("Brier", { $0.brier }, false), ("ECE", { $0.ece }, false), ("precision@\(report.k)", { $0.precisionAtK }, true),
            ("recall@\(report.k)", { $0.recallAtK }, true), ("ARR recall@\(report.k)", { $0.arrRecallAtK }, true),
            ("lift, top decile", { $0.liftTopDecile }, false),
        ].filter { $0.0.hasPrefix("ARR") ? report.model.arrRecallAtK != nil : true }
        var html = #"<table id="metrics"><thead><tr><th>\#(report.n) rows, \#(report.positives) positive (\#(Self.pct(Double(report.positives) / Double(report.n))))</th>"#
        html += columns.map { "<th>\(Self.escape($0.0))</th>" }.joined() + "</tr></thead><tbody>"
        for (label, value, percent) in rows {
            html += "<tr><td>\(Self.escape(label))</td>" + columns.map { column in
                guard let v = value(column.1) else { return "<td>—</td>" }
                return "<td>\(percent ? Self.pct(v) : String(format: "%.4f", v))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// precision@k and recall@k per snapshot date, their means, and the bootstrap intervals.
    func cycleTable() -> String {
        var html = ""
        if !report.cycles.isEmpty {
            html += #"<table id="cycles"><thead><tr><th>snapshot date</th><th>rows</th><th>positive</th><th>precision@\#(report.k)</th><th>recall@\#(report.k)</th></tr></thead><tbody>"#
            for c in report.cycles {
                html += "<tr><td>\(Self.escape(c.cycle))</td><td>\(c.rows)</td><td>\(c.positives)</td><td>\(Self.pct(c.precisionAtK))</td>"
                    + "<td>\(c.recallAtK.map(Self.pct) ?? "—")</td></tr>"
            }
            html += "<tr><td>mean of \(report.cycles.count) dates</td><td></td><td></td><td>\(report.precisionAtKPerCycle.map(Self.pct) ?? "—")</td>"
                + "<td>\(report.recallAtKPerCycle.map(Self.pct) ?? "—")</td></tr></tbody></table>"
        }
        if !report.intervals.isEmpty {
            let shown: [(String, String)] = [("auc", "AUC"), ("pr_auc", "PR AUC"),
                                             ("precision_at_k", "precision@\(report.k)\(report.cycles.isEmpty ? "" : " per date")")]
            html += #"<p class="facts" id="intervals">95 % intervals, bootstrap over \#(Self.escape(report.bootstrapUnit))s (\#(report.bootstrapReplicates) replicates): "#
                + shown.compactMap { key, label in report.intervals[key].map { "\(label) \(String(format: "%.3f", $0.lower))–\(String(format: "%.3f", $0.upper))" } }
                .joined(separator: " · ") + "</p>"
        }
        return html
    }

    /// The reliability bins with their counts: a bin of five rows says little.
    func reliabilityTable() -> String {
        guard !report.reliability.isEmpty else { return "" }
        var html = #"<table id="reliability-bins"><thead><tr><th>predicted</th><th>rows</th><th>mean predicted</th><th>observed</th></tr></thead><tbody>"#
        for bin in report.reliability {
            html += "<tr><td>\(bin.index * 10)–\(bin.index * 10 + 10) %</td><td>\(bin.count)</td><td>\(Self.pct(bin.meanProbability))</td>"
                + "<td>\(Self.pct(bin.meanLabel))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// The churn curves by horizon (with how many rows censoring left out) and the book backtest.
    func survivalTables() -> String {
        guard let survival = report.survival else { return "" }
        var html = #"<table id="survival-horizons"><caption>Churn curves by horizon</caption><thead><tr><th>churn within</th><th>rows</th><th>left out</th><th>events</th><th>AUC</th>"#
            + "<th>Brier</th><th>mean predicted</th><th>observed</th><th>ratio</th><th>Kaplan–Meier</th><th>predicted, all rows</th></tr></thead><tbody>"
        for h in survival.horizons {
            html += "<tr><td>\(h.days) days</td><td>\(h.rows)</td><td>\(h.leftOut)</td><td>\(h.events)</td><td>\(Self.f3(h.auc))</td>"
                + "<td>\(h.brier.map { String(format: "%.4f", $0) } ?? "—")</td><td>\(h.meanPredicted.map(Self.pct) ?? "—")</td>"
                + "<td>\(h.observedRate.map(Self.pct) ?? "—")</td><td>\(h.calibrationRatio.map { String(format: "%.2f", $0) } ?? "—")</td>"
                + "<td>\(h.kaplanMeierRate.map(Self.pct) ?? "—")</td><td>\(Self.pct(h.meanPredictedAllRows))</td></tr>"
        }
        html += "</tbody></table>"
        html += #"<p class="facts" id="survival-note">Rows count at a horizon when their whole window lies within the data, "#
            + "whatever happened in it; the rest are left out, so which rows count depends on their date alone. "
            + "The Kaplan–Meier rate and the mean prediction over all rows make the same comparison on every row.</p>"
        guard let book = survival.book else { return html }
        html += #"<table id="survival-book"><caption>Book forecast backtest, \#(book.rows) accounts: cumulative churn by month (365.25 / 12 days)</caption>"#
            + "<thead><tr><th>month</th><th>churned accounts</th>"
            + book.forecasts.map { "<th>\(Self.escape($0.name)), expected</th>" }.joined()
        if book.observedARR != nil {
            html += "<th>churned ARR</th>" + book.forecasts.filter { $0.arr != nil }.map { "<th>\(Self.escape($0.name)), expected ARR</th>" }.joined()
        }
        html += "</tr></thead><tbody>"
        for (k, m) in book.months.enumerated() {
            html += "<tr><td>\(m)</td><td>\(book.observedAccounts[k])</td>" + book.forecasts.map { "<td>\(String(format: "%.1f", $0.accounts[k]))</td>" }.joined()
            if let observedARR = book.observedARR {
                html += "<td>\(String(format: "%.0f", observedARR[k]))</td>"
                    + book.forecasts.compactMap { $0.arr.map { "<td>\(String(format: "%.0f", $0[k]))</td>" } }.joined()
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// Okabe–Ito again, by the band's name: high vermillion, medium orange, low bluish green;
    /// other names take blue, reddish purple and sky blue in turn.
    static func bandColor(_ band: String, _ k: Int) -> String {
        switch band {
        case "high": return "#D55E00"
        case "medium": return "#E69F00"
        case "low": return "#009E73"
        default: return ["#0072B2", "#CC79A7", "#56B4E9"][k % 3]
        }
    }

    /// Observed survival (solid, drawn only while some row is still observed) and the mean
    /// predicted curve (dashed) per band, one color per band.
    func survivalChart(_ survival: SurvivalEvaluation) -> String {
        let days = survival.bands[0].days
        let lastDay = Double(max(days.last ?? 1, 1))
        var legend: [(label: String, color: String, dashed: Bool)] = survival.bands.enumerated().map { k, band in
            ("\(band.band) (\(band.rows) rows)", Self.bandColor(band.band, k), false)
        }
        legend += [("observed (Kaplan–Meier)", Self.neutral, false), ("predicted (mean curve)", Self.neutral, true)]
        var chart = SVGChart(width: 1000, height: 340)
        // The legend goes below the frame (SVGChart), so the axis ends on the last day.
        chart.xRange = 0...lastDay
        // In percent (the axes' percent labels would apply to the days too). The y axis starts
        // at the next 10 % below the lowest value, so that high survival is not squeezed flat.
        let lowest = survival.bands.flatMap { $0.observed + $0.predicted }.filter(\.isFinite).min() ?? 0
        var bottom = max(0, min(90, ((lowest * 100 - 2) / 10).rounded(.down) * 10))
        let step = 100 - bottom > 50 ? 20.0 : 10
        bottom = (bottom / step).rounded(.down) * step
        chart.yRange = bottom...100
        let xTicks = ([0] + survival.horizons.map(\.days).filter { Double($0) <= lastDay }).map(Double.init)
        chart.axes(xLabel: "days after the scoring date", yLabel: "still a customer (%)", xTicks: xTicks,
                   yTicks: stride(from: 100, through: bottom, by: -step).map { $0 })
        for (k, band) in survival.bands.enumerated() {
            let color = Self.bandColor(band.band, k)
            let observedUntil = band.atRisk.lastIndex { $0 > 0 }.map { $0 + 1 } ?? 0
            chart.line((0..<observedUntil).map { (Double(band.days[$0]), 100 * band.observed[$0]) }, color: color, label: nil, id: "survival-observed-\(k)")
            chart.line(band.days.indices.map { (Double(band.days[$0]), 100 * band.predicted[$0]) }, color: color, label: nil, dashed: true,
                       id: "survival-predicted-\(k)")
        }
        chart.legend = legend
        return chart.svg(id: "survival-chart")
    }

    func coefficientChart() -> String {
        let shown = coefficients.indices.filter { coefficients[$0].value != 0 }
            .sorted { abs(coefficients[$0].value) > abs(coefficients[$1].value) || (abs(coefficients[$0].value) == abs(coefficients[$1].value) && $0 < $1) }
            .prefix(30)
        let rowHeight = 18.0, labelWidth = 260.0, width = 1100.0
        let height = Double(shown.count) * rowHeight + 30
        let largest = shown.map { abs(coefficients[$0].value) }.max() ?? 1
        // Room for the value labels on both sides, so the longest bar never runs into the names.
        let half = (width - labelWidth - 140) / 2, middle = labelWidth + 70 + half
        var body = #"<line class="frame" x1="\#(SVGChart.f(middle))" y1="4" x2="\#(SVGChart.f(middle))" y2="\#(SVGChart.f(height - 20))"/>"#
        for (row, j) in shown.enumerated() {
            let (name, value) = coefficients[j]
            let y = 8 + Double(row) * rowHeight, length = abs(value) / largest * half
            let x = value >= 0 ? middle : middle - length
            body += #"<text x="\#(SVGChart.f(labelWidth - 8))" y="\#(SVGChart.f(y + 11))" text-anchor="end">\#(Self.escape(name))</text>"#
            body += #"<rect x="\#(SVGChart.f(x))" y="\#(SVGChart.f(y + 2))" width="\#(SVGChart.f(length))" height="\#(SVGChart.f(rowHeight - 5))" fill="\#(value >= 0 ? Self.raises : Self.lowers)"><title>\#(Self.escape(name)): \#(String(format: "%+.4f", value))</title></rect>"#
            body += #"<text x="\#(SVGChart.f(value >= 0 ? x + length + 4 : x - 4))" y="\#(SVGChart.f(y + 11))" text-anchor="\#(value >= 0 ? "start" : "end")">\#(String(format: "%+.3f", value))</text>"#
        }
        body += #"<text x="\#(SVGChart.f(middle - 8))" y="\#(SVGChart.f(height - 6))" text-anchor="end">lowers the risk</text><text x="\#(SVGChart.f(middle + 8))" y="\#(SVGChart.f(height - 6))">raises the risk</text>"#
        return #"<svg id="coefficients-chart" viewBox="0 0 \#(SVGChart.f(width)) \#(SVGChart.f(height))" width="100%" role="img">\#(body)</svg>"#
    }

    /// The transition matrix as a heat map. The column headers are rotated 30°; the header
    /// band and the right margin grow with the longest state name so that no name is cut off,
    /// and the row labels' column with it too.
    func heatmap(_ chain: (states: [String], transitions: [[Double]])) -> String {
        let k = chain.states.count, cell = 64.0
        let longest = Double(chain.states.map(\.count).max() ?? 0) * 6.5
        let labelWidth = max(130, longest + 16), header = max(70, longest * 0.5 + 20)
        var body = ""
        for (j, name) in chain.states.enumerated() {
            body += #"<text transform="translate(\#(SVGChart.f(labelWidth + (Double(j) + 0.5) * cell)),\#(SVGChart.f(header - 8))) rotate(-30)">\#(Self.escape(name))</text>"#
        }
        for i in 0..<k {
            body += #"<text x="\#(SVGChart.f(labelWidth - 8))" y="\#(SVGChart.f(header + (Double(i) + 0.6) * cell))" text-anchor="end">\#(Self.escape(chain.states[i]))</text>"#
            for j in 0..<k {
                let p = chain.transitions[i][j]
                // White to deep blue; dark cells get white text.
                let shade = Int((1 - p) * 215) + 30
                let fill = String(format: "#%02x%02x%02x", max(0, shade - 30), max(0, shade - 10), min(255, shade + 40))
                body += #"<rect x="\#(SVGChart.f(labelWidth + Double(j) * cell))" y="\#(SVGChart.f(header + Double(i) * cell))" width="\#(SVGChart.f(cell - 2))" height="\#(SVGChart.f(cell - 2))" fill="\#(fill)"><title>\#(Self.escape(chain.states[i])) → \#(Self.escape(chain.states[j])): \#(Self.pct(p))</title></rect>"#
                body += #"<text x="\#(SVGChart.f(labelWidth + (Double(j) + 0.5) * cell - 1))" y="\#(SVGChart.f(header + (Double(i) + 0.55) * cell))" text-anchor="middle" style="fill:\#(p > 0.5 ? "#ffffff" : "#1d2530")">\#(String(format: "%.2f", p))</text>"#
            }
        }
        // The last header runs up and to the right of its column by its length × cos 30°.
        let width = labelWidth + Double(k) * cell + max(20, longest * 0.87 - cell / 2 + 8), height = header + Double(k) * cell + 10
        return #"<svg id="transitions-chart" viewBox="0 0 \#(SVGChart.f(width)) \#(SVGChart.f(height))" width="\#(SVGChart.f(width))" height="\#(SVGChart.f(height))" role="img">\#(body)</svg>"#
    }

    func reportData(roc: [Curves.Point], pr: [Curves.Point], gains: [Curves.Point]) throws -> String {
        struct Data: Encodable {
            let metrics: EvaluationReport
            let roc: [[Double]]
            let pr: [[Double]]
            let gains: [[Double]]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(Data(metrics: report, roc: roc.map { [$0.x, $0.y] }, pr: pr.map { [$0.x, $0.y] }, gains: gains.map { [$0.x, $0.y] }))
        // "</" cannot close the data block early: escape the slash.
        return String(decoding: json, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func pct(_ x: Double) -> String { String(format: x < 0.1 && x > 0 ? "%.1f%%" : "%.0f%%", x * 100) }
    static func f3(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "—" }
}
