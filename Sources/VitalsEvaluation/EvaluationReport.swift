// VitalsEvaluation: how good a score is. Ranking metrics with exact tie handling, calibration
// metrics (with the one clipped log loss every figure uses), curves for charts, and the
// evaluation report that sets a model beside its baselines.

import Foundation
import VitalsFoundation

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
    /// Nil when the rows carry no revenue (a data team's table).
    public let arrRecallAtK: Double?
    public let liftTopDecile: Double
    public let liftPerDecile: [Double]

    enum CodingKeys: String, CodingKey {
        case auc, prAUC = "pr_auc", logLoss = "log_loss", brier, ece
        case precisionAtK = "precision_at_k", recallAtK = "recall_at_k", arrRecallAtK = "arr_recall_at_k"
        case liftTopDecile = "lift_top_decile", liftPerDecile = "lift_per_decile"
    }
}

/// One snapshot date's figures: the team's k calls made on that date's ranking alone, as a
/// CSM team with k calls per cycle lives it.
public struct CycleFigures: Sendable, Equatable, Codable {
    public let cycle: String
    public let rows: Int
    public let positives: Int
    /// Positives among the date's top min(k, rows), over that many.
    public let precisionAtK: Double
    /// Positives among them over the date's positives; nil when it has none.
    public let recallAtK: Double?

    enum CodingKeys: String, CodingKey { case cycle, rows, positives, precisionAtK = "precision_at_k", recallAtK = "recall_at_k" }
}

/// What `vitals evaluate` reports: the model's figures and the same figures for baselines,
/// on the same rows, with stable JSON keys for dashboards.
///
/// With snapshot dates (`cycles`), precision@k and recall@k are also computed per date and
/// averaged (`precisionAtKPerCycle`): the pooled figures rank every date's rows together,
/// which no team lives, and overstate. 95 % intervals come from a bootstrap over whole
/// groups (accounts or projects; rows for a table).
public struct EvaluationReport: Sendable, Equatable, Codable {
    public let n: Int
    public let positives: Int
    /// The capacity k of precision@k (clamped to n).
    public let k: Int
    public let model: ScoreFigures
    public let reliability: [CalibrationMetrics.Bin]
    public let baselines: [String: ScoreFigures]
    /// Per snapshot date, oldest first (empty without dates).
    public let cycles: [CycleFigures]
    /// The mean over dates of precision@k per date, and of recall@k over dates with positives.
    public let precisionAtKPerCycle: Double?
    public let recallAtKPerCycle: Double?
    /// 95 % intervals of the model's `auc`, `pr_auc` and `precision_at_k` (per cycle when there
    /// are cycles, pooled otherwise).
    public let intervals: [String: Bootstrap.Interval]
    public let bootstrapReplicates: Int
    /// What the bootstrap resamples: `account`, `project` or `row`.
    public let bootstrapUnit: String
    /// Overrun models: the hour forecasts against finished projects' totals (nil otherwise).
    public var forecast: ForecastAccuracy?
    /// Churn-curve models: the curves by horizon, with censoring, and per risk band (nil otherwise).
    public var survival: SurvivalEvaluation?

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
    ///   - arr: revenue per row, for ARR-weighted recall (all 1 for projects); nil when the
    ///     rows have none, and then no ARR figure is reported.
    ///   - k: the capacity, e.g. how many accounts the CSM team can call.
    ///   - baselines: named scores to compare with (higher = riskier); `isProbability` says
    ///     whether calibration figures make sense for them.
    ///   - cycles: each row's snapshot date, for the per-date figures (nil for a table).
    ///   - groups: each row's entity, for the bootstrap (nil: each row is its own).
    ///   - unit: what a group is, for the report (`account`, `project`, `row`).
    public static func evaluate(
        labels: [Double], probabilities: [Double], arr: [Double]?, k: Int,
        baselines: [(name: String, scores: [Double], isProbability: Bool)] = [],
        cycles: [String]? = nil, groups: [Int]? = nil, unit: String = "row", bootstrapReplicates: Int = 200
    ) throws(Failure) -> EvaluationReport {
        let n = labels.count
        guard probabilities.count == n, arr.map({ $0.count == n }) ?? true, baselines.allSatisfy({ $0.scores.count == n }) else {
            throw .shapeMismatch("labels, probabilities, ARR and baselines must have one value per row (\(n))")
        }
        let positives = Int(labels.reduce(0, +))
        guard positives > 0 else { throw .noPositives(n: n) }
        guard positives < n else { throw .noNegatives(n: n) }
        let capacity = max(1, min(k, n))
        // ARR recall needs revenue on the positives; without any it falls back to counts.
        let ones = [Double](repeating: 1, count: n)
        let weights = arr.map { arr in zip(labels, arr).contains { $0.0 == 1 && $0.1 > 0 } ? arr : ones } ?? ones
        func figures(_ scores: [Double], probability: Bool) -> ScoreFigures {
            let atK = RankingMetrics.atK(capacity, labels: labels, scores: scores, arr: weights)
            let lift = RankingMetrics.liftPerDecile(labels: labels, scores: scores)
            return ScoreFigures(
                auc: RankingMetrics.rocAUC(labels: labels, scores: scores)!,
                prAUC: RankingMetrics.averagePrecision(labels: labels, scores: scores)!,
                logLoss: probability ? CalibrationMetrics.clippedLogLoss(labels: labels, probabilities: scores) : nil,
                brier: probability ? CalibrationMetrics.brierScore(labels: labels, probabilities: scores) : nil,
                ece: probability ? CalibrationMetrics.expectedCalibrationError(labels: labels, probabilities: scores) : nil,
                precisionAtK: atK.precision, recallAtK: atK.recall, arrRecallAtK: arr == nil ? nil : atK.arrRecall,
                liftTopDecile: lift[0], liftPerDecile: lift)
        }
        var baselineFigures: [String: ScoreFigures] = [:]
        for baseline in baselines { baselineFigures[baseline.name] = figures(baseline.scores, probability: baseline.isProbability) }

        let cycleFigures = cycles.map { Self.perCycle(k: capacity, labels: labels, scores: probabilities, cycles: $0) } ?? []
        let recalls = cycleFigures.compactMap(\.recallAtK)
        let cycleIndex: [Int]? = cycles.map { names in
            let order = Dictionary(uniqueKeysWithValues: Array(Set(names)).sorted().enumerated().map { ($1, $0) })
            return names.map { order[$0]! }
        }
        // The bootstrap's statistics on a resample of row indices (with repeats).
        let statistics: [(name: String, value: ([Int]) -> Double?)] = [
            ("auc", { rows in RankingMetrics.rocAUC(labels: rows.map { labels[$0] }, scores: rows.map { probabilities[$0] }) }),
            ("pr_auc", { rows in RankingMetrics.averagePrecision(labels: rows.map { labels[$0] }, scores: rows.map { probabilities[$0] }) }),
            ("precision_at_k", { rows in
                guard let cycleIndex else {
                    return RankingMetrics.atK(min(capacity, rows.count), labels: rows.map { labels[$0] }, scores: rows.map { probabilities[$0] },
                                              arr: rows.map { _ in 1 }).precision
                }
                var byCycle: [Int: [Int]] = [:]
                for r in rows { byCycle[cycleIndex[r], default: []].append(r) }
                // In cycle order: a dictionary's order changes from run to run, and so would the sum's last bit.
                let precisions = byCycle.keys.sorted().map { byCycle[$0]! }.map { rows in
                    RankingMetrics.atK(min(capacity, rows.count), labels: rows.map { labels[$0] }, scores: rows.map { probabilities[$0] },
                                       arr: rows.map { _ in 1 }).precision
                }
                return precisions.reduce(0, +) / Double(precisions.count)
            }),
        ]
        let intervals = Bootstrap.intervals(groups: groups ?? Array(0..<n), replicates: bootstrapReplicates, statistics: statistics)
        return EvaluationReport(
            n: n, positives: positives, k: capacity, model: figures(probabilities, probability: true),
            reliability: CalibrationMetrics.reliabilityBins(labels: labels, probabilities: probabilities),
            baselines: baselineFigures, cycles: cycleFigures,
            precisionAtKPerCycle: cycleFigures.isEmpty ? nil : cycleFigures.reduce(0) { $0 + $1.precisionAtK } / Double(cycleFigures.count),
            recallAtKPerCycle: recalls.isEmpty ? nil : recalls.reduce(0, +) / Double(recalls.count),
            intervals: intervals, bootstrapReplicates: bootstrapReplicates, bootstrapUnit: groups == nil ? "row" : unit)
    }

