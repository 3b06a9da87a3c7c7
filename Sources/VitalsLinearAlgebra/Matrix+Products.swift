import COpenBLAS

extension Matrix {
    /// Matrix product through BLAS `dgemm`: C = op(A) · op(B), with op the transpose when asked.
    ///
    /// - Shapes: op(A) is m × k, op(B) is k × n, the result m × n.
    public func multiply(_ other: Matrix, transposed: Bool = false, otherTransposed: Bool = false) throws -> Matrix {
        BLASThreading.pin()
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
        try blockedGram(weights: weights, rowStride: 1, appendingOnes: false)
    }

    /// [X 1]ᵀ · diag(w) · [X 1] over the rows 0, k, 2k, … (k = `rowStride`): the Hessian
    /// of a model with an intercept, without materializing the column of ones.
    ///
    /// With k > 1 it is the same sum over a systematic sample of ⌈rows / k⌉ rows, which
    /// estimates the full matrix (times 1/k) at 1/k of the cost.
    ///
    /// - Parameter weights: one weight ≥ 0 per sampled row, ⌈rows / k⌉ of them.
    /// - Returns: a symmetric (columns + 1) × (columns + 1) matrix, the ones' row and column last.
    public func interceptAugmentedGram(weights: [Double], rowStride: Int = 1) throws -> Matrix {
        try blockedGram(weights: weights, rowStride: rowStride, appendingOnes: true)
    }

    /// The rows 0, k, 2k, … (k = `rowStride`) times x, plus `constant`: ⌈rows / k⌉ values, one `dgemv`
    /// with a leading dimension of k · columns, so the sample is never copied.
    public func multiplySampledRows(_ x: [Double], rowStride: Int, adding constant: Double = 0) throws -> [Double] {
        BLASThreading.pin()
        guard rowStride >= 1 else { throw LinearAlgebraError.shapeMismatch("row stride \(rowStride) < 1") }
        guard x.count == columns else { throw LinearAlgebraError.shapeMismatch("x has \(x.count) elements, expected \(columns)") }
        let sampled = (rows + rowStride - 1) / rowStride
        var result = [Double](repeating: constant, count: sampled)
        if sampled == 0 || columns == 0 { return result }
        let columns = self.columns
        elements.withUnsafeBufferPointer { abuf in
            x.withUnsafeBufferPointer { xbuf in
                result.withUnsafeMutableBufferPointer { ybuf in
                    nonisolated(unsafe) let (a, xp, y) = (abuf, xbuf, ybuf)
                    // Each fixed chunk of sampled rows fills its own outputs, on every core.
                    _ = RowChunks(rows: sampled).map { range in
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, blasint(range.count), blasint(columns), 1,
                                    a.baseAddress! + range.lowerBound * rowStride * columns, blasint(rowStride * columns),
                                    xp.baseAddress, 1, 1, y.baseAddress! + range.lowerBound, 1)
                    }
                }
            }
        }
        return result
    }

    /// Rows are scaled by √wᵢ into a block of `gramBlockRows` rows that stays in cache, and each
    /// block is added with one `dsyrk`: one pass over the data and no n × p copy.
    private func blockedGram(weights: [Double]?, rowStride: Int, appendingOnes: Bool) throws -> Matrix {
        BLASThreading.pin()
        guard rowStride >= 1 else { throw LinearAlgebraError.shapeMismatch("row stride \(rowStride) < 1") }
        let sampled = (rows + rowStride - 1) / rowStride
        if let weights {
            guard weights.count == sampled else {
                throw LinearAlgebraError.shapeMismatch("\(weights.count) weights for \(sampled) rows")
            }
            guard weights.allSatisfy({ $0 >= 0 }) else {
                throw LinearAlgebraError.shapeMismatch("weights must be non-negative")
            }
        }
        let p = columns, width = columns + (appendingOnes ? 1 : 0)
        var result = Matrix(rows: width, columns: width)
        if width == 0 || sampled == 0 { return result }
        // Fixed row chunks on every core (OpenBLAS itself runs on one thread, `BLASThreading`), each
        // a sum of blocks in row order; the chunks' matrices are added in chunk order.
        let partials = elements.withUnsafeBufferPointer { abuf in
            nonisolated(unsafe) let a = abuf
            return RowChunks(rows: sampled).map { range -> [Double] in
                var partial = [Double](repeating: 0, count: width * width)
                let blockRows = Swift.min(Self.gramBlockRows, range.count)
                var block = [Double](repeating: 0, count: blockRows * width)
                block.withUnsafeMutableBufferPointer { b in
                    partial.withUnsafeMutableBufferPointer { c in
                        var first = range.lowerBound
                        while first < range.upperBound {
                            let count = Swift.min(blockRows, range.upperBound - first)
                            for r in 0..<count {
                                let source = (first + r) * rowStride * p
                                let scale = weights.map { $0[first + r].squareRoot() } ?? 1
                                for j in 0..<p { b[r * width + j] = scale * a[source + j] }
                                if appendingOnes { b[r * width + p] = scale }
                            }
                            cblas_dsyrk(
                                CblasRowMajor, CblasUpper, CblasTrans, blasint(width), blasint(count),
                                1, b.baseAddress, blasint(width), first == range.lowerBound ? 0 : 1, c.baseAddress, blasint(width))
                            first += count
                        }
                    }
                }
                return partial
            }
        }
        result.elements = partials[0]
        for partial in partials.dropFirst() {
            for k in 0..<(width * width) { result.elements[k] += partial[k] }
        }
        for i in 0..<width {
            for j in 0..<i { result.elements[i * width + j] = result.elements[j * width + i] }
        }
        return result
    }

    /// Rows per `dsyrk` block: 8,192 rows of 64 columns is 4 MiB, cache-sized on current CPUs.
    static let gramBlockRows = 8_192
}

/// Vector kernels through BLAS level 1.
public enum Vector {
    /// xᵀ y (`ddot`). Equal lengths required.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        BLASThreading.pin()
        precondition(x.count == y.count, "dot of lengths \(x.count) and \(y.count)")
        if x.isEmpty { return 0 }
        return cblas_ddot(blasint(x.count), x, 1, y, 1)
    }

    /// ‖x‖₂ (`dnrm2`), computed without overflow for large entries.
    public static func norm(_ x: [Double]) -> Double {
        BLASThreading.pin()
        return x.isEmpty ? 0 : cblas_dnrm2(blasint(x.count), x, 1)
    }

    /// y ← α x + y (`daxpy`).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        BLASThreading.pin()
        precondition(x.count == y.count, "axpy of lengths \(x.count) and \(y.count)")
        if x.isEmpty { return }
        y.withUnsafeMutableBufferPointer { yp in cblas_daxpy(blasint(x.count), alpha, x, 1, yp.baseAddress, 1) }
    }
}
