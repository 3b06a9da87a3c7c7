// VitalsMarkov: the maths of absorbing Markov chains and nothing about customers. State
// spaces, transition counts, Dirichlet estimation with smoothing and shrinkage, credible
// intervals, absorption analysis and the book forecast. The state rules live in VitalsFeatures.

import VitalsLinearAlgebra

/// A discrete-time Markov chain over a `StateSpace`: row i of `transitions` is the
/// distribution of next period's state given state i.
///
/// - Invariants: every row is stochastic (entries ≥ 0 summing to 1 within 1e-12);
///   absorbing rows are unit rows; forbidden cells are 0.
/// - The Dirichlet parameters behind each row (`posterior`) are kept, so every
///   probability comes with a credible interval.
public struct MarkovChain: Sendable, Equatable {
    public let space: StateSpace
    /// P, k × k, row-stochastic, in the canonical order (transient first).
    public let transitions: Matrix
    /// Dirichlet posterior parameters α[i][j] of each transient row (counts plus prior);
    /// the posterior mean is α[i][j] / Σⱼ α[i][j] = P[i][j]. Absorbing rows hold 0s.
    public let posterior: [[Double]]
    /// The transition counts the chain was estimated from.
    public let counts: TransitionCounts

    init(space: StateSpace, posterior: [[Double]], counts: TransitionCounts) {
        let k = space.count
        var p = Matrix(rows: k, columns: k)
        for i in 0..<k {
            if space.isAbsorbing(i) {
                p[i, i] = 1
                continue
            }
            let total = posterior[i].reduce(0, +)
            for j in 0..<k { p[i, j] = posterior[i][j] / total }
        }
        self.space = space
        self.transitions = p
        self.posterior = posterior
        self.counts = counts
    }

    /// P(next = j | now = i).
    public func probability(from i: Int, to j: Int) -> Double { transitions[i, j] }

    /// The transient-to-transient block Q (t × t).
    public var transientBlock: Matrix { block(rows: space.transientStates, columns: space.transientStates) }
    /// The transient-to-absorbing block R (t × a).
    public var absorbingBlock: Matrix { block(rows: space.transientStates, columns: space.absorbingStates) }

    private func block(rows: Range<Int>, columns: Range<Int>) -> Matrix {
        var m = Matrix(rows: rows.count, columns: columns.count)
        for (r, i) in rows.enumerated() {
            for (c, j) in columns.enumerated() { m[r, c] = transitions[i, j] }
        }
        return m
    }
}
