import Foundation
import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// A discrete-time hazard model: the risk model's logistic core fitted on person-period
/// rows (`PersonPeriods`), with the period terms as more features, so
///
///     logit hₖ(x) = f(x) + g(k) + r · 1[a renewal falls in period k]
///
/// where f is the snapshot features' part (additive shapes with their declared directions,
/// or lines), g the baseline hazard's shape over the periods and r the renewal month's lift
/// (when the terms have one). The period terms never enter an interaction, so f moves every
/// period's log-odds by the same amount: of two rows whose renewals fall in the same month,
/// the one with the larger f has the larger hazard in every period, and its curve lies below.
/// The parameters are the estimator's, validated up front.
public struct DiscreteTimeHazard: Sendable {
    public var estimator: RiskModelEstimator
    public var terms: PeriodTerms

    /// The name of the period column in the fitted model.
    public static let periodFeature = PeriodTerms.periodName

    public init(estimator: RiskModelEstimator, terms: PeriodTerms) {
        self.estimator = estimator
        self.terms = terms
    }

    public init(estimator: RiskModelEstimator, periods: HazardPeriods = HazardPeriods()) {
        self.init(estimator: estimator, terms: PeriodTerms(periods: periods))
    }

    /// - Parameters:
    ///   - snapshots: n × p snapshot features; followUps: what happened after each.
    ///   - directions: p declared directions (default none); the period terms' are `.either`.
    public func fit(snapshots: Matrix, followUps: [FollowUp], featureNames: [String], directions: [RiskDirection]? = nil) throws
        -> FittedHazardModel
    {
        guard featureNames.count == snapshots.columns else {
            throw LogisticRegressionError.invalidData("\(featureNames.count) names for \(snapshots.columns) columns")
        }
        let p = snapshots.columns
        guard !estimator.pairs.contains(where: { max($0.first, $0.second) >= p }) else {
            throw LogisticRegressionError.invalidData("the period terms cannot enter an interaction: the curves would cross")
        }
        let renewalColumn = try terms.renewalFeature.map { name in
            guard let j = featureNames.firstIndex(of: name) else { throw LogisticRegressionError.invalidData("no feature \(name) for the renewal term") }
            return j
        }
        let rows = PersonPeriods(snapshots: snapshots, followUps: followUps, terms: terms, renewalColumn: renewalColumn)
        let model = try estimator.fit(x: rows.x, y: rows.y, featureNames: featureNames + terms.names,
                                      directions: directions.map { $0 + terms.names.map { _ in .either } })
        let curve = try HazardCurveSpec(terms: terms, tailDays: 1).withTail(model: model, snapshots: snapshots)
        return try FittedHazardModel(model: model, curve: curve, personPeriods: rows.y.count)
    }
}

/// How a fitted hazard core gives curves: its period terms and the survivors' tail. A churn
/// model file stores it beside its core (`SignalsModelSpec.churnCurve`).
public struct HazardCurveSpec: Sendable, Equatable, Codable {
    public let terms: PeriodTerms
    /// τ, the mean days a customer still there after the last period stays on
    /// (`SurvivalCurve.expectedDays`): one value for every row, so ordered curves keep their
    /// expected days in order. Range (0, ∞).
    public let tailDays: Double

    enum CodingKeys: String, CodingKey { case terms, tailDays = "tail_days" }

    public init(terms: PeriodTerms, tailDays: Double) {
        self.terms = terms
        self.tailDays = tailDays
    }

    public var periods: HazardPeriods { terms.periods }

    /// This spec with τ from `model` on `snapshots` (n × p, the rows it was trained on): the
    /// mean remaining time L / −log(1 − h̄) under the book's average hazard h̄ over the
    /// curve's last year (12 periods, or all of them when fewer), continued — an average over a
    /// year, so that no renewal month weighs more than its share. This continuation is the
    /// documented assumption beyond the reach.
    public func withTail(model: FittedRiskModel, snapshots: Matrix) throws -> HazardCurveSpec {
        let curves = try FittedHazardModel(model: model, curve: self, personPeriods: 0).curves(snapshots)
        let k = periods.count, span = min(k, 12)
        let average = curves.reduce(0.0) { $0 + $1.hazards[(k - span)...].reduce(0, +) } / Double(max(curves.count * span, 1))
        return HazardCurveSpec(terms: terms, tailDays: periods.days / -log1p(-min(max(average, 1e-12), 1 - 1e-12)))
    }
}

