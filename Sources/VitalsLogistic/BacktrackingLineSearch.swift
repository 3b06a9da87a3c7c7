import VitalsLinearAlgebra

/// The line search both solvers use: halve the step from `initialStep` until
/// the Armijo condition f(β + t d) ≤ f(β) + 10⁻⁴ t ∇fᵀd holds.
///
/// Near the optimum the predicted decrease falls below the rounding of f
/// itself, where Armijo can fail on noise; there a step that keeps f flat to
/// rounding (relative 10⁻¹³) and shrinks the gradient is accepted as progress.
enum BacktrackingLineSearch {
    /// The accepted point, or `nil` when no step down to 10⁻¹⁶ makes progress; with
    /// `curvature`, also the loss's curvature there (`LogisticLoss.curvature`, from the same pass).
    static func step(
        _ loss: LogisticLoss, from beta: [Double], value: Double, gradient: [Double], direction: [Double],
        initialStep: Double = 1, curvature: Bool = false
    ) throws -> (beta: [Double], value: Double, gradient: [Double], curvature: [Double]?)? {
        let slope = Vector.dot(gradient, direction)
        let gradientNorm = Vector.norm(gradient)
        var t = initialStep
        while t > 1e-16 {
            var candidate = beta
            Vector.axpy(t, direction, &candidate)
            let candidateValue: Double, candidateGradient: [Double], candidateCurvature: [Double]?
            if curvature {
                let evaluation = try loss.valueGradientAndCurvature(candidate)
                (candidateValue, candidateGradient, candidateCurvature) = (evaluation.value, evaluation.gradient, evaluation.curvature)
            } else {
                (candidateValue, candidateGradient) = try loss.valueAndGradient(candidate)
                candidateCurvature = nil
            }
            if candidateValue <= value + 1e-4 * t * slope
                || (candidateValue - value <= 1e-13 * abs(value) && Vector.norm(candidateGradient) < gradientNorm)
            {
                return (candidate, candidateValue, candidateGradient, candidateCurvature)
            }
            t *= 0.5
        }
        return nil
    }
}

extension LogisticLoss {
    /// Where both solvers begin: β₀ (default 0), f(β₀), ∇f(β₀), and the stopping threshold
    /// `tolerance` · max(1, ‖∇f(β₀)‖₂) of their relative gradient test.
    func startingPoint(_ start: [Double]?, tolerance: Double) throws
        -> (beta: [Double], value: Double, gradient: [Double], threshold: Double)
    {
        let dimension = featureCount + 1
        let beta = start ?? [Double](repeating: 0, count: dimension)
        precondition(beta.count == dimension, "start has \(beta.count) entries, expected \(dimension)")
        let (value, gradient) = try valueAndGradient(beta)
        return (beta, value, gradient, tolerance * max(1, Vector.norm(gradient)))
    }
}
