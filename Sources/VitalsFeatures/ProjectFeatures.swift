import Foundation
import VitalsSignals

/// Computes a project's features as of a date (the overrun task), from rows dated on or
/// before it only.
struct ProjectFeatures {
    let index: SignalsIndex
    let layout: FeatureLayout

    func write(project p: Int, asOf day: Day, into out: UnsafeMutableBufferPointer<Double>) {
        var k = 0
        func put(_ value: Double) {
            out[k] = value
            k += 1
        }
        let d = day.ordinal
        let projects = index.dataset.projects!
        let budget = projects.budgetHours[p]
        let start = projects.startDate[p].ordinal, plannedEnd = projects.plannedEndDate[p].ordinal
        let hours = index.hoursLogged(project: p, through: d)
        let loggedRows = index.timesheets.map { $0.countThrough(p, d, dates: index.timesheetDate) } ?? 0
        put(loggedRows == 0 ? 1 : 0)
        let elapsed = Double(d - start) / Double(max(1, plannedEnd - start))
        let burned = hours / budget
        put(elapsed)
        put(burned)
        put(elapsed > 0 ? burned / elapsed : .nan)
        // Milestones: done (completed on or before D), due (due on or before D), late.
        var total = 0.0, done = 0.0, due = 0.0, late = 0.0
        if let grouped = index.milestones, let milestones = index.dataset.milestones {
            for m in grouped.range(p) {
                let r = Int(grouped.rows[m])
                total += 1
                let completed = milestones.completedDate.map { $0.raw[r] } ?? DayColumn.missing
                let doneByThen = completed != DayColumn.missing && completed <= d
                if doneByThen { done += 1 }
                let dueDate = index.milestoneDue[r]
                if dueDate <= d {
                    due += 1
                    if !doneByThen || completed > dueDate { late += 1 }
                }
            }
        }
        let earnedShare = total > 0 ? done / total : Double.nan
        put(hours > 0 && total > 0 ? earnedShare * budget / hours : .nan)
        put(elapsed > 0 && total > 0 ? earnedShare / min(elapsed, 1) : .nan)
        put(due > 0 ? done / due : .nan)
        put(late)
        let orders = index.changeOrders.map { $0.countThrough(p, d, dates: index.changeOrderDate) } ?? 0
        put(Double(orders))
        put(index.changeOrderHours(project: p, through: d) / budget)
        if orders > 0, let grouped = index.changeOrders {
            put(Double(d - index.changeOrderDate[Int(grouped.rows[grouped.start[p] + orders - 1])]))
        } else {
            put(.nan)
        }
        let days = Double(d - start + 1)
        let recent = hours - index.hoursLogged(project: p, through: d - 14)
        put(hours > 0 && days > 0 ? (recent / Double(min(14, d - start + 1))) / (hours / days) : .nan)
        let type = projects.type.flatMap { $0[p] }
        for level in layout.projectTypeLevels { put(type == level ? 1 : 0) }
        // The account's support load and satisfaction: delivery and satisfaction feed each other.
        let a = Int(projects.account[p])
        var account = [Double](repeating: .nan, count: FeatureCatalog.support.count + FeatureCatalog.nps.count)
        let accountFeatures = AccountFeatures(index: index, layout: FeatureLayout(task: .churn, families: [.support, .nps], segmentLevels: [], projectTypeLevels: []), tolerance: 0, graceDays: 0)
        account.withUnsafeMutableBufferPointer { accountFeatures.write(account: a, asOf: day, into: $0) }
        let support = FeatureCatalog.support.map(\.name), nps = FeatureCatalog.nps.map(\.name)
        put(account[support.firstIndex(of: "tickets_per_seat_90d")!])
        put(account[support.firstIndex(of: "open_tickets")!])
        put(account[support.count + nps.firstIndex(of: "nps_mean_180d")!])
        put(account[support.count + nps.firstIndex(of: "nps_missing")!])
        precondition(k == out.count, "wrote \(k) project features into \(out.count) columns")
    }
}
