import Logging
import VitalsEvaluation
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// Picks C by cross-validation over given folds (`ValidationFolds`: grouped and time-ordered
/// for snapshots, stratified for tables): each candidate is fitted on every fold's training
/// rows and scored by the mean held-out log loss of its uncalibrated probabilities. The
/// smallest wins; a tie goes to the smaller C (the simpler model).
public struct PenaltySelection: Sendable {
    public struct Candidate: Sendable, Equatable {
        public let c: Double
        /// Mean held-out log loss over the folds (nil when no fold had both classes).
        public let logLoss: Double?
    }

    public let grid: [Double]

    public init(grid: [Double]) {
        self.grid = grid
    }

    /// - Parameters:
    ///   - estimator: every setting but C.
    ///   - folds: the folds; a fold whose training rows lack a class, or whose test rows are
    ///     empty, is skipped.
    /// - Returns: the chosen C, every candidate's score, and the chosen candidate's
    ///   out-of-fold decision values (nil for a row no fold scored).
    public func select(estimator: RiskModelEstimator, x: Matrix, y: [Double], featureNames: [String], directions: [RiskDirection]? = nil,
                       folds: [ValidationFold], logger: Logger = .silent) throws
        -> (c: Double, candidates: [Candidate], outOfFold: [Double?])
    {
        let usable = folds.filter { fold in
            let positives = fold.train.reduce(0.0) { $0 + y[$1] }
            return !fold.test.isEmpty && positives > 0 && positives < Double(fold.train.count)
        }
        // Fold by fold, each fold's rows copied once for every C and dropped before the next
        // fold's: all the folds' copies at once would hold the design about three times over.
        // Every fit is independent of the others, so the order changes no result.
        let order = grid.sorted()
        var losses = [[Double]](repeating: [], count: order.count)
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: y.count), count: order.count)
        let fits = grid.count * usable.count
        var fitted = 0
        for fold in usable {
            let trainX = x.selectingRows(fold.train), trainY = fold.train.map { y[$0] }
            let testX = x.selectingRows(fold.test), testY = fold.test.map { y[$0] }
            for (k, c) in order.enumerated() {
                var candidate = estimator
                candidate.c = c
                let model = try candidate.fit(x: trainX, y: trainY, featureNames: featureNames, directions: directions)
                let eta = try model.decisionFunction(testX)
                for (j, i) in fold.test.enumerated() { values[k][i] = eta[j] }
                losses[k].append(CalibrationMetrics.clippedLogLoss(labels: testY, probabilities: eta.map { ProbabilityCalibration.none.probability(decisionValue: $0) }))
                fitted += 1
                logger.progress("cross-validating C", done: fitted, total: fits, unit: "fits")
            }
        }
        let candidates = order.indices.map { k in
            Candidate(c: order[k], logLoss: losses[k].isEmpty ? nil : losses[k].reduce(0, +) / Double(losses[k].count))
        }
        let scored = candidates.filter { $0.logLoss != nil }
        guard let best = scored.min(by: { $0.logLoss! < $1.logLoss! || ($0.logLoss! == $1.logLoss! && $0.c < $1.c) }) else {
            throw LogisticRegressionError.invalidData(
                "cannot select C: no cross-validation fold has both classes in its training rows; set model.select_c: false")
        }
        // As a dictionary by C would: a C given twice keeps the values of its last fits.
        return (best.c, candidates, values[order.lastIndex(of: best.c)!])
    }
}
