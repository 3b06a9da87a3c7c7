import VitalsFeatures
import VitalsFoundation

/// A project's earned-value inputs as of a snapshot date: the budget, the hours logged by
/// then and over the last `EarnedValue.burnWindowDays`, the indices, the plan. The one place
/// training, scoring and evaluation read them from, so the forecast a model is calibrated
/// on is the forecast it scores with.
public struct ProjectSnapshot: Sendable {
    public let asOf: Day
    public let start: Day
    public let plannedEnd: Day
    public let budget: Double
    public let logged: Double
    /// The hours logged `windowDays` before the as-of date.
    public let loggedBefore: Double
    public let windowDays: Int
    /// CPI and SPI where the features have them (CPI only when positive).
    public let cpi: Double?
    public let spi: Double?
    public let elapsed: Double

    /// - Parameters: cpi, spi, elapsed: the snapshot's raw feature values (NaN when missing).
    public init(index: SignalsIndex, project p: Int, asOf day: Day, cpi: Double, spi: Double, elapsed: Double) {
        let projects = index.dataset.projects!
        asOf = day
        start = projects.startDate[p]
        plannedEnd = projects.plannedEndDate[p]
        budget = projects.budgetHours[p]
        logged = index.hoursLogged(project: p, through: day.ordinal)
        windowDays = min(EarnedValue.burnWindowDays, max(day - start, 0))
        loggedBefore = windowDays > 0 ? index.hoursLogged(project: p, through: (day - windowDays).ordinal) : logged
        self.cpi = cpi.isFinite && cpi > 0 ? cpi : nil
        self.spi = spi.isFinite ? spi : nil
        self.elapsed = elapsed
    }

    /// `EarnedValue.hoursAtCompletion` on these inputs.
    public var earnedValue: (point: Double, low: Double, high: Double) {
        EarnedValue.hoursAtCompletion(budget: budget, logged: logged, cpi: cpi, spi: spi, elapsed: elapsed)
    }

    /// `EarnedValue.endDate` for a forecast of `hours` in all.
    public func endDate(hours: Double) -> Day {
        EarnedValue.endDate(asOf: asOf, start: start, plannedEnd: plannedEnd, budget: budget, logged: logged, loggedBefore: loggedBefore,
                            windowDays: windowDays, remaining: max(hours - logged, 0))
    }
}

/// The snapshots of a table whose project finished (status completed, with an end date):
/// their rows, inputs, and what the projects finally took. What the forecasts are fitted,
/// calibrated and evaluated on.
public struct FinishedProjectSnapshots: Sendable {
    public let rows: [Int]
    public let snapshots: [ProjectSnapshot]
    public let finalHours: [Double]
    /// Days from each snapshot to its project's end.
    public let daysLeft: [Double]

    public init(table: SnapshotTable, index: SignalsIndex) {
        var rows: [Int] = [], snapshots: [ProjectSnapshot] = [], finalHours: [Double] = [], daysLeft: [Double] = []
        if let projects = index.dataset.projects {
            let cpi = table.column("cost_performance_index"), spi = table.column("schedule_performance_index")
            let elapsed = table.column("elapsed_share")
            for r in 0..<table.rowCount {
                let p = Int(table.entities[r])
                guard let end = index.endDate(project: p), projects.status[p] == .completed else { continue }
                rows.append(r)
                snapshots.append(ProjectSnapshot(index: index, project: p, asOf: table.dates[r], cpi: cpi[r], spi: spi[r], elapsed: elapsed[r]))
                finalHours.append(index.hoursLogged(project: p, through: end))
                daysLeft.append(Double(Int(end) - Int(table.dates[r].ordinal)))
            }
        }
        (self.rows, self.snapshots, self.finalHours, self.daysLeft) = (rows, snapshots, finalHours, daysLeft)
    }
}
