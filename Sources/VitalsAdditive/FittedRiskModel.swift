import Foundation
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// The form of the risk model's shape functions: `model.shape` in the training config.
public enum ModelShape: String, Sendable, Codable, CaseIterable {
    /// One coefficient per feature: the log-odds move in proportion to each feature.
    case linear
    /// A penalized spline per numeric feature (a generalized additive model): the log-odds
    /// follow each feature along a smooth curve of its own.
    case additive
}

/// A fitted risk model: the logistic core behind one shape function per feature.
///
/// The log-odds of a row x are
///
///     η(x) = b + Σⱼ fⱼ(xⱼ),   fⱼ(xⱼ) = wⱼ (xⱼ − meanⱼ) / scaleⱼ           (linear)
///                              fⱼ(xⱼ) = Σₖ δⱼₖ (Iⱼₖ(xⱼ) − centreⱼₖ)        (additive)
///
/// and every fⱼ averages 0 over the training rows, so fⱼ(xⱼ) is feature j's contribution
/// (its driver) and the contributions with b add up to η exactly. A linear model is the core
/// itself (`shapes` nil); an additive one's core is fitted on the design `shapes` makes.
public struct FittedRiskModel: Sendable, Equatable {
    /// The logistic fit: on the features (linear), or on the shapes' columns (additive).
    public private(set) var core: FittedLogisticRegression
    /// The additive model's terms, nil for a linear model.
    public let shapes: AdditiveExpansion?
    /// The declared direction of each feature (all `.either` when none were declared).
    public let directions: [RiskDirection]

    public init(core: FittedLogisticRegression, shapes: AdditiveExpansion?, directions: [RiskDirection]? = nil) {
        self.core = core
        self.shapes = shapes
        let count = shapes?.terms.count ?? core.featureNames.count
        self.directions = shapes?.terms.map(\.direction) ?? directions ?? [RiskDirection](repeating: .either, count: count)
    }

    public var shape: ModelShape { shapes == nil ? .linear : .additive }
    /// The input features, in the order of x's columns.
    public var featureNames: [String] { shapes?.featureNames ?? core.featureNames }
    /// What the log-odds are a sum of: the features, then the interactions (`a × b`).
    public var termNames: [String] { featureNames + (shapes?.pairNames ?? []) }
    public var calibration: ProbabilityCalibration { core.calibration }
    public var calibrationRows: Int { core.calibrationRows }
    public var solver: SolverChoice { core.solver }
    public var iterations: Int { core.iterations }
    public var gradientNorm: Double { core.gradientNorm }
    public var converged: Bool { core.converged }
    public var warnings: [String] { core.warnings }
    /// b: the log-odds of a row at which every contribution is 0.
    public var intercept: Double { core.intercept }

    /// What the core is fitted on for an n × p input: the shapes' n × q design, or x itself.
    public func design(_ x: Matrix) throws -> Matrix {
        guard x.columns == featureNames.count else {
            throw LogisticRegressionError.invalidData("x has \(x.columns) columns, the model \(featureNames.count)")
        }
        return try shapes?.design(x) ?? x
    }

    /// η for each row of x (n × p). The shapes' design is formed a chunk of rows at a time:
    /// whole, it is about eight times x (on millions of training rows, gigabytes), and the
    /// chunks give the same products, bit for bit.
    public func decisionFunction(_ x: Matrix) throws -> [Double] {
        guard let shapes else { return try core.decisionFunction(x) }
        guard x.columns == featureNames.count else {
            throw LogisticRegressionError.invalidData("x has \(x.columns) columns, the model \(featureNames.count)")
        }
        // As `core.decisionFunction(design(x))`: the raw coefficients times the design, plus the raw intercept.
        let w = core.rawCoefficients
        return try Matrix.multiply(rows: x.rows, { range in
            // The column count was checked above, the one thing `design` refuses.
            (try? shapes.design(x.selectingRows(range))) ?? Matrix(rows: 0, columns: 0)
        }, by: w, adding: [Double](repeating: core.rawIntercept, count: x.rows))
    }
    /// Calibrated P(y = 1 | x) for each row.
    public func probabilities(_ x: Matrix) throws -> [Double] { try decisionFunction(x).map(core.calibration.probability(decisionValue:)) }
    /// σ(η) for each row, ignoring any calibration.
    public func uncalibratedProbabilities(_ x: Matrix) throws -> [Double] { try decisionFunction(x).map(LogisticLoss.sigmoid) }

    /// fⱼ(v): feature j's contribution to the log-odds at value v.
    public func contribution(feature j: Int, value v: Double) -> Double {
        guard let shapes else {
            let w = core.coefficients[j]
            return w == 0 ? 0 : w * (v - core.means[j]) / core.scales[j]
        }
        let range = shapes.columnRanges[j]
        let columns = shapes.terms[j].columns(at: v)
        var sum = 0.0
        for (k, c) in range.enumerated() where core.coefficients[c] != 0 { sum += core.coefficients[c] * (columns[k] - core.means[c]) / core.scales[c] }
        return sum
    }

