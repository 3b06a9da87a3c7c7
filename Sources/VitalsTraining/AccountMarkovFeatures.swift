import Foundation
import VitalsFeatures
import VitalsMarkov
import VitalsSignals

/// The Markov features of the churn model: an account's health state as of the snapshot
/// date (one-hot), the chain's probability of churn within the horizon from that state,
/// and the expected months to churn from it.
///
/// The state comes from the same point-in-time features the row already holds, so the
/// features are as honest as the rest of the row.
public struct AccountMarkovFeatures: Sendable {
    public let chain: AccountHealthChain
    /// P(churned within ⌈horizon / 30⌉ months | state), per state.
    public let churnProbability: [Double]
    /// Expected months to churn, per state (0 for churned).
    public let expectedMonths: [Double]
    public let horizonMonths: Int

    public init(chain: AccountHealthChain, horizonDays: Int) throws {
        self.chain = chain
        horizonMonths = max(1, (horizonDays + 29) / 30)
        let analysis = try AbsorbingChainAnalysis(chain.chain)
        let churned = chain.space.count - 1
        churnProbability = try analysis.probabilityOfAbsorption(into: churned, within: horizonMonths)
        expectedMonths = analysis.expectedPeriodsToAbsorption + [0]
    }

    /// The transient states' one-hot columns, then the two chain figures.
    public var names: [String] {
        chain.space.names.dropLast().map { "markov_state=\($0)" } + ["markov_churn_probability_\(horizonMonths)m", "markov_expected_months_to_churn"]
    }

    /// The state of row r of a churn table (which must hold the rule's features and `tenure_days`).
    public func state(_ table: SnapshotTable, row r: Int) -> Int {
        let row = table.row(r)
        let position = Dictionary(uniqueKeysWithValues: table.featureNames.enumerated().map { ($1, $0) })
        let tenure = row[row.startIndex + position["tenure_days"]!]
        return chain.rule.state(churned: false, tenureDays: Int(tenure)) { name in
            position[name].flatMap { row[row.startIndex + $0].isNaN ? nil : row[row.startIndex + $0] }
        }
    }

    /// The table with the Markov columns appended.
    public func appending(to table: SnapshotTable) -> SnapshotTable {
        let transient = chain.space.transientCount
        return table.appendingColumns(names) { r in
            let s = state(table, row: r)
            var values = (0..<transient).map { $0 == s ? 1.0 : 0.0 }
            values += [churnProbability[s], expectedMonths[s]]
            return values
        }
    }
}
