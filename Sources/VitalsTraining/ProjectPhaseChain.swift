import Foundation
import VitalsFeatures
import VitalsMarkov
import VitalsSignals

/// The project phase chain of the overrun task: each in-flight project's weekly state
/// (on_track, watch, off_track from `ProjectPhaseRule`) and how it ends
/// (delivered_within_budget or delivered_over by the overrun label). The absorption
/// probability into `delivered_over` is the chain's overrun probability.
///
/// A project's sequence is its state at each Sunday while in flight, then its outcome at
/// the first Sunday on or after it ended. Cancelled projects and projects still running
/// at the end of the data contribute their in-flight transitions only.
public struct ProjectPhaseChain: Sendable {
    public let rule: ProjectPhaseRule
    public let chain: MarkovChain
    public let analysis: AbsorbingChainAnalysis
    /// P(delivered_over | state) for the three transient states.
    public let overrunProbability: [Double]
    /// Expected weeks until delivery from each transient state.
    public let expectedWeeks: [Double]

    public static func fit(index: SignalsIndex, rule: ProjectPhaseRule, estimator: MarkovChainEstimator, weeks: [Day],
                           tolerance: Double, graceDays: Int) throws -> ProjectPhaseChain {
        let space = try rule.stateSpace()
        var counts = TransitionCounts(space: space)
        if let projects = index.dataset.projects, weeks.count >= 2 {
            let builder = SnapshotBuilder(index: index, tolerance: tolerance, graceDays: graceDays)
            let table = builder.table(layout: builder.layout(task: .overrun), dates: weeks, requireLabels: false)
            let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
            var states = [[Int]](repeating: [Int](repeating: -1, count: weeks.count), count: projects.count)
            for r in 0..<table.rowCount {
                states[Int(table.entities[r])][weekIndex[table.dates[r]]!] = Self.state(rule, table, row: r)
            }
            for p in 0..<projects.count {
                // The outcome, at the first week on or after the end, for completed projects ending in the window.
                if projects.status[p] == .completed, let end = index.endDate(project: p),
                   let w = weeks.firstIndex(where: { $0.ordinal >= end }),
                   let label = builder.overrunLabel(project: p, asOf: Day(ordinal: end - 1)), !label.isNaN {
                    states[p][w] = rule.outcome(overran: label == 1)
                }
                try counts.add(sequence: states[p].filter { $0 >= 0 })
            }
        }
        let chain = try estimator.fit(counts)
        let analysis = try AbsorbingChainAnalysis(chain)
        let over = 4
        return ProjectPhaseChain(rule: rule, chain: chain, analysis: analysis,
                                 overrunProbability: (0..<3).map { analysis.absorptionProbabilities[$0, over - 3] },
                                 expectedWeeks: analysis.expectedPeriodsToAbsorption)
    }

    /// The phase of row r of an overrun table.
    public static func state(_ rule: ProjectPhaseRule, _ table: SnapshotTable, row r: Int) -> Int {
        let row = table.row(r)
        let position = Dictionary(uniqueKeysWithValues: table.featureNames.enumerated().map { ($1, $0) })
        return rule.state { name in position[name].flatMap { row[row.startIndex + $0].isNaN ? nil : row[row.startIndex + $0] } }
    }

    public var names: [String] {
        ProjectPhaseRule.states.map { "markov_phase=\($0)" } + ["markov_overrun_probability", "markov_expected_weeks_to_delivery"]
    }

    /// The overrun table with the phase columns appended.
    public func appending(to table: SnapshotTable) -> SnapshotTable {
        table.appendingColumns(names) { r in
            let s = Self.state(rule, table, row: r)
            return (0..<3).map { $0 == s ? 1.0 : 0.0 } + [overrunProbability[s], expectedWeeks[s]]
        }
    }
}
