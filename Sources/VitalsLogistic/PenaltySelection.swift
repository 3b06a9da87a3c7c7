import Logging
import VitalsEvaluation
import VitalsFoundation
import VitalsLinearAlgebra

/// Picks C by time-ordered cross-validation (forward chaining): the rows, in time order,
/// are cut into `folds + 1` equal blocks; fold f trains on blocks 0…f−1 and scores block f.
/// Training never sees a later row than it is scored on, as in production.
///
/// The score is the mean held-out log loss over the folds; the smallest wins, and a tie
/// goes to the smaller C (the simpler model).
public struct PenaltySelection: Sendable {
    public struct Candidate: Sendable, Equatable {
        public let c: Double
        /// Mean held-out log loss over the folds (nil when no fold had both classes).
        public let logLoss: Double?
    }

    public let grid: [Double]
    public let folds: Int

    public init(grid: [Double], folds: Int) {
        self.grid = grid
        self.folds = folds
    }

    /// - Parameters:
    ///   - estimator: every setting but C.
    ///   - x, y, weights: rows in time order.
    /// - Returns: the chosen C and every candidate's score.
    public func select(estimator: LogisticRegression, x: Matrix, y: [Double], featureNames: [String], logger: Logger = .silent) throws
        -> (c: Double, candidates: [Candidate])
    {
        let n = x.rows, p = x.columns
        let bounds = (0...(folds + 1)).map { $0 * n / (folds + 1) }
        var candidates: [Candidate] = []
        let fits = grid.count * folds
        var fitted = 0
        for c in grid.sorted() {
            var losses: [Double] = []
            for f in 1...folds {
                let train = 0..<bounds[f], test = bounds[f]..<bounds[f + 1]
                let trainY = Array(y[train]), testY = Array(y[test])
                let trainPositives = trainY.reduce(0, +)
                guard trainPositives > 0, trainPositives < Double(trainY.count), !testY.isEmpty else { continue }
                var candidate = estimator
                candidate.c = c
                let model = try candidate.fit(
                    x: Matrix(rows: train.count, columns: p, elements: Array(x.elements[(train.lowerBound * p)..<(train.upperBound * p)])),
                    y: trainY, featureNames: featureNames)
                let probabilities = try model.probabilities(
                    Matrix(rows: test.count, columns: p, elements: Array(x.elements[(test.lowerBound * p)..<(test.upperBound * p)])))
                losses.append(CalibrationMetrics.clippedLogLoss(labels: testY, probabilities: probabilities))
                fitted += 1
                logger.progress("cross-validating C", done: fitted, total: fits, unit: "fits")
            }
            candidates.append(Candidate(c: c, logLoss: losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count)))
        }
        let scored = candidates.filter { $0.logLoss != nil }
        guard let best = scored.min(by: { $0.logLoss! < $1.logLoss! || ($0.logLoss! == $1.logLoss! && $0.c < $1.c) }) else {
            throw LogisticRegressionError.invalidData(
                "cannot select C: no time-ordered fold has both classes in its training rows; set model.select_c: false")
        }
        return (best.c, candidates)
    }
}
