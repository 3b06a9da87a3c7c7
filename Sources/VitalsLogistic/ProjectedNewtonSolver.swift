import VitalsLinearAlgebra

/// Newton's method for the logistic loss under box constraints on the coefficients
/// (Bertsekas 1982, "Projected Newton methods for optimization problems with simple
/// constraints"): how the additive model's declared directions are enforced.
///
/// Each iteration splits the coefficients in two. Those at (or within ε of) a bound that
/// the gradient pushes against are *active*: they take a diagonally scaled gradient step.
/// The others are *free*: they take the Newton step of the free block, H_FF d_F = −g_F.
/// The step is projected back into the box and shortened until Bertsekas' Armijo condition
///
///     f(β) − f(P[β + t d]) ≥ σ (t Σ_free −gᵢ dᵢ + Σ_active gᵢ (βᵢ − P[β + t d]ᵢ))
///
/// holds. ε = min(10⁻³, ‖β − P[β − ∇f]‖) shrinks to 0 at the solution, where the active
/// set is the true one and the method is Newton's on the free coefficients.
///
/// - Convergence: stops when the projected gradient ‖β − P[β − ∇f(β)]‖₂ (the gradient
///   itself for an interior point) is ≤ `tolerance` · max(1, ‖∇f(β₀)‖₂), the same relative
///   test as `NewtonSolver`, which it equals when no bound is reached.
/// - Many rows: the Hessian is sub-sampled as `NewtonSolver`'s is; the gradient, the line
///   search and the stopping test stay exact.
public struct ProjectedNewtonSolver: Sendable {
    /// Relative tolerance on the projected gradient. Default 1e-10; range (0, 1).
    public var tolerance: Double
    /// Default 100; ≥ 1.
    public var maxIterations: Int
    /// As `NewtonSolver.hessianSampleRows`.
    public var hessianSampleRows: Int?

    static let armijo = 1e-4
    static let maximumEpsilon = 1e-3

    /// As `NewtonSolver.hessianRowsPerParameter`.
    public var hessianRowsPerParameter: Int
    /// As `NewtonSolver.conjugateGradientSteps`, on the free coefficients' block.
    public var conjugateGradientSteps: Int

    public init(tolerance: Double = 1e-10, maxIterations: Int = 100, hessianSampleRows: Int? = 100_000, hessianRowsPerParameter: Int = 250,
                conjugateGradientSteps: Int = 0) {
        self.conjugateGradientSteps = conjugateGradientSteps
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.hessianSampleRows = hessianSampleRows
        self.hessianRowsPerParameter = hessianRowsPerParameter
    }

    /// ‖β − P[β − g]‖₂ over the coefficients, with the intercept's gradient as it is.
    static func projectedGradient(_ beta: [Double], _ gradient: [Double], _ bounds: CoefficientBounds) -> [Double] {
        var out = gradient
        for i in 0..<bounds.count { out[i] = beta[i] - min(max(beta[i] - gradient[i], bounds.lower[i]), bounds.upper[i]) }
        return out
    }

