import Foundation
import VitalsLinearAlgebra

/// The penalized logistic loss, kept apart from any solver (as liblinear's
/// `function` and scikit-learn's `LinearModelLoss` are), so Newton, L-BFGS and
/// coordinate descent all minimize exactly the same objective.
///
/// With η = X w + b and sample weights s (total W = Σ sᵢ):
///
///     f(w, b) = (1/W) Σᵢ sᵢ [log(1 + e^ηᵢ) − yᵢ ηᵢ] + (λ₂/2) ‖w‖² + ½ wᵀ P w
///
/// P is an optional p × p symmetric positive semi-definite penalty matrix (the additive
/// model's smoothness penalty on its spline coefficients, already multiplied by its
/// strength); without it the penalty is the ridge alone. The intercept b is never penalized. An L1 part, λ₁ ‖w‖₁, is not smooth and
/// is handled by the solvers that support it, not here. In scikit-learn's terms
/// (`C`, `l1_ratio` ρ): λ₁ = ρ / (C W) and λ₂ = (1 − ρ) / (C W).
///
/// - Shapes: X is n × p; y, s have n entries; the parameter vector β has p + 1
///   entries, the intercept last.
/// - Properties: f is convex; it is strictly convex in w when λ₂ > 0. Every
///   evaluation is overflow-free for any margin.
public struct LogisticLoss: Sendable {
    /// X: a dense matrix or any other `DesignMatrix`.
    public let x: any DesignMatrix
    /// Targets in [0, 1]: class labels 0/1, or soft targets such as Platt's smoothed ones.
    public let y: [Double]
    /// Non-negative sample weights (class weights already folded in).
    public let sampleWeights: [Double]
    /// λ₂ ≥ 0, the ridge strength on w.
    public let l2: Double
    /// W = Σ sᵢ > 0.
    public let totalWeight: Double
    /// P, p × p, symmetric positive semi-definite; nil for none.
    public let penalty: Matrix?

    public var featureCount: Int { x.columns }

    /// - Precondition: targets in [0, 1], weights ≥ 0 with a positive sum, λ₂ ≥ 0.
    ///   Callers validate these up front and report them as parameter errors.
    public init(x: some DesignMatrix, y: [Double], sampleWeights: [Double]? = nil, l2: Double, penalty: Matrix? = nil) {
        precondition(y.count == x.rows, "y has \(y.count) entries for \(x.rows) rows")
        let s = sampleWeights ?? [Double](repeating: 1, count: x.rows)
        precondition(s.count == x.rows, "\(s.count) sample weights for \(x.rows) rows")
        precondition(l2 >= 0, "l2 must be ≥ 0")
        self.x = x
        self.y = y
        self.sampleWeights = s
        self.l2 = l2
        self.totalWeight = s.reduce(0, +)
        precondition(totalWeight > 0, "sample weights must have a positive sum")
        if let penalty { precondition(penalty.rows == x.columns && penalty.columns == x.columns, "P must be p × p") }
        self.penalty = penalty
    }

    /// η = X w + b.
    public func linearPredictor(_ beta: [Double]) throws -> [Double] {
        let p = featureCount
        precondition(beta.count == p + 1, "β has \(beta.count) entries, expected \(p + 1)")
        let intercept = beta[p]
        return try x.linearPredictor(Array(beta[0..<p]), intercept: intercept)
    }

    /// f(β) and ∇f(β) (p + 1 entries, the intercept's last).
    ///
    /// - Complexity: two passes over X (`dgemv` for a dense matrix; one fused pass for a design
    ///   that can) and one exponential and one `log1p` per row.
    public func valueAndGradient(_ beta: [Double]) throws -> (value: Double, gradient: [Double]) {
        let evaluation = try evaluate(beta, curvature: false)
        return (evaluation.value, evaluation.gradient)
    }

    /// f(β), ∇f(β) and `curvature(β)` from the same pass: what a Newton step refined by
    /// Hessian-vector products needs at each accepted point.
    public func valueGradientAndCurvature(_ beta: [Double]) throws -> (value: Double, gradient: [Double], curvature: [Double]) {
        let evaluation = try evaluate(beta, curvature: true)
        return (evaluation.value, evaluation.gradient, evaluation.curvature!)
    }

