import VitalsLinearAlgebra

extension FittedLogisticRegression {
    /// This model with a probability calibration fitted on held-out rows, which
    /// `probabilities` then applies.
    ///
    /// The rows must not have been used to fit the coefficients: calibrating on the
    /// training rows would learn the model's overconfidence on data it has seen.
    /// For churn and overrun the held-out rows are the latest snapshots, so the
    /// calibration also absorbs drift in the base rate.
    ///
    /// - Parameters:
    ///   - x: m × p held-out features, same columns as the training data.
    ///   - y: m labels 0/1, both classes present.
    ///   - sampleWeights: m weights ≥ 0 (default all 1).
    ///   - method: default `.automatic` (beta with enough data, Platt otherwise).
    public func calibrated(
        heldOutX x: Matrix, y: [Double], sampleWeights: [Double]? = nil, method: CalibrationMethod = .automatic
    ) throws -> FittedLogisticRegression {
        guard y.count == x.rows else { throw LogisticRegressionError.invalidData("\(y.count) held-out labels for \(x.rows) rows") }
        guard y.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw LogisticRegressionError.invalidData("held-out labels must be 0 or 1") }
        let positives = y.filter { $0 == 1 }.count
        guard positives > 0, positives < y.count else {
            throw LogisticRegressionError.invalidData(
                "calibration needs both classes in the held-out rows (\(positives) positives in \(y.count) rows)")
        }
        if let sampleWeights {
            guard sampleWeights.count == y.count, sampleWeights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw LogisticRegressionError.invalidData("held-out sample weights must be \(y.count) finite values ≥ 0")
            }
        }
        guard x.elements.allSatisfy(\.isFinite) else { throw LogisticRegressionError.invalidData("held-out features must be finite") }
        var copy = self
        copy.calibration = try ProbabilityCalibration.fit(
            method: method, decisionValues: decisionFunction(x), labels: y, weights: sampleWeights)
        copy.calibrationRows = x.rows
        return copy
    }

    /// This model with a calibration fitted on decision values its coefficients did not come
    /// from: the out-of-fold values of cross-validation fits (cross-fitted calibration, as
    /// scikit-learn's `CalibratedClassifierCV(ensemble=False)`), when the rows are too few,
    /// or too unordered, to hold the latest ones out.
    ///
    /// - Parameters: `decisionValues` and `labels` (0/1, both classes), one per row.
    public func calibrated(outOfFold decisionValues: [Double], labels: [Double], method: CalibrationMethod = .automatic) throws
        -> FittedLogisticRegression
    {
        guard decisionValues.count == labels.count, decisionValues.allSatisfy(\.isFinite) else {
            throw LogisticRegressionError.invalidData("\(decisionValues.count) finite decision values needed for \(labels.count) labels")
        }
        let positives = labels.filter { $0 == 1 }.count
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }), positives > 0, positives < labels.count else {
            throw LogisticRegressionError.invalidData("calibration needs both classes (\(positives) positives in \(labels.count) rows)")
        }
        var copy = self
        copy.calibration = try ProbabilityCalibration.fit(method: method, decisionValues: decisionValues, labels: labels)
        copy.calibrationRows = labels.count
        return copy
    }
}
