import Foundation

/// Metrics of how trustworthy probabilities are, not just their order.
public enum CalibrationMetrics {
    /// Mean negative log-likelihood −(1/n) Σ [y log p + (1 − y) log(1 − p)].
    /// A probability of exactly 0 or 1 on the wrong label gives +∞.
    public static func logLoss(labels: [Double], probabilities: [Double]) -> Double {
        precondition(labels.count == probabilities.count && !labels.isEmpty)
        var total = 0.0
        for (y, p) in zip(labels, probabilities) {
            total -= y == 1 ? log(p) : log1p(-p)
        }
        return total / Double(labels.count)
    }

    /// How close to 0 or 1 `clippedLogLoss` lets a probability come.
    public static let logLossClip = 1e-15

    /// `logLoss` with every probability first clipped to [1e-15, 1 − 1e-15], as scikit-learn's
    /// `log_loss` did: one confident miss cannot make the mean infinite. Every figure Vitals
    /// reports as "log loss" (cross-validation, held-out figures, evaluation) is this one.
    public static func clippedLogLoss(labels: [Double], probabilities: [Double]) -> Double {
        logLoss(labels: labels, probabilities: probabilities.map { min(max($0, logLossClip), 1 - logLossClip) })
    }

    /// Mean squared error of the probabilities, (1/n) Σ (p − y)².
    public static func brierScore(labels: [Double], probabilities: [Double]) -> Double {
        precondition(labels.count == probabilities.count && !labels.isEmpty)
        return zip(labels, probabilities).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) } / Double(labels.count)
    }

    /// One non-empty reliability bin.
    public struct Bin: Sendable, Equatable, Codable {
        /// 0-based bin index; bin b covers (b/B, (b+1)/B], bin 0 also takes 0.
        public let index: Int
        public let count: Int
        public let meanProbability: Double
        /// The observed positive rate.
        public let meanLabel: Double
    }

    /// Reliability bins of equal width on [0, 1] (the bins of
    /// `sklearn.calibration.calibration_curve(strategy: "uniform")`), empty bins left out.
    ///
    /// - Parameter binCount: default 10; ≥ 1.
    public static func reliabilityBins(labels: [Double], probabilities: [Double], binCount: Int = 10) -> [Bin] {
        precondition(binCount >= 1)
        // The inner edges as numpy.linspace computes them (k · step), so rows on an edge fall where sklearn puts them.
        let step = 1.0 / Double(binCount)
        let innerEdges = (1..<binCount).map { Double($0) * step }
        var counts = [Int](repeating: 0, count: binCount)
        var sumP = [Double](repeating: 0, count: binCount), sumY = [Double](repeating: 0, count: binCount)
        for (y, p) in zip(labels, probabilities) {
            let b = innerEdges.reduce(0) { $0 + ($1 < p ? 1 : 0) }
            counts[b] += 1
            sumP[b] += p
            sumY[b] += y
        }
        return (0..<binCount).filter { counts[$0] > 0 }.map {
            Bin(index: $0, count: counts[$0], meanProbability: sumP[$0] / Double(counts[$0]),
                meanLabel: sumY[$0] / Double(counts[$0]))
        }
    }

    /// Expected calibration error: Σ over bins of (count / n) · |mean label − mean probability|.
    public static func expectedCalibrationError(labels: [Double], probabilities: [Double], binCount: Int = 10) -> Double {
        let bins = reliabilityBins(labels: labels, probabilities: probabilities, binCount: binCount)
        return bins.reduce(0) { $0 + Double($1.count) / Double(labels.count) * abs($1.meanLabel - $1.meanProbability) }
    }
}
