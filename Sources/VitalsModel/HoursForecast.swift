import VitalsEvaluation

/// The earned-value estimate of a project's hours at completion, and the calibrated interval
/// around it: the one place both training (which calibrates the interval on finished projects)
/// and scoring (which applies it) take them from.
public enum EarnedValue {
    /// EAC and the PMI bracket from the earned-value indices. With BAC the budget hours, AC
    /// the hours logged and EV = CPI × AC the earned value:
    ///
    ///     EAC          = BAC / CPI                          (the point forecast: current efficiency holds)
    ///     EAC at plan  = AC + (BAC − EV)                    (the remaining work goes to plan)
    ///     EAC composite= AC + (BAC − EV) / (CPI × SPI)      (cost and schedule slippage both persist)
    ///
    /// The bracket is the smallest and largest of the three. Remaining work is never negative,
    /// so no forecast falls below the hours already logged. Before any earned value exists (no
    /// hours, or nothing elapsed), the burn so far is extrapolated over the plan, or the budget
    /// is used, and the bracket is that one point.
    public static func hoursAtCompletion(budget: Double, logged: Double, cpi: Double?, spi: Double?, elapsed: Double)
        -> (point: Double, low: Double, high: Double) {
        guard let cpi, cpi > 0 else {
            let point = elapsed.isFinite && elapsed > 0 && logged > 0 ? logged / min(elapsed, 1) : max(budget, logged)
            return (point, point, point)
        }
        let earned = cpi * logged
        let remaining = max(budget - earned, 0)
        let point = max(budget / cpi, logged)
        let atPlan = logged + remaining
        let composite = spi.map { $0 > 0.05 ? logged + remaining / (cpi * $0) : point } ?? point
        return (point, min(point, atPlan, composite), max(point, atPlan, composite))
    }
}

/// An 80 % prediction interval for a project's final hours around the earned-value EAC, by
/// split-conformal prediction on the ratios final ÷ EAC of finished projects' snapshots
/// (`SplitConformal`), one interval per band of elapsed share (Mondrian conformal: a
/// project's uncertainty shrinks as it nears its end, so each band gets its own ratios).
///
/// - Bands: the calibration snapshots' elapsed-share quartiles, when every band holds at
///   least `minimumPerBand` snapshots; one band otherwise.
/// - Applied: [EAC · lower, EAC · upper], never below the hours logged.
public struct HoursInterval: Sendable, Equatable, Codable {
    /// The upper edges of every band but the last (ascending); a snapshot with elapsed share
    /// below edges[i] is in band i (NaN elapsed: the first band).
    public let elapsedEdges: [Double]
    public let bands: [SplitConformal]

    public static let minimumPerBand = 50
    /// The miss rate of the interval: 0.2, an 80 % interval.
    public static let missRate = 0.2

    public init(elapsedEdges: [Double], bands: [SplitConformal]) {
        precondition(bands.count == elapsedEdges.count + 1, "\(bands.count) bands for \(elapsedEdges.count) edges")
        self.elapsedEdges = elapsedEdges
        self.bands = bands
    }

    /// Calibrates on finished projects' snapshots: each one's EAC, its project's final hours
    /// and its elapsed share. Nil when fewer than 9 usable snapshots (too few for an 80 %
    /// interval with both sides bounded).
    public static func fit(forecasts: [Double], actuals: [Double], elapsed: [Double]) -> HoursInterval? {
        let rows = forecasts.indices.filter { forecasts[$0] > 0 && actuals[$0] > 0 && forecasts[$0].isFinite && actuals[$0].isFinite }
        guard rows.count >= 9 else { return nil }
        let shares = rows.map { elapsed[$0].isFinite ? elapsed[$0] : 0 }.sorted()
        var edges = [0.25, 0.5, 0.75].map { shares[min(shares.count - 1, Int(Double(shares.count) * $0))] }
        edges = edges.enumerated().filter { $0.offset == 0 || $0.element > edges[$0.offset - 1] }.map(\.element)
        func band(_ e: Double) -> Int { let v = e.isFinite ? e : 0; return edges.firstIndex { v < $0 } ?? edges.count }
        var members = [[Int]](repeating: [], count: edges.count + 1)
        for r in rows { members[band(elapsed[r])].append(r) }
        if members.contains(where: { $0.count < minimumPerBand }) { (edges, members) = ([], [rows]) }
        let bands = members.map { m in
            try! SplitConformal(forecasts: m.map { forecasts[$0] }, actuals: m.map { actuals[$0] }, missRate: missRate)
        }
        guard bands.allSatisfy({ $0.upper.isFinite }) else { return nil }
        return HoursInterval(elapsedEdges: edges, bands: bands)
    }

    /// The interval for a snapshot: EAC times its band's ratio quantiles, at least `logged`.
    public func interval(forecast: Double, elapsed: Double, logged: Double) -> (low: Double, high: Double) {
        let v = elapsed.isFinite ? elapsed : 0
        let conformal = bands[elapsedEdges.firstIndex { v < $0 } ?? elapsedEdges.count]
        let range = conformal.interval(forecast: forecast)
        return (max(range.lowerBound, logged), max(range.upperBound, logged))
    }
}
