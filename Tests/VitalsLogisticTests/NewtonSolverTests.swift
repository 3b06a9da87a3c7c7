import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct NewtonSolverTests {
    /// The same coefficients as scikit-learn to 1e-6 relative, on every L2 reference problem.
    @Test(arguments: ["well_conditioned", "weighted", "balanced", "imbalanced", "nearly_separable", "collinear", "telco"])
    func matchesScikitLearn(name: String) throws {
        let r = try ReferenceOptimalityTests.load(name)
        let loss = ReferenceOptimalityTests.loss(r).loss
        let result = try NewtonSolver().minimize(loss)
        #expect(result.converged)
        #expect(result.iterations <= 25, "\(result.iterations) iterations")
        // Relative to the coefficient vector's size, so a coefficient near zero is not held to a relative bound.
        let scale = max(1, r.coef.map(abs).max()!)
        assertClose(Array(result.beta.prefix(r.p)), r.coef, rtol: 1e-6, atol: 1e-6 * scale, "\(name)")
        assertClose(result.beta[r.p], r.intercept, rtol: 1e-6, atol: 1e-6 * scale, "\(name) intercept")
    }

    /// With no penalty, duplicated columns make the Hessian singular; damping keeps the steps
    /// descending and the fit still reaches a stationary point.
    @Test func singularHessianIsDamped() throws {
        var rng = SeededGenerator(seed: 9)
        let n = 200
        var elements: [Double] = []
        var y: [Double] = []
        for _ in 0..<n {
            let a = Double.random(in: -1...1, using: &rng)
            elements += [a, a]  // two identical columns
            y.append(Double.random(in: 0...1, using: &rng) < 1 / (1 + exp(-2 * a)) ? 1 : 0)
        }
        let loss = LogisticLoss(x: Matrix(rows: n, columns: 2, elements: elements), y: y, l2: 0)
        let result = try NewtonSolver(tolerance: 1e-8).minimize(loss)
        #expect(result.converged)
        #expect(result.gradientNorm < 1e-8)
    }

    @Test func iterationLimitIsReportedAsNotConverged() throws {
        let r = try ReferenceOptimalityTests.load("nearly_separable")
        let x = ReferenceOptimalityTests.matrix(r)
        let loss = LogisticLoss(x: x, y: r.y, l2: 1 / (r.C * Double(r.n)))
        let result = try NewtonSolver(maxIterations: 2).minimize(loss)
        #expect(result.iterations == 2)
        #expect(!result.converged)
        #expect(result.gradientNorm > 0)
    }
}
