import VitalsLinearAlgebra

/// What the logistic loss needs of its n × p design X: products with X and Xᵀ, and the
/// weighted Gram matrix of a systematic row sample. A dense `Matrix` is one; the additive
/// model's binned design (a cell index per row and a small table of basis values per
/// feature) is another, whose products never form the n × p matrix.
///
/// Every method returns the same values, to rounding, as the same operation on the dense
/// matrix the design stands for.
public protocol DesignMatrix: Sendable {
    /// n.
    var rows: Int { get }
    /// p.
    var columns: Int { get }
    /// η = X w + b: n values (w has p entries).
    func linearPredictor(_ w: [Double], intercept b: Double) throws -> [Double]
    /// α Xᵀ r: p values (r has n entries).
    func transposedProduct(_ r: [Double], alpha: Double) throws -> [Double]
    /// X w + b on the rows 0, k, 2k, … (k = `rowStride`): ⌈n / k⌉ values.
    func sampledLinearPredictor(_ w: [Double], intercept b: Double, rowStride: Int) throws -> [Double]
    /// [X 1]ᵀ diag(c) [X 1] over the rows 0, k, 2k, …: (p + 1) × (p + 1), the ones' row and
    /// column last (c has ⌈n / k⌉ entries).
    func interceptAugmentedGram(weights: [Double], rowStride: Int) throws -> Matrix
    /// Column means and population standard deviations (p each).
    func columnMeansAndStandardDeviations() throws -> (means: [Double], standardDeviations: [Double])
    /// α Xᵀ r with rᵢ = `row`(state, i, ηᵢ) and η = X w + b: a gradient's two products, which
    /// a design may do in one pass. `row` runs once per row, in fixed row chunks (`RowChunks`
    /// over n rows), each chunk on its own state from `start`; the states come back in chunk
    /// order, so sums over them do not depend on the core count.
    func fusedProduct<State: Sendable>(_ w: [Double], intercept b: Double, alpha: Double, start: @Sendable () -> State,
                                       row: @Sendable (inout State, Int, Double) -> Double) throws -> (states: [State], product: [Double])
}

extension DesignMatrix {
    /// The two products one after the other, with r kept in between.
    public func fusedProduct<State: Sendable>(_ w: [Double], intercept b: Double, alpha: Double, start: @Sendable () -> State,
                                              row: @Sendable (inout State, Int, Double) -> Double) throws -> (states: [State], product: [Double])
    {
        let eta = try linearPredictor(w, intercept: b)
        var r = [Double](repeating: 0, count: rows)
        let states = r.withUnsafeMutableBufferPointer { buffer -> [State] in
            nonisolated(unsafe) let out = buffer
            return RowChunks(rows: rows).map { range in
                var state = start()
                for i in range { out[i] = row(&state, i, eta[i]) }
                return state
            }
        }
        return (states, try transposedProduct(r, alpha: alpha))
    }
}

extension Matrix: DesignMatrix {
    public func linearPredictor(_ w: [Double], intercept b: Double) throws -> [Double] {
        try multiply(w, beta: 1, adding: [Double](repeating: b, count: rows))
    }

    public func transposedProduct(_ r: [Double], alpha: Double) throws -> [Double] {
        try multiply(r, transposed: true, alpha: alpha)
    }

    public func sampledLinearPredictor(_ w: [Double], intercept b: Double, rowStride: Int) throws -> [Double] {
        try multiplySampledRows(w, rowStride: rowStride, adding: b)
    }
}

/// The columns `kept` of another design, in that order: what a fit on a design with constant
/// columns solves after dropping them, without copying the data.
///
/// - Shapes: n × |kept|; products map w (|kept| entries) to the full design's p with zeros.
public struct ColumnSubsetDesign: DesignMatrix {
    public let base: any DesignMatrix
    public let kept: [Int]

    public init(_ base: any DesignMatrix, kept: [Int]) {
        precondition(kept.allSatisfy { (0..<base.columns).contains($0) }, "a kept column is outside the design")
        self.base = base
        self.kept = kept
    }

    public var rows: Int { base.rows }
    public var columns: Int { kept.count }

    private func widen(_ w: [Double]) -> [Double] {
        var full = [Double](repeating: 0, count: base.columns)
        for (k, j) in kept.enumerated() { full[j] = w[k] }
        return full
    }

    public func linearPredictor(_ w: [Double], intercept b: Double) throws -> [Double] {
        try base.linearPredictor(widen(w), intercept: b)
    }

    public func transposedProduct(_ r: [Double], alpha: Double) throws -> [Double] {
        let full = try base.transposedProduct(r, alpha: alpha)
        return kept.map { full[$0] }
    }

    public func sampledLinearPredictor(_ w: [Double], intercept b: Double, rowStride: Int) throws -> [Double] {
        try base.sampledLinearPredictor(widen(w), intercept: b, rowStride: rowStride)
    }

    public func interceptAugmentedGram(weights: [Double], rowStride: Int) throws -> Matrix {
        let full = try base.interceptAugmentedGram(weights: weights, rowStride: rowStride)
        let index = kept + [base.columns]
        var out = Matrix(rows: index.count, columns: index.count)
        for (a, i) in index.enumerated() { for (b, j) in index.enumerated() { out[a, b] = full[i, j] } }
        return out
    }

    public func columnMeansAndStandardDeviations() throws -> (means: [Double], standardDeviations: [Double]) {
        let (means, deviations) = try base.columnMeansAndStandardDeviations()
        return (kept.map { means[$0] }, kept.map { deviations[$0] })
    }
}
