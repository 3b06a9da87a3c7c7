import Foundation

/// What is known of one scored row after its date: the day it churned, if a churn was seen,
/// and how far the data reaches.
///
/// - Ranges: `eventDay` > 0 (a churn on the row's own date is not a future the row can be
///   scored on); `observedDays` ≥ 0 and, for consistent data, ≥ `eventDay`.
public struct RowFollowUp: Sendable, Equatable {
    /// Days from the row's date to its churn, > 0; nil when no churn was seen by the end of the data.
    public let eventDay: Int?
    /// Days from the row's date to the end of the data, ≥ 0.
    public let observedDays: Int

    public init(eventDay: Int?, observedDays: Int) {
        precondition(eventDay.map { $0 > 0 } ?? true, "an event day is > 0, not \(eventDay!)")
        precondition(observedDays >= 0, "observed days are ≥ 0, not \(observedDays)")
        self.eventDay = eventDay
        self.observedDays = observedDays
    }

    /// The Kaplan–Meier time: the churn day, or the last day seen without one.
    public var time: Int { eventDay ?? observedDays }

    /// The row's outcome by day h (h ≥ 0) when its window (D, D + h] ends within the data
    /// (observedDays ≥ h): true when it churned within h days (eventDay ≤ h), else false; nil
    /// when the data ends before day h, whatever happened. Which rows count depends only on
    /// their date, never on their outcome, so the observed rate is not leaned by censoring.
    public func churned(withinDays h: Int) -> Bool? {
        guard observedDays >= h else { return nil }
        return eventDay.map { $0 <= h } ?? false
    }
}

/// How well per-row churn curves P(churn within t days) forecast what happened, horizon by
/// horizon, with censoring; observed against predicted survival per risk band; and,
/// optionally, the book's forecast of churned accounts month by month (`BookBacktest`).
///
/// **Censoring rule** (the contract). At horizon h a row counts when its window (D, D + h]
/// ends within the data, observedDays ≥ h:
///
/// - positive: it churned within h days, eventDay ≤ h (an event exactly on day h counts);
/// - negative: it did not;
/// - left out (`leftOut`): the data ends before day h (observedDays < h), even when a churn
///   was seen before the data ended.
///
/// Censoring here is administrative (the data ends), so whether a row counts depends only on
/// its date: the counted rows are a fair sample and the observed rate is not leaned. (Keeping
/// the churns seen early in the cut-short windows would keep every early churn and drop only
/// would-be negatives.) AUC, Brier score, the mean prediction and the observed rate are
/// computed on the counted rows; `kaplanMeierRate` and `meanPredictedAllRows` give the
/// comparison on every row, censoring handled by the product-limit estimate.
///
/// Per risk band, `observed` is the Kaplan–Meier product-limit estimate
///
///     Ŝ(t) = Π_{u ≤ t} (1 − d_u / n_u)
///
/// over the band's rows (time = eventDay or observedDays, event = eventDay ≠ nil), u the days
/// with an event, d_u the events on day u and n_u the rows with time ≥ u (so events come
/// before censorings on the same day, the standard convention); Ŝ is right-continuous, and past
/// the last time it stays at its last value (as `lifelines` reports it). `predicted` is the
/// mean over the band's rows of their predicted S(t).
///
/// - Ranges: AUC, Brier score and rates in [0, 1]; survival in [0, 1], non-increasing in t.
public struct SurvivalEvaluation: Sendable, Equatable, Codable {
    /// The horizons churn curves are judged and written at, in days (score files, training
    /// figures, `evaluate`).
    public static let horizons = [30, 90, 180, 365]

