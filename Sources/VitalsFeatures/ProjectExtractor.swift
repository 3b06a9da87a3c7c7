import Foundation
import VitalsFoundation
import VitalsSignals

/// A project's delivery features as of a date (the overrun task), plus its account's
/// support load and satisfaction, from rows dated on or before the date only.
struct ProjectExtractor: FeatureExtractor {
    let index: SignalsIndex
    /// The layout's project types, one indicator each.
    let levels: [String]
    var family: FeatureFamily { .project }
    func names(_ layout: FeatureLayout) -> [String] { layout.expand(FeatureCatalog.project) }

    func write(entity p: Int, asOf day: Day, into out: inout FeatureWriter) {
        func put(_ value: Double) { out.put(value) }
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
        // Milestones are dated by their due date: only those due by D are known as of D.
        // Done: completed on or before D; late: due by D and not completed by its due date.
        var done = 0.0, due = 0.0, late = 0.0
        if let grouped = index.milestones, let milestones = index.dataset.milestones {
            let through = grouped.start[p] + grouped.countThrough(p, d, dates: index.milestoneDue)
            for m in grouped.start[p]..<through {
                let r = Int(grouped.rows[m])
                due += 1
                let completed = milestones.completedDate.map { $0.raw[r] } ?? DayColumn.missing
                let doneByThen = completed != DayColumn.missing && completed <= d
                if doneByThen { done += 1 }
                if !doneByThen || completed > index.milestoneDue[r] { late += 1 }
            }
        }
        // Earned value against a linear plan: planned value PV = budget × time share, EV = PV × done / due.
        let spi = due > 0 ? done / due : Double.nan
        let earned = budget * min(max(elapsed, 0), 1) * spi
        put(hours > 0 ? earned / hours : .nan)
        put(spi)
        put(done)
        put(due)
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
        for level in levels { put(type == level ? 1 : 0) }
        // The account's support load and satisfaction: delivery and satisfaction feed each other.
        let a = Int(projects.account[p])
        let support = SupportExtractor(index: index), nps = NPSExtractor(index: index)
        var account = [Double](repeating: .nan, count: FeatureCatalog.support.count + FeatureCatalog.nps.count)
        account.withUnsafeMutableBufferPointer { buffer in
            var writer = FeatureWriter(buffer)
            support.write(entity: a, asOf: day, into: &writer)
            nps.write(entity: a, asOf: day, into: &writer)
        }
        let supportNames = FeatureCatalog.support.map(\.name), npsNames = FeatureCatalog.nps.map(\.name)
        put(account[supportNames.firstIndex(of: "tickets_per_seat_90d")!])
        put(account[supportNames.firstIndex(of: "open_tickets")!])
        put(account[supportNames.count + npsNames.firstIndex(of: "nps_mean_180d")!])
        put(account[supportNames.count + npsNames.firstIndex(of: "nps_missing")!])
    }
}
