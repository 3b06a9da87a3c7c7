import VitalsFoundation

/// The signal family a feature comes from; `features.families` in the training config
/// chooses among them.
public enum FeatureFamily: String, Sendable, CaseIterable, Codable {
    case account, usage, support, nps, delivery
    /// Project-level delivery features, for the overrun task.
    case project
    /// Markov-chain features (added by the Markov layer).
    case markov
}

/// One feature: a stable snake_case name that carries its window, the family, the
/// window in days (0 for point values), the direction it may move the risk as it grows
/// (which the fit enforces), and what it means.
public struct FeatureSpec: Sendable, Equatable, Codable {
    public let name: String
    public let family: FeatureFamily
    public let windowDays: Int
    public let direction: RiskDirection
    public let meaning: String

    public init(_ name: String, _ family: FeatureFamily, _ windowDays: Int, _ direction: RiskDirection, _ meaning: String) {
        self.name = name
        self.family = family
        self.windowDays = windowDays
        self.direction = direction
        self.meaning = meaning
    }
}

/// Every feature the extractors produce, in output order. One-hot features take their
/// level from the data (`segment=<value>`, `project_type=<value>`); the catalog lists
/// them as patterns.
public enum FeatureCatalog {
    public static let account: [FeatureSpec] = [
        .init("tenure_days", .account, 0, .either, "days since contract_start"),
        .init("days_to_renewal", .account, 0, .decreasing, "days to the next contract anniversary after the as-of date (annual terms)"),
        .init("log_arr", .account, 0, .either, "log(1 + ARR)"),
        .init("seats", .account, 0, .either, "licensed seats"),
        .init("segment=<value>", .account, 0, .either, "1 for the account's segment (one column per segment seen in training)"),
    ]

    public static let usage: [FeatureSpec] = [
        .init("usage_missing", .usage, 0, .increasing, "1 when the account has no usage row on or before the as-of date"),
        .init("active_user_ratio_7d", .usage, 7, .decreasing, "mean daily active users over the last 7 days, per seat"),
        .init("active_user_ratio_30d", .usage, 30, .decreasing, "mean daily active users over the last 30 days, per seat"),
        .init("active_user_ratio_90d", .usage, 90, .decreasing, "mean daily active users over the last 90 days, per seat"),
        .init("usage_trend_90d", .usage, 90, .decreasing, "slope of weekly active users over the last 13 weeks, per week, divided by their mean"),
        .init("active_users_30d_over_90d", .usage, 90, .decreasing, "mean daily active users over 30 days divided by that over 90 days"),
        .init("days_since_last_activity", .usage, 0, .increasing, "days since the last day with an active user"),
        .init("key_events_per_active_user_30d", .usage, 30, .decreasing, "key events per active user-day over the last 30 days"),
        .init("sessions_per_active_user_30d", .usage, 30, .decreasing, "sessions per active user-day over the last 30 days"),
        .init("workflow_completion_rate_90d", .usage, 90, .decreasing, "workflows completed / started over the last 90 days"),
        .init("workflow_abandonment_rate_90d", .usage, 90, .increasing, "1 − completion rate over the last 90 days"),
        .init("workflow_completion_change_90d", .usage, 90, .decreasing, "completion rate of the last 30 days minus that of the 60 days before"),
    ]

    public static let support: [FeatureSpec] = [
        .init("support_missing", .support, 0, .either, "1 when the signals have no tickets file"),
        .init("tickets_30d", .support, 30, .increasing, "tickets opened in the last 30 days"),
        .init("tickets_90d", .support, 90, .increasing, "tickets opened in the last 90 days"),
        .init("tickets_per_seat_30d", .support, 30, .increasing, "tickets opened in the last 30 days per seat"),
        .init("tickets_per_seat_90d", .support, 90, .increasing, "tickets opened in the last 90 days per seat"),
        .init("open_tickets", .support, 0, .increasing, "tickets open at the as-of date (opened, not yet closed)"),
        .init("oldest_open_ticket_days", .support, 0, .increasing, "age in days of the oldest open ticket (0 when none)"),
        .init("urgent_high_share_90d", .support, 90, .increasing, "share of the last 90 days' tickets with priority high or urgent"),
        .init("sla_breaches_90d", .support, 90, .increasing, "tickets opened in the last 90 days, closed by the as-of date, that breached their SLA"),
        .init("escalations_90d", .support, 90, .increasing, "tickets opened in the last 90 days, closed by the as-of date, that were escalated"),
        .init("csat_mean_180d", .support, 180, .decreasing, "mean CSAT (1–5) of tickets opened in the last 180 days"),
        .init("days_to_resolve_mean_90d", .support, 90, .increasing, "mean days from opened to closed of tickets closed in the last 90 days"),
    ]

    public static let nps: [FeatureSpec] = [
        .init("nps_missing", .nps, 0, .either, "1 when the account has no survey response on or before the as-of date"),
        .init("nps_last_score", .nps, 0, .decreasing, "the latest response's score (0–10)"),
        .init("nps_days_since_last", .nps, 0, .either, "days since the latest response"),
        .init("nps_mean_180d", .nps, 180, .decreasing, "mean score of the last 180 days' responses"),
        .init("nps_detractor_share_180d", .nps, 180, .increasing, "share of the last 180 days' responses scoring 0–6"),
        .init("nps_promoter_share_180d", .nps, 180, .decreasing, "share of the last 180 days' responses scoring 9–10"),
        .init("nps_responses_365d", .nps, 365, .either, "responses in the last 365 days"),
        .init("nps_change_last_two", .nps, 0, .decreasing, "latest score minus the one before it"),
    ]

