import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

@Suite struct SignalsSummaryTests {
    @Test func summarizesTheValidFixture() throws {
        let result = try SignalsReader().read(directory: Fixtures.path("signals/valid"))
        let summary = SignalsSummary(dataset: result.dataset, report: result.report)
        #expect(summary.accounts == 4)
        #expect(summary.churnedAccounts == 1)
        #expect(summary.projects == 3)
        #expect(summary.projectsInFlight == 1)
        #expect(summary.rows[.usage] == 4)
        #expect(summary.rows[.timesheets] == 3)
        #expect(summary.firstDate?.description == "2023-01-15")
        #expect(summary.lastDate?.description == "2024-08-31")
        #expect(summary.coverage.map(\.family) == ["usage", "support", "nps", "delivery"])
        // usage: A1, A2, A3 of 4; support: A1, A2; nps: A1, A3; delivery: A1, A2.
        #expect(summary.coverage.map(\.share) == [0.75, 0.5, 0.5, 0.5])
        #expect(summary.text.contains("usage     75.0 %"))
        #expect(summary.text.contains("accounts  4 (1 churned)"))
    }
}
