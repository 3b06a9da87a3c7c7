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

extension Matrix {
    /// A·x + y for an n-row A that is never formed whole: `rowsOf(range)` gives A's rows in
    /// `range` as a matrix of their own, range by range over the chunks `multiply` uses, and
    /// each goes through the same single `dgemv` it would there, so the result is the same to
    /// the bit. For a design many times its input's size (an additive model's on millions of
    /// rows), only a chunk of it is held per core.
    public static func multiply(rows n: Int, _ rowsOf: @Sendable (Range<Int>) -> Matrix, by x: [Double], adding y: [Double]) throws -> [Double] {
        BLASThreading.pin()
        guard y.count == n else { throw LinearAlgebraError.shapeMismatch("y has \(y.count) elements, expected \(n)") }
        if n == 0 { return y }
        let parts = RowChunks(rows: n).map { range -> Result<[Double], LinearAlgebraError> in
            let a = rowsOf(range)
            guard a.rows == range.count, a.columns == x.count else {
                return .failure(.shapeMismatch("a chunk of \(range.count) rows came as \(a.rows) × \(a.columns) for \(x.count) coefficients"))
            }
            var part = Array(y[range])
            if a.columns == 0 { return .success(part) }
            a.elements.withUnsafeBufferPointer { abuf in
                x.withUnsafeBufferPointer { xbuf in
                    part.withUnsafeMutableBufferPointer { ybuf in
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, blasint(range.count), blasint(a.columns), 1,
                                    abuf.baseAddress, blasint(a.columns), xbuf.baseAddress, 1, 1, ybuf.baseAddress, 1)
                    }
                }
            }
            return .success(part)
        }
        var out: [Double] = []
        out.reserveCapacity(n)
        for part in parts { out += try part.get() }
        return out
    }

    /// The rows in `range`, as a matrix of their own.
    public func selectingRows(_ range: Range<Int>) -> Matrix {
        var out = Matrix(rows: range.count, columns: columns)
        out.elements.replaceSubrange(0..<(range.count * columns), with: elements[(range.lowerBound * columns)..<(range.upperBound * columns)])
        return out
    }
}
