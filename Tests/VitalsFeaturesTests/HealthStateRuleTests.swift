import Foundation
import Testing
import VitalsFeatures
import VitalsMarkov
import VitalsTestSupport

@Suite struct HealthStateRuleTests {
    /// One component, values 1…100: μ = 50.5, σ = √((100² − 1)/12); the 0.25 and 0.6
    /// inverted-CDF quantiles are the 25th and 60th values.
    @Test func thresholdsAreTrainingQuantilesOfTheIndex() throws {
        let rule = HealthStateRule(components: [.init(feature: "usage", weight: 2)])
        let snapshots: [(String) -> Double?] = (1...100).map { v in { $0 == "usage" ? Double(v) : nil } }
        let fitted = try rule.fit(snapshots)
        let sigma = ((100.0 * 100 - 1) / 12).squareRoot()
        assertClose(fitted.means, [50.5], rtol: 1e-15)
        assertClose(fitted.scales, [sigma], rtol: 1e-14)
        assertClose(fitted.thresholds, [(25 - 50.5) / sigma, (60 - 50.5) / sigma], rtol: 1e-14)
        // Index = (x − μ)/σ (the weight cancels in the normalization).
        func state(_ x: Double?) -> Int { fitted.state(churned: false, tenureDays: 400) { _ in x } }
        #expect(state(100) == 1)   // healthy
        #expect(state(60) == 1)    // at the upper threshold: healthy
        #expect(state(59.9) == 2)  // neutral
        #expect(state(25) == 2)
        #expect(state(24) == 3)    // at_risk
        #expect(state(nil) == 2)   // nothing known: the middle band
        #expect(fitted.state(churned: false, tenureDays: 89) { _ in 100 } == 0)  // onboarding
        #expect(fitted.state(churned: true, tenureDays: 400) { _ in 100 } == 4)  // churned
        #expect(try rule.stateSpace().names == ["onboarding", "healthy", "neutral", "at_risk", "churned"])
    }

    /// A missing component is left out and the weights renormalized, not read as zero.
    @Test func missingComponentsAreLeftOutNotZeroed() throws {
        let rule = HealthStateRule(components: [.init(feature: "a", weight: 1), .init(feature: "b", weight: -3)])
        let snapshots: [(String) -> Double?] = (0..<10).map { i in { $0 == "a" ? Double(i) : Double(i % 2) } }
        let fitted = try rule.fit(snapshots)
        let za = (7 - fitted.means[0]) / fitted.scales[0], zb = (1 - fitted.means[1]) / fitted.scales[1]
        assertClose(try #require(fitted.engagementIndex { $0 == "a" ? 7 : 1 }), (za - 3 * zb) / 4, rtol: 1e-14)
        assertClose(try #require(fitted.engagementIndex { $0 == "a" ? 7 : nil }), za, rtol: 1e-14)
        #expect(fitted.engagementIndex { _ in nil } == nil)
    }

    @Test func settingsAreValidatedWithTheirConfigKeys() throws {
        #expect(throws: MarkovError.invalidParameter(name: "states.band_quantiles", value: "[0.5]", rule: "needs one quantile fewer than the 4 bands")) {
            try HealthStateRule(bands: ["a", "b", "c", "d"], bandQuantiles: [0.5]).validate()
        }
        #expect(throws: MarkovError.invalidParameter(name: "states.band_quantiles", value: "[0.6, 0.25]", rule: "must increase strictly within (0, 1)")) {
            try HealthStateRule(bandQuantiles: [0.6, 0.25]).validate()
        }
        #expect(throws: MarkovError.self) { try HealthStateRule(bands: ["churned", "x", "y"]).validate() }
        #expect(throws: MarkovError.self) { try HealthStateRule(components: []).validate() }
        #expect(throws: MarkovError.self) { try HealthStateRule().fit([]) }
    }

    @Test func fittedRuleRoundTripsThroughJSON() throws {
        let snapshots: [(String) -> Double?] = (0..<50).map { i in { name in name.hasPrefix("nps") ? nil : Double(i * i % 17) } }
        let fitted = try HealthStateRule().fit(snapshots)
        let decoded = try JSONDecoder().decode(FittedHealthStateRule.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
    }
}
