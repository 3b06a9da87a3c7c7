// VitalsEvaluation: how good a score is. Ranking metrics with exact tie handling, calibration
// metrics (with the one clipped log loss every figure uses), curves for charts, and the
// evaluation report that sets a model beside its baselines.

import Foundation

/// How well one score ranks (and, for probabilities, how well it is calibrated) on an
/// evaluation set.
public struct ScoreFigures: Sendable, Equatable, Codable {
    public let auc: Double
    public let prAUC: Double
    /// Nil for scores that are not probabilities (a rule's 0/1 flag, a raw index).
    public let logLoss: Double?
    public let brier: Double?
    public let ece: Double?
    public let precisionAtK: Double
    public let recallAtK: Double
    public let arrRecallAtK: Double
    public let liftTopDecile: Double
    public let liftPerDecile: [Double]

    enum CodingKeys: String, CodingKey {
        case auc, prAUC = "pr_auc", logLoss = "log_loss", brier, ece
        case precisionAtK = "precision_at_k", recallAtK = "recall_at_k", arrRecallAtK = "arr_recall_at_k"
        case liftTopDecile = "lift_top_decile", liftPerDecile = "lift_per_decile"
    }
}

/// What `vitals evaluate` reports: the model's figures and the same figures for baselines,
/// on the same rows, with stable JSON keys for dashboards.
public struct EvaluationReport: Sendable, Equatable, Codable {
    public let n: Int
    public let positives: Int
    /// The capacity k of precision@k (clamped to n).
    public let k: Int
    public let model: ScoreFigures
    public let reliability: [CalibrationMetrics.Bin]
    public let baselines: [String: ScoreFigures]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noPositives(n: Int)
        case noNegatives(n: Int)
        case shapeMismatch(String)

        public var description: String {
            switch self {
            case let .noPositives(n): return "the evaluation window has no positive labels in \(n) rows; widen it"
            case let .noNegatives(n): return "the evaluation window has only positive labels in \(n) rows; widen it"
            case let .shapeMismatch(message): return message
            }
        }
    }

    /// - Parameters:
    ///   - labels: 0/1, both classes present.
    ///   - probabilities: the model's calibrated probabilities.
    ///   - arr: revenue per row, for ARR-weighted recall (all 1 for projects).
    ///   - k: the capacity, e.g. how many accounts the CSM team can call.
    ///   - baselines: named scores to compare with (higher = riskier); `isProbability` says
    ///     whether calibration figures make sense for them.
    public static func evaluate(
        labels: [Double], probabilities: [Double], arr: [Double], k: Int,
        baselines: [(name: String, scores: [Double], isProbability: Bool)] = []
    ) throws(Failure) -> EvaluationReport {
        let n = labels.count
        guard probabilities.count == n, arr.count == n, baselines.allSatisfy({ $0.scores.count == n }) else {
            throw .shapeMismatch("labels, probabilities, ARR and baselines must have one value per row (\(n))")
        }
        let positives = Int(labels.reduce(0, +))
        guard positives > 0 else { throw .noPositives(n: n) }
        guard positives < n else { throw .noNegatives(n: n) }
        let capacity = max(1, min(k, n))
        // ARR recall needs revenue on the positives; without any it falls back to counts.
        let weights = zip(labels, arr).contains { $0.0 == 1 && $0.1 > 0 } ? arr : [Double](repeating: 1, count: n)
        func figures(_ scores: [Double], probability: Bool) -> ScoreFigures {
            let atK = RankingMetrics.atK(capacity, labels: labels, scores: scores, arr: weights)
            let lift = RankingMetrics.liftPerDecile(labels: labels, scores: scores)
            return ScoreFigures(
                auc: RankingMetrics.rocAUC(labels: labels, scores: scores)!,
                prAUC: RankingMetrics.averagePrecision(labels: labels, scores: scores)!,
                logLoss: probability ? CalibrationMetrics.clippedLogLoss(labels: labels, probabilities: scores) : nil,
                brier: probability ? CalibrationMetrics.brierScore(labels: labels, probabilities: scores) : nil,
                ece: probability ? CalibrationMetrics.expectedCalibrationError(labels: labels, probabilities: scores) : nil,
                precisionAtK: atK.precision, recallAtK: atK.recall, arrRecallAtK: atK.arrRecall,
                liftTopDecile: lift[0], liftPerDecile: lift)
        }
        var baselineFigures: [String: ScoreFigures] = [:]
        for baseline in baselines { baselineFigures[baseline.name] = figures(baseline.scores, probability: baseline.isProbability) }
        return EvaluationReport(
            n: n, positives: positives, k: capacity, model: figures(probabilities, probability: true),
            reliability: CalibrationMetrics.reliabilityBins(labels: labels, probabilities: probabilities),
            baselines: baselineFigures)
    }

    // The model's figures sit at the top level of the JSON (`auc`, `pr_auc`, …), as dashboards read them.
    enum CodingKeys: String, CodingKey { case n, positives, k, reliability, baselines }

    public init(n: Int, positives: Int, k: Int, model: ScoreFigures, reliability: [CalibrationMetrics.Bin], baselines: [String: ScoreFigures]) {
        self.n = n
        self.positives = positives
        self.k = k
        self.model = model
        self.reliability = reliability
        self.baselines = baselines
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(n: try c.decode(Int.self, forKey: .n), positives: try c.decode(Int.self, forKey: .positives),
                  k: try c.decode(Int.self, forKey: .k), model: try ScoreFigures(from: decoder),
                  reliability: try c.decode([CalibrationMetrics.Bin].self, forKey: .reliability),
                  baselines: try c.decode([String: ScoreFigures].self, forKey: .baselines))
    }

    public func encode(to encoder: any Encoder) throws {
        try model.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(positives, forKey: .positives)
        try c.encode(k, forKey: .k)
        try c.encode(reliability, forKey: .reliability)
        try c.encode(baselines, forKey: .baselines)
    }

    /// Stable JSON: sorted keys, pretty-printed.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// A plain-text table: the model beside each baseline, then the decile lift.
    public func text() -> String {
        let columns = [("model", model)] + baselines.keys.sorted().map { ($0, baselines[$0]!) }
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }
        let rows: [(String, (ScoreFigures) -> Double?)] = [
            ("AUC", { $0.auc }), ("PR AUC", { $0.prAUC }), ("log loss", { $0.logLoss }), ("Brier", { $0.brier }),
            ("ECE", { $0.ece }), ("precision@\(k)", { $0.precisionAtK }), ("recall@\(k)", { $0.recallAtK }),
            ("ARR recall@\(k)", { $0.arrRecallAtK }), ("lift, top decile", { $0.liftTopDecile }),
        ]
        let nameWidth = max(18, rows.map(\.0.count).max()! + 2)
        let width = max(10, columns.map(\.0.count).max()! + 2)
        var out = "\(n) rows, \(positives) positive (\(String(format: "%.1f", 100 * Double(positives) / Double(n))) %)\n"
        out += "".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + columns.map { String(repeating: " ", count: width - $0.0.count) + $0.0 }.joined() + "\n"
        for (label, value) in rows {
            out += label.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + columns.map { let s = number(value($0.1)); return String(repeating: " ", count: width - s.count) + s }.joined() + "\n"
        }
        out += "lift per decile (model): " + model.liftPerDecile.map { String(format: "%.2f", $0) }.joined(separator: " ") + "\n"
        return out
    }
}
