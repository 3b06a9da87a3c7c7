import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsSignals

/// An in-flight project's forecast as of the snapshot date, in hours and days.
///
/// - Hours at completion: the earned-value EAC = BAC / CPI (`EarnedValue.hoursAtCompletion`),
///   never below the hours logged.
/// - Its interval: the model's 80 % interval calibrated on finished projects
///   (`ForecastInterval`, split-conformal by elapsed-share band) when the model has one, else
///   the PMI bracket of the three earned-value forecasts (models trained before it).
/// - The end date: when the remaining hours (EAC − AC) run out at the recent burn rate
///   (`endDate(asOf:…)`): after the as-of date while work remains, even for a project past
///   its planned end; its range, when the interval's low and high hours would run out.
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
    /// The end dates of the hours interval's ends at the same pace (`endDateLow` ≤ `endDate` ≤ `endDateHigh`).
    public let endDateLow: Day
    public private(set) var endDateHigh: Day

    /// EAC / BAC − 1: the forecast overrun as a share of the budget.
    public var overrunShare: Double { budgetHours > 0 ? hoursAtCompletion / budgetHours - 1 : 0 }
    /// Days the forecast end falls after the baseline (negative when early).
    public var daysLate: Int { endDate - baselineEndDate }

    public init(_ snapshot: ScoredSnapshot, row r: Int) {
        let p = Int(snapshot.table.entities[r])
        let s = ProjectSnapshot(index: snapshot.index, project: p, asOf: snapshot.asOf, cpi: snapshot.feature(r, "cost_performance_index"),
                                spi: snapshot.feature(r, "schedule_performance_index"), elapsed: snapshot.feature(r, "elapsed_share"))
        budgetHours = s.budget
        hoursLogged = s.logged
        let changeRatio = snapshot.feature(r, "change_order_hours_ratio")
        changeOrderHours = changeRatio.isFinite ? changeRatio * budgetHours : 0
        costPerformanceIndex = s.cpi
        schedulePerformanceIndex = s.spi
        (hoursAtCompletion, hoursAtCompletionLow, hoursAtCompletionHigh) = snapshot.spec.hoursForecast(s, x: snapshot.x, row: r)
        baselineEndDate = s.plannedEnd
        // The model's learnt end and range when it has them; else the dates the hours range gives at the same pace.
        let high = s.endDate(hours: max(hoursAtCompletionHigh, hoursAtCompletion))
        let learnt = snapshot.spec.endForecast(asOf: s.asOf, rawEnd: s.endDate(hours: hoursAtCompletion), elapsed: s.elapsed, x: snapshot.x, row: r)
        (endDate, endDateLow, endDateHigh) = learnt.map { ($0.end, $0.low, $0.high) }
            ?? (s.endDate(hours: hoursAtCompletion), s.endDate(hours: min(hoursAtCompletionLow, hoursAtCompletion)), high)
        // A project the point forecast has ending today, but whose hours range says hours may
        // remain, is not sure to end today: the range's top is when the top of the hours runs out.
        if endDateHigh <= s.asOf, high > endDateHigh { endDateHigh = high }
    }
}
