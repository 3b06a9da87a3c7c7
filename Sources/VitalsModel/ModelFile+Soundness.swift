import VitalsAdditive
import VitalsFeatures
import VitalsLogistic

/// The ranges a model's numbers stay in, so that every log-odds it computes on data within
/// the contract's ranges is finite: a coefficient of 1e308 (or NaN) in a file whose id was
/// recomputed would otherwise turn good data into NaN scores. `vitals train` never writes
/// such a model, and `ModelFile.load` refuses one.
extension ModelFile {
    /// Largest size of a coefficient or intercept (on the standardized scale), and of a
    /// calibration's slope and offset.
    public static let maximumWeight = 1e9
    /// Largest size of a feature mean, imputation value or isotonic knot.
    public static let maximumFeatureValue = 1e15
    /// Smallest feature scale of a column with a coefficient (`fit` drops columns flatter than this).
    public static let minimumScale = 1e-12

    /// What makes this model's numbers unusable, or nil when they are sound.
    public func soundnessProblem() -> String? {
        let m = model.core
        func bad(_ x: Double, _ limit: Double) -> Bool { !x.isFinite || abs(x) > limit }
        if let shapes = model.shapes {
            // A spline's knots and centres are feature values and basis values; a line's mean and scale as a feature's.
            for term in shapes.terms {
                switch term.kind {
                case let .line(mean, scale):
                    if bad(mean, Self.maximumFeatureValue) || bad(scale, Self.maximumFeatureValue) || scale < Self.minimumScale {
                        return "the line of \(term.feature) has mean \(mean) and scale \(scale), not a feature's"
                    }
                case let .spline(basis, centres):
                    if ([basis.lower, basis.upper] + basis.interiorKnots).contains(where: { bad($0, Self.maximumFeatureValue) }) {
                        return "the spline of \(term.feature) has knots beyond ±\(Self.maximumFeatureValue)"
                    }
                    if centres.contains(where: { !($0 >= 0 && $0 <= 1) }) { return "the spline of \(term.feature) has centres outside 0…1" }
                }
            }
            for (pair, range) in zip(shapes.pairs, shapes.pairRanges) {
                for axis in [pair.firstAxis, pair.secondAxis] {
                    let knots: [Double]
                    switch axis.kind {
                    case let .step(threshold): knots = [threshold]
                    case let .ramps(basis): knots = [basis.lower, basis.upper] + basis.interiorKnots
                    }
                    if knots.contains(where: { bad($0, Self.maximumFeatureValue) }) { return "an interaction has knots beyond ±\(Self.maximumFeatureValue)" }
                }
                if pair.centres.contains(where: { !($0 >= 0 && $0 <= 1) }) { return "an interaction has centres outside 0…1" }
                if pair.nonNegative, range.contains(where: { m.coefficients[$0] < 0 }) {
                    return "an interaction goes against its features' declared directions"
                }
            }
            if !(shapes.smoothing >= 0 && shapes.smoothing <= 1e6 && shapes.ridge > 0 && shapes.ridge <= 1e6) {
                return "the shapes' penalty weights \(shapes.smoothing) and \(shapes.ridge) are outside their ranges"
            }
        }
        // A coefficient against its declared direction would make a driver contradict it.
        if let shapes = model.shapes {
            for (term, range) in zip(shapes.terms, shapes.columnRanges) {
                let (lower, upper) = term.direction.coefficientBounds
                if range.contains(where: { m.coefficients[$0] < lower || m.coefficients[$0] > upper }) {
                    return "the shape of \(term.feature) goes against its declared direction (\(term.direction.rawValue))"
                }
            }
        } else {
            for (j, direction) in model.directions.enumerated() where j < m.coefficients.count {
                let (lower, upper) = direction.coefficientBounds
                if m.coefficients[j] < lower || m.coefficients[j] > upper {
                    return "the coefficient of \(m.featureNames[j]) goes against its declared direction (\(direction.rawValue))"
                }
            }
        }
        for j in m.coefficients.indices {
            let name = j < m.featureNames.count ? m.featureNames[j] : "#\(j + 1)"
            if bad(m.coefficients[j], Self.maximumWeight) {
                return "the coefficient of \(name) is \(m.coefficients[j]); a model's coefficients lie within ±\(Self.maximumWeight)"
            }
            if bad(m.means[j], Self.maximumFeatureValue) { return "the mean of \(name) is \(m.means[j]), not a feature value" }
            if !m.scales[j].isFinite || m.scales[j] > Self.maximumFeatureValue || (m.coefficients[j] != 0 && m.scales[j] < Self.minimumScale) {
                return "the scale of \(name) is \(m.scales[j]), outside \(Self.minimumScale)…\(Self.maximumFeatureValue)"
            }
        }
        if bad(m.intercept, Self.maximumWeight) { return "the intercept is \(m.intercept); it lies within ±\(Self.maximumWeight)" }
        switch m.calibration {
        case .none: break
        case let .platt(platt):
            if bad(platt.a, Self.maximumWeight) || bad(platt.b, Self.maximumWeight) {
                return "the Platt calibration's a = \(platt.a), b = \(platt.b); both lie within ±\(Self.maximumWeight)"
            }
        case let .beta(beta):
            if bad(beta.a, Self.maximumWeight) || bad(beta.b, Self.maximumWeight) || bad(beta.c, Self.maximumWeight) || beta.a < 0 || beta.b < 0 {
                return "the beta calibration's a = \(beta.a), b = \(beta.b), c = \(beta.c); a and b lie in 0…\(Self.maximumWeight), c within ±\(Self.maximumWeight)"
            }
        case let .isotonic(isotonic):
            guard !isotonic.knots.isEmpty, isotonic.knots.count == isotonic.values.count else {
                return "the isotonic calibration has \(isotonic.knots.count) knots and \(isotonic.values.count) values"
            }
            if isotonic.knots.contains(where: { bad($0, Self.maximumFeatureValue * Self.maximumWeight) })
                || zip(isotonic.knots, isotonic.knots.dropFirst()).contains(where: { $0 >= $1 }) {
                return "the isotonic calibration's knots are not finite and increasing"
            }
            if isotonic.values.contains(where: { !($0 >= 0 && $0 <= 1) }) || zip(isotonic.values, isotonic.values.dropFirst()).contains(where: { $0 > $1 }) {
                return "the isotonic calibration's values are not probabilities in order"
            }
        }
        if let spec = signals {
            if let k = spec.imputer.values.firstIndex(where: { bad($0, Self.maximumFeatureValue) }) {
                return "the imputation value of \(spec.imputer.featureNames[k]) is \(spec.imputer.values[k]), not a feature value"
            }
            if let chain = spec.accountChain, (chain.churnProbability + chain.expectedMonths).contains(where: { bad($0, Self.maximumFeatureValue) })
                || chain.churnProbability.contains(where: { !($0 >= 0 && $0 <= 1) }) {
                return "the health chain's figures are not finite probabilities and months"
            }
            if let chain = spec.projectChain, (chain.overrunProbability + chain.expectedWeeks).contains(where: { bad($0, Self.maximumFeatureValue) })
                || chain.overrunProbability.contains(where: { !($0 >= 0 && $0 <= 1) }) {
                return "the phase chain's figures are not finite probabilities and weeks"
            }
        }
        for column in encoding?.columns ?? [] {
            if case let .numeric(imputation, _) = column.encoding, bad(imputation, Self.maximumFeatureValue) {
                return "the imputation value of \(column.source) is \(imputation), not a feature value"
            }
        }
        return nil
    }
}
