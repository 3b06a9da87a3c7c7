import VitalsFeatures
import VitalsFoundation
import VitalsSignals

/// An in-flight project's earned-value forecast as of the snapshot date, in hours.
///
/// With BAC the budget hours, AC the hours logged, EV = BAC × elapsed share × SPI the
/// earned value, CPI = EV / AC and SPI the schedule performance index:
///
///     EAC          = BAC / CPI                          (the point forecast: current efficiency holds)
///     EAC at plan  = AC + (BAC − EV)                    (the remaining work goes to plan)
///     EAC composite= AC + (BAC − EV) / (CPI × SPI)      (cost and schedule slippage both persist)
///
/// The interval is the smallest and largest of the three, the usual PMI bracket. Remaining
/// work is never negative, so no forecast falls below the hours already logged. Before any
/// earned value exists (no hours, or nothing elapsed), the burn so far is extrapolated over
/// the plan, or the budget is used, and the interval is that one point.
public struct ProjectForecast: Sendable, Equatable {
    public let budgetHours: Double
    public let hoursLogged: Double
    public let changeOrderHours: Double
    public let costPerformanceIndex: Double?
    public let schedulePerformanceIndex: Double?
    public let hoursAtCompletion: Double
    public let hoursAtCompletionLow: Double
    public let hoursAtCompletionHigh: Double
    public let baselineEndDate: Day
    public let endDate: Day

    /// EAC / BAC − 1: the forecast overrun as a share of the budget.
    public var overrunShare: Double { budgetHours > 0 ? hoursAtCompletion / budgetHours - 1 : 0 }
    /// Days the forecast end falls after the baseline (negative when early).
    public var daysLate: Int { endDate - baselineEndDate }

    /// EAC and its bracket from the earned-value indices (see the type's formulas).
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

    public init(_ snapshot: ScoredSnapshot, row r: Int) {
        let projects = snapshot.dataset.projects!
        let p = Int(snapshot.table.entities[r])
        let day = snapshot.asOf
        budgetHours = projects.budgetHours[p]
        hoursLogged = snapshot.index.hoursLogged(project: p, through: day.ordinal)
        let changeRatio = snapshot.feature(r, "change_order_hours_ratio")
        changeOrderHours = changeRatio.isFinite ? changeRatio * budgetHours : 0
        let cpi = snapshot.feature(r, "cost_performance_index"), spi = snapshot.feature(r, "schedule_performance_index")
        let elapsed = snapshot.feature(r, "elapsed_share")
        costPerformanceIndex = cpi.isFinite && cpi > 0 ? cpi : nil
        schedulePerformanceIndex = spi.isFinite ? spi : nil
        (hoursAtCompletion, hoursAtCompletionLow, hoursAtCompletionHigh) = Self.hoursAtCompletion(
            budget: budgetHours, logged: hoursLogged, cpi: costPerformanceIndex, spi: schedulePerformanceIndex, elapsed: elapsed)
        baselineEndDate = projects.plannedEndDate[p]
        let start = projects.startDate[p], plannedDays = projects.plannedEndDate[p] - start
        let end = spi.isFinite && spi > 0.05 ? start + Int((Double(plannedDays) / spi).rounded()) : projects.plannedEndDate[p]
        endDate = max(end, day)
    }
}
