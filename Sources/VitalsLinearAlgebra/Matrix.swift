// VitalsLinearAlgebra: `Matrix` and the BLAS/LAPACK kernels the maths needs, on OpenBLAS
// (the only importer of COpenBLAS), with sums kept in one order so results do not depend on
// the thread count.

/// A dense, row-major matrix of `Double`.
///
/// Element (i, j) lives at `elements[i * columns + j]`. Row-major matches how
/// feature tables are laid out (one row per entity); the LAPACK wrappers take
/// care of the Fortran routines' column-major convention.
///
/// - Shape: `rows × columns`, both ≥ 0; `elements.count == rows * columns`.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var elements: [Double]

    /// A `rows × columns` matrix with every element equal to `value` (default 0).
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major storage; `elements.count` must equal `rows * columns`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        precondition(elements.count == rows * columns, "expected \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from nested rows; every row must have the same length.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The transpose, `columns × rows`.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t.elements[j * rows + i] = elements[i * columns + j] }
        }
        return t
    }
}

extension Matrix {
    /// The rows at `indices`, in that order: a |indices| × columns copy.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        for (r, i) in indices.enumerated() {
            out.elements.replaceSubrange((r * columns)..<((r + 1) * columns), with: elements[(i * columns)..<((i + 1) * columns)])
        }
        return out
    }
}
