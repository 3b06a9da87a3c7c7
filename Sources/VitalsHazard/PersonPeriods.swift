// VitalsHazard: time to churn as a discrete-time hazard model on the logistic core (Singer &
// Willett 2003; Allison 1982), fitted on person-period rows expanded from landmark snapshots,
// and the survival curves it gives each row.

import VitalsLinearAlgebra

/// The periods a churn curve is counted in: k = 1 … `count` periods of `days` days each
/// after the snapshot, period k covering the days ((k − 1) L, k L].
public struct HazardPeriods: Sendable, Equatable, Codable {
    /// L, the days in a period. Default 365.25 / 12 (a month on average); range (0, 366].
    public let days: Double
    /// K, the periods the curve reaches. Default 12; range 1…120.
    public let count: Int

    public init(days: Double = 365.25 / 12, count: Int = 12) {
        precondition(days > 0 && days <= 366 && (1...120).contains(count), "periods of (0, 366] days, 1 to 120 of them")
        self.days = days
        self.count = count
    }

    /// The period an event `day` days after the snapshot falls in: ⌈day / L⌉ (day > 0).
    public func period(ofDay day: Int) -> Int { Int((Double(day) / days).rounded(.up)) }

    /// The periods observed whole when the data ends `day` days after the snapshot: ⌊day / L⌋.
    public func wholePeriods(observedDays day: Int) -> Int { Int((Double(max(day, 0)) / days).rounded(.down)) }

    /// The curve's reach in days, K L.
    public var reachDays: Double { Double(count) * days }
}

/// What is known of one snapshot row after its date: the day the entity churned (if it did,
/// within the data) and how many days the data covers after the snapshot.
public struct FollowUp: Sendable, Equatable {
    /// Days from the snapshot to the churn, > 0; nil when no churn was seen.
    public let eventDay: Int?
    /// Days from the snapshot to the end of the data, ≥ 0.
    public let observedDays: Int

    public init(eventDay: Int?, observedDays: Int) {
        self.eventDay = eventDay
        self.observedDays = observedDays
    }
}

/// The person-period columns after the snapshot features: the month k ahead, and, when the
/// snapshots carry the days to the next contract anniversary, whether an anniversary falls
/// in month k. Churn concentrates at renewals, so the month a renewal falls in moves the
/// hazard for that month only; a feature of the snapshot alone could not say which month.
public struct PeriodTerms: Sendable, Equatable, Codable {
    public let periods: HazardPeriods
    /// The snapshot feature holding the days to the next contract anniversary (> 0), whose
    /// month gets the renewal term; nil for curves without one.
    public let renewalFeature: String?

    /// The names of the columns, in order: `periods_ahead`, then `renewal_in_period`.
    public static let periodName = "periods_ahead"
    public static let renewalName = "renewal_in_period"
    /// The days between contract anniversaries, for anniversaries after the next.
    public static let yearDays = 365.25

    enum CodingKeys: String, CodingKey { case periods, renewalFeature = "renewal_feature" }

    public init(periods: HazardPeriods, renewalFeature: String? = nil) {
        self.periods = periods
        self.renewalFeature = renewalFeature
    }

    public var names: [String] { [Self.periodName] + (renewalFeature == nil ? [] : [Self.renewalName]) }

    /// Whether an anniversary d, d + Y, d + 2Y, … (Y = 365.25 days) falls in period k, the
    /// days ((k − 1) L, k L] after the snapshot.
    public func renewalDue(daysToRenewal d: Double, period k: Int) -> Bool {
        let start = Double(k - 1) * periods.days, end = Double(k) * periods.days
        guard d.isFinite, d > 0 else { return false }
        // The first anniversary after the period's start: d + m Y with m = max(0, ⌈(start − d) / Y⌉), nudged past `start`.
        var m = max(0, ((start - d) / Self.yearDays).rounded(.up))
        if d + m * Self.yearDays <= start { m += 1 }
        return d + m * Self.yearDays <= end
    }

