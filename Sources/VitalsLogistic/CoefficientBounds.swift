/// Box constraints on a model's coefficients, lᵢ ≤ wᵢ ≤ uᵢ (glmnet's `lower.limits` and
/// `upper.limits`): how a declared direction is enforced. A feature that may only raise the
/// risk gets [0, ∞), one that may only lower it (−∞, 0]. The intercept is never bounded.
///
/// - Shapes: `lower` and `upper` have one entry per coefficient (p), lᵢ ≤ 0 ≤ uᵢ, so that
///   w = 0 is always feasible and every solver can start there.
public struct CoefficientBounds: Sendable, Equatable {
    public let lower: [Double]
    public let upper: [Double]

    /// - Precondition: equal lengths and lᵢ ≤ 0 ≤ uᵢ (callers build them from directions).
    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "\(lower.count) lower and \(upper.count) upper bounds")
        precondition(zip(lower, upper).allSatisfy { $0 <= 0 && 0 <= $1 }, "bounds must contain 0")
        self.lower = lower
        self.upper = upper
    }

    /// No constraint on any of `count` coefficients.
    public static func unbounded(_ count: Int) -> CoefficientBounds {
        CoefficientBounds(lower: [Double](repeating: -.infinity, count: count), upper: [Double](repeating: .infinity, count: count))
    }

    public var count: Int { lower.count }
    /// Whether any coefficient is constrained.
    public var isActive: Bool { lower.contains { $0 > -.infinity } || upper.contains { $0 < .infinity } }

    /// The bounds of the coefficients at `indices`, in that order.
    public func subset(_ indices: [Int]) -> CoefficientBounds {
        CoefficientBounds(lower: indices.map { lower[$0] }, upper: indices.map { upper[$0] })
    }

    /// β with its first p entries clipped into the box (an intercept after them is left alone).
    public func project(_ beta: [Double]) -> [Double] {
        var out = beta
        for i in 0..<count { out[i] = min(max(out[i], lower[i]), upper[i]) }
        return out
    }
}
