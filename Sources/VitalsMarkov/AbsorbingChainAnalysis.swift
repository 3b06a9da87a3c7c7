import VitalsLinearAlgebra

/// What an absorbing chain implies: how long until absorption, where it ends, and how
/// likely absorption is within h periods.
///
/// With P in canonical form [[Q, R], [0, I]] (t transient, a absorbing states):
/// - fundamental matrix N = (I − Q)⁻¹ (t × t): Nᵢⱼ is the expected number of periods
///   spent in j starting from i; solved from (I − Q) N = I with LAPACK `dgesv`, never by
///   inverting;
/// - expected periods to absorption τ = N 1, solved from (I − Q) τ = 1, and its
///   variance (2N − I) τ − τ²;
/// - absorption probabilities B = N R (t × a), solved from (I − Q) B = R;
/// - h-step probabilities Pʰ by repeated squaring with `dgemm`.
///
/// - Precondition for existence: from every transient state some absorbing state is
///   reachable; otherwise I − Q is singular and `init` throws `MarkovError.notAbsorbing`.
public struct AbsorbingChainAnalysis: Sendable {
    public let chain: MarkovChain
    /// N (t × t).
    public let fundamental: Matrix
    /// τᵢ, expected periods until absorption from transient state i (t entries).
    public let expectedPeriodsToAbsorption: [Double]
    /// Var(Tᵢ) of the periods until absorption (t entries).
    public let varianceOfPeriodsToAbsorption: [Double]
    /// Bᵢₐ, probability that transient state i ends in absorbing state a (t × a; rows sum to 1).
    public let absorptionProbabilities: Matrix

    public init(_ chain: MarkovChain) throws {
        let space = chain.space
        guard space.absorbingCount > 0 else { throw MarkovError.notAbsorbing("the chain has no absorbing state") }
        let t = space.transientCount
        var iMinusQ = chain.transientBlock
        for i in 0..<t {
            for j in 0..<t { iMinusQ[i, j] = (i == j ? 1 : 0) - iMinusQ[i, j] }
        }
        // One LU factorization would serve all three right-hand sides; dgesv on [I 1 R] does exactly that.
        var rhs = Matrix(rows: t, columns: t + 1 + space.absorbingCount)
        let r = chain.absorbingBlock
        for i in 0..<t {
            rhs[i, i] = 1
            rhs[i, t] = 1
            for a in 0..<space.absorbingCount { rhs[i, t + 1 + a] = r[i, a] }
        }
        let solution: Matrix
        do {
            solution = try iMinusQ.solve(rhs)
        } catch LinearAlgebraError.singular {
            throw MarkovError.notAbsorbing("some transient state cannot reach an absorbing state, so I − Q is singular")
        }
        var n = Matrix(rows: t, columns: t), b = Matrix(rows: t, columns: space.absorbingCount)
        var tau = [Double](repeating: 0, count: t)
        for i in 0..<t {
            for j in 0..<t { n[i, j] = solution[i, j] }
            tau[i] = solution[i, t]
            for a in 0..<space.absorbingCount { b[i, a] = solution[i, t + 1 + a] }
        }
        guard tau.allSatisfy({ $0.isFinite && $0 >= 1 - 1e-9 }) else {
            throw MarkovError.notAbsorbing("some transient state cannot reach an absorbing state (expected time \(tau))")
        }
        let nTau = try n.multiply(tau)
        self.chain = chain
        self.fundamental = n
        self.expectedPeriodsToAbsorption = tau
        self.varianceOfPeriodsToAbsorption = (0..<t).map { max(2 * nTau[$0] - tau[$0] - tau[$0] * tau[$0], 0) }
        self.absorptionProbabilities = b
    }

    /// E[T | absorbed in a]: expected periods until absorption for the paths that end in
    /// absorbing state a, (N Bₐ)ᵢ / Bᵢₐ (t entries; nil where Bᵢₐ = 0).
    public func expectedPeriodsToAbsorption(into absorbing: Int) throws -> [Double?] {
        let a = absorbing - chain.space.transientCount
        precondition(chain.space.absorbingStates.contains(absorbing), "state \(absorbing) is not absorbing")
        let column = (0..<chain.space.transientCount).map { absorptionProbabilities[$0, a] }
        let weighted = try fundamental.multiply(column)
        return column.indices.map { column[$0] > 0 ? weighted[$0] / column[$0] : nil }
    }

    /// Pʰ, by repeated squaring (O(k³ log h) through `dgemm`). P⁰ = I.
    public func power(_ h: Int) throws -> Matrix {
        precondition(h >= 0, "h must be ≥ 0")
        var result = Matrix.identity(chain.space.count)
        var base = chain.transitions
        var e = h
        while e > 0 {
            if e & 1 == 1 { result = try result.multiply(base) }
            e >>= 1
            if e > 0 { base = try base.multiply(base) }
        }
        return result
    }

    /// P(in absorbing state a within h periods | start in i) = (Pʰ)ᵢₐ, for every state i.
    public func probabilityOfAbsorption(into absorbing: Int, within h: Int) throws -> [Double] {
        precondition(chain.space.absorbingStates.contains(absorbing), "state \(absorbing) is not absorbing")
        let ph = try power(h)
        return (0..<chain.space.count).map { ph[$0, absorbing] }
    }

    /// The quasi-stationary distribution of the transient part: the long-run distribution
    /// over transient states of the entities not yet absorbed, the normalized left Perron
    /// eigenvector of Q, with λ its eigenvalue (so 1 − λ is the long-run absorption rate
    /// per period). Nil when Q's dominant eigenvalue is not real and positive with a
    /// one-signed eigenvector (Q reducible in a way that has no unique limit).
    public func quasiStationaryDistribution() throws -> (distribution: [Double], survival: Double)? {
        let q = chain.transientBlock
        let eigen = try q.transposed.eigenDecomposition()
        guard let k = eigen.real.indices.max(by: { eigen.real[$0] < eigen.real[$1] }) else { return nil }
        guard eigen.imaginary[k] == 0, eigen.real[k] > 0 else { return nil }
        var v = (0..<q.rows).map { eigen.vectors[$0, k] }
        let sum = v.reduce(0, +)
        guard sum != 0 else { return nil }
        v = v.map { $0 / sum }
        guard v.allSatisfy({ $0 >= -1e-12 }) else { return nil }
        return (v.map { max($0, 0) }, eigen.real[k])
    }
}
