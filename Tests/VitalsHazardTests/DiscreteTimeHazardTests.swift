import Foundation
import Testing
import VitalsAdditive
import VitalsFoundation
import VitalsHazard
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct DiscreteTimeHazardTests {
    struct Reference: Decodable {
        let period_days: Double
        let periods: Int
        let x: [[Double]]
        let event_day: [Int?]
        let observed_days: [Int]
        let expanded_rows: Int
        let expanded_events: Int
        let intercept: Double
        let coef: [Double]
    }

    static func reference() throws -> (Reference, Matrix, [FollowUp]) {
        let r = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("hazard/reference.json")))
        let x = Matrix(rows: r.x.count, columns: 3, elements: r.x.flatMap { $0 })
        return (r, x, zip(r.event_day, r.observed_days).map { FollowUp(eventDay: $0, observedDays: $1) })
    }

    /// The hazard fit on the person-period rows equals statsmodels' logistic GLM on the rows
    /// its own script expanded (no penalty: C = 10⁸), and the expansions agree in size.
    @Test func hazardFitMatchesStatsmodels() throws {
        let (r, x, followUps) = try Self.reference()
        let periods = HazardPeriods(days: r.period_days, count: r.periods)
        let rows = PersonPeriods(snapshots: x, followUps: followUps, periods: periods)
        #expect(rows.y.count == r.expanded_rows && Int(rows.y.reduce(0, +)) == r.expanded_events)
        let hazard = DiscreteTimeHazard(estimator: RiskModelEstimator(logistic: LogisticRegression(c: 1e8, tolerance: 1e-12), shape: .linear),
                                        periods: periods)
        let fitted = try hazard.fit(snapshots: x, followUps: followUps, featureNames: ["a", "b", "c"])
        #expect(fitted.model.converged && fitted.personPeriods == r.expanded_rows)
        assertClose(fitted.model.core.rawCoefficients, r.coef, rtol: 1e-6, atol: 1e-7)
        assertClose(fitted.model.core.rawIntercept, r.intercept, rtol: 1e-6, atol: 1e-7)
    }

    /// Every curve of the default (additive) hazard model is a survival function, its churn
    /// probabilities grow with the horizon, and its days agree with it.
    @Test func curvesAreSurvivalFunctions() throws {
        let (r, x, followUps) = try Self.reference()
        let periods = HazardPeriods(days: r.period_days, count: r.periods)
        let fitted = try DiscreteTimeHazard(estimator: RiskModelEstimator(logistic: LogisticRegression(c: 1), shape: .additive), periods: periods)
            .fit(snapshots: x, followUps: followUps, featureNames: ["a", "b", "c"])
        #expect(fitted.tailDays > 0 && fitted.tailDays.isFinite)
        for curve in try fitted.curves(x) {
            #expect(zip(curve.survival, [1] + curve.survival).allSatisfy { $0 <= $1 && $0 > 0 })
            let horizons = [0.0, 30, 90, 180, 365, 500].map(curve.churnProbability(withinDays:))
            #expect(horizons[0] == 0 && zip(horizons.dropFirst(), horizons).allSatisfy { $0 >= $1 })
            #expect(curve.restrictedMeanDays > 0 && curve.restrictedMeanDays <= periods.reachDays)
            #expect(curve.expectedDays(tailDays: fitted.tailDays) >= curve.restrictedMeanDays)
            if let median = curve.medianDays {
                assertClose(curve.survival(atDays: median), 0.5, rtol: 1e-9)
            } else {
                #expect(curve.survival.last! > 0.5)
            }
        }
        // The features' declared effects come through: x0 raises the hazard, x1 lowers it.
        let low = Matrix([[-1, 1, 0]]), high = Matrix([[1, -1, 0]])
        #expect(try fitted.curves(high)[0].churnProbability(withinDays: 365) > fitted.curves(low)[0].churnProbability(withinDays: 365))
    }

    /// S at period ends, between them with a constant hazard, and the restricted mean of a
    /// constant hazard h in closed form: L (1 − (1 − h)ᴷ) / (−log(1 − h)).
    @Test func curveArithmeticIsTheDefinitions() {
        let periods = HazardPeriods(days: 30, count: 3)
        let curve = SurvivalCurve(hazards: [0.1, 0.2, 0.3], periods: periods)
        assertClose(curve.survival, [0.9, 0.72, 0.504], rtol: 1e-15)
        #expect(curve.survival(atDays: 0) == 1)
        assertClose(curve.survival(atDays: 60), 0.72, rtol: 1e-15)
        assertClose(curve.survival(atDays: 45), 0.9 * pow(0.8, 0.5), rtol: 1e-15)
        assertClose(curve.survival(atDays: 120), 0.504 * 0.7, rtol: 1e-15)  // the last hazard continues
        let flat = SurvivalCurve(hazards: [0.2, 0.2, 0.2], periods: periods)
        assertClose(flat.restrictedMeanDays, 30 * (1 - pow(0.8, 3)) / -log(0.8), rtol: 1e-13)
        assertClose(flat.expectedDays(tailDays: 100), flat.restrictedMeanDays + pow(0.8, 3) * 100, rtol: 1e-15)
        #expect(flat.medianDays == nil)  // S(90) = 0.512 > 1/2
        let steep = SurvivalCurve(hazards: [0.3, 0.5, 0.5], periods: periods)  // S: 0.7, 0.35
        assertClose(steep.medianDays!, 30 * (1 + log(0.5 / 0.7) / log(0.5)), rtol: 1e-13)
    }

    /// Curves ordered everywhere have their expected days in the same order, whatever the tail.
    @Test func orderedCurvesHaveOrderedDays() {
        var rng = SeededGenerator(seed: 4)
        let periods = HazardPeriods()
        for _ in 0..<200 {
            let safer = (0..<12).map { _ in Double.random(in: 0.001...0.3, using: &rng) }
            let riskier = safer.map { min($0 + Double.random(in: 0...0.2, using: &rng), 0.99) }
            let (a, b) = (SurvivalCurve(hazards: riskier, periods: periods), SurvivalCurve(hazards: safer, periods: periods))
            let tail = Double.random(in: 0...5_000, using: &rng)
            #expect(a.expectedDays(tailDays: tail) <= b.expectedDays(tailDays: tail))
            #expect((a.medianDays ?? .infinity) <= (b.medianDays ?? .infinity))
        }
    }
}