    private func evaluate(_ beta: [Double], curvature wanted: Bool) throws -> (value: Double, gradient: [Double], curvature: [Double]?) {
        let p = featureCount
        precondition(beta.count == p + 1, "β has \(beta.count) entries, expected \(p + 1)")
        // The per-row work (an exponential and a log1p) runs on all cores; chunk sums are
        // added in chunk order so the result does not depend on the core count.
        let (y, sampleWeights, totalWeight) = (self.y, self.sampleWeights, self.totalWeight)
        var curvature = [Double](repeating: 0, count: wanted ? x.rows : 0)
        let (partials, product) = try curvature.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            return try x.fusedProduct(
                Array(beta[0..<p]), intercept: beta[p], alpha: 1 / totalWeight, start: { (value: 0.0, intercept: 0.0) },
                row: { partial, i, margin in
                    let s = sampleWeights[i]
                    // One exponential serves both: e = exp(−|η|) never overflows.
                    let e = exp(-abs(margin))
                    partial.value += s * (max(margin, 0) + log1p(e) - y[i] * margin)
                    let sigma = margin >= 0 ? 1 / (1 + e) : e / (1 + e)
                    if !out.isEmpty { out[i] = s * sigma * (1 - sigma) / totalWeight }
                    let r = s * (sigma - y[i])
                    partial.intercept += r
                    return r
                })
        }
        var value = 0.0, interceptGradient = 0.0
        for partial in partials {
            value += partial.value
            interceptGradient += partial.intercept
        }
        var gradient = product
        var ridge = 0.0
        for j in 0..<p {
            gradient[j] += l2 * beta[j]
            ridge += beta[j] * beta[j]
        }
        var quadratic = 0.0
        if let penalty {
            let w = Array(beta[0..<p])
            let pw = try penalty.multiply(w)
            for j in 0..<p { gradient[j] += pw[j] }
            quadratic = Vector.dot(w, pw)
        }
        gradient.append(interceptGradient / totalWeight)
        return (value / totalWeight + 0.5 * l2 * ridge + 0.5 * quadratic, gradient, wanted ? curvature : nil)
    }

    /// ∇²f(β), (p + 1) × (p + 1), the intercept's row and column last:
    /// (1/W) [X 1]ᵀ diag(sᵢ σᵢ (1 − σᵢ)) [X 1] + λ₂ on the diagonal of the w block, + P on it.
    ///
    /// With `rowStride` k > 1 the data term is estimated from every k-th row (scaled by k):
    /// a sub-sampled Hessian for Newton steps on very many rows. The gradient stays
    /// exact, so the minimizer is unchanged; only the steps toward it differ.
    ///
    /// - Complexity: one blocked pass of `dsyrk` over ⌈n / k⌉ rows, O(n p² / k).
    public func hessian(_ beta: [Double], rowStride: Int = 1) throws -> Matrix {
        let p = featureCount
        precondition(beta.count == p + 1, "β has \(beta.count) entries, expected \(p + 1)")
        let eta = try x.sampledLinearPredictor(Array(beta[0..<p]), intercept: beta[p], rowStride: rowStride)
        let scale = Double(rowStride) / totalWeight
        let curvature = eta.indices.map { k -> Double in
            let sigma = Self.sigmoid(eta[k])
            return sampleWeights[k * rowStride] * sigma * (1 - sigma) * scale
        }
        var h = try x.interceptAugmentedGram(weights: curvature, rowStride: rowStride)
        for j in 0..<p { h[j, j] += l2 }
        if let penalty {
            for j in 0..<p { for k in 0..<p where penalty[j, k] != 0 { h[j, k] += penalty[j, k] } }
        }
        return h
    }

    /// The data term's curvature per row at β, cᵢ = sᵢ σᵢ (1 − σᵢ) / W over all n rows: what
    /// `hessianProduct` weighs rows by.
    public func curvature(_ beta: [Double]) throws -> [Double] {
        let eta = try linearPredictor(beta)
        return eta.indices.map { i in
            let sigma = Self.sigmoid(eta[i])
            return sampleWeights[i] * sigma * (1 - sigma) / totalWeight
        }
    }

    /// ∇²f(β) v from `curvature(β)`, exact and without forming the Hessian:
    /// [X 1]ᵀ diag(c) [X 1] v, plus λ₂ and P on the coefficients' part (v has p + 1 entries).
    ///
    /// - Complexity: two passes over X (one where the design fuses them).
    public func hessianProduct(curvature c: [Double], _ v: [Double]) throws -> [Double] {
        let p = featureCount
        precondition(v.count == p + 1 && c.count == x.rows, "v must have p + 1 entries and c n")
        let (partials, product) = try x.fusedProduct(Array(v[0..<p]), intercept: v[p], alpha: 1, start: { 0.0 }, row: { sum, i, u in
            let weighted = c[i] * u
            sum += weighted
            return weighted
        })
        var out = product
        for j in 0..<p { out[j] += l2 * v[j] }
        if let penalty {
            let pv = try penalty.multiply(Array(v[0..<p]))
            for j in 0..<p { out[j] += pv[j] }
        }
        out.append(partials.reduce(0, +))
        return out
    }

    /// log(1 + eˣ) without overflow: x + log1p(e⁻ˣ) for x > 0.
    @inline(__always)
    public static func log1pExp(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    /// σ(x) = 1 / (1 + e⁻ˣ), evaluated on the side where the exponential cannot overflow.
    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}
