import Foundation
import Logging
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsModel
import VitalsSignals

/// `vitals evaluate`: a model's figures on labelled data it was not trained on.
///
/// On signals, the snapshots in [from, to] on the task's cadence (month-ends for churn,
/// Sundays for overrun), featurized by the model's own recipe, beside two baselines on the
/// same rows, so users see what the model adds:
/// - the Markov-only score (the chain's churn or overrun probability from the state), and
/// - a naive rule: "usage dropped" (30-day active users below 80 % of the 90-day level) for
///   churn, "burn rate > 1" for overrun.
/// On a table, every row, with the model's encoding.
public struct ModelEvaluation: Sendable {
    public enum Source: Sendable {
        /// Snapshots from `from` through `to` (capped at the end of the data); a window that
        /// starts inside the training snapshots is refused unless `allowOverlap`.
        case signals(dataset: SignalsDataset, from: Day, to: Day, allowOverlap: Bool)
        case table(path: String)
    }

    public var model: ModelFile
    /// k of precision@k and recall@k.
    public var capacity: Int

    public init(model: ModelFile, capacity: Int) {
        self.model = model
        self.capacity = capacity
    }

    public struct Result: Sendable {
        public let report: EvaluationReport
        public let labels: [Double]
        public let probabilities: [Double]
        public let baselines: [(name: String, scores: [Double])]
        /// The snapshot dates of the window (empty for a table).
        public let dates: [Day]
        /// The dates with labelled rows: the ones the figures are about.
        public let labelledDates: [Day]
        /// Rows of the window left out because their label is not known yet (censored).
        public let censored: Int
    }

    public static let markovBaseline = "markov_only"
    public static func ruleBaseline(_ task: RiskTask) -> String { task == .churn ? "usage_dropped" : "burn_rate_over_1" }

    public func run(_ source: Source, logger: Logger = .silent) throws -> Result {
        switch source {
        case let .signals(dataset, from, to, allowOverlap): return try signals(dataset: dataset, from: from, to: to, allowOverlap: allowOverlap, logger: logger)
        case let .table(path): return try table(path: path)
        }
    }

    func signals(dataset: SignalsDataset, from: Day, to: Day, allowOverlap: Bool, logger: Logger) throws -> Result {
        let spec = try ScoredSnapshot.spec(of: model)
        if !allowOverlap, from <= spec.lastSnapshot { throw SignalsModelError.overlap(from: from, lastTrained: spec.lastSnapshot) }
        let index = SignalsIndex(dataset)
        try ScoringError.check(from, "first evaluation date", first: index.dataStart, last: index.dataEnd)
        guard to >= from else { throw ScoringError.emptyRange(from: from, to: to) }
        let featurizer = try spec.featurizer(index: index, modelID: model.modelID)
        let dates = spec.task.defaultCadence.dates(from: from, through: min(to, index.dataEnd))
        let (table, _) = try featurizer.table(dates: dates, requireLabels: true, logger: logger)
        let x = try spec.imputer.design(table)
        let probabilities = try model.model.probabilities(x)
        var baselines: [(name: String, scores: [Double], isProbability: Bool)] = []
        let markovColumn = spec.task == .churn ? spec.featureNames.first { $0.hasPrefix("markov_churn_probability_") } : "markov_overrun_probability"
        if let markovColumn, table.featureNames.contains(markovColumn) {
            baselines.append((Self.markovBaseline, table.column(markovColumn), true))
        }
        let rule: [Double] = spec.task == .churn
            ? table.column("active_users_30d_over_90d").map { $0 < 0.8 ? 1 : 0 }
            : table.column("burn_rate").map { $0 > 1 ? 1 : 0 }
        baselines.append((Self.ruleBaseline(spec.task), rule, false))
        let arr: [Double] = spec.task == .churn
            ? table.entities.map { entity in dataset.accounts.arr.flatMap { $0[Int(entity)] } ?? 0 }
            : [Double](repeating: 1, count: table.rowCount)
        var report = try EvaluationReport.evaluate(labels: table.labels, probabilities: probabilities, arr: arr, k: capacity, baselines: baselines,
                                                   cycles: table.dates.map(\.description), groups: table.entities.map(Int.init),
                                                   unit: spec.task.entity)
        if spec.task == .overrun { report.forecast = Self.forecastAccuracy(table: table, x: x, index: index, spec: spec) }
        return Result(report: report, labels: table.labels, probabilities: probabilities, baselines: baselines.map { ($0.name, $0.scores) },
                      dates: dates, labelledDates: Array(Set(table.dates)).sorted(), censored: table.censored)
    }

