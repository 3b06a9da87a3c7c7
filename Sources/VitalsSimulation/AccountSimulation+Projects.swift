import Foundation
import VitalsFoundation
import VitalsSignals

/// projects.csv, change_orders.csv, milestones.csv and timesheets.csv.
///
/// Every account's implementation starts on its contract start; it is written
/// only when that lies in the window, so established accounts' old
/// implementations are absent (their outcome still shaped the latent health).
/// After 120 days as a customer, each month may start an integration (monthly
/// probability 0.020, 0.015, 0.008, 0.003, 0.001 by state, × 0.6, 1, 1.8 by
/// segment), a migration (0.4 × that) and a training (0.006), so healthy
/// accounts buy more services; none once the customer has decided to leave.
///
/// A project is cut by the export day (`active`, no `actual_end_date`) or by
/// its account's churn (`cancelled`, ending on the churn day); otherwise it is
/// `completed` on the day its plan says.
extension AccountSimulation {
    func writeProjects(into out: inout SimulationOutput) {
        var rng = RandomSource(seed: config.seed, account: profile.index, purpose: .projects)
        var plans: [ProjectPlan] = []
        if implementation.start >= config.start { plans.append(implementation) }

        let segmentFactor = [0.6, 1.0, 1.8][profile.segment.rawValue]
        var streamIndex = 0
        for (m, monthStart) in life.monthStarts.enumerated() {
            let state = life.states[m]
            let integration = state.expansionRate * segmentFactor
            for (kind, p) in [(ProjectKind.integration, integration), (.migration, 0.4 * integration), (.training, 0.006)] {
                guard rng.bernoulli(p) else { continue }
                let start = max(monthStart, life.firstDay) + rng.int(0...27)
                guard start - profile.contractStart >= 120, start >= config.start, start <= life.lastDay,
                      !life.hasDecidedToLeave(by: start)  // a customer on its way out buys no services
                else { continue }
                streamIndex += 1
                var projectRNG = RandomSource(seed: config.seed, account: profile.index, purpose: .project, index: streamIndex)
                plans.append(ProjectPlan(kind: kind, start: start, segment: profile.segment, rng: &projectRNG))
            }
        }
        for (k, plan) in plans.enumerated() {
            var id = profile.id
            id[0] = UInt8(ascii: "P")
            id.append(UInt8(ascii: "-"))
            Self.appendPadded(k + 1, width: 2, to: &id)
            var timesheetRNG = RandomSource(seed: config.seed, account: profile.index, purpose: .project, index: 1000 + k)
            write(plan, id: id, into: &out, rng: &timesheetRNG)
        }
    }

    private func write(_ plan: ProjectPlan, id: [UInt8], into out: inout SimulationOutput, rng: inout RandomSource) {
        let end = config.end
        let status: ProjectStatus
        let actualEnd: Day?
        let stop: Day  // the last day anything about the project is recorded
        if let churn = life.churnDate, churn < plan.fullEnd {
            status = .cancelled
            actualEnd = churn
            stop = churn
        } else if plan.fullEnd <= end {
            status = .completed
            actualEnd = plan.fullEnd
            stop = plan.fullEnd
        } else {
            status = .active
            actualEnd = nil
            stop = end
        }
        out.projects.raw(id)
        out.projects.raw(profile.id)
        out.projects.text(plan.kind.name)
        out.projects.day(plan.start)
        out.projects.day(plan.plannedEnd)
        out.projects.quarterHours(plan.budgetQuarters)
        out.projects.day(actualEnd)
        out.projects.text(status.rawValue)
        out.projects.endRow()

        var changeQuarters = 0
        for order in plan.changeOrders {
            changeQuarters += order.quarters
            let day = min(order.day, plan.fullEnd)
            guard day <= stop else { continue }
            out.changeOrders.raw(id)
            out.changeOrders.day(day)
            out.changeOrders.quarterHours(order.quarters)
            out.changeOrders.text(order.reason)
            out.changeOrders.endRow()
        }

        // Milestones: due at fixed fractions of the plan, reached at the same fractions of the
        // actual duration give or take two days, in order; the last one on the actual end.
        let milestones = plan.kind.milestones(profile.segment)
        var previous = plan.start
        for (i, milestone) in milestones.enumerated() {
            let isLast = i == milestones.count - 1
            let due = isLast ? plan.plannedEnd : plan.start + Int((milestone.at * Double(plan.plannedDays)).rounded())
            var reached = plan.start + Int((milestone.at * Double(plan.fullDays)).rounded()) + rng.int(-2...2)
            reached = isLast ? plan.fullEnd : min(plan.fullEnd, max(previous, reached))
            previous = reached
            out.milestones.raw(id)
            out.milestones.text(milestone.name)
            out.milestones.day(due)
            out.milestones.day(reached <= stop && !(status == .cancelled && isLast) ? reached : nil)
            out.milestones.endRow()
        }

        let logged = writeTimesheets(plan, id: id, stop: stop, into: &out, rng: &rng)

        // The contract's label, computed from what was written.
        let overran = status == .completed
            ? (Double(logged) > Double(plan.budgetQuarters) * 1.10 || plan.fullEnd - plan.plannedEnd > 14) : nil
        out.tally.projects += 1
        switch status {
        case .completed:
            out.tally.completedProjects += 1
            if overran == true { out.tally.overrunProjects += 1 }
        case .active: out.tally.activeProjects += 1
        case .cancelled: out.tally.cancelledProjects += 1
        }
        guard out.withTruth else { return }
        out.truthProjects.raw(id)
        out.truthProjects.raw(profile.id)
        out.truthProjects.text(plan.kind.name)
        out.truthProjects.decimal(plan.complexity, places: 4)
        out.truthProjects.quarterHours(plan.budgetQuarters)
        out.truthProjects.quarterHours(changeQuarters)
        out.truthProjects.int(plan.plannedDays)
        out.truthProjects.int(plan.fullDays)
        out.truthProjects.quarterHours(plan.fullQuarters)
        out.truthProjects.quarterHours(logged)
        out.truthProjects.text(status.rawValue)
        out.truthProjects.bool(plan.wouldOverrun)
        out.truthProjects.bool(overran)
        out.truthProjects.endRow()
    }