    /// One horizon's figures on the rows whose outcome by then is known.
    public struct Horizon: Sendable, Equatable, Codable {
        /// The horizon h, days after each row's date.
        public let days: Int
        /// Rows with a known outcome by h.
        public let rows: Int
        /// Rows whose data ends before h without a churn.
        public let leftOut: Int
        /// Rows that churned within h days.
        public let events: Int
        /// ROC AUC of P(churn within h) on the counted rows; nil without both outcomes.
        public let auc: Double?
        /// Brier score (1/n) Σ (p − y)² on the counted rows; nil when no row counts.
        public let brier: Double?
        /// Mean P(churn within h) over the counted rows; nil when no row counts.
        public let meanPredicted: Double?
        /// events / rows; nil when no row counts.
        public let observedRate: Double?
        /// meanPredicted / observedRate: above 1 the curves over-predict churn; nil without events.
        public let calibrationRatio: Double?
        /// Mean P(churn within h) over every row, censored or not.
        public let meanPredictedAllRows: Double
        /// 1 − Ŝ(h), the Kaplan–Meier churn rate by h over every row; nil when no row's time
        /// reaches h (beyond the data the estimate is only the last value carried on).
        public let kaplanMeierRate: Double?

        enum CodingKeys: String, CodingKey {
            case days, rows, leftOut = "left_out", events, auc, brier, meanPredicted = "mean_predicted", observedRate = "observed_rate"
            case calibrationRatio = "calibration_ratio", meanPredictedAllRows = "mean_predicted_all_rows", kaplanMeierRate = "kaplan_meier_rate"
        }
    }

    /// Observed against predicted survival of one risk band on the grid days.
    public struct BandCurve: Sendable, Equatable, Codable {
        public let band: String
        public let rows: Int
        /// The grid, days after each row's date, non-decreasing.
        public let days: [Int]
        /// Kaplan–Meier Ŝ(t) at each grid day.
        public let observed: [Double]
        /// The mean of the rows' predicted S(t) at each grid day.
        public let predicted: [Double]
        /// Rows still observed at each grid day (time ≥ t): where it is 0, `observed` is only carried on.
        public let atRisk: [Int]

        enum CodingKeys: String, CodingKey { case band, rows, days, observed, predicted, atRisk = "at_risk" }
    }

    public let horizons: [Horizon]
    /// The bands in `bandOrder`, then any other band in name order; empty bands left out.
    public let bands: [BandCurve]
    /// The book forecast backtest, when the caller ran one.
    public let book: BookBacktest?

    public init(horizons: [Horizon], bands: [BandCurve], book: BookBacktest? = nil) {
        self.horizons = horizons
        self.bands = bands
        self.book = book
    }

