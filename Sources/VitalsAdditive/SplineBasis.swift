// VitalsAdditive: the additive model on the logistic core. Each feature gets a shape
// function (a cumulative B-spline basis with a difference penalty, or a straight line), the
// columns go through the one logistic fit, and declared directions become bounds on the
// coefficients. The fitted value keeps the shapes exactly, so the drivers add up.

import Foundation

/// A clamped B-spline basis of degree k on [lower, upper] with interior knots τ₁ < … < τₘ,
/// and its cumulative (I-spline) form.
///
/// The full knot vector is t = (lower ×(k+1), τ₁, …, τₘ, upper ×(k+1)); there are
/// K = m + k + 1 basis functions B₀ … B_{K−1}, non-negative, with Σᵢ Bᵢ(x) = 1 on the
/// interval (de Boor). The cumulative functions Iⱼ(x) = Σ_{i ≥ j} Bᵢ(x), j = 1 … K − 1, each
/// rise from 0 at `lower` to 1 at `upper` and never fall, so f(x) = Σⱼ δⱼ Iⱼ(x) is a spline
/// whose B-spline coefficients are the running sums of δ: it never falls when every δⱼ ≥ 0
/// and never rises when every δⱼ ≤ 0. A value outside [lower, upper] is clamped to it (the
/// shape is flat beyond the training range).
///
/// - Shapes: `values(at:)` gives K numbers, `cumulative(at:)` K − 1, each in [0, 1].
public struct SplineBasis: Sendable, Equatable, Codable {
    /// k: 1 (piecewise linear, for features with few distinct values) or 3 (cubic).
    public let degree: Int
    public let lower: Double
    public let upper: Double
    /// τ, strictly increasing, strictly inside (lower, upper).
    public let interiorKnots: [Double]

    /// - Precondition: lower < upper, degree ≥ 1, interior knots increasing inside (lower, upper).
    public init(degree: Int, lower: Double, upper: Double, interiorKnots: [Double]) {
        precondition(degree >= 1 && lower < upper, "a basis needs degree ≥ 1 and lower < upper")
        precondition(zip([lower] + interiorKnots, interiorKnots + [upper]).allSatisfy { $0 < $1 }, "knots must increase strictly inside the range")
        self.degree = degree
        self.lower = lower
        self.upper = upper
        self.interiorKnots = interiorKnots
    }

    enum CodingKeys: String, CodingKey { case degree, lower, upper, interiorKnots = "interior_knots" }

    /// K = m + k + 1.
    public var basisCount: Int { interiorKnots.count + degree + 1 }
    /// K − 1: the columns of the cumulative form.
    public var cumulativeCount: Int { basisCount - 1 }

    /// t, of length K + k + 1.
    var fullKnots: [Double] {
        [Double](repeating: lower, count: degree + 1) + interiorKnots + [Double](repeating: upper, count: degree + 1)
    }

    /// The span s with t[s] ≤ x < t[s+1] among k … K − 1 (x = upper falls in the last one), and
    /// the k + 1 basis values B_{s−k} … B_s that can be non-zero there (de Boor's triangle, as
    /// in Piegl & Tiller's algorithm A2.2), written into `n` (k + 1 entries) with `left` and
    /// `right` as scratch (k + 1 entries each): no allocation, as the design's inner loop needs.
    func nonZeroValues(at value: Double, knots t: UnsafeBufferPointer<Double>, into n: UnsafeMutablePointer<Double>,
                       left: UnsafeMutablePointer<Double>, right: UnsafeMutablePointer<Double>) -> Int {
        let x = min(max(value, lower), upper)
        let k = degree, K = basisCount
        // Binary search over the interior breakpoints.
        var low = k, high = K - 1
        if x >= t[K] { low = K - 1 } else {
            while low < high {
                let mid = (low + high + 1) / 2
                if t[mid] <= x { low = mid } else { high = mid - 1 }
            }
        }
        let span = low
        n[0] = 1
        for j in 1...k {
            left[j] = x - t[span + 1 - j]
            right[j] = t[span + j] - x
            var saved = 0.0
            for r in 0..<j {
                let temp = n[r] / (right[r + 1] + left[j - r])
                n[r] = saved + right[r + 1] * temp
                saved = left[j - r] * temp
            }
            n[j] = saved
        }
        return span
    }

