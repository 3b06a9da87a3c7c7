/// Estimates a `MarkovChain` from transition counts: the posterior mean under a
/// Dirichlet prior on each transient row.
///
/// Global chain, with additive smoothing s:
///
///     αᵢⱼ = nᵢⱼ + s        for every allowed cell of transient row i
///     Pᵢⱼ = αᵢⱼ / Σₖ αᵢₖ
///
/// Segment chain, shrunk toward the global chain P⁽ᵍ⁾ with strength κ:
///
///     αᵢⱼ = nᵢⱼ + κ · P⁽ᵍ⁾ᵢⱼ   so   Pᵢⱼ = (nᵢ / (nᵢ + κ)) · n̂ᵢⱼ + (κ / (nᵢ + κ)) · P⁽ᵍ⁾ᵢⱼ
///
/// A segment row with few transitions (nᵢ ≪ κ) stays near the global row; one with
/// many (nᵢ ≫ κ) follows its own data. Both are conjugate updates, so the posterior
/// gives each probability a credible interval (`MarkovChain.credibleInterval`).
public struct MarkovChainEstimator: Sendable, Equatable {
    /// Pseudo-count s added to every allowed cell of the global chain. Default 0.5
    /// (Jeffreys' prior); range [0, ∞). 0 is the maximum-likelihood chain, which needs
    /// every transient state to have been left at least once.
    public var smoothing: Double
    /// κ, how many transitions' worth of weight the global row gets in a segment's row.
    /// Default 20; range [0, ∞). 0 fits each segment on its own data (with `smoothing`).
    public var shrinkage: Double

    public init(smoothing: Double = 0.5, shrinkage: Double = 20) {
        self.smoothing = smoothing
        self.shrinkage = shrinkage
    }

    public func validate() throws(MarkovError) {
        guard smoothing >= 0, smoothing.isFinite else {
            throw .invalidParameter(name: "smoothing", value: "\(smoothing)", rule: "must be a finite number ≥ 0")
        }
        guard shrinkage >= 0, shrinkage.isFinite else {
            throw .invalidParameter(name: "shrinkage", value: "\(shrinkage)", rule: "must be a finite number ≥ 0")
        }
    }

    /// The global chain: counts plus `smoothing` on every allowed cell.
    public func fit(_ counts: TransitionCounts) throws(MarkovError) -> MarkovChain {
        try validate()
        let space = counts.space
        var alpha = [[Double]](repeating: [Double](repeating: 0, count: space.count), count: space.count)
        for i in space.transientStates {
            for j in 0..<space.count where space.allowed[i][j] {
                alpha[i][j] = Double(counts.counts[i][j]) + smoothing
            }
            guard alpha[i].reduce(0, +) > 0 else { throw .emptyRow(state: space.names[i]) }
        }
        return MarkovChain(space: space, posterior: alpha, counts: counts)
    }

    /// A segment's chain, shrunk toward `global` (fitted on all segments) by `shrinkage`.
    /// With `shrinkage` 0 it is `fit(counts)`.
    public func fit(_ counts: TransitionCounts, shrinkingToward global: MarkovChain) throws(MarkovError) -> MarkovChain {
        try validate()
        guard counts.space == global.space else { throw .shapeMismatch("segment and global chains have different state spaces") }
        if shrinkage == 0 { return try fit(counts) }
        let space = counts.space
        var alpha = [[Double]](repeating: [Double](repeating: 0, count: space.count), count: space.count)
        for i in space.transientStates {
            for j in 0..<space.count where space.allowed[i][j] {
                alpha[i][j] = Double(counts.counts[i][j]) + shrinkage * global.transitions[i, j]
            }
        }
        return MarkovChain(space: space, posterior: alpha, counts: counts)
    }
}
