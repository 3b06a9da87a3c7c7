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
/// window in days (0 for point values), and what it means.
public struct FeatureSpec: Sendable, Equatable, Codable {
    public let name: String
    public let family: FeatureFamily
    public let windowDays: Int
    public let meaning: String

    public init(_ name: String, _ family: FeatureFamily, _ windowDays: Int, _ meaning: String) {
        self.name = name
        self.family = family
        self.windowDays = windowDays
        self.meaning = meaning
    }
}

/// Every feature the extractors produce, in output order. One-hot features take their
/// level from the data (`segment=<value>`, `project_type=<value>`); the catalog lists
/// them as patterns.
public enum FeatureCatalog {
    public static let account: [FeatureSpec] = [
        .init("tenure_days", .account, 0, "days since contract_start"),
        .init("days_to_renewal", .account, 0, "days to the next contract anniversary after the as-of date (annual terms)"),
        .init("log_arr", .account, 0, "log(1 + ARR)"),
        .init("seats", .account, 0, "licensed seats"),
        .init("segment=<value>", .account, 0, "1 for the account's segment (one column per segment seen in training)"),
    ]

    public static let usage: [FeatureSpec] = [
        .init("usage_missing", .usage, 0, "1 when the account has no usage row on or before the as-of date"),
        .init("active_user_ratio_7d", .usage, 7, "mean daily active users over the last 7 days, per seat"),
        .init("active_user_ratio_30d", .usage, 30, "mean daily active users over the last 30 days, per seat"),
        .init("active_user_ratio_90d", .usage, 90, "mean daily active users over the last 90 days, per seat"),
        .init("usage_trend_90d", .usage, 90, "slope of weekly active users over the last 13 weeks, per week, divided by their mean"),
        .init("active_users_30d_over_90d", .usage, 90, "mean daily active users over 30 days divided by that over 90 days"),
        .init("days_since_last_activity", .usage, 0, "days since the last day with an active user"),
        .init("key_events_per_active_user_30d", .usage, 30, "key events per active user-day over the last 30 days"),
        .init("sessions_per_active_user_30d", .usage, 30, "sessions per active user-day over the last 30 days"),
        .init("workflow_completion_rate_90d", .usage, 90, "workflows completed / started over the last 90 days"),
        .init("workflow_abandonment_rate_90d", .usage, 90, "1 − completion rate over the last 90 days"),
        .init("workflow_completion_change_90d", .usage, 90, "completion rate of the last 30 days minus that of the 60 days before"),
    ]

    public static let support: [FeatureSpec] = [
        .init("support_missing", .support, 0, "1 when the signals have no tickets file"),
        .init("tickets_30d", .support, 30, "tickets opened in the last 30 days"),
        .init("tickets_90d", .support, 90, "tickets opened in the last 90 days"),
        .init("tickets_per_seat_30d", .support, 30, "tickets opened in the last 30 days per seat"),
        .init("tickets_per_seat_90d", .support, 90, "tickets opened in the last 90 days per seat"),
        .init("open_tickets", .support, 0, "tickets open at the as-of date (opened, not yet closed)"),
        .init("oldest_open_ticket_days", .support, 0, "age in days of the oldest open ticket (0 when none)"),
        .init("urgent_high_share_90d", .support, 90, "share of the last 90 days' tickets with priority high or urgent"),
        .init("sla_breaches_90d", .support, 90, "tickets opened in the last 90 days, closed by the as-of date, that breached their SLA"),
        .init("escalations_90d", .support, 90, "tickets opened in the last 90 days, closed by the as-of date, that were escalated"),
        .init("csat_mean_180d", .support, 180, "mean CSAT (1–5) of tickets opened in the last 180 days"),
        .init("days_to_resolve_mean_90d", .support, 90, "mean days from opened to closed of tickets closed in the last 90 days"),
    ]

    public static let nps: [FeatureSpec] = [
        .init("nps_missing", .nps, 0, "1 when the account has no survey response on or before the as-of date"),
        .init("nps_last_score", .nps, 0, "the latest response's score (0–10)"),
        .init("nps_days_since_last", .nps, 0, "days since the latest response"),
        .init("nps_mean_180d", .nps, 180, "mean score of the last 180 days' responses"),
        .init("nps_detractor_share_180d", .nps, 180, "share of the last 180 days' responses scoring 0–6"),
        .init("nps_promoter_share_180d", .nps, 180, "share of the last 180 days' responses scoring 9–10"),
        .init("nps_responses_365d", .nps, 365, "responses in the last 365 days"),
        .init("nps_change_last_two", .nps, 0, "latest score minus the one before it"),
    ]

    public static let delivery: [FeatureSpec] = [
        .init("delivery_missing", .delivery, 0, "1 when the account has no project started on or before the as-of date"),
        .init("projects_in_flight", .delivery, 0, "projects started and not yet ended"),
        .init("implementation_finished_late", .delivery, 0, "1 when the latest finished project ended after its planned end plus the grace days"),
        .init("implementation_over_budget", .delivery, 0, "1 when the latest finished project logged more than its budget × (1 + tolerance)"),
        .init("change_order_hours_ratio_all", .delivery, 0, "change-order hours over budget hours, across the account's projects"),
    ]

    public static let project: [FeatureSpec] = [
        .init("timesheets_missing", .project, 0, "1 when no hours are logged on the project on or before the as-of date"),
        .init("elapsed_share", .project, 0, "days since start over planned duration"),
        .init("budget_burned_share", .project, 0, "hours logged over budget hours"),
        .init("burn_rate", .project, 0, "budget share burned over time share elapsed"),
        .init("cost_performance_index", .project, 0, "earned value over hours logged; EV = budget × time share elapsed × schedule performance"),
        .init("schedule_performance_index", .project, 0, "milestones due by the as-of date that are completed, over those due (EV / PV)"),
        .init("milestones_completed", .project, 0, "milestones due by the as-of date and completed by it"),
        .init("milestones_due", .project, 0, "milestones due by the as-of date"),
        .init("late_milestones", .project, 0, "milestones past due and not completed by their due date"),
        .init("change_orders", .project, 0, "change orders approved"),
        .init("change_order_hours_ratio", .project, 0, "change-order hours over budget hours"),
        .init("days_since_last_change_order", .project, 0, "days since the latest change order"),
        .init("hours_14d_vs_average", .project, 14, "hours per day in the last 14 days over hours per day since start"),
        .init("project_type=<value>", .project, 0, "1 for the project's type (one column per type seen in training)"),
        .init("account_tickets_per_seat_90d", .project, 90, "the account's tickets per seat in the last 90 days"),
        .init("account_open_tickets", .project, 0, "the account's open tickets"),
        .init("account_nps_mean_180d", .project, 180, "the account's mean NPS over the last 180 days"),
        .init("account_nps_missing", .project, 0, "1 when the account has no survey response"),
    ]

    /// The catalog for `vitals features --list`, in output order.
    public static var all: [FeatureSpec] { account + usage + support + nps + delivery + project }
}
