import VitalsFeatures
import VitalsFoundation

/// The churn features as of the scoring date, as common table expressions: one row per
/// account active on D (contract started on or before D, not churned by D), one column per
/// point-in-time feature of the layout, NULL where `vitals score` has NaN.
///
/// Each family mirrors its extractor in `FeatureExtractor.swift` rule for rule (windows,
/// the days a mean divides by, what makes a ratio missing); the comments name the rule. The
/// arithmetic is written in the extractors' order, so the doubles agree to the last bit
/// wherever a sum's order does not matter (sums of whole numbers) and to rounding elsewhere.
///
/// What SQL cannot see: whether a file or an optional column was absent from the export. An
/// empty table stands for an absent file, and a usage metric with no value in any row for an
/// absent column (`vitals score` reads an all-empty column as zeros).
struct ChurnFeatureQuery {
    let recipe: FeatureRecipe
    var layout: FeatureLayout { recipe.layout }

    /// D.
    static let d = SQLExpression.asOf
    /// D + n days.
    static func day(_ n: Int) -> SQLExpression { n == 0 ? d : .addDays(d, .integer(n)) }
    static func col(_ table: String, _ name: String) -> SQLExpression { .column(table, name) }

    /// The CTEs, in order; the last, `features`, holds `account_id`, the account columns the
    /// score file needs (`arr`) and every feature of the layout by name.
    func ctes() -> [(name: String, select: SQLSelect)] {
        var out: [(String, SQLSelect)] = [("scored_accounts", scoredAccounts)]
        let families = layout.families
        if families.contains(.usage) { out += usageCTEs }
        if families.contains(.support) { out += supportCTEs }
        if families.contains(.nps) { out += npsCTEs }
        if families.contains(.delivery) { out += deliveryCTEs }
        out.append(("features", features))
        return out
    }

    /// The accounts scored on D, with seats as a positive double or NULL (`SignalsIndex.seats`).
    var scoredAccounts: SQLSelect {
        let a = { Self.col("a", $0) }
        return SQLSelect([
            .init(a("account_id"), as: "account_id"),
            .init(a("contract_start"), as: "contract_start"),
            .init(a("renewal_date"), as: "renewal_date"),
            .init(a("arr"), as: "arr"),
            .init(a("seats").asDouble, as: "seats"),
            .init(.when(a("seats").greater(.integer(0)), then: a("seats").asDouble, else: .null(.double)), as: "seat_count"),
            .init(a("segment"), as: "segment"),
            // Days to the next contract anniversary (the churn curve's "by renewal" column).
            .init(SQLExpression.daysBetween(from: Self.d, to: RenewalDate.next(anchor: .function(.coalesce, [a("renewal_date"), a("contract_start")]),
                                                                             after: Self.d)), as: "renewal_days"),
        ], from: "accounts", as: "a",
        where: a("contract_start").lessOrEqual(Self.d).and(a("churn_date").isNull.or(a("churn_date").greater(Self.d))))
    }

    // MARK: usage

    /// The usage metrics, in `UsageSeries.Metric` order.
    static let metrics = ["active_users", "sessions", "key_events", "workflows_started", "workflows_completed"]

