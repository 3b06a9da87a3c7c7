import COpenBLAS

/// The Cholesky factor A = Uᵀ U of a symmetric positive-definite matrix (LAPACK
/// `dpotrf`), kept so several right-hand sides can be solved (`dpotrs`) for the
/// price of one factorization.
///
/// - Complexity: factoring O(n³/3), each solve O(n²).
public struct CholeskyFactor: Sendable {
    public let order: Int
    /// The factor in LAPACK's column-major layout (upper triangle meaningful).
    private let factor: [Double]

    /// Factors `matrix`, which must be square and symmetric (only its upper triangle is read).
    ///
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` with the order of the first
    ///   leading minor that is not positive definite.
    public init(factoring matrix: Matrix) throws {
        BLASThreading.pin()
        guard matrix.rows == matrix.columns else {
            throw LinearAlgebraError.shapeMismatch("A is \(matrix.rows)×\(matrix.columns), not square")
        }
        order = matrix.rows
        // A symmetric matrix is its own transpose, so row-major storage is already column-major.
        var a = matrix.elements
        if order > 0 {
            var n = Int32(order), lda = Int32(order), info: Int32 = 0
            var uplo = CChar(UInt8(ascii: "U"))
            dpotrf_(&uplo, &n, &a, &lda, &info)
            if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrf", position: Int(-info)) }
            if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: Int(info)) }
        }
        factor = a
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) throws -> [Double] {
        BLASThreading.pin()
        guard b.count == order else { throw LinearAlgebraError.shapeMismatch("b has \(b.count) elements, A is \(order)×\(order)") }
        if order == 0 { return b }
        var x = b
        var n = Int32(order), nrhs: Int32 = 1, lda = Int32(order), ldb = Int32(order), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "U"))
        var a = factor
        dpotrs_(&uplo, &n, &nrhs, &a, &lda, &x, &ldb, &info)
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrs", position: Int(-info)) }
        return x
    }

    /// log det A = 2 Σ log Uᵢᵢ, without forming A's determinant (which would overflow).
    public var logDeterminant: Double {
        (0..<order).reduce(0) { $0 + 2 * log(factor[$1 * order + $1]) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
