import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct CoordinateDescentSolverTests {
    /// scikit-learn's saga solutions (tol 1e-13) for elastic net and lasso, including the real
    /// Telco data with sample weights and exactly duplicated one-hot columns.
    @Test(arguments: ["elastic_net", "lasso_imbalanced", "telco_elastic_net"])
    func matchesScikitLearn(name: String) throws {
        let r = try ReferenceOptimalityTests.load(name)
        let (loss, l1) = ReferenceOptimalityTests.loss(r)
        #expect(l1 > 0)
        let result = try CoordinateDescentSolver(l1: l1, tolerance: 1e-10).minimize(loss)
        #expect(result.converged, "\(name): subgradient norm \(result.gradientNorm) after \(result.iterations) iterations")
        assertClose(Array(result.beta.prefix(r.p)), r.coef, rtol: 1e-6, atol: 1e-8, "\(name)")
        assertClose(result.beta[r.p], r.intercept, rtol: 1e-6, atol: 1e-8, "\(name)")
        // Soft thresholding puts coefficients at exactly zero, where scikit-learn has them.
        for j in 0..<r.p where r.coef[j] == 0 { #expect(result.beta[j] == 0, "\(name): coefficient \(j) = \(result.beta[j])") }
    }

    /// With no L1 part the problem is the ridge one, and the solution is Newton's.
    @Test(arguments: ["well_conditioned", "collinear", "telco"])
    func withoutL1ItFindsTheRidgeSolution(name: String) throws {
        let r = try ReferenceOptimalityTests.load(name)
        let (loss, _) = ReferenceOptimalityTests.loss(r)
        let result = try CoordinateDescentSolver(l1: 0, tolerance: 1e-10).minimize(loss)
        #expect(result.converged)
        assertClose(Array(result.beta.prefix(r.p)), r.coef, rtol: 1e-6, atol: 1e-7, "\(name)")
    }

    /// The solution satisfies the optimality conditions of the non-smooth problem, which the
    /// solver's stopping rule measures: the minimum-norm subgradient is (near) zero.
    @Test func minimumNormSubgradientFollowsTheDefinition() {
        let solver = CoordinateDescentSolver(l1: 0.5)
        let beta = [1.0, -2.0, 0.0, 0.0, 0.0, 3.0]  // intercept last
        let gradient = [0.1, 0.1, 0.3, -0.8, 0.7, 0.25]
        let s = solver.minimumNormSubgradient(beta, gradient: gradient)
        assertClose(s, [0.6, -0.4, 0, -0.3, 0.2, 0.25], atol: 1e-15)
    }

    /// Raising λ₁ never adds nonzero coefficients on this problem, and a λ₁ above
    /// max |∇ⱼ f(0, b*)| (the smallest λ₁ that zeros everything, with b* the intercept-only fit) zeros all.
    @Test func strongerL1GivesSparserModelsUpToAllZero() throws {
        let r = try ReferenceOptimalityTests.load("elastic_net")
        let (loss, _) = ReferenceOptimalityTests.loss(r)
        var previous = Int.max
        for l1 in [0.0, 0.005, 0.02, 0.05, 0.1] {
            let result = try CoordinateDescentSolver(l1: l1).minimize(loss)
            let nonzero = result.beta.prefix(r.p).filter { $0 != 0 }.count
            #expect(nonzero <= previous, "λ₁ = \(l1): \(nonzero) nonzero after \(previous)")
            previous = nonzero
        }
        // λ_max: the gradient of the smooth loss at w = 0 with the intercept at its optimum log(p̄ / (1 − p̄)).
        let mean = zip(r.y, r.sample_weight).reduce(0) { $0 + $1.0 * $1.1 } / r.sample_weight.reduce(0, +)
        let atZero = try loss.valueAndGradient([Double](repeating: 0, count: r.p) + [log(mean / (1 - mean))]).gradient
        let lambdaMax = atZero.prefix(r.p).map(abs).max()!
        let above = try CoordinateDescentSolver(l1: lambdaMax * 1.001).minimize(loss)
        #expect(above.beta.prefix(r.p).allSatisfy { $0 == 0 })
        assertClose(above.beta[r.p], log(mean / (1 - mean)), rtol: 1e-8)
        let below = try CoordinateDescentSolver(l1: lambdaMax * 0.99).minimize(loss)
        #expect(below.beta.prefix(r.p).filter { $0 != 0 }.count == 1)
    }

    @Test func iterationLimitIsReportedAsNotConverged() throws {
        let r = try ReferenceOptimalityTests.load("telco_elastic_net")
        let (loss, l1) = ReferenceOptimalityTests.loss(r)
        let result = try CoordinateDescentSolver(l1: l1, tolerance: 1e-12, maxIterations: 1).minimize(loss)
        #expect(result.iterations == 1)
        #expect(!result.converged)
    }
}
