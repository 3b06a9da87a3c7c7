import Foundation
import Testing
import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

/// Properties of the additive model that need no reference: exact drivers, the shape the
/// data have, directions held, the file form, and the projected solver equal to Newton when
/// no bound binds.
@Suite struct AdditiveModelTests {
    /// A U-shaped effect of x0, a step in x1, noise in x2.
    static func problem(rows: Int = 3_000, seed: UInt64 = 11) -> (x: Matrix, y: [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, columns: 3), y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            let a = Double.random(in: -3...3, using: &rng), b = Double(Int.random(in: 0...3, using: &rng)), c = Double.random(in: 0...1, using: &rng)
            x[i, 0] = a
            x[i, 1] = b
            x[i, 2] = c
            let eta = -1 + 0.6 * a * a - 1.2 * (b >= 2 ? 1 : 0)
            y[i] = Double.random(in: 0..<1, using: &rng) < LogisticLoss.sigmoid(eta) ? 1 : 0
        }
        return (x, y)
    }

    @Test func contributionsAddUpToTheLogOdds() throws {
        let (x, y) = Self.problem()
        let model = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive).fit(x: x, y: y, featureNames: ["a", "b", "c"])
        let eta = try model.decisionFunction(x)
        for i in stride(from: 0, to: x.rows, by: 37) {
            assertClose(model.contributions(x, row: i).reduce(model.intercept, +), eta[i], rtol: 1e-12, atol: 1e-12)
        }
        // Each shape averages 0 over the training rows: a contribution is a move from the average.
        for j in 0..<3 {
            let mean = (0..<x.rows).reduce(0.0) { $0 + model.contribution(feature: j, value: x[$1, j]) } / Double(x.rows)
            #expect(abs(mean) < 1e-9, "feature \(j) averages \(mean)")
        }
    }

    /// The additive model finds the U and the step a line cannot, and beats the line on
    /// fresh rows.
    @Test func theShapesFollowTheData() throws {
        let (x, y) = Self.problem(), (fresh, freshY) = Self.problem(seed: 12)
        let additive = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive).fit(x: x, y: y, featureNames: ["a", "b", "c"])
        let linear = try RiskModelEstimator(logistic: LogisticRegression(), shape: .linear).fit(x: x, y: y, featureNames: ["a", "b", "c"])
        let u = [-2.5, 0, 2.5].map { additive.contribution(feature: 0, value: $0) }
        #expect(u[0] > u[1] + 1 && u[2] > u[1] + 1, "U shape: \(u)")
        #expect(additive.contribution(feature: 1, value: 3) < additive.contribution(feature: 1, value: 1) - 0.5)
        let aucAdditive = rankAUC(try additive.probabilities(fresh), freshY)
        let aucLinear = rankAUC(try linear.probabilities(fresh), freshY)
        #expect(aucAdditive > aucLinear + 0.1, "additive \(aucAdditive), linear \(aucLinear)")
    }

    /// Declared directions hold whatever the data say: a U forced to rise becomes flat then rising.
    @Test(arguments: [ModelShape.linear, .additive])
    func declaredDirectionsHold(shape: ModelShape) throws {
        let (x, y) = Self.problem()
        let model = try RiskModelEstimator(logistic: LogisticRegression(), shape: shape)
            .fit(x: x, y: y, featureNames: ["a", "b", "c"], directions: [.increasing, .decreasing, .increasing])
        for (j, range) in [(0, -3.0...3.0), (1, 0.0...3.0), (2, 0.0...1.0)] {
            let values = (0...300).map { model.contribution(feature: j, value: range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / 300) }
            let pairs = zip(values, values.dropFirst())
            if j == 1 { #expect(pairs.allSatisfy { $0 >= $1 - 1e-12 }) } else { #expect(pairs.allSatisfy { $0 <= $1 + 1e-12 }) }
        }
    }

    @Test func modelsSurviveTheirFileFormExactly() throws {
        let (x, y) = Self.problem(rows: 800)
        for shape in ModelShape.allCases {
            let model = try RiskModelEstimator(logistic: LogisticRegression(), shape: shape)
                .fit(x: x, y: y, featureNames: ["a", "b", "c"], directions: [.either, .decreasing, .either])
            let data = try JSONEncoder().encode(model)
            let back = try JSONDecoder().decode(FittedRiskModel.self, from: data)
            #expect(back == model)
            #expect(try back.decisionFunction(x) == model.decisionFunction(x))
        }
        // A linear model without directions is the core's JSON alone, as before shapes existed.
        let plain = try RiskModelEstimator(logistic: LogisticRegression(), shape: .linear).fit(x: x, y: y, featureNames: ["a", "b", "c"])
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        #expect(try sorted.encode(plain) == sorted.encode(plain.core))
    }

    /// With no bound binding, the projected solver lands where Newton does.
    @Test func projectedNewtonIsNewtonWithoutActiveBounds() throws {
        let (x, y) = Self.problem(rows: 1_000)
        let free = try LogisticRegression(tolerance: 1e-12).fit(x: x, y: y)
        let bounded = try LogisticRegression(tolerance: 1e-12)
            .fit(x: x, y: y, bounds: CoefficientBounds(lower: [-10, -10, -10], upper: [10, 10, 10]))
        #expect(free.solver == .newton && bounded.solver == .projectedNewton)
        assertClose(bounded.coefficients, free.coefficients, rtol: 1e-8, atol: 1e-10)
        assertClose(bounded.intercept, free.intercept, rtol: 1e-8, atol: 1e-10)
    }

    /// The knots come from order statistics found by selection: the same values a sort gives,
    /// with ties, runs and sorted or reversed input.
    @Test func orderStatisticsAreWhatASortGives() {
        var rng = SeededGenerator(seed: 99)
        for trial in 0..<200 {
            let n = Int.random(in: 1...500, using: &rng)
            var values: [Double] = (0..<n).map { _ in Double(Int.random(in: 0...(trial % 3 == 0 ? 3 : 1_000), using: &rng)) }
            if trial % 7 == 0 { values.sort() }
            if trial % 11 == 0 { values.sort(by: >) }
            let sorted = values.sorted()
            let positions = Array(Set((0..<5).map { _ in Int.random(in: 0..<n, using: &rng) })).sorted()
            var scratch = values
            #expect(AdditiveExpansion.orderStatistics(&scratch, positions) == positions.map { sorted[$0] }, "trial \(trial)")
        }
    }

    @Test func settingsAreValidatedUpFront() {
        let (x, y) = Self.problem(rows: 100)
        for settings in [ShapeSettings(columnsPerFeature: 1), ShapeSettings(degree: 4), ShapeSettings(smoothing: -1), ShapeSettings(ridge: 0)] {
            #expect(throws: LogisticRegressionError.self) {
                try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive, shapeSettings: settings).fit(x: x, y: y, featureNames: ["a", "b", "c"])
            }
        }
        #expect(throws: LogisticRegressionError.self) {
            try LogisticRegression(solver: .lbfgs).fit(x: x, y: y, bounds: CoefficientBounds(lower: [0, 0, 0], upper: [.infinity, .infinity, .infinity]))
        }
    }
}
