import Foundation
import Testing

@testable import VitalsMarkov
import VitalsTestSupport

/// The Beta CDF and quantile behind the credible intervals, against scipy.stats.beta
/// over small, lopsided and large shapes (Tests/Fixtures/markov/chain.json).
@Suite struct BetaDistributionTests {
    @Test func quantilesMatchScipy() {
        let cases = AbsorbingChainReferenceTests.reference.beta
        #expect(cases.count == 35)
        for c in cases {
            assertClose(BetaDistribution.quantile(c.q, a: c.a, b: c.b), c.x, rtol: 1e-9, atol: 1e-13, "Beta(\(c.a), \(c.b)) at \(c.q)")
            assertClose(BetaDistribution.cdf(c.x, a: c.a, b: c.b), c.q, rtol: 1e-9, atol: 1e-13, "Beta(\(c.a), \(c.b)) cdf")
        }
    }

    /// Closed forms: Beta(1, 1) is uniform; Beta(a, 1) has CDF xᵃ; Beta(1, b) has CDF 1 − (1 − x)ᵇ.
    @Test func closedForms() {
        for x in [0.0, 0.1, 0.37, 0.5, 0.99, 1.0] {
            assertClose(BetaDistribution.cdf(x, a: 1, b: 1), x, rtol: 1e-14, atol: 1e-15)
            assertClose(BetaDistribution.cdf(x, a: 3, b: 1), x * x * x, rtol: 1e-13, atol: 1e-15)
            assertClose(BetaDistribution.cdf(x, a: 1, b: 2.5), 1 - pow(1 - x, 2.5), rtol: 1e-13, atol: 1e-15)
        }
        #expect(BetaDistribution.quantile(0.3, a: 0, b: 4) == 0)
        #expect(BetaDistribution.quantile(0.3, a: 4, b: 0) == 1)
    }
}
