import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

@testable import VitalsSimulation

/// A simulated directory obeys every rule of the contract (docs/SIGNALS.md), as
/// the official reader checks it, and the rules the reader cannot see: nothing
/// after the export day or after churn, consistent statuses and sums.
@Suite struct SimulatedContractTests {
    @Test func headersAreTheContractsAndTheReaderFindsNoProblem() throws {
        let world = try SimulatedWorld.shared()
        for file in SignalsFile.allCases {
            let text = try String(contentsOfFile: world.signals + "/" + file.fileName, encoding: .utf8)
            #expect(text.prefix { $0 != "\n" } == Substring(file.canonicalHeader), "\(file.fileName) header")
            #expect(world.report[file].present)
            #expect(world.report[file].rowsKept == world.summary.rows[file], "\(file.fileName) rows")
        }
        #expect(world.report.problemCount == 0)
        #expect(world.report.problems.isEmpty)
        #expect(world.report.warnings.isEmpty)
        #expect(world.dataset.accounts.count == SimulatedWorld.config.accounts)
        #expect(world.summary.accounts == SimulatedWorld.config.accounts)
        #expect(world.dataset.projects!.count == world.summary.projects)
        #expect(world.dataset.accounts.churnDate!.raw.filter { $0 != DayColumn.missing }.count == world.summary.churnedAccounts)
    }

    @Test func accountsDescribeTheBookAtTheExport() throws {
        let d = try SimulatedWorld.shared().dataset
        let start = SimulatedWorld.config.start, end = SimulatedWorld.config.end
        let a = d.accounts
        #expect(a.accountID.first == "A000001" && a.accountID.last == "A000500")
        #expect(Set(a.name!.levels).count == a.count, "company names are distinct")
        #expect(Set((0..<a.count).compactMap { a.csm![$0] }).count >= 10)
        var established = 0
        for row in 0..<a.count {
            let segment = try #require(a.segment![row])
            let seats = try #require(a.seats![row]), arr = try #require(a.arr![row])
            let range = ["SMB": 5...40, "Mid-Market": 40...300, "Enterprise": 300...3000][segment]
            #expect(range?.contains(seats) == true, "\(segment) with \(seats) seats")
            #expect(arr > 0 && arr == arr.rounded(), "ARR \(arr) is a positive whole number")
            let contractStart = a.contractStart[row]
            #expect(contractStart <= end && contractStart >= start - 1095)
            if contractStart < start { established += 1 }
            if let churn = a.churnDate![row] {
                #expect(churn > contractStart && churn > start && churn <= end)
                #expect(a.renewalDate![row] == nil, "a churned account has no renewal date")
            } else {
                // The next contract anniversary after the export day.
                let renewal = try #require(a.renewalDate![row])
                var k = 1
                while contractStart.adding(months: 12 * k) <= end { k += 1 }
                #expect(renewal == contractStart.adding(months: 12 * k))
            }
        }
        #expect((200...300).contains(established), "about half the book exists when the window opens: \(established)")
    }

