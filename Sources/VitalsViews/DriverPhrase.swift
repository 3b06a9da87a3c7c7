import Foundation
import VitalsFeatures
import VitalsFoundation
import VitalsScoring
import VitalsSignals

/// A driver in words a CSM or PSO lead understands: "usage down 38 % over 90 days",
/// "2 urgent or high tickets in 90 days", "NPS detractor in May (4)".
///
/// A driver is a group of model features (a one-hot family such as `segment=…`, or one
/// feature); the phrase reads that entity's own values, so it states a fact about the
/// account or project, not about the model. Groups the phrasebook does not know fall back
/// to `name = value`.
public enum DriverPhrase {
    /// The facts a driver group states: one for a feature, two for an interaction (each of
    /// its features' phrases).
    public static func facts(group: String, snapshot: ScoredSnapshot, row r: Int) -> [String] {
        // Most groups are one feature: looked for by byte (`×` is C3 97 in UTF-8) before
        // Foundation's string search, which cost more than the phrase on a book's rows.
        guard group.utf8.contains(0xC3) else { return [feature(group, snapshot: snapshot, row: r)] }
        let parts = group.components(separatedBy: " × ")
        guard parts.count == 2 else { return [feature(group, snapshot: snapshot, row: r)] }
        // A one-hot level's phrase is its family's (`segment=SMB` → `segment`).
        func driver(_ name: String) -> String { name.contains("=") ? String(name.split(separator: "=")[0]) : name }
        return parts.map { describe(group: driver($0), snapshot: snapshot, row: r) }
    }

    /// The phrase for driver group `group` on row `r` of `snapshot`: a feature's fact, or an
    /// interaction's two facts joined.
    public static func describe(group: String, snapshot: ScoredSnapshot, row r: Int) -> String {
        let facts = facts(group: group, snapshot: snapshot, row: r)
        return facts.count == 2 ? "\(facts[0]) together with \(facts[1])" : facts[0]
    }

