#!/usr/bin/env python3
"""The daily run in DuckDB SQL: read the signals with read_csv into tables, compute the churn
model's features as of D in one SQL query (daily_common.py defines them), score with the
model file's coefficients (numpy on the fetched matrix), write a score CSV with COPY.
DuckDB uses every core. Prints one JSON line of stage timings.

Usage: daily_duckdb.py --signals DIR --model MODEL --as-of YYYY-MM-DD --out FILE
"""
import duckdb
import numpy as np
import pyarrow as pa

import daily_common as common

args = common.arguments()
clock = common.Stopwatch()
model = common.load_model(args.model)
con = duckdb.connect()
directory = args.signals


def load(table, file, columns):
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{common.signal_file(directory, file)}', header = true, columns = {{{spec}}})")


load("usage", "usage.csv", [("account_id", "VARCHAR"), ("date", "DATE"), ("active_users", "INTEGER"), ("sessions", "INTEGER"),
                            ("key_events", "INTEGER"), ("workflows_started", "INTEGER"), ("workflows_completed", "INTEGER")])
clock.lap("read_usage")
load("accounts", "accounts.csv", [("account_id", "VARCHAR"), ("name", "VARCHAR"), ("segment", "VARCHAR"), ("csm", "VARCHAR"),
                                  ("arr", "DOUBLE"), ("seats", "INTEGER"), ("contract_start", "DATE"), ("renewal_date", "DATE"),
                                  ("churn_date", "DATE")])
load("tickets", "tickets.csv", [("ticket_id", "VARCHAR"), ("account_id", "VARCHAR"), ("opened_at", "DATE"), ("closed_at", "DATE"),
                                ("priority", "VARCHAR"), ("sla_breached", "BOOLEAN"), ("escalated", "BOOLEAN"), ("csat", "INTEGER")])
load("nps", "nps.csv", [("account_id", "VARCHAR"), ("date", "DATE"), ("score", "INTEGER"), ("respondent", "VARCHAR")])
load("projects", "projects.csv", [("project_id", "VARCHAR"), ("account_id", "VARCHAR"), ("type", "VARCHAR"), ("start_date", "DATE"),
                                  ("planned_end_date", "DATE"), ("budget_hours", "DOUBLE"), ("actual_end_date", "DATE"),
                                  ("status", "VARCHAR")])
load("timesheets", "timesheets.csv", [("project_id", "VARCHAR"), ("date", "DATE"), ("hours", "DOUBLE"), ("role", "VARCHAR")])
load("milestones", "milestones.csv", [("project_id", "VARCHAR"), ("milestone", "VARCHAR"), ("due_date", "DATE"),
                                      ("completed_date", "DATE")])
load("change_orders", "change_orders.csv", [("project_id", "VARCHAR"), ("date", "DATE"), ("hours_added", "DOUBLE"),
                                            ("reason", "VARCHAR")])
clock.lap("read_other")

