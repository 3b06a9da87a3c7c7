// VitalsLogistic: penalized logistic regression. The loss (value, gradient, Hessian) apart
// from its solvers (Newton, L-BFGS, coordinate descent), the estimator whose `fit` returns a
// fitted model carrying its convergence, probability calibration, and `PenaltySelection`
// (C by time-ordered cross-validation) beside the estimator.

import Foundation
import VitalsLinearAlgebra

/// How to weight the two classes.
public enum ClassWeight: Sendable, Equatable {
    /// Every row weighs its sample weight.
    case none
    /// Each class weighs n / (2 · nₖ), scikit-learn's `balanced`: both classes count equally.
    case balanced
    /// Explicit multipliers for the negative and positive class (both > 0).
    case custom(negative: Double, positive: Double)
}

/// Which solver minimizes the loss.
public enum SolverChoice: String, Sendable, CaseIterable {
    /// Coordinate descent when there is an L1 part; otherwise Newton up to
    /// `LogisticRegression.newtonFeatureLimit` features, L-BFGS above.
    case automatic
    /// Newton with Cholesky steps: few iterations, each O(n p² + p³).
    case newton
    /// L-BFGS: more iterations, each O(n p).
    case lbfgs
    /// Proximal Newton with coordinate descent on the quadratic model (glmnet-style):
    /// the solver for elastic net, each iteration O(n p² + sweeps · p²).
    case coordinateDescent = "coordinate-descent"
    /// Newton with the coefficients kept inside bounds (`ProjectedNewtonSolver`): what
    /// `.automatic` picks when a fit has bounds (declared directions).
    case projectedNewton = "projected-newton"
}

/// A parameter outside its allowed range, named so the caller can say which
/// option or config key to change.
public enum LogisticRegressionError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(name: String, value: String, rule: String)
    case invalidData(String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, rule): return "\(name) = \(value): \(rule)"
        case let .invalidData(message): return message
        }
    }
}

/// Regularized logistic regression (L2 or elastic net): the parameters of a fit,
/// validated up front.
///
/// Minimizes, on standardized features z = (x − mean) / scale,
///
///     C · Σᵢ sᵢ log(1 + exp(−ỹᵢ (zᵢᵀw + b))) + ½ (1 − ρ) ‖w‖² + ρ ‖w‖₁
///
/// (scikit-learn's `LogisticRegression` objective; ỹ = ±1, sᵢ the sample
/// weight times the class weight, ρ the L1 ratio). The intercept is never penalized.
public struct LogisticRegression: Sendable {
    /// Inverse regularization strength C. Default 1; range (0, ∞).
    public var c: Double
    /// The elastic-net mix ρ: 0 is pure L2 (ridge), 1 pure L1 (lasso), which sets
    /// coefficients exactly to zero for sparse, explainable models. Default 0; range [0, 1].
    public var l1Ratio: Double
    public var classWeight: ClassWeight
    /// Standardize features inside the model (means and scales are stored in it). Default true.
    public var standardize: Bool
    /// Relative gradient tolerance of the solver. Default 1e-8; range (0, 1).
    public var tolerance: Double
    /// Default 100; ≥ 1.
    public var maxIterations: Int
    /// Default `.automatic`.
    public var solver: SolverChoice
    /// How Newton steps use the Hessian on many rows. Default `.standard`.
    public var newtonSampling: NewtonSampling = .standard

    /// Above this many features `.automatic` picks L-BFGS: Newton's (p + 1)³ factorization
    /// starts to cost more than the extra L-BFGS passes over the data.
    public static let newtonFeatureLimit = 500

    public init(c: Double = 1, l1Ratio: Double = 0, classWeight: ClassWeight = .none, standardize: Bool = true,
                tolerance: Double = 1e-8, maxIterations: Int = 100, solver: SolverChoice = .automatic) {
        self.c = c
        self.l1Ratio = l1Ratio
        self.classWeight = classWeight
        self.standardize = standardize
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.solver = solver
    }