    /// - Parameters:
    ///   - bounds: one pair per coefficient (p); the intercept is free.
    ///   - start: default 0 (always feasible); projected into the box.
    public func minimize(_ loss: LogisticLoss, bounds: CoefficientBounds, start: [Double]? = nil) throws -> SolverResult {
        let p = loss.featureCount
        precondition(bounds.count == p, "\(bounds.count) bounds for \(p) coefficients")
        var beta = bounds.project(start ?? [Double](repeating: 0, count: p + 1))
        var (value, gradient) = try loss.valueAndGradient(beta)
        // The curvature at β for refined steps, from the line search's pass at each accepted point.
        var curvature: [Double]? = nil
        let threshold = tolerance * max(1, Vector.norm(gradient))
        let stride = NewtonSolver(tolerance: tolerance, maxIterations: maxIterations, hessianSampleRows: hessianSampleRows,
                                  hessianRowsPerParameter: hessianRowsPerParameter)
            .hessianRowStride(rows: loss.x.rows, parameters: p + 1)
        var iterations = 0
        var projected = Self.projectedGradient(beta, gradient, bounds)
        let initialNorm = Vector.norm(projected)
        while Vector.norm(projected) > threshold && iterations < maxIterations {
            iterations += 1
            let hessian = try loss.hessian(beta, rowStride: stride)
            let epsilon = min(Self.maximumEpsilon, Vector.norm(projected))
            var active = [Bool](repeating: false, count: p + 1)
            for i in 0..<p {
                active[i] = (beta[i] <= bounds.lower[i] + epsilon && gradient[i] > 0)
                    || (beta[i] >= bounds.upper[i] - epsilon && gradient[i] < 0)
            }
            let free = (0...p).filter { !active[$0] }
            var direction = [Double](repeating: 0, count: p + 1)
            if !free.isEmpty {
                var block = Matrix(rows: free.count, columns: free.count)
                for (a, i) in free.enumerated() { for (b, j) in free.enumerated() { block[a, b] = hessian[i, j] } }
                let freeGradient = free.map { gradient[$0] }
                let factor = try NewtonSolver.dampedFactor(block)
                let step: [Double]
                if conjugateGradientSteps > 0 && stride > 1 {
                    // The exact free block's products: v on the free coefficients, 0 on the active ones.
                    let c = try curvature ?? loss.curvature(beta)
                    step = try NewtonSolver.conjugateGradients(
                        gradient: freeGradient, steps: conjugateGradientSteps,
                        forcing: NewtonSolver.forcing(gradientNorm: Vector.norm(projected), initialNorm: initialNorm),
                        product: { v in
                            var full = [Double](repeating: 0, count: p + 1)
                            for (a, i) in free.enumerated() { full[i] = v[a] }
                            let product = try loss.hessianProduct(curvature: c, full)
                            return free.map { product[$0] }
                        },
                        precondition: { try factor.solve($0) })
                } else {
                    step = try factor.solve(freeGradient).map { -$0 }
                }
                for (a, i) in free.enumerated() { direction[i] = step[a] }
            }
            for i in 0..<p where active[i] { direction[i] = -gradient[i] / max(hessian[i, i], 1e-12) }

            let freeSlope = free.reduce(0.0) { $0 - gradient[$1] * direction[$1] }
            let gradientNorm = Vector.norm(projected)
            var t = 1.0, accepted = false
            while t > 1e-16 {
                var candidate = beta
                Vector.axpy(t, direction, &candidate)
                candidate = bounds.project(candidate)
                let candidateValue: Double, candidateGradient: [Double], candidateCurvature: [Double]?
                if conjugateGradientSteps > 0 && stride > 1 {
                    let evaluation = try loss.valueGradientAndCurvature(candidate)
                    (candidateValue, candidateGradient, candidateCurvature) = (evaluation.value, evaluation.gradient, evaluation.curvature)
                } else {
                    (candidateValue, candidateGradient) = try loss.valueAndGradient(candidate)
                    candidateCurvature = nil
                }
                var required = t * freeSlope
                for i in 0..<p where active[i] { required += gradient[i] * (beta[i] - candidate[i]) }
                let candidateProjected = Self.projectedGradient(candidate, candidateGradient, bounds)
                if value - candidateValue >= Self.armijo * required
                    || (candidateValue - value <= 1e-13 * abs(value) && Vector.norm(candidateProjected) < gradientNorm)
                {
                    (beta, value, gradient, projected) = (candidate, candidateValue, candidateGradient, candidateProjected)
                    curvature = candidateCurvature
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }  // no progress is possible at machine precision
        }
        let norm = Vector.norm(projected)
        return SolverResult(beta: beta, objective: value, iterations: iterations, gradientNorm: norm, converged: norm <= threshold)
    }
}
