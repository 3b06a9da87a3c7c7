import Foundation

/// One row's churn curve over K periods of L days: the hazards hₖ = P(churn in period k |
/// customer at its start) and the survival S(k) = Πⱼ≤ₖ (1 − hⱼ), with a constant hazard
/// within each period, so that between period ends S(k − 1 + f) = S(k − 1) (1 − hₖ)^f.
///
/// - Ranges: every hₖ in (0, 1); S non-increasing from S(0) = 1; churn probabilities
///   1 − S(t) non-decreasing in the horizon.
public struct SurvivalCurve: Sendable, Equatable {
    public let hazards: [Double]
    public let periods: HazardPeriods
    /// S at the end of each period, K values.
    public let survival: [Double]

    public init(hazards: [Double], periods: HazardPeriods) {
        precondition(hazards.count == periods.count, "\(hazards.count) hazards for \(periods.count) periods")
        precondition(hazards.allSatisfy { $0 > 0 && $0 < 1 }, "hazards must lie in (0, 1)")
        self.hazards = hazards
        self.periods = periods
        var s = 1.0
        survival = hazards.map { h in
            s *= 1 - h
            return s
        }
    }

    /// S(t) at t days (t ≥ 0); beyond the reach, the last period's hazard continues.
    public func survival(atDays t: Double) -> Double {
        let position = max(t, 0) / periods.days
        let whole = Int(position.rounded(.down))
        if whole >= periods.count {
            return survival[periods.count - 1] * pow(1 - hazards[periods.count - 1], position - Double(periods.count))
        }
        let start = whole == 0 ? 1 : survival[whole - 1]
        return start * pow(1 - hazards[whole], position - Double(whole))
    }

    /// P(churn within t days) = 1 − S(t).
    public func churnProbability(withinDays t: Double) -> Double { 1 - survival(atDays: t) }

    /// The restricted mean ∫₀^{K L} S(t) dt, in days: for each period, the integral of
    /// S(k − 1) (1 − h)^f over f ∈ [0, 1], which is S(k − 1) h / (−log(1 − h)) periods.
    public var restrictedMeanDays: Double {
        var total = 0.0, start = 1.0
        for (k, h) in hazards.enumerated() {
            total += start * h / -log1p(-h)
            start = survival[k]
        }
        return total * periods.days
    }

    /// The expected days to churn: the restricted mean plus the survivors' tail S(K) τ, with τ
    /// the same mean remaining time for every row (`DiscreteTimeHazardModel.tailDays`), so
    /// that rows whose curves are ordered get their expected days in the same order.
    public func expectedDays(tailDays tau: Double) -> Double { restrictedMeanDays + survival[periods.count - 1] * tau }

    /// The day S(t) = 1/2, or nil when S stays above 1/2 over the reach.
    public var medianDays: Double? {
        guard let k = survival.firstIndex(where: { $0 <= 0.5 }) else { return nil }
        let start = k == 0 ? 1 : survival[k - 1]
        // start (1 − h)^f = 1/2  ⇒  f = log(1 / (2 start)) / log(1 − h).
        let f = log(0.5 / start) / log1p(-hazards[k])
        return (Double(k) + min(max(f, 0), 1)) * periods.days
    }
}
