/// Isotonic calibration: the non-decreasing step function of the score that
/// best fits the labels in weighted least squares (pool adjacent violators),
/// interpolated linearly between its knots and clipped outside them.
///
/// Matches `sklearn.isotonic.IsotonicRegression(out_of_bounds: "clip")`: tied
/// scores are merged first (weighted mean label), and knots interior to a flat
/// stretch are dropped since interpolation does not need them. Needs more data
/// than Platt scaling to be stable; the caller decides when there is enough.
public struct IsotonicCalibration: Sendable, Equatable, Codable {
    /// Knot scores, increasing.
    public let knots: [Double]
    /// Calibrated probability at each knot, non-decreasing.
    public let values: [Double]

    /// - Precondition: equal lengths, at least one row, weights ≥ 0 with a positive sum per distinct score.
    public static func fit(scores: [Double], labels: [Double], weights: [Double]? = nil) -> IsotonicCalibration {
        precondition(scores.count == labels.count && !scores.isEmpty)
        let w = weights ?? [Double](repeating: 1, count: scores.count)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Merge tied scores.
        var x: [Double] = [], sumY: [Double] = [], sumW: [Double] = []
        for i in order {
            if let last = x.last, last == scores[i] {
                sumY[sumY.count - 1] += w[i] * labels[i]
                sumW[sumW.count - 1] += w[i]
            } else {
                x.append(scores[i])
                sumY.append(w[i] * labels[i])
                sumW.append(w[i])
            }
        }
        // Pool adjacent violators over blocks (weighted sums, block start index).
        var blockY: [Double] = [], blockW: [Double] = [], blockStart: [Int] = []
        for k in x.indices {
            blockY.append(sumY[k]); blockW.append(sumW[k]); blockStart.append(k)
            while blockY.count > 1,
                  blockY[blockY.count - 2] / blockW[blockW.count - 2] >= blockY[blockY.count - 1] / blockW[blockW.count - 1]
            {
                let y = blockY.removeLast(), wt = blockW.removeLast()
                blockStart.removeLast()
                blockY[blockY.count - 1] += y
                blockW[blockW.count - 1] += wt
            }
        }
        var fitted = [Double](repeating: 0, count: x.count)
        for b in blockY.indices {
            let end = b + 1 < blockStart.count ? blockStart[b + 1] : x.count
            let mean = blockY[b] / blockW[b]
            for k in blockStart[b]..<end { fitted[k] = mean }
        }
        // Keep the ends and every point where the value changes on either side.
        var knots: [Double] = [], values: [Double] = []
        for k in x.indices where k == 0 || k == x.count - 1 || fitted[k] != fitted[k - 1] || fitted[k] != fitted[k + 1] {
            knots.append(x[k])
            values.append(fitted[k])
        }
        return IsotonicCalibration(knots: knots, values: values)
    }

    /// Centred isotonic regression (Oron and Flournoy 2017): the pool-adjacent-violators
    /// steps, each placed at its centre (the weighted mean score of its rows) with its value,
    /// and interpolated linearly between centres. Unlike the step function it stays strictly
    /// increasing between the first and last centres, so nearby scores keep distinct
    /// probabilities; beyond them it holds the end values.
    public static func fitCentred(scores: [Double], labels: [Double], weights: [Double]? = nil) -> IsotonicCalibration {
        precondition(scores.count == labels.count && !scores.isEmpty)
        let w = weights ?? [Double](repeating: 1, count: scores.count)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Blocks of the pool-adjacent-violators algorithm: weighted sums of labels, scores and weights.
        var sumY: [Double] = [], sumX: [Double] = [], sumW: [Double] = []
        var lastScore = Double.nan
        for i in order {
            if scores[i] == lastScore {
                // Tied scores are one point: they join whatever block the previous one is in.
                sumY[sumY.count - 1] += w[i] * labels[i]
                sumX[sumX.count - 1] += w[i] * scores[i]
                sumW[sumW.count - 1] += w[i]
            } else {
                sumY.append(w[i] * labels[i]); sumX.append(w[i] * scores[i]); sumW.append(w[i])
            }
            lastScore = scores[i]
            while sumY.count > 1, sumY[sumY.count - 2] / sumW[sumW.count - 2] >= sumY[sumY.count - 1] / sumW[sumW.count - 1] {
                let (y, x, wt) = (sumY.removeLast(), sumX.removeLast(), sumW.removeLast())
                sumY[sumY.count - 1] += y
                sumX[sumX.count - 1] += x
                sumW[sumW.count - 1] += wt
            }
        }
        let knots = zip(sumX, sumW).map { $0 / $1 }, values = zip(sumY, sumW).map { $0 / $1 }
        return IsotonicCalibration(knots: knots, values: values)
    }

    /// The calibrated probability: linear interpolation between knots, the end values outside them.
    public func probability(_ score: Double) -> Double {
        if score <= knots[0] { return values[0] }
        if score >= knots[knots.count - 1] { return values[values.count - 1] }
        var lo = 0, hi = knots.count - 1  // knots[lo] < score < knots[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if knots[mid] <= score { lo = mid } else { hi = mid }
        }
        let t = (score - knots[lo]) / (knots[hi] - knots[lo])
        return values[lo] + t * (values[hi] - values[lo])
    }
}

extension IsotonicCalibration {
    enum CodingKeys: String, CodingKey { case knots, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let knots = try container.decode([Double].self, forKey: .knots)
        let values = try container.decode([Double].self, forKey: .values)
        guard !knots.isEmpty, knots.count == values.count, zip(knots, knots.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw DecodingError.dataCorruptedError(forKey: .knots, in: container,
                                                   debugDescription: "isotonic knots must be non-empty, increasing, one value each")
        }
        self.init(knots: knots, values: values)
    }
}

