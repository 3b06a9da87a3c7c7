import Foundation
import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// A discrete-time hazard model: the risk model's logistic core fitted on person-period
/// rows (`PersonPeriods`), with the period k as one more feature, so
///
///     logit hₖ(x) = f(x) + g(k)
///
/// where f is the snapshot features' part (additive shapes with their declared directions,
/// or lines) and g the baseline hazard's shape over the periods. The parameters are the
/// estimator's, validated up front.
public struct DiscreteTimeHazard: Sendable {
    public var estimator: RiskModelEstimator
    public var periods: HazardPeriods

    /// The name of the period column in the fitted model.
    public static let periodFeature = "periods_ahead"

    public init(estimator: RiskModelEstimator, periods: HazardPeriods = HazardPeriods()) {
        self.estimator = estimator
        self.periods = periods
    }

    /// - Parameters:
    ///   - snapshots: n × p snapshot features; followUps: what happened after each.
    ///   - directions: p declared directions (default none); the period's is `.either`.
    public func fit(snapshots: Matrix, followUps: [FollowUp], featureNames: [String], directions: [RiskDirection]? = nil) throws
        -> FittedHazardModel
    {
        guard featureNames.count == snapshots.columns else {
            throw LogisticRegressionError.invalidData("\(featureNames.count) names for \(snapshots.columns) columns")
        }
        let rows = PersonPeriods(snapshots: snapshots, followUps: followUps, periods: periods)
        let model = try estimator.fit(x: rows.x, y: rows.y, featureNames: featureNames + [Self.periodFeature],
                                      directions: directions.map { $0 + [.either] })
        var fitted = FittedHazardModel(model: model, periods: periods, tailDays: 0, personPeriods: rows.y.count)
        // The survivors' tail: the mean remaining time under the book's average hazard in the
        // last period, continued (one value for every row, so ordered curves stay ordered).
        let last = try fitted.curves(snapshots).map { $0.hazards[periods.count - 1] }
        let average = last.reduce(0, +) / Double(max(last.count, 1))
        fitted.tailDays = periods.days / -log1p(-average)
        return fitted
    }
}

/// A fitted discrete-time hazard model: a value carrying its risk model, periods and tail.
public struct FittedHazardModel: Sendable, Equatable {
    /// The logistic core on the snapshot features and the period (last).
    public let model: FittedRiskModel
    public let periods: HazardPeriods
    /// τ, the mean days a customer still there after the last period stays on
    /// (`SurvivalCurve.expectedDays`).
    public internal(set) var tailDays: Double
    /// The person-period rows it was fitted on.
    public let personPeriods: Int

    public init(model: FittedRiskModel, periods: HazardPeriods, tailDays: Double, personPeriods: Int) {
        self.model = model
        self.periods = periods
        self.tailDays = tailDays
        self.personPeriods = personPeriods
    }

    /// Each row's curve: the model's hazard at k = 1 … K, kept inside (10⁻¹², 1 − 10⁻¹²).
    ///
    /// - Shapes: x is n × p (the snapshot features, without the period); n curves.
    public func curves(_ x: Matrix) throws -> [SurvivalCurve] {
        let k = periods.count, p = x.columns
        guard p + 1 == model.featureNames.count else {
            throw LogisticRegressionError.invalidData("x has \(p) columns, the hazard model \(model.featureNames.count - 1) features and the period")
        }
        var expanded = Matrix(rows: x.rows * k, columns: p + 1)
        for i in 0..<x.rows {
            for period in 1...k {
                let r = i * k + period - 1
                for j in 0..<p { expanded[r, j] = x[i, j] }
                expanded[r, p] = Double(period)
            }
        }
        let hazards = try model.uncalibratedProbabilities(expanded).map { min(max($0, 1e-12), 1 - 1e-12) }
        return (0..<x.rows).map { i in SurvivalCurve(hazards: Array(hazards[(i * k)..<((i + 1) * k)]), periods: periods) }
    }
}
