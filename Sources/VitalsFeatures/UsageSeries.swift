import Dispatch
import Foundation
import VitalsFoundation
import VitalsSignals

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
/// more than the short sums do; see Benchmarks/README.md.
struct UsageSeries: Sendable {
    enum Metric: Int, CaseIterable { case activeUsers, sessions, keyEvents, workflowsStarted, workflowsCompleted }

    let offset: [Int]
    let days: Int32Buffer
    /// Per-day totals per metric; nil when the file lacks that column.
    let daily: [Int32Buffer?]

    /// Groups the table's rows by account on `threads` threads, each owning a range of accounts
    /// (so the result does not depend on the thread count).
    init(usage: UsageTable, accountCount: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let n = usage.count
        let columns: [CountColumn?] = [usage.activeUsers, usage.sessions, usage.keyEvents, usage.workflowsStarted, usage.workflowsCompleted]
        let parts = max(1, min(threads, accountCount))
        let bounds = (0...parts).map { $0 * accountCount / parts }

        // 1. Rows per account, and where each account's rows go once grouped.
        var rowStart = [Int](repeating: 0, count: accountCount + 1)
        usage.account.withUnsafeBufferPointer { accounts in
            for a in accounts { rowStart[Int(a) + 1] += 1 }
        }
        for a in 0..<accountCount { rowStart[a + 1] += rowStart[a] }

        // 2. Scatter each row to its account's next slot, in file order. An export in date order
        //    with one row per account and day (the usual one) is then already final.
        let days = Int32Buffer(count: n)
        let daily = columns.map { $0 == nil ? nil : Int32Buffer(count: n) }
        let raw: [[Int32]?] = columns.map { $0?.raw }
        let rowStarts = rowStart
        var irregular = [Bool](repeating: false, count: accountCount)
        irregular.withUnsafeMutableBufferPointer { irregularOut in
            nonisolated(unsafe) let irregularOut = irregularOut
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let (lo, hi) = (Int32(bounds[part]), Int32(bounds[part + 1]))
                var next = Array(rowStarts[bounds[part]..<bounds[part + 1]])
                usage.account.withUnsafeBufferPointer { accounts in
                    usage.date.withUnsafeBufferPointer { dates in
                        for r in 0..<n {
                            let a = accounts[r]
                            guard a >= lo && a < hi else { continue }
                            let slot = Int(a - lo), k = next[slot]
                            next[slot] = k + 1
                            let day = dates[r].ordinal
                            if k > rowStarts[Int(a)], day <= days.values[k - 1] { irregularOut[Int(a)] = true }
                            days.values[k] = day
                            for m in 0..<raw.count {
                                // A missing field (−1) adds nothing.
                                if let column = raw[m] { daily[m]!.values[k] = max(0, column[r]) }
                            }
                        }
                    }
                }
            }
        }

        // 3. Accounts whose rows are out of date order or repeat a day: sort them (stably) and add
        //    up each day's rows, then close the gaps this leaves.
        var offset = rowStart
        if irregular.contains(true) {
            var kept = [Int](repeating: 0, count: accountCount)
            for a in 0..<accountCount {
                let range = rowStart[a]..<rowStart[a + 1]
                kept[a] = irregular[a] ? Self.mergeDays(range, days: days, daily: daily) : range.count
            }
            var write = 0
            for a in 0..<accountCount {
                let read = rowStart[a]
                offset[a] = write
                if write != read {
                    for k in 0..<kept[a] {
                        days.values[write + k] = days.values[read + k]
                        for m in daily.indices { daily[m]?.values[write + k] = daily[m]!.values[read + k] }
                    }
                }
                write += kept[a]
            }
            offset[accountCount] = write
        }
        self.offset = offset
        self.days = days
        self.daily = daily
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
    /// One past the account's last day on or before `day` (absolute index).
    @inline(__always)
    func upperThrough(_ account: Int, _ day: Int32) -> Int {
        days.upperBound(offset[account]..<offset[account + 1], day)
    }

    /// The latest day with an active user on or before `day` (any row counts without an
    /// active_users column), or `Int32.min`.
    func lastActive(_ account: Int, through day: Int32) -> Int32 {
        var k = upperThrough(account, day) - 1
        guard let active = daily[Metric.activeUsers.rawValue] else { return k < offset[account] ? Int32.min : days.values[k] }
        while k >= offset[account] {
            if active.values[k] > 0 { return days.values[k] }
            k -= 1
        }
        return Int32.min
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
