import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsMarkov
import VitalsTestSupport

/// Chains small enough to solve by hand.
@Suite struct MarkovChainClosedFormTests {
    /// Counts that give exactly the probabilities asked for (with smoothing 0).
    static func chain(transient: [String], absorbing: [String], counts: [[Int]]) throws -> MarkovChain {
        let space = try StateSpace(transient: transient, absorbing: absorbing)
        var c = TransitionCounts(space: space)
        for (i, row) in counts.enumerated() {
            for (j, n) in row.enumerated() { for _ in 0..<n { try c.add(from: i, to: j) } }
        }
        return try MarkovChainEstimator(smoothing: 0).fit(c)
    }

    /// One transient state leaving with probability p: T is geometric.
    /// E[T] = 1/p, Var T = (1 − p)/p², P(T ≤ h) = 1 − (1 − p)ʰ.
    @Test func twoStateChainIsGeometric() throws {
        let chain = try Self.chain(transient: ["active"], absorbing: ["churned"], counts: [[3, 1], [0, 0]])
        let p = 0.25
        #expect(chain.probability(from: 0, to: 1) == p)
        let analysis = try AbsorbingChainAnalysis(chain)
        assertClose(analysis.fundamental[0, 0], 1 / p, rtol: 1e-14)
        assertClose(analysis.expectedPeriodsToAbsorption[0], 1 / p, rtol: 1e-14)
        assertClose(analysis.varianceOfPeriodsToAbsorption[0], (1 - p) / (p * p), rtol: 1e-13)
        assertClose(analysis.absorptionProbabilities[0, 0], 1, rtol: 1e-15)
        for h in [0, 1, 2, 5, 12, 40] {
            assertClose(try analysis.probabilityOfAbsorption(into: 1, within: h)[0], 1 - pow(1 - p, Double(h)), rtol: 1e-13, atol: 1e-15)
        }
        let qsd = try #require(try analysis.quasiStationaryDistribution())
        #expect(qsd.distribution == [1])
        assertClose(qsd.survival, 1 - p, rtol: 1e-14)
    }

    /// Two transient states A, B and churn C, with Q = [[a, b], [c, d]]:
    /// N = [[1 − d, b], [c, 1 − a]] / ((1 − a)(1 − d) − bc); the Perron root of Q is
    /// λ = (a + d)/2 + √(((a − d)/2)² + bc) with left eigenvector ∝ (c, λ − a).
    @Test func threeStateChainMatchesTheTwoByTwoInverse() throws {
        // Rows: A → (A 0.6, B 0.3, C 0.1); B → (A 0.2, B 0.5, C 0.3).
        let chain = try Self.chain(transient: ["A", "B"], absorbing: ["C"], counts: [[6, 3, 1], [2, 5, 3], [0, 0, 0]])
        let (a, b, c, d) = (0.6, 0.3, 0.2, 0.5)
        let det = (1 - a) * (1 - d) - b * c
        let analysis = try AbsorbingChainAnalysis(chain)
        assertClose(analysis.fundamental.elements, [(1 - d) / det, b / det, c / det, (1 - a) / det], rtol: 1e-13)
        assertClose(analysis.expectedPeriodsToAbsorption, [(1 - d + b) / det, (c + 1 - a) / det], rtol: 1e-13)
        assertClose(analysis.absorptionProbabilities.elements, [1, 1], rtol: 1e-13)
        let lambda = (a + d) / 2 + (((a - d) / 2) * ((a - d) / 2) + b * c).squareRoot()
        let qsd = try #require(try analysis.quasiStationaryDistribution())
        assertClose(qsd.survival, lambda, rtol: 1e-13)
        assertClose(qsd.distribution, [c / (c + lambda - a), (lambda - a) / (c + lambda - a)], rtol: 1e-12)
        // Two steps from A: P(C within 2) = 0.1 + 0.6·0.1 + 0.3·0.3.
        assertClose(try analysis.probabilityOfAbsorption(into: 2, within: 2)[0], 0.1 + 0.06 + 0.09, rtol: 1e-14)
    }

    /// A transient state that can only stay where it is never reaches an absorbing state.
    @Test func aClosedTransientClassIsReported() throws {
        let space = try StateSpace(transient: ["stuck", "moving"], absorbing: ["gone"], forbidden: [("stuck", "moving"), ("stuck", "gone")])
        var counts = TransitionCounts(space: space)
        try counts.add(sequence: [0, 0, 0])
        try counts.add(sequence: [1, 1, 2])
        let chain = try MarkovChainEstimator(smoothing: 0).fit(counts)
        #expect(throws: MarkovError.self) { try AbsorbingChainAnalysis(chain) }
    }
}