    var usageCTEs: [(String, SQLSelect)] {
        // Whether each metric column is in the export at all: a column of NULLs stands for one
        // that is not (`UsageSeries.daily[m]` nil).
        let present = SQLSelect(Self.metrics.map { .init(.aggregate(.count, .column($0)), as: "has_" + $0) }, from: "usage")
        // One row per account and day on or before D, several rows of a day added up, a missing field 0.
        let u = { Self.col("u", $0) }
        let days = SQLSelect([.init(u("account_id"), as: "account_id"), .init(u("date"), as: "date")]
                             + Self.metrics.map { .init(.aggregate(.sum, .function(.coalesce, [u($0), .integer(0)])), as: $0) },
                             from: "usage", as: "u", where: u("date").lessOrEqual(Self.d), groupBy: [u("account_id"), u("date")])
        // Per account: the totals each feature reads (windows ending on D or on a week's end).
        let k = { Self.col("k", $0) }, s = { Self.col("s", $0) }
        func total(_ metric: String, from: SQLExpression, through: SQLExpression) -> SQLExpression {
            .function(.coalesce, [.aggregate(.sum, .when(k("date").greaterOrEqual(from).and(k("date").lessOrEqual(through)),
                                                     then: k(metric), else: .null(.integer))), .integer(0)])
        }
        var outputs: [SQLSelect.Output] = [
            .init(k("account_id"), as: "account_id"),
            // The latest day with an active user (any day without an active_users column).
            .init(.aggregate(.max, .when(k("active_users").greater(.integer(0)), then: k("date"), else: .null(.date))), as: "last_active_day"),
            .init(.aggregate(.max, k("date")), as: "last_usage_day"),
        ]
        let start = s("contract_start")
        // Mean daily active users over the last w days since the contract start: the window's
        // total over its days (`meanActive`).
        for w in [7, 30, 90] {
            outputs.append(.init(total("active_users", from: .larger(Self.day(1 - w), start), through: Self.d), as: "active_\(w)d"))
        }
        for week in 0..<13 {
            let end = Self.day(-7 * (12 - week))
            outputs.append(.init(total("active_users", from: .larger(.addDays(end, .integer(-6)), start), through: end), as: "active_week_\(week)"))
        }
        for metric in Self.metrics {
            outputs.append(.init(total(metric, from: Self.day(-29), through: Self.d), as: metric + "_last30"))
        }
        for metric in ["workflows_started", "workflows_completed"] {
            outputs.append(.init(total(metric, from: Self.day(-89), through: Self.d), as: metric + "_last90"))
            outputs.append(.init(total(metric, from: Self.day(-89), through: Self.day(-30)), as: metric + "_days30to89"))
        }
        let totals = SQLSelect(outputs, from: "usage_days", as: "k",
                               joins: [.init("scored_accounts", as: "s", on: s("account_id").equals(k("account_id")))],
                               where: s("account_id").isNotNull, groupBy: [k("account_id"), s("contract_start")])
        return [("usage_present", present), ("usage_days", days), ("usage_totals", totals)]
    }

    /// The usage family's features over `usage_totals` (alias `t`), `usage_present` (`p`) and
    /// the scored account (`s`), in `FeatureCatalog.usage` order.
    func usageFeatures() -> [SQLExpression] {
        let t = { Self.col("t", $0) }, p = { Self.col("p", $0) }, s = { Self.col("s", $0) }
        let has = { (metric: String) in p("has_" + metric).greater(.integer(0)) }
        let missing = t("account_id").isNull  // no usage row on or before D
        let start = s("contract_start")
        // The window's days since the contract start: D − max(D − w + 1, start) + 1.
        func mean(_ total: SQLExpression, days w: Int, end: SQLExpression = Self.d) -> SQLExpression {
            let from = SQLExpression.larger(.addDays(end, .integer(1 - w)), start)
            let days = SQLExpression.daysBetween(from: from, to: end) + .integer(1)
            return .when(has("active_users").and(from.lessOrEqual(end)), then: total.asDouble / days.asDouble, else: .null(.double))
        }
        let seat = s("seat_count")
        func perSeat(_ value: SQLExpression) -> SQLExpression { .when(seat.isNull, then: .null(.double), else: value / seat) }
        var out: [SQLExpression] = [.when(missing, then: .double(1), else: .double(0))]
        for w in [7, 30, 90] { out.append(perSeat(mean(t("active_\(w)d"), days: w))) }
        out.append(trend())
        let m30 = mean(t("active_30d"), days: 30), m90 = mean(t("active_90d"), days: 90)
        out.append(.when(m90.greater(.double(0)), then: m30 / m90, else: .null(.double)))
        let last = SQLExpression.when(has("active_users"), then: t("last_active_day"), else: t("last_usage_day"))
        out.append(.when(last.isNull, then: .null(.double), else: SQLExpression.daysBetween(from: last, to: Self.d).asDouble))
        let activeDays = SQLExpression.when(has("active_users"), then: t("active_users_last30").asDouble, else: .null(.double))
        for metric in ["key_events", "sessions"] {
            out.append(.when(activeDays.greater(.double(0)).and(has(metric)), then: t(metric + "_last30").asDouble / activeDays, else: .null(.double)))
        }
        // min(1, completed / started), NaN without starts or without either column (`completion`).
        func completion(_ window: String) -> SQLExpression {
            let started = t("workflows_started_" + window).asDouble, completed = t("workflows_completed_" + window).asDouble
            return .when(has("workflows_started").and(has("workflows_completed")).and(started.greater(.double(0))),
                         then: .smaller(.double(1), completed / started), else: .null(.double))
        }
        let rate90 = completion("last90")
        out.append(rate90)
        out.append(.when(rate90.isNull, then: .null(.double), else: .double(1) - rate90))
        let recent = SQLExpression.when(has("workflows_started").and(has("workflows_completed"))
                                            .and(t("workflows_started_last30").greater(.integer(0))),
                                        then: .smaller(.double(1), t("workflows_completed_last30").asDouble / t("workflows_started_last30").asDouble),
                                        else: .null(.double))
        let before = completion("days30to89")
        out.append(.when(recent.isNull.or(before.isNull), then: .null(.double), else: recent - before))
        // Without a usage row on or before D the family is missing: its indicator 1, the rest NULL.
        return [out[0]] + out.dropFirst().map { .when(missing, then: .null(.double), else: $0) }
    }

