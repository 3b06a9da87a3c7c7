import Foundation
import VitalsFoundation

/// One cross-validation fold: the rows a candidate is fitted on and the rows it is scored on.
public struct ValidationFold: Sendable, Equatable {
    public let train: [Int]
    public let test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }
}

/// How rows are cut into cross-validation folds: the scheme must keep what a model will meet
/// in use apart from what it learns from.
public enum ValidationFolds {
    /// Forward chaining on rows already in time order: `folds + 1` equal blocks; fold f fits on
    /// blocks 0 … f − 1 and scores block f. Training never sees a row later than it is scored on.
    public static func timeOrdered(rows n: Int, folds: Int) -> [ValidationFold] {
        let edges = (0...(folds + 1)).map { $0 * n / (folds + 1) }
        return (1...folds).map { f in ValidationFold(train: Array(0..<edges[f]), test: Array(edges[f]..<edges[f + 1])) }
    }

    /// Snapshots: forward chaining over the snapshot dates *and* grouping by entity. The
    /// distinct dates are cut into `folds + 1` blocks in time order and the entities into
    /// `folds` groups (a seeded shuffle); fold f scores group f − 1's rows on block f and fits
    /// on the other groups' rows of earlier blocks. No account or project is on both sides of
    /// a fold, and no fold learns from a later date than it is scored on.
    ///
    /// - Parameters: `dates` and `groups` have one entry per row.
    public static func groupedTimeOrdered(dates: [Day], groups: [Int], folds: Int, seed: UInt64) -> [ValidationFold] {
        precondition(dates.count == groups.count, "one date and one group per row")
        let distinctDates = Array(Set(dates)).sorted()
        let blockOf = Dictionary(uniqueKeysWithValues: distinctDates.enumerated().map { ($1, $0 * (folds + 1) / max(distinctDates.count, 1)) })
        var entities = Array(Set(groups)).sorted()
        var generator = SplitMix64(seed: seed)
        entities.shuffle(using: &generator)
        let groupOf = Dictionary(uniqueKeysWithValues: entities.enumerated().map { ($1, $0 % folds) })
        return (1...folds).map { f in
            var train: [Int] = [], test: [Int] = []
            for i in dates.indices {
                let block = blockOf[dates[i]]!, group = groupOf[groups[i]]!
                if block == f && group == f - 1 { test.append(i) } else if block < f && group != f - 1 { train.append(i) }
            }
            return ValidationFold(train: train, test: test)
        }
    }

    /// Rows in no particular order: stratified shuffled k-fold (each fold holds about 1/k of
    /// each class; scikit-learn's `StratifiedKFold(shuffle=True)`), seeded.
    public static func stratified(labels: [Double], folds: Int, seed: UInt64) -> [ValidationFold] {
        var generator = SplitMix64(seed: seed)
        var foldOf = [Int](repeating: 0, count: labels.count)
        for label in [0.0, 1.0] {
            var rows = labels.indices.filter { labels[$0] == label }
            rows.shuffle(using: &generator)
            for (k, i) in rows.enumerated() { foldOf[i] = k % folds }
        }
        return (0..<folds).map { f in
            ValidationFold(train: labels.indices.filter { foldOf[$0] != f }, test: labels.indices.filter { foldOf[$0] == f })
        }
    }
}
