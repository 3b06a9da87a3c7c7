import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

@Suite struct LogisticLossTests {
    /// A small problem with weights, non-trivial coefficients and both labels.
    private func problem(seed: UInt64 = 1, l2: Double = 0.3) -> (LogisticLoss, [Double]) {
        var rng = SeededGenerator(seed: seed)
        let n = 40, p = 4
        let x = Matrix(rows: n, columns: p, elements: (0..<n * p).map { _ in Double.random(in: -2...2, using: &rng) })
        let y = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < 0.4 ? 1.0 : 0.0 }
        let s = (0..<n).map { _ in Double.random(in: 0.2...3, using: &rng) }
        let beta = (0...p).map { _ in Double.random(in: -1...1, using: &rng) }
        return (LogisticLoss(x: x, y: y, sampleWeights: s, l2: l2), beta)
    }

    @Test func atZeroTheLossIsLogTwoAndTheGradientIsClosedForm() throws {
        let (loss, _) = problem()
        let (value, gradient) = try loss.valueAndGradient([Double](repeating: 0, count: 5))
        assertClose(value, log(2.0), rtol: 1e-15)
        // ∇ = (1/W) Xᵀ s (½ − y), and (1/W) Σ s (½ − y) for the intercept.
        var expected = [Double](repeating: 0, count: 5)
        for i in 0..<loss.x.rows {
            let r = loss.sampleWeights[i] * (0.5 - loss.y[i]) / loss.totalWeight
            for j in 0..<4 { expected[j] += (loss.x as! Matrix)[i, j] * r }
            expected[4] += r
        }
        assertClose(gradient, expected, rtol: 1e-12, atol: 1e-15)
    }

    @Test func gradientMatchesCentralDifferences() throws {
        for seed in 1...3 as ClosedRange<UInt64> {
            let (loss, beta) = problem(seed: seed)
            let gradient = try loss.valueAndGradient(beta).gradient
            let h = 1e-6
            for j in 0...4 {
                var plus = beta, minus = beta
                plus[j] += h
                minus[j] -= h
                let numeric = (try loss.valueAndGradient(plus).value - loss.valueAndGradient(minus).value) / (2 * h)
                assertClose(gradient[j], numeric, rtol: 1e-6, atol: 1e-9, "seed \(seed), coordinate \(j)")
            }
        }
    }

    @Test func hessianMatchesCentralDifferencesOfTheGradient() throws {
        let (loss, beta) = problem(seed: 7)
        let hessian = try loss.hessian(beta)
        #expect(hessian == hessian.transposed)
        let h = 1e-6
        for j in 0...4 {
            var plus = beta, minus = beta
            plus[j] += h
            minus[j] -= h
            let gp = try loss.valueAndGradient(plus).gradient, gm = try loss.valueAndGradient(minus).gradient
            for k in 0...4 {
                assertClose(hessian[k, j], (gp[k] - gm[k]) / (2 * h), rtol: 1e-6, atol: 1e-9, "H[\(k), \(j)]")
            }
        }
        // The intercept is not penalized: its diagonal entry has no λ₂.
        let unpenalized = try LogisticLoss(x: loss.x, y: loss.y, sampleWeights: loss.sampleWeights, l2: 0).hessian(beta)
        assertClose(hessian[4, 4], unpenalized[4, 4], rtol: 1e-15)
        assertClose(hessian[0, 0], unpenalized[0, 0] + 0.3, rtol: 1e-14)
    }

    @Test func hugeMarginsDoNotOverflow() throws {
        #expect(LogisticLoss.log1pExp(800) == 800)
        #expect(LogisticLoss.log1pExp(-800) == 0)
        #expect(LogisticLoss.sigmoid(-800) == 0)
        #expect(LogisticLoss.sigmoid(800) == 1)
        assertClose(LogisticLoss.log1pExp(0), log(2.0), rtol: 1e-15)
        let x = Matrix([[1000], [-1000]])
        let loss = LogisticLoss(x: x, y: [0, 1], l2: 0)
        let (value, gradient) = try loss.valueAndGradient([1, 0])  // both points wrong by a margin of 1000
        assertClose(value, 1000, rtol: 1e-12)
        #expect(gradient.allSatisfy { $0.isFinite })
        let hessian = try loss.hessian([1, 0])
        #expect(hessian.elements.allSatisfy { $0.isFinite })
    }

    @Test func integerWeightsEqualRepeatedRows() throws {
        // Weight 2 on a row is the same objective as that row twice.
        let x = Matrix([[0.5, -1], [1.5, 2], [-0.3, 0.7]])
        let weighted = LogisticLoss(x: x, y: [1, 0, 1], sampleWeights: [2, 1, 1], l2: 0.1)
        let repeated = LogisticLoss(x: Matrix([[0.5, -1], [0.5, -1], [1.5, 2], [-0.3, 0.7]]), y: [1, 1, 0, 1], l2: 0.1)
        let beta = [0.4, -0.2, 0.1]
        let a = try weighted.valueAndGradient(beta), b = try repeated.valueAndGradient(beta)
        assertClose(a.value, b.value, rtol: 1e-14)
        assertClose(a.gradient, b.gradient, rtol: 1e-13, atol: 1e-16)
    }
}

@Suite struct HessianProductTests {
    /// ∇²f(β) v from `hessianProduct` equals the formed Hessian times v, with a ridge and with
    /// a penalty matrix, for random v.
    @Test func hessianProductIsTheHessianTimesAVector() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 300, p = 4
        let x = Matrix(rows: n, columns: p, elements: (0..<n * p).map { _ in Double.random(in: -2...2, using: &rng) })
        let y = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < 0.3 ? 1.0 : 0.0 }
        let s = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        var penalty = Matrix(rows: p, columns: p)
        for j in 0..<p { penalty[j, j] = 0.2 }
        penalty[0, 1] = -0.1
        penalty[1, 0] = -0.1
        for loss in [LogisticLoss(x: x, y: y, sampleWeights: s, l2: 0.05), LogisticLoss(x: x, y: y, sampleWeights: s, l2: 0, penalty: penalty)] {
            let beta = (0...p).map { _ in Double.random(in: -1...1, using: &rng) }
            let hessian = try loss.hessian(beta), curvature = try loss.curvature(beta)
            for _ in 0..<3 {
                let v = (0...p).map { _ in Double.random(in: -1...1, using: &rng) }
                let expected = try hessian.multiply(v)
                assertClose(try loss.hessianProduct(curvature: curvature, v), expected, rtol: 1e-12, atol: 1e-14)
            }
        }
    }
}
