import VitalsFoundation
import VitalsSignals

/// What a simulation produced: rows per file, the book's outcomes and its size.
public struct SimulationSummary: Sendable, Equatable, CustomStringConvertible {
    /// Data rows (header excluded) per signals file; every file is present.
    public var rows: [SignalsFile: Int]
    public var accounts: Int
    /// Accounts with a `churn_date` on or before the export day.
    public var churnedAccounts: Int
    /// Projects in projects.csv, and how they stand on the export day.
    public var projects: Int
    public var completedProjects: Int
    /// Completed projects that overran by the contract's rule (logged hours above
    /// budget × 1.10, or ending more than 14 days after the planned end).
    public var overrunProjects: Int
    public var activeProjects: Int
    public var cancelledProjects: Int
    /// The data window: its first day and the export day.
    public var firstDay: Day
    public var exportDay: Day
    /// Bytes written to the signals directory, and to the truth directory (0 without one).
    public var bytes: Int
    public var truthBytes: Int

    /// Churned accounts / accounts.
    public var churnRate: Double { accounts == 0 ? 0 : Double(churnedAccounts) / Double(accounts) }
    /// Overrun projects / completed projects.
    public var overrunRate: Double { completedProjects == 0 ? 0 : Double(overrunProjects) / Double(completedProjects) }

    public var description: String {
        func percent(_ x: Double) -> String { "\(Int((x * 1000).rounded()) / 10).\(Int((x * 1000).rounded()) % 10) %" }
        var lines = [
            "simulated \(accounts) accounts, \(firstDay) to \(exportDay)",
            "  churned   \(churnedAccounts) (\(percent(churnRate)))",
            "  projects  \(projects): \(completedProjects) completed (\(overrunProjects) overran, "
                + "\(percent(overrunRate))), \(activeProjects) active, \(cancelledProjects) cancelled",
        ]
        for file in SignalsFile.allCases {
            let name = file.fileName + String(repeating: " ", count: max(1, 19 - file.fileName.count))
            lines.append("  \(name)\(rows[file] ?? 0) rows")
        }
        lines.append("  \(bytes) bytes" + (truthBytes > 0 ? " (+ \(truthBytes) bytes of truth)" : ""))
        return lines.joined(separator: "\n")
    }
}