    /// - Parameters:
    ///   - predicted: n rows × H values, P(churn within horizons[j] days) of row i, in [0, 1].
    ///   - horizons: H horizons in days, > 0 (e.g. 30, 90, 180, 365).
    ///   - followUps: n follow-ups, one per row.
    ///   - bands: n band names, each row's risk band.
    ///   - bandOrder: the order the bands are shown in (e.g. lowest risk first).
    ///   - survivalGrid: G days ≥ 0, non-decreasing, where the band curves are evaluated
    ///     (e.g. 0, 30, …, 360, 365).
    ///   - predictedSurvival: n rows × G values, the row's predicted S(t) at each grid day.
    ///   - book: the book backtest (`backtest`), if any.
    /// - Precondition: the shapes above.
    public static func evaluate(
        predicted: [[Double]], horizons: [Int], followUps: [RowFollowUp], bands: [String], bandOrder: [String],
        survivalGrid: [Int], predictedSurvival: [[Double]], book: BookBacktest? = nil
    ) -> SurvivalEvaluation {
        let n = followUps.count
        precondition(predicted.count == n && bands.count == n && predictedSurvival.count == n,
                     "predictions, bands and survival curves need one entry per follow-up (\(n))")
        precondition(predicted.allSatisfy { $0.count == horizons.count }, "each row needs one prediction per horizon (\(horizons.count))")
        precondition(predictedSurvival.allSatisfy { $0.count == survivalGrid.count }, "each row needs one survival per grid day (\(survivalGrid.count))")
        precondition(horizons.allSatisfy { $0 > 0 }, "horizons are > 0 days")
        precondition(survivalGrid.allSatisfy { $0 >= 0 } && zip(survivalGrid, survivalGrid.dropFirst()).allSatisfy { $0 <= $1 },
                     "the grid is non-decreasing days ≥ 0")

        let everyone = KaplanMeier(followUps)
        let horizonFigures = horizons.enumerated().map { j, h -> Horizon in
            var labels: [Double] = [], scores: [Double] = []
            for (i, followUp) in followUps.enumerated() {
                guard let churned = followUp.churned(withinDays: h) else { continue }
                labels.append(churned ? 1 : 0)
                scores.append(predicted[i][j])
            }
            let rows = labels.count, events = Int(labels.reduce(0, +))
            let meanPredicted = rows == 0 ? nil : scores.reduce(0, +) / Double(rows)
            let observedRate = rows == 0 ? nil : Double(events) / Double(rows)
            return Horizon(
                days: h, rows: rows, leftOut: n - rows, events: events,
                auc: RankingMetrics.rocAUC(labels: labels, scores: scores),
                brier: rows == 0 ? nil : CalibrationMetrics.brierScore(labels: labels, probabilities: scores),
                meanPredicted: meanPredicted, observedRate: observedRate,
                calibrationRatio: events == 0 ? nil : scores.reduce(0, +) / Double(events),  // Σp ÷ events = mean predicted ÷ observed rate
                meanPredictedAllRows: n == 0 ? 0 : predicted.reduce(0) { $0 + $1[j] } / Double(n),
                kaplanMeierRate: everyone.atRisk(h) == 0 ? nil : 1 - everyone.survival(h))
        }

        var rowsOf: [String: [Int]] = [:]
        for (i, band) in bands.enumerated() { rowsOf[band, default: []].append(i) }
        let order = bandOrder.filter { rowsOf[$0] != nil } + rowsOf.keys.filter { !bandOrder.contains($0) }.sorted()
        let curves = order.map { band -> BandCurve in
            let rows = rowsOf[band]!
            let km = KaplanMeier(rows.map { followUps[$0] })
            return BandCurve(
                band: band, rows: rows.count, days: survivalGrid, observed: survivalGrid.map(km.survival),
                predicted: survivalGrid.indices.map { g in rows.reduce(0) { $0 + predictedSurvival[$1][g] } / Double(rows.count) },
                atRisk: survivalGrid.map(km.atRisk))
        }
        return SurvivalEvaluation(horizons: horizonFigures, bands: curves, book: book)
    }

    /// The book backtest (`BookBacktest.evaluate`), here for callers that build the whole evaluation from this type.
    public static func backtest(forecasts: [(name: String, accounts: [Double], arr: [Double]?)], followUps: [RowFollowUp],
                                arr: [Double]?, months: Int = 12) -> BookBacktest? {
        BookBacktest.evaluate(forecasts: forecasts, followUps: followUps, arr: arr, months: months)
    }

    /// The product-limit estimator of a set of follow-ups, queried at any day.
    struct KaplanMeier {
        /// The days with at least one event, increasing, and Ŝ just after each.
        let eventTimes: [Int]
        let survivalAfter: [Double]
        /// Every row's time, increasing, for the number at risk.
        let times: [Int]

        init(_ followUps: [RowFollowUp]) {
            times = followUps.map(\.time).sorted()
            var eventsOn: [Int: Int] = [:]
            for f in followUps { if let day = f.eventDay { eventsOn[day, default: 0] += 1 } }
            eventTimes = eventsOn.keys.sorted()
            var s = 1.0
            var after: [Double] = []
            for u in eventTimes {
                let d = Double(eventsOn[u]!), atRisk = Double(Self.countAtLeast(u, in: times))
                s *= 1 - d / atRisk
                after.append(s)
            }
            survivalAfter = after
        }

        /// Ŝ(t): the survival after every event at a time ≤ t (1 before the first).
        func survival(_ t: Int) -> Double {
            let k = Self.countAtMost(t, in: eventTimes)
            return k == 0 ? 1 : survivalAfter[k - 1]
        }