    /// The earned-value hour forecast (`EarnedValue.hoursAtCompletion`, the project list's and
    /// score files' EAC) on each labelled snapshot against the project's final hours, beside
    /// the budget alone and BAC / CPI alone, and the coverage of the model's interval (its
    /// calibrated one, or the PMI bracket).
    static func forecastAccuracy(table: SnapshotTable, x: Matrix, index: SignalsIndex, spec: SignalsModelSpec) -> ForecastAccuracy? {
        let finished = FinishedProjectSnapshots(table: table, index: index)
        let forecasts = zip(finished.snapshots, finished.rows).map { spec.hoursForecast($0, x: x, row: $1) }
        return ForecastAccuracy.evaluate(
            actual: finished.finalHours,
            forecasts: [("forecast", forecasts.map(\.point)), ("budget_only", finished.snapshots.map(\.budget)),
                        ("cpi_only", finished.snapshots.map { s in s.cpi.map { s.budget / $0 } ?? s.budget })],
            low: forecasts.map(\.low), high: forecasts.map(\.high),
            interval: spec.hoursInterval == nil ? "earned-value bracket" : "80 % conformal interval")
    }

    func table(path: String) throws -> Result {
        guard let encoder = model.encoding, let labelColumn = model.labelColumn else {
            throw ModelKindError.notATableModel(model: model.modelID, table: path)
        }
        let table = try FeatureTable.read(path: path)
        let (positive, negative) = model.tableLabelTexts
        let labels = try table.labels(labelColumn, positive: positive, negative: negative)
        let probabilities = try model.model.probabilities(encoder.transform(table))
        let report = try EvaluationReport.evaluate(labels: labels, probabilities: probabilities, arr: nil, k: capacity)
        return Result(report: report, labels: labels, probabilities: probabilities, baselines: [], dates: [], labelledDates: [], censored: 0)
    }
}

/// `vitals score --table`: probabilities and drivers for every row of a feature table.
public struct TableScoring: Sendable {
    public var model: ModelFile
    public var tablePath: String

    public init(model: ModelFile, tablePath: String) {
        self.model = model
        self.tablePath = tablePath
    }

    /// The score file's stem: `table-scores`.
    public var stem: String { "\(model.kind.name)-scores" }

    public func run() throws -> ScoreTable {
        guard let encoder = model.encoding else {
            throw ModelKindError.notATableModel(model: model.modelID, table: tablePath)
        }
        let table = try FeatureTable.read(path: tablePath)
        let x = try encoder.transform(table)
        let probabilities = try model.model.probabilities(x)
        let drivers = Drivers(featureNames: model.model.termNames, encoder: encoder)
        let contributions = drivers.contributions(of: model.model, x: x)
        let idIndex = model.idColumn.flatMap { table.columnIndex($0) }
        var scores = ScoreTable(columns: [model.idColumn ?? "row", "probability", "top_drivers", "model_id"])
        for r in 0..<table.rowCount {
            let id: ScoreTable.Value = idIndex.map { .text(table.columns[$0][r]) } ?? .integer(r + 1)
            scores.rows.append([id, .number(probabilities[r]), .text(drivers.topDrivers(contributions[r])), .text(model.modelID)])
        }
        return scores
    }
}
