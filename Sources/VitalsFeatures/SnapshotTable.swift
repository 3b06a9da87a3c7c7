import Foundation
import VitalsFoundation
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

    /// Each feature's column, by name.
    public var columnOf: [String: Int] { Dictionary(uniqueKeysWithValues: featureNames.enumerated().map { ($1, $0) }) }

    /// Row r's features by name, nil where missing (NaN) or not in the table: what the state
    /// rules read. `columns` is `columnOf`, computed once per table by the caller.
    public func lookup(row r: Int, columns: [String: Int]) -> FeatureLookup {
        let base = r * columnCount
        let features = self.features
        return { name in columns[name].flatMap { features[base + $0].isNaN ? nil : features[base + $0] } }
    }

    /// Column `name`, one value per row (NaN where missing, or everywhere when the table has no such column).
    public func column(_ name: String) -> [Double] {
        guard let k = featureNames.firstIndex(of: name) else { return [Double](repeating: .nan, count: rowCount) }
        return (0..<rowCount).map { features[$0 * columnCount + k] }
    }
}

/// A feature value by name, nil when it is missing: how the state rules read a row.
public typealias FeatureLookup = (String) -> Double?

extension SnapshotTable {
    /// This table with more columns after the existing ones (the Markov layer's features),
    /// `values(r)` giving row r's new values in `names` order.
    public func appendingColumns(_ names: [String], _ values: (Int) -> [Double]) -> SnapshotTable {
        let old = columnCount, width = old + names.count
        var combined = [Double](repeating: .nan, count: rowCount * width)
        for r in 0..<rowCount {
            let extra = values(r)
            precondition(extra.count == names.count, "\(extra.count) values for \(names.count) columns")
            for k in 0..<old { combined[r * width + k] = features[r * old + k] }
            for k in 0..<names.count { combined[r * width + old + k] = extra[k] }
        }
        return SnapshotTable(layout: layout, featureNames: featureNames + names, entities: entities, dates: dates,
                             features: combined, labels: labels, censored: censored, excluded: excluded)
    }

    /// The rows whose date satisfies `keep`, in order.
    public func filteringRows(_ keep: (Int) -> Bool) -> SnapshotTable {
        let rows = (0..<rowCount).filter(keep)
        var kept = [Double]()
        kept.reserveCapacity(rows.count * columnCount)
        for r in rows { kept.append(contentsOf: row(r)) }
        return SnapshotTable(layout: layout, featureNames: featureNames, entities: rows.map { entities[$0] }, dates: rows.map { dates[$0] },
                             features: kept, labels: rows.map { labels[$0] }, censored: censored, excluded: excluded)
    }
}
