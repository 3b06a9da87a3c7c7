import COpenBLAS

extension Matrix {
    /// Matrix–vector product through BLAS `dgemv`: y = α · op(A) · x + β · y.
    ///
    /// - Parameters:
    ///   - x: length `columns` (or `rows` when `transposed`).
    ///   - y: length `rows` (or `columns` when `transposed`); read only when β ≠ 0.
    ///   - transposed: use Aᵀ instead of A. Default `false`.
    ///   - alpha: default 1.  - beta: default 0.
    public func multiply(
        _ x: [Double], transposed: Bool = false, alpha: Double = 1, beta: Double = 0, adding y: [Double]? = nil
    ) throws -> [Double] {
        let (inLength, outLength) = transposed ? (rows, columns) : (columns, rows)
        guard x.count == inLength else {
            throw LinearAlgebraError.shapeMismatch("x has \(x.count) elements, expected \(inLength)")
        }
        var result = y ?? [Double](repeating: 0, count: outLength)
        guard result.count == outLength else {
            throw LinearAlgebraError.shapeMismatch("y has \(result.count) elements, expected \(outLength)")
        }
        if outLength == 0 { return result }
        if inLength == 0 {
            for i in result.indices { result[i] *= beta }
            return result
        }
        elements.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                result.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(
                        CblasRowMajor, transposed ? CblasTrans : CblasNoTrans,
                        blasint(rows), blasint(columns), alpha, a.baseAddress, blasint(columns),
                        xp.baseAddress, 1, beta, yp.baseAddress, 1)
                }
            }
        }
        return result
    }
}
