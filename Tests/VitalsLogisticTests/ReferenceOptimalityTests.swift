import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

/// scikit-learn's solutions (Tests/Fixtures/logistic, made by make_references.py)
/// must be stationary points of *our* objective with λ = 1 / (C · Σ s): this pins
/// down that the loss, the weighting, the unpenalized intercept and the C → λ
/// mapping are the same as scikit-learn's, before any solver is involved.
@Suite struct ReferenceOptimalityTests {
    struct Reference: Decodable {
        let name: String
        let C: Double
        let l1_ratio: Double
        let n: Int
        let p: Int
        let x: [[Double]]
        let y: [Double]
        let sample_weight: [Double]
        let coef: [Double]
        let intercept: Double
    }

    static func load(_ name: String) throws -> Reference {
        try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("logistic/\(name).json")))
    }

    /// The reference's design matrix.
    static func matrix(_ r: Reference) -> Matrix { Matrix(rows: r.n, columns: r.p, elements: r.x.flatMap { $0 }) }

    /// Our loss for a reference problem (its L2 part) and the L1 strength, from C and l1_ratio.
    static func loss(_ r: Reference) -> (loss: LogisticLoss, l1: Double) {
        let totalWeight = r.sample_weight.reduce(0, +)
        let strength = 1 / (r.C * totalWeight)
        return (LogisticLoss(x: matrix(r), y: r.y, sampleWeights: r.sample_weight, l2: (1 - r.l1_ratio) * strength),
                r.l1_ratio * strength)
    }

    @Test(arguments: ["well_conditioned", "weighted", "balanced", "imbalanced", "nearly_separable", "collinear", "telco"])
    func ridgeSolutionHasZeroGradient(name: String) throws {
        let r = try Self.load(name)
        #expect(r.l1_ratio == 0)
        let (loss, _) = Self.loss(r)
        let gradient = try loss.valueAndGradient(r.coef + [r.intercept]).gradient
        let largest = gradient.map(abs).max()!
        #expect(largest < 1e-7, "\(name): largest gradient entry \(largest)")
    }

    /// For elastic net the optimality conditions are those of the subgradient:
    /// ∇ⱼ + λ₁ sign(wⱼ) = 0 where wⱼ ≠ 0, |∇ⱼ| ≤ λ₁ where wⱼ = 0, and ∇ = 0 for the intercept.
    @Test func elasticNetSolutionSatisfiesTheSubgradientConditions() throws {
        let r = try Self.load("elastic_net")
        let (loss, l1) = Self.loss(r)
        #expect(r.coef.contains(0), "the fixture should have at least one coefficient at exactly zero")
        let gradient = try loss.valueAndGradient(r.coef + [r.intercept]).gradient
        for j in 0..<r.p {
            if r.coef[j] != 0 {
                assertClose(gradient[j] + l1 * (r.coef[j] > 0 ? 1 : -1), 0, atol: 1e-6, "coefficient \(j)")
            } else {
                #expect(abs(gradient[j]) <= l1 + 1e-6, "coefficient \(j) at zero: |∇| = \(abs(gradient[j])) > λ₁ = \(l1)")
            }
        }
        assertClose(gradient[r.p], 0, atol: 1e-6, "intercept")
    }
}
