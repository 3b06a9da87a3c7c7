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

/// Cross-fitted calibration: every row's probability comes from a calibration fitted on the
/// other blocks only.
@Suite struct CrossFittedCalibrationTests {
    static let eta: [Double] = (0..<40).map { (i: Int) -> Double in
        let step = Double(i % 13) / 3
        return step - 2 + Double(i) / 100
    }
    static let labels: [Double] = (0..<40).map { (i: Int) -> Double in i % 4 == 0 || i % 13 > 9 ? 1 : 0 }

    @Test(arguments: [CalibrationMethod.platt, .isotonic])
    func eachBlockIsMappedByACalibrationFittedOnTheOthers(method: CalibrationMethod) throws {
        let probabilities = try #require(try ProbabilityCalibration.crossFitted(method: method, decisionValues: Self.eta, labels: Self.labels, folds: 4))
        for block in 0..<4 {
            let rows = (block * 10)..<(block * 10 + 10), rest = (0..<40).filter { !rows.contains($0) }
            let fitted = try ProbabilityCalibration.fit(method: method, decisionValues: rest.map { Self.eta[$0] }, labels: rest.map { Self.labels[$0] })
            for i in rows { #expect(probabilities[i] == fitted.probability(decisionValue: Self.eta[i])) }
        }
    }

    @Test func aBlockWhoseOthersHoldOneClassGivesNoFigures() throws {
        let labels = (0..<20).map { $0 < 5 ? 1.0 : 0.0 }  // every positive in the first block
        #expect(try ProbabilityCalibration.crossFitted(method: .platt, decisionValues: Array(Self.eta.prefix(20)), labels: labels, folds: 4) == nil)
    }
}

/// Beta calibration against statsmodels' exact fit and the `betacal` package, and centred
/// isotonic regression against its definition on scikit-learn's steps
/// (Tests/Fixtures/calibration/make_beta_references.py).
@Suite struct BetaAndCentredIsotonicTests {
    struct Case: Decodable {
        let name: String
        let eta: [Double]
        let y: [Double]
        let weights: [Double]?
        let glm_a: Double
        let glm_b: Double
        let glm_c: Double
        let test_eta: [Double]
        let glm_predictions: [Double]
        let betacal_predictions: [Double]
        let cir_knots: [Double]
        let cir_values: [Double]
        let cir_predictions: [Double]
    }
    struct File: Decodable { let cases: [Case] }

    static let cases: [Case] = {
        let url = Fixtures.root.appendingPathComponent("calibration/beta.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func fixtureHasEveryCase() {
        #expect(Self.cases.map(\.name) == ["sigmoid-like", "bent", "weighted", "small"])
    }

    @Test(arguments: cases.map(\.name))
    func betaMatchesTheExactFitAndBetacal(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let beta = try BetaCalibration.fit(decisionValues: c.eta, labels: c.y, weights: c.weights)
        assertClose(beta.a, c.glm_a, rtol: 1e-6, atol: 1e-9)
        assertClose(beta.b, c.glm_b, rtol: 1e-6, atol: 1e-9)
        assertClose(beta.c, c.glm_c, rtol: 1e-6, atol: 1e-9)
        let predicted = c.test_eta.map(beta.probability)
        assertClose(predicted, c.glm_predictions, rtol: 1e-6, atol: 1e-9)
        // betacal solves the same problem with L-BFGS (and a 1e11 C), to about 1e-3.
        assertClose(predicted, c.betacal_predictions, rtol: 0, atol: 2e-3)
        // Strictly increasing where s is not clipped (|η| < 36): distinct log-odds, distinct probabilities.
        let inside = c.test_eta.indices.filter { abs(c.test_eta[$0]) < 36 }.sorted { c.test_eta[$0] < c.test_eta[$1] }.map { predicted[$0] }
        #expect(zip(inside, inside.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test(arguments: cases.map(\.name))
    func centredIsotonicMatchesItsDefinition(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let cir = IsotonicCalibration.fitCentred(scores: c.eta, labels: c.y, weights: c.weights)
        assertClose(cir.knots, c.cir_knots, rtol: 1e-12, atol: 1e-12)
        assertClose(cir.values, c.cir_values, rtol: 1e-12, atol: 1e-15)
        assertClose(c.test_eta.map(cir.probability), c.cir_predictions, rtol: 1e-12, atol: 1e-12)
        #expect(zip(cir.values, cir.values.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// The default keeps nearly every distinct log-odds a distinct probability, never 0 or 1.
    @Test func theDefaultCalibrationKeepsProbabilitiesDistinct() throws {
        let c = try #require(Self.cases.first { $0.name == "bent" })
        let calibration = try ProbabilityCalibration.fit(method: .automatic, decisionValues: c.eta, labels: c.y)
        #expect(calibration.method == .beta)
        let probabilities = c.eta.map(calibration.probability(decisionValue:))
        #expect(Double(Set(probabilities).count) >= 0.95 * Double(Set(c.eta).count))
        #expect([-1e3, 1e3].map(calibration.probability(decisionValue:)).allSatisfy { $0 > 0 && $0 < 1 })
        let isotonic = try ProbabilityCalibration.fit(method: .isotonic, decisionValues: c.eta, labels: c.y)
        print("distinct probabilities of \(Set(c.eta).count) distinct log-odds: beta \(Set(probabilities).count), "
              + "centred isotonic \(Set(c.eta.map(isotonic.probability(decisionValue:))).count)")
    }
}
