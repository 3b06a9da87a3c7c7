import VitalsLinearAlgebra

/// Proximal Newton with coordinate descent, for the elastic-net logistic loss
/// (glmnet's IRLS scheme, with newGLMNET's line search so every step descends):
///
///     F(β) = f(β) + λ₁ ‖w‖₁
///
/// where f is the smooth `LogisticLoss` (its L2 part included) and β = (w, b);
/// the intercept b carries no L1 penalty.
///
/// Each outer iteration forms the gradient g and Hessian H of f once (one
/// `dsyrk` over the data), then minimizes the quadratic model
///
///     q(d) = gᵀd + ½ dᵀH d + λ₁ ‖w + d‖₁
///
/// by cyclic coordinate descent on H (covariance updates: O(p²) per sweep and
/// no pass over the rows). Each coordinate's minimizer is a soft threshold,
/// so coefficients reach exactly zero. A backtracking search along d then
/// enforces F(β + t d) ≤ F(β) + σ t Δ with Δ = gᵀd + λ₁(‖w + d‖₁ − ‖w‖₁) < 0.
///
/// - Convergence: stops when the minimum-norm subgradient of F,
///   ‖∂⁰F(β)‖₂ ≤ `tolerance` · max(1, ‖∂⁰F(β₀)‖₂). Its entries are gⱼ + λ₁ sign(wⱼ)
///   for wⱼ ≠ 0, sign(gⱼ) max(|gⱼ| − λ₁, 0) for wⱼ = 0, and g_b for the intercept;
///   it is zero exactly at the minimizer, so it plays the gradient norm's role.
/// - Cost: memory (p + 1)², so it suits the same feature counts as `NewtonSolver`.
public struct CoordinateDescentSolver: Sendable {
    /// λ₁ ≥ 0, the L1 strength on w.
    public var l1: Double
    /// Relative subgradient tolerance. Default 1e-10; range (0, 1).
    public var tolerance: Double
    /// Outer (proximal Newton) iteration limit. Default 100; ≥ 1.
    public var maxIterations: Int
    /// Coordinate sweeps allowed per quadratic model. Default 10,000; ≥ 1.
    public var maxSweeps: Int

    public init(l1: Double, tolerance: Double = 1e-10, maxIterations: Int = 100, maxSweeps: Int = 10_000) {
        precondition(l1 >= 0, "l1 must be ≥ 0")
        self.l1 = l1
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.maxSweeps = maxSweeps
    }

    /// F(β) = f(β) + λ₁ ‖w‖₁ for a smooth value f.
    func penalized(_ smooth: Double, _ beta: [Double]) -> Double {
        var norm1 = 0.0
        for j in 0..<(beta.count - 1) { norm1 += abs(beta[j]) }
        return smooth + l1 * norm1
    }

    /// The minimum-norm subgradient of F at β, given ∇f(β).
    public func minimumNormSubgradient(_ beta: [Double], gradient: [Double]) -> [Double] {
        var s = gradient
        for j in 0..<(beta.count - 1) {
            if beta[j] > 0 {
                s[j] += l1
            } else if beta[j] < 0 {
                s[j] -= l1
            } else {
                s[j] = gradient[j] > 0 ? max(gradient[j] - l1, 0) : min(gradient[j] + l1, 0)
            }
        }
        return s
    }

    public func minimize(_ loss: LogisticLoss, start: [Double]? = nil) throws -> SolverResult {
        let p = loss.featureCount
        var (beta, smooth, gradient, _) = try loss.startingPoint(start, tolerance: tolerance)
        var subgradientNorm = Vector.norm(minimumNormSubgradient(beta, gradient: gradient))
        let threshold = tolerance * max(1, subgradientNorm)
        var iterations = 0
        while subgradientNorm > threshold && iterations < maxIterations {
            iterations += 1
            let hessian = try loss.hessian(beta)
            // Solve the model more exactly as the outer iteration nears the optimum, so the
            // inner error never dominates (the inexact proximal Newton schedule).
            let innerTolerance = max(0.1 * min(subgradientNorm, 1) * subgradientNorm, 0.01 * threshold)
            let direction = coordinateDescent(hessian: hessian, gradient: gradient, beta: beta, tolerance: innerTolerance)

            var decrease = Vector.dot(gradient, direction)
            for j in 0..<p { decrease += l1 * (abs(beta[j] + direction[j]) - abs(beta[j])) }
            guard decrease < 0 else { break }  // the model sees no descent: β is optimal to rounding
            let value = penalized(smooth, beta)
            var t = 1.0, accepted = false
            while t > 1e-16 {
                var candidate = beta
                Vector.axpy(t, direction, &candidate)
                let (candidateSmooth, candidateGradient) = try loss.valueAndGradient(candidate)
                let candidateValue = penalized(candidateSmooth, candidate)
                let candidateNorm = Vector.norm(minimumNormSubgradient(candidate, gradient: candidateGradient))
                if candidateValue <= value + 1e-4 * t * decrease
                    || (candidateValue - value <= 1e-13 * abs(value) && candidateNorm < subgradientNorm)
                {
                    (beta, smooth, gradient, subgradientNorm) = (candidate, candidateSmooth, candidateGradient, candidateNorm)
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }  // no progress at machine precision
        }
        return SolverResult(beta: beta, objective: penalized(smooth, beta), iterations: iterations,
                            gradientNorm: subgradientNorm, converged: subgradientNorm <= threshold)
    }

    /// argmin_d gᵀd + ½ dᵀH d + λ₁ ‖w + d‖₁ by cyclic coordinate descent, the intercept last and unpenalized.
    ///
    /// Stops when a whole sweep moves no coordinate by more than `tolerance` in the
    /// scaled measure Hⱼⱼ |Δⱼ| (the change it makes to the model's gradient).
    func coordinateDescent(hessian h: Matrix, gradient g: [Double], beta: [Double], tolerance: Double) -> [Double] {
        let dimension = g.count, p = dimension - 1
        var d = [Double](repeating: 0, count: dimension)
        var hd = [Double](repeating: 0, count: dimension)  // H d, kept current
        h.elements.withUnsafeBufferPointer { hp in
            for _ in 0..<maxSweeps {
                var largest = 0.0
                for j in 0..<dimension {
                    let a = hp[j * dimension + j]
                    guard a > 0 else { continue }
                    let slope = g[j] + hd[j]  // ∂q/∂dⱼ without the L1 term
                    let delta: Double
                    if j == p {
                        delta = -slope / a
                    } else {
                        // Minimize over u = wⱼ + dⱼ: ½ a (u − v)² + λ₁ |u|, v = current u − slope / a.
                        let current = beta[j] + d[j]
                        let v = current - slope / a
                        let u = v > l1 / a ? v - l1 / a : (v < -l1 / a ? v + l1 / a : 0)
                        delta = u - current
                    }
                    if delta == 0 { continue }
                    d[j] += delta
                    for k in 0..<dimension { hd[k] += delta * hp[j * dimension + k] }  // H is symmetric: row j is column j
                    largest = max(largest, a * abs(delta))
                }
                if largest <= tolerance { break }
            }
        }
        return d
    }
}
