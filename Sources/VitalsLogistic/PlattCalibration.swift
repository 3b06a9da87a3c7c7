import VitalsLinearAlgebra

/// Platt (sigmoid) calibration: p = 1 / (1 + exp(a · f + b)) on a model's decision value f.
///
/// Fitted on held-out data by weighted cross-entropy against Platt's smoothed
/// targets T₊ = (N₊ + 1) / (N₊ + 2) and T₋ = 1 / (N₋ + 2) (N the class weights'
/// sums), which keeps a perfectly separated calibration set from giving
/// infinite slopes. This is `CalibratedClassifierCV(method: "sigmoid")`'s fit,
/// solved here by Newton's method on the same logistic loss as the model.
public struct PlattCalibration: Sendable, Equatable, Codable {
    /// The slope; negative when higher scores mean higher risk.
    public let a: Double
    public let b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// - Precondition: equal lengths, labels 0/1 with both classes, weights ≥ 0.
    public static func fit(scores: [Double], labels: [Double], weights: [Double]? = nil) throws -> PlattCalibration {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let w = weights ?? [Double](repeating: 1, count: scores.count)
        var negatives = 0.0, positives = 0.0
        for (y, wi) in zip(labels, w) { if y > 0 { positives += wi } else { negatives += wi } }
        precondition(positives > 0 && negatives > 0, "calibration needs both classes")
        let targets = labels.map { $0 > 0 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2) }
        let loss = LogisticLoss(x: Matrix(rows: scores.count, columns: 1, elements: scores), y: targets, sampleWeights: w, l2: 0)
        let result = try NewtonSolver(tolerance: 1e-12).minimize(loss)
        // The loss models p = σ(c₁ f + c₀); Platt's form is 1 / (1 + exp(a f + b)).
        return PlattCalibration(a: -result.beta[0], b: -result.beta[1])
    }

    public func probability(_ score: Double) -> Double { LogisticLoss.sigmoid(-(a * score + b)) }
}
