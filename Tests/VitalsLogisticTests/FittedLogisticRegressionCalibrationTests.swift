import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct FittedLogisticRegressionCalibrationTests {
    /// Rows from the model log-odds = 2.5 x₀ − 1.5 x₁ − 1 with standard normal x.
    static func sample(_ n: Int, seed: UInt64) -> (Matrix, [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, columns: 2)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<2 {  // Box–Muller
                let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
                x[i, j] = (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
            }
            let p = LogisticLoss.sigmoid(2.5 * x[i, 0] - 1.5 * x[i, 1] - 1)
            y[i] = Double.random(in: 0..<1, using: &rng) < p ? 1 : 0
        }
        return (x, y)
    }

    static func logLoss(_ p: [Double], _ y: [Double]) -> Double {
        zip(p, y).reduce(0) { $0 - ($1.1 == 1 ? log(max($1.0, 1e-15)) : log(max(1 - $1.0, 1e-15))) } / Double(y.count)
    }

    /// A heavily regularized model is underconfident; a calibration fitted on held-out rows
    /// repairs that on a third, unseen set, and is the one `probabilities` applies.
    @Test(arguments: [CalibrationMethod.platt, .beta, .isotonic])
    func heldOutCalibrationImprovesUnseenLogLoss(method: CalibrationMethod) throws {
        let (train, trainY) = Self.sample(2_000, seed: 1)
        let (heldOut, heldOutY) = Self.sample(3_000, seed: 2)
        let (test, testY) = Self.sample(5_000, seed: 3)
        let model = try LogisticRegression(c: 0.0005).fit(x: train, y: trainY)
        let calibrated = try model.calibrated(heldOutX: heldOut, y: heldOutY, method: method)
        #expect(calibrated.calibration.method == method)
        #expect(calibrated.calibrationRows == 3_000)
        #expect(calibrated.coefficients == model.coefficients)
        let before = Self.logLoss(try model.probabilities(test), testY)
        let after = Self.logLoss(try calibrated.probabilities(test), testY)
        #expect(after < before - 0.05, "log loss \(before) → \(after)")
        // σ(η) itself; an uncalibrated model's probabilities are the same squeezed into [1e-6, 1 − 1e-6].
        let raw = try calibrated.uncalibratedProbabilities(test)
        #expect(try raw.map { 1e-6 + (1 - 2e-6) * $0 } == model.probabilities(test))
    }

    /// The stored calibration is exactly the one fitted to the held-out decision values.
    @Test func storedCalibrationIsTheHeldOutFit() throws {
        let (train, trainY) = Self.sample(1_000, seed: 4)
        let (heldOut, heldOutY) = Self.sample(400, seed: 5)
        let model = try LogisticRegression(c: 0.01).fit(x: train, y: trainY)
        let calibrated = try model.calibrated(heldOutX: heldOut, y: heldOutY, method: .platt)
        let expected = try PlattCalibration.fit(scores: model.decisionFunction(heldOut), labels: heldOutY)
        #expect(calibrated.calibration == .platt(expected))
        let eta = try model.decisionFunction(heldOut)
        #expect(try calibrated.probabilities(heldOut) == eta.map { 1e-6 + (1 - 2e-6) * expected.probability($0) })
    }

    /// Beta only with enough data: 150 held-out rows give Platt, 400 give beta, and 400 rows
    /// with too few positives give Platt again; isotonic only when asked.
    @Test func automaticPicksBetaOnlyWithEnoughData() throws {
        let (train, trainY) = Self.sample(1_000, seed: 6)
        let model = try LogisticRegression().fit(x: train, y: trainY)
        let (small, smallY) = Self.sample(150, seed: 7)
        #expect(try model.calibrated(heldOutX: small, y: smallY).calibration.method == .platt)
        let (large, largeY) = Self.sample(400, seed: 8)
        #expect(try model.calibrated(heldOutX: large, y: largeY).calibration.method == .beta)
        #expect(try model.calibrated(heldOutX: large, y: largeY, method: .isotonic).calibration.method == .isotonic)
        var rare = largeY
        var kept = 0
        for i in rare.indices where rare[i] == 1 {
            kept += 1
            if kept > 19 { rare[i] = 0 }
        }
        #expect(ProbabilityCalibration.resolve(.automatic, labels: rare) == .platt)
        #expect(try model.calibrated(heldOutX: large, y: rare).calibration.method == .platt)
        #expect(try model.calibrated(heldOutX: large, y: largeY, method: .none).probabilities(large) == model.probabilities(large))
    }

    @Test func heldOutRowsAreValidated() throws {
        let (train, trainY) = Self.sample(300, seed: 9)
        let model = try LogisticRegression().fit(x: train, y: trainY)
        let x = Matrix([[0, 1], [1, 0], [2, 2]])
        #expect(throws: LogisticRegressionError.invalidData("calibration needs both classes in the held-out rows (0 positives in 3 rows)")) {
            try model.calibrated(heldOutX: x, y: [0, 0, 0])
        }
        #expect(throws: LogisticRegressionError.invalidData("2 held-out labels for 3 rows")) {
            try model.calibrated(heldOutX: x, y: [0, 1])
        }
        #expect(throws: LogisticRegressionError.invalidData("x has 1 columns, the model 2")) {
            try model.calibrated(heldOutX: Matrix([[0], [1]]), y: [0, 1])
        }
    }
}
