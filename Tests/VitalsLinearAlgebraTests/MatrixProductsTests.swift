import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsTestSupport

/// Products checked against plain triple loops on random matrices: an
/// independent reference that shares no code with the BLAS calls.
@Suite struct MatrixProductsTests {
    private func random(_ rows: Int, _ columns: Int, _ rng: inout SeededGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in Double.random(in: -2...2, using: &rng) })
    }

    private func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    @Test func gemmMatchesLoopsInEveryTransposeCombination() throws {
        var rng = SeededGenerator(seed: 3)
        let a = random(7, 4, &rng), b = random(4, 5, &rng)
        let expected = naiveProduct(a, b).elements
        assertClose(try a.multiply(b).elements, expected, rtol: 1e-12, atol: 1e-12)
        assertClose(try a.transposed.multiply(b, transposed: true).elements, expected, rtol: 1e-12, atol: 1e-12)
        assertClose(try a.multiply(b.transposed, otherTransposed: true).elements, expected, rtol: 1e-12, atol: 1e-12)
        assertClose(try a.transposed.multiply(b.transposed, transposed: true, otherTransposed: true).elements, expected,
                    rtol: 1e-12, atol: 1e-12)
        #expect(throws: LinearAlgebraError.self) { try a.multiply(a) }
    }

    @Test func weightedGramIsXtWXAndSymmetric() throws {
        var rng = SeededGenerator(seed: 4)
        let x = random(30, 6, &rng)
        let w = (0..<30).map { _ in Double.random(in: 0...3, using: &rng) }
        var scaled = x
        for i in 0..<x.rows { for j in 0..<x.columns { scaled[i, j] *= w[i] } }
        let expected = naiveProduct(x.transposed, scaled)
        let gram = try x.gram(weights: w)
        assertClose(gram.elements, expected.elements, rtol: 1e-12, atol: 1e-12)
        #expect(gram == gram.transposed)
        assertClose(try x.gram().elements, naiveProduct(x.transposed, x).elements, rtol: 1e-12, atol: 1e-12)
        #expect(throws: LinearAlgebraError.self) { try x.gram(weights: [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try x.gram(weights: [Double](repeating: -1, count: 30)) }
    }

    @Test func choleskySolvesAndGivesTheLogDeterminant() throws {
        var rng = SeededGenerator(seed: 5)
        let x = random(40, 5, &rng)
        let a = try x.gram()  // positive definite with probability 1
        let truth = (0..<5).map { Double($0) - 1.5 }
        let b = try a.multiply(truth)
        let factor = try CholeskyFactor(factoring: a)
        assertClose(try factor.solve(b), truth, rtol: 1e-10, atol: 1e-12)
        // A diagonal matrix: log det = Σ log dᵢ.
        let d = Matrix([[4, 0, 0], [0, 9, 0], [0, 0, 0.25]])
        assertClose(try CholeskyFactor(factoring: d).logDeterminant, log(4.0 * 9 * 0.25), rtol: 1e-14)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 2)) {
            try CholeskyFactor(factoring: Matrix([[1, 2], [2, 1]]))
        }
    }

    @Test func levelOneKernels() {
        #expect(Vector.dot([1, 2, 3], [4, -5, 6]) == 12)
        assertClose(Vector.norm([3e200, 4e200]), 5e200, rtol: 1e-15)  // no overflow
        var y = [1.0, 1, 1]
        Vector.axpy(2, [1, 2, 3], &y)
        #expect(y == [3, 5, 7])
        #expect(Vector.dot([], []) == 0)
    }
}