    /// precision@k and recall@k on each cycle's own ranking (k clamped to the cycle's rows).
    static func perCycle(k: Int, labels: [Double], scores: [Double], cycles: [String]) -> [CycleFigures] {
        var rowsOf: [String: [Int]] = [:]
        for (r, cycle) in cycles.enumerated() { rowsOf[cycle, default: []].append(r) }
        return rowsOf.keys.sorted().map { cycle in
            let rows = rowsOf[cycle]!
            let y = rows.map { labels[$0] }, positives = Int(y.reduce(0, +))
            let top = RankingMetrics.rankingOrder(rows.map { scores[$0] }).prefix(min(k, rows.count))
            let caught = top.reduce(0) { $0 + y[$1] }
            return CycleFigures(cycle: cycle, rows: rows.count, positives: positives, precisionAtK: caught / Double(top.count),
                                recallAtK: positives > 0 ? caught / Double(positives) : nil)
        }
    }

    // The model's figures sit at the top level of the JSON (`auc`, `pr_auc`, …), as dashboards read them.
    enum CodingKeys: String, CodingKey {
        case n, positives, k, reliability, baselines, cycles
        case precisionAtKPerCycle = "precision_at_k_per_cycle", recallAtKPerCycle = "recall_at_k_per_cycle"
        case intervals, bootstrapReplicates = "bootstrap_replicates", bootstrapUnit = "bootstrap_unit", forecast, survival
    }

