import Foundation

/// Hand-written samplers over `RandomSource`. Each is exact (no normal
/// approximation of a discrete law), so small and large means behave alike and
/// the tests can reason about the model's rates.
extension RandomSource {
    /// Normal(mean, sd) by Box–Muller; the second value of each pair is kept
    /// for the next call.
    ///
    /// - Parameters: sd ≥ 0. Defaults: mean 0, sd 1.
    mutating func normal(_ mean: Double = 0, _ sd: Double = 1) -> Double {
        if !spareNormal.isNaN {
            let z = spareNormal
            spareNormal = .nan
            return mean + sd * z
        }
        let radius = (-2 * log(uniformPositive())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        spareNormal = radius * sin(angle)
        return mean + sd * radius * cos(angle)
    }

    /// exp(Normal(log median, σ)): a positive multiplier with the given median.
    ///
    /// Mean = median · exp(σ²/2). Default median 1.
    mutating func lognormal(median: Double = 1, sigma: Double) -> Double {
        median * exp(normal(0, sigma))
    }

    /// Exponential with the given mean (> 0), by inversion.
    mutating func exponential(mean: Double) -> Double { -mean * log(uniformPositive()) }

    /// Gamma(shape k, scale θ), mean kθ, variance kθ², by Marsaglia & Tsang (2000);
    /// for k < 1 through Gamma(k + 1) · U^(1/k).
    ///
    /// - Parameters: shape > 0, scale > 0.
    mutating func gamma(shape: Double, scale: Double = 1) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1, scale: scale) * pow(uniformPositive(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformPositive()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1 - v + log(v)) {
                return d * v * scale
            }
        }
    }

    /// Beta(a, b), mean a / (a + b), as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a), y = gamma(shape: b)
        return x / (x + y)
    }

    /// Poisson(λ): Knuth's product of uniforms below λ = 10, Hörmann's
    /// transformed rejection with squeeze (PTRS, 1993) above, as numpy does.
    ///
    /// - Parameters: λ ≥ 0 (0 and below give 0).
    mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda < 10 {
            let limit = exp(-lambda)
            var k = 0
            var product = uniform()
            while product > limit {
                k += 1
                product *= uniform()
            }
            return k
        }
        let slam = lambda.squareRoot(), logLambda = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5, v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(inverseAlpha) - log(a / (us * us) + b) <= -lambda + k * logLambda - Self.logGamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Binomial(n, p): waiting-time inversion when n·min(p, 1−p) < 10, Hörmann's
    /// BTRS transformed rejection above (as in TensorFlow's sampler).
    ///
    /// - Parameters: n ≥ 0; p is clamped to [0, 1].
    mutating func binomial(_ n: Int, _ p: Double) -> Int {
        guard n > 0, p > 0 else { return 0 }
        guard p < 1 else { return n }
        if p > 0.5 { return n - binomial(n, 1 - p) }
        let count = Double(n)
        if count * p < 10 {
            // Successes are the geometric gaps that fit in n trials.
            let logQ = log1p(-p)
            var trials = 0.0, successes = 0
            while true {
                trials += (log(uniformPositive()) / logQ).rounded(.up)
                if trials > count { return successes }
                successes += 1
            }
        }
        let sd = (count * p * (1 - p)).squareRoot()
        let b = 1.15 + 2.53 * sd
        let a = -0.0873 + 0.0248 * b + 0.01 * p
        let c = count * p + 0.5
        let vr = 0.92 - 4.2 / b
        let r = p / (1 - p)
        let alpha = (2.83 + 5.1 / b) * sd
        let m = ((count + 1) * p).rounded(.down)
        while true {
            let u = uniform() - 0.5
            var v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + c).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || k > count { continue }
            v = log(v * alpha / (a / (us * us) + b))
            let bound = (m + 0.5) * log((m + 1) / (r * (count - m + 1)))
                + (count + 1) * log((count - m + 1) / (count - k + 1))
                + (k + 0.5) * log(r * (count - k + 1) / (k + 1))
                + Self.stirlingTail(m) + Self.stirlingTail(count - m)
                - Self.stirlingTail(k) - Self.stirlingTail(count - k)
            if v <= bound { return Int(k) }
        }
    }

    /// An index drawn with probability weights[i] / Σ weights (weights ≥ 0, not all 0).
    mutating func categorical(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var u = uniform() * total
        for i in weights.indices {
            u -= weights[i]
            if u < 0 { return i }
        }
        // Rounding can leave u at 0 after the last weight: take the last positive one.
        return weights.lastIndex(where: { $0 > 0 }) ?? weights.count - 1
    }

    /// One element of a non-empty array, uniformly.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(below(UInt64(items.count)))] }

    /// log Γ(x) for x ≥ 1 by the Stirling series, shifted up to x ≥ 7 (numpy's
    /// `random_loggam`), so the result does not depend on the platform's libm `lgamma`.
    static func logGamma(_ x: Double) -> Double {
        if x == 1 || x == 2 { return 0 }
        let coefficients = [
            8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
            8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
            1.796443723688307e-01, -1.39243221690590e+00,
        ]
        let shift = x < 7 ? Int(7 - x) : 0
        var x0 = x + Double(shift)
        let x2 = 1 / (x0 * x0)
        var series = coefficients[9]
        for k in stride(from: 8, through: 0, by: -1) { series = series * x2 + coefficients[k] }
        var result = series / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * log(x0) - x0
        for _ in 0..<shift {
            x0 -= 1
            result -= log(x0)
        }
        return result
    }

    /// log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π], the tail of Stirling's series.
    static func stirlingTail(_ k: Double) -> Double {
        let table = [
            0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
            0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
        ]
        if k <= 9 { return table[Int(k)] }
        let kp1sq = (k + 1) * (k + 1)
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)
    }
}
