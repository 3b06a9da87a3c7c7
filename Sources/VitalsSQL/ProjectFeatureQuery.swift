import VitalsFeatures
import VitalsFoundation
import VitalsModel

/// The overrun features as of the scoring date, as common table expressions: one row per
/// project in flight on D (started on or before D, not ended by D: `SnapshotBuilder.overrunRisks`),
/// one column per point-in-time feature of the layout (`ProjectExtractor`, rule for rule), NULL
/// where `vitals score` has NaN, plus the inputs the forecasts read (`ProjectSnapshot`).
///
/// No feature picks a latest row: hours and change-order hours are sums through a date, the
/// last change order's date is a maximum and the milestones are counts, so the order of one
/// day's rows does not matter. The account's support and NPS columns are the churn query's
/// (`ChurnFeatureQuery.supportCTEs`, `npsCTEs`), whose NPS ranking orders one day's responses
/// by data as `SignalsIndex` does.
struct ProjectFeatureQuery {
    let recipe: FeatureRecipe
    var layout: FeatureLayout { recipe.layout }
    var churn: ChurnFeatureQuery { ChurnFeatureQuery(recipe: recipe) }

    static let d = SQLExpression.asOf
    static func col(_ table: String, _ name: String) -> SQLExpression { .column(table, name) }

    /// The CTEs, in order; the last, `features`, holds `project_id`, `account_id`, the
    /// forecast inputs and every feature of the layout by name.
    func ctes() -> [(name: String, select: SQLSelect)] {
        var out: [(String, SQLSelect)] = [("scored_projects", scoredProjects)]
        out += projectCTEs
        out += churn.supportCTEs
        out += churn.npsCTEs
        out.append(("project_inputs", inputs))
        out.append(("features", features))
        return out
    }

    /// The projects in flight on D, with their account's seats as a positive double or NULL.
    var scoredProjects: SQLSelect {
        let p = { Self.col("p", $0) }, a = { Self.col("a", $0) }
        return SQLSelect([
            .init(p("project_id"), as: "project_id"), .init(p("account_id"), as: "account_id"), .init(p("type"), as: "type"),
            .init(p("start_date"), as: "start_date"), .init(p("planned_end_date"), as: "planned_end_date"),
            .init(p("budget_hours"), as: "budget_hours"),
            .init(.when(a("seats").greater(.integer(0)), then: a("seats").asDouble, else: .null(.double)), as: "seat_count"),
        ], from: "projects", as: "p", joins: [.init("accounts", as: "a", on: a("account_id").equals(p("account_id")))],
        where: p("start_date").lessOrEqual(Self.d).and(p("actual_end_date").isNull.or(p("actual_end_date").greater(Self.d))))
    }

    /// Per project in flight: the timesheet sums (through D, D − 14 and the burn window's
    /// start), the milestone counts and the change orders.
    var projectCTEs: [(String, SQLSelect)] {
        let h = { Self.col("h", $0) }, sp = { Self.col("sp", $0) }
        // The burn window (`ProjectSnapshot`): min(28, max(D − start, 0)) days; hours through D − window.
        let window = SQLExpression.smaller(.larger(SQLExpression.daysBetween(from: sp("start_date"), to: Self.d), .integer(0)),
                                           .integer(EarnedValue.burnWindowDays))
        let hours = SQLSelect([
            .init(h("project_id"), as: "project_id"),
            .init(.aggregate(.sum, h("hours")), as: "hours"),
            .init(.countRows, as: "rows"),
            .init(.function(.coalesce, [.sum(h("hours"), where: h("date").lessOrEqual(.addDays(Self.d, .integer(-14)))), .double(0)]), as: "hours_before_14"),
            .init(.function(.coalesce, [.sum(h("hours"), where: h("date").lessOrEqual(.addDays(Self.d, -window))), .double(0)]), as: "hours_before_window"),
        ], from: "timesheets", as: "h", joins: [.init("scored_projects", as: "sp", on: sp("project_id").equals(h("project_id")))],
        where: h("date").lessOrEqual(Self.d).and(sp("project_id").isNotNull), groupBy: [h("project_id")])
        let m = { Self.col("m", $0) }
        // Milestones due by D; done: completed by D; late: not done by D, or completed after its due date.
        let doneByThen = m("completed_date").isNotNull.and(m("completed_date").lessOrEqual(Self.d))
        let milestones = SQLSelect([
            .init(m("project_id"), as: "project_id"),
            .init(.countRows, as: "due"),
            .init(.count(where: doneByThen), as: "done"),
            .init(.count(where: .not(doneByThen).or(m("completed_date").greater(m("due_date")))), as: "late"),
        ], from: "milestones", as: "m", where: m("due_date").lessOrEqual(Self.d), groupBy: [m("project_id")])
        let c = { Self.col("c", $0) }
        let changes = SQLSelect([
            .init(c("project_id"), as: "project_id"),
            .init(.countRows, as: "orders"),
            .init(.aggregate(.sum, c("hours_added")), as: "hours"),
            .init(.aggregate(.max, c("date")), as: "last_date"),
        ], from: "change_orders", as: "c", where: c("date").lessOrEqual(Self.d), groupBy: [c("project_id")])
        return [("project_timesheets", hours), ("project_milestones", milestones), ("project_change_orders", changes)]
    }