    public init(n: Int, positives: Int, k: Int, model: ScoreFigures, reliability: [CalibrationMetrics.Bin], baselines: [String: ScoreFigures],
                cycles: [CycleFigures] = [], precisionAtKPerCycle: Double? = nil, recallAtKPerCycle: Double? = nil,
                intervals: [String: Bootstrap.Interval] = [:], bootstrapReplicates: Int = 0, bootstrapUnit: String = "row") {
        self.n = n
        self.positives = positives
        self.k = k
        self.model = model
        self.reliability = reliability
        self.baselines = baselines
        self.cycles = cycles
        self.precisionAtKPerCycle = precisionAtKPerCycle
        self.recallAtKPerCycle = recallAtKPerCycle
        self.intervals = intervals
        self.bootstrapReplicates = bootstrapReplicates
        self.bootstrapUnit = bootstrapUnit
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(n: try c.decode(Int.self, forKey: .n), positives: try c.decode(Int.self, forKey: .positives),
                  k: try c.decode(Int.self, forKey: .k), model: try ScoreFigures(from: decoder),
                  reliability: try c.decode([CalibrationMetrics.Bin].self, forKey: .reliability),
                  baselines: try c.decode([String: ScoreFigures].self, forKey: .baselines),
                  cycles: try c.decodeIfPresent([CycleFigures].self, forKey: .cycles) ?? [],
                  precisionAtKPerCycle: try c.decodeIfPresent(Double.self, forKey: .precisionAtKPerCycle),
                  recallAtKPerCycle: try c.decodeIfPresent(Double.self, forKey: .recallAtKPerCycle),
                  intervals: try c.decodeIfPresent([String: Bootstrap.Interval].self, forKey: .intervals) ?? [:],
                  bootstrapReplicates: try c.decodeIfPresent(Int.self, forKey: .bootstrapReplicates) ?? 0,
                  bootstrapUnit: try c.decodeIfPresent(String.self, forKey: .bootstrapUnit) ?? "row")
        forecast = try c.decodeIfPresent(ForecastAccuracy.self, forKey: .forecast)
        survival = try c.decodeIfPresent(SurvivalEvaluation.self, forKey: .survival)
    }

    public func encode(to encoder: any Encoder) throws {
        try model.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(positives, forKey: .positives)
        try c.encode(k, forKey: .k)
        try c.encode(reliability, forKey: .reliability)
        try c.encode(baselines, forKey: .baselines)
        try c.encode(cycles, forKey: .cycles)
        try c.encode(precisionAtKPerCycle, forKey: .precisionAtKPerCycle)
        try c.encode(recallAtKPerCycle, forKey: .recallAtKPerCycle)
        try c.encode(intervals, forKey: .intervals)
        try c.encode(bootstrapReplicates, forKey: .bootstrapReplicates)
        try c.encode(bootstrapUnit, forKey: .bootstrapUnit)
        try c.encodeIfPresent(forecast, forKey: .forecast)
        try c.encodeIfPresent(survival, forKey: .survival)
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
        let pooled = cycles.isEmpty ? "" : ", pooled"
        let rows: [(String, (ScoreFigures) -> Double?)] = [
            ("AUC", { $0.auc }), ("PR AUC", { $0.prAUC }), ("log loss", { $0.logLoss }), ("Brier", { $0.brier }),
            ("ECE", { $0.ece }), ("precision@\(k)\(pooled)", { $0.precisionAtK }), ("recall@\(k)\(pooled)", { $0.recallAtK }),
            ("ARR recall@\(k)\(pooled)", { $0.arrRecallAtK }), ("lift, top decile", { $0.liftTopDecile }),
        ].filter { $0.0.hasPrefix("ARR") ? model.arrRecallAtK != nil : true }
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
        if !cycles.isEmpty {
            out += "\nper snapshot date, the model's top \(k) calls of that date:\n"
            out += "date          rows  positive  precision@\(k)  recall@\(k)\n"
            for c in cycles {
                out += c.cycle.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%6d %9d", c.rows, c.positives)
                    + String(format: "  %12.4f", c.precisionAtK) + (c.recallAtK.map { String(format: "  %9.4f", $0) } ?? "          —") + "\n"
            }
            out += "mean of \(cycles.count) dates".padding(toLength: 28, withPad: " ", startingAt: 0)
                + (precisionAtKPerCycle.map { String(format: "%12.4f", $0) } ?? "           —")
                + (recallAtKPerCycle.map { String(format: "  %9.4f", $0) } ?? "          —") + "\n"
        }
        if !intervals.isEmpty {
            let shown: [(String, String)] = [("auc", "AUC"), ("pr_auc", "PR AUC"), ("precision_at_k", "precision@\(k)\(cycles.isEmpty ? "" : " per date")")]
            out += "95 % intervals (bootstrap over \(bootstrapUnit)s, \(bootstrapReplicates) replicates): "
                + shown.compactMap { key, label in intervals[key].map { "\(label) \(String(format: "%.4f", $0.lower))–\(String(format: "%.4f", $0.upper))" } }
                .joined(separator: " · ") + "\n"
        }
        if let forecast { out += forecast.text() }
        if let survival { out += survival.text() }
        return out
    }
}
