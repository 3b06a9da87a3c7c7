import Testing
import VitalsLinearAlgebra
import VitalsTestSupport

@Suite struct MatrixLAPACKTests {
    // A = [[4, 2], [2, 3]] has the closed-form inverse (1/8)·[[3, -2], [-2, 4]].
    @Test func positiveDefiniteSolveMatchesClosedForm() throws {
        let a = Matrix([[4, 2], [2, 3]])
        let x = try a.solvePositiveDefinite(Matrix([[1, 0], [0, 1]]))
        assertClose(x.elements, [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8], rtol: 1e-14, atol: 1e-15)
    }

    @Test func notPositiveDefiniteBecomesTypedError() {
        let a = Matrix([[1, 2], [2, 1]])  // eigenvalues 3 and -1
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: 2)) {
            try a.solvePositiveDefinite(Matrix([[1], [1]]))
        }
    }

    // A non-symmetric system, so a row/column-major mix-up would give a different answer.
    @Test func generalSolveOfNonSymmetricSystem() throws {
        let a = Matrix([[2, 1, 0], [0, 3, 1], [1, 0, 4]])
        let expected: [Double] = [1, -2, 3]
        let b = try a.multiply(expected)
        #expect(b == [0, -3, 13])
        let x = try a.solve(Matrix(rows: 3, columns: 1, elements: b))
        assertClose(x.elements, expected, rtol: 1e-13)
    }

    @Test func singularMatrixBecomesTypedError() {
        let a = Matrix([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(routine: "dgesv", index: 2)) {
            try a.solve(Matrix([[1], [1]]))
        }
    }

    @Test func transposedProduct() throws {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(try a.multiply([1, 1], transposed: true) == [5, 7, 9])
        #expect(try a.multiply([1, 0, -1], alpha: 2, beta: 1, adding: [10, 20]) == [6, 16])
        #expect(throws: LinearAlgebraError.self) { try a.multiply([1, 2]) }
    }
}