    /// usage_trend_90d: the least-squares slope of the weekly means over the week index,
    /// divided by their mean, over the trailing run of weeks that lie wholly after the contract
    /// start (at least 4 of the 13), summed in the extractor's order.
    private func trend() -> SQLExpression {
        let t = { Self.col("t", $0) }, s = { Self.col("s", $0) }, p = { Self.col("p", $0) }
        let start = s("contract_start")
        // Week w (0 … 12) ends on D − 7 (12 − w) and counts when its first day is on or after the start.
        func weekCounts(_ w: Int) -> SQLExpression { Self.day(-7 * (12 - w) - 6).greaterOrEqual(start) }
        func weekMean(_ w: Int) -> SQLExpression { t("active_week_\(w)").asDouble / .double(7) }
        var whens: [SQLWhen] = []
        for first in 0...9 {
            // Weeks first…12 count and week first − 1 does not: n = 13 − first values.
            let condition = first == 0 ? weekCounts(0) : weekCounts(first).and(.not(weekCounts(first - 1)))
            let n = Double(13 - first), xMean = (n - 1) / 2
            let ys = (first...12).map(weekMean)
            var sum: SQLExpression = .double(0)
            for y in ys { sum = sum + y }
            let yMean = sum / .double(n)
            var sxy: SQLExpression = .double(0)
            var sxx = 0.0
            for (x, y) in ys.enumerated() {
                sxy = sxy + .double(Double(x) - xMean) * (y - yMean)
                sxx += (Double(x) - xMean) * (Double(x) - xMean)
            }
            whens.append(SQLWhen(condition, .when(yMean.greater(.double(0)), then: sxy / .double(sxx) / yMean, else: .double(0))))
        }
        return .when(p("has_active_users").greater(.integer(0)), then: .cases(whens, otherwise: .null(.double)), else: .null(.double))
    }

    // MARK: support

