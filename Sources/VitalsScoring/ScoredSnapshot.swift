// VitalsScoring: a model applied to data. The scored snapshot every output is a view of, the
// contract's score files, drivers, project forecasts, previous scores from the history or the
// files, the scoring run (files, then the history), and evaluation on labelled data.

import Foundation
import Logging
import VitalsFeatures
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsModel
import VitalsSignals

/// Every entity a signals model scores on one date, with what the score is made of: the
/// raw point-in-time features, the imputed matrix the model saw, the Markov state, the
/// log-odds and the probability. Score files, the at-risk list, the project list and
/// explanations are all views of one of these.
public struct ScoredSnapshot: Sendable {
    public let model: ModelFile
    public let spec: SignalsModelSpec
    public let index: SignalsIndex
    public let asOf: Day
    /// Raw features (NaN where missing), one row per entity, in the model's feature order.
    public let table: SnapshotTable
    /// The features after the training imputation: what the coefficients multiply (rows × features).
    public let x: Matrix
    /// Each row's Markov state index into `stateNames` (−1 without a chain).
    public let states: [Int]
    /// The chain's transient states, in index order (empty without a chain).
    public let stateNames: [String]
    /// The model's log-odds before calibration, η = b + Σⱼ wⱼ (xⱼ − meanⱼ) / scaleⱼ.
    public let decisionValues: [Double]
    /// Calibrated probabilities.
    public let probabilities: [Double]
    /// Each row's entity id (account_id or project_id).
    public let ids: [String]
    private let columnOf: [String: Int]

    public var rowCount: Int { table.rowCount }
    public var dataset: SignalsDataset { index.dataset }
    public var task: RiskTask { spec.task }
    /// The row of each entity id.
    public var rowOfID: [String: Int] { Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) }) }

    /// The raw value of feature `name` on row `r` (NaN when missing or not in the model).
    public func feature(_ r: Int, _ name: String) -> Double {
        guard let k = columnOf[name] else { return .nan }
        return table.features[r * table.columnCount + k]
    }

    /// Row `r`'s per-feature contributions to η, in the model's feature order:
    /// wⱼ (xⱼ − meanⱼ) / scaleⱼ. With the intercept they add up to `decisionValues[r]`.
    public func contributions(row r: Int) -> [Double] { model.model.contributions(x, row: r) }

    /// The state name of row `r`, if the model has a chain.
    public func stateName(_ r: Int) -> String? { states[r] >= 0 && states[r] < stateNames.count ? stateNames[states[r]] : nil }

    /// Row `r`'s risk band, at the model's cut points.
    public func band(_ r: Int) -> RiskBand { spec.riskBands.band(probabilities[r]) }

    /// The health chain's expected time to churn from row `r`'s state, in days (30.44 a
    /// month); nil without a health chain.
    public func expectedDaysToChurn(_ r: Int) -> Int? {
        guard states[r] >= 0, let chain = spec.accountChain else { return nil }
        return Int((chain.expectedMonths[states[r]] * 30.44).rounded())
    }

    /// Scores every active account (churn) or in-flight project (overrun) as of `asOf`.
    /// `logger` receives the stage timings: `features` (the point-in-time table and the
    /// Markov states) and `score` (imputation, log-odds through BLAS, calibration).
    public init(model: ModelFile, index: SignalsIndex, asOf: Day, logger: Logger = .silent) throws {
        let spec = try Self.spec(of: model)
        let featurizer = try spec.featurizer(index: index, modelID: model.modelID)
        let (table, states) = try logger.timed("features") { try featurizer.table(dates: [asOf], requireLabels: false) }
        self.model = model
        self.spec = spec
        self.index = index
        self.asOf = asOf
        self.table = table
        self.states = states
        self.stateNames = spec.markov?.transientStates ?? []
        columnOf = table.columnOf
        let (x, decisionValues, probabilities) = try logger.timed("score") {
            let x = spec.imputer.design(table)
            let decisionValues = try model.model.decisionFunction(x)
            return (x, decisionValues, decisionValues.map(model.model.calibration.probability(decisionValue:)))
        }
        self.x = x
        self.decisionValues = decisionValues
        self.probabilities = probabilities
        let idColumn = spec.task == .churn ? index.dataset.accounts.accountID : index.dataset.projects?.projectID ?? []
        ids = table.entities.map { idColumn[Int($0)] }
    }

    /// The model's signals spec, or why it has none.
    static func spec(of model: ModelFile) throws(SignalsModelError) -> SignalsModelSpec {
        guard let spec = model.signals else { throw .notASignalsModel(model.modelID) }
        return spec
    }

    /// The Markov state of entity `entity` (a row of the accounts or projects table) on
    /// each of `dates`: nil on dates the entity was not scored (not yet active, or no
    /// longer in flight) or when the model has no chain.
    public func statePath(entity: Int, dates: [Day]) throws -> [(date: Day, state: String?)] {
        let (table, states) = try spec.featurizer(index: index, modelID: model.modelID).table(dates: dates, requireLabels: false)
        var byDate: [Day: String] = [:]
        for r in 0..<table.rowCount where Int(table.entities[r]) == entity && states[r] >= 0 && states[r] < stateNames.count {
            byDate[table.dates[r]] = stateNames[states[r]]
        }
        return dates.map { ($0, byDate[$0]) }
    }
}
