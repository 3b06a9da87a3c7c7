import Foundation
import VitalsFoundation
import VitalsMarkov
import VitalsSignals

/// The account health chain fitted on a signals directory: the state rule with its
/// learned thresholds, the transition counts (global and per segment), and the chains
/// estimated from them.
///
/// States are assigned at month-ends from point-in-time features only: `onboarding`
/// while tenure < `onboarding_days`, then an engagement band (see `HealthStateRule`),
/// and `churned` from the first month-end on or after the churn date.
public struct AccountHealthChain: Sendable {
    public let rule: FittedHealthStateRule
    public let space: StateSpace
    public let counts: TransitionCounts
    public let segmentCounts: [String: TransitionCounts]
    public let chain: MarkovChain
    public let segmentChains: [String: MarkovChain]
    /// The month-ends the chain was fitted on.
    public let months: [Day]

    /// The point-in-time table the states are read from: the account families the rule's
    /// engagement components come from.
    static func stateTable(index: SignalsIndex, months: [Day]) -> SnapshotTable {
        let layout = FeatureLayout(task: .churn, families: [.account, .usage, .support, .nps], segmentLevels: [], projectTypeLevels: [])
        return Featurizer(recipe: FeatureRecipe(pointInTime: layout), index: index).pointInTimeTable(dates: months, requireLabels: false)
    }

    /// Per (account, month-end) states for the months given: `states[m][a]` is the state index
    /// of account a at months[m], or −1 when it is not (yet, or any longer) in the book.
    public static func states(index: SignalsIndex, rule: FittedHealthStateRule, months: [Day]) -> [[Int]] {
        let table = stateTable(index: index, months: months)
        let columns = table.columnOf
        let accounts = index.dataset.accounts
        var states = [[Int]](repeating: [Int](repeating: -1, count: accounts.count), count: months.count)
        let monthIndex = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, $0) })
        for r in 0..<table.rowCount {
            states[monthIndex[table.dates[r]]!][Int(table.entities[r])] = rule.state(of: table.lookup(row: r, columns: columns))
        }
        // Churned from the first month-end on or after the churn date (the chain's absorbing state).
        let churned = rule.rule.bands.count + 1
        if let churnDates = accounts.churnDate {
            for a in 0..<accounts.count {
                guard let churn = churnDates[a], let m = months.firstIndex(where: { $0 >= churn }) else { continue }
                states[m][a] = churned
            }
        }
        return states
    }

    /// Fits the rule's thresholds on the customer month-ends in `months` (past onboarding),
    /// then counts each account's month-to-month transitions.
    public static func fit(index: SignalsIndex, rule: HealthStateRule, estimator: MarkovChainEstimator, months: [Day]) throws -> AccountHealthChain {
        let table = stateTable(index: index, months: months)
        let columns = table.columnOf
        let tenure = columns[FittedHealthStateRule.tenureFeature]!
        let snapshots = (0..<table.rowCount)
            .filter { table.features[$0 * table.columnCount + tenure] >= Double(rule.onboardingDays) }
            .map { table.lookup(row: $0, columns: columns) }
        let fitted = try rule.fit(snapshots)
        let space = try rule.stateSpace()
        let states = Self.states(index: index, rule: fitted, months: months)
        var counts = TransitionCounts(space: space)
        var segmentCounts: [String: TransitionCounts] = [:]
        let segment = index.dataset.accounts.segment
        for a in 0..<index.dataset.accounts.count {
            let name = segment.flatMap { $0[a] }
            for m in 1..<max(1, months.count) {
                let from = states[m - 1][a], to = states[m][a]
                guard from >= 0, to >= 0, !space.isAbsorbing(from) else { continue }
                try counts.add(from: from, to: to)
                if let name {
                    try segmentCounts[name, default: TransitionCounts(space: space)].add(from: from, to: to)
                }
            }
        }
        let chain = try estimator.fit(counts)
        var segmentChains: [String: MarkovChain] = [:]
        for (name, c) in segmentCounts { segmentChains[name] = try estimator.fit(c, shrinkingToward: chain) }
        return AccountHealthChain(rule: fitted, space: space, counts: counts, segmentCounts: segmentCounts,
                                  chain: chain, segmentChains: segmentChains, months: months)
    }
}
