import VitalsSignals

/// The size, span and seed of a simulated book of business.
public struct SimulationConfig: Sendable, Equatable {
    /// Accounts in the book. Default 2,000; range 1…1,000,000.
    public var accounts: Int
    /// Months of history, ending on the export day. Default 24; range 1…120.
    public var months: Int
    /// Seed of every random draw: the same config writes byte-identical files.
    public var seed: UInt64
    /// First day of the data window. Default 2024-01-01.
    public var start: Day

    public init(accounts: Int = 2000, months: Int = 24, seed: UInt64 = 42, start: Day = Day(year: 2024, month: 1, day: 1)!) {
        self.accounts = accounts
        self.months = months
        self.seed = seed
        self.start = start
    }

    /// The export day: the last day of the window, `start + months − 1 day`.
    public var end: Day { start.adding(months: months) - 1 }

    /// Checks every parameter against its range, before any work is done.
    public func validate() throws(SimulationError) {
        guard (1...1_000_000).contains(accounts) else {
            throw .invalidParameter(name: "accounts", value: "\(accounts)", rule: "must be 1…1,000,000")
        }
        guard (1...120).contains(months) else {
            throw .invalidParameter(name: "months", value: "\(months)", rule: "must be 1…120")
        }
        guard start.year >= 1900, start.adding(months: months).year <= 2200 else {
            throw .invalidParameter(name: "start", value: "\(start)", rule: "the window must lie within 1900…2200")
        }
    }
}

/// Why a simulation could not run or be written.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(name: String, value: String, rule: String)
    /// The output directory exists and overwriting was not asked for.
    case destinationExists(path: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, rule): return "--\(name) \(value): \(rule)"
        case let .destinationExists(path): return "\(path) exists; use --force to replace it"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}
