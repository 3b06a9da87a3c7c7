import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// The simulated signals must carry information about the outcomes and the hidden
/// state, or there would be nothing to learn. Each test compares groups read back
/// through the official reader, with a margin well outside their sampling noise.
@Suite struct SimulatedWorldStatisticsTests {
    private func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    private func correlation(_ xs: [Double], _ ys: [Double]) -> Double {
        let mx = mean(xs), my = mean(ys)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
            syy += (y - my) * (y - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Active users per account and day ordinal.
    private func dailyActiveUsers(_ d: SignalsDataset) -> [[Int32: Double]] {
        var daily = [[Int32: Double]](repeating: [:], count: d.accounts.count)
        let usage = d.usage!
        for row in 0..<usage.count {
            daily[Int(usage.account[row])][usage.date[row].ordinal, default: 0] += Double(usage.activeUsers!.raw[row])
        }
        return daily
    }

    /// Truth months by account row and month ordinal.
    private func truthMonths(_ world: SimulatedWorld) throws -> [[Int32: (state: String, engagement: Double)]] {
        let rowByID = world.dataset.accounts.rowByID
        var months = [[Int32: (state: String, engagement: Double)]](repeating: [:], count: world.dataset.accounts.count)
        for r in try world.truthRows(.accountMonths) {
            months[rowByID[r["account_id"]!]!][Day(r["month"]!)!.ordinal] = (r["latent_state"]!, Double(r["engagement"]!)!)
        }
        return months
    }

    @Test func bookHasThePlannedShape() throws {
        let world = try SimulatedWorld.shared()
        let a = world.dataset.accounts
        var segments: [String: Double] = [:]
        for row in 0..<a.count { segments[a.segment![row]!, default: 0] += 1 / Double(a.count) }
        // Binomial sd of a share near 0.6 among 500 is 0.022: ±0.07 is beyond 3 sd.
        assertClose(segments["SMB"]!, 0.6, rtol: 0, atol: 0.07)
        assertClose(segments["Mid-Market"]!, 0.3, rtol: 0, atol: 0.07)
        assertClose(segments["Enterprise"]!, 0.1, rtol: 0, atol: 0.05)
        let s = world.summary
        #expect(s.churnRate > 0.1 && s.churnRate < 0.35, "two-year logo churn \(s.churnRate)")
        #expect(s.overrunRate > 0.2 && s.overrunRate < 0.42, "overrun share of completed projects \(s.overrunRate)")
        #expect(s.completedProjects >= 250 && s.activeProjects >= 10)
    }

    /// Disengagement before churn: the last 30 days against days 61–90 before churn, and
    /// the same window before a renewal that the account took.
    @Test func churnersUsageTrendIsLowerThanRenewers() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let daily = dailyActiveUsers(d)
        let start = SimulatedWorld.config.start, end = SimulatedWorld.config.end
        func trend(_ usage: [Int32: Double], before day: Day) -> Double? {
            func average(_ from: Int, _ to: Int) -> Double {
                (from..<to).reduce(0) { $0 + (usage[(day - $1).ordinal] ?? 0) } / Double(to - from)
            }
            let early = average(61, 91)
            return early > 0 ? average(1, 31) / early : nil
        }
        var churners: [Double] = [], renewers: [Double] = []
        for row in 0..<d.accounts.count {
            let contractStart = d.accounts.contractStart[row]
            // Past onboarding at the earlier window, and both windows inside the data.
            func usable(_ day: Day) -> Bool { day - start > 120 && day - contractStart > 180 && day <= end }
            if let churn = d.accounts.churnDate?[row] {
                if usable(churn), let t = trend(daily[row], before: churn) { churners.append(t) }
            } else {
                var k = 1
                while contractStart.adding(months: 12 * k) - start <= 120 { k += 1 }
                let renewal = contractStart.adding(months: 12 * k)
                if usable(renewal), let t = trend(daily[row], before: renewal) { renewers.append(t) }
            }
        }
        #expect(churners.count >= 40 && renewers.count >= 100, "\(churners.count) churners, \(renewers.count) renewers")
        let churnMean = mean(churners), renewMean = mean(renewers)
        #expect(churnMean < renewMean - 0.25, "usage trend before churn \(churnMean), before renewal \(renewMean)")
    }

    @Test func accountsThatLaterChurnGaveLowerNPS() throws {
        let d = try SimulatedWorld.shared().dataset
        let nps = d.nps!
        var churned: [Double] = [], retained: [Double] = []
        for row in 0..<nps.count {
            let account = Int(nps.account[row])
            if let churn = d.accounts.churnDate?[account] {
                if churn - nps.date[row] <= 180 { churned.append(Double(nps.score[row])) }
            } else {
                retained.append(Double(nps.score[row]))
            }
        }
        #expect(churned.count >= 100, "\(churned.count) responses within 180 days of churn")
        let churnedMean = mean(churned), retainedMean = mean(retained)
        #expect(churnedMean < retainedMean - 1.5, "NPS before churn \(churnedMean), retained accounts \(retainedMean)")
    }

    /// Overrun as the contract defines it, from the written rows alone.
    @Test func overrunningProjectsHaveMoreChangeOrderHours() throws {
        let d = try SimulatedWorld.shared().dataset
        let p = d.projects!
        var logged = [Double](repeating: 0, count: p.count)
        for (project, hours) in zip(d.timesheets!.project, d.timesheets!.hours) { logged[Int(project)] += hours }
        var added = [Double](repeating: 0, count: p.count)
        for (project, hours) in zip(d.changeOrders!.project, d.changeOrders!.hoursAdded) { added[Int(project)] += hours }
        var over: [Double] = [], within: [Double] = []
        for r in 0..<p.count where p.status[r] == .completed {
            let late = p.actualEndDate![r]! - p.plannedEndDate[r] > 14
            let overran = logged[r] > p.budgetHours[r] * 1.10 || late
            if overran { over.append(added[r] / p.budgetHours[r]) } else { within.append(added[r] / p.budgetHours[r]) }
        }
        #expect(over.count >= 60 && within.count >= 150, "\(over.count) overran, \(within.count) within")
        let overMean = mean(over), withinMean = mean(within)
        #expect(overMean > 3 * withinMean && overMean > 0.08,
                "change-order hours per budget hour: overran \(overMean), within \(withinMean)")
    }

