import Foundation
import Testing
import VitalsEvaluation
import VitalsLinearAlgebra
import VitalsModel
import VitalsTestSupport

@Suite struct ForecastIntervalTests {
    /// Final hours off the EAC by a factor whose spread shrinks as the project nears its end:
    /// each elapsed-share band gets its own interval, and each covers about 80 % of new
    /// snapshots in that band.
    @Test func eachBandCoversItsOwnSnapshots() throws {
        var rng = SeededGenerator(seed: 31)
        func normal() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        func draw(_ n: Int) -> (forecasts: [Double], actuals: [Double], elapsed: [Double]) {
            var f: [Double] = [], a: [Double] = [], e: [Double] = []
            for _ in 0..<n {
                let share = Double.random(in: 0...1, using: &rng), eac = Double.random(in: 50...1_000, using: &rng)
                f.append(eac)
                e.append(share)
                a.append(eac * exp(0.05 + (0.5 - 0.45 * share) * normal()))
            }
            return (f, a, e)
        }
        let calibration = draw(2_000)
        let interval = try #require(ForecastInterval.fit(forecasts: calibration.forecasts, actuals: calibration.actuals, elapsed: calibration.elapsed))
        #expect(interval.bands.count == 4 && interval.elapsedEdges.count == 3)
        // Later bands are narrower: the spread falls with the elapsed share.
        let widths = interval.bands.map { $0.upper / $0.lower }
        #expect(zip(widths, widths.dropFirst()).allSatisfy { $0 > $1 }, "\(widths)")
        let later = draw(20_000)
        var inside = [Int](repeating: 0, count: 4), total = [Int](repeating: 0, count: 4)
        for i in 0..<later.forecasts.count {
            let band = interval.elapsedEdges.firstIndex { later.elapsed[i] < $0 } ?? 3
            let range = interval.interval(forecast: later.forecasts[i], elapsed: later.elapsed[i], logged: 0)
            total[band] += 1
            if range.low <= later.actuals[i] && later.actuals[i] <= range.high { inside[band] += 1 }
        }
        for band in 0..<4 {
            let coverage = Double(inside[band]) / Double(total[band])
            #expect(coverage > 0.76 && coverage < 0.84, "band \(band): \(coverage)")
        }
    }

    @Test func fewSnapshotsMakeOneBandOrNone() throws {
        let forecasts = (1...60).map(Double.init), actuals = forecasts.map { $0 * 1.1 }, elapsed = (1...60).map { Double($0) / 60 }
        let pooled = try #require(ForecastInterval.fit(forecasts: forecasts, actuals: actuals, elapsed: elapsed))
        #expect(pooled.bands.count == 1 && pooled.elapsedEdges.isEmpty)
        #expect(ForecastInterval.fit(forecasts: [1, 2, 3], actuals: [1, 2, 3], elapsed: [0.1, 0.2, 0.3]) == nil)
    }

    /// The interval never starts below the hours already logged.
    @Test func theIntervalStartsAtTheHoursLogged() {
        let band = try! SplitConformal(forecasts: [Double](repeating: 100, count: 9), actuals: (1...9).map { Double($0) * 20 }, missRate: 0.2)
        let interval = ForecastInterval(elapsedEdges: [], bands: [band])
        let (low, high) = interval.interval(forecast: 100, elapsed: 0.5, logged: 150)
        #expect(low == 150 && high == 180)
    }
}

@Suite struct ForecastCorrectionTests {
    /// A noise-free log ratio, linear in one feature, with a second feature that carries
    /// nothing: the ridge on standardized columns gives w = b · scale / (1 + λ) in closed form,
    /// the intercept is the mean log ratio, and the corrected forecast follows.
    @Test func recoversALinearLogRatioInClosedForm() throws {
        let n = 400
        var x = Matrix(rows: n, columns: 2), forecasts: [Double] = [], actuals: [Double] = []
        for i in 0..<n {
            let a = Double(i % 20) / 4, b = (i / 20) % 2 == 0 ? 1.0 : -1.0  // every a with each b equally often: orthogonal
            (x[i, 0], x[i, 1]) = (a, b)
            let f = 100 + Double(i)
            forecasts.append(f)
            actuals.append(f * exp(0.2 + 0.3 * a))
        }
        let correction = try #require(try ForecastCorrection.fit(x: x, forecasts: forecasts, actuals: actuals))
        let values = (0..<n).map { x[$0, 0] }, mean = values.reduce(0, +) / Double(n)
        let scale = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        assertClose(correction.weights[0], 0.3 * scale / (1 + ForecastCorrection.ridge), rtol: 1e-10)
        #expect(abs(correction.weights[1]) < 1e-12)
        assertClose(correction.intercept, 0.2 + 0.3 * mean, rtol: 1e-12)
        let expected = exp(0.2 + 0.3 * mean + correction.weights[0] * (x[7, 0] - mean) / scale)
        assertClose(correction.factor(x, row: 7), expected, rtol: 1e-12)
        // Too few rows for the features: no correction.
        #expect(try ForecastCorrection.fit(x: Matrix(rows: 5, columns: 2), forecasts: [1, 2, 3, 4, 5], actuals: [1, 2, 3, 4, 5]) == nil)
    }
}
