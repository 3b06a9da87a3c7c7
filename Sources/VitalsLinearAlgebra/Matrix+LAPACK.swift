import COpenBLAS

extension Matrix {
    /// Solves A · X = B for symmetric positive-definite A (this matrix) with LAPACK `dposv`
    /// (Cholesky, A = Lᵀ L).
    ///
    /// - Parameter rhs: B, shape `rows × k`.
    /// - Returns: X, shape `rows × k`.
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when the factorization breaks down.
    ///
    /// Only the symmetric structure of A is used, so row- and column-major storage
    /// are the same matrix; B is transposed to LAPACK's column-major layout.
    public func solvePositiveDefinite(_ rhs: Matrix) throws -> Matrix {
        BLASThreading.pin()
        guard rows == columns else { throw LinearAlgebraError.shapeMismatch("A is \(rows)×\(columns), not square") }
        guard rhs.rows == rows else { throw LinearAlgebraError.shapeMismatch("B has \(rhs.rows) rows, A has \(rows)") }
        if rows == 0 || rhs.columns == 0 { return rhs }
        var a = elements
        var b = rhs.transposed.elements  // column-major B
        var n = Int32(rows), nrhs = Int32(rhs.columns), lda = Int32(rows), ldb = Int32(rows)
        var info: Int32 = 0
        var uplo = UInt8(ascii: "U")
        withUnsafeMutablePointer(to: &uplo) { u in
            u.withMemoryRebound(to: CChar.self, capacity: 1) { uplo in
                dposv_(uplo, &n, &nrhs, &a, &lda, &b, &ldb, &info)
            }
        }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dposv", position: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: Int(info)) }
        return Matrix(rows: rhs.columns, columns: rows, elements: b).transposed
    }

    /// Solves A · X = B for a general square A (this matrix) with LAPACK `dgesv`
    /// (LU with partial pivoting). A is never inverted explicitly.
    ///
    /// - Parameter rhs: B, shape `rows × k`.
    /// - Returns: X, shape `rows × k`.
    /// - Throws: `LinearAlgebraError.singular` when U has an exact zero pivot.
    public func solve(_ rhs: Matrix) throws -> Matrix {
        BLASThreading.pin()
        guard rows == columns else { throw LinearAlgebraError.shapeMismatch("A is \(rows)×\(columns), not square") }
        guard rhs.rows == rows else { throw LinearAlgebraError.shapeMismatch("B has \(rhs.rows) rows, A has \(rows)") }
        if rows == 0 || rhs.columns == 0 { return rhs }
        var a = transposed.elements  // column-major A
        var b = rhs.transposed.elements
        var n = Int32(rows), nrhs = Int32(rhs.columns), lda = Int32(rows), ldb = Int32(rows)
        var pivots = [Int32](repeating: 0, count: rows)
        var info: Int32 = 0
        dgesv_(&n, &nrhs, &a, &lda, &pivots, &b, &ldb, &info)
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgesv", position: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dgesv", index: Int(info)) }
        return Matrix(rows: rhs.columns, columns: rows, elements: b).transposed
    }
}
