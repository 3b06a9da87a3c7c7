import Foundation
import Testing
import VitalsEvaluation
import VitalsFeatures
import VitalsLogistic
import VitalsTestSupport

/// `--table` mode on real data: the IBM Telco churn file with a fixed split (first 5,000
/// rows train, the rest test), against scikit-learn on the same split and encoding
/// (Tests/Fixtures/table/make_telco_reference.py).
@Suite struct TelcoTableTests {
    struct Reference: Decodable {
        let feature_names: [String]
        let test_auc: Double
        let test_probabilities: [Double]
    }

    @Test func matchesScikitLearnOnTheSameSplitAndEncoding() throws {
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("table/telco_reference.json")))
        let table = try FeatureTable.read(path: Fixtures.path("real/telco-customer-churn.csv"))
        #expect(table.rowCount == 7_043)
        let train = table.rows(0..<5_000), test = table.rows(5_000..<table.rowCount)
        let (encoder, warnings) = try TableEncoder.fit(train, excluding: ["customerID", "Churn"])
        #expect(warnings.isEmpty)
        #expect(encoder.featureNames == reference.feature_names)
        let model = try LogisticRegression(c: 1, tolerance: 1e-10).fit(
            x: encoder.transform(train), y: train.labels("Churn"), featureNames: encoder.featureNames)
        #expect(model.converged)
        // σ(η), as scikit-learn's predict_proba (an uncalibrated model's probabilities are these
        // squeezed into [1e-6, 1 − 1e-6]).
        let probabilities = try model.uncalibratedProbabilities(encoder.transform(test))
        let auc = try #require(RankingMetrics.rocAUC(labels: try test.labels("Churn"), scores: probabilities))
        #expect(abs(auc - reference.test_auc) <= 0.005, "AUC \(auc) vs scikit-learn \(reference.test_auc)")
        // Same encoding and objective: the probabilities themselves agree.
        assertClose(probabilities, reference.test_probabilities, rtol: 1e-6, atol: 1e-9)
    }
}
