import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport

@Suite struct EvaluationReportTests {
    static let labels: [Double] = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    static let probabilities = [0.9, 0.2, 0.4, 0.7, 0.1, 0.3, 0.2, 0.35, 0.05, 0.6, 0.15, 0.25]
    static let arr: [Double] = [100, 50, 10, 20, 30, 40, 5, 300, 1, 1, 1, 1]

    @Test func figuresAreTheMetricsOfTheSameRows() throws {
        let flag: [Double] = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]
        let report = try EvaluationReport.evaluate(
            labels: Self.labels, probabilities: Self.probabilities, arr: Self.arr, k: 3,
            baselines: [(name: "usage_dropped", scores: flag, isProbability: false)])
        #expect(report.n == 12 && report.positives == 3 && report.k == 3)
        #expect(report.model.auc == RankingMetrics.rocAUC(labels: Self.labels, scores: Self.probabilities))
        #expect(report.model.logLoss == CalibrationMetrics.logLoss(labels: Self.labels, probabilities: Self.probabilities))
        // Top 3 by probability: rows 0 (0.9, positive), 3 (0.7, positive), 9 (0.6, negative).
        assertClose(report.model.precisionAtK, 2.0 / 3, rtol: 1e-15)
        assertClose(report.model.recallAtK, 2.0 / 3, rtol: 1e-15)
        assertClose(try #require(report.model.arrRecallAtK), 120.0 / 420, rtol: 1e-15)
        let baseline = try #require(report.baselines["usage_dropped"])
        #expect(baseline.logLoss == nil && baseline.ece == nil)
        // The flag ranks rows 0, 4, 7 first (ties in row order): positives 0 and 7.
        assertClose(baseline.precisionAtK, 2.0 / 3, rtol: 1e-15)
        assertClose(try #require(baseline.arrRecallAtK), 400.0 / 420, rtol: 1e-15)
    }

    @Test func jsonHasTheStableKeysAndReadsBack() throws {
        let report = try EvaluationReport.evaluate(
            labels: Self.labels, probabilities: Self.probabilities, arr: Self.arr, k: 50,
            baselines: [(name: "markov", scores: Self.probabilities.map { $0 * $0 }, isProbability: true)])
        #expect(report.k == 12)  // capacity clamped to n
        let json = try report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        for key in ["auc", "pr_auc", "log_loss", "brier", "ece", "precision_at_k", "recall_at_k", "lift_top_decile", "n", "positives", "baselines"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: json) == report)
        #expect(report.text().contains("precision@12"))
    }

    @Test func aWindowWithOneClassIsRefused() {
        #expect(throws: EvaluationReport.Failure.noPositives(n: 3)) {
            try EvaluationReport.evaluate(labels: [0, 0, 0], probabilities: [0.1, 0.2, 0.3], arr: [1, 1, 1], k: 1)
        }
        #expect(throws: EvaluationReport.Failure.self) {
            try EvaluationReport.evaluate(labels: [0, 1], probabilities: [0.1], arr: [1, 1], k: 1)
        }
    }
}

/// Per-cycle capacity figures and grouped bootstrap intervals.
@Suite struct CycleAndIntervalTests {
    /// Two dates; the pooled top 2 would take both of date A's high scores, but each date has its own 2 calls.
    @Test func perCycleFiguresRankEachDateOnItsOwn() throws {
        let labels: [Double] = [1, 1, 0, 0, 0, 1, 0, 0]
        let scores: [Double] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
        let cycles = ["A", "A", "A", "A", "B", "B", "B", "B"]
        let report = try EvaluationReport.evaluate(labels: labels, probabilities: scores, arr: labels.map { _ in 1 }, k: 2, cycles: cycles,
                                                   groups: [1, 2, 3, 4, 1, 2, 3, 4], unit: "account")
        #expect(report.model.precisionAtK == 1.0)  // pooled: the top two are A's positives
        #expect(report.cycles.map(\.cycle) == ["A", "B"])
        #expect(report.cycles[0].precisionAtK == 1.0 && report.cycles[0].recallAtK == 1.0)
        // B's own top two are 0.5 (a negative) and 0.4 (its one positive).
        #expect(report.cycles[1].precisionAtK == 0.5 && report.cycles[1].recallAtK == 1.0)
        #expect(report.precisionAtKPerCycle == 0.75 && report.recallAtKPerCycle == 1.0)
        #expect(report.bootstrapUnit == "account" && report.bootstrapReplicates == 200)
    }

    @Test func groupedIntervalsAreDeterministicAndHoldTheEstimate() throws {
        var rng = SeededGenerator(seed: 3)
        let n = 600
        let groups = (0..<n).map { $0 / 6 }  // 100 entities, 6 rows each
        let labels: [Double] = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < 0.2 ? 1 : 0 }
        let scores = labels.map { $0 * 0.3 + Double.random(in: 0..<1, using: &rng) }
        let auc = try #require(RankingMetrics.rocAUC(labels: labels, scores: scores))
        let statistic: [(name: String, value: ([Int]) -> Double?)] = [("auc", { rows in
            RankingMetrics.rocAUC(labels: rows.map { labels[$0] }, scores: rows.map { scores[$0] })
        })]
        let first = Bootstrap.intervals(groups: groups, statistics: statistic)
        let again = Bootstrap.intervals(groups: groups, statistics: statistic)
        let rows = Bootstrap.intervals(groups: Array(0..<n), statistics: statistic)
        let interval = try #require(first["auc"])
        #expect(first == again)
        #expect(interval.lower < auc && auc < interval.upper)
        // Resampling whole entities never gives narrower intervals than rows here by much; both are sane widths.
        let width = interval.upper - interval.lower, rowWidth = rows["auc"]!.upper - rows["auc"]!.lower
        #expect(width > 0.02 && width < 0.3 && rowWidth > 0.02 && rowWidth < 0.3)
    }
}
