import Testing
import VitalsAdditive
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel
import VitalsScoring
import VitalsTestSupport

@Suite struct DriversTests {
    /// Contributions are wⱼ (xⱼ − meanⱼ) / scaleⱼ grouped per source; they add up to η − b exactly.
    @Test func contributionsDecomposeTheLogOddsPerSource() throws {
        let encoder = TableEncoder(columns: [
            EncodedColumn(source: "seats", encoding: .numeric(imputation: 10, missingIndicator: true)),
            EncodedColumn(source: "plan", encoding: .categorical(levels: ["basic", "pro"])),
        ])
        #expect(encoder.featureNames == ["seats", "seats__missing", "plan=basic", "plan=pro"])
        var rng = SeededGenerator(seed: 5)
        let rows = (0..<200).map { _ -> [Double] in
            let missing = Double.random(in: 0..<1, using: &rng) < 0.2
            let pro = Double.random(in: 0..<1, using: &rng) < 0.5
            return [missing ? 10 : Double.random(in: 1...50, using: &rng), missing ? 1 : 0, pro ? 0 : 1, pro ? 1 : 0]
        }
        let x = Matrix(rows)
        let y = rows.map { $0[0] < 15 || $0[3] == 1 ? 1.0 : 0.0 }
        let model = try LogisticRegression(c: 0.5).fit(x: x, y: y, featureNames: encoder.featureNames)
        let drivers = Drivers(featureNames: model.featureNames, encoder: encoder)
        #expect(drivers.groupNames == ["seats", "plan"] && drivers.groupOfFeature == [0, 0, 1, 1])
        let contributions = drivers.contributions(of: FittedRiskModel(core: model, shapes: nil), x: x)
        let eta = try model.decisionFunction(x)
        for i in 0..<x.rows {
            assertClose(contributions[i].reduce(0, +), eta[i] - model.intercept, rtol: 1e-12, atol: 1e-12)
            var seats = 0.0
            for j in 0..<2 { seats += model.coefficients[j] * (x[i, j] - model.means[j]) / model.scales[j] }
            assertClose(contributions[i][0], seats, rtol: 1e-14, atol: 1e-15)
        }
    }

    @Test func topDriversArePositiveLargestFirst() {
        let drivers = Drivers(featureNames: ["a", "b", "c", "d"], encoder: nil)
        #expect(drivers.topDrivers([0.2, -1.0, 0.61, 0.2]) == "c:+0.61; a:+0.20; d:+0.20")
        #expect(drivers.topDrivers([0.2, -1.0, 0.61, 0.44], count: 2) == "c:+0.61; d:+0.44")
        #expect(drivers.topDrivers([-0.1, 0, -2, 0]) == "")
    }
}