/// A fitted discrete-time hazard model: a value carrying its risk model, period terms and tail.
public struct FittedHazardModel: Sendable, Equatable {
    /// The logistic core on the snapshot features and the period terms (last), with its
    /// calibration of the hazard.
    public let model: FittedRiskModel
    public let curve: HazardCurveSpec
    /// The person-period rows it was fitted on.
    public let personPeriods: Int
    /// p, the snapshot features (the core's features less the period terms).
    public let snapshotFeatures: Int
    /// The snapshot column of the renewal feature, when the terms have one.
    public let renewalColumn: Int?

    public var periods: HazardPeriods { curve.periods }
    public var tailDays: Double { curve.tailDays }

    /// - Throws: when the core's last features are not the period terms, or an interaction uses them.
    public init(model: FittedRiskModel, curve: HazardCurveSpec, personPeriods: Int) throws {
        let names = model.featureNames, terms = curve.terms.names
        guard names.count > terms.count, Array(names.suffix(terms.count)) == terms else {
            throw LogisticRegressionError.invalidData("a hazard model's last features are \(terms.joined(separator: ", "))")
        }
        let p = names.count - terms.count
        guard !(model.shapes?.pairs ?? []).contains(where: { max($0.first, $0.second) >= p }) else {
            throw LogisticRegressionError.invalidData("the period terms cannot enter an interaction: the curves would cross")
        }
        let renewalColumn = curve.terms.renewalFeature.flatMap { names[0..<p].firstIndex(of: $0) }
        guard (renewalColumn == nil) == (curve.terms.renewalFeature == nil) else {
            throw LogisticRegressionError.invalidData("the renewal term's feature \(curve.terms.renewalFeature!) is not a feature of the model")
        }
        self.model = model
        self.curve = curve
        self.personPeriods = personPeriods
        self.snapshotFeatures = p
        self.renewalColumn = renewalColumn
    }

    /// x (n × p) with the period terms of the first period: the design whose decision values
    /// are η₁ = f(x) + g(1) + r · 1[renewal in period 1], and whose contributions are the
    /// features', then the period terms'.
    public func firstPeriodDesign(_ x: Matrix) throws -> Matrix {
        let p = x.columns
        guard p == snapshotFeatures else {
            throw LogisticRegressionError.invalidData("x has \(p) columns, the hazard model \(snapshotFeatures) features and the period terms")
        }
        let t = curve.terms.names.count
        var design = Matrix(rows: x.rows, columns: p + t)
        for i in 0..<x.rows {
            for j in 0..<p { design[i, j] = x[i, j] }
            for (j, v) in curve.terms.values(daysToRenewal: renewalColumn.map { x[i, $0] } ?? 0, period: 1).enumerated() { design[i, p + j] = v }
        }
        return design
    }

    /// The period terms' part of η for row i of x in period k: g(k) + r · 1[renewal in k],
    /// each term minus its training mean.
    func periodPart(daysToRenewal d: Double, period k: Int) -> Double {
        curve.terms.values(daysToRenewal: d, period: k).enumerated()
            .reduce(0) { $0 + model.contribution(feature: snapshotFeatures + $1.offset, value: $1.element) }
    }

    /// Each row's curve: hₖ = calibration(η₁ + part(k) − part(1)), with part the period
    /// terms' (`periodPart`), kept inside (10⁻¹², 1 − 10⁻¹²).
    ///
    /// - Shapes: x is n × p (the snapshot features, without the period terms); n curves.
    public func curves(_ x: Matrix) throws -> [SurvivalCurve] {
        try curves(firstPeriodDecisionValues: model.decisionFunction(firstPeriodDesign(x)), x: x)
    }

    /// The curves of the rows of x (n × p) whose first-period decision values η₁ are known.
    public func curves(firstPeriodDecisionValues eta: [Double], x: Matrix) -> [SurvivalCurve] {
        let calibration = model.calibration, k = periods.count
        // Without a renewal term the parts are the same for every row: compute them once.
        let common = renewalColumn == nil ? (1...k).map { periodPart(daysToRenewal: 0, period: $0) } : []
        return eta.indices.map { i in
            let parts = renewalColumn.map { j in (1...k).map { periodPart(daysToRenewal: x[i, j], period: $0) } } ?? common
            return SurvivalCurve(hazards: parts.map { min(max(calibration.probability(decisionValue: eta[i] + $0 - parts[0]), 1e-12), 1 - 1e-12) },
                                 periods: periods)
        }
    }

    /// Row i's period terms' part of η₁ (what `firstPeriodDesign` adds beyond the features).
    public func firstPeriodPart(_ x: Matrix, row i: Int) -> Double {
        periodPart(daysToRenewal: renewalColumn.map { x[i, $0] } ?? 0, period: 1)
    }
}