    /// The fact one feature group states on row `r`.
    static func feature(_ group: String, snapshot: ScoredSnapshot, row r: Int) -> String {
        // A local function, not a stored closure: a closure would copy the snapshot (and
        // retain every array it holds) on each phrase, which made phrasing a score file's
        // rows cost more than scoring them.
        func v(_ name: String) -> Double { snapshot.feature(r, name) }
        let value = v(group)
        let asOf = snapshot.asOf
        if group.hasPrefix("markov_churn_probability") {
            let months = group.split(separator: "_").last.map { $0.dropLast() } ?? ""
            return known(value) { "health chain: \(percent($0)) churn within \(months) months" }
        }
        switch group {
        // account
        case "tenure_days": return known(value) { $0 < 120 ? "new customer, \(whole($0)) days in" : "customer for \(whole($0 / 30.44)) months" }
        case "days_to_renewal": return known(value) { "renewal in \(whole($0)) days (\(asOf + Int($0)))" }
        case "log_arr": return known(value) { "ARR \(money(exp($0) - 1))" }
        case "seats": return known(value) { "\(whole($0)) seats" }
        case "segment": return "segment \(oneHotLevel(group, snapshot, r) ?? "unknown")"
        // usage
        case "usage_missing": return value == 1 ? "no product usage recorded" : "product usage recorded"
        case "active_user_ratio_7d", "active_user_ratio_30d", "active_user_ratio_90d":
            let days = group.split(separator: "_").last!.dropLast()
            return known(value) { "\(percent($0)) of seats active (\(days) days), typical \(percent(typical(group, snapshot)))" }
        case "usage_trend_90d":
            // The slope is per week over 13 weekly points: 12 weeks from first to last.
            return known(value) { t in
                let change = max(min(t * 12, 5), -1)
                return change < 0 ? "usage down \(percent(-change)) over 90 days" : "usage up \(percent(change)) over 90 days"
            }
        case "active_users_30d_over_90d":
            return known(value) { $0 < 1 ? "active users down \(percent(1 - $0)) on the 90-day level" : "active users up \(percent($0 - 1)) on the 90-day level" }
        case "days_since_last_activity": return known(value) { $0 < 1 ? "active today" : "no activity for \(whole($0)) days" }
        case "key_events_per_active_user_30d":
            return known(value) { "\(decimal($0)) key events per active user-day, typical \(decimal(typical(group, snapshot)))" }
        case "sessions_per_active_user_30d":
            return known(value) { "\(decimal($0)) sessions per active user-day, typical \(decimal(typical(group, snapshot)))" }
        case "workflow_completion_rate_90d": return known(value) { "\(percent($0)) of workflows completed (90 days)" }
        case "workflow_abandonment_rate_90d": return known(value) { "\(percent($0)) of workflows abandoned (90 days)" }
        case "workflow_completion_change_90d":
            return known(value) { "workflow completion \($0 < 0 ? "down" : "up") \(whole((abs($0) * 100).rounded())) points" }
        // support
        case "support_missing": return value == 1 ? "no support data" : "support data present"
        case "tickets_30d": return known(value) { count($0, "ticket") + " in 30 days" }
        case "tickets_90d": return known(value) { count($0, "ticket") + " in 90 days" }
        case "tickets_per_seat_30d": return known(value) { "\(decimal($0 * 100)) tickets per 100 seats (30 days)" }
        case "tickets_per_seat_90d": return known(value) { "\(decimal($0 * 100)) tickets per 100 seats (90 days)" }
        case "open_tickets": return known(value) { count($0, "ticket") + " open" }
        case "oldest_open_ticket_days": return known(value) { $0 == 0 ? "no open ticket" : "oldest open ticket \(whole($0)) days old" }
        case "urgent_high_share_90d":
            let tickets = v("tickets_90d")
            return known(value) { share in
                tickets.isFinite ? count((share * tickets).rounded(), "urgent or high ticket") + " in 90 days"
                    : "\(percent(share)) of tickets urgent or high (90 days)"
            }
        case "sla_breaches_90d": return known(value) { count($0, "SLA breach", plural: "SLA breaches") + " in 90 days" }
        case "escalations_90d": return known(value) { count($0, "escalation") + " in 90 days" }
        case "csat_mean_180d": return known(value) { "CSAT \(decimal($0)) of 5 (180 days), typical \(decimal(typical(group, snapshot)))" }
        case "days_to_resolve_mean_90d": return known(value) { "tickets take \(decimal($0)) days to resolve" }
        // NPS
        case "nps_missing": return value == 1 ? "no NPS response" : "answers NPS surveys"
        case "nps_last_score", "nps_detractor_share_180d", "nps_mean_180d", "nps_change_last_two", "nps_promoter_share_180d":
            return npsPhrase(group, v, asOf: asOf)
        case "nps_days_since_last": return known(value) { "no NPS response for \(whole($0)) days" }
        case "nps_responses_365d": return known(value) { count($0, "NPS response") + " in a year" }
        // delivery
        case "delivery_missing": return value == 1 ? "no implementation project" : "has projects"
        case "projects_in_flight": return known(value) { count($0, "project") + " in flight" }
        case "implementation_finished_late": return value == 1 ? "last implementation finished late" : "last implementation on time"
        case "implementation_over_budget": return value == 1 ? "last implementation over budget" : "last implementation within budget"
        case "change_order_hours_ratio_all": return known(value) { "change orders added \(percent($0)) to project budgets" }
        // project
        case "timesheets_missing": return value == 1 ? "no hours logged yet" : "hours logged"
        case "elapsed_share": return known(value) { "\(percent($0)) of the schedule elapsed" }
        case "budget_burned_share": return known(value) { "\(percent($0)) of the budget burned" }
        case "burn_rate": return known(value) { "burning budget \(decimal($0))× as fast as the schedule" }
        case "cost_performance_index":
            return known(value) { $0 < 1 ? "CPI \(decimal($0)): \(percent(1 / $0 - 1)) more hours than the work earned" : "CPI \(decimal($0))" }
        case "schedule_performance_index": return known(value) { $0 < 1 ? "SPI \(decimal($0)): milestones behind plan" : "SPI \(decimal($0))" }
        case "milestones_completed", "milestones_due":
            let done = v("milestones_completed"), due = v("milestones_due")
            return due.isFinite && done.isFinite ? "\(whole(done)) of \(whole(due)) milestones due are done" : "no milestone data"
        case "late_milestones": return known(value) { count($0, "late milestone") }
        case "change_orders": return known(value) { count($0, "change order") }
        case "change_order_hours_ratio": return known(value) { "change orders add \(percent($0)) to the budget" }
        case "days_since_last_change_order": return known(value) { "change order \(whole($0)) days ago" }
        case "hours_14d_vs_average": return known(value) { "last 14 days at \(decimal($0))× the average pace" }
        case "project_type": return "\(oneHotLevel(group, snapshot, r) ?? "unknown") project"
        case "account_tickets_per_seat_90d": return known(value) { "account files \(decimal($0 * 100)) tickets per 100 seats (90 days)" }
        case "account_open_tickets": return known(value) { "account has " + count($0, "open ticket") }
        case "account_nps_mean_180d": return known(value) { "account NPS mean \(decimal($0)) (180 days)" }
        case "account_nps_missing": return value == 1 ? "no NPS from the account" : "account answers NPS"
        // Markov
        case "markov_state": return "health state \(readable(orderedLevel(group, snapshot, r, best: snapshot.model.signals?.accountChain?.transientStates.dropFirst().first)))"
        case "markov_expected_months_to_churn": return known(value) { "health chain: churn expected in \(whole($0.rounded())) months" }
        case "markov_phase": return "delivery phase \(readable(orderedLevel(group, snapshot, r, best: ProjectPhaseRule.states.first)))"
        case "markov_overrun_probability": return known(value) { "phase chain: \(percent($0)) of projects in this phase overrun" }
        case "markov_expected_weeks_to_delivery": return known(value) { "phase chain: delivery in \(whole($0.rounded())) weeks" }
        default:
            return known(value) { "\(group) = \(decimal($0))" }
        }
    }

