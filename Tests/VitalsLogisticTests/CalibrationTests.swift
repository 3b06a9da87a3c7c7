import Foundation
import Testing
import VitalsLogistic
import VitalsTestSupport

/// Platt and isotonic calibration against scikit-learn and statsmodels
/// (Tests/Fixtures/calibration/make_references.py).
@Suite struct CalibrationTests {
    struct Case: Decodable {
        let name: String
        let scores: [Double]
        let y: [Double]
        let weights: [Double]?
        let sklearn_a: Double
        let sklearn_b: Double
        let glm_a: Double
        let glm_b: Double
        let isotonic_x: [Double]
        let isotonic_y: [Double]
        let test_scores: [Double]
        let isotonic_predictions: [Double]
    }
    struct File: Decodable { let cases: [Case] }

    static let cases: [Case] = {
        let url = Fixtures.root.appendingPathComponent("calibration/calibration.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func fixtureHasEveryCase() {
        #expect(Self.cases.map(\.name) == ["plain", "weighted", "ties"])
    }

    @Test(arguments: cases.map(\.name))
    func plattMatchesGLMTightlyAndScikitLearnToItsTolerance(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let platt = try PlattCalibration.fit(scores: c.scores, labels: c.y, weights: c.weights)
        assertClose(platt.a, c.glm_a, rtol: 1e-9)
        assertClose(platt.b, c.glm_b, rtol: 1e-9)
        // scikit-learn solves the same problem with L-BFGS, to about 1e-6.
        assertClose(platt.a, c.sklearn_a, rtol: 1e-6)
        assertClose(platt.b, c.sklearn_b, rtol: 1e-6)
        assertClose(platt.probability(0), 1 / (1 + exp(c.glm_b)), rtol: 1e-9)
    }

    @Test(arguments: cases.map(\.name))
    func isotonicMatchesScikitLearn(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let iso = IsotonicCalibration.fit(scores: c.scores, labels: c.y, weights: c.weights)
        #expect(iso.knots == c.isotonic_x)
        assertClose(iso.values, c.isotonic_y, rtol: 1e-12, atol: 1e-15)
        assertClose(c.test_scores.map(iso.probability), c.isotonic_predictions, rtol: 1e-12, atol: 1e-15)
        #expect(zip(iso.values, iso.values.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func isotonicClosedForm() {
        // Labels 0, 1, 0, 1 at scores 1…4: the middle pair violates and pools to ½.
        let iso = IsotonicCalibration.fit(scores: [1, 2, 3, 4], labels: [0, 1, 0, 1])
        #expect(iso.knots == [1, 2, 3, 4])
        #expect(iso.values == [0, 0.5, 0.5, 1])
        #expect(iso.probability(0) == 0)
        #expect(iso.probability(2.5) == 0.5)
        #expect(iso.probability(3.5) == 0.75)
        #expect(iso.probability(10) == 1)
    }
}