    /// fⱼ(b) − fⱼ(a): how much feature j's move from a to b moved the log-odds (for a linear
    /// model wⱼ (b − a) / scaleⱼ, computed so).
    public func contributionChange(feature j: Int, from a: Double, to b: Double) -> Double {
        guard shapes != nil else {
            let w = core.coefficients[j]
            return w == 0 ? 0 : w * (b - a) / core.scales[j]
        }
        return contribution(feature: j, value: b) - contribution(feature: j, value: a)
    }

    /// Interaction k's contribution at (a, b): its surface minus its training mean.
    public func pairContribution(_ k: Int, a: Double, b: Double) -> Double {
        guard let shapes else { return 0 }
        let range = shapes.pairRanges[k]
        var sum = 0.0
        for (offset, value) in shapes.pairs[k].columns(a: a, b: b).enumerated() where core.coefficients[range.lowerBound + offset] != 0 {
            sum += core.coefficients[range.lowerBound + offset] * value
        }
        return sum
    }

    /// Row i's contribution of every term (`termNames`): f₁(xᵢ₁) … f_p(xᵢₚ), then each
    /// interaction's. With the intercept they add up to `decisionFunction` for that row (to
    /// rounding).
    public func contributions(_ x: Matrix, row i: Int) -> [Double] {
        (0..<x.columns).map { contribution(feature: $0, value: x[i, $0]) }
            + (shapes?.pairs ?? []).enumerated().map { k, pair in pairContribution(k, a: x[i, pair.first], b: x[i, pair.second]) }
    }

    /// How strongly each feature moves the log-odds, for summaries and model cards: the
    /// standardized coefficient of a linear model (log-odds per standard deviation, signed);
    /// for an additive model the range of the shape over the training values, signed by the
    /// shape's overall direction (its value at the top of the range minus that at the bottom).
    public var featureStrengths: [Double] {
        guard let shapes else { return core.coefficients }
        return shapes.terms.enumerated().map { j, term in
            switch term.kind {
            case let .line(mean, scale):
                // A line's strength is its standardized coefficient, as in the linear model.
                _ = (mean, scale)
                return core.coefficients[shapes.columnRanges[j].lowerBound]
            case let .spline(basis, _):
                let grid = (0...64).map { basis.lower + (basis.upper - basis.lower) * Double($0) / 64 }
                let values = grid.map { contribution(feature: j, value: $0) }
                let span = (values.max() ?? 0) - (values.min() ?? 0)
                return values.last! >= values.first! ? span : -span
            }
        }
    }

    /// This model with a calibration fitted on out-of-fold decision values; see
    /// `FittedLogisticRegression.calibrated(outOfFold:labels:method:)`.
    public func calibrated(outOfFold decisionValues: [Double], labels: [Double], method: CalibrationMethod = .automatic) throws -> FittedRiskModel {
        var copy = self
        copy.core = try core.calibrated(outOfFold: decisionValues, labels: labels, method: method)
        return copy
    }

    /// This model with a probability calibration fitted on held-out rows (x: m × p inputs);
    /// see `FittedLogisticRegression.calibrated`.
    public func calibrated(heldOutX x: Matrix, y: [Double], sampleWeights: [Double]? = nil, method: CalibrationMethod = .automatic) throws
        -> FittedRiskModel
    {
        var copy = self
        copy.core = try core.calibrated(heldOutX: design(x), y: y, sampleWeights: sampleWeights, method: method)
        return copy
    }
}

/// A model file's `model` object: the core's keys as they always were, plus `shapes` (the
/// additive terms) and `directions` (when any feature has one) only when present, so a linear
/// model without directions is written byte for byte as before.
extension FittedRiskModel: Codable {
    enum CodingKeys: String, CodingKey { case shapes, directions }

    public init(from decoder: any Decoder) throws {
        let core = try FittedLogisticRegression(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let shapes = try c.decodeIfPresent(AdditiveExpansion.self, forKey: .shapes)
        let directions = try c.decodeIfPresent([RiskDirection].self, forKey: .directions)
        if let shapes, shapes.columnCount != core.featureNames.count {
            throw DecodingError.dataCorruptedError(forKey: .shapes, in: c,
                                                   debugDescription: "the shapes make \(shapes.columnCount) columns, the coefficients are \(core.featureNames.count)")
        }
        if shapes == nil, let directions, directions.count != core.featureNames.count {
            throw DecodingError.dataCorruptedError(forKey: .directions, in: c,
                                                   debugDescription: "\(directions.count) directions for \(core.featureNames.count) features")
        }
        self.init(core: core, shapes: shapes, directions: directions)
    }

    public func encode(to encoder: any Encoder) throws {
        try core.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(shapes, forKey: .shapes)
        if shapes == nil, directions.contains(where: { $0 != .either }) { try c.encode(directions, forKey: .directions) }
    }
}
