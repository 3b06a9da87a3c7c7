import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport

@Suite struct ForecastAccuracyTests {
    /// Four finished projects (and one without a total, left out), worked by hand.
    @Test func mediansAndCoverageByHand() throws {
        let actual = [100.0, 200, 50, 400, 0]
        let forecast = [110.0, 150, 50, 500, 10]  // errors 0.10, 0.25, 0, 0.25 → median 0.175
        let budget = [100.0, 100, 100, 100, 10]  // errors 0, 0.5, 1, 0.75 → median 0.625
        let low = [90.0, 160, 40, 300, 0], high = [120.0, 190, 60, 450, 20]  // inside: rows 0, 2, 3
        let accuracy = try #require(ForecastAccuracy.evaluate(actual: actual, forecasts: [("forecast", forecast), ("budget_only", budget)],
                                                              low: low, high: high, interval: "bracket"))
        #expect(accuracy.n == 4)
        assertClose(accuracy.medianAbsoluteError["forecast"]!, 0.175, rtol: 1e-15)
        assertClose(accuracy.medianAbsoluteError["budget_only"]!, 0.625, rtol: 1e-15)
        #expect(accuracy.coverage == 0.75)
        #expect(accuracy.text().contains("forecast        17.5 %") && accuracy.text().contains("inside the bracket: 75.0 %"))
        #expect(ForecastAccuracy.evaluate(actual: [0], forecasts: [("forecast", [1])], low: [0], high: [2], interval: "x") == nil)
    }

    /// The report carries it under `forecast` in JSON, and reads it back.
    @Test func theReportCarriesItThroughJSON() throws {
        var report = try EvaluationReport.evaluate(labels: [0, 1, 0, 1], probabilities: [0.1, 0.8, 0.3, 0.6], arr: nil, k: 2)
        report.forecast = ForecastAccuracy.evaluate(actual: [10, 20], forecasts: [("forecast", [11, 18])], low: [9, 19], high: [12, 21], interval: "bracket")
        let json = try report.json()
        #expect(String(decoding: json, as: UTF8.self).contains("\"median_absolute_error\""))
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: json).forecast == report.forecast)
    }
}
