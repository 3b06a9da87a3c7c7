import Testing
import VitalsScoring
import VitalsTestSupport

/// Earned-value forecasts against hand-worked closed forms.
struct ProjectForecastTests {
    /// BAC 100, AC 50, CPI 0.8 (EV 40), SPI 0.5: EAC = 125; at plan 50 + 60 = 110; composite 50 + 60 / 0.4 = 200.
    @Test func bracketsTheCPIForecastWithThePMIFormulas() {
        let f = ProjectForecast.hoursAtCompletion(budget: 100, logged: 50, cpi: 0.8, spi: 0.5, elapsed: 0.5)
        assertClose(f.point, 125, rtol: 1e-14)
        assertClose(f.low, 110, rtol: 1e-14)
        assertClose(f.high, 200, rtol: 1e-14)
    }

    /// Ahead of plan (CPI 1.25, SPI 1.1): EAC 80 is the low end; at plan 50 + 50 = 100; composite 50 + 50 / 1.375.
    @Test func efficientProjectsForecastUnderBudget() {
        let f = ProjectForecast.hoursAtCompletion(budget: 100, logged: 40, cpi: 1.25, spi: 1.1, elapsed: 0.4)
        assertClose(f.point, 80, rtol: 1e-14)
        assertClose(f.low, 40 + 50 / 1.375, rtol: 1e-14)
        assertClose(f.high, 90, rtol: 1e-14)
    }

    /// Earned value past the budget leaves no remaining work: nothing forecasts below the hours logged.
    @Test func neverForecastsBelowTheHoursLogged() {
        let f = ProjectForecast.hoursAtCompletion(budget: 100, logged: 90, cpi: 1.2, spi: 1, elapsed: 1)
        #expect(f.point == 90 && f.low == 90 && f.high == 90)
    }

    /// Without a CPI: the burn so far over the elapsed share, or the budget before any hours.
    @Test func extrapolatesTheBurnWithoutEarnedValue() {
        let burn = ProjectForecast.hoursAtCompletion(budget: 100, logged: 30, cpi: nil, spi: nil, elapsed: 0.5)
        #expect(burn.point == 60 && burn.low == 60 && burn.high == 60)
        #expect(ProjectForecast.hoursAtCompletion(budget: 100, logged: 0, cpi: nil, spi: nil, elapsed: 0.2).point == 100)
        // A tiny SPI would blow the composite up; it falls back to the point forecast.
        let stalled = ProjectForecast.hoursAtCompletion(budget: 100, logged: 50, cpi: 0.5, spi: 0.01, elapsed: 0.9)
        assertClose(stalled.high, 200, rtol: 1e-14)
    }
}
