import Foundation

/// The Beta(a, b) distribution's CDF and quantile, for the marginal credible intervals
/// of Dirichlet posteriors (each pᵢⱼ ~ Beta(αᵢⱼ, Σₖ αᵢₖ − αᵢⱼ)).
enum BetaDistribution {
    /// The regularized incomplete beta function Iₓ(a, b), by its continued fraction
    /// (modified Lentz), using the symmetry Iₓ(a, b) = 1 − I₁₋ₓ(b, a) where the fraction
    /// converges fastest. Accurate to about 1e-14 for a, b in [1e-3, 1e7].
    static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var term = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + term * d; if abs(d) < tiny { d = tiny }
            c = 1 + term / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + term * d; if abs(d) < tiny { d = tiny }
            c = 1 + term / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The q-quantile x with Iₓ(a, b) = q, by bisection on the monotone CDF (to 1e-15
    /// in x). Degenerate parameters (a = 0 or b = 0) put all mass at 0 or 1.
    static func quantile(_ q: Double, a: Double, b: Double) -> Double {
        if a <= 0 { return 0 }
        if b <= 0 { return 1 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid, a: a, b: b) < q { lo = mid } else { hi = mid }
            if hi - lo < 1e-15 { break }
        }
        return 0.5 * (lo + hi)
    }
}

extension MarkovChain {
    /// The equal-tailed credible interval of P(i → j) at `level` (default 0.95), from the
    /// row's Dirichlet posterior: its marginal is Beta(αᵢⱼ, Σₖ αᵢₖ − αᵢⱼ).
    ///
    /// Absorbing rows are fixed by definition: their interval is the point itself.
    public func credibleInterval(from i: Int, to j: Int, level: Double = 0.95) -> ClosedRange<Double> {
        precondition(level > 0 && level < 1, "level must be in (0, 1)")
        if space.isAbsorbing(i) { return transitions[i, j]...transitions[i, j] }
        let a = posterior[i][j], b = posterior[i].reduce(0, +) - a
        let tail = (1 - level) / 2
        return BetaDistribution.quantile(tail, a: a, b: b)...BetaDistribution.quantile(1 - tail, a: a, b: b)
    }
}
