import Foundation
import Testing
import VitalsHazard
import VitalsLinearAlgebra
import VitalsTestSupport

@Suite struct PersonPeriodsTests {
    /// Seven snapshots with 30-day periods and K = 4, expanded by hand from the definition.
    @Test func expansionMatchesAHandComputedFixture() {
        let periods = HazardPeriods(days: 30, count: 4)
        let followUps = [
            FollowUp(eventDay: 45, observedDays: 200),  // A: churn in period 2
            FollowUp(eventDay: nil, observedDays: 95),  // B: 3 whole periods seen, the 4th censored
            FollowUp(eventDay: 30, observedDays: 400),  // C: day 30 is the end of period 1
            FollowUp(eventDay: 200, observedDays: 300),  // D: churn after the reach: 4 survived periods
            FollowUp(eventDay: nil, observedDays: 10),  // E: not one whole period: no row
            FollowUp(eventDay: 31, observedDays: 31),  // F: a churn inside a period the data ends in is censored with it
            FollowUp(eventDay: nil, observedDays: 120),  // G: exactly 4 whole periods
        ]
        let x = Matrix(rows: 7, columns: 2, elements: (0..<14).map(Double.init))
        let rows = PersonPeriods(snapshots: x, followUps: followUps, periods: periods)
        let expected: [(source: Int, period: Int, label: Double)] = [
            (0, 1, 0), (0, 2, 1),
            (1, 1, 0), (1, 2, 0), (1, 3, 0),
            (2, 1, 1),
            (3, 1, 0), (3, 2, 0), (3, 3, 0), (3, 4, 0),
            (5, 1, 0),
            (6, 1, 0), (6, 2, 0), (6, 3, 0), (6, 4, 0),
        ]
        #expect(rows.source == expected.map(\.source))
        #expect(rows.period == expected.map(\.period))
        #expect(rows.y == expected.map(\.label))
        #expect(rows.x.columns == 3)
        for (r, row) in expected.enumerated() {
            #expect(rows.x[r, 0] == x[row.source, 0] && rows.x[r, 1] == x[row.source, 1] && rows.x[r, 2] == Double(row.period))
        }
    }

    @Test func periodsCountDaysFromTheSnapshot() {
        let periods = HazardPeriods()
        #expect(periods.period(ofDay: 1) == 1 && periods.period(ofDay: 30) == 1 && periods.period(ofDay: 31) == 2)
        #expect(periods.period(ofDay: 365) == 12 && periods.period(ofDay: 366) == 13)
        #expect(periods.wholePeriods(observedDays: 30) == 0 && periods.wholePeriods(observedDays: 31) == 1)
        #expect(periods.wholePeriods(observedDays: 365) == 11 && periods.wholePeriods(observedDays: 366) == 12)
        #expect(abs(periods.reachDays - 365.25) < 1e-12)
    }
}
