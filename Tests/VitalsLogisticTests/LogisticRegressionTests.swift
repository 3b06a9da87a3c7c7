import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct LogisticRegressionTests {
    private func data(_ name: String) throws -> (ReferenceOptimalityTests.Reference, Matrix) {
        let r = try ReferenceOptimalityTests.load(name)
        return (r, ReferenceOptimalityTests.matrix(r))
    }

    @Test func balancedClassWeightsMatchScikitLearn() throws {
        let (r, x) = try data("balanced")
        let model = try LogisticRegression(c: r.C, classWeight: .balanced, tolerance: 1e-10).fit(x: x, y: r.y)
        #expect(model.converged)
        assertClose(model.coefficients, r.coef, rtol: 1e-6, atol: 1e-8)
        assertClose(model.intercept, r.intercept, rtol: 1e-6, atol: 1e-8)
    }

    @Test func forcedSolversAgreeAndAutomaticPicksNewtonForFewFeatures() throws {
        let (r, x) = try data("telco")
        let automatic = try LogisticRegression(c: r.C, tolerance: 1e-10).fit(x: x, y: r.y)
        let lbfgs = try LogisticRegression(c: r.C, tolerance: 1e-10, maxIterations: 1000, solver: .lbfgs).fit(x: x, y: r.y)
        #expect(automatic.solver == .newton)
        #expect(lbfgs.solver == .lbfgs)
        #expect(lbfgs.converged)
        assertClose(automatic.coefficients, r.coef, rtol: 1e-6, atol: 1e-7)
        assertClose(lbfgs.coefficients, r.coef, rtol: 1e-6, atol: 1e-7)
    }

    @Test func sampleWeightsMatchScikitLearn() throws {
        let (r, x) = try data("weighted")
        let model = try LogisticRegression(c: r.C, tolerance: 1e-10).fit(x: x, y: r.y, sampleWeights: r.sample_weight)
        assertClose(model.coefficients, r.coef, rtol: 1e-6, atol: 1e-8)
    }

    /// Standardizing inside the model: fitting rescaled, shifted raw columns gives the same
    /// standardized coefficients, and raw-scale predictions agree with the standardized fit.
    @Test func standardizationIsInternalAndInvertible() throws {
        let (r, z) = try data("well_conditioned")
        var raw = z
        for i in 0..<raw.rows { for j in 0..<raw.columns { raw[i, j] = raw[i, j] * Double(j + 1) * 3 + Double(j) * 10 } }
        let fromRaw = try LogisticRegression(c: r.C, tolerance: 1e-10).fit(x: raw, y: r.y)
        assertClose(fromRaw.coefficients, r.coef, rtol: 1e-6, atol: 1e-8)
        let fromStandardized = try LogisticRegression(c: r.C, tolerance: 1e-10).fit(x: z, y: r.y)
        assertClose(try fromRaw.probabilities(raw), try fromStandardized.probabilities(z), rtol: 1e-7, atol: 1e-10)
    }

    @Test func constantColumnsAreDroppedWithAWarning() throws {
        let (r, z) = try data("well_conditioned")
        var elements: [Double] = []
        for i in 0..<z.rows { elements += Array(z.elements[(i * z.columns)..<((i + 1) * z.columns)]) + [7] }
        let x = Matrix(rows: z.rows, columns: z.columns + 1, elements: elements)
        let names = (0..<z.columns).map { "f\($0)" } + ["always_seven"]
        let model = try LogisticRegression(c: r.C, tolerance: 1e-10).fit(x: x, y: r.y, featureNames: names)
        #expect(model.droppedColumns == ["always_seven"])
        #expect(model.warnings == ["dropped constant column always_seven: no variation to learn from"])
        #expect(model.coefficients.last == 0)
        assertClose(Array(model.coefficients.dropLast()), r.coef, rtol: 1e-6, atol: 1e-8)
    }

    @Test func nonConvergenceIsDataWithAWarningThatSaysWhatToChange() throws {
        let (r, x) = try data("nearly_separable")
        let model = try LogisticRegression(c: r.C, maxIterations: 1).fit(x: x, y: r.y)
        #expect(!model.converged)
        #expect(model.iterations == 1)
        #expect(model.warnings.count == 1)
        #expect(model.warnings[0].hasPrefix("did not converge in 1 iterations"))
        #expect(model.warnings[0].contains("raise max_iterations"))
    }

    @Test func parametersAndDataAreValidatedUpFront() {
        let x = Matrix([[1], [2], [3]])
        #expect(throws: LogisticRegressionError.invalidParameter(name: "C", value: "0.0", rule: "must be a finite number > 0")) {
            try LogisticRegression(c: 0).fit(x: x, y: [0, 1, 0])
        }
        #expect(throws: LogisticRegressionError.invalidParameter(name: "max_iterations", value: "0", rule: "must be ≥ 1")) {
            try LogisticRegression(maxIterations: 0).fit(x: x, y: [0, 1, 0])
        }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(classWeight: .custom(negative: 1, positive: -1)).validate() }
        #expect(throws: LogisticRegressionError.invalidData("both classes must be present (0 positives in 3 rows)")) {
            try LogisticRegression().fit(x: x, y: [0, 0, 0])
        }
        #expect(throws: LogisticRegressionError.invalidData("labels must be 0 or 1")) {
            try LogisticRegression().fit(x: x, y: [0, 2, 1])
        }
        #expect(throws: LogisticRegressionError.invalidData("feature x1 is not finite in row 2 (no NaN or infinity)")) {
            try LogisticRegression().fit(x: Matrix([[0, 1], [1, .nan], [2, 3]]), y: [0, 1, 0])
        }
        #expect(throws: LogisticRegressionError.invalidData("feature big is too large in magnitude for its variance to be finite")) {
            try LogisticRegression().fit(x: Matrix([[1e200], [-1e200], [0]]), y: [0, 1, 0], featureNames: ["big"])
        }
    }
}

