import Foundation
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// The parameters of a risk model fit, validated up front: the logistic core's, the shape
/// (linear or additive) and the additive shapes' settings.
///
/// - Linear: the logistic regression on the standardized features, with each declared
///   direction a sign bound on its coefficient.
/// - Additive: `AdditiveExpansion.fit` learns the shapes on the training rows, and the core
///   minimizes, over the shapes' coefficients θ and the intercept b,
///
///       C · Σᵢ sᵢ log(1 + exp(−ỹᵢ (zᵢᵀθ + b))) + ½ θᵀ S θ
///
///   (S the expansion's penalty: differences and ridge), with θ bounded by the directions.
///   The columns are not standardized: the penalty is on the shapes' own coefficients.
///   From `ShapeSettings.binningRows` rows on, z is the `BinnedDesign` (values moved to
///   their cells' means), whose passes over the data cost a lookup per feature.
public struct RiskModelEstimator: Sendable {
    public var logistic: LogisticRegression
    public var shape: ModelShape
    public var shapeSettings: ShapeSettings
    /// Interactions to fit (positions of two features each), additive shape only.
    public var pairs: [Pair]

    public struct Pair: Sendable, Equatable {
        public let first: Int
        public let second: Int
        public init(_ first: Int, _ second: Int) {
            self.first = first
            self.second = second
        }
    }

    public init(logistic: LogisticRegression, shape: ModelShape = .linear, shapeSettings: ShapeSettings = ShapeSettings(), pairs: [Pair] = []) {
        self.logistic = logistic
        self.shape = shape
        self.shapeSettings = shapeSettings
        self.pairs = pairs
    }

    /// C, the inverse penalty strength of both shapes.
    public var c: Double {
        get { logistic.c }
        set { logistic.c = newValue }
    }

    public func validate() throws(LogisticRegressionError) {
        try logistic.validate()
        if shape == .additive { try shapeSettings.validate() }
    }

    /// - Parameters:
    ///   - x: n × p features, finite; y: n labels 0/1 with both classes.
    ///   - directions: p declared directions (default none).
    public func fit(x: Matrix, y: [Double], sampleWeights: [Double]? = nil, featureNames: [String], directions: [RiskDirection]? = nil) throws
        -> FittedRiskModel
    {
        try validate()
        let directions = directions ?? [RiskDirection](repeating: .either, count: x.columns)
        guard directions.count == x.columns else {
            throw LogisticRegressionError.invalidData("\(directions.count) directions for \(x.columns) features")
        }
        switch shape {
        case .linear:
            guard pairs.isEmpty else { throw LogisticRegressionError.invalidParameter(name: "interactions", value: "\(pairs.count)", rule: "need the additive shape") }
            let bounds = CoefficientBounds(lower: directions.map(\.coefficientBounds.lower), upper: directions.map(\.coefficientBounds.upper))
            let core = try logistic.fit(x: x, y: y, sampleWeights: sampleWeights, featureNames: featureNames, bounds: bounds)
            return FittedRiskModel(core: core, shapes: nil, directions: directions)
        case .additive:
            guard pairs.allSatisfy({ x.columns > max($0.first, $0.second) && $0.first != $0.second && min($0.first, $0.second) >= 0 }) else {
                throw LogisticRegressionError.invalidData("an interaction names a feature outside the \(x.columns) columns, or one feature twice")
            }
            let expansion = try AdditiveExpansion.fit(x: x, featureNames: featureNames, directions: directions, settings: shapeSettings)
                .adding(pairs: pairs.map { ($0.first, $0.second) }, x: x)
            var core = logistic
            core.standardize = false
            // On many rows the design is binned: its products never form the n × q matrix.
            let (design, shapes): (any DesignMatrix, AdditiveExpansion)
            if shapeSettings.bins(rows: x.rows) {
                let binned = try BinnedDesign(expansion: expansion, x: x, cellsPerInterval: shapeSettings.cellsPerInterval)
                (design, shapes) = (binned, binned.expansion)
                core.newtonSampling = .cheapPasses
            } else {
                (design, shapes) = (try expansion.design(x), expansion)
            }
            let fitted = try core.fit(x: design, y: y, sampleWeights: sampleWeights, featureNames: shapes.columnNames,
                                      penalty: shapes.penalty, bounds: shapes.bounds)
            return FittedRiskModel(core: fitted, shapes: shapes)
        }
    }
}
