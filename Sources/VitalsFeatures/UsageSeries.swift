import Dispatch
import Foundation
import VitalsFoundation
import VitalsSignals

/// Which days of usage an index keeps.
public enum UsageDays: Sendable, Equatable {
    /// Every day: any date can be asked about (training, evaluation, explanations, lists).
    case all
    /// The days point-in-time features as of one date read (`UsageSeries.lookbackDays` up to
    /// it; nil: the end of the data), and per account what the earlier rows say, for scoring
    /// that one date: about a quarter of a year's book. Asking about another date is a
    /// programming error and traps.
    case asOf(Day?)
}

/// Each account's product usage as one entry per day (several rows of one day added up),
/// grouped by account and sorted by date, so any window is two binary searches and a short
/// sum (at most the window's days).
///
/// For account a, its days are `days[offset[a]..<offset[a + 1]]` (ascending ordinals), and
/// metric m's total on day k is `daily[m][k]` (a missing field counts 0; a day's total is
/// capped at `Int32.max`).
///
/// Memory is 4 bytes per account-day per column present: the usage table's own size. Running
/// sums would make windows O(1) but take 8 bytes, and on a large book every fresh page costs
/// more than the short sums do; see Benchmarks/README.md. The table is folded in one column
/// at a time and each column is released once folded (when the series was handed the only
/// copy), so building never holds the table and the series whole at once.
struct UsageSeries: Sendable {
    enum Metric: Int, CaseIterable { case activeUsers, sessions, keyEvents, workflowsStarted, workflowsCompleted }

    /// The oldest day any usage feature as of D reads is D − 90 (the trend's first week):
    /// the days a series for scoring one date keeps, with D itself.
    static let lookbackDays: Int32 = 91

    let offset: [Int]
    let days: Int32Buffer
    /// Per-day totals per metric; nil when the file lacks that column.
    let daily: [Int32Buffer?]
    /// The days kept (ordinals): every day, or a scoring window.
    let kept: ClosedRange<Int32>
    /// With a window, per account: the latest day before it with an active user (with any row
    /// when there is no active_users column), else `Int32.min`; and whether it has any row
    /// before the window. Empty when every day is kept.
    let lastActiveBefore: [Int32]
    let hasRowBefore: [Bool]

