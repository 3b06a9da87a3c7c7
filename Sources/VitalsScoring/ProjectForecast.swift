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
    public let endDateHigh: Day

    /// EAC / BAC − 1: the forecast overrun as a share of the budget.
    public var overrunShare: Double { budgetHours > 0 ? hoursAtCompletion / budgetHours - 1 : 0 }
    /// Days the forecast end falls after the baseline (negative when early).
    public var daysLate: Int { endDate - baselineEndDate }

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
        (hoursAtCompletion, hoursAtCompletionLow, hoursAtCompletionHigh) = snapshot.spec.hoursForecast(
            budget: budgetHours, logged: hoursLogged, cpi: costPerformanceIndex, spi: schedulePerformanceIndex, elapsed: elapsed,
            x: snapshot.x, row: r)
        baselineEndDate = projects.plannedEndDate[p]
        let window = EarnedValue.burnWindowDays
        let recent = min(window, max(day - projects.startDate[p], 0))
        let loggedBefore = recent > 0 ? snapshot.index.hoursLogged(project: p, through: (day - recent).ordinal) : hoursLogged
        let (start, plannedEnd, budget, logged) = (projects.startDate[p], projects.plannedEndDate[p], budgetHours, hoursLogged)
        let end = { (hours: Double) in
            EarnedValue.endDate(asOf: day, start: start, plannedEnd: plannedEnd, budget: budget, logged: logged, loggedBefore: loggedBefore,
                         windowDays: recent, remaining: max(hours - logged, 0))
        }
        // The model's learnt end and range when it has them; else the dates the hours range gives at the same pace.
        (endDate, endDateLow, endDateHigh) = snapshot.spec.endForecast(asOf: day, rawEnd: end(hoursAtCompletion), elapsed: elapsed,
                                                                       x: snapshot.x, row: r)
            ?? (end(hoursAtCompletion), end(min(hoursAtCompletionLow, hoursAtCompletion)), end(max(hoursAtCompletionHigh, hoursAtCompletion)))
    }

}
