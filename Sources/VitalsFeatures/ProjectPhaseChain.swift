import Foundation
import VitalsFoundation
import VitalsLinearAlgebra
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

    public static func fit(index: SignalsIndex, rule: ProjectPhaseRule, estimator: MarkovChainEstimator, weeks: [Day],
                           tolerance: Double, graceDays: Int) throws -> ProjectPhaseChain {
        let space = try rule.stateSpace()
        var counts = TransitionCounts(space: space)
        if let projects = index.dataset.projects, weeks.count >= 2 {
            let layout = SnapshotBuilder(index: index).layout(task: .overrun)
            let featurizer = Featurizer(recipe: FeatureRecipe(pointInTime: layout, tolerance: tolerance, graceDays: graceDays), index: index)
            let builder = featurizer.builder()
            let table = featurizer.pointInTimeTable(dates: weeks, requireLabels: false)
            let columns = table.columnOf
            let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
            var states = [[Int]](repeating: [Int](repeating: -1, count: weeks.count), count: projects.count)
            for r in 0..<table.rowCount {
                states[Int(table.entities[r])][weekIndex[table.dates[r]]!] = rule.state(features: table.lookup(row: r, columns: columns))
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
        return ProjectPhaseChain(rule: rule, chain: chain, analysis: try AbsorbingChainAnalysis(chain))
    }
}

/// The overrun model's Markov columns, a fitted column transformer: a project's delivery
/// phase as of the snapshot date (one-hot), the phase chain's probability that a project
/// in that phase is delivered over, and its expected weeks to delivery. Fitted once on the
/// training book, stored with the model, applied by the `Featurizer`.
public struct PhaseColumns: Sendable, Equatable, Codable {
    public let rule: ProjectPhaseRule
    /// The three phases, then the two outcomes.
    public let states: [String]
    /// The fitted chain's weekly transition matrix (states × states), for reports.
    public let transitions: [[Double]]
    /// P(delivered_over | phase), per phase.
    public let overrunProbability: [Double]
    /// Expected weeks until delivery, per phase.
    public let expectedWeeks: [Double]

    public init(rule: ProjectPhaseRule, states: [String], transitions: [[Double]], overrunProbability: [Double], expectedWeeks: [Double]) {
        self.rule = rule
        self.states = states
        self.transitions = transitions
        self.overrunProbability = overrunProbability
        self.expectedWeeks = expectedWeeks
    }

    /// The columns of a fitted phase chain.
    public init(chain: ProjectPhaseChain) {
        let phases = ProjectPhaseRule.states.count
        let over = chain.rule.outcome(overran: true) - phases
        self.init(rule: chain.rule, states: chain.chain.space.names, transitions: chain.chain.matrixRows,
                  overrunProbability: (0..<phases).map { chain.analysis.absorptionProbabilities[$0, over] },
                  expectedWeeks: chain.analysis.expectedPeriodsToAbsorption)
    }

    /// The phases a project in flight can be in.
    public var transientStates: [String] { Array(states.prefix(ProjectPhaseRule.states.count)) }

    /// The phase in cumulative form (`markov_phase=at_least_watch`, `…=at_least_off_track`:
    /// 1 when the project's phase is that one or worse, so a worse phase can only add risk),
    /// then the two chain figures.
    public var names: [String] {
        ProjectPhaseRule.states.dropFirst().map { "markov_phase=at_least_\($0)" } + ["markov_overrun_probability", "markov_expected_weeks_to_delivery"]
    }

    func values(state s: Int) -> [Double] {
        (1..<ProjectPhaseRule.states.count).map { s >= $0 ? 1.0 : 0.0 } + [overrunProbability[s], expectedWeeks[s]]
    }
}
