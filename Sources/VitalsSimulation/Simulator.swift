import Foundation
import VitalsSignals

/// What a simulation wrote.
public struct SimulationSummary: Sendable, CustomStringConvertible {
    /// Rows per signals file.
    public var rows: [SignalsFile: Int] = [:]
    public var accounts = 0
    public var churnedAccounts = 0
    public var projects = 0
    /// Projects completed by the export day, and how many of those overran (the contract's label).
    public var completedProjects = 0
    public var overrunProjects = 0
    public var firstDay: Day
    public var exportDay: Day
    /// Bytes written to the signals directory.
    public var bytes = 0

    public var description: String {
        var lines = [
            "simulated \(accounts) accounts, \(firstDay) to \(exportDay)",
            "  churned   \(churnedAccounts)",
            "  projects  \(projects) (\(completedProjects) completed, \(overrunProjects) of them overran)",
        ]
        for file in SignalsFile.allCases { lines.append("  \(file.fileName.padding(toLength: 18, withPad: " ", startingAt: 0))\(rows[file] ?? 0) rows") }
        lines.append("  \(bytes) bytes")
        return lines.joined(separator: "\n")
    }
}

/// Simulates a book of business and writes it as a signals directory.
///
/// Every account has a latent monthly health (`LatentHealth`) that moves as a
/// Markov chain shifted by segment, size and how its implementation went. Usage,
/// tickets, NPS and churn are drawn from that health; projects from a hidden
/// complexity. See docs/SIMULATOR.md for the model and its parameters.
///
/// - Determinism: the same `SimulationConfig` gives byte-identical files.
public struct Simulator: Sendable {
    public let config: SimulationConfig

    public init(config: SimulationConfig) throws(SimulationError) {
        try config.validate()
        self.config = config
    }

    /// Generates the whole book in memory: one CSV buffer per file.
    func generate() -> SimulatedBook {
        var book = SimulatedBook(config: config)
        for index in 0..<config.accounts {
            var account = AccountSimulation(index: index, config: config)
            account.run(into: &book)
        }
        return book
    }

    /// Writes the signals directory and, when asked, the truth directory.
    ///
    /// Both are built in temporary siblings and renamed into place, so a crash
    /// leaves either the old directory or the new one, never half of one.
    ///
    /// - Throws: `SimulationError.destinationExists` when a directory exists and
    ///   `overwrite` is false; `.writeFailed` when the file system refuses.
    public func write(signalsDirectory: String, truthDirectory: String?, overwrite: Bool) throws(SimulationError)
        -> SimulationSummary
    {
        let fm = FileManager.default
        for path in [signalsDirectory] + (truthDirectory.map { [$0] } ?? []) where fm.fileExists(atPath: path) {
            if !overwrite { throw .destinationExists(path: path) }
        }
        let book = generate()
        var files: [(String, [UInt8])] = SignalsFile.allCases.map { ($0.fileName, book.signals[$0]!.bytes) }
        try Self.writeDirectory(signalsDirectory, files: files)
        if let truthDirectory {
            files = book.truth.map { ($0.key, $0.value.bytes) }.sorted { $0.0 < $1.0 }
            try Self.writeDirectory(truthDirectory, files: files)
        }
        var summary = book.summary
        summary.bytes = SignalsFile.allCases.reduce(0) { $0 + book.signals[$1]!.bytes.count }
        return summary
    }

    private static func writeDirectory(_ path: String, files: [(String, [UInt8])]) throws(SimulationError) {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(pid)")
        let retired = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(pid)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            for (name, bytes) in files {
                try Data(bytes).write(to: temporary.appendingPathComponent(name))
            }
            if fm.fileExists(atPath: path) {
                try fm.moveItem(at: url, to: retired)
                try fm.moveItem(at: temporary, to: url)
                try fm.removeItem(at: retired)
            } else {
                try fm.moveItem(at: temporary, to: url)
            }
        } catch {
            try? fm.removeItem(at: temporary)
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}

/// The book as CSV buffers, filled account by account.
struct SimulatedBook {
    var signals: [SignalsFile: CSVByteWriter]
    var truth: [String: CSVByteWriter]
    var summary: SimulationSummary

    init(config: SimulationConfig) {
        signals = Dictionary(uniqueKeysWithValues: SignalsFile.allCases.map {
            // About 17 bytes of usage.csv per account-day (a 40-byte row on ~40 % of days).
            ($0, CSVByteWriter(header: $0.canonicalHeader, reserve: $0 == .usage ? config.accounts * config.months * 520 : 1 << 16))
        })
        truth = [
            "account_months.csv": CSVByteWriter(header: "account_id,month,latent_state,engagement"),
            "accounts.csv": CSVByteWriter(header: "account_id,segment,initial_state,churned,churn_date,churn_decision_date,churn_kind,usage_propensity"),
            "projects.csv": CSVByteWriter(header: "project_id,account_id,type,complexity,total_hours,budget_hours,status,overran"),
        ]
        summary = SimulationSummary(firstDay: config.start, exportDay: config.end)
    }

    mutating func row(_ file: SignalsFile, _ fill: (inout CSVByteWriter) -> Void) {
        fill(&signals[file]!)
        signals[file]!.endRow()
        summary.rows[file, default: 0] += 1
    }

    mutating func truthRow(_ file: String, _ fill: (inout CSVByteWriter) -> Void) {
        fill(&truth[file]!)
        truth[file]!.endRow()
    }
}