    /// The raw quantities the features and forecasts are made of, one row per project.
    var inputs: SQLSelect {
        let s = { Self.col("s", $0) }, h = { Self.col("pt", $0) }, m = { Self.col("pm", $0) }, c = { Self.col("pc", $0) }
        let zero = { (e: SQLExpression) in SQLExpression.function(.coalesce, [e, .double(0)]) }
        let startToD = SQLExpression.daysBetween(from: s("start_date"), to: Self.d)
        let window = SQLExpression.smaller(.larger(startToD, .integer(0)), .integer(EarnedValue.burnWindowDays))
        return SQLSelect([
            .init(s("project_id"), as: "project_id"), .init(s("account_id"), as: "account_id"), .init(s("type"), as: "type"),
            .init(s("start_date"), as: "start_date"), .init(s("planned_end_date"), as: "planned_end_date"),
            .init(s("budget_hours"), as: "budget"),
            .init(zero(h("hours")), as: "logged"),
            .init(.function(.coalesce, [h("rows"), .integer(0)]), as: "logged_rows"),
            .init(zero(h("hours_before_14")), as: "logged_before_14"),
            .init(window, as: "window_days"),
            .init(.when(window.greater(.integer(0)), then: zero(h("hours_before_window")), else: zero(h("hours"))), as: "logged_before"),
            // (D − start) / max(1, planned end − start).
            .init(startToD.asDouble / .larger(SQLExpression.daysBetween(from: s("start_date"), to: s("planned_end_date")), .integer(1)).asDouble,
                  as: "elapsed"),
            .init(zero(m("done")), as: "done"), .init(zero(m("due")), as: "due"), .init(zero(m("late")), as: "late"),
            .init(.function(.coalesce, [c("orders"), .integer(0)]), as: "orders"),
            .init(zero(c("hours")), as: "change_hours"),
            .init(c("last_date"), as: "last_change"),
            .init(s("seat_count"), as: "seat_count"),
        ], from: "scored_projects", as: "s", joins: [
            .init("project_timesheets", as: "pt", on: h("project_id").equals(s("project_id"))),
            .init("project_milestones", as: "pm", on: m("project_id").equals(s("project_id"))),
            .init("project_change_orders", as: "pc", on: c("project_id").equals(s("project_id"))),
        ])
    }

    /// The table: the forecast inputs, then the layout's features (`ProjectExtractor.write`).
    var features: SQLSelect {
        let s = { Self.col("s", $0) }
        let carried = ["project_id", "account_id", "start_date", "planned_end_date", "budget", "logged", "logged_before", "window_days", "elapsed"]
        var outputs: [SQLSelect.Output] = carried.map { .init(s($0), as: $0) }
        let budget = s("budget"), hours = s("logged"), elapsed = s("elapsed"), due = s("due")
        // The contract keeps budget_hours above 0 (at least 0.01): no division here needs a guard.
        let burned = hours / budget
        let spi = SQLExpression.when(due.greater(.double(0)), then: s("done") / due, else: .null(.double))
        let earned = budget * .smaller(.larger(elapsed, .double(0)), .double(1)) * spi
        let days = SQLExpression.daysBetween(from: s("start_date"), to: Self.d) + .integer(1)
        let recent = hours - s("logged_before_14")
        var values: [SQLExpression] = [
            .when(s("logged_rows").equals(.integer(0)), then: .double(1), else: .double(0)),
            elapsed,
            burned,
            .when(elapsed.greater(.double(0)), then: burned / elapsed, else: .null(.double)),
            .when(hours.greater(.double(0)), then: earned / hours, else: .null(.double)),
            spi,
            s("done"), due, s("late"),
            s("orders").asDouble,
            s("change_hours") / budget,
            .when(s("orders").greater(.integer(0)), then: SQLExpression.daysBetween(from: s("last_change"), to: Self.d).asDouble, else: .null(.double)),
            .when(hours.greater(.double(0)).and(days.greater(.integer(0))),
                  then: (recent / SQLExpression.smaller(.integer(14), days).asDouble) / (hours / days.asDouble), else: .null(.double)),
        ]
        for level in layout.projectTypeLevels { values.append(.when(s("type").equals(.text(level)), then: .double(1), else: .double(0))) }
        // The account's support load and satisfaction: the churn query's account features, by name.
        let support = churn.supportFeatures(), nps = churn.npsFeatures()
        let supportNames = FeatureCatalog.support.map(\.name), npsNames = FeatureCatalog.nps.map(\.name)
        values.append(support[supportNames.firstIndex(of: "tickets_per_seat_90d")!])
        values.append(support[supportNames.firstIndex(of: "open_tickets")!])
        values.append(nps[npsNames.firstIndex(of: "nps_mean_180d")!])
        values.append(nps[npsNames.firstIndex(of: "nps_missing")!])
        let names = layout.featureNames
        precondition(names.count == values.count, "\(names.count) feature names, \(values.count) SQL expressions")
        outputs += zip(values, names).map { .init($0, as: $1) }
        return SQLSelect(outputs, from: "project_inputs", as: "s", joins: [
            .init("ticket_totals", as: "tk", on: Self.col("tk", "account_id").equals(s("account_id"))),
            .init("tickets_present", as: "tp", on: .boolean(true)),
            .init("nps_totals", as: "nt", on: Self.col("nt", "account_id").equals(s("account_id"))),
        ])
    }
}