    /// Checks every parameter against its constraint (scikit-learn's `_parameter_constraints`).
    public func validate() throws(LogisticRegressionError) {
        guard c > 0, c.isFinite else { throw .invalidParameter(name: "C", value: "\(c)", rule: "must be a finite number > 0") }
        guard l1Ratio >= 0, l1Ratio <= 1 else {
            throw .invalidParameter(name: "l1_ratio", value: "\(l1Ratio)", rule: "must be in [0, 1]")
        }
        if l1Ratio > 0, solver == .newton || solver == .lbfgs {
            throw .invalidParameter(
                name: "solver", value: solver.rawValue,
                rule: "cannot handle an L1 part (l1_ratio = \(l1Ratio)); use coordinate-descent or automatic")
        }
        guard tolerance > 0, tolerance < 1 else {
            throw .invalidParameter(name: "tolerance", value: "\(tolerance)", rule: "must be in (0, 1)")
        }
        try newtonSampling.validate()
        guard maxIterations >= 1 else {
            throw .invalidParameter(name: "max_iterations", value: "\(maxIterations)", rule: "must be ≥ 1")
        }
        if case let .custom(negative, positive) = classWeight, !(negative > 0 && positive > 0 && negative.isFinite && positive.isFinite) {
            throw .invalidParameter(name: "class_weight", value: "\(negative), \(positive)", rule: "both weights must be finite and > 0")
        }
    }

