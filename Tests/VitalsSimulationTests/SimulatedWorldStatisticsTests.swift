import Foundation
import Testing
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// The simulated signals must carry information about the outcomes, or there
/// would be nothing to learn. Each test compares groups with a margin.
@Suite struct SimulatedWorldStatisticsTests {
    /// Daily active users per account, summed over duplicate rows.
    private func activeUsers(_ d: SignalsDataset) -> [Int: [Int32: Double]] {
        var byAccount: [Int: [Int32: Double]] = [:]
        let usage = d.usage!
        for row in 0..<usage.count {
            byAccount[Int(usage.account[row]), default: [:]][usage.date[row].ordinal, default: 0]
                += Double(usage.activeUsers!.raw[row])
        }
        return byAccount
    }

    /// Mean active users in (D−30, D] over mean active users in (D−90, D−60]: the 90-day trend.
    private func trend(_ daily: [Int32: Double], before d: Day) -> Double? {
        func mean(_ from: Int, _ to: Int) -> Double {
            var total = 0.0
            for k in from..<to { total += daily[(d - k).ordinal] ?? 0 }
            return total / Double(to - from)
        }
        let early = mean(60, 90)
        return early > 0 ? mean(1, 31) / early : nil
    }

    @Test func churnersUsageTrendIsLowerThanRenewers() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let daily = activeUsers(d)
        let start = SimulatedWorld.config.start, end = SimulatedWorld.config.end
        var churners: [Double] = [], renewers: [Double] = []
        for row in 0..<d.accounts.count {
            let contractStart = d.accounts.contractStart[row]
            guard let usage = daily[row] else { continue }
            if let churn = d.accounts.churnDate?[row] {
                guard churn - start > 120, churn - contractStart > 120, let t = trend(usage, before: churn) else { continue }
                churners.append(t)
            } else {
                // The first renewal inside the window that the account passed.
                var k = 1
                while contractStart.adding(months: 12 * k) - start < 120 { k += 1 }
                let renewal = contractStart.adding(months: 12 * k)
                guard renewal <= end, renewal - contractStart > 120, let t = trend(usage, before: renewal) else { continue }
                renewers.append(t)
            }
        }
        #expect(churners.count >= 40 && renewers.count >= 100, "\(churners.count) churners, \(renewers.count) renewers")
        let churnMean = churners.reduce(0, +) / Double(churners.count)
        let renewMean = renewers.reduce(0, +) / Double(renewers.count)
        #expect(churnMean < renewMean - 0.2, "churners \(churnMean) vs renewers \(renewMean)")
    }

    @Test func overrunningProjectsHaveMoreChangeOrderHours() throws {
        let d = try SimulatedWorld.shared().dataset
        let projects = d.projects!
        var logged = [Double](repeating: 0, count: projects.count)
        for (p, h) in zip(d.timesheets!.project, d.timesheets!.hours) { logged[Int(p)] += h }
        var changeHours = [Double](repeating: 0, count: projects.count)
        for (p, h) in zip(d.changeOrders!.project, d.changeOrders!.hoursAdded) { changeHours[Int(p)] += h }
        var over: [Double] = [], within: [Double] = []
        for p in 0..<projects.count where projects.status[p] == .completed {
            let late = projects.actualEndDate![p]! - projects.plannedEndDate[p] > 14
            let overran = logged[p] > projects.budgetHours[p] * 1.10 || late
            let perBudgetHour = changeHours[p] / projects.budgetHours[p]
            if overran { over.append(perBudgetHour) } else { within.append(perBudgetHour) }
        }
        let share = Double(over.count) / Double(over.count + within.count)
        #expect(share > 0.2 && share < 0.5, "overrun share \(share)")
        let overMean = over.reduce(0, +) / Double(over.count), withinMean = within.reduce(0, +) / Double(within.count)
        #expect(overMean > 2 * withinMean, "change-order hours / budget: overran \(overMean), within \(withinMean)")
    }

    @Test func accountsThatLaterChurnGaveLowerNPS() throws {
        let d = try SimulatedWorld.shared().dataset
        let nps = d.nps!
        var churned: [Double] = [], retained: [Double] = []
        for row in 0..<nps.count {
            let account = Int(nps.account[row])
            if let churn = d.accounts.churnDate?[account] {
                // The last half year before churn, when the decision to leave was forming.
                if nps.date[row] < churn, churn - nps.date[row] <= 180 { churned.append(Double(nps.score[row])) }
            } else {
                retained.append(Double(nps.score[row]))
            }
        }
        let churnedMean = churned.reduce(0, +) / Double(churned.count)
        let retainedMean = retained.reduce(0, +) / Double(retained.count)
        #expect(churned.count >= 100)
        #expect(churnedMean < retainedMean - 1.0, "NPS before churn \(churnedMean) vs retained \(retainedMean)")
    }

    /// Against the latent truth: monthly active users per seat rise with the hidden engagement,
    /// and tickets per seat fall with it.
    @Test func signalsTrackTheLatentHealth() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let rowByID = d.accounts.rowByID
        var engagementByAccountMonth: [Int: [Int32: (engagement: Double, state: String)]] = [:]
        for r in try world.truthRows("account_months.csv") {
            engagementByAccountMonth[rowByID[r[0]]!, default: [:]][Day(r[1])!.ordinal] = (Double(r[3])!, r[2])
        }
        var activeSum: [Int: [Int32: Double]] = [:]
        let usage = d.usage!
        for row in 0..<usage.count {
            activeSum[Int(usage.account[row]), default: [:]][usage.date[row].startOfMonth.ordinal, default: 0]
                += Double(usage.activeUsers!.raw[row])
        }
        var xs: [Double] = [], ys: [Double] = []
        var ticketsByState: [String: (tickets: Double, seatMonths: Double)] = [:]
        var ticketCount: [Int: [Int32: Double]] = [:]
        for (a, day) in zip(d.tickets!.account, d.tickets!.openedAt) { ticketCount[Int(a), default: [:]][day.startOfMonth.ordinal, default: 0] += 1 }
        for (account, months) in engagementByAccountMonth {
            let seats = Double(d.accounts.seats!.raw[account])
            for (month, truth) in months {
                let contractStart = d.accounts.contractStart[account]
                guard Day(ordinal: month) > contractStart.adding(months: 3) else { continue }  // past onboarding
                if d.accounts.churnDate?[account].map({ $0 <= Day(ordinal: month).adding(months: 5) }) == true { continue }
                xs.append(truth.engagement)
                ys.append((activeSum[account]?[month] ?? 0) / seats)
                ticketsByState[truth.state, default: (0, 0)].tickets += ticketCount[account]?[month] ?? 0
                ticketsByState[truth.state, default: (0, 0)].seatMonths += seats
            }
        }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let cov = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }.squareRoot(), sy = ys.reduce(0) { $0 + ($1 - my) * ($1 - my) }.squareRoot()
        let correlation = cov / (sx * sy)
        #expect(correlation > 0.5, "corr(latent engagement, active users per seat) = \(correlation)")
        let rate = { (s: String) in ticketsByState[s].map { $0.tickets / $0.seatMonths } ?? .nan }
        #expect(rate("critical") > 1.8 * rate("thriving"), "tickets per seat-month: critical \(rate("critical")), thriving \(rate("thriving"))")
        #expect(rate("at_risk") > rate("healthy"))
    }
}