    /// Every dated row lies in the window, within the account's life: nothing before its
    /// contract start or the window start, nothing after the export day or its churn.
    @Test func signalsLieWithinEachAccountsLifeAndTheWindow() throws {
        let d = try SimulatedWorld.shared().dataset
        let start = SimulatedWorld.config.start, end = SimulatedWorld.config.end
        let a = d.accounts
        func within(_ account: Int32, _ day: Day, churnDayAllowed: Bool = false) -> Bool {
            let row = Int(account)
            guard day >= start, day >= a.contractStart[row], day <= end else { return false }
            guard let churn = a.churnDate![row] else { return true }
            return churnDayAllowed ? day <= churn : day < churn
        }
        let u = d.usage!
        var usageDays = Set<Int64>()
        for r in 0..<u.count {
            #expect(within(u.account[r], u.date[r]))
            #expect(usageDays.insert(Int64(u.account[r]) << 32 | Int64(u.date[r].ordinal)).inserted, "one usage row per account and day")
            let active = try #require(u.activeUsers![r])
            #expect(active >= 1 && active <= a.seats![Int(u.account[r])]!)
            #expect(u.sessions![r]! >= active)
            #expect(u.workflowsCompleted![r]! <= u.workflowsStarted![r]!)
            #expect(u.keyEvents![r]! >= 0)
        }
        let t = d.tickets!
        for r in 0..<t.count {
            #expect(within(t.account[r], t.openedAt[r]))
            if let closed = t.closedAt![r] {
                #expect(closed >= t.openedAt[r] && within(t.account[r], closed, churnDayAllowed: true))
            } else {
                #expect(t.csat![r] == nil, "an open ticket has no rating")
            }
            if let csat = t.csat![r] { #expect((1...5).contains(csat)) }
            #expect(t.slaBreached![r] != nil && t.escalated![r] != nil)
        }
        let n = d.nps!
        for r in 0..<n.count {
            #expect(within(n.account[r], n.date[r]))
            #expect((0...10).contains(n.score[r]))
            #expect(n.respondent![r]?.hasSuffix("@" + a.accountID[Int(n.account[r])].lowercased() + ".example.com") == true)
        }
        #expect(Set(t.priority).count == 4)
    }

    @Test func projectsAreConsistentWithTheirAccountsAndRows() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let start = SimulatedWorld.config.start, end = SimulatedWorld.config.end
        let p = d.projects!, a = d.accounts
        var logged = [Int](repeating: 0, count: p.count)  // quarter hours
        var lastEntry = [Day?](repeating: nil, count: p.count)
        for r in 0..<d.timesheets!.count {
            let project = Int(d.timesheets!.project[r]), day = d.timesheets!.date[r], hours = d.timesheets!.hours[r]
            #expect(hours > 0 && (hours * 4) == (hours * 4).rounded(), "hours in quarter hours: \(hours)")
            #expect(day >= p.startDate[project] && day <= end)
            #expect(day <= (p.actualEndDate![project] ?? end))
            logged[project] += Int(hours * 4)
            lastEntry[project] = max(lastEntry[project] ?? day, day)
        }
        var milestones = [Int](repeating: 0, count: p.count)
        for r in 0..<d.milestones!.count {
            let project = Int(d.milestones!.project[r])
            milestones[project] += 1
            #expect(d.milestones!.dueDate[r] > p.startDate[project])
            if let done = d.milestones!.completedDate![r] {
                #expect(done >= p.startDate[project] && done <= (p.actualEndDate![project] ?? end))
            }
        }
        for r in 0..<d.changeOrders!.count {
            let project = Int(d.changeOrders!.project[r])
            #expect(d.changeOrders!.date[r] >= p.startDate[project] && d.changeOrders!.date[r] <= (p.actualEndDate![project] ?? end))
            #expect(d.changeOrders!.hoursAdded[r] != 0)
        }
        let truth = Dictionary(uniqueKeysWithValues: try world.truthRows(.projects).map { ($0["project_id"]!, $0) })
        for r in 0..<p.count {
            let account = Int(p.account[r])
            #expect(p.startDate[r] >= start && p.startDate[r] >= a.contractStart[account] && p.startDate[r] <= end)
            #expect(p.plannedEndDate[r] > p.startDate[r] && p.budgetHours[r] > 0)
            #expect((4...6).contains(milestones[r]), "\(p.projectID[r]) has \(milestones[r]) milestones")
            let row = try #require(truth[p.projectID[r]])
            #expect(Double(row["logged_hours"]!)! * 4 == Double(logged[r]), "truth logged hours of \(p.projectID[r])")
            switch p.status[r] {
            case .completed:
                let actual = try #require(p.actualEndDate![r])
                #expect(actual <= end && a.churnDate![account].map { actual <= $0 } ?? true)
                // Completed projects log exactly the hours they took, by their last day.
                #expect(Double(row["full_hours"]!)! * 4 == Double(logged[r]))
                #expect(lastEntry[r].map { $0 <= actual } ?? false)
                let overran = Double(logged[r]) > p.budgetHours[r] * 4 * 1.1 || actual - p.plannedEndDate[r] > 14
                #expect(row["overran"] == (overran ? "true" : "false"))
            case .active:
                #expect(p.actualEndDate![r] == nil && a.churnDate![account] == nil)
                #expect(row["overran"] == "")
            case .cancelled:
                #expect(p.actualEndDate![r] != nil && p.actualEndDate![r] == a.churnDate![account])
            }
        }
        #expect(Set(p.type!.levels) == ["implementation", "integration", "migration", "training"])
        #expect(Set(p.status).isSuperset(of: [.active, .completed]))
        // Every account that signed in the window has its implementation in the data.
        let implemented = Set((0..<p.count).filter { p.type![$0] == "implementation" }.map { Int(p.account[$0]) })
        let signed = Set((0..<a.count).filter { a.contractStart[$0] >= start })
        #expect(implemented == signed)
    }

    /// Few customers leave while a project runs, so this takes the default book, which has some.
    @Test func churnCancelsRunningProjectsOnTheChurnDay() throws {
        let dir = try TemporaryDirectory("simulated-default")
        defer { dir.remove() }
        let summary = try Simulator(config: SimulationConfig()).write(
            signalsDirectory: dir.path("signals"), truthDirectory: nil, overwrite: false)
        #expect(summary.cancelledProjects > 0)
        let read = try SignalsReader().read(directory: dir.path("signals"))
        #expect(read.report.problemCount == 0)
        let d = read.dataset, p = d.projects!
        let cancelled = (0..<p.count).filter { p.status[$0] == .cancelled }
        #expect(cancelled.count == summary.cancelledProjects)
        var lastEntry = [Int: Day]()
        for (project, day) in zip(d.timesheets!.project, d.timesheets!.date) { lastEntry[Int(project)] = max(lastEntry[Int(project)] ?? day, day) }
        for r in cancelled {
            let churn = try #require(d.accounts.churnDate![Int(p.account[r])])
            #expect(p.actualEndDate![r] == churn && p.startDate[r] < churn)
            #expect(lastEntry[r].map { $0 <= churn } ?? true)
        }
        for r in 0..<p.count where p.status[r] == .completed {
            if let churn = d.accounts.churnDate![Int(p.account[r])] { #expect(p.actualEndDate![r]! <= churn) }
        }
    }
}
