import Testing
import Foundation
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsTestSupport

/// Earned-value forecasts against hand-worked closed forms.
struct ProjectForecastTests {
    /// BAC 100, AC 50, CPI 0.8 (EV 40), SPI 0.5: EAC = 125; at plan 50 + 60 = 110; composite 50 + 60 / 0.4 = 200.
    @Test func bracketsTheCPIForecastWithThePMIFormulas() {
        let f = EarnedValue.hoursAtCompletion(budget: 100, logged: 50, cpi: 0.8, spi: 0.5, elapsed: 0.5)
        assertClose(f.point, 125, rtol: 1e-14)
        assertClose(f.low, 110, rtol: 1e-14)
        assertClose(f.high, 200, rtol: 1e-14)
    }

    /// Ahead of plan (CPI 1.25, SPI 1.1): EAC 80 is the low end; at plan 50 + 50 = 100; composite 50 + 50 / 1.375.
    @Test func efficientProjectsForecastUnderBudget() {
        let f = EarnedValue.hoursAtCompletion(budget: 100, logged: 40, cpi: 1.25, spi: 1.1, elapsed: 0.4)
        assertClose(f.point, 80, rtol: 1e-14)
        assertClose(f.low, 40 + 50 / 1.375, rtol: 1e-14)
        assertClose(f.high, 90, rtol: 1e-14)
    }

    /// Earned value past the budget leaves no remaining work: nothing forecasts below the hours logged.
    @Test func neverForecastsBelowTheHoursLogged() {
        let f = EarnedValue.hoursAtCompletion(budget: 100, logged: 90, cpi: 1.2, spi: 1, elapsed: 1)
        #expect(f.point == 90 && f.low == 90 && f.high == 90)
    }

    /// Without a CPI: the burn so far over the elapsed share, or the budget before any hours.
    @Test func extrapolatesTheBurnWithoutEarnedValue() {
        let burn = EarnedValue.hoursAtCompletion(budget: 100, logged: 30, cpi: nil, spi: nil, elapsed: 0.5)
        #expect(burn.point == 60 && burn.low == 60 && burn.high == 60)
        #expect(EarnedValue.hoursAtCompletion(budget: 100, logged: 0, cpi: nil, spi: nil, elapsed: 0.2).point == 100)
        // A tiny SPI would blow the composite up; it falls back to the point forecast.
        let stalled = EarnedValue.hoursAtCompletion(budget: 100, logged: 50, cpi: 0.5, spi: 0.01, elapsed: 0.9)
        assertClose(stalled.high, 200, rtol: 1e-14)
    }

    /// The overdue project of issue 19 (P000052-01 on the demo book: planned to end
    /// 2025-12-09, 52 hours still to do on 2025-12-31): its end is the day the remaining
    /// hours run out at the last four weeks' pace, not the as-of date.
    @Test func anOverdueProjectEndsWhenItsRemainingHoursRunOut() {
        let asOf = Day(year: 2025, month: 12, day: 31)!, start = Day(year: 2025, month: 10, day: 12)!
        let plannedEnd = Day(year: 2025, month: 12, day: 9)!
        // 112 hours in the last 28 days: 4 a day; 52 left: 13 days.
        let end = EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: 125, logged: 259.75,
                                          loggedBefore: 147.75, windowDays: 28, remaining: 52)
        #expect(end == Day(year: 2026, month: 1, day: 13)!)
        // Stalled for four weeks: the average pace since the start (259.75 h over 80 days) carries it.
        let stalled = EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: 125, logged: 259.75,
                                              loggedBefore: 259.75, windowDays: 28, remaining: 52)
        #expect(stalled == asOf + Int((52 / (259.75 / 80)).rounded(.up)))
        // Nothing logged yet on its first day: the plan's pace (125 h over 58 days).
        let fresh = EarnedValue.endDate(asOf: start, start: start, plannedEnd: plannedEnd, budget: 125, logged: 0, loggedBefore: 0,
                                            windowDays: 0, remaining: 125)
        #expect(fresh == start + 58)
        // No hours left: it ends on the as-of date.
        #expect(EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: 125, logged: 125, loggedBefore: 100,
                                        windowDays: 28, remaining: 0) == asOf)
    }

    /// With work left, the end is after the as-of date, whatever the pace and the plan.
    @Test func workLeftMeansAnEndAfterTheAsOfDate() {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<2_000 {
            let start = Day(year: 2025, month: 1, day: 1)! + Int.random(in: 0...300, using: &rng)
            let asOf = start + Int.random(in: 0...200, using: &rng), plannedEnd = start + Int.random(in: 0...150, using: &rng)
            let logged = Double.random(in: 0...500, using: &rng), before = logged * Double.random(in: 0...1, using: &rng)
            let remaining = Double.random(in: 0.01...400, using: &rng)
            let end = EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: Double.random(in: 0...300, using: &rng),
                                              logged: logged, loggedBefore: before, windowDays: min(28, asOf - start), remaining: remaining)
            #expect(end > asOf)
            // More hours left never end sooner: the interval's ends bracket the forecast's end.
            let more = EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: 100, logged: logged, loggedBefore: before,
                                               windowDays: min(28, asOf - start), remaining: remaining * 1.5)
            let fewer = EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: 100, logged: logged, loggedBefore: before,
                                                windowDays: min(28, asOf - start), remaining: remaining)
            #expect(more >= fewer)
        }
    }
}
