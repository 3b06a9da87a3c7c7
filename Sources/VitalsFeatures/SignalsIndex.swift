import Dispatch
import VitalsFoundation
import VitalsSignals

/// A signals dataset prepared for point-in-time questions: each file's rows grouped by
/// entity and sorted by date once, with running sums where windows need them. Every
/// snapshot date is then answered by binary searches, never by scanning a file again.
///
/// usage.csv, by far the largest file, is folded into per-account daily series and not kept:
/// `dataset.usage` is nil here. Handed the dataset's only copy, the index releases the usage
/// table column by column as it folds it in, so a book is never held twice.
public struct SignalsIndex: Sendable {
    /// The signals, less the usage table (folded into the daily series).
    public let dataset: SignalsDataset
    let usage: UsageSeries?
    let tickets: GroupedRows?
    let ticketOpened: [Int32]
    let nps: GroupedRows?
    let npsDate: [Int32]
    let projectsByAccount: GroupedRows?
    let projectStart: [Int32]
    let timesheets: GroupedRows?
    let timesheetDate: [Int32]
    /// Running hours per project, aligned with `timesheets.rows` plus one leading zero per project.
    let timesheetHours: [Double]
    let milestones: GroupedRows?
    let milestoneDue: [Int32]
    let changeOrders: GroupedRows?
    let changeOrderDate: [Int32]
    let changeOrderRunning: [Double]
    /// The last day any file records an event on (usage, tickets opened or closed, responses,
    /// hours, completions, change orders, project ends, contract starts, churn): the end of the data.
    public let dataEnd: Day
    /// The first day of signal data: the earliest usage, ticket, response, project start,
    /// hours or change order (contract starts reach back years before any signal, so they
    /// do not count unless there is nothing else).
    public let dataStart: Day