segments = model["signals"]["layout"]["segmentLevels"]
segment_columns = ",\n    ".join(f"CASE WHEN a.segment = '{level}' THEN 1.0 ELSE 0.0 END AS \"segment={level}\"" for level in segments)
D = f"DATE '{args.as_of}'"
query = f"""
WITH acc AS (
  SELECT row_number() OVER () AS k, account_id, segment, arr, seats, contract_start,
         coalesce(renewal_date, contract_start) AS anchor,
         CASE WHEN seats > 0 THEN seats::DOUBLE END AS seat_count
  FROM accounts
  WHERE contract_start <= {D} AND (churn_date IS NULL OR churn_date > {D})
),
daily AS (
  SELECT u.account_id, {D} - u.date AS age, u.date >= acc.contract_start AS after_start,
         sum(coalesce(active_users, 0)) AS active, sum(coalesce(sessions, 0)) AS sessions,
         sum(coalesce(key_events, 0)) AS key_events, sum(coalesce(workflows_started, 0)) AS started,
         sum(coalesce(workflows_completed, 0)) AS completed
  FROM usage u JOIN acc USING (account_id)
  WHERE u.date <= {D}
  GROUP BY u.account_id, u.date, acc.contract_start
),
u AS (
  SELECT account_id,
    sum(active) FILTER (age < 7 AND after_start) AS active7s,
    sum(active) FILTER (age < 30 AND after_start) AS active30s,
    sum(active) FILTER (age < 90 AND after_start) AS active90s,
    min(age) FILTER (active > 0) AS since_active,
    coalesce(sum(active) FILTER (age < 30), 0) AS active30,
    coalesce(sum(sessions) FILTER (age < 30), 0) AS sessions30,
    coalesce(sum(key_events) FILTER (age < 30), 0) AS events30,
    coalesce(sum(started) FILTER (age < 90), 0) AS started90,
    coalesce(sum(completed) FILTER (age < 90), 0) AS completed90,
    coalesce(sum(started) FILTER (age < 30), 0) AS started30,
    coalesce(sum(completed) FILTER (age < 30), 0) AS completed30,
    coalesce(sum(started) FILTER (age >= 30 AND age < 90), 0) AS started60,
    coalesce(sum(completed) FILTER (age >= 30 AND age < 90), 0) AS completed60
  FROM daily GROUP BY account_id
),
weeks AS (
  SELECT acc.account_id, w.week,
         coalesce(sum(d.active), 0) / 7.0 AS y
  FROM acc CROSS JOIN range(13) AS w(week)
  LEFT JOIN daily d ON d.account_id = acc.account_id AND 12 - d.age // 7 = w.week AND d.age <= 90
  WHERE {D} - acc.contract_start >= 7 * (12 - w.week) + 6
  GROUP BY acc.account_id, w.week
),
trend AS (
  SELECT account_id, count(*) AS n,
         CASE WHEN avg(y) > 0 THEN regr_slope(y, week) / avg(y) ELSE 0 END AS trend
  FROM weeks GROUP BY account_id
),
t AS (
  SELECT t.account_id, {D} - t.opened_at AS age, t.priority, t.sla_breached, t.escalated, t.csat,
         t.closed_at IS NOT NULL AND t.closed_at <= {D} AS closed, t.closed_at - t.opened_at AS resolve_days,
         {D} - t.closed_at AS since_closed
  FROM tickets t JOIN acc USING (account_id)
  WHERE t.opened_at <= {D}
),
s AS (
  SELECT account_id,
    count(*) FILTER (age < 30) AS tickets30, count(*) FILTER (age < 90) AS tickets90,
    count(*) FILTER (NOT closed) AS open, coalesce(max(age) FILTER (NOT closed), 0) AS oldest,
    count(*) FILTER (age < 90 AND priority IN ('high', 'urgent')) AS urgent90,
    count(*) FILTER (age < 90 AND closed AND sla_breached) AS sla90,
    count(*) FILTER (age < 90 AND closed AND escalated) AS escalated90,
    avg(csat) FILTER (age < 180 AND closed AND csat IS NOT NULL) AS csat180,
    avg(resolve_days) FILTER (closed AND since_closed < 90) AS resolve90
  FROM t GROUP BY account_id
),
n AS (
  SELECT n.account_id, n.score, {D} - n.date AS age,
         row_number() OVER (PARTITION BY n.account_id ORDER BY n.date DESC, n.file_row DESC) AS latest
  FROM (SELECT *, row_number() OVER () AS file_row FROM nps) n JOIN acc USING (account_id)
  WHERE n.date <= {D}
),
p AS (
  SELECT account_id,
    max(score) FILTER (latest = 1) AS last_score, max(age) FILTER (latest = 1) AS last_age,
    max(score) FILTER (latest = 2) AS before_last,
    avg(score) FILTER (age < 180) AS mean180,
    avg(CASE WHEN score <= 6 THEN 1.0 ELSE 0.0 END) FILTER (age < 180) AS detractors180,
    avg(CASE WHEN score >= 9 THEN 1.0 ELSE 0.0 END) FILTER (age < 180) AS promoters180,
    count(*) FILTER (age < 365) AS responses365
  FROM n GROUP BY account_id
)
SELECT
    a.account_id,
    ({D} - a.contract_start)::DOUBLE AS tenure_days,
    (CASE WHEN make_date(year({D}), month(a.anchor), day(a.anchor)) > {D}
          THEN make_date(year({D}), month(a.anchor), day(a.anchor))
          ELSE make_date(year({D}) + 1, month(a.anchor), day(a.anchor)) END - {D})::DOUBLE AS days_to_renewal,
    ln(1 + a.arr) AS log_arr,
    a.seats::DOUBLE AS seats,
    {segment_columns},
    CASE WHEN u.account_id IS NULL THEN 1.0 ELSE 0.0 END AS usage_missing,
    CASE WHEN u.account_id IS NOT NULL THEN coalesce(u.active7s, 0) / (({D} - greatest({D} - 6, a.contract_start)) + 1) / a.seat_count END AS active_user_ratio_7d,
    CASE WHEN u.account_id IS NOT NULL THEN coalesce(u.active30s, 0) / (({D} - greatest({D} - 29, a.contract_start)) + 1) / a.seat_count END AS active_user_ratio_30d,
    CASE WHEN u.account_id IS NOT NULL THEN coalesce(u.active90s, 0) / (({D} - greatest({D} - 89, a.contract_start)) + 1) / a.seat_count END AS active_user_ratio_90d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN tr.n >= 4 THEN tr.trend END END AS usage_trend_90d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN coalesce(u.active90s, 0) > 0
         THEN (coalesce(u.active30s, 0) / (({D} - greatest({D} - 29, a.contract_start)) + 1))
            / (u.active90s / (({D} - greatest({D} - 89, a.contract_start)) + 1)) END END AS active_users_30d_over_90d,
    CASE WHEN u.account_id IS NOT NULL THEN u.since_active::DOUBLE END AS days_since_last_activity,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN u.active30 > 0 THEN u.events30 / u.active30 END END AS key_events_per_active_user_30d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN u.active30 > 0 THEN u.sessions30 / u.active30 END END AS sessions_per_active_user_30d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN u.started90 > 0 THEN least(1, u.completed90 / u.started90) END END AS workflow_completion_rate_90d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN u.started90 > 0 THEN 1 - least(1, u.completed90 / u.started90) END END AS workflow_abandonment_rate_90d,
    CASE WHEN u.account_id IS NOT NULL THEN CASE WHEN u.started30 > 0 AND u.started60 > 0
         THEN least(1, u.completed30 / u.started30) - least(1, u.completed60 / u.started60) END END AS workflow_completion_change_90d,
    0.0 AS support_missing,
    coalesce(s.tickets30, 0)::DOUBLE AS tickets_30d,
    coalesce(s.tickets90, 0)::DOUBLE AS tickets_90d,
    coalesce(s.tickets30, 0) / a.seat_count AS tickets_per_seat_30d,
    coalesce(s.tickets90, 0) / a.seat_count AS tickets_per_seat_90d,
    coalesce(s.open, 0)::DOUBLE AS open_tickets,
    coalesce(s.oldest, 0)::DOUBLE AS oldest_open_ticket_days,
    CASE WHEN coalesce(s.tickets90, 0) > 0 THEN s.urgent90 / s.tickets90 ELSE 0.0 END AS urgent_high_share_90d,
    coalesce(s.sla90, 0)::DOUBLE AS sla_breaches_90d,
    coalesce(s.escalated90, 0)::DOUBLE AS escalations_90d,
    s.csat180 AS csat_mean_180d,
    s.resolve90 AS days_to_resolve_mean_90d,
    CASE WHEN p.account_id IS NULL THEN 1.0 ELSE 0.0 END AS nps_missing,
    p.last_score::DOUBLE AS nps_last_score,
    p.last_age::DOUBLE AS nps_days_since_last,
    p.mean180 AS nps_mean_180d,
    p.detractors180 AS nps_detractor_share_180d,
    p.promoters180 AS nps_promoter_share_180d,
    p.responses365::DOUBLE AS nps_responses_365d,
    (p.last_score - p.before_last)::DOUBLE AS nps_change_last_two
FROM acc a
LEFT JOIN u USING (account_id)
LEFT JOIN trend tr USING (account_id)
LEFT JOIN s USING (account_id)
LEFT JOIN p USING (account_id)
ORDER BY a.k
"""
con.execute(f"CREATE TABLE features AS {query}")
names = model["signals"]["featureNames"]
columns = con.execute("SELECT * FROM features").fetchnumpy()
clock.lap("features")

ids = columns["account_id"]
x = np.column_stack([np.ma.filled(np.ma.asarray(columns[name]).astype(np.float64), np.nan) for name in names])
probability = common.score(model, x)
clock.lap("score")

con.register("scores", pa.table({"account_id": np.ma.filled(ids), "churn_probability": probability}))
con.execute(f"COPY (SELECT account_id, '{args.as_of}' AS as_of, churn_probability FROM scores) TO '{args.out}' (HEADER, DELIMITER ',')")
clock.lap("write")
if args.features_out:
    con.execute(f"COPY (SELECT account_id, {', '.join(chr(34) + n + chr(34) for n in names)} FROM features) "
                f"TO '{args.features_out}' (HEADER, DELIMITER ',')")
common.report(clock, len(ids), {"duckdb": duckdb.__version__, "numpy": np.__version__})
