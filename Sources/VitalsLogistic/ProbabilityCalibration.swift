/// How to turn a model's decision values into calibrated probabilities.
public enum CalibrationMethod: String, Sendable, CaseIterable {
    /// Beta calibration when the held-out set is large enough
    /// (`ProbabilityCalibration.betaMinimumRows` rows and `betaMinimumPerClass` of each
    /// class), Platt otherwise: smooth, strictly increasing maps either way.
    case automatic
    /// A two-parameter sigmoid of the log-odds: stable on small held-out sets, but can only
    /// stretch and shift them.
    case platt
    /// Beta calibration (three parameters): also bends the map at either end.
    case beta
    /// Centred isotonic regression: any monotone correction, interpolated between the
    /// centres of its steps; needs data, and ties the probabilities beyond its end steps.
    case isotonic
    /// The model's own probabilities, σ(η).
    case none
}

/// The calibration a fitted model applies to its decision value η when scoring.
public enum ProbabilityCalibration: Sendable, Equatable {
    case none
    case platt(PlattCalibration)
    case beta(BetaCalibration)
    case isotonic(IsotonicCalibration)

    /// Below this many held-out rows `.automatic` picks Platt: three parameters need more
    /// data than two.
    public static let betaMinimumRows = 200
    /// …or below this many rows of either class.
    public static let betaMinimumPerClass = 20

    /// How close to 0 or 1 an isotonic probability may come.
    public static let isotonicFloor = 0.001
    /// How close to 0 or 1 any calibrated probability may come: a finite sample never proves
    /// certainty, and a score file never says "cannot happen". Probabilities are squeezed into
    /// [floor, 1 − floor] by p ↦ floor + (1 − 2 floor) p, which keeps them strictly increasing
    /// in the log-odds (a clamp would tie every account beyond it).
    public static let floor = 1e-6

    @inline(__always)
    static func squeezed(_ p: Double) -> Double { floor + (1 - 2 * floor) * p }

    /// The method this calibration was fitted with (`.none` for none).
    public var method: CalibrationMethod {
        switch self {
        case .none: return .none
        case .platt: return .platt
        case .beta: return .beta
        case .isotonic: return .isotonic
        }
    }

    /// P(y = 1) for a decision value η: σ(η) uncalibrated, else the fitted map of η.
    public func probability(decisionValue eta: Double) -> Double {
        switch self {
        case .none: return Self.squeezed(LogisticLoss.sigmoid(eta))
        case let .platt(platt): return Self.squeezed(platt.probability(eta))
        case let .beta(beta): return Self.squeezed(beta.probability(eta))
        // A finite held-out set never proves certainty: isotonic ends of 0 or 1 are kept inside
        // [0.001, 0.999], so a score file never says "cannot happen" and log loss stays finite.
        case let .isotonic(isotonic): return min(max(isotonic.probability(eta), Self.isotonicFloor), 1 - Self.isotonicFloor)
        }
    }

    /// Fits `method` to held-out decision values and labels (0/1, both classes present).
    ///
    /// `.automatic` resolves to beta or Platt by the held-out set's size (see the thresholds above).
    public static func fit(
        method: CalibrationMethod, decisionValues: [Double], labels: [Double], weights: [Double]? = nil
    ) throws -> ProbabilityCalibration {
        switch resolve(method, labels: labels) {
        case .none: return .none
        case .platt: return .platt(try PlattCalibration.fit(scores: decisionValues, labels: labels, weights: weights))
        case .beta, .automatic: return .beta(try BetaCalibration.fit(decisionValues: decisionValues, labels: labels, weights: weights))
        case .isotonic: return .isotonic(IsotonicCalibration.fitCentred(scores: decisionValues, labels: labels, weights: weights))
        }
    }

    /// The concrete method `.automatic` stands for on these held-out labels.
    public static func resolve(_ method: CalibrationMethod, labels: [Double]) -> CalibrationMethod {
        guard method == .automatic else { return method }
        let positives = labels.filter { $0 == 1 }.count
        let enough = labels.count >= betaMinimumRows && min(positives, labels.count - positives) >= betaMinimumPerClass
        return enough ? .beta : .platt
    }
}
