import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport

@Suite struct SplitConformalTests {
    /// A forecast off by a log-normal factor of known spread: the 80 % interval calibrated on
    /// 500 finished cases covers between 78 % and 82 % of 20,000 new ones.
    @Test func coverageIsTheNominalOnAKnownTruth() throws {
        var rng = SeededGenerator(seed: 17)
        func normal() -> Double {  // Box–Muller
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        func draw(_ n: Int) -> (forecasts: [Double], actuals: [Double]) {
            let forecasts = (0..<n).map { _ in Double.random(in: 50...2_000, using: &rng) }
            let actuals = forecasts.map { $0 * exp(0.1 + 0.3 * normal()) }
            return (forecasts, actuals)
        }
        let calibration = draw(500)
        let conformal = try SplitConformal(forecasts: calibration.forecasts, actuals: calibration.actuals, missRate: 0.2)
        let later = draw(20_000)
        let covered = zip(later.forecasts, later.actuals).filter { conformal.interval(forecast: $0).contains($1) }.count
        let coverage = Double(covered) / 20_000
        #expect(coverage >= 0.78 && coverage <= 0.82, "coverage \(coverage)")
        // The truth's own 10 % and 90 % ratio quantiles are exp(0.1 ∓ 1.2816 · 0.3).
        #expect(abs(log(conformal.lower) - (0.1 - 1.2816 * 0.3)) < 0.06 && abs(log(conformal.upper) - (0.1 + 1.2816 * 0.3)) < 0.06)
    }

    /// The finite-sample guarantee: over many small calibration sets (n = 19) the average
    /// coverage of the next case is at least 1 − α, and at most 1 − α + 2 / (n + 1).
    @Test func smallCalibrationSetsKeepTheGuarantee() throws {
        var rng = SeededGenerator(seed: 3)
        var covered = 0
        let trials = 20_000
        for _ in 0..<trials {
            let forecasts = (0..<20).map { _ in Double.random(in: 1...10, using: &rng) }
            let actuals = forecasts.map { $0 * Double.random(in: 0.5...2.0, using: &rng) }
            let conformal = try SplitConformal(forecasts: Array(forecasts.prefix(19)), actuals: Array(actuals.prefix(19)), missRate: 0.2)
            if conformal.interval(forecast: forecasts[19]).contains(actuals[19]) { covered += 1 }
        }
        let coverage = Double(covered) / Double(trials)
        // 0.8 ≤ coverage ≤ 0.9 in expectation; the slack is three standard errors of the estimate.
        #expect(coverage >= 0.8 - 0.009 && coverage <= 0.9 + 0.009, "coverage \(coverage)")
    }

    @Test func orderStatisticsAndEdges() throws {
        // n = 9, α = 0.2: l = ⌊10 · 0.1⌋ = 1, u = ⌈10 · 0.9⌉ = 9: the smallest and largest ratio.
        let forecasts = [Double](repeating: 10, count: 9), actuals = (1...9).map { Double($0) * 2 }
        let conformal = try SplitConformal(forecasts: forecasts, actuals: actuals, missRate: 0.2)
        #expect(conformal.lower == 0.2 && conformal.upper == 1.8 && conformal.interval(forecast: 5) == 1...9)
        // n = 3: too few for an 80 % interval's sides: unbounded.
        let few = try SplitConformal(forecasts: [1, 1, 1], actuals: [1, 2, 3], missRate: 0.2)
        #expect(few.lower == 0 && few.upper == .infinity)
        #expect(throws: SplitConformal.Failure.invalidMissRate(1)) { try SplitConformal(forecasts: [1], actuals: [1], missRate: 1) }
        #expect(throws: SplitConformal.Failure.invalidCase(index: 1, forecast: 0, actual: 2)) {
            try SplitConformal(forecasts: [1, 0], actuals: [1, 2], missRate: 0.2)
        }
    }
}
