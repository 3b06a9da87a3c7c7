import Foundation

/// The hidden monthly health of an account: one of five states.
///
/// The signals never carry the state; usage, tickets, NPS and churn are drawn
/// from it, so they are informative about it and noisy, which is what makes
/// learning from them real work. Every per-state parameter of the model lives
/// here, indexed by `rawValue` (0 = thriving … 4 = critical).
enum LatentHealth: Int, CaseIterable, Sendable {
    case thriving, healthy, steady, atRisk, critical

    var name: String { Self.names[rawValue] }
    static let names = ["thriving", "healthy", "steady", "at_risk", "critical"]

    /// Base monthly transition matrix P (rows: from, columns: to; rows sum to 1).
    /// Each account tilts it by its stickiness (`TransitionModel`).
    static let baseTransitions: [[Double]] = [
        [0.84, 0.13, 0.03, 0.00, 0.00],
        [0.10, 0.78, 0.10, 0.02, 0.00],
        [0.03, 0.17, 0.68, 0.10, 0.02],
        [0.01, 0.06, 0.25, 0.56, 0.12],
        [0.00, 0.02, 0.10, 0.28, 0.60],
    ]

    /// Where a new logo starts: onboarding is neither great nor lost yet.
    static let onboardingMix: [Double] = [0.05, 0.35, 0.45, 0.15, 0.00]

    /// Share of seats active on a working day at this state, before the
    /// account's own propensity, weekday, ramp-up and noise.
    var engagement: Double { [0.80, 0.66, 0.52, 0.36, 0.21][rawValue] }

    /// Probability of not renewing, decided 60–120 days before a renewal.
    var renewalChurn: Double { [0.02, 0.05, 0.12, 0.35, 0.65][rawValue] }

    /// Monthly probability of leaving mid-term (a breach, a bankruptcy, a buy-out).
    var midTermChurn: Double { [0.0, 0.0003, 0.001, 0.004, 0.015][rawValue] }

    /// Multiplier of the account's monthly ticket rate.
    var ticketLoad: Double { [0.6, 0.8, 1.0, 1.6, 2.4][rawValue] }

    /// Mean NPS score of a respondent, before the respondent's own bias.
    var meanNPS: Double { [9.0, 8.0, 7.0, 5.2, 3.4][rawValue] }

    /// Monthly probability of starting an integration project; migrations run at 0.4 × this.
    var expansionRate: Double { [0.020, 0.015, 0.008, 0.003, 0.001][rawValue] }
}

/// One account's monthly transition matrices: the base matrix exponentially
/// tilted toward better states by its stickiness τ,
///
///     P_τ(i → j) ∝ P(i → j) · exp(−τ · j),
///
/// so τ > 0 (large, enterprise accounts) makes better states likelier from
/// every state, τ < 0 worse ones, and τ = 0 is the base matrix. For about six
/// months after an implementation that overran, τ is lowered by `troubleShift`.
struct TransitionModel {
    /// Cumulative rows of the tilted matrix, normal and troubled.
    let normal: [[Double]]
    let troubled: [[Double]]
    /// The stationary distribution of the normal matrix: the mix an established account starts from.
    let stationary: [Double]

    /// How far τ drops while an overrun implementation hurts the relationship.
    static let troubleShift = 0.6

    init(stickiness tau: Double) {
        let plain = Self.tilted(tau)
        normal = plain.map(Self.cumulative)
        troubled = Self.tilted(tau - Self.troubleShift).map(Self.cumulative)
        // Power iteration: the chain mixes within a couple of years (second eigenvalue ≈ 0.8).
        var pi = [Double](repeating: 0.2, count: 5)
        for _ in 0..<60 {
            var next = [Double](repeating: 0, count: 5)
            for i in 0..<5 { for j in 0..<5 { next[j] += pi[i] * plain[i][j] } }
            pi = next
        }
        stationary = pi
    }

    static func tilted(_ tau: Double) -> [[Double]] {
        LatentHealth.baseTransitions.map { row in
            let w = row.enumerated().map { $0.element * exp(-tau * Double($0.offset)) }
            let total = w.reduce(0, +)
            return w.map { $0 / total }
        }
    }

    private static func cumulative(_ row: [Double]) -> [Double] {
        var sum = 0.0
        return row.map { sum += $0; return sum }
    }

    /// The next month's state.
    func step(from state: LatentHealth, troubled isTroubled: Bool, rng: inout RandomSource) -> LatentHealth {
        let row = (isTroubled ? troubled : normal)[state.rawValue]
        let u = rng.uniform() * row[4]
        for j in 0..<4 where u < row[j] { return LatentHealth(rawValue: j)! }
        return .critical
    }
}
