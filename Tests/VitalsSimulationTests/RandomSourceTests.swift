import Foundation
import Testing
import VitalsTestSupport

@testable import VitalsSimulation

/// The samplers are hand-written, so each is checked against its law's mean and
/// variance on 40,000 draws, with tolerances of about four standard errors.
@Suite struct RandomSourceTests {
    private static let draws = 40_000

    private func moments(_ sample: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(sample.count)
        let mean = sample.reduce(0, +) / n
        return (mean, sample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1))
    }

    /// The stated mean and variance, to ~4 standard errors (variance to 8 %).
    private func expectMoments(
        _ sample: [Double], mean: Double, variance: Double, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let m = moments(sample)
        let meanTolerance = 4 * (variance / Double(sample.count)).squareRoot()
        assertClose(m.mean, mean, rtol: 0, atol: meanTolerance, "mean of \(label)", sourceLocation: sourceLocation)
        assertClose(m.variance, variance, rtol: 0.08, "variance of \(label)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [0.7, 3.0, 9.9, 10.0, 40.0, 500.0])
    func poissonHasMeanAndVarianceLambda(lambda: Double) {
        var rng = RandomSource(state: 11)
        let sample = (0..<Self.draws).map { _ in Double(rng.poisson(lambda)) }
        #expect(sample.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
        expectMoments(sample, mean: lambda, variance: lambda, "Poisson(\(lambda))")
    }

    @Test(arguments: [(20, 0.3), (30, 0.9), (1000, 0.6), (3000, 0.02), (3000, 0.45), (7, 1.0), (5, 0.0)])
    func binomialHasMeanNpAndVarianceNpq(n: Int, p: Double) {
        var rng = RandomSource(state: 12)
        let sample = (0..<Self.draws).map { _ in Double(rng.binomial(n, p)) }
        #expect(sample.allSatisfy { $0 >= 0 && $0 <= Double(n) })
        let mean = Double(n) * p, variance = Double(n) * p * (1 - p)
        if variance == 0 {
            #expect(sample.allSatisfy { $0 == mean })
        } else {
            expectMoments(sample, mean: mean, variance: variance, "Binomial(\(n), \(p))")
        }
    }

    @Test(arguments: [(0.5, 2.0), (1.6, 1.5), (9.0, 0.25)])
    func gammaHasMeanKThetaAndVarianceKThetaSquared(shape: Double, scale: Double) {
        var rng = RandomSource(state: 13)
        let sample = (0..<Self.draws).map { _ in rng.gamma(shape: shape, scale: scale) }
        #expect(sample.allSatisfy { $0 > 0 })
        expectMoments(sample, mean: shape * scale, variance: shape * scale * scale, "Gamma(\(shape), \(scale))")
    }

    @Test func betaNormalLognormalAndExponentialMoments() {
        var rng = RandomSource(state: 14)
        let (a, b) = (6.0, 9.0)
        expectMoments((0..<Self.draws).map { _ in rng.beta(a, b) }, mean: a / (a + b),
                      variance: a * b / ((a + b) * (a + b) * (a + b + 1)), "Beta(6, 9)")
        expectMoments((0..<Self.draws).map { _ in rng.normal(2, 3) }, mean: 2, variance: 9, "N(2, 3)")
        expectMoments((0..<Self.draws).map { _ in log(rng.lognormal(median: 5, sigma: 0.4)) },
                      mean: log(5), variance: 0.16, "log LN(log 5, 0.4)")
        expectMoments((0..<Self.draws).map { _ in rng.exponential(mean: 2.5) }, mean: 2.5, variance: 6.25, "Exp(2.5)")
    }

    @Test func categoricalFollowsItsWeights() {
        var rng = RandomSource(state: 15)
        let weights = [0.6, 0.0, 0.3, 0.1]
        var counts = [0, 0, 0, 0]
        for _ in 0..<Self.draws { counts[rng.categorical(weights)] += 1 }
        #expect(counts[1] == 0)
        for i in [0, 2, 3] {
            let p = weights[i], n = Double(Self.draws)
            assertClose(Double(counts[i]) / n, p, rtol: 0, atol: 4 * (p * (1 - p) / n).squareRoot())
        }
    }

    @Test func boundedIntegersCoverTheirRangeAndNothingElse() {
        var rng = RandomSource(state: 16)
        var seen = Set<Int>()
        for _ in 0..<5000 {
            let k = rng.int(-3...9)
            #expect((-3...9).contains(k))
            seen.insert(k)
        }
        #expect(seen.count == 13)
        #expect(rng.int(7...7) == 7)
    }

    @Test func logGammaMatchesTheLibraryFunction() {
        for x in stride(from: 1.0, through: 300, by: 0.5) {
            assertClose(RandomSource.logGamma(x), lgamma(x), rtol: 1e-12, atol: 1e-12, "log Γ(\(x))")
        }
    }

    @Test func streamsAreReproducibleAndDistinct() {
        func firstDraws(_ account: Int, _ purpose: RandomSource.Purpose, _ index: Int = 0) -> [UInt64] {
            var rng = RandomSource(seed: 42, account: account, purpose: purpose, index: index)
            return (0..<4).map { _ in rng.next() }
        }
        #expect(firstDraws(7, .usage) == firstDraws(7, .usage))
        let distinct = [firstDraws(7, .usage), firstDraws(8, .usage), firstDraws(7, .tickets),
                        firstDraws(7, .project, 1), firstDraws(7, .project, 2)]
        #expect(Set(distinct.map { $0 }).count == distinct.count)
        var other = RandomSource(seed: 43, account: 7, purpose: .usage)
        #expect((0..<4).map { _ in other.next() } != firstDraws(7, .usage))
    }

    /// Reference values of xoshiro256** from state (1, 2, 3, 4), as in the authors' C code.
    @Test func xoshiroMatchesTheReferenceSequence() {
        var rng = RandomSource(words: (1, 2, 3, 4))
        #expect((0..<4).map { _ in rng.next() } == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }
}
