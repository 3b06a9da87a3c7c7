import Foundation
import Testing
import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

/// Interactions: the screen finds a planted pair, the pair's surface adds up with the shapes,
/// and declared directions survive it.
@Suite struct InteractionTests {
    /// Risk rises with a only when b is high (b ≥ 0.5); c and d are noise.
    static func problem(rows: Int = 4_000, seed: UInt64 = 21) -> (x: Matrix, y: [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, columns: 4), y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            for j in 0..<4 { x[i, j] = Double.random(in: 0...1, using: &rng) }
            let eta = -1 + 4 * x[i, 0] * (x[i, 1] >= 0.5 ? 1 : 0) - 1 * x[i, 1]
            y[i] = Double.random(in: 0..<1, using: &rng) < LogisticLoss.sigmoid(eta) ? 1 : 0
        }
        return (x, y)
    }

    @Test func theScreenFindsThePlantedPair() throws {
        let (x, y) = Self.problem()
        let main = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive).fit(x: x, y: y, featureNames: ["a", "b", "c", "d"])
        let ranked = InteractionScreening.rank(x: x, y: y, probabilities: try main.uncalibratedProbabilities(x), featureNames: ["a", "b", "c", "d"],
                                               strengths: main.featureStrengths)
        #expect(ranked.count == 6)
        #expect(ranked.first.map { [$0.first, $0.second] } == [0, 1], "\(ranked.prefix(3))")
        #expect(ranked[0].score > 5 * ranked[1].score)
        // One-hot levels of one source and a number with its missing indicator are never paired.
        let grouped = InteractionScreening.rank(x: x, y: y, probabilities: try main.uncalibratedProbabilities(x),
                                                featureNames: ["plan=a", "plan=b", "seats", "seats__missing"], strengths: [1, 1, 1, 1])
        #expect(!grouped.contains { [$0.first, $0.second] == [0, 1] || [$0.first, $0.second] == [2, 3] })
    }

    @Test func aPairAddsUpAndBeatsTheMainEffectsOnFreshRows() throws {
        let (x, y) = Self.problem(), (fresh, freshY) = Self.problem(seed: 22)
        let main = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive).fit(x: x, y: y, featureNames: ["a", "b", "c", "d"])
        let paired = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive, pairs: [.init(0, 1)])
            .fit(x: x, y: y, featureNames: ["a", "b", "c", "d"])
        #expect(paired.termNames == ["a", "b", "c", "d", "a × b"])
        let eta = try paired.decisionFunction(x)
        for i in stride(from: 0, to: x.rows, by: 97) {
            let parts = paired.contributions(x, row: i)
            #expect(parts.count == 5)
            assertClose(parts.reduce(paired.intercept, +), eta[i], rtol: 1e-12, atol: 1e-12)
        }
        let gain = rankAUC(try paired.probabilities(fresh), freshY) - rankAUC(try main.probabilities(fresh), freshY)
        #expect(gain > 0.005, "AUC gain \(gain)")
        // The file form keeps the pair exactly.
        let back = try JSONDecoder().decode(FittedRiskModel.self, from: JSONEncoder().encode(paired))
        let again = try back.decisionFunction(x)
        #expect(back == paired && again == eta)
    }

    /// With a declared direction on either feature the pair's surface never lowers risk as
    /// that feature worsens, at any value of the other.
    @Test func directionsHoldThroughAPair() throws {
        let (x, y) = Self.problem()
        // The data make risk fall with b where a is low; b is declared decreasing, a increasing.
        let model = try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive, pairs: [.init(0, 1)])
            .fit(x: x, y: y, featureNames: ["a", "b", "c", "d"], directions: [.increasing, .decreasing, .either, .either])
        let grid = (0...40).map { Double($0) / 40 }
        for other in grid {
            let alongA = grid.map { a in model.contribution(feature: 0, value: a) + model.pairContribution(0, a: a, b: other) }
            #expect(zip(alongA, alongA.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 }, "a at b = \(other)")
            let alongB = grid.map { b in model.contribution(feature: 1, value: b) + model.pairContribution(0, a: other, b: b) }
            #expect(zip(alongB, alongB.dropFirst()).allSatisfy { $0 >= $1 - 1e-12 }, "b at a = \(other)")
        }
    }

    @Test func aPairNeedsTheAdditiveShapeAndRealFeatures() {
        let (x, y) = Self.problem(rows: 200)
        #expect(throws: LogisticRegressionError.self) {
            try RiskModelEstimator(logistic: LogisticRegression(), shape: .linear, pairs: [.init(0, 1)]).fit(x: x, y: y, featureNames: ["a", "b", "c", "d"])
        }
        #expect(throws: LogisticRegressionError.self) {
            try RiskModelEstimator(logistic: LogisticRegression(), shape: .additive, pairs: [.init(0, 4)]).fit(x: x, y: y, featureNames: ["a", "b", "c", "d"])
        }
    }
}
