import VitalsFoundation
import VitalsMarkov

/// The churn model's Markov columns, a fitted column transformer: an account's health state
/// as of the snapshot date (one-hot over the transient states), the chain's probability of
/// churn within the horizon from that state, and the expected months to churn from it.
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

    /// The transient states: those a scored account can be in.
    public var transientStates: [String] { Array(states.dropLast()) }

    /// The transient states' one-hot columns, then the two chain figures.
    public var names: [String] {
        transientStates.map { "markov_state=\($0)" } + ["markov_churn_probability_\(horizonMonths)m", "markov_expected_months_to_churn"]
    }

    /// Row `r`'s columns given its state `s`.
    func values(state s: Int) -> [Double] {
        (0..<transientStates.count).map { $0 == s ? 1.0 : 0.0 } + [churnProbability[s], expectedMonths[s]]
    }
}

extension MarkovChain {
    /// The transition matrix as rows, as model files and reports store it.
    public var matrixRows: [[Double]] {
        (0..<space.count).map { i in (0..<space.count).map { probability(from: i, to: $0) } }
    }
}
