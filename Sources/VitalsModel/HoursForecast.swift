import Foundation
import VitalsFoundation
import VitalsEvaluation
import VitalsLinearAlgebra

/// The earned-value estimate of a project's hours at completion, and the calibrated interval
/// around it: the one place both training (which calibrates the interval on finished projects)
/// and scoring (which applies it) take them from.
public enum EarnedValue {
    /// The days the recent burn rate is measured over: four weeks (fewer for a younger project).
    public static let burnWindowDays = 28

    /// The day the remaining hours run out at the recent burn rate: D + ⌈remaining / rate⌉ with
    /// rate the hours logged per day over the last `windowDays` days (`logged − loggedBefore`),
    /// or, when that is nothing (a stalled project), the average since the start, or else the
    /// plan's pace (budget / planned days). A project with hours left ends at least a day after
    /// D, so an overdue project's end is never the as-of date while work remains; one with
    /// none left ends on D.
    public static func endDate(asOf day: Day, start: Day, plannedEnd: Day, budget: Double, logged: Double, loggedBefore: Double,
                               windowDays: Int, remaining: Double) -> Day {
        guard remaining > 0 else { return day }
        let rates = [windowDays > 0 ? (logged - loggedBefore) / Double(windowDays) : 0,
                     day > start ? logged / Double(day - start) : 0,
                     budget / Double(max(plannedEnd - start, 1))]
        guard let rate = rates.first(where: { $0 > 0 && $0.isFinite }) else { return day + 1 }
        return day + max(1, Int((remaining / rate).rounded(.up)))
    }

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

/// An 80 % prediction interval for a project's final hours around a forecast, by conformal
/// prediction on the ratios final ÷ forecast of finished projects' snapshots
/// (`SplitConformal`'s quantiles), one interval per band of elapsed share (Mondrian
/// conformal: a project's uncertainty shrinks as it nears its end, so each band gets its own
/// ratios). The trainer gives it out-of-fold forecasts (cross-conformal by project).
///
/// - Bands: the calibration snapshots' elapsed-share quartiles, when every band holds at
///   least `minimumPerBand` snapshots; one band otherwise.
/// - Applied: [EAC · lower, EAC · upper], never below the hours logged.
public struct ForecastInterval: Sendable, Equatable, Codable {
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
    public static func fit(forecasts: [Double], actuals: [Double], elapsed: [Double]) -> ForecastInterval? {
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
        return ForecastInterval(elapsedEdges: edges, bands: bands)
    }

    /// The interval for a snapshot: EAC times its band's ratio quantiles, at least `logged`.
    public func interval(forecast: Double, elapsed: Double, logged: Double) -> (low: Double, high: Double) {
        let v = elapsed.isFinite ? elapsed : 0
        let conformal = bands[elapsedEdges.firstIndex { v < $0 } ?? elapsedEdges.count]
        let range = conformal.interval(forecast: forecast)
        return (max(range.lowerBound, logged), max(range.upperBound, logged))
    }
}

/// A multiplicative correction of the earned-value EAC learnt from finished projects, so
/// that the forecast is a model of the remaining work with earned value as one input:
///
///     log(final ÷ EAC) ≈ b + Σⱼ wⱼ (xⱼ − meanⱼ) / scaleⱼ
///
/// on the overrun model's own imputed features x, fitted by ridge least squares (λ on the
/// standardized weights, none on b). The corrected forecast is EAC · exp(…), never below
/// the hours logged.
///
/// - Shapes: p weights, means and scales for the p features of the model's design.
public struct ForecastCorrection: Sendable, Equatable, Codable {
    public let weights: [Double]
    public let intercept: Double
    public let means: [Double]
    public let scales: [Double]

    /// The ridge strength λ per row: (ZᵀZ / n + λ I) w = Zᵀ(y − ȳ) / n.
    public static let ridge = 0.1

    /// - Parameters: x: n × p imputed features of finished projects' snapshots; forecasts
    ///   and actuals: their EAC and final hours. Nil with fewer than 2 p usable rows.
    public static func fit(x: Matrix, forecasts: [Double], actuals: [Double]) throws -> ForecastCorrection? {
        let rows = forecasts.indices.filter { forecasts[$0] > 0 && actuals[$0] > 0 && forecasts[$0].isFinite && actuals[$0].isFinite }
        let p = x.columns
        guard rows.count >= max(2 * p, 20) else { return nil }
        let n = Double(rows.count)
        let y = rows.map { log(actuals[$0] / forecasts[$0]) }
        let yMean = y.reduce(0, +) / n
        var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let column = rows.map { x[$0, j] }
            means[j] = column.reduce(0, +) / n
            let variance = column.reduce(0) { $0 + ($1 - means[j]) * ($1 - means[j]) } / n
            scales[j] = variance > 1e-24 ? variance.squareRoot() : 1
        }
        var z = Matrix(rows: rows.count, columns: p)
        for (k, r) in rows.enumerated() { for j in 0..<p { z[k, j] = (x[r, j] - means[j]) / scales[j] } }
        var a = try z.gram()
        for j in 0..<p { for k in 0..<p { a[j, k] /= n } ; a[j, j] += ridge }
        let centred = y.map { $0 - yMean }
        let b = try z.multiply(centred, transposed: true, alpha: 1 / n)
        let w = try a.solvePositiveDefinite(Matrix(rows: p, columns: 1, elements: b)).elements
        return ForecastCorrection(weights: w, intercept: yMean, means: means, scales: scales)
    }

    public init(weights: [Double], intercept: Double, means: [Double], scales: [Double]) {
        self.weights = weights
        self.intercept = intercept
        self.means = means
        self.scales = scales
    }

    /// exp(b + Σ wⱼ (xⱼ − meanⱼ) / scaleⱼ) for row r of x (the model's imputed design).
    public func factor(_ x: Matrix, row r: Int) -> Double {
        var s = intercept
        for j in 0..<weights.count { s += weights[j] * (x[r, j] - means[j]) / scales[j] }
        return exp(min(max(s, -5), 5))
    }
}
