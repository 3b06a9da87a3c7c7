import COpenBLAS

/// Eigenvalues and right eigenvectors of a general square matrix.
public struct EigenDecomposition: Sendable, Equatable {
    /// Real and imaginary parts of the eigenvalues, in LAPACK's order.
    public let real: [Double]
    public let imaginary: [Double]
    /// Column k is the right eigenvector of eigenvalue k (n × n), normalized to unit 2-norm.
    /// For a complex pair (k, k + 1) the columns hold the real and imaginary parts, as `dgeev` returns them.
    public let vectors: Matrix
}

extension Matrix {
    /// The eigen-decomposition A v = λ v of this square matrix, through LAPACK `dgeev`.
    ///
    /// - Throws: `LinearAlgebraError.noConvergence` when the QR algorithm fails.
    public func eigenDecomposition() throws -> EigenDecomposition {
        guard rows == columns else { throw LinearAlgebraError.shapeMismatch("A is \(rows)×\(columns), not square") }
        let count = rows
        if count == 0 { return EigenDecomposition(real: [], imaginary: [], vectors: Matrix(rows: 0, columns: 0)) }
        var a = transposed.elements  // column-major
        var n = Int32(count), lda = Int32(count), ldvl = Int32(1), ldvr = Int32(count)
        var real = [Double](repeating: 0, count: count), imaginary = [Double](repeating: 0, count: count)
        var left = [Double](repeating: 0, count: 1), right = [Double](repeating: 0, count: count * count)
        var info: Int32 = 0
        var jobLeft = UInt8(ascii: "N"), jobRight = UInt8(ascii: "V")
        func call(_ work: inout [Double], _ lwork: inout Int32) {
            BLASThreading.pin()
            withUnsafeMutablePointer(to: &jobLeft) { jl in
                withUnsafeMutablePointer(to: &jobRight) { jr in
                    jl.withMemoryRebound(to: CChar.self, capacity: 1) { jl in
                        jr.withMemoryRebound(to: CChar.self, capacity: 1) { jr in
                            dgeev_(jl, jr, &n, &a, &lda, &real, &imaginary, &left, &ldvl, &right, &ldvr, &work, &lwork, &info)
                        }
                    }
                }
            }
        }
        // A workspace query first (lwork = −1), then the computation.
        var query = [Double](repeating: 0, count: 1)
        var lwork: Int32 = -1
        call(&query, &lwork)
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgeev", position: Int(-info)) }
        lwork = Int32(max(query[0], Double(4 * count)))
        var work = [Double](repeating: 0, count: Int(lwork))
        a = transposed.elements
        call(&work, &lwork)
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgeev", position: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgeev", info: Int(info)) }
        return EigenDecomposition(
            real: real, imaginary: imaginary, vectors: Matrix(rows: count, columns: count, elements: right).transposed)
    }
}
