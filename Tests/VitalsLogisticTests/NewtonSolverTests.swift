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

@Suite struct SubsampledNewtonTests {
    /// A 6,000-row problem where a 1,750-row Hessian sample applies (stride 3): the sub-sampled
    /// Hessian changes the path, not the solution, which equals full Newton's.
    @Test func subsampledHessianReachesTheFullNewtonSolution() throws {
        var rng = SeededGenerator(seed: 21)
        let n = 6_000, p = 6
        var x = Matrix(rows: n, columns: p)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var eta = -0.5
            for j in 0..<p {
                x[i, j] = Double.random(in: -2...2, using: &rng)
                eta += Double(j - 2) * 0.4 * x[i, j]
            }
            y[i] = Double.random(in: 0..<1, using: &rng) < LogisticLoss.sigmoid(eta) ? 1 : 0
        }
        let loss = LogisticLoss(x: x, y: y, l2: 1e-4)
        let sampled = NewtonSolver(tolerance: 1e-12, hessianSampleRows: 1_000)
        #expect(sampled.hessianRowStride(rows: n, parameters: p + 1) == 3)  // max(1,000, 250 · 7) = 1,750 rows
        #expect(NewtonSolver().hessianRowStride(rows: n, parameters: p + 1) == 1)
        #expect(NewtonSolver(hessianSampleRows: nil).hessianRowStride(rows: 10_000_000, parameters: 10) == 1)
        let full = try NewtonSolver(tolerance: 1e-12, hessianSampleRows: nil).minimize(loss)
        let approximate = try sampled.minimize(loss)
        #expect(full.converged && approximate.converged)
        #expect(approximate.iterations >= full.iterations)
        assertClose(approximate.beta, full.beta, rtol: 1e-9, atol: 1e-11)
    }

    /// The loss evaluated in parallel chunks equals a plain serial sum over the rows.
    @Test func chunkedLossEqualsTheSerialSum() throws {
        var rng = SeededGenerator(seed: 22)
        let n = 100_003
        let x = Matrix(rows: n, columns: 2, elements: (0..<2 * n).map { _ in Double.random(in: -3...3, using: &rng) })
        let y = (0..<n).map { _ in Double(Int.random(in: 0...1, using: &rng)) }
        let s = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        let beta = [0.7, -1.3, 0.2]
        let (value, gradient) = try LogisticLoss(x: x, y: y, sampleWeights: s, l2: 0).valueAndGradient(beta)
        var expectedValue = 0.0, expectedGradient = [0.0, 0.0, 0.0]
        for i in 0..<n {
            let eta = beta[0] * x[i, 0] + beta[1] * x[i, 1] + beta[2]
            expectedValue += s[i] * (log(1 + exp(eta)) - y[i] * eta)
            let r = s[i] * (1 / (1 + exp(-eta)) - y[i])
            expectedGradient[0] += r * x[i, 0]; expectedGradient[1] += r * x[i, 1]; expectedGradient[2] += r
        }
        let total = s.reduce(0, +)
        assertClose(value, expectedValue / total, rtol: 1e-12)
        assertClose(gradient, expectedGradient.map { $0 / total }, rtol: 1e-10, atol: 1e-14)
    }
}

/// Newton steps from a small Hessian sample, refined by conjugate gradients on exact
/// Hessian-vector products, reach the same minimizer as full Newton, bounded or not.
@Suite struct RefinedNewtonStepTests {
    static func problem() -> LogisticLoss {
        var rng = SeededGenerator(seed: 21)
        let n = 20_000, p = 6
        var elements = [Double](repeating: 0, count: n * p), y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let shared = Double.random(in: -1...1, using: &rng)
            var eta = -1.0
            for j in 0..<p {
                let v = 0.7 * shared + Double.random(in: -1...1, using: &rng)
                elements[i * p + j] = v
                eta += (j % 2 == 0 ? 0.8 : -0.5) * v
            }
            y[i] = Double.random(in: 0...1, using: &rng) < LogisticLoss.sigmoid(eta) ? 1 : 0
        }
        return LogisticLoss(x: Matrix(rows: n, columns: p, elements: elements), y: y, l2: 1e-4)
    }

    @Test func refinedStepsReachTheFullNewtonMinimizer() throws {
        let loss = Self.problem()
        let exact = try NewtonSolver(tolerance: 1e-10, hessianSampleRows: nil).minimize(loss)
        let sampledOnly = try NewtonSolver(tolerance: 1e-10, hessianSampleRows: 200, hessianRowsPerParameter: 1).minimize(loss)
        let refined = try NewtonSolver(tolerance: 1e-10, hessianSampleRows: 200, conjugateGradientSteps: 4, hessianRowsPerParameter: 1)
            .minimize(loss)
        #expect(exact.converged && sampledOnly.converged && refined.converged)
        assertClose(refined.beta, exact.beta, rtol: 1e-7, atol: 1e-8)
        // The refinement is what makes the small sample cheap: fewer Newton iterations.
        #expect(refined.iterations < sampledOnly.iterations, "\(refined.iterations) refined, \(sampledOnly.iterations) sampled only")
    }

    @Test func refinedProjectedStepsReachTheBoundedMinimizer() throws {
        let loss = Self.problem()
        // Coefficients 1 and 3 want to be negative: bound them at 0 from below.
        let bounds = CoefficientBounds(lower: [0, 0, -.infinity, 0, -.infinity, -.infinity], upper: [Double](repeating: .infinity, count: 6))
        let exact = try ProjectedNewtonSolver(tolerance: 1e-10, hessianSampleRows: nil).minimize(loss, bounds: bounds)
        let refined = try ProjectedNewtonSolver(tolerance: 1e-10, hessianSampleRows: 200, hessianRowsPerParameter: 1, conjugateGradientSteps: 4)
            .minimize(loss, bounds: bounds)
        #expect(exact.converged && refined.converged)
        #expect(refined.beta[1] == 0 && refined.beta[3] == 0)
        assertClose(refined.beta, exact.beta, rtol: 1e-7, atol: 1e-8)
    }
}