        /// Rows with time ≥ t.
        func atRisk(_ t: Int) -> Int { Self.countAtLeast(t, in: times) }

        /// Values ≤ t in an increasing array (binary search).
        static func countAtMost(_ t: Int, in sorted: [Int]) -> Int {
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] <= t { low = mid + 1 } else { high = mid }
            }
            return low
        }

        static func countAtLeast(_ t: Int, in sorted: [Int]) -> Int { sorted.count - countAtMost(t - 1, in: sorted) }
    }

    /// Plain text: one line per horizon, observed and predicted survival per band at the
    /// horizons the grid holds, then the book backtest.
    public func text() -> String {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "—" }
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var out = "\nchurn curves by horizon (rows whose whole window lies within the data; left out: the data ends first):\n"
        out += "horizon    rows  left out  events     AUC   Brier  predicted  observed  ratio  Kaplan–Meier  predicted, all rows\n"
        for h in horizons {
            out += right("\(h.days) d", 7) + right("\(h.rows)", 8) + right("\(h.leftOut)", 10) + right("\(h.events)", 8)
                + right(number(h.auc, "%.4f"), 8) + right(number(h.brier, "%.4f"), 8)
                + right(number(h.meanPredicted.map { 100 * $0 }, "%.2f %%"), 11) + right(number(h.observedRate.map { 100 * $0 }, "%.2f %%"), 10)
                + right(number(h.calibrationRatio, "%.2f"), 7) + right(number(h.kaplanMeierRate.map { 100 * $0 }, "%.2f %%"), 14)
                + right(String(format: "%.2f %%", 100 * h.meanPredictedAllRows), 21) + "\n"
        }
        if let first = bands.first, !first.days.isEmpty {
            // The horizons' days where the grid has them, else its last day.
            let shown = horizons.compactMap { first.days.firstIndex(of: $0.days) }
            let columns = shown.isEmpty ? [first.days.count - 1] : shown
            let nameWidth = max(12, bands.map(\.band.count).max()! + 2)
            out += "survival by risk band, observed (Kaplan–Meier) / predicted (mean curve):\n"
            out += "band".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + right("rows", 6)
                + columns.map { right("\(first.days[$0]) d", 16) }.joined() + "\n"
            for b in bands {
                out += b.band.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + right("\(b.rows)", 6)
                    + columns.map { right(String(format: "%.3f / %.3f", b.observed[$0], b.predicted[$0]), 16) }.joined() + "\n"
            }
        }
        if let book { out += book.text() }
        return out
    }
}

/// The book forecast backtested: month by month, the expected cumulative number (and ARR) of
/// churned accounts from each named forecast beside the number (and ARR) that churned.
///
/// Months follow the hazard model's periods: month m ends L·m days after the rows' date,
/// L = 365.25 / 12. A row has churned by month m when eventDay ≤ L·m. Month m is compared only
/// when every row's outcome by then is known (observedDays ≥ L·m or a churn seen), so the
/// observed counts are complete; later months are left out, not extrapolated.
///
/// - Shapes: every array has one value per compared month, month 1 first.
public struct BookBacktest: Sendable, Equatable, Codable {
    /// L, the days in a month.
    public static let monthDays = 365.25 / 12

    /// One forecast's expected cumulative churn.
    public struct Forecast: Sendable, Equatable, Codable {
        public let name: String
        /// Expected churned accounts by each compared month, Σᵢ P(row i churns within L·m days).
        public let accounts: [Double]
        /// Expected churned ARR by each compared month, Σᵢ ARRᵢ P(…); nil when not given.
        public let arr: [Double]?

        public init(name: String, accounts: [Double], arr: [Double]?) {
            self.name = name
            self.accounts = accounts
            self.arr = arr
        }
    }

    /// The rows (accounts) in the book.
    public let rows: Int
    /// The compared months, 1 … M.
    public let months: [Int]
    /// Accounts churned by each month.
    public let observedAccounts: [Int]
    /// Their ARR; nil without ARR per row.
    public let observedARR: [Double]?
    /// The book's ARR at its date; nil without ARR per row.
    public let totalARR: Double?
    public let forecasts: [Forecast]

