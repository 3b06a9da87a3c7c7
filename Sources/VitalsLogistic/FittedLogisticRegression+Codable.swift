/// The JSON form of a fitted model, as model files store it: snake_case keys, every
/// number a JSON number that reads back to the same `Double`.
extension SolverChoice: Codable {}

extension ProbabilityCalibration: Codable {
    enum CodingKeys: String, CodingKey { case method, platt, beta, isotonic }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .method) {
        case "none": self = .none
        case "platt": self = .platt(try container.decode(PlattCalibration.self, forKey: .platt))
        case "beta": self = .beta(try container.decode(BetaCalibration.self, forKey: .beta))
        case "isotonic": self = .isotonic(try container.decode(IsotonicCalibration.self, forKey: .isotonic))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .method, in: container,
                                                   debugDescription: "unknown calibration method '\(other)' (none, platt, beta, isotonic)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method.rawValue, forKey: .method)
        switch self {
        case .none: break
        case let .platt(platt): try container.encode(platt, forKey: .platt)
        case let .beta(beta): try container.encode(beta, forKey: .beta)
        case let .isotonic(isotonic): try container.encode(isotonic, forKey: .isotonic)
        }
    }
}

extension FittedLogisticRegression: Codable {
    enum CodingKeys: String, CodingKey {
        case featureNames = "feature_names", means, scales, coefficients, intercept
        case droppedColumns = "dropped_columns", solver, iterations, gradientNorm = "gradient_norm", converged, warnings
        case calibration, calibrationRows = "calibration_rows"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let names = try c.decode([String].self, forKey: .featureNames)
        let means = try c.decode([Double].self, forKey: .means)
        let scales = try c.decode([Double].self, forKey: .scales)
        let coefficients = try c.decode([Double].self, forKey: .coefficients)
        guard means.count == names.count, scales.count == names.count, coefficients.count == names.count else {
            throw DecodingError.dataCorruptedError(forKey: .coefficients, in: c,
                                                   debugDescription: "feature_names, means, scales and coefficients must have equal lengths")
        }
        guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DecodingError.dataCorruptedError(forKey: .scales, in: c, debugDescription: "scales must be finite and > 0")
        }
        self.init(
            featureNames: names, means: means, scales: scales, coefficients: coefficients,
            intercept: try c.decode(Double.self, forKey: .intercept),
            droppedColumns: try c.decode([String].self, forKey: .droppedColumns),
            solver: try c.decode(SolverChoice.self, forKey: .solver),
            iterations: try c.decode(Int.self, forKey: .iterations),
            gradientNorm: try c.decode(Double.self, forKey: .gradientNorm),
            converged: try c.decode(Bool.self, forKey: .converged),
            warnings: try c.decode([String].self, forKey: .warnings),
            calibration: try c.decode(ProbabilityCalibration.self, forKey: .calibration),
            calibrationRows: try c.decode(Int.self, forKey: .calibrationRows))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureNames, forKey: .featureNames)
        try c.encode(means, forKey: .means)
        try c.encode(scales, forKey: .scales)
        try c.encode(coefficients, forKey: .coefficients)
        try c.encode(intercept, forKey: .intercept)
        try c.encode(droppedColumns, forKey: .droppedColumns)
        try c.encode(solver, forKey: .solver)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(gradientNorm, forKey: .gradientNorm)
        try c.encode(converged, forKey: .converged)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(calibration, forKey: .calibration)
        try c.encode(calibrationRows, forKey: .calibrationRows)
    }
}