    /// The solver `fit` runs on `featureCount` kept columns: the user's choice, or else coordinate
    /// descent for an L1 part, Newton up to `newtonFeatureLimit` features and L-BFGS above.
    public func chosenSolver(featureCount: Int, bounded: Bool = false) -> SolverChoice {
        if solver != .automatic { return solver }
        if bounded { return .projectedNewton }
        if l1Ratio > 0 { return .coordinateDescent }
        return featureCount <= Self.newtonFeatureLimit ? .newton : .lbfgs
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - x: n × p features, finite: a dense `Matrix`, or another `DesignMatrix` when
    ///     `standardize` is false (standardizing copies the data into a dense matrix).
    ///   - y: n labels, each 0 or 1, both classes present.
    ///   - sampleWeights: n weights ≥ 0 (default all 1).
    ///   - featureNames: p names (default `x0`, `x1`, …).
    ///   - penalty: a p × p symmetric positive semi-definite matrix S added to the objective as
    ///     ½ wᵀ S w / (C W), on the solver's coefficients (standardized ones when
    ///     `standardize`): the additive model's smoothness penalty. Default none.
    ///   - bounds: lᵢ ≤ wᵢ ≤ uᵢ for each of the p coefficients (a bound's sign survives
    ///     standardization, whose scales are positive). Default none.
    /// - Returns: the fitted model; `converged` false (with a warning) if the iteration limit was hit.
    public func fit(x: some DesignMatrix, y: [Double], sampleWeights: [Double]? = nil, featureNames: [String]? = nil,
                    penalty: Matrix? = nil, bounds: CoefficientBounds? = nil) throws
        -> FittedLogisticRegression
    {
        try validate()
        let bounded = bounds?.isActive ?? false
        if bounded, l1Ratio > 0 || (solver != .automatic && solver != .projectedNewton) {
            throw LogisticRegressionError.invalidParameter(
                name: "solver", value: l1Ratio > 0 ? "l1_ratio = \(l1Ratio)" : solver.rawValue,
                rule: "bounded coefficients (declared directions) need the projected Newton solver and no L1 part; use solver automatic")
        }
        if standardize, !(x is Matrix) {
            throw LogisticRegressionError.invalidParameter(name: "standardize", value: "true", rule: "needs a dense matrix design")
        }
        let n = x.rows, p = x.columns
        guard y.count == n else { throw LogisticRegressionError.invalidData("\(y.count) labels for \(n) rows") }
        guard y.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw LogisticRegressionError.invalidData("labels must be 0 or 1") }
        let positives = y.reduce(0, +)
        guard positives > 0, positives < Double(n) else {
            throw LogisticRegressionError.invalidData("both classes must be present (\(Int(positives)) positives in \(n) rows)")
        }
        var weights = sampleWeights ?? [Double](repeating: 1, count: n)
        guard weights.count == n, weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.reduce(0, +) > 0 else {
            throw LogisticRegressionError.invalidData("sample weights must be n finite values ≥ 0 with a positive sum")
        }
        let names = featureNames ?? (0..<p).map { "x\($0)" }
        guard names.count == p else { throw LogisticRegressionError.invalidData("\(names.count) feature names for \(p) columns") }
        if let penalty, penalty.rows != p || penalty.columns != p {
            throw LogisticRegressionError.invalidData("the penalty matrix is \(penalty.rows) × \(penalty.columns) for \(p) columns")
        }
        if let bounds, bounds.count != p { throw LogisticRegressionError.invalidData("\(bounds.count) bounds for \(p) columns") }

        switch classWeight {
        case .none: break
        case .balanced:
            let perClass = [Double(n) / (2 * (Double(n) - positives)), Double(n) / (2 * positives)]
            for i in 0..<n { weights[i] *= perClass[Int(y[i])] }
        case let .custom(negative, positive):
            for i in 0..<n { weights[i] *= y[i] == 1 ? positive : negative }
        }

        // Column statistics (population standard deviation, as scikit-learn's StandardScaler).
        let (columnMeans, deviations) = try x.columnMeansAndStandardDeviations()
        if let bad = columnMeans.firstIndex(where: { !$0.isFinite }) ?? deviations.firstIndex(where: { !$0.isFinite }) {
            let row = (x as? Matrix).flatMap { dense in (0..<n).first { !dense[$0, bad].isFinite } }
            throw LogisticRegressionError.invalidData(row.map { "feature \(names[bad]) is not finite in row \($0 + 1) (no NaN or infinity)" }
                ?? "feature \(names[bad]) is too large in magnitude for its variance to be finite")
        }
        var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        var kept: [Int] = [], dropped: [String] = []
        for j in 0..<p {
            // A constant column carries no information and would make the scale zero.
            if deviations[j] <= 1e-12 * max(1, abs(columnMeans[j])) {
                dropped.append(names[j])
                continue
            }
            kept.append(j)
            if standardize {
                means[j] = columnMeans[j]
                scales[j] = deviations[j]
            }
        }
        // The solver's design matrix; the caller's own when nothing needs changing (no copy).
        let z: any DesignMatrix
        if !standardize && kept.count == p {
            z = x
        } else if !standardize, !(x is Matrix) {
            z = ColumnSubsetDesign(x, kept: kept)
        } else {
            let x = x as! Matrix  // checked up front
            var design = Matrix(rows: n, columns: kept.count)
            let inverseScales = scales.map { 1 / $0 }
            x.elements.withUnsafeBufferPointer { a in
                design.elements.withUnsafeMutableBufferPointer { d in
                    for i in 0..<n {
                        for (k, j) in kept.enumerated() { d[i * kept.count + k] = (a[i * p + j] - means[j]) * inverseScales[j] }
                    }
                }
            }
            z = design
        }

        let strength = 1 / (c * weights.reduce(0, +))
        // A penalty matrix replaces the ridge: it is the whole quadratic penalty, restricted to the kept columns.
        let keptPenalty = penalty.map { s in
            var out = Matrix(rows: kept.count, columns: kept.count)
            for (a, j) in kept.enumerated() { for (b, k) in kept.enumerated() { out[a, b] = s[j, k] * strength } }
            return out
        }
        let loss = LogisticLoss(x: z, y: y, sampleWeights: weights, l2: penalty == nil ? (1 - l1Ratio) * strength : 0, penalty: keptPenalty)
        let chosen = chosenSolver(featureCount: kept.count, bounded: bounded)
        let result: SolverResult
        switch chosen {
        case .projectedNewton:
            result = try ProjectedNewtonSolver(tolerance: tolerance, maxIterations: maxIterations, hessianSampleRows: newtonSampling.sampleRows,
                                               hessianRowsPerParameter: newtonSampling.rowsPerParameter,
                                               conjugateGradientSteps: newtonSampling.conjugateGradientSteps)
                .minimize(loss, bounds: bounds.map { $0.subset(kept) } ?? .unbounded(kept.count))
        case .newton:
            let solver = NewtonSolver(tolerance: tolerance, maxIterations: maxIterations, hessianSampleRows: newtonSampling.sampleRows,
                                      conjugateGradientSteps: newtonSampling.conjugateGradientSteps,
                                      hessianRowsPerParameter: newtonSampling.rowsPerParameter)
            result = try solver.minimize(loss)
        case .lbfgs, .automatic: result = try LBFGSSolver(tolerance: tolerance, maxIterations: maxIterations).minimize(loss)
        case .coordinateDescent:
            result = try CoordinateDescentSolver(l1: l1Ratio * strength, tolerance: tolerance, maxIterations: maxIterations)
                .minimize(loss)
        }
        var coefficients = [Double](repeating: 0, count: p)
        for (k, j) in kept.enumerated() { coefficients[j] = result.beta[k] }

        var warnings: [String] = []
        if !dropped.isEmpty {
            warnings.append("dropped constant column\(dropped.count == 1 ? "" : "s") \(dropped.joined(separator: ", ")): no variation to learn from")
        }
        if !result.converged {
            warnings.append("""
                did not converge in \(result.iterations) iterations (gradient norm \(result.gradientNorm)); \
                raise max_iterations, loosen tolerance, or lower C (more regularization) if the classes are nearly separable
                """)
        }
        return FittedLogisticRegression(
            featureNames: names, means: means, scales: scales, coefficients: coefficients,
            intercept: result.beta[kept.count], droppedColumns: dropped, solver: chosen, iterations: result.iterations,
            gradientNorm: result.gradientNorm, converged: result.converged, warnings: warnings)
    }
}

