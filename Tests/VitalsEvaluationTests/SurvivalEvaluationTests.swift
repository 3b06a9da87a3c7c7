import Foundation
import Testing
import VitalsEvaluation
import VitalsTestSupport

/// Churn curves judged by horizon with censoring, against lifelines / scikit-learn
/// (Tests/Fixtures/survival/make_reference.py) to 1e-9, and small cases worked by hand.
@Suite struct SurvivalEvaluationTests {
    struct Reference: Decodable {
        struct Inputs: Decodable {
            let horizons: [Int]
            let grid: [Int]
            let band_order: [String]
            let event_day: [Int?]
            let observed_days: [Int]
            let band: [String]
            let predicted: [[Double]]
            let predicted_survival: [[Double]]
        }
        struct Horizon: Decodable {
            let days: Int, rows: Int, left_out: Int, events: Int
            let auc: Double, brier: Double, mean_predicted: Double, observed_rate: Double, calibration_ratio: Double
            let mean_predicted_all_rows: Double
            let kaplan_meier_rate: Double?
        }
        struct Band: Decodable {
            let band: String, rows: Int, days: [Int], observed: [Double], predicted: [Double], at_risk: [Int]
        }
        struct Book: Decodable {
            struct Forecast: Decodable { let name: String; let accounts: [Double]; let arr: [Double]? }
            struct Inputs: Decodable { let event_day: [Int?]; let observed_days: [Int]; let arr: [Double]; let forecasts: [Forecast] }
            let inputs: Inputs
            let months: [Int]
            let observed_accounts: [Int]
            let observed_arr: [Double]
            let total_arr: Double
        }
        let inputs: Inputs
        let horizons: [Horizon]
        let bands: [Band]
        let book: Book
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("survival/reference.json")))
    }

    static func followUps(_ events: [Int?], _ observed: [Int]) -> [RowFollowUp] {
        zip(events, observed).map { RowFollowUp(eventDay: $0, observedDays: $1) }
    }

    @Test func matchesLifelinesAndScikitLearn() throws {
        let r = try Self.reference()
        let input = r.inputs
        // The sample exercises what the fixture promises: censoring at day 0 and tied event days.
        #expect(input.observed_days.filter { $0 == 0 }.count >= 20)
        let eventDays = input.event_day.compactMap { $0 }
        #expect(Set(eventDays).count < eventDays.count)
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: input.predicted, horizons: input.horizons, followUps: Self.followUps(input.event_day, input.observed_days),
            bands: input.band, bandOrder: input.band_order, survivalGrid: input.grid, predictedSurvival: input.predicted_survival)
        #expect(evaluation.horizons.count == r.horizons.count)
        for (got, want) in zip(evaluation.horizons, r.horizons) {
            #expect(got.days == want.days && got.rows == want.rows && got.leftOut == want.left_out && got.events == want.events)
            assertClose(try #require(got.auc), want.auc, rtol: 1e-9, "AUC at \(want.days)")
            assertClose(try #require(got.brier), want.brier, rtol: 1e-9, "Brier at \(want.days)")
            assertClose(try #require(got.meanPredicted), want.mean_predicted, rtol: 1e-9)
            assertClose(try #require(got.observedRate), want.observed_rate, rtol: 1e-9)
            assertClose(try #require(got.calibrationRatio), want.calibration_ratio, rtol: 1e-9)
            assertClose(got.meanPredictedAllRows, want.mean_predicted_all_rows, rtol: 1e-9)
            assertClose(try #require(got.kaplanMeierRate), try #require(want.kaplan_meier_rate), rtol: 1e-9, "KM rate at \(want.days)")
        }
        #expect(evaluation.bands.map(\.band) == r.bands.map(\.band))
        for (got, want) in zip(evaluation.bands, r.bands) {
            #expect(got.rows == want.rows && got.days == want.days && got.atRisk == want.at_risk)
            assertClose(got.observed, want.observed, rtol: 1e-9, atol: 1e-12, "Kaplan–Meier of \(want.band)")
            assertClose(got.predicted, want.predicted, rtol: 1e-9, "mean curve of \(want.band)")
        }
        #expect(evaluation.book == nil)
    }

    @Test func bookBacktestMatchesTheReference() throws {
        let book = try Self.reference().book
        let forecasts = book.inputs.forecasts.map { (name: $0.name, accounts: $0.accounts, arr: $0.arr) }
        let got = try #require(SurvivalEvaluation.backtest(
            forecasts: forecasts, followUps: Self.followUps(book.inputs.event_day, book.inputs.observed_days), arr: book.inputs.arr))
        #expect(got.rows == book.inputs.event_day.count)
        #expect(got.months == book.months)
        #expect(got.observedAccounts == book.observed_accounts)
        assertClose(try #require(got.observedARR), book.observed_arr, rtol: 1e-12)
        assertClose(try #require(got.totalARR), book.total_arr, rtol: 1e-12)
        #expect(got.forecasts.map(\.name) == ["curves", "health chain"])
        #expect(got.forecasts[0].accounts == Array(book.inputs.forecasts[0].accounts.prefix(book.months.count)))
        #expect(got.forecasts[0].arr == book.inputs.forecasts[0].arr.map { Array($0.prefix(book.months.count)) })
        #expect(got.forecasts[1].arr == nil)
    }

    /// Five rows, worked by hand (days; e = churn seen, c = data ends):
    /// A e10 (seen to 400), B c20, C c30, D e30 (seen to 100), E e45 (seen to 100).
    static let hand = followUps([10, nil, nil, 30, 45], [400, 20, 30, 100, 100])
    static let handPredicted: [[Double]] = [[0.6, 0.7], [0.9, 0.95], [0.2, 0.3], [0.4, 0.5], [0.5, 0.8]]

    @Test func censoringRuleByHand() throws {
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: Self.handPredicted, horizons: [30, 90], followUps: Self.hand, bands: Array(repeating: "all", count: 5),
            bandOrder: ["all"], survivalGrid: [], predictedSurvival: Array(repeating: [], count: 5))
        // At 30 days: B (data ends on day 20) is left out; C, seen exactly 30 days, is a negative;
        // D, churned on day 30, a positive; E, churned on day 45, a negative.
        let h30 = evaluation.horizons[0]
        #expect(h30.days == 30 && h30.rows == 4 && h30.leftOut == 1 && h30.events == 2)
        // Positives A 0.6, D 0.4 against negatives C 0.2, E 0.5: 3 of 4 pairs ordered.
        #expect(h30.auc == 0.75)
        assertClose(try #require(h30.brier), (0.16 + 0.04 + 0.36 + 0.25) / 4, rtol: 1e-15)
        assertClose(try #require(h30.meanPredicted), 0.425, rtol: 1e-15)
        #expect(h30.observedRate == 0.5)
        assertClose(try #require(h30.calibrationRatio), 0.85, rtol: 1e-15)
        assertClose(h30.meanPredictedAllRows, 2.6 / 5, rtol: 1e-15)
        // Kaplan–Meier over all five: 4/5 after day 10, × 2/3 after day 30 (C, censored on 30, still at risk then).
        assertClose(try #require(h30.kaplanMeierRate), 1 - 0.8 * 2 / 3, rtol: 1e-15)
        // At 90 days B and C are left out and A, D, E all churned: no negative, no AUC.
        let h90 = evaluation.horizons[1]
        #expect(h90.rows == 3 && h90.leftOut == 2 && h90.events == 3 && h90.auc == nil && h90.observedRate == 1)
        assertClose(try #require(h90.brier), (0.09 + 0.25 + 0.04) / 3, rtol: 1e-15)
        // No row's time reaches 90 days (E's 45 is the latest): the Kaplan–Meier rate is not defined there.
        #expect(h90.kaplanMeierRate == nil)
    }

    @Test func outcomesOfOneRow() {
        let churned = RowFollowUp(eventDay: 30, observedDays: 200)
        #expect(churned.churned(withinDays: 30) == true && churned.churned(withinDays: 29) == false && churned.time == 30)
        // A churn seen before the data ends, in a window the data cuts short, is left out like
        // any row whose window passes the end: counting it would keep only the early churns.
        let cutShort = RowFollowUp(eventDay: 20, observedDays: 25)
        #expect(cutShort.churned(withinDays: 30) == nil && cutShort.churned(withinDays: 25) == true && cutShort.churned(withinDays: 19) == false)
        let censored = RowFollowUp(eventDay: nil, observedDays: 0)
        #expect(censored.churned(withinDays: 1) == nil && censored.churned(withinDays: 0) == false && censored.time == 0)
    }

    /// Kaplan–Meier at grid days, with a tie between an event and a censoring on day 30:
    /// events first, so 3 rows are at risk on day 30 (2 if the censoring came first, giving 0.4).
    @Test func kaplanMeierByHand() {
        let grid = [0, 10, 29, 30, 44, 45, 60]
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: Array(repeating: [], count: 5), horizons: [], followUps: Self.hand, bands: ["x", "x", "x", "x", "x"],
            bandOrder: [], survivalGrid: grid, predictedSurvival: (0..<5).map { r in grid.map { 1 - Double(r) * 0.1 - Double($0) / 1000 } })
        let band = evaluation.bands[0]
        #expect(band.band == "x" && band.rows == 5 && band.days == grid)
        assertClose(band.observed, [1, 0.8, 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3, 0, 0], rtol: 1e-15)
        #expect(band.atRisk == [5, 5, 3, 3, 1, 1, 0])
        assertClose(band.predicted, grid.map { 0.8 - Double($0) / 1000 }, rtol: 1e-14)
    }

    @Test func bandsFollowTheGivenOrderThenByName() {
        let rows = 6
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: Array(repeating: [0.1], count: rows), horizons: [30],
            followUps: Array(repeating: RowFollowUp(eventDay: nil, observedDays: 60), count: rows),
            bands: ["low", "zeta", "high", "alpha", "high", "low"], bandOrder: ["high", "medium", "low"],
            survivalGrid: [0, 30], predictedSurvival: Array(repeating: [1, 0.9], count: rows))
        // "medium" has no row and is left out; the bands outside the order follow by name.
        #expect(evaluation.bands.map(\.band) == ["high", "low", "alpha", "zeta"])
        #expect(evaluation.bands.map(\.rows) == [2, 2, 1, 1])
        #expect(evaluation.bands[0].observed == [1, 1])
    }

    @Test func noEventsMeansNoRatio() throws {
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: [[0.1], [0.3], [0.2]], horizons: [30],
            followUps: Self.followUps([nil, nil, nil], [40, 30, 5]), bands: ["a", "a", "a"], bandOrder: ["a"],
            survivalGrid: [0], predictedSurvival: [[1], [1], [1]])
        let h = evaluation.horizons[0]
        #expect(h.rows == 2 && h.leftOut == 1 && h.events == 0)
        #expect(h.calibrationRatio == nil && h.auc == nil && h.observedRate == 0)
        assertClose(try #require(h.brier), (0.01 + 0.09) / 2, rtol: 1e-15)
        #expect(h.kaplanMeierRate == 0)
        // A horizon no row reaches: nothing counts, and nothing is made up.
        let far = SurvivalEvaluation.evaluate(
            predicted: [[0.5]], horizons: [365], followUps: Self.followUps([nil], [10]), bands: ["a"], bandOrder: ["a"],
            survivalGrid: [], predictedSurvival: [[]]).horizons[0]
        #expect(far.rows == 0 && far.leftOut == 1 && far.brier == nil && far.meanPredicted == nil && far.calibrationRatio == nil
            && far.kaplanMeierRate == nil)
        // Still valid JSON (no NaN).
        _ = try JSONEncoder().encode(far)
    }

    /// Month m ends 365.25 / 12 · m days on; only months every row is known through are compared.
    @Test func bookBacktestByHand() throws {
        // Churns on day 30 (month 1: 30 ≤ 30.44), day 31 (month 2) and none, data to day 70
        // (month 2 ends on 60.9, month 3 on 91.3): months 1 and 2 compared.
        let followUps = Self.followUps([30, 31, nil], [100, 100, 70])
        let expected = (1...12).map { Double($0) * 0.5 }
        let book = try #require(BookBacktest.evaluate(
            forecasts: [(name: "curves", accounts: expected, arr: expected.map { $0 * 100 })], followUps: followUps, arr: [100, 200, 300]))
        #expect(book.months == [1, 2] && book.observedAccounts == [1, 2] && book.observedARR == [100, 300] && book.totalARR == 600)
        #expect(book.forecasts == [BookBacktest.Forecast(name: "curves", accounts: [0.5, 1], arr: [50, 100])])
        #expect(book.text().contains("curves") && book.text().contains("cumulative churned ARR"))
        // A row censored on day 0 leaves no month whole; so does an empty book.
        #expect(BookBacktest.evaluate(forecasts: [], followUps: Self.followUps([30, nil], [100, 0]), arr: nil) == nil)
        #expect(BookBacktest.evaluate(forecasts: [], followUps: [], arr: nil) == nil)
        // Without ARR there is no ARR figure.
        let counts = try #require(BookBacktest.evaluate(forecasts: [], followUps: followUps, arr: nil, months: 1))
        #expect(counts.months == [1] && counts.observedARR == nil && counts.totalARR == nil && !counts.text().contains("ARR"))
    }

    @Test func textMentionsEveryHorizonAndBand() throws {
        let r = try Self.reference()
        let input = r.inputs
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: input.predicted, horizons: [30, 90, 180, 365],
            followUps: Self.followUps(input.event_day, input.observed_days), bands: input.band, bandOrder: input.band_order,
            survivalGrid: input.grid, predictedSurvival: input.predicted_survival)
        let text = evaluation.text()
        for h in evaluation.horizons {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(String(repeating: " ", count: 7 - "\(h.days) d".count) + "\(h.days) d") })
            // The line carries the horizon's own counts.
            #expect(line.contains(" \(h.rows) ") && line.contains(" \(h.leftOut) ") && line.contains(String(format: "%.4f", h.auc!)))
        }
        for band in input.band_order { #expect(text.contains("\n\(band) ")) }
        // The band table shows the grid days that are horizons (365 is, 360 is not).
        #expect(text.contains("365 d") && !text.contains("360 d"))

        // The evaluation report carries it in its text and its JSON.
        var report = try EvaluationReport.evaluate(labels: [0, 1, 0, 1], probabilities: [0.1, 0.8, 0.3, 0.6], arr: nil, k: 2)
        #expect(!report.text().contains("churn curves by horizon"))
        report.survival = evaluation
        #expect(report.text().contains("churn curves by horizon") && report.text().hasSuffix(evaluation.text()))
        let json = try report.json()
        #expect(String(decoding: json, as: UTF8.self).contains("\"calibration_ratio\""))
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: json) == report)
    }
}
