import COpenBLAS

extension Matrix {
    /// Matrix product through BLAS `dgemm`: C = op(A) · op(B), with op the transpose when asked.
    ///
    /// - Shapes: op(A) is m × k, op(B) is k × n, the result m × n.
    public func multiply(_ other: Matrix, transposed: Bool = false, otherTransposed: Bool = false) throws -> Matrix {
        let (m, k) = transposed ? (columns, rows) : (rows, columns)
        let (k2, n) = otherTransposed ? (other.columns, other.rows) : (other.rows, other.columns)
        guard k == k2 else {
            throw LinearAlgebraError.shapeMismatch("op(A) is \(m)×\(k) but op(B) is \(k2)×\(n)")
        }
        var result = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 || k == 0 { return result }
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(
                        CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, otherTransposed ? CblasTrans : CblasNoTrans,
                        blasint(m), blasint(n), blasint(k), 1, a.baseAddress, blasint(columns),
                        b.baseAddress, blasint(other.columns), 0, c.baseAddress, blasint(n))
                }
            }
        }
        return result
    }

    /// The weighted Gram matrix Xᵀ · diag(w) · X through BLAS `dsyrk`, with both triangles filled.
    ///
    /// This is the Hessian block of a weighted least-squares or Newton step.
    ///
    /// - Parameter weights: one non-negative weight per row (`nil`: all ones).
    /// - Returns: a symmetric `columns × columns` matrix.
    /// - Complexity: O(rows · columns²) flops, half of a general `gemm`.
    public func gram(weights: [Double]? = nil) throws -> Matrix {
        let scaled: [Double]
        if let weights {
            guard weights.count == rows else {
                throw LinearAlgebraError.shapeMismatch("\(weights.count) weights for \(rows) rows")
            }
            guard weights.allSatisfy({ $0 >= 0 }) else {
                throw LinearAlgebraError.shapeMismatch("weights must be non-negative")
            }
            var s = elements
            for i in 0..<rows {
                let r = weights[i].squareRoot()
                for j in 0..<columns { s[i * columns + j] *= r }
            }
            scaled = s
        } else {
            scaled = elements
        }
        var result = Matrix(rows: columns, columns: columns)
        if columns == 0 || rows == 0 { return result }
        scaled.withUnsafeBufferPointer { a in
            result.elements.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, blasint(columns), blasint(rows),
                    1, a.baseAddress, blasint(columns), 0, c.baseAddress, blasint(columns))
            }
        }
        for i in 0..<columns {
            for j in 0..<i { result.elements[i * columns + j] = result.elements[j * columns + i] }
        }
        return result
    }
}

/// Vector kernels through BLAS level 1.
public enum Vector {
    /// xᵀ y (`ddot`). Equal lengths required.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot of lengths \(x.count) and \(y.count)")
        if x.isEmpty { return 0 }
        return cblas_ddot(blasint(x.count), x, 1, y, 1)
    }

    /// ‖x‖₂ (`dnrm2`), computed without overflow for large entries.
    public static func norm(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : cblas_dnrm2(blasint(x.count), x, 1)
    }

    /// y ← α x + y (`daxpy`).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy of lengths \(x.count) and \(y.count)")
        if x.isEmpty { return }
        y.withUnsafeMutableBufferPointer { yp in cblas_daxpy(blasint(x.count), alpha, x, 1, yp.baseAddress, 1) }
    }
}
