// VitalsScoring: a model applied to data. The scored snapshot every output is a view of, the
// contract's score files, drivers, project forecasts, previous scores from the history or the
// files, the scoring run (files, then the history), and evaluation on labelled data.

import Foundation
import Logging
import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
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
    /// The model's log-odds before calibration, η = b + Σⱼ wⱼ (xⱼ − meanⱼ) / scaleⱼ; for a
    /// churn curve, the first month's hazard's, η₁ = b + g(1) + r · 1[renewal in month 1] +
    /// Σⱼ fⱼ(xⱼ), which every later month's moves by the period terms alone.
    public let decisionValues: [Double]
    /// Calibrated probabilities: for a churn curve, 1 − S(H) at the model's horizon H.
    public let probabilities: [Double]
    /// Each row's churn curve (churn models with a curve; nil otherwise).
    public let curves: [SurvivalCurve]?
    /// Overrun models with the two risks: P(final hours above budget × (1 + T)) and
    /// P(ending after the planned end + G); nil otherwise.
    public let risks: (hours: [Double], late: [Double])?
    /// A curve model's hazard model and first-period design (x with the period terms of the
    /// first month), nil otherwise.
    private let hazard: (model: FittedHazardModel, design: Matrix)?
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

    /// The model's features (a curve model's without the month), in the order of `x`'s columns.
    public var featureNames: [String] { spec.featureNames }
    /// The terms `contributions(row:)` gives: the features, then the interactions.
    public var termNames: [String] { Self.withoutPeriodTerms(model.model.termNames, p: spec.featureNames.count, hazard: hazard?.model) }

    /// The part of η on row r that is no feature's: the intercept b, and for a curve the first
    /// month's period terms (g(1), and the renewal term when the renewal falls in it).
    public func intercept(row r: Int) -> Double {
        model.model.intercept + (hazard.map { $0.model.firstPeriodPart(x, row: r) } ?? 0)
    }

    /// A curve model's per-term values less its period terms (they say when, not why).
    static func withoutPeriodTerms<T>(_ values: [T], p: Int, hazard: FittedHazardModel?) -> [T] {
        guard let hazard else { return values }
        let t = hazard.model.featureNames.count - p
        return Array(values[0..<p] + values[(p + t)...])
    }

    /// Row `r`'s per-term contributions to η, in `termNames` order: wⱼ (xⱼ − meanⱼ) / scaleⱼ
    /// (or the shape fⱼ), then the interactions. With `intercept(row:)` they add up to
    /// `decisionValues[r]`.
    public func contributions(row r: Int) -> [Double] {
        guard let hazard else { return model.model.contributions(x, row: r) }
        return Self.withoutPeriodTerms(model.model.contributions(hazard.design, row: r), p: spec.featureNames.count, hazard: hazard.model)
    }

    /// P(churn within `days` days) on row `r`'s curve; nil without a curve.
    public func churnProbability(_ r: Int, withinDays days: Double) -> Double? { curves?[r].churnProbability(withinDays: days) }

    /// The account's next renewal date after the as-of date (row `r` of a churn snapshot).
    public func nextRenewal(_ r: Int) -> Day { index.nextRenewal(account: Int(table.entities[r]), after: asOf) }

    /// P(churn by the next renewal date) on row `r`'s curve; nil without a curve.
    public func churnProbabilityByRenewal(_ r: Int) -> Double? { churnProbability(r, withinDays: Double(nextRenewal(r) - asOf)) }

    /// The median days to churn on row `r`'s curve, rounded; nil without a curve or when
    /// the median lies beyond the curve's reach.
    public func medianDaysToChurn(_ r: Int) -> Int? { curves?[r].medianDays.map { Int($0.rounded()) } }

    /// The state name of row `r`, if the model has a chain.
    public func stateName(_ r: Int) -> String? { states[r] >= 0 && states[r] < stateNames.count ? stateNames[states[r]] : nil }

    /// Row `r`'s risk band, at the model's cut points.
    public func band(_ r: Int) -> RiskBand { spec.riskBands.band(probabilities[r]) }

    /// The expected days to churn: from row `r`'s own curve (its restricted mean over the
    /// reach plus S(K) τ, `SurvivalCurve.expectedDays`), rounded; for a model without a curve,
    /// the health chain's expected time to churn from the row's state (30.44 days a month);
    /// nil with neither.
    public func expectedDaysToChurn(_ r: Int) -> Int? {
        if let curves, let curve = spec.churnCurve { return Int(curves[r].expectedDays(tailDays: curve.tailDays).rounded()) }
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
        let (x, scores) = try logger.timed("score") {
            let x = spec.imputer.design(table)
            return (x, try Self.scores(x: x, model: model.model, spec: spec))
        }
        self.x = x
        self.decisionValues = scores.decisionValues
        self.probabilities = scores.probabilities
        self.curves = scores.curves
        self.risks = scores.risks
        self.hazard = scores.hazard
        let idColumn = spec.task == .churn ? index.dataset.accounts.accountID : index.dataset.projects?.projectID ?? []
        ids = table.entities.map { idColumn[Int($0)] }
    }

    /// What one scoring of a design gives (`scores(x:model:spec:)`).
    public struct Scores {
        public let decisionValues: [Double]
        public let probabilities: [Double]
        public let curves: [SurvivalCurve]?
        public let hazard: (model: FittedHazardModel, design: Matrix)?
        public let risks: (hours: [Double], late: [Double])?
    }

    /// One scoring of an imputed design x (n × p) by a signals model: the decision values and
    /// probabilities; for a churn curve the curves (probabilities at the horizon) and the
    /// first-period design; for an overrun model with its two risks, each risk's probability,
    /// and the combined probability kept within the range they allow,
    /// max(p_hours, p_late) ≤ p ≤ min(1, p_hours + p_late) (the Fréchet bounds of "either").
    /// Scoring, evaluation and the views all score through here.
    public static func scores(x: Matrix, model: FittedRiskModel, spec: SignalsModelSpec) throws -> Scores {
        guard let curve = spec.churnCurve else {
            let decisionValues = try model.decisionFunction(x)
            let combined = decisionValues.map(model.calibration.probability(decisionValue:))
            guard let hoursModel = spec.hoursOverrunModel, let lateModel = spec.lateModel else {
                return Scores(decisionValues: decisionValues, probabilities: combined, curves: nil, hazard: nil, risks: nil)
            }
            let (hours, late) = (try hoursModel.probabilities(x), try lateModel.probabilities(x))
            let bounded = combined.indices.map { i in min(max(combined[i], hours[i], late[i]), min(1, hours[i] + late[i])) }
            return Scores(decisionValues: decisionValues, probabilities: bounded, curves: nil, hazard: nil, risks: (hours, late))
        }
        let hazard = try FittedHazardModel(model: model, curve: curve, personPeriods: 0)
        let design = try hazard.firstPeriodDesign(x)
        let decisionValues = try model.decisionFunction(design)
        let curves = hazard.curves(firstPeriodDecisionValues: decisionValues, x: x)
        return Scores(decisionValues: decisionValues, probabilities: curves.map { $0.churnProbability(withinDays: Double(spec.horizonDays)) },
                      curves: curves, hazard: (hazard, design), risks: nil)
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
