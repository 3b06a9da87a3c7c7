import VitalsFeatures

/// A feature's name in plain words for `explain` ("30-day active seats" for
/// `active_user_ratio_30d`): one label per catalog feature (`FeatureCatalog`), a one-hot
/// level as its family's label and the level, an interaction as its two labels. A column the
/// catalog lacks (a newer version's) keeps its name.
public enum FeatureLabel {
    /// The label of a feature column or an interaction (`a × b`).
    public static func of(_ feature: String) -> String {
        let parts = feature.components(separatedBy: " × ")
        if parts.count > 1 { return parts.map(of).joined(separator: " × ") }
        if let label = labels[feature] { return label }
        if feature.hasPrefix("markov_churn_probability_"), let months = feature.split(separator: "_").last?.dropLast() {
            return "health chain: churn chance within \(months) months"
        }
        if let equals = feature.firstIndex(of: "=") {
            let family = String(feature[..<equals]), level = String(feature[feature.index(after: equals)...])
            switch family {
            case "segment": return "segment: \(level)"
            case "project_type": return "project type: \(level)"
            case "markov_state" where level.hasPrefix("at_least_"):
                return "health state \(level.dropFirst("at_least_".count).replacingOccurrences(of: "_", with: "-")) or worse"
            case "markov_state": return "health state: \(level.replacingOccurrences(of: "_", with: "-"))"
            case "markov_phase" where level.hasPrefix("at_least_"):
                return "delivery phase \(level.dropFirst("at_least_".count).replacingOccurrences(of: "_", with: "-")) or worse"
            default: return feature
            }
        }
        return feature
    }

    /// The catalog's names (patterns such as `segment=<value>` included) and their labels.
    /// `FeatureLabelTests` checks that every catalog feature has one.
    static let labels: [String: String] = [
        // account
        "tenure_days": "days as a customer",
        "days_to_renewal": "days to renewal",
        "log_arr": "ARR (log)",
        "seats": "licensed seats",
        "segment=<value>": "segment",
        // usage
        "usage_missing": "no product usage recorded",
        "active_user_ratio_7d": "7-day active seats",
        "active_user_ratio_30d": "30-day active seats",
        "active_user_ratio_90d": "90-day active seats",
        "usage_trend_90d": "usage trend, last 90 days",
        "active_users_30d_over_90d": "active users, 30 days vs 90",
        "days_since_last_activity": "days since anyone was active",
        "key_events_per_active_user_30d": "key events per active user-day",
        "sessions_per_active_user_30d": "sessions per active user-day",
        "workflow_completion_rate_90d": "workflows completed, 90 days",
        "workflow_abandonment_rate_90d": "workflows abandoned, 90 days",
        "workflow_completion_change_90d": "workflow completion change",
        // support
        "support_missing": "no support data",
        "tickets_30d": "tickets, last 30 days",
        "tickets_90d": "tickets, last 90 days",
        "tickets_per_seat_30d": "tickets per seat, 30 days",
        "tickets_per_seat_90d": "tickets per seat, 90 days",
        "open_tickets": "open tickets",
        "oldest_open_ticket_days": "oldest open ticket (days)",
        "urgent_high_share_90d": "urgent or high tickets, share",
        "sla_breaches_90d": "SLA breaches, 90 days",
        "escalations_90d": "escalations, 90 days",
        "csat_mean_180d": "CSAT, 180-day mean",
        "days_to_resolve_mean_90d": "days to resolve a ticket",
        // NPS
        "nps_missing": "no NPS response",
        "nps_last_score": "latest NPS score",
        "nps_days_since_last": "days since the last NPS",
        "nps_mean_180d": "NPS, 180-day mean",
        "nps_detractor_share_180d": "NPS detractors, share",
        "nps_promoter_share_180d": "NPS promoters, share",
        "nps_responses_365d": "NPS responses in a year",
        "nps_change_last_two": "NPS change, last two",
        // delivery
        "delivery_missing": "no implementation project",
        "projects_in_flight": "projects in flight",
        "implementation_finished_late": "last implementation late",
        "implementation_over_budget": "last implementation over budget",
        "change_order_hours_ratio_all": "change-order hours, all projects",
        // project
        "timesheets_missing": "no hours logged yet",
        "elapsed_share": "schedule elapsed",
        "budget_burned_share": "budget burned",
        "burn_rate": "burn rate vs schedule",
        "cost_performance_index": "cost performance (CPI)",
        "schedule_performance_index": "schedule performance (SPI)",
        "milestones_completed": "milestones done",
        "milestones_due": "milestones due",
        "late_milestones": "late milestones",
        "change_orders": "change orders",
        "change_order_hours_ratio": "change-order hours vs budget",
        "days_since_last_change_order": "days since a change order",
        "hours_14d_vs_average": "pace, last 14 days vs average",
        "project_type=<value>": "project type",
        "account_tickets_per_seat_90d": "account tickets per seat, 90 days",
        "account_open_tickets": "account open tickets",
        "account_nps_mean_180d": "account NPS, 180-day mean",
        "account_nps_missing": "no NPS from the account",
        // Markov
        "markov_state=onboarding": "still onboarding",
        "markov_state=at_least_<band>": "health state or worse",
        "markov_churn_probability_<h>m": "health chain: churn chance",
        "markov_expected_months_to_churn": "health chain: months to churn",
        "markov_phase=at_least_<phase>": "delivery phase or worse",
        "markov_overrun_probability": "phase chain: overrun chance",
        "markov_expected_weeks_to_delivery": "phase chain: weeks to delivery",
        // Not a feature: a churn curve's period term (`PeriodTerms.renewalName`), in the change's split.
        "renewal_in_period": "renewal in the coming month",
    ]
}

/// `vitals features --list`: the catalog within `width` columns. Each feature's name, family,
/// window and direction on one line, and its meaning beside them when the whole line fits,
/// else wrapped below, indented.
public enum FeatureCatalogListing {
    public static func text(width: Int = 80) -> String {
        let nameWidth = FeatureCatalog.all.map(\.name.count).max()! + 2
        func line(_ spec: FeatureSpec) -> String {
            let window = spec.windowDays > 0 ? "\(spec.windowDays)d" : "—"
            return cell(spec.name, nameWidth) + cell(spec.family.rawValue, 10) + cell(window, 6) + cell(spec.direction.rawValue, 12)
        }
        let oneLine = FeatureCatalog.all.allSatisfy { line($0).count + $0.meaning.count <= width }
        var out = ""
        for spec in FeatureCatalog.all {
            if oneLine {
                out += line(spec) + spec.meaning + "\n"
            } else {
                out += line(spec).trimmingTrailingSpaces + "\n"
                for text in wrap(spec.meaning, width: width, indent: "    ", maxLines: 6) { out += text + "\n" }
            }
        }
        return out
    }
}
