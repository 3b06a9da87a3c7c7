// VitalsFeatures: from typed columns to feature rows. The signals index, one extractor per
// signal family, labels with censoring, snapshot tables, the imputer, the health-state and
// project-phase rules with their fitted Markov columns, the one `Featurizer` that every path
// builds rows with, and the `--table` reader and encoder.

import Logging
import VitalsFoundation
import VitalsLinearAlgebra

/// How a signals directory becomes a model's feature columns: the layout (task, families,
/// one-hot levels), the label settings, and the fitted Markov columns. A model stores its
/// recipe; training builds one before fitting.
public struct FeatureRecipe: Sendable, Equatable {
    public var layout: FeatureLayout
    /// Churn within (D, D + horizonDays].
    public var horizonDays: Int
    /// Overrun above budget × (1 + tolerance), or ending after planned end + graceDays.
    public var tolerance: Double
    public var graceDays: Int
    public var markov: MarkovColumns?

    public init(layout: FeatureLayout, horizonDays: Int, tolerance: Double, graceDays: Int, markov: MarkovColumns?) {
        self.layout = layout
        self.horizonDays = horizonDays
        self.tolerance = tolerance
        self.graceDays = graceDays
        self.markov = markov
    }

    /// A layout's point-in-time features alone, with the default label settings (90-day churn
    /// horizon, 10 % overrun tolerance, 14 grace days) unless given.
    public init(pointInTime layout: FeatureLayout, horizonDays: Int = SnapshotBuilder.defaultHorizonDays,
                tolerance: Double = SnapshotBuilder.defaultTolerance, graceDays: Int = SnapshotBuilder.defaultGraceDays) {
        self.init(layout: layout, horizonDays: horizonDays, tolerance: tolerance, graceDays: graceDays, markov: nil)
    }

    public var task: RiskTask { layout.task }

    /// Every column in order: the layout's point-in-time features, then the Markov columns.
    public var featureNames: [String] { layout.featureNames + (markov?.names ?? []) }
}

/// A signals directory cannot give a recipe's features.
public enum FeaturizerError: Error, Equatable, CustomStringConvertible {
    /// The point-in-time table lacks a feature another column is computed from.
    case missingFeature(String, purpose: String)

    public var description: String {
        switch self {
        case let .missingFeature(name, purpose): return "the features have no \(name) to \(purpose); include the family it comes from"
        }
    }
}

/// The one featurizer: every path that needs feature rows (training, evaluation, scoring,
/// explanations, `vitals features`) builds them here, so the same (entity, date) gets the
/// same columns whatever asks.
///
/// A table row is an entity eligible on a snapshot date (an active account, a project in
/// flight) with its point-in-time features (NaN where missing), its label where the data
/// knows it, then the recipe's Markov columns computed from the row's own features.
public struct Featurizer: Sendable {
    public let recipe: FeatureRecipe
    public let index: SignalsIndex

    public init(recipe: FeatureRecipe, index: SignalsIndex) {
        self.recipe = recipe
        self.index = index
    }

    /// The snapshot builder for the recipe's labels, knowing outcomes up to `labelCutoff`
    /// (default: the end of the data).
    public func builder(labelCutoff: Day? = nil) -> SnapshotBuilder {
        SnapshotBuilder(index: index, horizonDays: recipe.horizonDays, tolerance: recipe.tolerance, graceDays: recipe.graceDays,
                        labelCutoff: labelCutoff)
    }

    /// The rows for `dates` (features not yet imputed) and each row's Markov state index into
    /// `recipe.markov.transientStates` (−1 without Markov columns).
    ///
    /// - Parameters:
    ///   - requireLabels: leave out rows whose label is not known (counted in the table).
    ///   - labelCutoff: labels use outcomes known by this day only (training `--until`).
    public func table(dates: [Day], requireLabels: Bool, labelCutoff: Day? = nil, logger: Logger = .silent) throws(FeaturizerError)
        -> (table: SnapshotTable, states: [Int])
    {
        try appendingMarkov(to: pointInTimeTable(dates: dates, requireLabels: requireLabels, labelCutoff: labelCutoff, logger: logger))
    }

    /// The rows' point-in-time features only, before the Markov columns.
    public func pointInTimeTable(dates: [Day], requireLabels: Bool, labelCutoff: Day? = nil, logger: Logger = .silent) -> SnapshotTable {
        builder(labelCutoff: labelCutoff).table(layout: recipe.layout, dates: dates, requireLabels: requireLabels, logger: logger)
    }

    /// `table` (point-in-time features of `recipe.layout`) with the recipe's Markov columns
    /// appended, and each row's state: the one place the Markov columns are assembled.
    public func appendingMarkov(to table: SnapshotTable) throws(FeaturizerError) -> (table: SnapshotTable, states: [Int]) {
        guard let markov = recipe.markov else { return (table, [Int](repeating: -1, count: table.rowCount)) }
        let states = try markov.states(of: table)
        return (table.appendingColumns(markov.names) { markov.values(state: states[$0]) }, states)
    }
}

extension FeatureImputer {
    /// The design matrix a model sees: `table`'s features with every NaN imputed (rows × columns).
    public func design(_ table: SnapshotTable) -> Matrix {
        var features = table.features
        apply(to: &features)
        return Matrix(rows: table.rowCount, columns: table.columnCount, elements: features)
    }
}