    public static let delivery: [FeatureSpec] = [
        .init("delivery_missing", .delivery, 0, .either, "1 when the account has no project started on or before the as-of date"),
        .init("projects_in_flight", .delivery, 0, .either, "projects started and not yet ended"),
        .init("implementation_finished_late", .delivery, 0, .increasing, "1 when the latest finished project ended after its planned end plus the grace days"),
        .init("implementation_over_budget", .delivery, 0, .increasing, "1 when the latest finished project logged more than its budget × (1 + tolerance)"),
        .init("change_order_hours_ratio_all", .delivery, 0, .increasing, "change-order hours over budget hours, across the account's projects"),
    ]

    public static let project: [FeatureSpec] = [
        .init("timesheets_missing", .project, 0, .either, "1 when no hours are logged on the project on or before the as-of date"),
        .init("elapsed_share", .project, 0, .either, "days since start over planned duration"),
        .init("budget_burned_share", .project, 0, .increasing, "hours logged over budget hours"),
        .init("burn_rate", .project, 0, .increasing, "budget share burned over time share elapsed"),
        .init("cost_performance_index", .project, 0, .decreasing, "earned value over hours logged; EV = budget × time share elapsed × schedule performance"),
        .init("schedule_performance_index", .project, 0, .decreasing, "milestones due by the as-of date that are completed, over those due (EV / PV)"),
        .init("milestones_completed", .project, 0, .either, "milestones due by the as-of date and completed by it"),
        .init("milestones_due", .project, 0, .either, "milestones due by the as-of date"),
        .init("late_milestones", .project, 0, .increasing, "milestones past due and not completed by their due date"),
        .init("change_orders", .project, 0, .increasing, "change orders approved"),
        .init("change_order_hours_ratio", .project, 0, .increasing, "change-order hours over budget hours"),
        .init("days_since_last_change_order", .project, 0, .either, "days since the latest change order"),
        .init("hours_14d_vs_average", .project, 14, .increasing, "hours per day in the last 14 days over hours per day since start"),
        .init("project_type=<value>", .project, 0, .either, "1 for the project's type (one column per type seen in training)"),
        .init("account_tickets_per_seat_90d", .project, 90, .increasing, "the account's tickets per seat in the last 90 days"),
        .init("account_open_tickets", .project, 0, .increasing, "the account's open tickets"),
        .init("account_nps_mean_180d", .project, 180, .decreasing, "the account's mean NPS over the last 180 days"),
        .init("account_nps_missing", .project, 0, .either, "1 when the account has no survey response"),
    ]

    /// The Markov columns (added by the Markov layer; the churn horizon's months end the
    /// churn probability's name, e.g. `markov_churn_probability_3m`).
    public static let markov: [FeatureSpec] = [
        .init("markov_state=onboarding", .markov, 0, .either, "1 when the account is still onboarding at the as-of date"),
        .init("markov_state=at_least_<band>", .markov, 0, .increasing, "1 when the account's health band is this one or worse (one column per band after the best)"),
        .init("markov_churn_probability_<h>m", .markov, 0, .increasing, "the health chain's probability of churn within the horizon from the account's state"),
        .init("markov_expected_months_to_churn", .markov, 0, .decreasing, "the health chain's expected months to churn from the account's state"),
        .init("markov_phase=at_least_<phase>", .markov, 0, .increasing, "1 when the project's phase is this one or worse (watch, off_track)"),
        .init("markov_overrun_probability", .markov, 0, .increasing, "the phase chain's probability of ending over budget or late from the project's phase"),
        .init("markov_expected_weeks_to_delivery", .markov, 0, .increasing, "the phase chain's expected weeks to delivery from the project's phase"),
    ]

    /// The catalog for `vitals features --list`, in output order.
    public static var all: [FeatureSpec] { account + usage + support + nps + delivery + project + markov }

    /// The declared direction of a feature column by its name: a one-hot level (`name=value`)
    /// goes either way; a name the catalog lacks (a column of a newer version) too.
    public static func direction(of feature: String) -> RiskDirection {
        if feature.contains("=at_least_") { return .increasing }
        if feature.contains("=") { return .either }
        if feature.hasPrefix("markov_churn_probability_") { return .increasing }
        return directions[feature] ?? .either
    }

    private static let directions: [String: RiskDirection] = Dictionary(
        uniqueKeysWithValues: all.filter { !$0.name.contains("<") }.map { ($0.name, $0.direction) })
}

extension FeatureCatalog {
    /// docs/FEATURES.md's catalog table, generated from `all` (`make config-docs` writes it).
    public static var markdownTable: String {
        var out = "| name | family | window | risk as it grows | meaning |\n|---|---|---|---|---|\n"
        for spec in all {
            let window = spec.windowDays > 0 ? "\(spec.windowDays)d" : "—"
            out += "| `\(spec.name)` | \(spec.family.rawValue) | \(window) | \(spec.direction.rawValue) | \(spec.meaning) |\n"
        }
        return out
    }
}