    /// Weekly entries per role, dated on the week's last working day, that add up to exactly
    /// the project's full hours over its full duration; entries after `stop` are not written.
    ///
    /// A week's weight is a ramp-up, plateau and tail shape × LN(0, 0.25); each role's share
    /// follows its phase profile. Quarter hours are handed out by largest remainder, so the
    /// entries sum to `fullQuarters` exactly.
    ///
    /// - Returns: the quarter hours written.
    private func writeTimesheets(
        _ plan: ProjectPlan, id: [UInt8], stop: Day, into out: inout SimulationOutput, rng: inout RandomSource
    ) -> Int {
        let roles = plan.kind.roles
        let weeks = plan.fullDays / 7 + 1
        var weights: [Double] = []
        weights.reserveCapacity(weeks * roles.count)
        for week in 0..<weeks {
            let x = (Double(week) + 0.5) / Double(weeks)
            let load = min(1, 0.35 + 2 * x) * min(1, 0.25 + 2.5 * (1 - x)) * rng.lognormal(sigma: 0.25)
            let roleWeights = roles.map { $0.weight(at: x) }
            let total = roleWeights.reduce(0, +)
            for w in roleWeights { weights.append(load * w / total) }
        }
        let quarters = Self.apportion(plan.fullQuarters, by: weights)

        var logged = 0
        for week in 0..<weeks {
            let first = plan.start + 7 * week
            let last = min(first + 6, plan.fullEnd)
            var day = last
            while day > first && day.isoWeekday > 5 { day = day - 1 }
            guard day <= stop else { break }
            for (r, role) in roles.enumerated() {
                let q = quarters[week * roles.count + r]
                guard q > 0 else { continue }
                logged += q
                out.timesheets.raw(id)
                out.timesheets.day(day)
                out.timesheets.quarterHours(q)
                out.timesheets.raw(role.name)
                out.timesheets.endRow()
            }
        }
        return logged
    }

    /// Splits `total` units in proportion to `weights` (largest remainder, ties to the
    /// earlier cell), so the parts are whole and add up to `total` exactly.
    static func apportion(_ total: Int, by weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0, total > 0 else { return [Int](repeating: 0, count: weights.count) }
        let exact = weights.map { Double(total) * $0 / sum }
        var parts = exact.map { Int($0.rounded(.down)) }
        let remainder = total - parts.reduce(0, +)
        let order = exact.indices.sorted {
            let a = exact[$0] - Double(parts[$0]), b = exact[$1] - Double(parts[$1])
            return a != b ? a > b : $0 < $1
        }
        for i in order.prefix(remainder) { parts[i] += 1 }
        return parts
    }
}
