/// How close hour forecasts came to what projects finally took, on finished projects: the
/// median absolute percentage error |forecast − actual| / actual of the forecast and of each
/// baseline, and how often the actual fell inside the forecast's interval.
///
/// - Ranges: actual hours > 0; errors ≥ 0 (0.2 is 20 %); coverage in [0, 1].
public struct ForecastAccuracy: Sendable, Equatable, Codable {
    /// Forecasts scored (snapshots of finished projects).
    public let n: Int
    /// Median absolute percentage error by forecast name (`forecast` and the baselines).
    public let medianAbsoluteError: [String: Double]
    /// The share of actual totals inside [low, high].
    public let coverage: Double
    /// What the interval is, for the report.
    public let interval: String

    enum CodingKeys: String, CodingKey { case n, medianAbsoluteError = "median_absolute_error", coverage, interval }

    /// - Parameters:
    ///   - actual: n final totals, > 0 (rows with a non-positive total are left out).
    ///   - forecasts: named forecasts of n values each, the model's first.
    ///   - low, high: the interval around the first forecast, n values each.
    public static func evaluate(actual: [Double], forecasts: [(name: String, values: [Double])], low: [Double], high: [Double],
                                interval: String) -> ForecastAccuracy? {
        let rows = actual.indices.filter { actual[$0] > 0 && actual[$0].isFinite }
        guard !rows.isEmpty else { return nil }
        var errors: [String: Double] = [:]
        for (name, values) in forecasts {
            precondition(values.count == actual.count, "\(name) has \(values.count) values for \(actual.count) rows")
            errors[name] = median(rows.map { abs(values[$0] - actual[$0]) / actual[$0] })
        }
        let inside = rows.filter { low[$0] <= actual[$0] && actual[$0] <= high[$0] }.count
        return ForecastAccuracy(n: rows.count, medianAbsoluteError: errors, coverage: Double(inside) / Double(rows.count), interval: interval)
    }

    /// The median (the mean of the two middle values for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted(), m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }

    /// Plain text: one line per forecast, then the coverage.
    public func text() -> String {
        var out = "hour forecasts on \(n) snapshots of finished projects (median |forecast − actual| / actual):\n"
        for name in medianAbsoluteError.keys.sorted(by: { ($0 == "forecast" ? "" : $0) < ($1 == "forecast" ? "" : $1) }) {
            out += "  " + name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.1f %%", 100 * medianAbsoluteError[name]!) + "\n"
        }
        out += String(format: "  actual inside the %@: %.1f %% of snapshots\n", interval, 100 * coverage)
        return out
    }
}