    var supportCTEs: [(String, SQLSelect)] {
        let k = { Self.col("k", $0) }
        let age = SQLExpression.daysBetween(from: k("opened_at"), to: Self.d)
        let closedByThen = k("closed_at").isNotNull.and(k("closed_at").lessOrEqual(Self.d))
        let within = { (days: Int) in age.less(.integer(days)) }
        // Enumerations match in any case (the contract); an empty priority is `normal`.
        let urgent = k("priority").normalized.equals(.text("high")).or(k("priority").normalized.equals(.text("urgent")))
        let totals = SQLSelect([
            .init(k("account_id"), as: "account_id"),
            .init(.count(where: within(30)), as: "opened_30"),
            .init(.count(where: within(90)), as: "opened_90"),
            .init(.count(where: within(90).and(urgent)), as: "urgent_90"),
            // Only a ticket closed by D is known to have breached or escalated by D.
            .init(.count(where: within(90).and(closedByThen).and(k("sla_breached").equals(.boolean(true)))), as: "sla_90"),
            .init(.count(where: within(90).and(closedByThen).and(k("escalated").equals(.boolean(true)))), as: "escalated_90"),
            .init(.count(where: .not(closedByThen)), as: "open_now"),
            .init(.function(.coalesce, [.aggregate(.max, .when(.not(closedByThen), then: age, else: .null(.integer))), .integer(0)]), as: "oldest_open"),
            .init(.sum(.daysBetween(from: k("opened_at"), to: k("closed_at")).asDouble,
                       where: closedByThen.and(SQLExpression.daysBetween(from: k("closed_at"), to: Self.d).less(.integer(90)))), as: "resolve_sum"),
            .init(.count(where: closedByThen.and(SQLExpression.daysBetween(from: k("closed_at"), to: Self.d).less(.integer(90)))), as: "resolve_count"),
            // CSAT is left when the ticket closes: only ratings of tickets closed by D count.
            .init(.sum(k("csat").asDouble, where: within(180).and(closedByThen).and(k("csat").isNotNull)), as: "csat_sum"),
            .init(.count(where: within(180).and(closedByThen).and(k("csat").isNotNull)), as: "csat_count"),
        ], from: "tickets", as: "k", where: k("opened_at").lessOrEqual(Self.d), groupBy: [k("account_id")])
        let present = SQLSelect([.init(.countRows, as: "rows")], from: "tickets")
        return [("tickets_present", present), ("ticket_totals", totals)]
    }

    func supportFeatures() -> [SQLExpression] {
        let t = { Self.col("tk", $0) }, s = { Self.col("s", $0) }
        let absent = Self.col("tp", "rows").equals(.integer(0))
        // An account without tickets on or before D has zeros (the file is there).
        let n = { (c: String) in SQLExpression.function(.coalesce, [t(c), .double(0)]) }
        let seat = s("seat_count")
        let values: [SQLExpression] = [
            .double(0), n("opened_30"), n("opened_90"),
            .when(seat.isNull, then: .null(.double), else: n("opened_30") / seat),
            .when(seat.isNull, then: .null(.double), else: n("opened_90") / seat),
            n("open_now"), .function(.coalesce, [t("oldest_open").asDouble, .double(0)]),
            .when(n("opened_90").greater(.double(0)), then: n("urgent_90") / n("opened_90"), else: .double(0)),
            n("sla_90"), n("escalated_90"),
            .when(n("csat_count").greater(.double(0)), then: t("csat_sum") / n("csat_count"), else: .null(.double)),
            .when(n("resolve_count").greater(.double(0)), then: t("resolve_sum") / n("resolve_count"), else: .null(.double)),
        ]
        return values.enumerated().map { k, v in .when(absent, then: k == 0 ? .double(1) : .null(.double), else: v) }
    }

    // MARK: NPS

    var npsCTEs: [(String, SQLSelect)] {
        let n = { Self.col("n", $0) }
        // Responses on or before D, latest first; of one day's, the lower score, then the lower
        // respondent, counts as the later (`SignalsIndex`'s order).
        let ranked = SQLSelect([
            .init(n("account_id"), as: "account_id"), .init(n("date"), as: "date"), .init(n("score"), as: "score"),
            .init(.rowNumber(partitionBy: [n("account_id")], orderBy: [
                SQLOrdering(n("date"), descending: true), SQLOrdering(n("score")),
                SQLOrdering(.function(.coalesce, [n("respondent"), .text("")]), text: true),
            ]), as: "recency"),
        ], from: "nps", as: "n", where: n("date").lessOrEqual(Self.d))
        let r = { Self.col("r", $0) }
        let age = SQLExpression.daysBetween(from: r("date"), to: Self.d)
        let recent = age.less(.integer(180))
        let totals = SQLSelect([
            .init(r("account_id"), as: "account_id"),
            .init(.aggregate(.max, .when(r("recency").equals(.integer(1)), then: r("score").asDouble, else: .null(.double))), as: "last_score"),
            .init(.aggregate(.max, .when(r("recency").equals(.integer(1)), then: r("date"), else: .null(.date))), as: "last_date"),
            .init(.aggregate(.max, .when(r("recency").equals(.integer(2)), then: r("score").asDouble, else: .null(.double))), as: "previous_score"),
            .init(.countRows, as: "responses"),
            .init(.count(where: age.less(.integer(365))), as: "year_count"),
            .init(.function(.coalesce, [.sum(r("score").asDouble, where: recent), .double(0)]), as: "recent_sum"),
            .init(.count(where: recent), as: "recent_count"),
            .init(.count(where: recent.and(r("score").lessOrEqual(.integer(6)))), as: "detractors"),
            .init(.count(where: recent.and(r("score").greaterOrEqual(.integer(9)))), as: "promoters"),
        ], from: "nps_ranked", as: "r", groupBy: [r("account_id")])
        return [("nps_ranked", ranked), ("nps_totals", totals)]
    }

