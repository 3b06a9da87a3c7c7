extension Matrix {
    /// Column means and population standard deviations (divisor n, as scikit-learn's
    /// `StandardScaler`), in two row-major passes: the means with one `dgemv` (Xᵀ 1 / n),
    /// then the deviations d from them, which avoids the cancellation of Σx² − n x̄².
    /// The second pass also corrects the rounding of the first (the corrected two-pass
    /// algorithm of Chan, Golub and LeVeque): mean += Σd / n, variance = (Σd² − (Σd)² / n) / n.
    ///
    /// A non-finite element makes its column's mean non-finite, so callers can check the
    /// data with these p values instead of another pass over n · p.
    ///
    /// - Returns: two arrays of `columns` values; empty matrices give means 0 and deviations 0.
    public func columnMeansAndStandardDeviations() throws -> (means: [Double], standardDeviations: [Double]) {
        let n = rows, p = columns
        guard n > 0 else { return ([Double](repeating: 0, count: p), [Double](repeating: 0, count: p)) }
        var means = try multiply([Double](repeating: 1 / Double(n), count: n), transposed: true)
        var sums = [Double](repeating: 0, count: p), squares = [Double](repeating: 0, count: p)
        elements.withUnsafeBufferPointer { a in
            sums.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for i in 0..<n {
                        let row = i * p
                        for j in 0..<p {
                            let d = a[row + j] - means[j]
                            s[j] += d
                            q[j] += d * d
                        }
                    }
                }
            }
        }
        let count = Double(n)
        var deviations = [Double](repeating: 0, count: p)
        for j in 0..<p {
            means[j] += sums[j] / count
            deviations[j] = (max(squares[j] - sums[j] * sums[j] / count, 0) / count).squareRoot()
        }
        return (means, deviations)
    }
}
