import Foundation
import VitalsSignals

/// The rows a model trains, evaluates or scores on: one per eligible entity per
/// snapshot date, its features as of that date, and its label where the data already
/// knows it.
public struct SnapshotTable: Sendable {
    public let layout: FeatureLayout
    public let featureNames: [String]
    /// Row r: the entity (account or project row index in the dataset) and its as-of date.
    public let entities: [Int32]
    public let dates: [Day]
    /// Row-major features, NaN where a value cannot be computed.
    public var features: [Double]
    /// 1, 0, or NaN when the label window runs past the end of the data (censored).
    public let labels: [Double]
    /// Snapshot rows left out because their label is censored (only when labels are required).
    public let censored: Int
    /// Rows left out for other reasons: cancelled projects, projects that never finished.
    public let excluded: Int

    public var rowCount: Int { entities.count }
    public var columnCount: Int { featureNames.count }

    public func row(_ r: Int) -> ArraySlice<Double> { features[(r * columnCount)..<((r + 1) * columnCount)] }
}

/// Which snapshot dates a table covers.
public enum SnapshotCadence: String, Sendable, CaseIterable {
    case monthly, weekly

    /// Month-ends (or Sundays) in [from, through].
    public func dates(from: Day, through: Day) -> [Day] {
        var out: [Day] = []
        switch self {
        case .monthly:
            var monthStart = from.startOfMonth
            while true {
                let end = monthStart.adding(months: 1) - 1
                if end > through { break }
                if end >= from { out.append(end) }
                monthStart = monthStart.adding(months: 1)
            }
        case .weekly:
            var day = from + ((7 - from.isoWeekday) % 7)  // the first Sunday on or after `from`
            while day <= through {
                out.append(day)
                day = day + 7
            }
        }
        return out
    }
}