    func npsFeatures() -> [SQLExpression] {
        let t = { Self.col("nt", $0) }
        let missing = t("account_id").isNull
        let count = t("recent_count")
        let values: [SQLExpression] = [
            .double(0), t("last_score"), SQLExpression.daysBetween(from: t("last_date"), to: Self.d).asDouble,
            .when(count.greater(.double(0)), then: t("recent_sum") / count, else: .null(.double)),
            .when(count.greater(.double(0)), then: t("detractors") / count, else: .null(.double)),
            .when(count.greater(.double(0)), then: t("promoters") / count, else: .null(.double)),
            t("year_count"),
            .when(t("responses").greaterOrEqual(.integer(2)), then: t("last_score") - t("previous_score"), else: .null(.double)),
        ]
        return values.enumerated().map { k, v in .when(missing, then: k == 0 ? .double(1) : .null(.double), else: v) }
    }

    // MARK: delivery (account level)

    var deliveryCTEs: [(String, SQLSelect)] {
        let h = { Self.col("h", $0) }, c = { Self.col("c", $0) }, p = { Self.col("p", $0) }
        let hours = SQLSelect([.init(h("project_id"), as: "project_id"), .init(.aggregate(.sum, h("hours")), as: "hours")],
                              from: "timesheets", as: "h", where: h("date").lessOrEqual(Self.d), groupBy: [h("project_id")])
        let changes = SQLSelect([.init(c("project_id"), as: "project_id"), .init(.aggregate(.sum, c("hours_added")), as: "hours")],
                                from: "change_orders", as: "c", where: c("date").lessOrEqual(Self.d), groupBy: [c("project_id")])
        // A project ended on or before D that was not cancelled: a finished one.
        let finished = p("actual_end_date").isNotNull.and(p("actual_end_date").lessOrEqual(Self.d))
            .and(p("status").isNull.or(.not(p("status").normalized.equals(.text("cancelled")))))
        let projects = SQLSelect([
            .init(p("account_id"), as: "account_id"),
            .init(p("budget_hours"), as: "budget_hours"),
            .init(.when(p("actual_end_date").isNull.or(p("actual_end_date").greater(Self.d)), then: .double(1), else: .double(0)), as: "in_flight"),
            .init(.when(finished, then: .double(1), else: .double(0)), as: "finished"),
            // Ended after its planned end plus the grace days; logged more than its budget × (1 + tolerance).
            .init(.when(SQLExpression.daysBetween(from: p("planned_end_date"), to: p("actual_end_date")).greater(.integer(recipe.graceDays)),
                        then: .double(1), else: .double(0)), as: "late"),
            .init(.when(.function(.coalesce, [Self.col("ph", "hours"), .double(0)])
                            .greater(p("budget_hours") * .double(1 + recipe.tolerance)), then: .double(1), else: .double(0)), as: "over"),
            .init(.function(.coalesce, [Self.col("pc", "hours"), .double(0)]), as: "change_hours"),
            // The latest finished project: the latest end, then the latest start, then the greatest id.
            .init(.rowNumber(partitionBy: [p("account_id")], orderBy: [
                SQLOrdering(.when(finished, then: .integer(0), else: .integer(1))),
                SQLOrdering(p("actual_end_date"), descending: true), SQLOrdering(p("start_date"), descending: true),
                SQLOrdering(p("project_id"), descending: true, text: true),
            ]), as: "latest"),
        ], from: "projects", as: "p", joins: [
            .init("project_hours", as: "ph", on: Self.col("ph", "project_id").equals(p("project_id"))),
            .init("project_changes", as: "pc", on: Self.col("pc", "project_id").equals(p("project_id"))),
        ], where: p("start_date").lessOrEqual(Self.d))
        let a = { Self.col("ap", $0) }
        let totals = SQLSelect([
            .init(a("account_id"), as: "account_id"),
            .init(.aggregate(.sum, a("in_flight")), as: "in_flight"),
            .init(.aggregate(.sum, a("budget_hours")), as: "budget"),
            .init(.aggregate(.sum, a("change_hours")), as: "change_hours"),
            .init(.aggregate(.max, .when(a("latest").equals(.integer(1)).and(a("finished").equals(.double(1))), then: a("late"), else: .null(.double))), as: "late"),
            .init(.aggregate(.max, .when(a("latest").equals(.integer(1)).and(a("finished").equals(.double(1))), then: a("over"), else: .null(.double))), as: "over"),
        ], from: "account_projects", as: "ap", groupBy: [a("account_id")])
        return [("project_hours", hours), ("project_changes", changes), ("account_projects", projects), ("delivery_totals", totals)]
    }

