import Foundation
import VitalsFeatures
import VitalsEvaluation
import VitalsFoundation
import VitalsScoring
import VitalsMarkov
import VitalsSignals

/// What `vitals markov` prints: the health chain as of a date, its transition
/// probabilities with credible intervals, time to churn and churn probability per state,
/// and the book-of-business forecast from today's states.
public struct MarkovReport: Sendable, Codable {
    public struct Transition: Sendable, Codable {
        public let from: String
        public let to: String
        public let probability: Double
        public let lower: Double
        public let upper: Double
        public let count: Int
    }

    public struct StateSummary: Sendable, Codable {
        public let state: String
        public let accounts: Int
        public let arr: Double
        public let churnWithin3Months: Double
        public let churnWithin6Months: Double
        public let churnWithin12Months: Double
        public let expectedMonthsToChurn: Double
        public let sdMonthsToChurn: Double

        enum CodingKeys: String, CodingKey {
            case state, accounts, arr
            case churnWithin3Months = "churn_within_3_months", churnWithin6Months = "churn_within_6_months"
            case churnWithin12Months = "churn_within_12_months", expectedMonthsToChurn = "expected_months_to_churn"
            case sdMonthsToChurn = "sd_months_to_churn"
        }
    }

    public struct ForecastMonth: Sendable, Codable {
        public let month: Int
        public let date: String
        public let accounts: [String: Double]
        public let arr: [String: Double]
    }

    /// The book forecast from the accounts' own churn curves: month m's expected churned
    /// accounts Σᵢ (1 − Sᵢ(m L)) and ARR Σᵢ ARRᵢ (1 − Sᵢ(m L)), L = 365.25 / 12 days, beside
    /// the chain's forecast from their states.
    public struct CurveForecast: Sendable, Codable {
        public struct Month: Sendable, Codable {
            public let month: Int
            public let date: String
            public let churnedAccounts: Double
            public let churnedARR: Double

            enum CodingKeys: String, CodingKey { case month, date, churnedAccounts = "churned_accounts", churnedARR = "churned_arr" }
        }

        public let modelID: String
        public let accounts: Int
        public let months: [Month]

        enum CodingKeys: String, CodingKey { case modelID = "model_id", accounts, months }

        /// The forecast of a churn snapshot's curves, for the accounts of `segment` (all without).
        public init?(snapshot: ScoredSnapshot, segment: String?, months: Int = 12) {
            guard let curves = snapshot.curves else { return nil }
            let accounts = snapshot.dataset.accounts
            let rows = (0..<snapshot.rowCount).filter { r in segment == nil || accounts.segment.flatMap { $0[Int(snapshot.table.entities[r])] } == segment }
            let arr = rows.map { r in accounts.arr.flatMap { $0[Int(snapshot.table.entities[r])] } ?? 0 }
            modelID = snapshot.model.modelID
            self.accounts = rows.count
            self.months = (1...months).map { m in
                let days = Double(m) * BookBacktest.monthDays
                let p = rows.map { curves[$0].churnProbability(withinDays: days) }
                return Month(month: m, date: "\(snapshot.asOf + Int(days.rounded()))", churnedAccounts: p.reduce(0, +),
                             churnedARR: zip(p, arr).reduce(0) { $0 + $1.0 * $1.1 })
            }
        }
    }

