import VitalsFoundation

/// Percentile bootstrap intervals, resampling whole groups (accounts or projects) rather than
/// rows: one account's monthly snapshots are not independent, and resampling rows would make
/// the intervals too narrow.
public enum Bootstrap {
    /// A two-sided interval.
    public struct Interval: Sendable, Equatable, Codable {
        public let lower: Double
        public let upper: Double

        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// For each statistic, the (1 − level)/2 and (1 + level)/2 quantiles of its value over
    /// `replicates` resamples. A resample draws as many groups as there are, with
    /// replacement, and takes every row of each drawn group (a group drawn twice counts twice).
    ///
    /// - Parameters:
    ///   - groups: each row's group id (n rows).
    ///   - statistics: named functions of the resampled row indices; nil when undefined on a
    ///     resample (one class only), which is then left out of that statistic's quantiles.
    ///   - replicates: default 200; seed: the generator's (the same inputs give the same intervals).
    /// - Returns: an interval per statistic defined on at least half the replicates.
    public static func intervals(groups: [Int], replicates: Int = 200, level: Double = 0.95, seed: UInt64 = 42,
                                 statistics: [(name: String, value: ([Int]) -> Double?)]) -> [String: Interval] {
        var rowsOf: [Int: [Int]] = [:]
        for (row, group) in groups.enumerated() { rowsOf[group, default: []].append(row) }
        let ids = rowsOf.keys.sorted()
        guard !ids.isEmpty, replicates > 0 else { return [:] }
        var rng = SplitMix64(seed: seed)
        var values = [[Double]](repeating: [], count: statistics.count)
        var sample: [Int] = []
        sample.reserveCapacity(groups.count)
        for _ in 0..<replicates {
            sample.removeAll(keepingCapacity: true)
            for _ in 0..<ids.count { sample += rowsOf[ids[Int(rng.next() % UInt64(ids.count))]]! }
            for (k, statistic) in statistics.enumerated() {
                if let value = statistic.value(sample), value.isFinite { values[k].append(value) }
            }
        }
        var out: [String: Interval] = [:]
        for (k, statistic) in statistics.enumerated() where values[k].count * 2 >= replicates {
            let sorted = values[k].sorted()
            out[statistic.name] = Interval(lower: quantile(sorted, (1 - level) / 2), upper: quantile(sorted, (1 + level) / 2))
        }
        return out
    }

    /// The q-quantile of sorted values, interpolated linearly (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
    }
}
