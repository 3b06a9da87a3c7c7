/// How to turn a model's decision values into calibrated probabilities.
public enum CalibrationMethod: String, Sendable, CaseIterable {
    /// Isotonic when the held-out set is large enough
    /// (`ProbabilityCalibration.isotonicMinimumRows` rows and
    /// `isotonicMinimumPerClass` of each class), Platt otherwise.
    case automatic
    /// A two-parameter sigmoid: stable on small held-out sets, but can only stretch
    /// and shift the log-odds.
    case platt
    /// A monotone step function: corrects any monotone miscalibration, but needs data.
    case isotonic
    /// The model's own probabilities, σ(η).
    case none
}

/// The calibration a fitted model applies to its decision value η when scoring.
public enum ProbabilityCalibration: Sendable, Equatable {
    case none
    case platt(PlattCalibration)
    case isotonic(IsotonicCalibration)

    /// Below this many held-out rows `.automatic` picks Platt: isotonic regression
    /// overfits small calibration sets (scikit-learn's user guide gives the same ~1,000).
    public static let isotonicMinimumRows = 1_000
    /// …or below this many rows of either class: the step function has too few steps there.
    public static let isotonicMinimumPerClass = 50

    /// How close to 0 or 1 an isotonic probability may come.
    public static let isotonicFloor = 0.001

    /// The method this calibration was fitted with (`.none` for none).
    public var method: CalibrationMethod {
        switch self {
        case .none: return .none
        case .platt: return .platt
        case .isotonic: return .isotonic
        }
    }

    /// P(y = 1) for a decision value η: σ(η) uncalibrated, else the fitted map of η.
    public func probability(decisionValue eta: Double) -> Double {
        switch self {
        case .none: return LogisticLoss.sigmoid(eta)
        case let .platt(platt): return platt.probability(eta)
        // A finite held-out set never proves certainty: isotonic ends of 0 or 1 are kept inside
        // [0.001, 0.999], so a score file never says "cannot happen" and log loss stays finite.
        case let .isotonic(isotonic): return min(max(isotonic.probability(eta), Self.isotonicFloor), 1 - Self.isotonicFloor)
        }
    }

    /// Fits `method` to held-out decision values and labels (0/1, both classes present).
    ///
    /// `.automatic` resolves to isotonic or Platt by the held-out set's size (see the thresholds above).
    public static func fit(
        method: CalibrationMethod, decisionValues: [Double], labels: [Double], weights: [Double]? = nil
    ) throws -> ProbabilityCalibration {
        switch resolve(method, labels: labels) {
        case .none: return .none
        case .platt: return .platt(try PlattCalibration.fit(scores: decisionValues, labels: labels, weights: weights))
        case .isotonic, .automatic:
            return .isotonic(IsotonicCalibration.fit(scores: decisionValues, labels: labels, weights: weights))
        }
    }

    /// The concrete method `.automatic` stands for on these held-out labels.
    public static func resolve(_ method: CalibrationMethod, labels: [Double]) -> CalibrationMethod {
        guard method == .automatic else { return method }
        let positives = labels.filter { $0 == 1 }.count
        let enough = labels.count >= isotonicMinimumRows
            && min(positives, labels.count - positives) >= isotonicMinimumPerClass
        return enough ? .isotonic : .platt
    }
}