    /// The columns' values for a snapshot whose renewal feature is `daysToRenewal` (ignored
    /// without one), in period k.
    public func values(daysToRenewal: Double, period k: Int) -> [Double] {
        renewalFeature == nil ? [Double(k)] : [Double(k), renewalDue(daysToRenewal: daysToRenewal, period: k) ? 1 : 0]
    }
}

/// The person-period rows of a set of snapshots: for snapshot i and period k = 1, 2, …, one
/// row (xᵢ, k) labelled 1 when the churn fell in period k and 0 when the entity was still a
/// customer at the period's end, for the periods the data covers whole, m = ⌊observed / L⌋:
///
/// - a churn in period e ≤ min(K, m) gives the rows k = 1 … e − 1 (label 0) and k = e (label 1);
/// - otherwise the rows k = 1 … min(K, m) (label 0).
///
/// A period the data ends inside is censored (no row) whatever happened in it: the end of
/// the data is administrative, so which periods count depends on the dates alone. Counting a
/// churn seen in it while dropping its survivors would lean the hazard high. A churn after
/// period K, or never, contributes only survived periods: the likelihood of a survival model
/// censored at K.
///
/// - Shapes: n snapshots of p features become r ≤ n K rows of p + t columns, the period
///   terms (`PeriodTerms`: k, 1 … K as a number, then whether a renewal falls in k) last.
public struct PersonPeriods: Sendable {
    public let x: Matrix
    public let y: [Double]
    /// The snapshot each row came from.
    public let source: [Int]
    /// Each row's period k.
    public let period: [Int]

    /// The rows one snapshot gives: e for a churn in period e ≤ min(K, m), else min(K, m).
    public static func rowCount(of followUp: FollowUp, periods: HazardPeriods) -> Int {
        let whole = min(periods.count, periods.wholePeriods(observedDays: followUp.observedDays))
        return eventPeriod(of: followUp, periods: periods).map { min($0, whole) } ?? whole
    }

    /// The period of a churn the rows count: e when the churn fell in a period the data
    /// covers whole and within the reach, else nil.
    public static func eventPeriod(of followUp: FollowUp, periods: HazardPeriods) -> Int? {
        guard let day = followUp.eventDay else { return nil }
        let e = periods.period(ofDay: max(day, 1))
        return e <= min(periods.count, periods.wholePeriods(observedDays: followUp.observedDays)) ? e : nil
    }

    /// - Parameters:
    ///   - renewalColumn: the column of `snapshots` holding `terms.renewalFeature` (required
    ///     when the terms have one).
    /// - Precondition: `followUps.count == snapshots.rows`.
    public init(snapshots: Matrix, followUps: [FollowUp], terms: PeriodTerms, renewalColumn: Int? = nil) {
        precondition(followUps.count == snapshots.rows, "\(followUps.count) follow-ups for \(snapshots.rows) snapshots")
        precondition((terms.renewalFeature == nil) == (renewalColumn == nil), "the renewal term needs its column")
        let periods = terms.periods
        var rows: [(source: Int, period: Int, label: Double)] = []
        for (i, followUp) in followUps.enumerated() {
            let event = Self.eventPeriod(of: followUp, periods: periods)
            for k in stride(from: 1, through: Self.rowCount(of: followUp, periods: periods), by: 1) { rows.append((i, k, k == event ? 1 : 0)) }
        }
        let p = snapshots.columns, t = terms.names.count
        var expanded = Matrix(rows: rows.count, columns: p + t)
        for (r, row) in rows.enumerated() {
            for j in 0..<p { expanded[r, j] = snapshots[row.source, j] }
            let values = terms.values(daysToRenewal: renewalColumn.map { snapshots[row.source, $0] } ?? 0, period: row.period)
            for (j, v) in values.enumerated() { expanded[r, p + j] = v }
        }
        x = expanded
        y = rows.map(\.label)
        source = rows.map(\.source)
        period = rows.map(\.period)
    }

    /// Rows with the month as the only period term.
    public init(snapshots: Matrix, followUps: [FollowUp], periods: HazardPeriods) {
        self.init(snapshots: snapshots, followUps: followUps, terms: PeriodTerms(periods: periods))
    }
}
