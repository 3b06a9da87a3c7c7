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
/// - Many rows: above twice `hessianSampleRows` rows (at least
///   `hessianRowsPerParameter` per parameter), the Hessian is estimated from a systematic sample of every
///   k-th row (sub-sampled Newton, Byrd et al. 2011). The gradient, the line
///   search and the stopping test stay exact, so the solution is the same to
///   the tolerance; each iteration costs one `dsyrk` over n / k rows instead
///   of n, for a few more iterations (the convergence becomes linear with a
///   small rate instead of quadratic), unless `conjugateGradientSteps` refines them.
public struct NewtonSolver: Sendable {
    /// Relative gradient tolerance. Default 1e-10; range (0, 1).
    public var tolerance: Double
    /// Iteration limit. Default 100; ≥ 1.
    public var maxIterations: Int
    /// Rows the Hessian is estimated from on large data (`nil`: always all rows).
    /// Default 100,000; the sample is never below 250 · (p + 1) rows.
    public var hessianSampleRows: Int?

    /// Conjugate-gradient steps that refine each sub-sampled Newton step toward the exact one
    /// (0: none). With k > 0 the step solves ∇²f d = −∇f by conjugate gradients from d = 0 on
    /// exact Hessian-vector products (`LogisticLoss.hessianProduct`, one pass over X each on a
    /// design that fuses its products), preconditioned by the sub-sampled Hessian's Cholesky
    /// factor, to a relative residual of `forcing` or k steps (an inexact Newton method;
    /// Dembo, Eisenstat & Steihaug 1982). The factor then serves only as a preconditioner, so
    /// it is kept from one iteration to the next while the residual reaches its target with
    /// it, and re-made from the current β when it does not. The gradient, the line search and
    /// the stopping test stay exact, so the minimizer is the same. Worth it when a pass over X
    /// costs far less than the Hessian, as on a binned design. Default 0; ≥ 0.
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
        let refining = conjugateGradientSteps > 0 && stride > 1
        // The curvature at β, for the refinement's Hessian-vector products; each accepted
        // point's comes from the line search's own pass.
        var curvature: [Double]? = nil
        var iterations = 0
        // With refinement the sub-sampled Hessian only preconditions, so its factor is kept
        // while the conjugate gradients reach their target with it, and made afresh when not.
        var factor: CholeskyFactor? = nil
        while Vector.norm(gradient) > threshold && iterations < maxIterations {
            iterations += 1
            let current = try factor ?? Self.dampedFactor(loss.hessian(beta, rowStride: stride))
            let step: [Double]
            if refining {
                let c = try curvature ?? loss.curvature(beta)
                let solve = try Self.conjugateGradientSolve(
                    gradient: gradient, steps: conjugateGradientSteps,
                    forcing: Self.forcing(gradientNorm: Vector.norm(gradient), initialNorm: initialNorm),
                    product: { try loss.hessianProduct(curvature: c, $0) }, precondition: { try current.solve($0) })
                step = solve.step
                factor = solve.reached ? current : nil
            } else {
                step = try current.solve(gradient).map { -$0 }
            }
            // The full step is accepted near the optimum, which gives quadratic convergence.
            guard let next = try BacktrackingLineSearch.step(loss, from: beta, value: value, gradient: gradient, direction: step,
                                                             curvature: refining)
            else { break }  // no descent is possible at machine precision
            (beta, value, gradient, curvature) = next
        }
        let norm = Vector.norm(gradient)
        return SolverResult(beta: beta, objective: value, iterations: iterations, gradientNorm: norm,
                            converged: norm <= threshold)
    }

    /// Preconditioned conjugate gradients on H d = −g from d = 0, with at most `steps`
    /// products by H, stopping at a residual ‖H d + g‖ ≤ forcing · ‖g‖. `product` multiplies
    /// by the exact H; `precondition` solves with the sub-sampled one, so the first direction
    /// is the sub-sampled Newton step, and the first iterate that step scaled to minimize the
    /// exact quadratic model along it.
    static func conjugateGradients(gradient g: [Double], steps: Int, forcing: Double,
                                   product: ([Double]) throws -> [Double], precondition: ([Double]) throws -> [Double]) rethrows
        -> [Double]
    {
        try conjugateGradientSolve(gradient: g, steps: steps, forcing: forcing, product: product, precondition: precondition).step
    }

    /// `conjugateGradients`, and whether the residual reached its target within the steps.
    static func conjugateGradientSolve(gradient g: [Double], steps: Int, forcing: Double,
                                       product: ([Double]) throws -> [Double], precondition: ([Double]) throws -> [Double]) rethrows
        -> (step: [Double], reached: Bool)
    {
        var d = [Double](repeating: 0, count: g.count)
        var r = g.map { -$0 }
        let target = forcing * Vector.norm(g)
        var z = try precondition(r)
        var direction = z
        var rz = Vector.dot(r, z)
        var reached = false
        for _ in 0..<max(steps, 1) {
            let hp = try product(direction)
            let curvatureAlong = Vector.dot(direction, hp)
            guard curvatureAlong > 0, rz > 0 else { break }
            let alpha = rz / curvatureAlong
            Vector.axpy(alpha, direction, &d)
            Vector.axpy(-alpha, hp, &r)
            if Vector.norm(r) <= target {
                reached = true
                break
            }
            z = try precondition(r)
            let next = Vector.dot(r, z)
            for k in direction.indices { direction[k] = z[k] + next / rz * direction[k] }
            rz = next
        }
        // No curvature along the first direction (rounding at the optimum): the plain step.
        return (d.allSatisfy { $0 == 0 } ? try precondition(r) : d, reached)
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
