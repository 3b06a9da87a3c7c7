import Foundation
import Testing
import VitalsLinearAlgebra
@testable import VitalsLogistic
import VitalsMarkov
import VitalsTestSupport

/// The road to training where the data lives (docs/SCALE.md): the logistic loss's value,
/// gradient and Hessian are sums over rows, so each partition of an engine can compute its
/// own sums and a driver can merge them exactly. A Newton fit driven by merged partition
/// statistics must land where the single-machine fit does; Markov transition counts merge
/// exactly too.
@Suite struct PartitionedFitTests {
    /// A problem with correlated features and a known truth.
    static func problem(rows n: Int, features p: Int, seed: UInt64) -> (x: Matrix, y: [Double]) {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var x = Matrix(rows: n, columns: p)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var common = 0.0
            for j in 0..<p {
                let z = (uniform() - 0.5) * 3
                common = 0.5 * common + z
                x[i, j] = common
            }
            var eta = -1.0
            for j in 0..<p { eta += (j % 2 == 0 ? 0.6 : -0.4) * x[i, j] }
            y[i] = uniform() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        return (x, y)
    }

    /// One partition's unnormalized sums at β: Σ sᵢ ℓᵢ, Σ sᵢ ∇ℓᵢ and Σ sᵢ ∇²ℓᵢ over its rows,
    /// from the same `LogisticLoss` the trainer minimizes (no penalty; it is added once, after
    /// the merge), and its total weight.
    static func partitionSums(_ x: Matrix, _ y: [Double], _ beta: [Double]) throws -> (value: Double, gradient: [Double], hessian: Matrix, weight: Double) {
        let loss = LogisticLoss(x: x, y: y, l2: 0)
        let (value, gradient) = try loss.valueAndGradient(beta)
        var hessian = try loss.hessian(beta)
        let w = loss.totalWeight
        for i in 0..<hessian.rows { for j in 0..<hessian.columns { hessian[i, j] *= w } }
        return (value * w, gradient.map { $0 * w }, hessian, w)
    }

    @Test(arguments: [2, 5, 13])
    func newtonOnMergedPartitionSumsEqualsTheSingleMachineFit(partitions k: Int) throws {
        let (n, p, l2) = (3000, 6, 1e-3)
        let (x, y) = Self.problem(rows: n, features: p, seed: 11)
        let whole = try NewtonSolver(tolerance: 1e-12, hessianSampleRows: nil).minimize(LogisticLoss(x: x, y: y, l2: l2))
        // Partitions of uneven sizes, as an engine's would be.
        var bounds = [0]
        for part in 1..<k { bounds.append(n * part * part / (k * k)) }
        bounds.append(n)
        let parts = zip(bounds, bounds.dropFirst()).map { lo, hi in (x.selectingRows(Array(lo..<hi)), Array(y[lo..<hi])) }

        var beta = [Double](repeating: 0, count: p + 1)
        var gradientNorm = Double.infinity
        for _ in 0..<50 where gradientNorm > 1e-12 {
            var gradient = [Double](repeating: 0, count: p + 1)
            var hessian = Matrix(rows: p + 1, columns: p + 1)
            var weight = 0.0
            for (xs, ys) in parts {
                let sums = try Self.partitionSums(xs, ys, beta)
                for j in 0...p { gradient[j] += sums.gradient[j] }
                for i in 0...p { for j in 0...p { hessian[i, j] += sums.hessian[i, j] } }
                weight += sums.weight
            }
            // The merged objective: (1/W) Σ + (λ₂/2) ‖w‖², the intercept unpenalized.
            for j in 0...p { gradient[j] = gradient[j] / weight + (j < p ? l2 * beta[j] : 0) }
            for i in 0...p { for j in 0...p { hessian[i, j] /= weight } }
            for j in 0..<p { hessian[j, j] += l2 }
            let step = try CholeskyFactor(factoring: hessian).solve(gradient)
            for j in 0...p { beta[j] -= step[j] }
            gradientNorm = gradient.map(abs).max()!
        }
        #expect(gradientNorm <= 1e-12)
        for j in 0...p { #expect(abs(beta[j] - whole.beta[j]) < 1e-9, "β[\(j)]: \(beta[j]) vs \(whole.beta[j])") }
    }

    /// Transition counts from disjoint sets of accounts add up to those of all of them, and
    /// the chain estimated from the sum is the chain estimated on everything.
    @Test func markovCountsMergeExactly() throws {
        let space = try StateSpace(transient: ["onboarding", "healthy", "neutral", "at_risk"], absorbing: ["churned"],
                                   forbidden: [("healthy", "onboarding"), ("neutral", "onboarding"), ("at_risk", "onboarding")])
        var state: UInt64 = 5
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        var sequences: [[Int]] = []
        for _ in 0..<400 {
            var s = [0]
            for _ in 0..<18 {
                let last = s.last!
                if last == 4 { break }
                let move = next(10)
                s.append(last == 0 ? (move < 6 ? 0 : 1 + next(3)) : move < 6 ? last : move < 9 ? 1 + next(3) : 4)
            }
            sequences.append(s)
        }
        var all = TransitionCounts(space: space)
        for s in sequences { try all.add(sequence: s) }
        var merged = TransitionCounts(space: space)
        for shard in 0..<7 {
            var part = TransitionCounts(space: space)
            for (k, s) in sequences.enumerated() where k % 7 == shard { try part.add(sequence: s) }
            merged = try merged + part
        }
        #expect(merged == all)
        let estimator = MarkovChainEstimator()
        #expect(try estimator.fit(merged) == estimator.fit(all))
    }
}
