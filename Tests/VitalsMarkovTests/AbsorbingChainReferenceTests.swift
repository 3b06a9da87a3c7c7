import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsMarkov
import VitalsTestSupport

/// A 5 + 2 state absorbing chain against numpy and scipy (Tests/Fixtures/markov/make_references.py).
@Suite struct AbsorbingChainReferenceTests {
    struct Reference: Decodable {
        struct Interval: Decodable { let from: Int; let to: Int; let lower: Double; let upper: Double }
        struct Month: Decodable { let month: Int; let accounts: [Double]; let arr: [Double] }
        struct BetaCase: Decodable { let a: Double; let b: Double; let q: Double; let x: Double }
        let transient: Int
        let absorbing: Int
        let smoothing: Double
        let counts: [[Int]]
        let P: [[Double]]
        let N: [[Double]]
        let tau: [Double]
        let variance: [Double]
        let B: [[Double]]
        let conditional_tau: [[Double]]
        let powers: [String: [[Double]]]
        let qsd: [Double]
        let qsd_eigenvalue: Double
        let forecast_accounts: [Double]
        let forecast_arr: [Double]
        let forecast: [Month]
        let intervals: [Interval]
        let beta: [BetaCase]
    }

    static let reference: Reference = {
        let url = Fixtures.root.appendingPathComponent("markov/chain.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func chain() throws -> MarkovChain {
        let r = reference
        let space = try StateSpace(transient: (0..<r.transient).map { "s\($0)" },
                                   absorbing: (0..<r.absorbing).map { "a\($0)" }, forbidden: [("s0", "a1")])
        var counts = TransitionCounts(space: space)
        for (i, row) in r.counts.enumerated() {
            for (j, n) in row.enumerated() { for _ in 0..<n { try counts.add(from: i, to: j) } }
        }
        return try MarkovChainEstimator(smoothing: r.smoothing).fit(counts)
    }

    @Test func estimatedChainMatches() throws {
        let chain = try Self.chain()
        assertClose(chain.transitions.elements, Self.reference.P.flatMap { $0 }, rtol: 1e-14, atol: 1e-16)
        #expect(chain.probability(from: 0, to: Self.reference.transient + 1) == 0)  // forbidden: no smoothing mass
    }

    @Test func fundamentalMatrixTimesAndAbsorptionMatchNumpy() throws {
        let r = Self.reference
        let analysis = try AbsorbingChainAnalysis(Self.chain())
        assertClose(analysis.fundamental.elements, r.N.flatMap { $0 }, rtol: 1e-11)
        assertClose(analysis.expectedPeriodsToAbsorption, r.tau, rtol: 1e-11)
        assertClose(analysis.varianceOfPeriodsToAbsorption, r.variance, rtol: 1e-10)
        assertClose(analysis.absorptionProbabilities.elements, r.B.flatMap { $0 }, rtol: 1e-11)
        for a in 0..<r.absorbing {
            let conditional = try analysis.expectedPeriodsToAbsorption(into: r.transient + a)
            assertClose(conditional.map { $0! }, r.conditional_tau[a], rtol: 1e-10)
        }
    }

    @Test(arguments: [0, 1, 2, 3, 6, 12, 24])
    func matrixPowersMatchNumpy(h: Int) throws {
        let analysis = try AbsorbingChainAnalysis(Self.chain())
        let expected = Self.reference.powers["\(h)"]!
        assertClose(try analysis.power(h).elements, expected.flatMap { $0 }, rtol: 1e-12, atol: 1e-15)
        let t = Self.reference.transient
        assertClose(try analysis.probabilityOfAbsorption(into: t, within: h), expected.map { $0[t] }, rtol: 1e-12, atol: 1e-15)
    }

    @Test func quasiStationaryDistributionMatchesScipy() throws {
        let analysis = try AbsorbingChainAnalysis(Self.chain())
        let qsd = try #require(try analysis.quasiStationaryDistribution())
        assertClose(qsd.distribution, Self.reference.qsd, rtol: 1e-10)
        assertClose(qsd.survival, Self.reference.qsd_eigenvalue, rtol: 1e-12)
    }

    @Test func forecastMatchesNumpy() throws {
        let r = Self.reference
        let forecast = try BookForecast(chain: Self.chain(), accounts: r.forecast_accounts, arr: r.forecast_arr)
        #expect(forecast.months.count == 12)
        for (ours, theirs) in zip(forecast.months, r.forecast) {
            #expect(ours.month == theirs.month)
            assertClose(ours.accounts, theirs.accounts, rtol: 1e-12, atol: 1e-9)
            assertClose(ours.arr, theirs.arr, rtol: 1e-12, atol: 1e-6)
            assertClose(ours.accounts.reduce(0, +), r.forecast_accounts.reduce(0, +), rtol: 1e-12)
        }
    }

    @Test func credibleIntervalsMatchScipyBetaQuantiles() throws {
        let chain = try Self.chain()
        for interval in Self.reference.intervals {
            let ours = chain.credibleInterval(from: interval.from, to: interval.to)
            assertClose(ours.lowerBound, interval.lower, rtol: 1e-9, atol: 1e-14)
            assertClose(ours.upperBound, interval.upper, rtol: 1e-9, atol: 1e-14)
            #expect(ours.contains(chain.probability(from: interval.from, to: interval.to)))
        }
        // Absorbing rows are fixed.
        let t = Self.reference.transient
        #expect(chain.credibleInterval(from: t, to: t) == 1...1)
    }
}
