import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

/// A tiny signals directory whose every feature is worked out by hand in the comments,
/// as of D = 2024-06-30. Rows dated after D are there on purpose: they must change nothing.
@Suite struct HandComputedFeatureTests {
    static let files: [String: String] = [
        "accounts.csv": """
            account_id,name,segment,csm,arr,seats,contract_start,renewal_date,churn_date
            A1,Alpha,SMB,Kim,12000,10,2024-01-15,2026-01-15,
            A2,Beta,Enterprise,Lee,99000,50,2024-03-01,,2024-09-10
            A3,Gamma,,Kim,,,2024-06-01,,

            """,
        "usage.csv": """
            account_id,date,active_users,sessions,key_events,workflows_started,workflows_completed
            A1,2024-06-30,4,8,16,2,2
            A1,2024-06-30,2,4,4,2,1
            A1,2024-06-25,3,6,9,0,0
            A1,2024-05-10,9,9,9,10,5
            A1,2024-07-05,100,100,100,100,100

            """,
        "tickets.csv": """
            ticket_id,account_id,opened_at,closed_at,priority,sla_breached,escalated,csat
            T1,A1,2024-06-20,2024-06-22,urgent,true,false,4
            T2,A1,2024-05-01,,high,false,true,
            T3,A1,2024-03-01,2024-06-10,low,false,false,2
            T4,A1,2024-06-28,2024-07-03,normal,,,5
            T5,A1,2024-07-02,,urgent,true,true,

            """,
        "nps.csv": """
            account_id,date,score,respondent
            A1,2024-01-20,9,x
            A1,2024-05-15,6,y
            A1,2024-06-29,3,z
            A1,2024-07-01,10,w

            """,
        "projects.csv": """
            project_id,account_id,type,start_date,planned_end_date,budget_hours,actual_end_date,status
            P1,A1,implementation,2024-02-01,2024-04-30,100,2024-05-20,completed
            P2,A1,integration,2024-06-01,2024-07-31,200,2024-08-15,completed
            P3,A2,implementation,2024-03-10,2024-05-10,50,,cancelled

            """,
        "timesheets.csv": """
            project_id,date,hours
            P1,2024-02-10,60
            P1,2024-04-20,55
            P2,2024-06-05,40
            P2,2024-06-25,30
            P2,2024-07-20,150

            """,
        "milestones.csv": """
            project_id,milestone,due_date,completed_date
            P2,kickoff,2024-06-05,2024-06-04
            P2,design,2024-06-20,2024-06-27
            P2,build,2024-07-15,
            P2,launch,2024-07-31,2024-08-15

            """,
        "change_orders.csv": """
            project_id,date,hours_added,reason
            P2,2024-06-15,20,scope
            P2,2024-07-10,15,scope
            P1,2024-03-01,10,extra

            """,
    ]

    static let asOf = Day("2024-06-30")!

    static func index(without omitted: Set<String> = []) throws -> SignalsIndex {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files where !omitted.contains(name) { try directory.write(name, text) }
        return SignalsIndex(try SignalsReader().read(directory: directory.path).dataset)
    }

    /// Feature name → value for each row of a one-date table.
    static func values(_ table: SnapshotTable) -> [[String: Double]] {
        (0..<table.rowCount).map { r in Dictionary(uniqueKeysWithValues: zip(table.featureNames, table.row(r))) }
    }

