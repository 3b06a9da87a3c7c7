import VitalsFoundation

/// The missing-value policy's second half: a value that cannot be computed (NaN) is
/// replaced by that feature's median over the training rows, learned once and stored in
/// the model. (The first half is the `<family>_missing` indicator the extractors set.)
/// Nothing is ever silently zeroed: a feature missing in every training row is imputed
/// with 0 and named in `allMissing`, so the trainer can warn about it.
public struct FeatureImputer: Sendable, Equatable, Codable {
    public let featureNames: [String]
    /// The value each feature's NaNs become.
    public let values: [Double]
    /// Features with no value in any training row.
    public let allMissing: [String]

    public init(featureNames: [String], values: [Double], allMissing: [String]) {
        self.featureNames = featureNames
        self.values = values
        self.allMissing = allMissing
    }

    /// Learns each column's median over the rows where it is known (`Statistics.median`).
    public static func fit(features: [Double], columns: Int, names: [String]) -> FeatureImputer {
        precondition(names.count == columns && (columns == 0 || features.count % columns == 0))
        let rows = columns == 0 ? 0 : features.count / columns
        var values = [Double](repeating: 0, count: columns), allMissing: [String] = []
        var column = [Double]()
        column.reserveCapacity(rows)
        for j in 0..<columns {
            column.removeAll(keepingCapacity: true)
            for i in 0..<rows where !features[i * columns + j].isNaN { column.append(features[i * columns + j]) }
            guard !column.isEmpty else {
                allMissing.append(names[j])
                continue
            }
            column.sort()
            values[j] = Statistics.median(sorted: column)!
        }
        return FeatureImputer(featureNames: names, values: values, allMissing: allMissing)
    }

    /// Replaces every NaN in row-major `features` with its column's value.
    public func apply(to features: inout [Double]) {
        let columns = values.count
        guard columns > 0 else { return }
        for k in features.indices where features[k].isNaN { features[k] = values[k % columns] }
    }
}
