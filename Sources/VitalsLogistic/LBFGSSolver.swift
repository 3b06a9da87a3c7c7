import VitalsLinearAlgebra

/// Limited-memory BFGS for the smooth logistic loss: for many features, where
/// Newton's (p + 1)² Hessian is too costly. Each iteration costs one
/// loss-and-gradient evaluation (two BLAS `dgemv`s over the data) plus O(m · p)
/// for the two-loop recursion.
///
/// - Convergence: ‖∇f‖₂ ≤ `tolerance` · max(1, ‖∇f(β₀)‖₂), as `NewtonSolver`.
/// - Line search: backtracking to the Armijo condition from the unit step; a
///   curvature pair with sᵀy ≤ 0 is skipped so the inverse-Hessian estimate
///   stays positive definite.
public struct LBFGSSolver: Sendable {
    /// Relative gradient tolerance. Default 1e-10; range (0, 1).
    public var tolerance: Double
    /// Default 1,000; ≥ 1.
    public var maxIterations: Int
    /// Curvature pairs kept. Default 10; ≥ 1.
    public var memory: Int

    public init(tolerance: Double = 1e-10, maxIterations: Int = 1000, memory: Int = 10) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.memory = memory
    }

    public func minimize(_ loss: LogisticLoss, start: [Double]? = nil) throws -> SolverResult {
        var (beta, value, gradient, threshold) = try loss.startingPoint(start, tolerance: tolerance)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        while Vector.norm(gradient) > threshold && iterations < maxIterations {
            iterations += 1
            // Two-loop recursion: d = −H·g with H the limited-memory inverse Hessian.
            var q = gradient
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[k] = rhoHistory[k] * Vector.dot(sHistory[k], q)
                Vector.axpy(-alphas[k], yHistory[k], &q)
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = Vector.dot(s, y) / Vector.dot(y, y)
                for i in q.indices { q[i] *= gamma }
            }
            for k in 0..<sHistory.count {
                let b = rhoHistory[k] * Vector.dot(yHistory[k], q)
                Vector.axpy(alphas[k] - b, sHistory[k], &q)
            }
            var direction = q.map { -$0 }
            if Vector.dot(gradient, direction) >= 0 {  // not a descent direction (numerical trouble): restart
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = gradient.map { -$0 }
            }
            // The first step of a fresh history is scaled so it does not overshoot wildly.
            let initialStep = sHistory.isEmpty ? min(1, 1 / max(Vector.norm(gradient), 1e-300)) : 1
            guard let (candidate, candidateValue, candidateGradient, _) = try BacktrackingLineSearch.step(
                loss, from: beta, value: value, gradient: gradient, direction: direction, initialStep: initialStep)
            else { break }
            let s = zip(candidate, beta).map { $0 - $1 }
            let y = zip(candidateGradient, gradient).map { $0 - $1 }
            let sy = Vector.dot(s, y)
            if sy > 1e-12 * Vector.norm(s) * Vector.norm(y) {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory {
                    sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst()
                }
            }
            beta = candidate
            value = candidateValue
            gradient = candidateGradient
        }
        let norm = Vector.norm(gradient)
        return SolverResult(beta: beta, objective: value, iterations: iterations, gradientNorm: norm,
                            converged: norm <= threshold)
    }
}
