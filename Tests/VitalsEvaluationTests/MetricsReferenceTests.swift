import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport

/// Every metric against sklearn.metrics / numpy (Tests/Fixtures/metrics/make_references.py), to 1e-9.
@Suite struct MetricsReferenceTests {
    struct Case: Decodable {
        struct Bin: Decodable { let bin: Int; let count: Int; let mean_score: Double; let mean_label: Double }
        struct AtK: Decodable { let precision: Double; let recall: Double; let arr_recall: Double }
        let name: String
        let y: [Double]
        let p: [Double]
        let arr: [Double]
        let roc_auc: Double
        let average_precision: Double
        let log_loss: Double
        let brier: Double
        let ece: Double
        let bins: [Bin]
        let at_k: [String: AtK]
        let lift_per_decile: [Double]
    }
    struct File: Decodable { let cases: [Case] }

    static let cases: [Case] = {
        let url = Fixtures.root.appendingPathComponent("metrics/metrics.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func fixtureHasEveryCase() {
        #expect(Self.cases.map(\.name) == ["random", "heavy_ties", "all_equal", "imbalanced"])
    }

    @Test(arguments: cases.map(\.name))
    func matchesTheReference(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        assertClose(try #require(RankingMetrics.rocAUC(labels: c.y, scores: c.p)), c.roc_auc, rtol: 1e-9, atol: 1e-12)
        assertClose(try #require(RankingMetrics.averagePrecision(labels: c.y, scores: c.p)), c.average_precision,
                    rtol: 1e-9, atol: 1e-12)
        assertClose(CalibrationMetrics.logLoss(labels: c.y, probabilities: c.p), c.log_loss, rtol: 1e-9)
        assertClose(CalibrationMetrics.brierScore(labels: c.y, probabilities: c.p), c.brier, rtol: 1e-9)
        assertClose(CalibrationMetrics.expectedCalibrationError(labels: c.y, probabilities: c.p), c.ece, rtol: 1e-9, atol: 1e-12)
        let bins = CalibrationMetrics.reliabilityBins(labels: c.y, probabilities: c.p)
        #expect(bins.map(\.index) == c.bins.map(\.bin))
        #expect(bins.map(\.count) == c.bins.map(\.count))
        assertClose(bins.map(\.meanProbability), c.bins.map(\.mean_score), rtol: 1e-9)
        assertClose(bins.map(\.meanLabel), c.bins.map(\.mean_label), rtol: 1e-9, atol: 1e-12)
        for (k, expected) in c.at_k {
            let got = RankingMetrics.atK(Int(k)!, labels: c.y, scores: c.p, arr: c.arr)
            assertClose(got.precision, expected.precision, rtol: 1e-9, atol: 1e-12, "precision@\(k)")
            assertClose(got.recall, expected.recall, rtol: 1e-9, atol: 1e-12, "recall@\(k)")
            assertClose(got.arrRecall, expected.arr_recall, rtol: 1e-9, atol: 1e-12, "ARR recall@\(k)")
        }
        assertClose(RankingMetrics.liftPerDecile(labels: c.y, scores: c.p), c.lift_per_decile, rtol: 1e-9, atol: 1e-12)
    }

    @Test func closedFormCases() {
        // Perfect ranking, reversed ranking, and a single tie between a positive and a negative.
        #expect(RankingMetrics.rocAUC(labels: [0, 0, 1, 1], scores: [0.1, 0.2, 0.8, 0.9]) == 1)
        #expect(RankingMetrics.rocAUC(labels: [1, 1, 0, 0], scores: [0.1, 0.2, 0.8, 0.9]) == 0)
        #expect(RankingMetrics.rocAUC(labels: [0, 1], scores: [0.5, 0.5]) == 0.5)
        #expect(RankingMetrics.rocAUC(labels: [1, 1], scores: [0.2, 0.3]) == nil)
        #expect(RankingMetrics.averagePrecision(labels: [1, 0, 1], scores: [0.9, 0.8, 0.7]) == (0.5 * 1 + 0.5 * (2.0 / 3)))
        #expect(CalibrationMetrics.logLoss(labels: [1, 0], probabilities: [1, 0]) == 0)
        #expect(CalibrationMetrics.logLoss(labels: [1], probabilities: [0]) == .infinity)
        #expect(CalibrationMetrics.brierScore(labels: [1, 0], probabilities: [0.5, 0.5]) == 0.25)
    }
}
