/// A split-conformal prediction interval for a positive quantity predicted by a point
/// forecast (Vovk, Gammerman & Shafer 2005; Lei, G'Sell, Rinaldo, Tibshirani & Wasserman
/// 2018), on the ratio scale: on a calibration set of finished cases, the ratios
/// rᵢ = actualᵢ / forecastᵢ are sorted, and a new forecast ŷ gets
///
///     [ŷ · r₍ₗ₎, ŷ · r₍ᵤ₎],   l = ⌊(n + 1) α/2⌋,   u = ⌈(n + 1) (1 − α/2)⌉
///
/// (order statistics, 1-based). If the calibration cases and the new one are exchangeable,
/// each side misses with probability at most α/2, so the interval covers the actual value
/// with probability at least 1 − α; it is also at most 1 − α + 2 / (n + 1) when the ratios
/// have no ties. With too few cases for an order statistic (l < 1 or u > n) that side is
/// unbounded (0 or +∞).
///
/// - Ranges: forecasts and actuals > 0 and finite; α in (0, 1).
public struct SplitConformal: Sendable, Equatable, Codable {
    /// The miss rate α (0.2 for an 80 % interval).
    public let missRate: Double
    /// The calibration cases.
    public let count: Int
    /// The ratio multipliers: the interval is [ŷ · lower, ŷ · upper].
    public let lower: Double
    public let upper: Double

    public enum Failure: Error, Equatable {
        case invalidMissRate(Double)
        case invalidCase(index: Int, forecast: Double, actual: Double)
    }

    public init(forecasts: [Double], actuals: [Double], missRate alpha: Double) throws(Failure) {
        guard alpha > 0, alpha < 1 else { throw .invalidMissRate(alpha) }
        precondition(forecasts.count == actuals.count, "\(forecasts.count) forecasts for \(actuals.count) actual values")
        for (i, (f, a)) in zip(forecasts, actuals).enumerated() where !(f > 0 && a > 0 && f.isFinite && a.isFinite) {
            throw .invalidCase(index: i, forecast: f, actual: a)
        }
        let ratios = zip(actuals, forecasts).map { $0 / $1 }.sorted()
        let n = ratios.count
        let l = Int((Double(n + 1) * alpha / 2).rounded(.down)), u = Int((Double(n + 1) * (1 - alpha / 2)).rounded(.up))
        missRate = alpha
        count = n
        lower = l >= 1 ? ratios[l - 1] : 0
        upper = u <= n ? ratios[u - 1] : .infinity
    }

    /// The interval for a forecast ŷ > 0.
    public func interval(forecast: Double) -> ClosedRange<Double> { (forecast * lower)...(forecast * upper) }
}
