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
        BLASThreading.pin()
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
        // Over fixed row chunks on every core (OpenBLAS itself runs on one thread, `BLASThreading`):
        // A·x gives each chunk its own outputs; Aᵀ·x sums the chunks' partial vectors in chunk order.
        let chunks = RowChunks(rows: rows)
        let columns = self.columns
        if !transposed {
            elements.withUnsafeBufferPointer { abuf in
                x.withUnsafeBufferPointer { xbuf in
                    result.withUnsafeMutableBufferPointer { ybuf in
                        nonisolated(unsafe) let (a, xp, y) = (abuf, xbuf, ybuf)
                        _ = chunks.map { range in
                            cblas_dgemv(CblasRowMajor, CblasNoTrans, blasint(range.count), blasint(columns), alpha,
                                        a.baseAddress! + range.lowerBound * columns, blasint(columns), xp.baseAddress, 1, beta,
                                        y.baseAddress! + range.lowerBound, 1)
                        }
                    }
                }
            }
            return result
        }
        let partials = elements.withUnsafeBufferPointer { abuf in
            x.withUnsafeBufferPointer { xbuf in
                nonisolated(unsafe) let (a, xp) = (abuf, xbuf)
                return chunks.map { range -> [Double] in
                    var partial = [Double](repeating: 0, count: columns)
                    partial.withUnsafeMutableBufferPointer { yp in
                        cblas_dgemv(CblasRowMajor, CblasTrans, blasint(range.count), blasint(columns), alpha,
                                    a.baseAddress! + range.lowerBound * columns, blasint(columns), xp.baseAddress! + range.lowerBound, 1, 0,
                                    yp.baseAddress, 1)
                    }
                    return partial
                }
            }
        }
        for j in 0..<columns { result[j] = beta == 0 ? 0 : beta * result[j] }
        for partial in partials {
            for j in 0..<columns { result[j] += partial[j] }
        }
        return result
    }
}
