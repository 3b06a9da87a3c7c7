import VitalsFoundation
import VitalsMarkov

/// The Markov layer of a model's features, fitted on the training book: the health chain's
/// columns for churn, the phase chain's for overrun. Every path appends them through the
/// `Featurizer`, so training, evaluation and scoring rows get the same columns.
public enum MarkovColumns: Sendable, Equatable {
    case health(HealthStateColumns)
    case phase(PhaseColumns)

    /// Fits the health chain on the month-ends from the start of the data through `cutoff`.
    public static func fitHealth(index: SignalsIndex, rule: HealthStateRule, estimator: MarkovChainEstimator, through cutoff: Day,
                                 horizonDays: Int) throws -> MarkovColumns {
        let months = Cadence.monthly.dates(from: index.dataStart, through: cutoff)
        let chain = try AccountHealthChain.fit(index: index, rule: rule, estimator: estimator, months: months)
        return .health(try HealthStateColumns(chain: chain, horizonDays: horizonDays))
    }

    /// Fits the phase chain on the Sundays from the start of the data through `cutoff`.
    public static func fitPhase(index: SignalsIndex, rule: ProjectPhaseRule, estimator: MarkovChainEstimator, through cutoff: Day,
                                tolerance: Double, graceDays: Int) throws -> MarkovColumns {
        let weeks = Cadence.weekly.dates(from: index.dataStart, through: cutoff)
        let chain = try ProjectPhaseChain.fit(index: index, rule: rule, estimator: estimator, weeks: weeks, tolerance: tolerance, graceDays: graceDays)
        return .phase(PhaseColumns(chain: chain))
    }

    /// The columns' names, in order.
    public var names: [String] {
        switch self {
        case let .health(columns): return columns.names
        case let .phase(columns): return columns.names
        }
    }

    /// The states a scored row can be in (the transient states), in index order.
    public var transientStates: [String] {
        switch self {
        case let .health(columns): return columns.transientStates
        case let .phase(columns): return columns.transientStates
        }
    }

    /// Each row's state index into `transientStates`, from the point-in-time features it holds.
    ///
    /// - Throws: `FeaturizerError.missingFeature` when the table lacks a feature the state
    ///   rule must have (`tenure_days` for the health chain).
    public func states(of table: SnapshotTable) throws(FeaturizerError) -> [Int] {
        let columns = table.columnOf
        switch self {
        case let .health(health):
            guard columns[FittedHealthStateRule.tenureFeature] != nil else {
                throw .missingFeature(FittedHealthStateRule.tenureFeature, purpose: "place accounts in the health chain")
            }
            return (0..<table.rowCount).map { health.rule.state(of: table.lookup(row: $0, columns: columns)) }
        case let .phase(phase):
            return (0..<table.rowCount).map { phase.rule.state(features: table.lookup(row: $0, columns: columns)) }
        }
    }

    /// The columns' values for a row in state `s`.
    public func values(state s: Int) -> [Double] {
        switch self {
        case let .health(columns): return columns.values(state: s)
        case let .phase(columns): return columns.values(state: s)
        }
    }
}
