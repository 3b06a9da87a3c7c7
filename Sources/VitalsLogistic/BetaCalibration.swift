import Foundation
import VitalsLinearAlgebra

/// Beta calibration (Kull, Silva Filho and Flach, AISTATS 2017) of a model's probability
/// s = σ(η):
///
///     logit p = a · ln s − b · ln(1 − s) + c,     a, b ≥ 0
///
/// a logistic regression on the two features ln s and −ln(1 − s). With a = b it is Platt
/// scaling of η; with a ≠ b it also bends the map, which Platt cannot. a, b ≥ 0 keep it
/// non-decreasing in η: when the free fit gives a < 0 it is refitted on −ln(1 − s) alone
/// (a = 0), when b < 0 on ln s alone (b = 0), as the `betacal` package does. Smooth and
/// strictly increasing (unless a = b = 0), so distinct log-odds keep distinct probabilities.
///
/// The features are computed from η directly (ln s = −log(1 + e^−η), −ln(1 − s) = log(1 + e^η)),
/// with s kept in [ε, 1 − ε] (ε the double's epsilon) as `betacal` clips it.
public struct BetaCalibration: Sendable, Equatable, Codable {
    public let a: Double
    public let b: Double
    public let c: Double

    public init(a: Double, b: Double, c: Double) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// |η| beyond which s is clipped: logit(1 − ε).
    public static let etaLimit = log((1 - Double.ulpOfOne) / Double.ulpOfOne)

    /// ln s and −ln(1 − s) for s = σ(η).
    static func features(_ eta: Double) -> (logS: Double, minusLog1mS: Double) {
        let e = min(max(eta, -etaLimit), etaLimit)
        return (-softplus(-e), softplus(e))
    }

    /// log(1 + eˣ) without overflow.
    static func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }

    /// Fits a, b and c to held-out decision values and labels by maximum likelihood.
    ///
    /// - Precondition: equal lengths, labels 0/1 with both classes, weights ≥ 0.
    public static func fit(decisionValues: [Double], labels: [Double], weights: [Double]? = nil) throws -> BetaCalibration {
        precondition(decisionValues.count == labels.count)
        let f = decisionValues.map(features)
        func regress(_ columns: [(Double, Double) -> Double]) throws -> [Double] {
            let x = Matrix(rows: f.count, columns: columns.count, elements: f.flatMap { row in columns.map { $0(row.logS, row.minusLog1mS) } })
            // An unpenalized fit in effect (C as betacal's 1e11), on the features as they are.
            let model = try LogisticRegression(c: 1e11, standardize: false, tolerance: 1e-10, solver: .newton)
                .fit(x: x, y: labels, sampleWeights: weights)
            return model.coefficients + [model.intercept]
        }
        let both = try regress([{ s, _ in s }, { _, t in t }])
        if both[0] < 0 {
            let only = try regress([{ _, t in t }])
            return BetaCalibration(a: 0, b: only[0], c: only[1])
        }
        if both[1] < 0 {
            let only = try regress([{ s, _ in s }])
            return BetaCalibration(a: only[0], b: 0, c: only[1])
        }
        return BetaCalibration(a: both[0], b: both[1], c: both[2])
    }

    /// p = σ(a ln s − b ln(1 − s) + c) for s = σ(η).
    public func probability(_ eta: Double) -> Double {
        let (logS, minusLog1mS) = Self.features(eta)
        return LogisticLoss.sigmoid(a * logS + b * minusLog1mS + c)
    }
}
