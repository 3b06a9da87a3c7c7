import VitalsFoundation

/// The overview `vitals validate` prints: how much of each signal there is and
/// how much of the book it covers.
public struct SignalsSummary: Sendable, Equatable {
    /// Rows kept per present file.
    public var rows: [SignalsFile: Int]
    /// The files stored compressed (`NAME.csv.gz`), named so in the table.
    public var compressed: Set<SignalsFile> = []
    public var accounts: Int
    /// Accounts with a `churn_date`.
    public var churnedAccounts: Int
    public var projects: Int
    /// Projects with status `active`.
    public var projectsInFlight: Int
    /// The earliest and latest date in any dated column of any file.
    public var firstDate: Day?
    public var lastDate: Day?
    /// Share of accounts (0–1) with at least one row of each signal family; absent families are left out.
    public var coverage: [(family: String, share: Double)]

    public static func == (a: SignalsSummary, b: SignalsSummary) -> Bool {
        a.rows == b.rows && a.accounts == b.accounts && a.churnedAccounts == b.churnedAccounts
            && a.projects == b.projects && a.projectsInFlight == b.projectsInFlight
            && a.firstDate == b.firstDate && a.lastDate == b.lastDate
            && a.coverage.map(\.family) == b.coverage.map(\.family)
            && a.coverage.map(\.share) == b.coverage.map(\.share)
    }

    public init(dataset d: SignalsDataset, report: SignalsReadReport) {
        rows = Dictionary(uniqueKeysWithValues: report.files.filter(\.present).map { ($0.file, $0.rowsKept) })
        compressed = Set(report.files.filter { $0.compression != .none }.map(\.file))
        accounts = d.accounts.count
        churnedAccounts = d.accounts.churnDate.map { c in (0..<c.count).filter { c[$0] != nil }.count } ?? 0
        projects = d.projects?.count ?? 0
        projectsInFlight = d.projects?.status.filter { $0 == .active }.count ?? 0

        var lo = Int32.max, hi = Int32.min
        func span(_ days: [Day]) {
            for day in days {
                lo = min(lo, day.ordinal)
                hi = max(hi, day.ordinal)
            }
        }
        func span(_ column: DayColumn?) {
            for v in column?.raw ?? [] where v != DayColumn.missing {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        span(d.accounts.contractStart); span(d.accounts.churnDate)
        span(d.usage?.date ?? []); span(d.tickets?.openedAt ?? []); span(d.tickets?.closedAt)
        span(d.nps?.date ?? []); span(d.projects?.startDate ?? []); span(d.projects?.actualEndDate)
        span(d.timesheets?.date ?? []); span(d.milestones?.completedDate); span(d.changeOrders?.date ?? [])
        firstDate = lo <= hi ? Day(ordinal: lo) : nil
        lastDate = lo <= hi ? Day(ordinal: hi) : nil

        func share(_ rowsOfAccount: [Int32]?) -> Double? {
            guard let rowsOfAccount else { return nil }
            var seen = [Bool](repeating: false, count: d.accounts.count)
            for a in rowsOfAccount { seen[Int(a)] = true }
            return d.accounts.count == 0 ? 0 : Double(seen.lazy.filter { $0 }.count) / Double(d.accounts.count)
        }
        let families: [(String, [Int32]?)] = [
            ("usage", d.usage?.account), ("support", d.tickets?.account),
            ("nps", d.nps?.account), ("delivery", d.projects?.account),
        ]
        coverage = families.compactMap { name, rows in share(rows).map { (name, $0) } }
    }

    /// The summary as aligned text lines.
    public var text: String {
        var lines: [String] = []
        let range = firstDate.map { "\($0) to \(lastDate!)" } ?? "no dates"
        lines.append("accounts  \(accounts) (\(churnedAccounts) churned)")
        lines.append("projects  \(projects) (\(projectsInFlight) in flight)")
        lines.append("dates     \(range)")
        lines.append("")
        lines.append("file                  rows")
        for file in SignalsFile.allCases {
            let count = rows[file].map { String($0) } ?? "absent"
            lines.append((file.fileName + (compressed.contains(file) ? ".gz" : "")).padded(to: compressed.isEmpty ? 18 : 21) + String(repeating: " ", count: max(0, 10 - count.count)) + count)
        }
        lines.append("")
        lines.append("accounts with each signal family")
        for (family, share) in coverage {
            let percent = (share * 1000).rounded() / 10
            lines.append("  " + family.padded(to: 10) + "\(percent) %")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
