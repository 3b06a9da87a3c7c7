import Foundation
import Testing
import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

/// The spline bases, the bounded penalized fit and a whole additive fit against scipy
/// (Tests/Fixtures/additive/make_references.py: `BSpline.design_matrix` and
/// `minimize(method="L-BFGS-B")` on the same objective).
@Suite struct AdditiveReferenceTests {
    struct Basis: Decodable {
        let degree: Int
        let lower: Double
        let upper: Double
        let interior: [Double]
        let x: [Double]
        let values: [[Double]]
        let cumulative: [[Double]]
    }
    struct Bounded: Decodable {
        let z: [[Double]]
        let y: [Double]
        let s: [[Double]]
        let c: Double
        let lower: [Double?]
        let upper: [Double?]
        let coefficients: [Double]
        let intercept: Double
        let converged: Bool
    }
    struct Additive: Decodable {
        let x: [[Double]]
        let y: [Double]
        let directions: [String]
        let columns_per_feature: Int
        let degree: Int
        let smoothing: Double
        let ridge: Double
        let c: Double
        let coefficients: [Double]
        let intercept: Double
        let converged: Bool
        let test: [[Double]]
        let decision: [Double]
    }
    struct File: Decodable {
        let bases: [Basis]
        let bounded: Bounded
        let additive: Additive
    }

    static let file: File? = try? JSONDecoder().decode(
        File.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("additive/additive.json")))

    @Test func basesMatchScipy() throws {
        let file = try #require(Self.file)
        #expect(file.bases.count == 4)
        for b in file.bases {
            let basis = SplineBasis(degree: b.degree, lower: b.lower, upper: b.upper, interiorKnots: b.interior)
            for (i, x) in b.x.enumerated() {
                assertClose(basis.values(at: x), b.values[i], rtol: 1e-12, atol: 1e-14, "B(\(x)), degree \(b.degree)")
                assertClose(basis.cumulative(at: x), b.cumulative[i], rtol: 1e-12, atol: 1e-14, "I(\(x)), degree \(b.degree)")
            }
        }
    }

    /// Partition of unity and monotone cumulative columns, on a dense grid, for both degrees.
    @Test func cumulativeColumnsRiseFromZeroToOne() {
        for degree in [1, 2, 3] {
            let basis = SplineBasis(degree: degree, lower: -1, upper: 9, interiorKnots: [0, 0.5, 3, 8])
            var previous = basis.cumulative(at: -1)
            #expect(previous.allSatisfy { $0 == 0 })
            for step in 1...1000 {
                let x = -1 + 10 * Double(step) / 1000
                assertClose(basis.values(at: x).reduce(0, +), 1, rtol: 1e-13)
                let now = basis.cumulative(at: x)
                for j in now.indices { #expect(now[j] >= previous[j] - 1e-15, "I\(j + 1) falls at \(x), degree \(degree)") }
                previous = now
            }
            assertClose(previous, [Double](repeating: 1, count: previous.count), rtol: 1e-13)
        }
    }

    @Test func boundedPenalizedFitMatchesLBFGSB() throws {
        let r = try #require(Self.file).bounded
        let bounds = CoefficientBounds(lower: r.lower.map { $0 ?? -.infinity }, upper: r.upper.map { $0 ?? .infinity })
        let fitted = try LogisticRegression(c: r.c, standardize: false, tolerance: 1e-12)
            .fit(x: Matrix(r.z), y: r.y, penalty: Matrix(r.s), bounds: bounds)
        #expect(fitted.solver == .projectedNewton && fitted.converged && r.converged)
        assertClose(fitted.coefficients, r.coefficients, rtol: 1e-6, atol: 1e-7)
        assertClose(fitted.intercept, r.intercept, rtol: 1e-6, atol: 1e-7)
        // Coefficients held at a bound sit exactly on it.
        for (j, value) in r.coefficients.enumerated() where value == 0 { #expect(fitted.coefficients[j] == 0) }
    }

    @Test func wholeAdditiveFitMatchesScipy() throws {
        let r = try #require(Self.file).additive
        let estimator = RiskModelEstimator(
            logistic: LogisticRegression(c: r.c, tolerance: 1e-12), shape: .additive,
            shapeSettings: ShapeSettings(columnsPerFeature: r.columns_per_feature, degree: r.degree, smoothing: r.smoothing, ridge: r.ridge))
        let model = try estimator.fit(x: Matrix(r.x), y: r.y, featureNames: ["skewed", "five", "flag"],
                                      directions: r.directions.map { RiskDirection(rawValue: $0)! })
        #expect(model.converged && r.converged)
        assertClose(model.core.coefficients, r.coefficients, rtol: 1e-5, atol: 1e-6)
        assertClose(try model.decisionFunction(Matrix(r.test)), r.decision, rtol: 1e-6, atol: 1e-6)
        // The shapes the directions asked for: never falling, and never rising.
        let grid = (0...200).map { Double($0) * 0.2 - 1 }
        let skewed = grid.map { model.contribution(feature: 0, value: $0) }
        #expect(zip(skewed, skewed.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 })
        #expect(model.contribution(feature: 2, value: 1) <= model.contribution(feature: 2, value: 0))
    }
}