    /// - Parameter usageDays: the usage days to keep: every day, or only those scoring one date reads.
    public init(_ dataset: consuming SignalsDataset, usageDays: UsageDays = .all) {
        (self.dataStart, self.dataEnd) = Self.span(dataset)
        // Moved out, not copied: the series is then the table's only holder and can free it as it goes.
        var usageTable = dataset.usage.take()
        let dataset = dataset
        self.dataset = dataset
        let accountCount = dataset.accounts.count
        let projectCount = dataset.projects?.count ?? 0
        // The files are independent: group them on both cores.
        nonisolated(unsafe) var usage: UsageSeries?
        nonisolated(unsafe) var tickets: GroupedRows?, nps: GroupedRows?, projects: GroupedRows?
        nonisolated(unsafe) var timesheets: GroupedRows?, milestones: GroupedRows?, changeOrders: GroupedRows?
        let ticketOpened = dataset.tickets?.openedAt.map(\.ordinal) ?? []
        let npsDate = dataset.nps?.date.map(\.ordinal) ?? []
        let projectStart = dataset.projects?.startDate.map(\.ordinal) ?? []
        let timesheetDate = dataset.timesheets?.date.map(\.ordinal) ?? []
        let milestoneDue = dataset.milestones?.dueDate.map(\.ordinal) ?? []
        let changeOrderDate = dataset.changeOrders?.date.map(\.ordinal) ?? []
        // Usage, by far the largest, spreads over every core itself; a nested concurrentPerform
        // would run serially, so it goes first, on its own.
        if usageTable != nil {
            var kept = Int32.min...Int32.max
            if case let .asOf(day) = usageDays {
                let window = Self.usageWindow(asOf: day ?? dataEnd)
                kept = window.lowerBound.ordinal...window.upperBound.ordinal
            }
            usage = UsageSeries(usage: usageTable.take()!, accountCount: accountCount, kept: kept)
        }
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                tickets = dataset.tickets.map { GroupedRows(entities: $0.account, entityCount: accountCount, dates: ticketOpened) }
                // Same-day responses: the lower score counts as the later one (the cautious reading
                // of "the latest score"), then the respondent; same-day starts by project id.
                nps = dataset.nps.map { nps in
                    GroupedRows(entities: nps.account, entityCount: accountCount, dates: npsDate) { a, b in
                        let (sa, sb) = (nps.score[Int(a)], nps.score[Int(b)])
                        if sa != sb { return sa > sb }
                        return (nps.respondent?[Int(a)] ?? "") > (nps.respondent?[Int(b)] ?? "")
                    }
                }
                projects = dataset.projects.map { projects in
                    GroupedRows(entities: projects.account, entityCount: accountCount, dates: projectStart) { a, b in
                        projects.projectID[Int(a)] < projects.projectID[Int(b)]
                    }
                }
            } else {
                timesheets = dataset.timesheets.map { GroupedRows(entities: $0.project, entityCount: projectCount, dates: timesheetDate) }
                milestones = dataset.milestones.map { GroupedRows(entities: $0.project, entityCount: projectCount, dates: milestoneDue) }
                changeOrders = dataset.changeOrders.map { GroupedRows(entities: $0.project, entityCount: projectCount, dates: changeOrderDate) }
            }
        }
        self.usage = usage
        self.tickets = tickets
        self.ticketOpened = ticketOpened
        self.nps = nps
        self.npsDate = npsDate
        self.projectsByAccount = projects
        self.projectStart = projectStart
        self.timesheets = timesheets
        self.timesheetDate = timesheetDate
        self.timesheetHours = Self.running(timesheets, projectCount) { dataset.timesheets!.hours[$0] }
        self.milestones = milestones
        self.milestoneDue = milestoneDue
        self.changeOrders = changeOrders
        self.changeOrderDate = changeOrderDate
        self.changeOrderRunning = Self.running(changeOrders, projectCount) { dataset.changeOrders!.hoursAdded[$0] }
    }

    /// Running sums of `value` over each entity's date-sorted rows, with a leading zero per entity.
    static func running(_ grouped: GroupedRows?, _ entities: Int, _ value: (Int) -> Double) -> [Double] {
        guard let grouped else { return [] }
        var out = [Double](repeating: 0, count: grouped.rows.count + entities)
        for e in 0..<entities {
            var total = 0.0
            for k in grouped.range(e) {
                total += value(Int(grouped.rows[k]))
                out[k + e + 1] = total
            }
        }
        return out
    }

    /// The usage days scoring `day` reads (`UsageDays.asOf`): the 91 days up to it. Read with
    /// `SignalsReadOptions.usageWindow` set to it, usage.csv keeps only those rows.
    public static func usageWindow(asOf day: Day) -> ClosedRange<Day> {
        Day(ordinal: day.ordinal - UsageSeries.lookbackDays + 1)...day
    }

    static func span(_ data: SignalsDataset) -> (Day, Day) {
        var lo = Int32.max, hi = Int32.min
        func see(_ d: Int32) {
            guard d != DayColumn.missing else { return }
            lo = min(lo, d)
            hi = max(hi, d)
        }
        data.usage?.date.forEach { see($0.ordinal) }
        // Rows a windowed read left out still count for the span the data covers.
        if let dropped = data.usage?.window?.droppedDays { see(dropped.lowerBound); see(dropped.upperBound) }
        data.tickets?.openedAt.forEach { see($0.ordinal) }
        data.tickets?.closedAt?.raw.forEach(see)
        data.nps?.date.forEach { see($0.ordinal) }
        data.projects?.startDate.forEach { see($0.ordinal) }
        data.projects?.actualEndDate?.raw.forEach(see)
        data.timesheets?.date.forEach { see($0.ordinal) }
        data.milestones?.completedDate?.raw.forEach(see)
        data.changeOrders?.date.forEach { see($0.ordinal) }
        let signalStart = lo
        data.accounts.contractStart.forEach { see($0.ordinal) }
        data.accounts.churnDate?.raw.forEach(see)
        return (Day(ordinal: signalStart == Int32.max ? lo : signalStart), Day(ordinal: hi))
    }

    // MARK: point-in-time helpers

    /// The first contract anniversary strictly after `day`: counted back from `renewal_date`
    /// in whole years when it is known, else from `contract_start`. Never reads an empty
    /// renewal date as information.
    public func nextRenewal(account a: Int, after day: Day) -> Day {
        var anchor = dataset.accounts.renewalDate.flatMap { $0[a] } ?? dataset.accounts.contractStart[a]
        while anchor.adding(months: -12) > day { anchor = anchor.adding(months: -12) }
        while anchor <= day { anchor = anchor.adding(months: 12) }
        return anchor
    }

    /// The project's actual end date, if it has one.
    public func endDate(project p: Int) -> Int32? {
        guard let raw = dataset.projects?.actualEndDate?.raw[p], raw != DayColumn.missing else { return nil }
        return raw
    }

    /// Hours logged on the project on or before `day`.
    public func hoursLogged(project p: Int, through day: Int32) -> Double {
        guard let timesheets else { return 0 }
        let n = timesheets.countThrough(p, day, dates: timesheetDate)
        return timesheetHours[timesheets.start[p] + p + n]
    }

    /// Change-order hours approved on or before `day`.
    func changeOrderHours(project p: Int, through day: Int32) -> Double {
        guard let changeOrders else { return 0 }
        let n = changeOrders.countThrough(p, day, dates: changeOrderDate)
        return changeOrderRunning[changeOrders.start[p] + p + n]
    }
}
