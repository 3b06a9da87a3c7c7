/// xoshiro256** (Blackman & Vigna, 2018) seeded through SplitMix64.
///
/// The standard library has no seeded generator, and its `random(in:using:)`
/// algorithms are not promised to stay the same between releases, so every
/// draw the simulator makes goes through this type and its own samplers
/// (`RandomSource+Distributions.swift`): the same seed gives the same bytes on
/// every build.
///
/// - Streams: `init(seed:account:purpose:index:)` derives an independent
///   stream for each (account, purpose, index). An account's usage never
///   shares draws with its tickets, and one account never shares draws with
///   another, so changing one part of the model leaves the rest of the book
///   as it was, and accounts can be generated in any order or in parallel.
/// - Period: 2²⁵⁶ − 1; equidistributed in 4 dimensions.
struct RandomSource: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// The second normal of the last Box–Muller pair, or NaN when used up.
    var spareNormal = Double.nan

    /// What a stream is used for; its raw value is hashed into the stream's seed.
    enum Purpose: UInt64 {
        case profile = 1, latent, churn, usage, tickets, nps, projects, project
    }

    /// A stream for one purpose of one account. `index` tells apart several
    /// streams of the same purpose (one per project, say).
    init(seed: UInt64, account: Int, purpose: Purpose, index: Int = 0) {
        // Chaining SplitMix64 finalizers keeps nearby (account, purpose) pairs far apart.
        var key = RandomSource.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        key = RandomSource.mix(key ^ UInt64(truncatingIfNeeded: account))
        key = RandomSource.mix(key ^ purpose.rawValue)
        key = RandomSource.mix(key ^ UInt64(truncatingIfNeeded: index))
        self.init(state: key)
    }

    /// Expands 64 bits of seed into the 256-bit state by SplitMix64, as the
    /// xoshiro authors recommend (the state is then never all zero).
    init(state seed: UInt64) {
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            return RandomSource.mix(x)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// A generator with exactly this state (not all zero), for checking against reference vectors.
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = words
    }

    /// The SplitMix64 output function: a bijective avalanche of 64 bits.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform on [0, 1): the top 53 bits as the mantissa.
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform on [lo, hi).
    @inline(__always)
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    @inline(__always)
    mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// An unbiased integer in [0, n) by Lemire's multiply-and-reject (2019).
    ///
    /// - Precondition: n > 0.
    mutating func below(_ n: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold { product = next().multipliedFullWidth(by: n) }
        }
        return product.high
    }

    /// An unbiased integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        return width == 0 ? Int(bitPattern: UInt(next())) : range.lowerBound + Int(below(width))
    }

    @inline(__always)
    mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }
}