    enum CodingKeys: String, CodingKey {
        case rows, months, observedAccounts = "observed_accounts", observedARR = "observed_arr", totalARR = "total_arr", forecasts
    }

    public init(rows: Int, months: [Int], observedAccounts: [Int], observedARR: [Double]?, totalARR: Double?, forecasts: [Forecast]) {
        self.rows = rows
        self.months = months
        self.observedAccounts = observedAccounts
        self.observedARR = observedARR
        self.totalARR = totalARR
        self.forecasts = forecasts
    }

    /// - Parameters:
    ///   - forecasts: named forecasts, each `accounts` (and `arr`, if any) holding at least
    ///     `months` cumulative expected values, month 1 first: accounts[m − 1] = Σᵢ P(row i
    ///     churns within L·m days).
    ///   - followUps: one per row of the book.
    ///   - arr: ARR per row, or nil.
    ///   - months: the months forecast, ≥ 1 (default 12).
    /// - Returns: nil when the book is empty or not even month 1 is observed for every row.
    public static func evaluate(forecasts: [(name: String, accounts: [Double], arr: [Double]?)], followUps: [RowFollowUp],
                                arr: [Double]?, months: Int = 12) -> BookBacktest? {
        precondition(months >= 1, "at least one month")
        precondition(arr.map { $0.count == followUps.count } ?? true, "ARR needs one value per row (\(followUps.count))")
        for f in forecasts {
            precondition(f.accounts.count >= months && (f.arr.map { $0.count >= months } ?? true),
                         "\(f.name) needs \(months) months of expected accounts (and ARR)")
        }
        guard !followUps.isEmpty else { return nil }
        func known(_ f: RowFollowUp, _ m: Int) -> Bool {
            let end = Double(m) * monthDays
            return f.eventDay.map { Double($0) <= end } ?? false || Double(f.observedDays) >= end
        }
        var compared = 0
        while compared < months && followUps.allSatisfy({ known($0, compared + 1) }) { compared += 1 }
        guard compared > 0 else { return nil }
        let range = 1...compared
        let churnedBy = range.map { m in followUps.indices.filter { followUps[$0].eventDay.map { Double($0) <= Double(m) * monthDays } ?? false } }
        return BookBacktest(
            rows: followUps.count, months: Array(range), observedAccounts: churnedBy.map(\.count),
            observedARR: arr.map { arr in churnedBy.map { $0.reduce(0) { $0 + arr[$1] } } },
            totalARR: arr.map { $0.reduce(0, +) },
            forecasts: forecasts.map { Forecast(name: $0.name, accounts: Array($0.accounts.prefix(compared)), arr: $0.arr.map { Array($0.prefix(compared)) }) })
    }

    /// Plain text: one line per month, observed then each forecast's expectation.
    public func text() -> String {
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        let widths = forecasts.map { max(10, $0.name.count + 2) }
        var out = "book forecast backtest, \(rows) accounts: cumulative churned accounts by month (expected vs observed):\n"
        out += "month  observed" + zip(forecasts, widths).map { right($0.name, $1) }.joined() + "\n"
        for (k, m) in months.enumerated() {
            out += right("\(m)", 5) + right("\(observedAccounts[k])", 10) + zip(forecasts, widths).map { right(String(format: "%.1f", $0.accounts[k]), $1) }.joined() + "\n"
        }
        if let observedARR {
            out += "cumulative churned ARR by month:\n"
            out += "month  observed" + zip(forecasts, widths).map { right($0.name, $1) }.joined() + "\n"
            for (k, m) in months.enumerated() {
                out += right("\(m)", 5) + right(String(format: "%.0f", observedARR[k]), 10)
                    + zip(forecasts, widths).map { right($0.arr.map { String(format: "%.0f", $0[k]) } ?? "—", $1) }.joined() + "\n"
            }
        }
        return out
    }
}
