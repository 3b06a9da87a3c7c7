import Foundation
import Logging
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsMarkov
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

    /// Scores every active account (churn) or in-flight project (overrun) as of `asOf`.
    /// `logger` receives the stage timings: `features` (the point-in-time table and the
    /// Markov states) and `score` (imputation, log-odds through BLAS, calibration).
    public init(model: ModelFile, index: SignalsIndex, asOf: Day, logger: Logger = .silent) throws {
        let featurizer = try SignalsFeaturizer(model: model, index: index)
        let (table, states) = try logger.timed("features") { try featurizer.table(dates: [asOf], requireLabels: false) }
        self.model = model
        self.spec = featurizer.spec
        self.index = index
        self.asOf = asOf
        self.table = table
        self.states = states
        self.stateNames = Self.stateNames(featurizer.spec)
        columnOf = Dictionary(uniqueKeysWithValues: table.featureNames.enumerated().map { ($1, $0) })
        let (x, decisionValues, probabilities) = try logger.timed("score") {
            let x = featurizer.matrix(table)
            let decisionValues = try model.model.decisionFunction(x)
            return (x, decisionValues, decisionValues.map(model.model.calibration.probability(decisionValue:)))
        }
        self.x = x
        self.decisionValues = decisionValues
        self.probabilities = probabilities
        if model.task == .churn {
            ids = table.entities.map { index.dataset.accounts.accountID[Int($0)] }
        } else {
            ids = table.entities.map { index.dataset.projects!.projectID[Int($0)] }
        }
    }
}

extension ScoredSnapshot {
    /// The Markov state of entity `entity` (a row of the accounts or projects table) on
    /// each of `dates`: nil on dates the entity was not scored (not yet active, or no
    /// longer in flight) or when the model has no chain.
    public static func statePath(model: ModelFile, index: SignalsIndex, entity: Int, dates: [Day]) throws -> [(date: Day, state: String?)] {
        let featurizer = try SignalsFeaturizer(model: model, index: index)
        let (table, states) = try featurizer.table(dates: dates, requireLabels: false)
        let names = stateNames(featurizer.spec)
        var byDate: [Day: String] = [:]
        for r in 0..<table.rowCount where Int(table.entities[r]) == entity && states[r] >= 0 && states[r] < names.count {
            byDate[table.dates[r]] = names[states[r]]
        }
        return dates.map { ($0, byDate[$0]) }
    }

    /// The chain's transient states (the churned state and the delivered outcomes are not scored).
    static func stateNames(_ spec: SignalsModelSpec) -> [String] {
        spec.accountChain.map { Array($0.states.dropLast()) } ?? spec.projectChain.map { Array($0.states.prefix(ProjectPhaseRule.states.count)) } ?? []
    }
}
