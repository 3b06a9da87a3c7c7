import VitalsSignals

/// Each account's product usage as one row per day (several rows for a day added up),
/// with running sums, so any window's total is two binary searches and a subtraction.
///
/// For account a, its days are `days[offset[a]..<offset[a + 1]]` (ascending ordinals);
/// metric m's running sums sit at `sums[m][offset[a] + a ... offset[a + 1] + a]`, with
/// a leading zero, so the total over its days k₀..<k₁ is sums[m][p + k₁] − sums[m][p + k₀]
/// with p = offset[a] + a.
struct UsageSeries: Sendable {
    enum Metric: Int, CaseIterable { case activeUsers, sessions, keyEvents, workflowsStarted, workflowsCompleted }

    let offset: [Int]
    let days: [Int32]
    /// Running sums per metric; nil when the file lacks that column.
    let sums: [[Double]?]
    /// The last day with at least one active user, per prefix: lastActive[k] is the latest
    /// active day among the account's first k + 1 days (Int32.min when none yet).
    let lastActive: [Int32]

    init(usage: UsageTable, accountCount: Int) {
        let grouped = GroupedRows(entities: usage.account, entityCount: accountCount, dates: usage.date.map(\.ordinal))
        let columns: [CountColumn?] = [usage.activeUsers, usage.sessions, usage.keyEvents, usage.workflowsStarted, usage.workflowsCompleted]
        var offset = [Int](repeating: 0, count: accountCount + 1)
        var days: [Int32] = []
        days.reserveCapacity(usage.count)
        var daily = [[Double]](repeating: [], count: columns.count)
        for m in daily.indices { daily[m].reserveCapacity(usage.count) }
        let dates = usage.date.map(\.ordinal)
        for a in 0..<accountCount {
            for k in grouped.range(a) {
                let r = Int(grouped.rows[k])
                if days.count == offset[a] || days.last! != dates[r] {
                    days.append(dates[r])
                    for m in daily.indices { daily[m].append(0) }
                }
                for (m, column) in columns.enumerated() {
                    // A missing field adds nothing; the column's absence is handled as a whole.
                    if let column, column.raw[r] > 0 { daily[m][daily[m].count - 1] += Double(column.raw[r]) }
                }
            }
            offset[a + 1] = days.count
        }
        var sums: [[Double]?] = []
        for (m, column) in columns.enumerated() {
            guard column != nil else { sums.append(nil); continue }
            var running = [Double](repeating: 0, count: days.count + accountCount)
            for a in 0..<accountCount {
                let p = offset[a] + a
                var total = 0.0
                for k in 0..<(offset[a + 1] - offset[a]) {
                    total += daily[m][offset[a] + k]
                    running[p + k + 1] = total
                }
            }
            sums.append(running)
        }
        var lastActive = [Int32](repeating: Int32.min, count: days.count)
        let active = daily[Metric.activeUsers.rawValue]
        for a in 0..<accountCount {
            var last = Int32.min
            for k in offset[a]..<offset[a + 1] {
                // Without an active_users column, any row counts as activity.
                if columns[0] == nil || active[k] > 0 { last = days[k] }
                lastActive[k] = last
            }
        }
        self.offset = offset
        self.days = days
        self.sums = sums
        self.lastActive = lastActive
    }

    /// Index range of the account's days within [from, through] (ordinals, inclusive).
    @inline(__always)
    func window(_ account: Int, from: Int32, through: Int32) -> (Int, Int) {
        let range = offset[account]..<offset[account + 1]
        return (upperBound(days, range, from - 1), upperBound(days, range, through))
    }

    /// Total of a metric over the account's days with indices k₀..<k₁ (absolute), nil when the column is absent.
    @inline(__always)
    func total(_ metric: Metric, _ account: Int, _ k0: Int, _ k1: Int) -> Double? {
        guard let s = sums[metric.rawValue] else { return nil }
        return s[k1 + account] - s[k0 + account]
    }
}

extension UsageSeries {
    /// One past the account's last day on or before `day` (absolute index).
    @inline(__always)
    func upperThrough(_ account: Int, _ day: Int32) -> Int {
        upperBound(days, offset[account]..<offset[account + 1], day)
    }

    /// The latest day with activity on or before `day`, or `Int32.min`.
    func lastActive(_ account: Int, through day: Int32) -> Int32 {
        let k = upperThrough(account, day) - 1
        return k < offset[account] ? Int32.min : lastActive[k]
    }
}
