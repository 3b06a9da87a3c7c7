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
        assertClose(report.model.arrRecallAtK, 120.0 / 420, rtol: 1e-15)
        let baseline = try #require(report.baselines["usage_dropped"])
        #expect(baseline.logLoss == nil && baseline.ece == nil)
        // The flag ranks rows 0, 4, 7 first (ties in row order): positives 0 and 7.
        assertClose(baseline.precisionAtK, 2.0 / 3, rtol: 1e-15)
        assertClose(baseline.arrRecallAtK, 400.0 / 420, rtol: 1e-15)
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
