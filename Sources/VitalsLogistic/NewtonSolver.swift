import VitalsLinearAlgebra

/// Where a solver stopped.
public struct SolverResult: Sendable, Equatable {
    /// The minimizer found: coefficients then intercept (p + 1 entries).
    public let beta: [Double]
    public let objective: Double
    /// Newton (or quasi-Newton) iterations taken.
    public let iterations: Int
    /// ‖∇f‖₂ at `beta`.
    public let gradientNorm: Double
    /// Whether ‖∇f(β)‖ ≤ tolerance · max(1, ‖∇f(β₀)‖) was reached within the iteration limit.
    public let converged: Bool
}

/// Newton's method with a Cholesky step and a backtracking line search, for
/// the smooth (L2 or unpenalized) logistic loss. Suited to moderate feature
/// counts: each iteration forms the (p + 1)² Hessian with one `dsyrk` and
/// factors it with `dpotrf`.
///
/// - Convergence: stops when ‖∇f‖₂ ≤ `tolerance` · max(1, ‖∇f(β₀)‖₂), a
///   relative test, so it does not depend on the data's scale.
/// - Robustness: when the Hessian is not positive definite (collinear columns
///   with no penalty), a multiple of the identity is added until it is
///   (Levenberg damping), so the step still descends.
/// - Many rows: above twice `hessianSampleRows` rows (at least 250 per
///   parameter), the Hessian is estimated from a systematic sample of every
///   k-th row (sub-sampled Newton, Byrd et al. 2011). The gradient, the line
///   search and the stopping test stay exact, so the solution is the same to
///   the tolerance; each iteration costs one `dsyrk` over n / k rows instead
///   of n, for a few more iterations (the convergence becomes linear with a
///   small rate instead of quadratic).
public struct NewtonSolver: Sendable {
    /// Relative gradient tolerance. Default 1e-10; range (0, 1).
    public var tolerance: Double
    /// Iteration limit. Default 100; ≥ 1.
    public var maxIterations: Int
    /// Rows the Hessian is estimated from on large data (`nil`: always all rows).
    /// Default 100,000; the sample is never below 250 · (p + 1) rows.
    public var hessianSampleRows: Int?

    public init(tolerance: Double = 1e-10, maxIterations: Int = 100, hessianSampleRows: Int? = 100_000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.hessianSampleRows = hessianSampleRows
    }

    /// The k of "every k-th row" for the Hessian on `rows` rows and `parameters` = p + 1 (1: all rows).
    public func hessianRowStride(rows: Int, parameters: Int) -> Int {
        guard let hessianSampleRows else { return 1 }
        let sample = max(hessianSampleRows, 250 * parameters)
        return rows >= 2 * sample ? rows / sample : 1
    }

    public func minimize(_ loss: LogisticLoss, start: [Double]? = nil) throws -> SolverResult {
        var (beta, value, gradient, threshold) = try loss.startingPoint(start, tolerance: tolerance)
        let stride = hessianRowStride(rows: loss.x.rows, parameters: beta.count)
        var iterations = 0
        while Vector.norm(gradient) > threshold && iterations < maxIterations {
            iterations += 1
            let step = try Self.dampedNewtonStep(loss.hessian(beta, rowStride: stride), gradient)
            // The full step is accepted near the optimum, which gives quadratic convergence.
            guard let next = try BacktrackingLineSearch.step(loss, from: beta, value: value, gradient: gradient, direction: step)
            else { break }  // no descent is possible at machine precision
            (beta, value, gradient) = next
        }
        let norm = Vector.norm(gradient)
        return SolverResult(beta: beta, objective: value, iterations: iterations, gradientNorm: norm,
                            converged: norm <= threshold)
    }

    /// d = −H⁻¹ g, damping H by μI (μ growing tenfold from 1e-10 · trace/n) while it is not positive definite.
    static func dampedNewtonStep(_ hessian: Matrix, _ gradient: [Double]) throws -> [Double] {
        var damping = 0.0
        let n = hessian.rows
        let scale = max(1e-300, (0..<n).reduce(0) { $0 + hessian[$1, $1] } / Double(n))
        while true {
            var h = hessian
            for i in 0..<n { h[i, i] += damping }
            do {
                return try CholeskyFactor(factoring: h).solve(gradient).map { -$0 }
            } catch LinearAlgebraError.notPositiveDefinite {
                damping = damping == 0 ? 1e-10 * scale : damping * 10
                if damping > 1e10 * scale { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: n) }
            }
        }
    }
}
