import Foundation
import Logging
import VitalsEvaluation
import VitalsFeatures
import VitalsModel
import VitalsSignals

/// `vitals evaluate DIR --model MODEL --from D1 --to D2`: the model on later snapshots,
/// beside two baselines on the same rows, so users see what the model adds:
/// - the Markov-only score (the chain's churn or overrun probability from the state), and
/// - a naive rule: "usage dropped" (30-day active users below 80 % of the 90-day level) for
///   churn, "burn rate > 1" for overrun.
public struct SignalsEvaluation: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    public var from: Day
    public var to: Day
    public var capacity: Int
    public var allowOverlap: Bool

    public init(model: ModelFile, dataset: SignalsDataset, from: Day, to: Day, capacity: Int, allowOverlap: Bool) {
        self.model = model
        self.dataset = dataset
        self.from = from
        self.to = to
        self.capacity = capacity
        self.allowOverlap = allowOverlap
    }

    public struct Result: Sendable {
        public let report: EvaluationReport
        public let labels: [Double]
        public let probabilities: [Double]
        public let baselines: [(name: String, scores: [Double])]
        public let dates: [Day]
    }

    public static let markovBaseline = "markov_only"
    public static func ruleBaseline(_ task: ModelTask) -> String { task == .churn ? "usage_dropped" : "burn_rate_over_1" }

    public func run(logger: Logger = .silent) throws -> Result {
        guard let spec = model.signals else { throw SignalsModelError.notASignalsModel(model.modelID) }
        if !allowOverlap, "\(from)" <= spec.lastSnapshot {
            throw SignalsModelError.overlap(from: "\(from)", lastTrained: spec.lastSnapshot)
        }
        let index = SignalsIndex(dataset)
        let featurizer = try SignalsFeaturizer(model: model, index: index)
        let cadence: SnapshotCadence = model.task == .churn ? .monthly : .weekly
        let dates = cadence.dates(from: from, through: min(to, index.dataEnd))
        let (table, _) = try featurizer.table(dates: dates, requireLabels: true, logger: logger)
        let probabilities = try model.model.probabilities(featurizer.matrix(table))
        let position = Dictionary(uniqueKeysWithValues: table.featureNames.enumerated().map { ($1, $0) })
        func column(_ name: String) -> [Double] {
            guard let k = position[name] else { return [Double](repeating: .nan, count: table.rowCount) }
            return (0..<table.rowCount).map { table.features[$0 * table.columnCount + k] }
        }
        var baselines: [(name: String, scores: [Double], isProbability: Bool)] = []
        let markovColumn = model.task == .churn ? spec.featureNames.first { $0.hasPrefix("markov_churn_probability_") } : "markov_overrun_probability"
        if let markovColumn, position[markovColumn] != nil {
            baselines.append((Self.markovBaseline, column(markovColumn), true))
        }
        let rule: [Double] = model.task == .churn
            ? column("active_users_30d_over_90d").map { $0 < 0.8 ? 1 : 0 }
            : column("burn_rate").map { $0 > 1 ? 1 : 0 }
        baselines.append((Self.ruleBaseline(model.task), rule, false))
        let arr: [Double] = model.task == .churn
            ? table.entities.map { entity in dataset.accounts.arr.flatMap { $0[Int(entity)] } ?? 0 }
            : [Double](repeating: 1, count: table.rowCount)
        let report = try EvaluationReport.evaluate(labels: table.labels, probabilities: probabilities, arr: arr, k: capacity, baselines: baselines)
        return Result(report: report, labels: table.labels, probabilities: probabilities,
                      baselines: baselines.map { ($0.name, $0.scores) }, dates: dates)
    }
}
