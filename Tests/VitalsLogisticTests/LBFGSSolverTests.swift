import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct LBFGSSolverTests {
    /// L-BFGS reaches the same minimizer as scikit-learn (and as Newton) to 1e-6 on every L2 problem.
    @Test(arguments: ["well_conditioned", "weighted", "balanced", "imbalanced", "nearly_separable", "collinear", "telco"])
    func matchesScikitLearn(name: String) throws {
        let r = try ReferenceOptimalityTests.load(name)
        let loss = ReferenceOptimalityTests.loss(r).loss
        let result = try LBFGSSolver(tolerance: 1e-11).minimize(loss)
        #expect(result.converged, "\(name): gradient norm \(result.gradientNorm) after \(result.iterations) iterations")
        let scale = max(1, r.coef.map(abs).max()!)
        assertClose(Array(result.beta.prefix(r.p)), r.coef, rtol: 1e-6, atol: 1e-6 * scale, "\(name)")
        assertClose(result.beta[r.p], r.intercept, rtol: 1e-6, atol: 1e-6 * scale, "\(name) intercept")
        let newton = try NewtonSolver().minimize(loss)
        assertClose(result.objective, newton.objective, rtol: 1e-12)
    }

    @Test func iterationLimitIsReportedAsNotConverged() throws {
        let r = try ReferenceOptimalityTests.load("telco")
        let x = ReferenceOptimalityTests.matrix(r)
        let result = try LBFGSSolver(maxIterations: 3).minimize(LogisticLoss(x: x, y: r.y, l2: 1 / (r.C * Double(r.n))))
        #expect(result.iterations == 3)
        #expect(!result.converged)
    }
}