    /// Groups the table's rows by account on `threads` threads, each owning a range of accounts
    /// (so the result does not depend on the thread count), keeping the rows dated in `kept`.
    ///
    /// Column by column: each is scattered to its account-ordered place and then dropped, so
    /// when `usage` is the table's only copy its memory goes back as the series grows.
    init(usage: consuming UsageTable, accountCount: Int, kept: ClosedRange<Int32> = Int32.min...Int32.max,
         threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let n = usage.count
        let windowed = kept != Int32.min...Int32.max
        let parts = max(1, min(threads, accountCount))
        let bounds = (0...parts).map { $0 * accountCount / parts }

        // 1. Kept rows per account, and where each account's rows go once grouped; with a window,
        //    what the rows before it say.
        var rowStart = [Int](repeating: 0, count: accountCount + 1)
        var lastActiveBefore: [Int32] = [], hasRowBefore: [Bool] = []
        if windowed {
            if let facts = usage.window.take() {
                // The reader kept only the window's rows and folded the earlier ones already.
                precondition(facts.kept == kept && facts.lastActiveBefore.count == accountCount, "usage was read for another window")
                lastActiveBefore = facts.lastActiveBefore
                hasRowBefore = facts.hasRowBefore
            } else {
                lastActiveBefore = [Int32](repeating: Int32.min, count: accountCount)
                hasRowBefore = [Bool](repeating: false, count: accountCount)
            }
            let active = usage.activeUsers?.raw ?? []
            usage.account.withUnsafeBufferPointer { accounts in
                usage.date.withUnsafeBufferPointer { dates in
                    for r in 0..<n {
                        let a = Int(accounts[r]), day = dates[r].ordinal
                        if kept.contains(day) {
                            rowStart[a + 1] += 1
                        } else if day < kept.lowerBound {
                            hasRowBefore[a] = true
                            // A day's rows add up and a missing field adds 0: the day has an active user when
                            // one of its rows does (any row counts without the column, as `lastActive` says).
                            if UsageWindowFacts.isActive(activeUsers: active.isEmpty ? nil : active[r]) { lastActiveBefore[a] = max(lastActiveBefore[a], day) }
                        }
                    }
                }
            }
        } else {
            precondition(usage.window == nil, "usage read through a window cannot give every day")
            usage.account.withUnsafeBufferPointer { accounts in
                for a in accounts { rowStart[Int(a) + 1] += 1 }
            }
        }
        for a in 0..<accountCount { rowStart[a + 1] += rowStart[a] }
        let count = rowStart[accountCount]

        // 2. Each column's kept rows go to their account's next slots, in file order (an export in
        //    date order with one row per account and day, the usual one, is then already final).
        //    Every column lands in the same slots: the same rows in the same order. The dates decide
        //    which rows a window keeps, so with a window they are dropped last.
        let keep: ClosedRange<Int32>? = windowed ? kept : nil
        let days = Int32Buffer(count: count)
        Self.scatter(accounts: usage.account, dates: usage.date, keep: keep, metric: nil, rowStart: rowStart, bounds: bounds, into: days)
        if !windowed { usage.date = [] }
        var daily: [Int32Buffer?] = []
        for metric in Metric.allCases {
            let column: CountColumn?
            switch metric {
            case .activeUsers: column = usage.activeUsers.take()
            case .sessions: column = usage.sessions.take()
            case .keyEvents: column = usage.keyEvents.take()
            case .workflowsStarted: column = usage.workflowsStarted.take()
            case .workflowsCompleted: column = usage.workflowsCompleted.take()
            }
            daily.append(column.map { column in
                let out = Int32Buffer(count: count)
                Self.scatter(accounts: usage.account, dates: usage.date, keep: keep, metric: column.raw, rowStart: rowStart, bounds: bounds, into: out)
                return out
            })
        }
        usage = UsageTable()
        let rowStarts = rowStart

        // 3. Accounts whose rows are out of date order or repeat a day: sort them (stably) and add
        //    up each day's rows, then close the gaps this leaves.
        var irregular = [Bool](repeating: false, count: accountCount)
        irregular.withUnsafeMutableBufferPointer { irregularOut in
            nonisolated(unsafe) let irregularOut = irregularOut
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for a in bounds[part]..<bounds[part + 1] where rowStarts[a + 1] - rowStarts[a] > 1 {
                    for k in (rowStarts[a] + 1)..<rowStarts[a + 1] where days.values[k] <= days.values[k - 1] {
                        irregularOut[a] = true
                        break
                    }
                }
            }
        }
        var offset = rowStart
        if irregular.contains(true) {
            var distinct = [Int](repeating: 0, count: accountCount)
            for a in 0..<accountCount {
                let range = rowStart[a]..<rowStart[a + 1]
                distinct[a] = irregular[a] ? Self.mergeDays(range, days: days, daily: daily) : range.count
            }
            var write = 0
            for a in 0..<accountCount {
                let read = rowStart[a]
                offset[a] = write
                if write != read {
                    for k in 0..<distinct[a] {
                        days.values[write + k] = days.values[read + k]
                        for m in daily.indices { daily[m]?.values[write + k] = daily[m]!.values[read + k] }
                    }
                }
                write += distinct[a]
            }
            offset[accountCount] = write
        }
        self.offset = offset
        self.days = days
        self.daily = daily
        self.kept = kept
        self.lastActiveBefore = lastActiveBefore
        self.hasRowBefore = hasRowBefore
    }

    /// Scatters one column (`metric`, or the dates' ordinals when nil) of the rows dated in
    /// `keep` (every row when nil) to their account's next slots, on one thread per account range.
    private static func scatter(accounts: [Int32], dates: [Day], keep: ClosedRange<Int32>?, metric: [Int32]?,
                                rowStart: [Int], bounds: [Int], into out: Int32Buffer) {
        let n = accounts.count
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { part in
            let (lo, hi) = (Int32(bounds[part]), Int32(bounds[part + 1]))
            var next = Array(rowStart[bounds[part]..<bounds[part + 1]])
            accounts.withUnsafeBufferPointer { accounts in
                dates.withUnsafeBufferPointer { dates in
                    (metric ?? []).withUnsafeBufferPointer { values in
                        for r in 0..<n {
                            let a = accounts[r]
                            guard a >= lo && a < hi else { continue }
                            if let keep, !keep.contains(dates[r].ordinal) { continue }
                            let slot = Int(a - lo), k = next[slot]
                            next[slot] = k + 1
                            // A missing count (−1) adds nothing.
                            out.values[k] = metric == nil ? dates[r].ordinal : max(0, values[r])
                        }
                    }
                }
            }
        }
    }

    /// Sorts one account's rows by date (file order among equal dates) and adds up rows of the
    /// same day into the first of them. Returns the number of distinct days, now at the front.
    private static func mergeDays(_ range: Range<Int>, days: Int32Buffer, daily: [Int32Buffer?]) -> Int {
        let order = range.sorted { days.values[$0] < days.values[$1] || (days.values[$0] == days.values[$1] && $0 < $1) }
        let sortedDays = order.map { days.values[$0] }
        let sortedDaily = daily.map { column in column.map { c in order.map { c.values[$0] } } }
        var count = 0
        for (i, day) in sortedDays.enumerated() {
            let k = range.lowerBound + count
            if count > 0, days.values[k - 1] == day {
                for m in daily.indices {
                    guard let column = daily[m] else { continue }
                    column.values[k - 1] = Int32(clamping: Int64(column.values[k - 1]) + Int64(sortedDaily[m]![i]))
                }
                continue
            }
            days.values[k] = day
            for m in daily.indices { daily[m]?.values[k] = sortedDaily[m]![i] }
            count += 1
        }
        return count
    }

    /// Index range of the account's days within [from, through] (ordinals, inclusive).
    @inline(__always)
    func window(_ account: Int, from: Int32, through: Int32) -> (Int, Int) {
        precondition(from >= kept.lowerBound && through <= kept.upperBound, "usage asked about days the index did not keep")
        let range = offset[account]..<offset[account + 1]
        return (days.upperBound(range, from - 1), days.upperBound(range, through))
    }

    /// Total of a metric over the days with indices k₀..<k₁ (absolute), nil when the column is absent.
    @inline(__always)
    func total(_ metric: Metric, _ account: Int, _ k0: Int, _ k1: Int) -> Double? {
        guard let column = daily[metric.rawValue] else { return nil }
        var sum: Int64 = 0
        for k in k0..<max(k0, k1) { sum += Int64(column.values[k]) }
        return Double(sum)
    }
}

