/// A failure reported by a LAPACK routine through its `info` argument.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// `info < 0`: argument number `-info` had an illegal value. A bug in Vitals, not in the data.
    case illegalArgument(routine: String, position: Int)
    /// `info > 0` from a Cholesky routine: the leading minor of this order is not positive definite.
    case notPositiveDefinite(routine: String, order: Int)
    /// `info > 0` from an LU routine: U(i, i) is exactly zero, so the matrix is singular.
    case singular(routine: String, index: Int)
    /// `info > 0` from an eigenvalue routine: the QR algorithm did not converge.
    case noConvergence(routine: String, info: Int)
    /// Operand shapes do not fit together.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, position):
            return "\(routine): argument \(position) had an illegal value"
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (leading minor of order \(order)); add regularization or drop collinear columns"
        case let .singular(routine, index):
            return "\(routine): the matrix is singular (U(\(index),\(index)) = 0)"
        case let .noConvergence(routine, info):
            return "\(routine): the algorithm failed to converge (info = \(info))"
        case let .shapeMismatch(message):
            return "shape mismatch: \(message)"
        }
    }
}