    public let asOf: String
    public let segment: String?
    public let states: [String]
    public let transitions: [Transition]
    public let summary: [StateSummary]
    public let forecast: [ForecastMonth]
    /// Long-run monthly churn of surviving accounts (1 − the quasi-stationary survival rate), if defined.
    public let longRunMonthlyChurn: Double?
    public let transitionsObserved: Int
    /// With a churn model that has curves (`vitals markov --model`); nil otherwise.
    public var curveForecast: CurveForecast?

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", segment, states, transitions, summary, forecast
        case longRunMonthlyChurn = "long_run_monthly_churn", transitionsObserved = "transitions_observed", curveForecast = "curve_forecast"
    }

    /// Fits the chain with state rule `rule` and `estimator` on the month-ends up to `asOf`
    /// and analyses it, for the whole book or one segment.
    public static func build(index: SignalsIndex, rule: HealthStateRule, estimator: MarkovChainEstimator, asOf: Day, segment: String?) throws
        -> MarkovReport
    {
        let months = Cadence.monthly.dates(from: index.dataStart, through: asOf)
        guard months.count >= 2 else {
            throw MarkovError.invalidParameter(name: "as_of", value: "\(asOf)", rule: "needs at least two month-ends of data before it")
        }
        let fitted = try AccountHealthChain.fit(index: index, rule: rule, estimator: estimator, months: months)
        let chain: MarkovChain
        // A segment in any case or by a unique prefix (`FilterValue`), as the lists take it.
        let segment = try segment.map { try FilterValue.resolve($0, field: "segment", among: Array(fitted.segmentChains.keys)) }
        if let segment {
            guard let segmentChain = fitted.segmentChains[segment] else {
                throw MarkovError.invalidParameter(name: "segment", value: segment,
                                                   rule: "not a segment of this book (\(fitted.segmentChains.keys.sorted().joined(separator: ", ")))")
            }
            chain = segmentChain
        } else {
            chain = fitted.chain
        }
        let names = chain.space.names, churned = chain.space.count - 1
        var transitions: [Transition] = []
        for i in chain.space.transientStates {
            for j in 0..<names.count where chain.space.allowed[i][j] {
                let interval = chain.credibleInterval(from: i, to: j)
                transitions.append(Transition(from: names[i], to: names[j], probability: chain.probability(from: i, to: j),
                                              lower: interval.lowerBound, upper: interval.upperBound, count: chain.counts.counts[i][j]))
            }
        }
        let analysis = try AbsorbingChainAnalysis(chain)
        let p3 = try analysis.probabilityOfAbsorption(into: churned, within: 3)
        let p6 = try analysis.probabilityOfAbsorption(into: churned, within: 6)
        let p12 = try analysis.probabilityOfAbsorption(into: churned, within: 12)

        // Today's book: each account's state at the last month-end, with its ARR.
        let current = AccountHealthChain.states(index: index, rule: fitted.rule, months: [months.last!])[0]
        let accounts = index.dataset.accounts
        var counts = [Double](repeating: 0, count: names.count), arr = [Double](repeating: 0, count: names.count)
        for a in 0..<accounts.count where current[a] >= 0 && current[a] != churned {
            if let segment, accounts.segment.flatMap({ $0[a] }) != segment { continue }
            counts[current[a]] += 1
            arr[current[a]] += accounts.arr.flatMap { $0[a] } ?? 0
        }
        let summary = chain.space.transientStates.map { s in
            StateSummary(state: names[s], accounts: Int(counts[s]), arr: arr[s], churnWithin3Months: p3[s], churnWithin6Months: p6[s],
                         churnWithin12Months: p12[s], expectedMonthsToChurn: analysis.expectedPeriodsToAbsorption[s],
                         sdMonthsToChurn: analysis.varianceOfPeriodsToAbsorption[s].squareRoot())
        }
        let book = try BookForecast(chain: chain, accounts: counts, arr: arr)
        let forecast = book.months.map { month in
            ForecastMonth(month: month.month, date: "\(months.last!.startOfMonth.adding(months: month.month + 1) - 1)",
                          accounts: Dictionary(uniqueKeysWithValues: zip(names, month.accounts)),
                          arr: Dictionary(uniqueKeysWithValues: zip(names, month.arr)))
        }
        let qsd = try analysis.quasiStationaryDistribution()
        return MarkovReport(asOf: "\(asOf)", segment: segment, states: names, transitions: transitions, summary: summary,
                            forecast: forecast, longRunMonthlyChurn: qsd.map { 1 - $0.survival }, transitionsObserved: chain.counts.total)
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// The report as text within `width` columns (default 80). The transition matrix and the
    /// forecast go side by side with their intervals and ARR when that fits; narrower, the
    /// matrix shows probabilities and the intervals follow as a list, and the forecast's
    /// accounts and ARR are two tables.
    public func text(width: Int = 80) -> String {
        func pct(_ x: Double) -> String { String(format: "%5.1f%%", 100 * x) }
        func money(_ x: Double) -> String {
            x >= 1e6 ? String(format: "%.2fM", x / 1e6) : x >= 1e3 ? String(format: "%.0fk", x / 1e3) : String(format: "%.0f", x)
        }
        let nameWidth = max(12, states.map(\.count).max()! + 2)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func right(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        // A header cell: the state name, cut with … when the column is narrower.
        func head(_ s: String, _ w: Int) -> String { right(s.count < w ? s : String(s.prefix(w - 2)) + "…", w) }
        let title = "Health chain as of \(asOf)\(segment.map { ", segment \($0)" } ?? ""): \(transitionsObserved) monthly transitions observed"
        // A sentence wrapped to the width.
        func paragraph(_ text: String) -> String { wrap(text, width: width, indent: "", maxLines: 4).joined(separator: "\n") + "\n" }
        var out = paragraph(title) + "\n"
        let rows = states.filter { from in summary.contains(where: { $0.state == from }) }
        let transition = { (from: String, to: String) in transitions.first(where: { $0.from == from && $0.to == to }) }
        if nameWidth + states.count * 20 <= width {
            out += "Transition probabilities per month (95 % credible interval):\n"
            out += pad("from \\ to", nameWidth) + states.map { right($0, 20) }.joined() + "\n"
            for from in rows {
                out += pad(from, nameWidth)
                for to in states {
                    out += right(transition(from, to).map { String(format: "%.3f [%.3f,%.3f]", $0.probability, $0.lower, $0.upper) } ?? "—", 20)
                }
                out += "\n"
            }
        } else {
            let column = max(7, min(states.map(\.count).max()! + 1, (width - nameWidth) / max(states.count, 1)))
            out += "Transition probabilities per month:\n"
            out += pad("from \\ to", nameWidth) + states.map { head($0, column) }.joined() + "\n"
            for from in rows {
                out += pad(from, nameWidth) + states.map { to in right(transition(from, to).map { String(format: "%.3f", $0.probability) } ?? "—", column) }
                    .joined() + "\n"
            }
            out += "\n95 % credible intervals (monthly transitions observed):\n"
            let arrowWidth = min(2 * nameWidth + 3, max(0, width - 32))
            for t in transitions where rows.contains(t.from) {
                out += "  " + pad(cell("\(t.from) → \(t.to)", arrowWidth), arrowWidth)
                    + String(format: " %.3f [%.3f, %.3f] (%d)", t.probability, t.lower, t.upper, t.count) + "\n"
            }
        }
        out += "\n" + paragraph("Per state: accounts today, ARR, churn probability within 3/6/12 months, expected months to churn (sd):")
        for s in summary {
            out += pad(s.state, nameWidth) + right("\(s.accounts)", 7) + right(money(s.arr), 9) + "  " + pct(s.churnWithin3Months) + " "
                + pct(s.churnWithin6Months) + " " + pct(s.churnWithin12Months) + String(format: "   %6.1f (%.1f)", s.expectedMonthsToChurn, s.sdMonthsToChurn) + "\n"
        }
        if let longRunMonthlyChurn { out += String(format: "Long-run monthly churn of surviving accounts: %.2f%%\n", 100 * longRunMonthlyChurn) }
        let shownMonths = forecast.filter { [1, 2, 3, 6, 9, 12].contains($0.month) }
        if 12 + states.count * 16 <= width {
            out += "\nForecast of the book (expected accounts; ARR):\n"
            out += pad("month-end", 12) + states.map { right($0, 16) }.joined() + "\n"
            for month in shownMonths {
                out += pad(month.date, 12) + states.map { right(String(format: "%.1f; %@", month.accounts[$0]!, money(month.arr[$0]!)), 16) }.joined() + "\n"
            }
        } else {
            let column = max(8, min(states.map(\.count).max()! + 1, (width - 12) / max(states.count, 1)))
            let tables: [(heading: String, value: (ForecastMonth, String) -> String)] = [
                ("expected accounts", { m, s in String(format: "%.1f", m.accounts[s]!) }), ("expected ARR", { m, s in money(m.arr[s]!) }),
            ]
            for (heading, value) in tables {
                out += "\nForecast of the book (\(heading)):\n"
                out += pad("month-end", 12) + states.map { head($0, column) }.joined() + "\n"
                for month in shownMonths { out += pad(month.date, 12) + states.map { right(value(month, $0), column) }.joined() + "\n" }
            }
        }
        if let curves = curveForecast {
            out += "\n" + paragraph("Forecast from the \(curves.accounts) accounts' own churn curves (model \(curves.modelID)), churned by then (expected accounts; ARR):")
            for month in curves.months where [1, 2, 3, 6, 9, 12].contains(month.month) {
                out += pad(month.date, 12) + right(String(format: "%.1f; %@", month.churnedAccounts, money(month.churnedARR)), 16) + "\n"
            }
        }
        return out
    }
}
