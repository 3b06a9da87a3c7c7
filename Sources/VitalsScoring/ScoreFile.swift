import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsModel

/// The contract's score file (docs/SIGNALS.md, "What the engine writes"): one row per
/// scored entity, as `<task>-scores-<as-of>.csv` and `.jsonl` with the same fields.
public enum ScoreFile {
    /// `churn-scores-2025-12-31`: the two files' name without the extension.
    public static func stem(task: RiskTask, asOf: Day) -> String { "\(task.rawValue)-scores-\(asOf)" }

    /// The columns of a task's score file. Columns added after the first version go before
    /// `model_id`, which stays last; none is renamed or removed.
    public static func columns(_ task: RiskTask) -> [String] {
        switch task {
        case .churn:
            return ["account_id", "as_of", "churn_probability", "risk_band", "health_state", "expected_days_to_churn", "arr", "arr_at_risk",
                    "top_drivers", "previous_probability", "change"] + curveColumns + ["model_id"]
        case .overrun:
            return ["project_id", "account_id", "as_of", "overrun_probability", "budget_hours", "hours_logged", "change_order_hours",
                    "forecast_hours_at_completion", "forecast_overrun_pct", "forecast_end_date", "top_drivers",
                    "forecast_hours_low", "forecast_hours_high", "forecast_end_low", "forecast_end_high", "hours_overrun_probability",
                    "late_probability", "risk_band", "phase", "baseline_end_date", "days_late", "previous_probability", "change", "model_id"]
        }
    }

    /// The churn curve's columns, empty for a model without a curve: P(churn within 30, 90,
    /// 180 and 365 days and by the next renewal date), all read off one curve, and the median
    /// days to churn (empty when the median lies beyond the curve's reach).
    public static let curveColumns = ["churn_probability_30d", "churn_probability_90d", "churn_probability_180d", "churn_probability_365d",
                                      "churn_probability_by_renewal", "median_days_to_churn"]
    /// The horizons of the `churn_probability_<h>d` columns, in days.
    public static var curveHorizons: [Int] { SurvivalEvaluation.horizons }

    /// Names row r's top drivers with their phrases: the views' `RankedDriver.top`, which the
    /// CLI hands in (phrases are the views' business, a layer above this one).
    public typealias DriverDescriber = @Sendable (ScoredSnapshot, _ row: Int) -> [ScoreTable.Driver]

    /// Row r's top drivers without phrases (`phrase` null): what `table` writes without a describer.
    public static func drivers(_ snapshot: ScoredSnapshot) -> DriverDescriber {
        let drivers = Drivers(featureNames: snapshot.termNames, encoder: nil)
        return { snapshot, r in
            let contributions = drivers.grouped(snapshot.contributions(row: r))
            return drivers.topGroups(contributions).map { ScoreTable.Driver(feature: drivers.groupNames[$0], contribution: contributions[$0], phrase: nil) }
        }
    }

    /// The rows for a snapshot; `previous` holds an earlier run's probabilities by entity id
    /// (`previous_probability` and `change`); `describe` names each row's top drivers
    /// (without phrases when nil).
    public static func table(_ snapshot: ScoredSnapshot, previous: [String: Double], describe: DriverDescriber? = nil) -> ScoreTable {
        let model = snapshot.model, day = snapshot.asOf, table = snapshot.table
        let probabilities = snapshot.probabilities
        let describe = describe ?? drivers(snapshot)
        // Naming and phrasing the drivers is most of a score file's cost (a phrase per driver
        // per row), and rows are independent: chunks on every core, joined in row order.
        let rowDrivers = RowChunks(rows: table.rowCount, minimumRows: 4_096).map { range in range.map { describe(snapshot, $0) } }
            .flatMap { $0 }
        var scores = ScoreTable(columns: columns(snapshot.task))
        scores.rows.reserveCapacity(table.rowCount)
        switch snapshot.task {
        case .churn:
            let accounts = snapshot.dataset.accounts
            for r in 0..<table.rowCount {
                let a = Int(table.entities[r]), p = probabilities[r]
                let id = snapshot.ids[r]
                let arr = accounts.arr.flatMap { $0[a] }
                let before = previous[id]
                scores.rows.append([
                    .text(id), .text("\(day)"), .number(p), .text(snapshot.band(r).rawValue), snapshot.stateName(r).map { .text($0) } ?? .missing,
                    snapshot.expectedDaysToChurn(r).map { .integer($0) } ?? .missing, arr.map { .money($0) } ?? .missing,
                    arr.map { .money(ArrAtRisk.of(arr: $0, probability: p)) } ?? .missing, .drivers(rowDrivers[r]),
                    before.map { .number($0) } ?? .missing, before.map { .number(p - $0) } ?? .missing,
                ] + curveCells(snapshot, row: r) + [.text(model.modelID)])
            }
        case .overrun:
            let projects = snapshot.dataset.projects!
            for r in 0..<table.rowCount {
                let p = Int(table.entities[r])
                let f = ProjectForecast(snapshot, row: r)
                let before = previous[snapshot.ids[r]]
                scores.rows.append([
                    .text(projects.projectID[p]), .text(snapshot.dataset.accounts.accountID[Int(projects.account[p])]), .text("\(day)"),
                    .number(probabilities[r]), .number(f.budgetHours), .number(f.hoursLogged), .number(f.changeOrderHours),
                    .number((f.hoursAtCompletion * 10).rounded() / 10), .number((f.overrunShare * 1000).rounded() / 10), .text("\(f.endDate)"),
                    .drivers(rowDrivers[r]),
                    .number((f.hoursAtCompletionLow * 10).rounded() / 10), .number((f.hoursAtCompletionHigh * 10).rounded() / 10),
                    .text("\(f.endDateLow)"), .text("\(f.endDateHigh)"),
                    snapshot.risks.map { .number($0.hours[r]) } ?? .missing, snapshot.risks.map { .number($0.late[r]) } ?? .missing,
                    .text(snapshot.band(r).rawValue), snapshot.stateName(r).map { .text($0) } ?? .missing, .text("\(f.baselineEndDate)"),
                    .integer(f.daysLate), before.map { .number($0) } ?? .missing, before.map { .number(probabilities[r] - $0) } ?? .missing,
                    .text(model.modelID),
                ])
            }
        }
        return scores
    }
}

extension ScoreFile {
    /// Row r's `curveColumns` cells (missing for a model without a curve).
    static func curveCells(_ snapshot: ScoredSnapshot, row r: Int) -> [ScoreTable.Value] {
        guard snapshot.curves != nil else { return curveColumns.map { _ in .missing } }
        return curveHorizons.map { .number(snapshot.churnProbability(r, withinDays: Double($0))!) }
            + [.number(snapshot.churnProbabilityByRenewal(r)!), snapshot.medianDaysToChurn(r).map { .integer($0) } ?? .missing]
    }
}

/// ARR × probability, to the cent: the revenue expected to be lost.
public enum ArrAtRisk {
    public static func of(arr: Double, probability: Double) -> Double { (arr * probability * 100).rounded() / 100 }
}