extension UsageSeries {
    /// One past the account's last kept day on or before `day` (absolute index).
    @inline(__always)
    func upperThrough(_ account: Int, _ day: Int32) -> Int {
        // The day before the window is fine: nothing of the window is on or before it.
        precondition(Int64(day) >= Int64(kept.lowerBound) - 1 && day <= kept.upperBound, "usage asked about days the index did not keep")
        return days.upperBound(offset[account]..<offset[account + 1], day)
    }

    /// Whether the account has a usage row on or before `day`.
    func hasRows(_ account: Int, through day: Int32) -> Bool {
        upperThrough(account, day) > offset[account] || (!hasRowBefore.isEmpty && hasRowBefore[account])
    }

    /// The latest day with an active user on or before `day` (any row counts without an
    /// active_users column), or `Int32.min`.
    func lastActive(_ account: Int, through day: Int32) -> Int32 {
        let before = lastActiveBefore.isEmpty ? Int32.min : lastActiveBefore[account]
        var k = upperThrough(account, day) - 1
        guard let active = daily[Metric.activeUsers.rawValue] else { return k < offset[account] ? before : days.values[k] }
        while k >= offset[account] {
            if active.values[k] > 0 { return days.values[k] }
            k -= 1
        }
        return before
    }
}

/// A fixed-size Int32 column filled in place by several threads (each its own slots), then
/// read-only. Not an `Array`: an array would be zeroed first, touching every page twice.
final class Int32Buffer: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Int32>
    init(count: Int) { values = .allocate(capacity: max(1, count)) }
    deinit { values.deallocate() }

    /// The first index in `range` whose value is greater than `value` (values ascending in range).
    @inline(__always)
    func upperBound(_ range: Range<Int>, _ value: Int32) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) >> 1
            if values[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
