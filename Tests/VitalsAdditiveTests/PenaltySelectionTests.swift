import Foundation
import Testing
import VitalsAdditive
import VitalsEvaluation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct PenaltySelectionTests {
    /// Few rows and many noise features: heavy regularization wins; with a strong signal and
    /// many rows, weak regularization wins. Each candidate's score is recomputed by hand for one case.
    @Test func picksTheCWithTheBestForwardChainedLogLoss() throws {
        var rng = SeededGenerator(seed: 3)
        func problem(rows: Int, noise: Int, signal: Double) -> (Matrix, [Double]) {
            var x = Matrix(rows: rows, columns: noise + 1)
            var y = [Double](repeating: 0, count: rows)
            for i in 0..<rows {
                for j in 0...noise { x[i, j] = Double.random(in: -1...1, using: &rng) }
                y[i] = Double.random(in: 0..<1, using: &rng) < LogisticLoss.sigmoid(signal * x[i, 0]) ? 1 : 0
            }
            return (x, y)
        }
        let estimator = RiskModelEstimator(logistic: LogisticRegression())
        let selection = PenaltySelection(grid: [10, 0.001, 1])
        let (noisy, noisyY) = problem(rows: 120, noise: 30, signal: 0.5)
        let names = (0...30).map { "f\($0)" }
        let small = try selection.select(estimator: estimator, x: noisy, y: noisyY, featureNames: names,
                                         folds: ValidationFolds.timeOrdered(rows: 120, folds: 3))
        #expect(small.candidates.map(\.c) == [0.001, 1, 10])
        #expect(small.c == 0.001)

        let (clear, clearY) = problem(rows: 2_000, noise: 1, signal: 6)
        let large = try PenaltySelection(grid: [0.001, 10])
            .select(estimator: estimator, x: clear, y: clearY, featureNames: ["a", "b"], folds: ValidationFolds.timeOrdered(rows: 2_000, folds: 3))
        #expect(large.c == 10)
        // Fold 2 of 3 by hand: train on rows 0..<1000, score rows 1000..<1500.
        var mean = 0.0
        for f in 1...3 {
            let cut = f * 500, end = (f + 1) * 500
            let model = try LogisticRegression(c: 10).fit(
                x: Matrix(rows: cut, columns: 2, elements: Array(clear.elements[0..<(2 * cut)])), y: Array(clearY[0..<cut]))
            let p = try model.probabilities(Matrix(rows: 500, columns: 2, elements: Array(clear.elements[(2 * cut)..<(2 * end)])))
            mean += CalibrationMetrics.logLoss(labels: Array(clearY[cut..<end]), probabilities: p) / 3
        }
        assertClose(try #require(large.candidates.last?.logLoss), mean, rtol: 1e-12)
    }

    @Test func noUsableFoldIsAnError() {
        let x = Matrix(rows: 8, columns: 1, elements: (0..<8).map(Double.init))
        let y: [Double] = [0, 0, 0, 0, 0, 0, 1, 1]  // every training prefix is one class
        #expect(throws: LogisticRegressionError.self) {
            try PenaltySelection(grid: [1]).select(estimator: RiskModelEstimator(logistic: LogisticRegression()), x: x, y: y, featureNames: ["t"],
                                                   folds: ValidationFolds.timeOrdered(rows: 8, folds: 3))
        }
    }
}