    static func npsPhrase(_ group: String, _ v: (String) -> Double, asOf: Day) -> String {
        let last = v("nps_last_score"), since = v("nps_days_since_last")
        guard last.isFinite else { return "no NPS response" }
        let when = since.isFinite ? " in \(monthName(asOf - Int(since), relativeTo: asOf))" : ""
        let kind = last <= 6 ? "detractor" : last <= 8 ? "passive" : "promoter"
        switch group {
        case "nps_detractor_share_180d":
            let share = v("nps_detractor_share_180d")
            return last <= 6 ? "NPS detractor\(when) (\(whole(last)))"
                : known(share) { "\(percent($0)) of NPS responses detractors (180 days)" }
        case "nps_mean_180d": return known(v("nps_mean_180d")) { "NPS mean \(decimal($0)) (180 days); last \(kind)\(when)" }
        case "nps_change_last_two":
            return known(v("nps_change_last_two")) { "NPS \($0 < 0 ? "down" : "up") \(whole(abs($0))) points to \(whole(last))\(when)" }
        case "nps_promoter_share_180d": return known(v("nps_promoter_share_180d")) { "\(percent($0)) of NPS responses promoters (180 days)" }
        default: return "NPS \(kind)\(when) (\(whole(last)))"
        }
    }

    /// The median of feature `name` over every entity scored on the snapshot's date (missing values left out).
    /// A pass over every row: phrasing every row of a score file computes it once per feature
    /// through `typicalValues` (else a book of n accounts would take n such passes).
    static func typical(_ name: String, _ snapshot: ScoredSnapshot) -> Double {
        if let cache = typicalValues { return cache.value(name) { median(name, snapshot) } }
        return median(name, snapshot)
    }