    /// `nonZeroValues` with its own scratch, for the occasional single evaluation.
    func nonZeroValues(at value: Double, knots t: [Double]) -> (span: Int, values: [Double]) {
        var n = [Double](repeating: 0, count: degree + 1), left = n, right = n
        let span = t.withUnsafeBufferPointer { tp in
            n.withUnsafeMutableBufferPointer { np in
                left.withUnsafeMutableBufferPointer { lp in
                    right.withUnsafeMutableBufferPointer { rp in
                        nonZeroValues(at: value, knots: tp, into: np.baseAddress!, left: lp.baseAddress!, right: rp.baseAddress!)
                    }
                }
            }
        }
        return (span, n)
    }

    /// B₀(x) … B_{K−1}(x).
    public func values(at x: Double) -> [Double] {
        let (span, nonZero) = nonZeroValues(at: x, knots: fullKnots)
        var out = [Double](repeating: 0, count: basisCount)
        for (r, v) in nonZero.enumerated() { out[span - degree + r] = v }
        return out
    }

    /// I₁(x) … I_{K−1}(x), Iⱼ = Σ_{i ≥ j} Bᵢ: written into `out` (K − 1 entries), with
    /// `scratch` holding 3 (k + 1) doubles.
    func cumulative(at x: Double, knots t: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                    scratch: UnsafeMutablePointer<Double>) {
        let k1 = degree + 1
        let nonZero = scratch
        let span = nonZeroValues(at: x, knots: t, into: nonZero, left: scratch + k1, right: scratch + 2 * k1)
        let first = span - degree  // the first basis function that can be non-zero
        // Iⱼ = 1 below the non-zero ones (all the mass lies at or above j), 0 above them;
        // between, the running sum from the top.
        for j in 1..<basisCount where j <= first { out[j - 1] = 1 }
        for j in max(first + 1, 1)..<basisCount { out[j - 1] = 0 }
        var sum = 0.0
        var j = span
        while j > first && j >= 1 {
            sum += nonZero[j - first]
            out[j - 1] = min(sum, 1)
            j -= 1
        }
    }

    /// I₁(x) … I_{K−1}(x).
    public func cumulative(at x: Double) -> [Double] {
        var out = [Double](repeating: 0, count: cumulativeCount), scratch = [Double](repeating: 0, count: 3 * (degree + 1))
        let t = fullKnots
        t.withUnsafeBufferPointer { k in
            out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { cumulative(at: x, knots: k, into: o, scratch: $0.baseAddress!) } }
        }
        return out
    }
}

extension SplineBasis {
    /// Decoding checks what the initializer's preconditions would: a damaged file is an
    /// error, not a crash.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let degree = try c.decode(Int.self, forKey: .degree)
        let lower = try c.decode(Double.self, forKey: .lower), upper = try c.decode(Double.self, forKey: .upper)
        let knots = try c.decode([Double].self, forKey: .interiorKnots)
        guard (1...3).contains(degree), lower.isFinite, upper.isFinite, lower < upper, knots.allSatisfy(\.isFinite),
              zip([lower] + knots, knots + [upper]).allSatisfy({ $0 < $1 })
        else {
            throw DecodingError.dataCorruptedError(forKey: .interiorKnots, in: c,
                                                   debugDescription: "a spline basis needs degree 1…3 and finite knots increasing strictly from lower to upper")
        }
        self.init(degree: degree, lower: lower, upper: upper, interiorKnots: knots)
    }
}
