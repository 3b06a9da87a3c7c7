extension ProbabilityCalibration {
    /// Calibrated probabilities for held-out rows, each from a calibration that never saw it
    /// (cross-fitting): the rows, in order, are cut into `folds` contiguous blocks, and block f
    /// is mapped by `method` fitted on the other blocks.
    ///
    /// The calibration a model keeps is fitted on all the held-out rows, so its own fit on them
    /// flatters it; these probabilities give an honest figure for it on the same rows.
    ///
    /// - Parameters:
    ///   - method: a concrete method (`.automatic` is resolved on all `labels` first).
    ///   - decisionValues, labels: m held-out rows, labels 0/1.
    ///   - folds: 2 … m; default 5.
    /// - Returns: m probabilities, or nil when some block's complement lacks a class (no
    ///   calibration can be fitted there).
    public static func crossFitted(method: CalibrationMethod, decisionValues: [Double], labels: [Double], folds: Int = 5) throws -> [Double]? {
        let m = labels.count
        guard decisionValues.count == m, folds >= 2, m >= folds else { return nil }
        let concrete = resolve(method, labels: labels)
        var out = [Double](repeating: .nan, count: m)
        for f in 0..<folds {
            let block = (f * m / folds)..<((f + 1) * m / folds)
            let rest = Array(0..<block.lowerBound) + Array(block.upperBound..<m)
            let restLabels = rest.map { labels[$0] }
            guard restLabels.contains(0), restLabels.contains(1) else { return nil }
            let calibration = try fit(method: concrete, decisionValues: rest.map { decisionValues[$0] }, labels: restLabels)
            for i in block { out[i] = calibration.probability(decisionValue: decisionValues[i]) }
        }
        return out
    }
}