@Suite struct LogisticRegressionElasticNetTests {
    /// The estimator's elastic net (standardizing inside, picking coordinate descent itself)
    /// matches scikit-learn's saga fit, sample weights included.
    @Test(arguments: ["elastic_net", "lasso_imbalanced", "telco_elastic_net"])
    func matchesScikitLearn(name: String) throws {
        let r = try ReferenceOptimalityTests.load(name)
        let x = ReferenceOptimalityTests.matrix(r)
        let model = try LogisticRegression(c: r.C, l1Ratio: r.l1_ratio, tolerance: 1e-10)
            .fit(x: x, y: r.y, sampleWeights: r.sample_weight)
        #expect(model.solver == .coordinateDescent)
        #expect(model.converged)
        assertClose(model.coefficients, r.coef, rtol: 1e-6, atol: 1e-8, "\(name)")
        assertClose(model.intercept, r.intercept, rtol: 1e-6, atol: 1e-8, "\(name)")
        #expect(model.coefficients.filter { $0 == 0 }.count == r.coef.filter { $0 == 0 }.count)
    }

    @Test func l1RatioAndSolverAreValidatedTogether() {
        let x = Matrix([[1], [2], [3]])
        #expect(throws: LogisticRegressionError.invalidParameter(name: "l1_ratio", value: "1.5", rule: "must be in [0, 1]")) {
            try LogisticRegression(l1Ratio: 1.5).fit(x: x, y: [0, 1, 0])
        }
        #expect(throws: LogisticRegressionError.invalidParameter(
            name: "solver", value: "lbfgs",
            rule: "cannot handle an L1 part (l1_ratio = 0.5); use coordinate-descent or automatic")) {
            try LogisticRegression(l1Ratio: 0.5, solver: .lbfgs).fit(x: x, y: [0, 1, 0])
        }
        #expect(LogisticRegression(l1Ratio: 0.5).chosenSolver(featureCount: 10) == .coordinateDescent)
        #expect(LogisticRegression().chosenSolver(featureCount: 10) == .newton)
        #expect(LogisticRegression().chosenSolver(featureCount: 501) == .lbfgs)
    }
}