    static func median(_ name: String, _ snapshot: ScoredSnapshot) -> Double {
        Statistics.median((0..<snapshot.rowCount).map { snapshot.feature($0, name) }.filter { !$0.isNaN }) ?? .nan
    }

    /// The typical values already computed for one snapshot, by feature; set while one
    /// snapshot's rows are phrased (`RankedDriver.describer`).
    @TaskLocal static var typicalValues: TypicalValues?

    /// Feature medians of one snapshot, computed once each, and its driver groups.
    final class TypicalValues: @unchecked Sendable {
        private var values: [String: Double] = [:]
        private var groups: Drivers?
        private let lock = NSLock()

        func drivers(_ make: () -> Drivers) -> Drivers {
            lock.lock()
            defer { lock.unlock() }
            if let groups { return groups }
            let made = make()
            groups = made
            return made
        }

        func value(_ name: String, _ compute: () -> Double) -> Double {
            lock.lock()
            defer { lock.unlock() }
            if let known = values[name] { return known }
            let value = compute()
            values[name] = value
            return value
        }
    }

    /// The level of a one-hot group set on row `r` (`segment=SMB` → `SMB`).
    static func oneHotLevel(_ group: String, _ snapshot: ScoredSnapshot, _ r: Int) -> String? {
        let prefix = group + "="
        return snapshot.table.featureNames.first { $0.hasPrefix(prefix) && snapshot.feature(r, $0) == 1 }.map { String($0.dropFirst(prefix.count)) }
    }

    /// The level of a cumulative group on row `r`: its one-hot level when one is set
    /// (`markov_state=onboarding`), else the worst `at_least_` level set, else `best`.
    static func orderedLevel(_ group: String, _ snapshot: ScoredSnapshot, _ r: Int, best: String?) -> String {
        let cumulative = group + "=at_least_"
        if let level = oneHotLevel(group, snapshot, r), !level.hasPrefix("at_least_") { return level }
        let set = snapshot.table.featureNames.filter { $0.hasPrefix(cumulative) && snapshot.feature(r, $0) == 1 }
        return set.last.map { String($0.dropFirst(cumulative.count)) } ?? best ?? "unknown"
    }

    static func known(_ x: Double, _ phrase: (Double) -> String) -> String { x.isFinite ? phrase(x) : "no data" }
    /// A state as every output spells it (`at_risk`, `off_track`).
    static func readable(_ s: String) -> String { s }
    static func percent(_ x: Double) -> String { "\(whole((x * 100).rounded())) %" }

    /// A whole number as text; a value too large for an integer (or not finite) is written as
    /// a number, never trapped on: phrases read data, and data is not to be trusted.
    static func whole(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 9e15 else { return x.isFinite ? String(format: "%.3g", x) : "—" }
        return String(Int(x))
    }
    static func decimal(_ x: Double) -> String {
        abs(x) >= 10 ? "\(whole(x.rounded()))" : fixedDecimal(x, decimals: 1)
    }
    static func count(_ x: Double, _ noun: String, plural: String? = nil) -> String {
        let n = x.rounded()
        return "\(whole(n)) " + (n == 1 ? noun : plural ?? noun + "s")
    }

    /// `May`, or `May 2024` when not in the as-of date's year.
    static func monthName(_ day: Day, relativeTo asOf: Day) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return day.year == asOf.year ? names[day.month - 1] : "\(names[day.month - 1]) \(day.year)"
    }

    /// `$9.8k`, `$1.2M`, `$420`.
    public static func money(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1e6 { return "$" + fixedDecimal(x / 1e6, decimals: 1) + "M" }
        if a >= 1e4 { return "$\(whole((x / 1e3).rounded()))k" }
        if a >= 1e3 { return "$" + fixedDecimal(x / 1e3, decimals: 1) + "k" }
        return "$\(whole(x.rounded()))"
    }
}