    static func expect(_ actual: [String: Double], _ expected: [String: Double], _ who: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = actual[name] else {
                Issue.record("\(who): no feature \(name)", sourceLocation: sourceLocation)
                continue
            }
            if value.isNaN {
                #expect(got.isNaN, "\(who).\(name) = \(got), expected missing", sourceLocation: sourceLocation)
            } else {
                assertClose(got, value, rtol: 1e-12, atol: 1e-12, "\(who).\(name)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func accountFeaturesAsOfTheDate() throws {
        let builder = SnapshotBuilder(index: try Self.index())
        let layout = builder.layout(task: .churn)
        #expect(layout.segmentLevels == ["Enterprise", "SMB"])
        let table = builder.table(layout: layout, dates: [Self.asOf], requireLabels: false)
        #expect(table.entities == [0, 1, 2])
        let rows = Self.values(table)
        let nan = Double.nan
        Self.expect(rows[0], [
            // Account: Jan 15 → Jun 30 is 167 days; renewal counted back from 2026-01-15 to 2025-01-15: 199 days.
            "tenure_days": 167, "days_to_renewal": 199, "log_arr": log1p(12000), "seats": 10,
            "segment=Enterprise": 0, "segment=SMB": 1,
            // Usage (the 07-05 row is after D). 7 days: 6 + 3 active over 7 days / 10 seats; 30 days: 9 / 30 / 10;
            // 90 days: 18 / 90 / 10. Weekly means are 9/7 in weeks 5 and 12 of 0…12, else 0:
            // slope (45/7)/182 over mean 18/91 = 5/28.
            "usage_missing": 0, "active_user_ratio_7d": 9.0 / 70, "active_user_ratio_30d": 0.03, "active_user_ratio_90d": 0.02,
            "usage_trend_90d": 5.0 / 28, "active_users_30d_over_90d": 1.5, "days_since_last_activity": 0,
            "key_events_per_active_user_30d": 29.0 / 9, "sessions_per_active_user_30d": 2,
            "workflow_completion_rate_90d": 8.0 / 14, "workflow_abandonment_rate_90d": 6.0 / 14,
            "workflow_completion_change_90d": 0.75 - 0.5,
            // Support: T1 and T4 in 30 days, T2 too in 90; open: T2 and T4 (closed after D), oldest T2 at 60 days;
            // urgent/high 2 of 3; SLA breaches and escalations count tickets closed by D only (T1 breached; T2's
            // escalation is not known to have happened by D); CSAT of tickets closed by D within 180 days: T1 4, T3 2;
            // resolved within 90 days: T1 2 days, T3 101.
            "support_missing": 0, "tickets_30d": 2, "tickets_90d": 3, "tickets_per_seat_30d": 0.2, "tickets_per_seat_90d": 0.3,
            "open_tickets": 2, "oldest_open_ticket_days": 60, "urgent_high_share_90d": 2.0 / 3, "sla_breaches_90d": 1,
            "escalations_90d": 0, "csat_mean_180d": 3, "days_to_resolve_mean_90d": 51.5,
            // NPS: 9, 6, 3 (the 07-01 response is after D).
            "nps_missing": 0, "nps_last_score": 3, "nps_days_since_last": 1, "nps_mean_180d": 6,
            "nps_detractor_share_180d": 2.0 / 3, "nps_promoter_share_180d": 1.0 / 3, "nps_responses_365d": 3, "nps_change_last_two": -3,
            // Delivery: P2 in flight; P1 ended 05-20 after 04-30 + 14 (late) with 115 > 110 hours (over); change orders 30 / 300.
            "delivery_missing": 0, "projects_in_flight": 1, "implementation_finished_late": 1, "implementation_over_budget": 1,
            "change_order_hours_ratio_all": 0.1,
        ], "A1")
        Self.expect(rows[1], [
            "tenure_days": 121, "segment=Enterprise": 1, "segment=SMB": 0,
            "usage_missing": 1, "active_user_ratio_30d": nan, "usage_trend_90d": nan,
            "support_missing": 0, "tickets_90d": 0, "open_tickets": 0, "oldest_open_ticket_days": 0, "urgent_high_share_90d": 0,
            "csat_mean_180d": nan, "days_to_resolve_mean_90d": nan,
            "nps_missing": 1, "nps_last_score": nan,
            "delivery_missing": 0, "projects_in_flight": 1, "implementation_finished_late": nan, "change_order_hours_ratio_all": 0,
        ], "A2")
        Self.expect(rows[2], [
            "tenure_days": 29, "days_to_renewal": 336, "log_arr": nan, "seats": nan, "segment=Enterprise": 0, "segment=SMB": 0,
            "usage_missing": 1, "tickets_per_seat_90d": nan, "tickets_90d": 0, "nps_missing": 1, "delivery_missing": 1,
            "projects_in_flight": nan,
        ], "A3")
        // Labels: the data ends 2024-09-10, before D + 90 = 2024-09-28, so every window is censored, even A2's,
        // whose churn on 2024-09-10 is known: keeping only known churners would bias the labels.
        #expect(builder.index.dataEnd == Day("2024-09-10")!)
        #expect(table.labels.allSatisfy { $0.isNaN })
        // A 60-day horizon ends 2024-08-29, inside the data: A2 churns after it (0), the others stay (0).
        let shorter = SnapshotBuilder(index: builder.index, horizonDays: 60)
        #expect(shorter.table(layout: layout, dates: [Self.asOf], requireLabels: true).labels == [0, 0, 0])
        let longer = SnapshotBuilder(index: builder.index, horizonDays: 72)  // 2024-09-10 is day 72
        #expect(longer.table(layout: layout, dates: [Self.asOf], requireLabels: true).labels == [0, 1, 0])
        // Time to churn keeps what the data saw: A2 churned 72 days after D; the data covers 72 days after D.
        #expect(builder.followUp(account: 0, asOf: Self.asOf)! == (nil, 72))
        #expect(builder.followUp(account: 1, asOf: Self.asOf)! == (72, 72))
        #expect(builder.followUp(account: 2, asOf: Self.asOf)! == (nil, 72))
        // With labels known only by 2024-08-31 (62 days), A2's churn is not seen yet.
        let earlier = SnapshotBuilder(index: builder.index, labelCutoff: Day("2024-08-31")!)
        #expect(earlier.followUp(account: 1, asOf: Self.asOf)! == (nil, 62))
        // Not a customer: A2 after its churn, A3 before its start.
        #expect(builder.followUp(account: 1, asOf: Day("2024-09-10")!) == nil && builder.followUp(account: 2, asOf: Day("2024-05-31")!) == nil)
    }

    @Test func projectFeaturesAsOfTheDate() throws {
        let builder = SnapshotBuilder(index: try Self.index())
        let layout = builder.layout(task: .overrun)
        #expect(layout.projectTypeLevels == ["implementation", "integration"])
        let table = builder.table(layout: layout, dates: [Self.asOf], requireLabels: false)
        #expect(table.entities == [1, 2])  // P1 ended 05-20; P2 and P3 are in flight
        let rows = Self.values(table)
        Self.expect(rows[0], [
            // 29 of 60 planned days; 70 of 200 hours; both milestones due by D are done (design a week late),
            // so SPI 1 and EV = 200 × 29/60 × 1; the two milestones due later are not known yet.
            "timesheets_missing": 0, "elapsed_share": 29.0 / 60, "budget_burned_share": 0.35, "burn_rate": 0.35 / (29.0 / 60),
            "cost_performance_index": 200 * (29.0 / 60) / 70, "schedule_performance_index": 1,
            "milestones_completed": 2, "milestones_due": 2, "late_milestones": 1,
            "change_orders": 1, "change_order_hours_ratio": 0.1, "days_since_last_change_order": 15,
            // 30 hours in the last 14 days against 70 over 30 days.
            "hours_14d_vs_average": (30.0 / 14) / (70.0 / 30),
            "project_type=implementation": 0, "project_type=integration": 1,
            "account_tickets_per_seat_90d": 0.3, "account_open_tickets": 2, "account_nps_mean_180d": 6, "account_nps_missing": 0,
        ], "P2")
        Self.expect(rows[1], [
            "timesheets_missing": 1, "budget_burned_share": 0, "cost_performance_index": .nan, "change_orders": 0,
            "days_since_last_change_order": .nan, "project_type=implementation": 1, "account_nps_missing": 1,
        ], "P3")
        // P2 logged 220 hours (not above 220) but ended 08-15, after 07-31 + 14: overrun. P3 was cancelled: no label.
        #expect(table.labels[0] == 1 && table.labels[1].isNaN)
        let labelled = builder.table(layout: layout, dates: [Self.asOf], requireLabels: true)
        #expect(labelled.entities == [1] && labelled.excluded == 1 && labelled.censored == 0)
    }

    /// A whole file missing sets the family's indicator for everyone, and nothing breaks.
    @Test func absentFilesMarkTheirFamilyMissing() throws {
        let builder = SnapshotBuilder(index: try Self.index(without: ["usage.csv", "tickets.csv", "nps.csv", "projects.csv", "timesheets.csv", "milestones.csv", "change_orders.csv"]))
        let table = builder.table(layout: builder.layout(task: .churn), dates: [Self.asOf], requireLabels: false)
        for row in Self.values(table) {
            Self.expect(row, ["usage_missing": 1, "support_missing": 1, "nps_missing": 1, "delivery_missing": 1, "tickets_90d": .nan], "row")
        }
    }

    /// Before any data there are no customers, so no rows; one day after A1 starts, it has
    /// no usage yet and its windows are clipped to its tenure.
    @Test func anAsOfDateBeforeAnyData() throws {
        let builder = SnapshotBuilder(index: try Self.index())
        let before = builder.table(layout: builder.layout(task: .churn), dates: [Day("2023-12-31")!], requireLabels: false)
        #expect(before.rowCount == 0)
        let early = builder.table(layout: builder.layout(task: .churn), dates: [Day("2024-01-16")!], requireLabels: false)
        #expect(early.entities == [0])
        Self.expect(Self.values(early)[0], ["tenure_days": 1, "usage_missing": 1, "tickets_90d": 0, "nps_missing": 1, "delivery_missing": 1], "A1 on day 1")
        #expect(builder.table(layout: builder.layout(task: .overrun), dates: [Day("2024-01-16")!], requireLabels: false).rowCount == 0)
    }
}