    func deliveryFeatures() -> [SQLExpression] {
        let t = { Self.col("dt", $0) }
        let missing = t("account_id").isNull
        let values: [SQLExpression] = [
            .double(0), t("in_flight"), t("late"), t("over"),
            .when(t("budget").greater(.double(0)), then: t("change_hours") / t("budget"), else: .null(.double)),
        ]
        return values.enumerated().map { k, v in .when(missing, then: k == 0 ? .double(1) : .null(.double), else: v) }
    }

    // MARK: the table

    var features: SQLSelect {
        let s = { Self.col("s", $0) }
        var outputs: [SQLSelect.Output] = [.init(s("account_id"), as: "account_id"), .init(s("arr"), as: "arr"),
                                           .init(s("renewal_days"), as: "renewal_days")]
        var joins: [SQLSelect.Join] = []
        var values: [SQLExpression] = []
        for family in layout.families {
            switch family {
            case .account: values += accountFeatures()
            case .usage:
                joins += [.init("usage_totals", as: "t", on: Self.col("t", "account_id").equals(s("account_id"))),
                          .init("usage_present", as: "p", on: .boolean(true))]
                values += usageFeatures()
            case .support:
                joins += [.init("ticket_totals", as: "tk", on: Self.col("tk", "account_id").equals(s("account_id"))),
                          .init("tickets_present", as: "tp", on: .boolean(true))]
                values += supportFeatures()
            case .nps:
                joins.append(.init("nps_totals", as: "nt", on: Self.col("nt", "account_id").equals(s("account_id"))))
                values += npsFeatures()
            case .delivery:
                joins.append(.init("delivery_totals", as: "dt", on: Self.col("dt", "account_id").equals(s("account_id"))))
                values += deliveryFeatures()
            case .project, .markov: break
            }
        }
        let names = layout.featureNames
        precondition(names.count == values.count, "\(names.count) feature names, \(values.count) SQL expressions")
        outputs += zip(values, names).map { .init($0, as: $1) }
        return SQLSelect(outputs, from: "scored_accounts", as: "s", joins: joins)
    }

    /// Tenure, days to the next renewal, log(1 + ARR), seats and the segment's indicators.
    func accountFeatures() -> [SQLExpression] {
        let s = { Self.col("s", $0) }
        var out: [SQLExpression] = [
            SQLExpression.daysBetween(from: s("contract_start"), to: Self.d).asDouble,
            SQLExpression.daysBetween(from: Self.d, to: RenewalDate.next(anchor: .function(.coalesce, [s("renewal_date"), s("contract_start")]),
                                                                       after: Self.d)).asDouble,
            .when(s("arr").isNull, then: .null(.double), else: .log1p(s("arr"))),
            s("seats"),
        ]
        for level in layout.segmentLevels { out.append(.when(s("segment").equals(.text(level)), then: .double(1), else: .double(0))) }
        return out
    }
}
