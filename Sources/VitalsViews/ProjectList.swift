import VitalsFoundation
import VitalsScoring
import VitalsSignals

/// One in-flight project on the PSO lead's list.
public struct ProjectEntry: Sendable, Equatable, Codable {
    public let rank: Int
    public let projectID: String
    public let accountID: String
    public let accountName: String?
    public let type: String?
    public let overrunProbability: Double
    public let budgetHours: Double
    public let hoursLogged: Double
    public let changeOrderHours: Double
    /// EAC = BAC / CPI, and the PMI bracket around it (`ProjectForecast`).
    public let forecastHoursAtCompletion: Double
    public let forecastHoursLow: Double
    public let forecastHoursHigh: Double
    /// EAC / BAC − 1, in percent.
    public let forecastOverrunPct: Double
    public let forecastEndDate: String
    public let baselineEndDate: String
    public let daysLate: Int
    public let phase: String?
    public let drivers: [RankedDriver]

    enum CodingKeys: String, CodingKey {
        case rank, projectID = "project_id", accountID = "account_id", accountName = "account_name", type
        case overrunProbability = "overrun_probability", budgetHours = "budget_hours", hoursLogged = "hours_logged"
        case changeOrderHours = "change_order_hours", forecastHoursAtCompletion = "forecast_hours_at_completion"
        case forecastHoursLow = "forecast_hours_low", forecastHoursHigh = "forecast_hours_high", forecastOverrunPct = "forecast_overrun_pct"
        case forecastEndDate = "forecast_end_date", baselineEndDate = "baseline_end_date", daysLate = "days_late", phase, drivers
    }
}

/// The PSO lead's list: in-flight projects by overrun probability, each with its
/// earned-value forecast (how many hours, how late) beside the model's probability.
public struct ProjectList: Sendable, Codable {
    public let asOf: String
    public let modelID: String
    /// Projects in flight on the as-of date (before `top`).
    public let inFlight: Int
    public let projects: [ProjectEntry]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", modelID = "model_id", inFlight = "in_flight", projects }

    public init(snapshot: ScoredSnapshot, top: Int) throws {
        guard snapshot.task == .overrun else { throw InsightError.wrongTask(model: snapshot.model.modelID, expected: .overrun) }
        let p = snapshot.probabilities
        let eta = snapshot.decisionValues
        let order = { (r: Int) in RiskOrder(key: p[r], probability: p[r], logOdds: eta[r], id: snapshot.ids[r]) }
        let ordered = (0..<snapshot.rowCount).sorted { order($0).ranksAbove(order($1)) }
        let projects = snapshot.dataset.projects!, accounts = snapshot.dataset.accounts
        self.projects = ordered.prefix(top).enumerated().map { rank, r in
            let j = Int(snapshot.table.entities[r]), a = Int(projects.account[j])
            let f = ProjectForecast(snapshot, row: r)
            let tenth: (Double) -> Double = { ($0 * 10).rounded() / 10 }
            return ProjectEntry(
                rank: rank + 1, projectID: snapshot.ids[r], accountID: accounts.accountID[a], accountName: accounts.name?[a],
                type: projects.type?[j], overrunProbability: p[r], budgetHours: f.budgetHours, hoursLogged: f.hoursLogged,
                changeOrderHours: tenth(f.changeOrderHours), forecastHoursAtCompletion: tenth(f.hoursAtCompletion),
                forecastHoursLow: tenth(f.hoursAtCompletionLow), forecastHoursHigh: tenth(f.hoursAtCompletionHigh),
                forecastOverrunPct: tenth(f.overrunShare * 100), forecastEndDate: "\(f.endDate)", baselineEndDate: "\(f.baselineEndDate)",
                daysLate: f.daysLate, phase: snapshot.stateName(r), drivers: RankedDriver.top(snapshot, row: r))
        }
        asOf = "\(snapshot.asOf)"
        modelID = snapshot.model.modelID
        inFlight = snapshot.rowCount
    }
}
