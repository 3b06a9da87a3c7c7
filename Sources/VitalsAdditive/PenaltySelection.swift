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
        let parts = usable.map { (trainX: x.selectingRows($0.train), trainY: $0.train.map { y[$0] },
                                  testX: x.selectingRows($0.test), testY: $0.test.map { y[$0] }) }
        var candidates: [Candidate] = []
        var outOfFold: [Double: [Double?]] = [:]
        let fits = grid.count * parts.count
        var fitted = 0
        for c in grid.sorted() {
            var losses: [Double] = []
            var values = [Double?](repeating: nil, count: y.count)
            for (part, fold) in zip(parts, usable) {
                var candidate = estimator
                candidate.c = c
                let model = try candidate.fit(x: part.trainX, y: part.trainY, featureNames: featureNames, directions: directions)
                let eta = try model.decisionFunction(part.testX)
                for (k, i) in fold.test.enumerated() { values[i] = eta[k] }
                losses.append(CalibrationMetrics.clippedLogLoss(labels: part.testY, probabilities: eta.map { ProbabilityCalibration.none.probability(decisionValue: $0) }))
                fitted += 1
                logger.progress("cross-validating C", done: fitted, total: fits, unit: "fits")
            }
            outOfFold[c] = values
            candidates.append(Candidate(c: c, logLoss: losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count)))
        }
        let scored = candidates.filter { $0.logLoss != nil }
        guard let best = scored.min(by: { $0.logLoss! < $1.logLoss! || ($0.logLoss! == $1.logLoss! && $0.c < $1.c) }) else {
            throw LogisticRegressionError.invalidData(
                "cannot select C: no cross-validation fold has both classes in its training rows; set model.select_c: false")
        }
        return (best.c, candidates, outOfFold[best.c]!)
    }
}
