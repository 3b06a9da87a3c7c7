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

    /// Conjugate-gradient steps that refine each sub-sampled Newton step toward the exact one
    /// (0: none). With k > 0 the step solves ∇²f d = −∇f by conjugate gradients on exact
    /// Hessian-vector products (two passes over X each), preconditioned by the sub-sampled
    /// Hessian's Cholesky factor, to a relative residual of `forcing` max(0.01, 0.1 · min(1, √(‖∇f‖ / ‖∇f₀‖)))
    /// or k steps (an inexact Newton method, Dembo, Eisenstat & Steihaug 1982). The gradient and
    /// the stopping test stay exact, so the minimizer is the same. Worth it when
    /// a pass over X costs far less than the Hessian, as on a binned design; the sample can
    /// then be smaller. Default 0; ≥ 0.
    public var conjugateGradientSteps: Int
    /// The least rows per parameter the Hessian sample keeps. Default 250; ≥ 1.
    public var hessianRowsPerParameter: Int

    public init(tolerance: Double = 1e-10, maxIterations: Int = 100, hessianSampleRows: Int? = 100_000,
                conjugateGradientSteps: Int = 0, hessianRowsPerParameter: Int = 250) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.hessianSampleRows = hessianSampleRows
        self.conjugateGradientSteps = conjugateGradientSteps
        self.hessianRowsPerParameter = hessianRowsPerParameter
    }

    /// The k of "every k-th row" for the Hessian on `rows` rows and `parameters` = p + 1 (1: all rows).
    public func hessianRowStride(rows: Int, parameters: Int) -> Int {
        guard let hessianSampleRows else { return 1 }
        let sample = max(hessianSampleRows, hessianRowsPerParameter * parameters)
        return rows >= 2 * sample ? rows / sample : 1
    }

    public func minimize(_ loss: LogisticLoss, start: [Double]? = nil) throws -> SolverResult {
        var (beta, value, gradient, threshold) = try loss.startingPoint(start, tolerance: tolerance)
        let stride = hessianRowStride(rows: loss.x.rows, parameters: beta.count)
        let initialNorm = Vector.norm(gradient)
        var iterations = 0
        while Vector.norm(gradient) > threshold && iterations < maxIterations {
            iterations += 1
            let factor = try Self.dampedFactor(loss.hessian(beta, rowStride: stride))
            var step = try factor.solve(gradient).map { -$0 }
            if conjugateGradientSteps > 0 && stride > 1 {
                let curvature = try loss.curvature(beta)
                step = try Self.conjugateGradients(
                    from: step, gradient: gradient, steps: conjugateGradientSteps,
                    forcing: Self.forcing(gradientNorm: Vector.norm(gradient), initialNorm: initialNorm),
                    product: { try loss.hessianProduct(curvature: curvature, $0) }, precondition: { try factor.solve($0) })
            }
            // The full step is accepted near the optimum, which gives quadratic convergence.
            guard let next = try BacktrackingLineSearch.step(loss, from: beta, value: value, gradient: gradient, direction: step)
            else { break }  // no descent is possible at machine precision
            (beta, value, gradient) = next
        }
        let norm = Vector.norm(gradient)
        return SolverResult(beta: beta, objective: value, iterations: iterations, gradientNorm: norm,
                            converged: norm <= threshold)
    }

    /// Preconditioned conjugate gradients on H d = −g from d₀ (the sub-sampled step), with
    /// at most `steps` products by H, stopping at a residual ‖H d + g‖ ≤ forcing · ‖g‖.
    /// `product` multiplies by the exact H; `precondition` solves with the sub-sampled one.
    static func conjugateGradients(from start: [Double], gradient g: [Double], steps: Int, forcing: Double,
                                   product: ([Double]) throws -> [Double], precondition: ([Double]) throws -> [Double]) rethrows
        -> [Double]
    {
        var d = start
        var r = zip(g, try product(d)).map { -$0 - $1 }
        let target = forcing * Vector.norm(g)
        if Vector.norm(r) <= target { return d }
        var z = try precondition(r)
        var direction = z
        var rz = Vector.dot(r, z)
        for _ in 0..<steps {
            let hp = try product(direction)
            let curvatureAlong = Vector.dot(direction, hp)
            guard curvatureAlong > 0, rz > 0 else { break }
            let alpha = rz / curvatureAlong
            Vector.axpy(alpha, direction, &d)
            Vector.axpy(-alpha, hp, &r)
            if Vector.norm(r) <= target { break }
            z = try precondition(r)
            let next = Vector.dot(r, z)
            for k in direction.indices { direction[k] = z[k] + next / rz * direction[k] }
            rz = next
        }
        return d
    }

    /// The forcing term of the refined steps: max(0.01, 0.1 · min(1, √(‖∇f‖ / ‖∇f₀‖))).
    static func forcing(gradientNorm: Double, initialNorm: Double) -> Double {
        max(0.01, 0.1 * min(1, (gradientNorm / max(initialNorm, 1e-300)).squareRoot()))
    }

    /// The Cholesky factor of H + μI, μ growing tenfold from 1e-10 · trace/n while H + μI is
    /// not positive definite (Levenberg damping).
    static func dampedFactor(_ hessian: Matrix) throws -> CholeskyFactor {
        var damping = 0.0
        let n = hessian.rows
        let scale = max(1e-300, (0..<n).reduce(0) { $0 + hessian[$1, $1] } / Double(n))
        while true {
            var h = hessian
            for i in 0..<n { h[i, i] += damping }
            do {
                return try CholeskyFactor(factoring: h)
            } catch LinearAlgebraError.notPositiveDefinite {
                damping = damping == 0 ? 1e-10 * scale : damping * 10
                if damping > 1e10 * scale { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: n) }
            }
        }
    }

    /// d = −H⁻¹ g, damping H by μI (μ growing tenfold from 1e-10 · trace/n) while it is not positive definite.
    static func dampedNewtonStep(_ hessian: Matrix, _ gradient: [Double]) throws -> [Double] {
        try dampedFactor(hessian).solve(gradient).map { -$0 }
    }
}
