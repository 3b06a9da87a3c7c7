import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

/// The reader on real delivery data: the Kitchenham projects, converted to a
/// signals directory, against figures computed from the raw CSV in Python.
@Suite struct RealDataTests {
    struct Expected: Decodable {
        let accounts: Int
        let projects: Int
        let untyped_projects: Int
        let total_budget_hours: Double
        let total_logged_hours: Double
        let late_more_than_14_days: Int
        let hours_over_110_percent: Int
        let overrun: Int
        let first_date: String
        let last_date: String
    }

    @Test func kitchenhamProjectsMatchTheReferenceFigures() throws {
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("real/kitchenham-expected.json")))
        let result = try SignalsReader().read(directory: Fixtures.path("real/kitchenham-signals"))
        let projects = try #require(result.dataset.projects)
        let timesheets = try #require(result.dataset.timesheets)

        #expect(result.dataset.accounts.count == expected.accounts)
        #expect(projects.count == expected.projects)
        #expect(projects.type.map { t in (0..<t.count).filter { t[$0] == nil }.count } == expected.untyped_projects)
        #expect(projects.budgetHours.reduce(0, +) == expected.total_budget_hours)
        #expect(timesheets.hours.reduce(0, +) == expected.total_logged_hours)

        var logged = [Double](repeating: 0, count: projects.count)
        for (p, h) in zip(timesheets.project, timesheets.hours) { logged[Int(p)] += h }
        let actualEnd = try #require(projects.actualEndDate)
        let late = (0..<projects.count).map { actualEnd[$0]! - projects.plannedEndDate[$0] > 14 }
        let overHours = (0..<projects.count).map { logged[$0] > projects.budgetHours[$0] * 1.10 }
        #expect(late.filter { $0 }.count == expected.late_more_than_14_days)
        #expect(overHours.filter { $0 }.count == expected.hours_over_110_percent)
        #expect(zip(late, overHours).filter { $0 || $1 }.count == expected.overrun)

        let summary = SignalsSummary(dataset: result.dataset, report: result.report)
        #expect(summary.firstDate?.description == expected.first_date)
        #expect(summary.lastDate?.description == expected.last_date)
        #expect(projects.status.allSatisfy { $0 == .completed })
    }
}
