import VitalsFoundation
import VitalsSignals

/// The size, span and seed of a simulated book of business.
///
/// The data window is [`start`, `end`], `end` = `start` + `months` months − 1 day;
/// `end` is the export day: nothing in the signals is dated after it.
public struct SimulationConfig: Sendable, Equatable {
    /// Accounts in the book. Default 2,000; range 1…1,000,000.
    public var accounts: Int
    /// Months of history up to the export day. Default 24; range 1…120.
    public var months: Int
    /// Seed of every random draw: the same config writes byte-identical files. Default 42; any value.
    public var seed: UInt64
    /// First day of the data window. Default 2024-01-01; the window must lie in 1973-01-01 … 2097-12-31.
    public var start: Day

    public init(
        accounts: Int = 2000, months: Int = 24, seed: UInt64 = 42,
        start: Day = Day(year: 2024, month: 1, day: 1)!
    ) {
        self.accounts = accounts
        self.months = months
        self.seed = seed
        self.start = start
    }

    /// The export day: the window's last day, `start` + `months` months − 1 day.
    public var end: Day { start.adding(months: months) - 1 }

    /// Checks every parameter against its range before any work is done.
    ///
    /// - Throws: `SimulationError.invalidParameter` naming the first parameter out of range.
    public func validate() throws(SimulationError) {
        guard (1...1_000_000).contains(accounts) else {
            throw .invalidParameter(name: "accounts", value: "\(accounts)", rule: "must be between 1 and 1,000,000")
        }
        guard (1...120).contains(months) else {
            throw .invalidParameter(name: "months", value: "\(months)", rule: "must be between 1 and 120")
        }
        // Established accounts sign up to three years before the window, and renewals and planned
        // project ends reach up to two years past it: every date must stay in the range the
        // reader accepts (Day.plausible), so `vitals validate` accepts the book.
        let earliest = Day.plausible.lowerBound.adding(months: 36), latest = Day.plausible.upperBound.adding(months: -24)
        guard start >= earliest, end <= latest else {
            throw .invalidParameter(
                name: "start", value: "\(start)",
                rule: "the window (start + months) must lie within \(earliest) … \(latest), so that every date the book holds is one the reader accepts")
        }
    }
}