    /// Against the latent truth: active users per seat rise with the hidden engagement.
    @Test func activeUsersPerSeatTrackTheLatentEngagement() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let months = try truthMonths(world)
        var monthly = [[Int32: Double]](repeating: [:], count: d.accounts.count)
        let usage = d.usage!
        for row in 0..<usage.count {
            monthly[Int(usage.account[row])][usage.date[row].startOfMonth.ordinal, default: 0] += Double(usage.activeUsers!.raw[row])
        }
        var engagement: [Double] = [], perSeat: [Double] = []
        for account in 0..<d.accounts.count {
            let seats = Double(d.accounts.seats![account]!)
            let contractStart = d.accounts.contractStart[account]
            let leaving = d.accounts.churnDate![account]
            for (ordinal, truth) in months[account] {
                let month = Day(ordinal: ordinal)
                // Whole months past onboarding, before any decision to leave could weigh on usage.
                guard month > contractStart.adding(months: 3), month >= SimulatedWorld.config.start,
                      month.adding(months: 1) <= SimulatedWorld.config.end,
                      leaving.map({ month.adding(months: 5) < $0 }) ?? true else { continue }
                engagement.append(truth.engagement)
                perSeat.append((monthly[account][ordinal] ?? 0) / seats)
            }
        }
        #expect(engagement.count > 3000)
        let r = correlation(engagement, perSeat)
        #expect(r > 0.8, "corr(latent engagement, monthly active users per seat) = \(r)")
    }

    /// Worse states bring more tickets per seat, lower CSAT and fewer completed workflows.
    @Test func supportAndWorkflowsWorsenWithTheLatentState() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let months = try truthMonths(world)
        let states = ["thriving", "healthy", "steady", "at_risk", "critical"]
        var seatMonths = [String: Double](), tickets = [String: Double](), csat = [String: [Double]]()
        var started = [String: Double](), completed = [String: Double]()
        for account in 0..<d.accounts.count {
            for (_, truth) in months[account] { seatMonths[truth.state, default: 0] += Double(d.accounts.seats![account]!) }
        }
        let t = d.tickets!
        for r in 0..<t.count {
            guard let state = months[Int(t.account[r])][t.openedAt[r].startOfMonth.ordinal]?.state else { continue }
            tickets[state, default: 0] += 1
            if let score = t.csat![r] { csat[state, default: []].append(Double(score)) }
        }
        let u = d.usage!
        for r in 0..<u.count {
            guard let state = months[Int(u.account[r])][u.date[r].startOfMonth.ordinal]?.state else { continue }
            started[state, default: 0] += Double(u.workflowsStarted![r]!)
            completed[state, default: 0] += Double(u.workflowsCompleted![r]!)
        }
        let rate = states.map { tickets[$0, default: 0] / seatMonths[$0]! }
        let rating = states.map { mean(csat[$0] ?? []) }
        let completion = states.map { completed[$0, default: 0] / started[$0]! }
        for k in 1..<states.count {
            #expect(rate[k] > rate[k - 1], "tickets per seat-month \(rate)")
            #expect(completion[k] < completion[k - 1] - 0.05, "workflow completion \(completion)")
        }
        #expect(rate[4] > 4 * rate[0], "tickets per seat-month \(rate)")
        #expect(rating[0] - rating[4] > 1, "CSAT by state \(rating)")
    }

    /// An implementation that overran drags the relationship down for months after.
    @Test func overrunImplementationsLeaveWorseHealth() throws {
        let world = try SimulatedWorld.shared()
        let d = world.dataset
        let months = try truthMonths(world)
        let overran = Dictionary(uniqueKeysWithValues: try world.truthRows(.accounts).map {
            (d.accounts.rowByID[$0["account_id"]!]!, $0["implementation_overran"] == "true")
        })
        var troubled: [Double] = [], smooth: [Double] = []
        for account in 0..<d.accounts.count where d.accounts.contractStart[account] >= SimulatedWorld.config.start {
            // Months 3 to 9 of the contract: after the project's midpoint, before the trouble ends.
            let start = d.accounts.contractStart[account].startOfMonth
            let window = (3...9).compactMap { months[account][start.adding(months: $0).ordinal] }
            guard window.count >= 3 else { continue }
            let bad = Double(window.filter { $0.state == "at_risk" || $0.state == "critical" }.count) / Double(window.count)
            if overran[account]! { troubled.append(bad) } else { smooth.append(bad) }
        }
        #expect(troubled.count >= 30 && smooth.count >= 80, "\(troubled.count) overran, \(smooth.count) did not")
        #expect(mean(troubled) > mean(smooth) + 0.1,
                "share of at-risk or critical months: after an overrun \(mean(troubled)), otherwise \(mean(smooth))")
    }

    /// Larger accounts are stickier; weekends and onboarding show in usage.
    @Test func sizeCalendarAndOnboardingShapeTheSignals() throws {
        let d = try SimulatedWorld.shared().dataset
        let a = d.accounts
        var churn: [String: (churned: Double, total: Double)] = [:]
        for row in 0..<a.count {
            let group = a.segment![row] == "SMB" ? "SMB" : "larger"
            churn[group, default: (0, 0)].total += 1
            if a.churnDate![row] != nil { churn[group, default: (0, 0)].churned += 1 }
        }
        let smb = churn["SMB"]!.churned / churn["SMB"]!.total, larger = churn["larger"]!.churned / churn["larger"]!.total
        #expect(smb > larger + 0.06, "churn SMB \(smb), Mid-Market and Enterprise \(larger)")

        let u = d.usage!
        var weekday = 0.0, weekend = 0.0, early = 0.0, settled = 0.0
        for r in 0..<u.count {
            let users = Double(u.activeUsers!.raw[r])
            if u.date[r].isoWeekday >= 6 { weekend += users / 2 } else { weekday += users / 5 }
            let account = Int(u.account[r]), tenure = u.date[r] - a.contractStart[account]
            // New logos that stay a customer through their first 150 days, inside the window.
            guard a.contractStart[account] >= SimulatedWorld.config.start,
                  a.contractStart[account] + 150 <= SimulatedWorld.config.end,
                  a.churnDate![account].map({ $0 > a.contractStart[account] + 150 }) ?? true else { continue }
            if tenure < 30 { early += users } else if tenure >= 120 && tenure < 150 { settled += users }
        }
        #expect(weekend < 0.3 * weekday, "active users per weekend day \(weekend), per weekday \(weekday)")
        #expect(early < 0.6 * settled, "first 30 days \(early), days 120–149 \(settled)")
    }
}
