import VitalsFoundation
import VitalsMarkov

/// The churn model's Markov columns, a fitted column transformer: an account's health state
/// as of the snapshot date, the chain's probability of churn within the horizon from that
/// state, and the expected months to churn from it.
///
/// The state is written in cumulative form, so that a worse band can only add risk: a 1 in
/// `markov_state=onboarding` for accounts still onboarding, and for each band after the
/// best, `markov_state=at_least_<band>`, 1 when the account's band is that one or worse
/// (bands are ordered best first). Each cumulative column declares `increasing`; the
/// difference between two adjacent bands is one column's coefficient.
///
/// The state comes from the same point-in-time features the row already holds, so these
/// columns are as honest as the rest of the row. Fitted once on the training book
/// (`init(chain:horizonDays:)`), stored with the model, and applied alike to training,
/// evaluation and scoring rows by the `Featurizer`.
public struct HealthStateColumns: Sendable, Equatable, Codable {
    public let rule: FittedHealthStateRule
    /// Every state of the chain, transient first, `churned` last.
    public let states: [String]
    /// The fitted chain's monthly transition matrix (states × states), for reports.
    public let transitions: [[Double]]
    /// P(churned within `horizonMonths` | state), per transient state.
    public let churnProbability: [Double]
    /// Expected months to churn, per state (0 for churned).
    public let expectedMonths: [Double]
    /// ⌈horizon days / 30⌉, at least 1.
    public let horizonMonths: Int

    public init(rule: FittedHealthStateRule, states: [String], transitions: [[Double]], churnProbability: [Double],
                expectedMonths: [Double], horizonMonths: Int) {
        self.rule = rule
        self.states = states
        self.transitions = transitions
        self.churnProbability = churnProbability
        self.expectedMonths = expectedMonths
        self.horizonMonths = horizonMonths
    }

    /// The columns of a fitted health chain for a churn horizon of `horizonDays`.
    public init(chain: AccountHealthChain, horizonDays: Int) throws {
        let horizonMonths = max(1, (horizonDays + 29) / 30)
        let analysis = try AbsorbingChainAnalysis(chain.chain)
        let churned = chain.space.count - 1
        self.init(rule: chain.rule, states: chain.space.names, transitions: chain.chain.matrixRows,
                  churnProbability: try analysis.probabilityOfAbsorption(into: churned, within: horizonMonths),
                  expectedMonths: analysis.expectedPeriodsToAbsorption + [0], horizonMonths: horizonMonths)
    }

    /// The chain's churn forecast month by month: for each transient state s and m = 1 … M,
    /// P(churned by month m | s now) = (e_s Pᵐ)_churned, with P the stored monthly transitions
    /// (churned, absorbing, last). The book forecast of the chain is the sum of these over
    /// the accounts' states (`BookForecast` does the same on a fitted chain).
    ///
    /// - Shapes: transient states × M; each row non-decreasing in m, in [0, 1].
    public func churnedByMonth(months: Int) -> [[Double]] {
        let k = states.count, churned = k - 1
        return (0..<(k - 1)).map { s in
            var v = [Double](repeating: 0, count: k)
            v[s] = 1
            return (1...max(months, 1)).map { _ in
                v = (0..<k).map { j in (0..<k).reduce(0) { $0 + v[$1] * transitions[$1][j] } }
                return v[churned]
            }
        }
    }

    /// The transient states: those a scored account can be in.
    public var transientStates: [String] { Array(states.dropLast()) }

    /// The state's columns (onboarding, then cumulative bands), then the two chain figures.
    public var names: [String] {
        let transient = transientStates
        return ["markov_state=\(transient[0])"] + transient.dropFirst(2).map { "markov_state=at_least_\($0)" }
            + ["markov_churn_probability_\(horizonMonths)m", "markov_expected_months_to_churn"]
    }

    /// Row `r`'s columns given its state `s` (0 onboarding, then the bands best first).
    func values(state s: Int) -> [Double] {
        [s == 0 ? 1.0 : 0.0] + (2..<transientStates.count).map { s >= $0 ? 1.0 : 0.0 } + [churnProbability[s], expectedMonths[s]]
    }
}

extension MarkovChain {
    /// The transition matrix as rows, as model files and reports store it.
    public var matrixRows: [[Double]] {
        (0..<space.count).map { i in (0..<space.count).map { probability(from: i, to: $0) } }
    }
}
