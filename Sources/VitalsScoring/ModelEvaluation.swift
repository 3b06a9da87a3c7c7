import Foundation
import Logging
import VitalsEvaluation
import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
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
        let x = spec.imputer.design(table)
        let probabilities = try ScoredSnapshot.scores(x: x, model: model.model, spec: spec).probabilities
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
        if spec.churnCurve != nil {
            report.survival = try Self.survival(featurizer: featurizer, dates: dates, dataset: dataset, model: model.model, spec: spec, logger: logger)
        }
        return Result(report: report, labels: table.labels, probabilities: probabilities, baselines: baselines.map { ($0.name, $0.scores) },
                      dates: dates, labelledDates: Array(Set(table.dates)).sorted(), censored: table.censored)
    }

    /// The months of the book forecast backtest.
    public static let bookMonths = 12

    /// A churn curve judged by horizon (`SurvivalEvaluation`): every snapshot of the window,
    /// labelled or not, with what the data shows after it; the bands at the model's horizon;
    /// and the book forecast backtest on the window's first date, the accounts' own curves
    /// beside the health chain's forecast from their states.
    static func survival(featurizer: Featurizer, dates: [Day], dataset: SignalsDataset, model: FittedRiskModel, spec: SignalsModelSpec,
                         logger: Logger) throws -> SurvivalEvaluation? {
        let (table, states) = try featurizer.table(dates: dates, requireLabels: false, logger: logger)
        guard table.rowCount > 0, let curves = try ScoredSnapshot.scores(x: spec.imputer.design(table), model: model, spec: spec).curves else {
            return nil
        }
        let builder = featurizer.builder()
        let followUps = (0..<table.rowCount).map { r in
            let known = builder.followUp(account: Int(table.entities[r]), asOf: table.dates[r])
            return RowFollowUp(eventDay: known?.eventDay, observedDays: known?.observedDays ?? 0)
        }
        let horizons = ScoreFile.curveHorizons
        let grid = Array(stride(from: 0, through: 360, by: 30)) + [365]
        let bands = curves.map { spec.riskBands.band($0.churnProbability(withinDays: Double(spec.horizonDays))).rawValue }
        // The book on the first date: expected churned accounts and ARR by month, summed over accounts.
        let first = (0..<table.rowCount).filter { table.dates[$0] == table.dates[0] }
        let arrColumn = dataset.accounts.arr
        let arr: [Double] = first.map { r in arrColumn.flatMap { $0[Int(table.entities[r])] } ?? 0 }
        let month = BookBacktest.monthDays
        let byCurve: [[Double]] = (1...bookMonths).map { m in first.map { curves[$0].churnProbability(withinDays: Double(m) * month) } }
        func weighted(_ p: [Double]) -> Double { zip(p, arr).reduce(0) { $0 + $1.0 * $1.1 } }
        var forecasts: [(name: String, accounts: [Double], arr: [Double]?)] = [
            ("churn curves", byCurve.map { $0.reduce(0, +) }, byCurve.map(weighted)),
        ]
        if let chain = spec.accountChain, first.allSatisfy({ states[$0] >= 0 }) {
            let byState = chain.churnedByMonth(months: bookMonths)
            let byChain: [[Double]] = (0..<bookMonths).map { m in first.map { byState[states[$0]][m] } }
            forecasts.append(("health chain", byChain.map { $0.reduce(0, +) }, byChain.map(weighted)))
        }
        let book = SurvivalEvaluation.backtest(forecasts: forecasts, followUps: first.map { followUps[$0] }, arr: arr, months: bookMonths)
        return SurvivalEvaluation.evaluate(
            predicted: curves.map { c in horizons.map { c.churnProbability(withinDays: Double($0)) } }, horizons: horizons, followUps: followUps,
            bands: bands, bandOrder: RiskBand.allCases.reversed().map(\.rawValue), survivalGrid: grid,
            predictedSurvival: curves.map { c in grid.map { c.survival(atDays: Double($0)) } }, book: book)
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
            let top = drivers.topGroups(contributions[r]).map {
                ScoreTable.Driver(feature: drivers.groupNames[$0], contribution: contributions[r][$0], phrase: nil)
            }
            scores.rows.append([id, .number(probabilities[r]), .drivers(top), .text(model.modelID)])
        }
        return scores
    }
}
