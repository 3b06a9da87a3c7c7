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

/// The person-period rows of a set of snapshots: for snapshot i and period k = 1, 2, …, one
/// row (xᵢ, k) labelled 1 when the churn fell in period k and 0 when the entity was still a
/// customer at the period's end, as long as the row's fate is known:
///
/// - a churn in period e ≤ K gives the rows k = 1 … e − 1 (label 0) and k = e (label 1);
/// - otherwise the rows k = 1 … min(K, m) (label 0), m the periods observed whole: a period
///   the data ends inside, with no churn in it, is censored (no row), not counted as survived.
///
/// A churn after period K, or never, contributes only survived periods: the same likelihood
/// as a survival model censored at K.
///
/// - Shapes: n snapshots of p features become r ≤ n K rows of p + 1 columns, the period k
///   (1 … K, as a number) last.
public struct PersonPeriods: Sendable {
    public let x: Matrix
    public let y: [Double]
    /// The snapshot each row came from.
    public let source: [Int]
    /// Each row's period k.
    public let period: [Int]

    /// - Precondition: `followUps.count == snapshots.rows`.
    public init(snapshots: Matrix, followUps: [FollowUp], periods: HazardPeriods) {
        precondition(followUps.count == snapshots.rows, "\(followUps.count) follow-ups for \(snapshots.rows) snapshots")
        var rows: [(source: Int, period: Int, label: Double)] = []
        for (i, followUp) in followUps.enumerated() {
            let event = followUp.eventDay.map { periods.period(ofDay: max($0, 1)) }
            if let event, event <= periods.count {
                for k in 1..<event { rows.append((i, k, 0)) }
                rows.append((i, event, 1))
            } else {
                let survived = min(periods.count, periods.wholePeriods(observedDays: followUp.observedDays))
                for k in stride(from: 1, through: survived, by: 1) { rows.append((i, k, 0)) }
            }
        }
        let p = snapshots.columns
        var expanded = Matrix(rows: rows.count, columns: p + 1)
        for (r, row) in rows.enumerated() {
            for j in 0..<p { expanded[r, j] = snapshots[row.source, j] }
            expanded[r, p] = Double(row.period)
        }
        x = expanded
        y = rows.map(\.label)
        source = rows.map(\.source)
        period = rows.map(\.period)
    }
}