/// A fitted logistic regression. It can only come from `LogisticRegression.fit`,
/// so an unfitted model cannot exist; convergence is part of the value.
public struct FittedLogisticRegression: Sendable, Equatable {
    public let featureNames: [String]
    /// Per-feature centering and scaling applied before the coefficients (0 and 1 when not standardizing).
    public let means: [Double]
    public let scales: [Double]
    /// Coefficients on the standardized scale (0 for dropped columns).
    public let coefficients: [Double]
    public let intercept: Double
    public let droppedColumns: [String]
    /// The solver that ran (never `.automatic`).
    public let solver: SolverChoice
    public let iterations: Int
    public let gradientNorm: Double
    public let converged: Bool
    /// What the user should know: dropped columns, non-convergence and what to change.
    public let warnings: [String]
    /// Applied by `probabilities`; `.none` until `calibrated(heldOutX:y:)` fits one.
    public internal(set) var calibration: ProbabilityCalibration = .none
    /// How many held-out rows the calibration was fitted on (0 when uncalibrated).
    public internal(set) var calibrationRows = 0

    /// Coefficients on the original feature scale: wⱼ / scaleⱼ.
    public var rawCoefficients: [Double] { zip(coefficients, scales).map { $0 / $1 } }
    /// The intercept on the original scale: b − Σ wⱼ meanⱼ / scaleⱼ.
    public var rawIntercept: Double { intercept - zip(rawCoefficients, means).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The log-odds η = b + Σ wⱼ (xⱼ − meanⱼ) / scaleⱼ for each row of x (n × p).
    public func decisionFunction(_ x: Matrix) throws -> [Double] {
        guard x.columns == coefficients.count else {
            throw LogisticRegressionError.invalidData("x has \(x.columns) columns, the model \(coefficients.count)")
        }
        return try x.multiply(rawCoefficients, beta: 1, adding: [Double](repeating: rawIntercept, count: x.rows))
    }

    /// Row `i`'s per-feature contributions to η: wⱼ (xᵢⱼ − meanⱼ) / scaleⱼ, which with the
    /// intercept add up to `decisionFunction` for that row (to rounding). Zero for a zero coefficient.
    public func contributions(_ x: Matrix, row i: Int) -> [Double] {
        (0..<x.columns).map { j in coefficients[j] == 0 ? 0 : coefficients[j] * (x[i, j] - means[j]) / scales[j] }
    }

    /// Calibrated P(y = 1 | x) for each row (σ(η) when the model has no calibration).
    public func probabilities(_ x: Matrix) throws -> [Double] {
        try decisionFunction(x).map(calibration.probability(decisionValue:))
    }

    /// σ(η) for each row, ignoring any calibration: what the coefficients alone say.
    public func uncalibratedProbabilities(_ x: Matrix) throws -> [Double] {
        try decisionFunction(x).map(LogisticLoss.sigmoid)
    }
}
