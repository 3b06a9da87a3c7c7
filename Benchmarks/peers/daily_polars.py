#!/usr/bin/env python3
"""The daily run with polars: read the signals with read_csv (typed schemas), compute the churn
model's features as of D with expressions (daily_common.py defines them), score with the model
file's coefficients (numpy), write a score CSV. Polars uses every core. Prints one JSON line of
stage timings.

Usage: daily_polars.py --signals DIR --model MODEL --as-of YYYY-MM-DD --out FILE
"""
import datetime as dt

import numpy as np
import polars as pl

import daily_common as common

args = common.arguments()
clock = common.Stopwatch()
model = common.load_model(args.model)
D = dt.date.fromisoformat(args.as_of)
S, I, F, DATE, B = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean


def read(file, schema):
    return pl.read_csv(common.signal_file(args.signals, file), schema=schema)


usage = read("usage.csv", {"account_id": S, "date": DATE, "active_users": I, "sessions": I, "key_events": I,
                           "workflows_started": I, "workflows_completed": I})
clock.lap("read_usage")
accounts = read("accounts.csv", {"account_id": S, "name": S, "segment": S, "csm": S, "arr": F, "seats": I,
                                 "contract_start": DATE, "renewal_date": DATE, "churn_date": DATE})
tickets = read("tickets.csv", {"ticket_id": S, "account_id": S, "opened_at": DATE, "closed_at": DATE, "priority": S,
                               "sla_breached": B, "escalated": B, "csat": I})
nps = read("nps.csv", {"account_id": S, "date": DATE, "score": I, "respondent": S})
read("projects.csv", {"project_id": S, "account_id": S, "type": S, "start_date": DATE, "planned_end_date": DATE,
                      "budget_hours": F, "actual_end_date": DATE, "status": S})
read("timesheets.csv", {"project_id": S, "date": DATE, "hours": F, "role": S})
read("milestones.csv", {"project_id": S, "milestone": S, "due_date": DATE, "completed_date": DATE})
read("change_orders.csv", {"project_id": S, "date": DATE, "hours_added": F, "reason": S})
clock.lap("read_other")

d = pl.lit(D)


def days(expr):
    return expr.dt.total_days()


acc = (accounts.with_row_index("k")
       .filter((pl.col("contract_start") <= D) & (pl.col("churn_date").is_null() | (pl.col("churn_date") > D)))
       .with_columns(seat_count=pl.when(pl.col("seats") > 0).then(pl.col("seats").cast(F)),
                     anchor=pl.coalesce("renewal_date", "contract_start")))
acc = acc.with_columns(
    renewal=pl.when(pl.date(D.year, pl.col("anchor").dt.month(), pl.col("anchor").dt.day()) > d)
    .then(pl.date(D.year, pl.col("anchor").dt.month(), pl.col("anchor").dt.day()))
    .otherwise(pl.date(D.year + 1, pl.col("anchor").dt.month(), pl.col("anchor").dt.day())))
features = acc.select(
    "k", "account_id", "seat_count", "contract_start",
    tenure_days=days(d - pl.col("contract_start")).cast(F),
    days_to_renewal=days(pl.col("renewal") - d).cast(F),
    log_arr=pl.col("arr").log1p(),
    seats=pl.col("seats").cast(F),
    **{f"segment={level}": (pl.col("segment") == level).cast(F) for level in model["signals"]["layout"]["segmentLevels"]},
)

# usage
daily = (usage.lazy().filter(pl.col("date") <= D)
         .join(acc.lazy().select("account_id", "contract_start"), on="account_id")
         .group_by("account_id", "date")
         .agg(pl.col("active_users", "sessions", "key_events", "workflows_started", "workflows_completed").fill_null(0).sum(),
              pl.col("contract_start").first())
         .with_columns(age=days(d - pl.col("date")), after_start=pl.col("date") >= pl.col("contract_start")))


def total(column, condition):
    return pl.col(column).filter(condition).sum().cast(F)


age = pl.col("age")
u = daily.group_by("account_id").agg(
    active7s=total("active_users", (age < 7) & pl.col("after_start")),
    active30s=total("active_users", (age < 30) & pl.col("after_start")),
    active90s=total("active_users", (age < 90) & pl.col("after_start")),
    since_active=pl.col("age").filter(pl.col("active_users") > 0).min().cast(F),
    active30=total("active_users", age < 30), sessions30=total("sessions", age < 30), events30=total("key_events", age < 30),
    started90=total("workflows_started", age < 90), completed90=total("workflows_completed", age < 90),
    started30=total("workflows_started", age < 30), completed30=total("workflows_completed", age < 30),
    started60=total("workflows_started", (age >= 30) & (age < 90)),
    completed60=total("workflows_completed", (age >= 30) & (age < 90)),
    has_usage=pl.lit(True),
)
weeks = (acc.lazy().select("account_id", "contract_start")
         .join(pl.LazyFrame({"week": list(range(13))}), how="cross")
         .filter(days(d - pl.col("contract_start")) >= 7 * (12 - pl.col("week")) + 6)
         .join(daily.filter(age <= 90).with_columns(week=12 - age // 7).group_by("account_id", "week")
               .agg(pl.col("active_users").sum()), on=["account_id", "week"], how="left")
         .with_columns(y=pl.col("active_users").fill_null(0).cast(F) / 7, x=pl.col("week").cast(F)))
trend = weeks.group_by("account_id").agg(
    n=pl.len(),
    slope=((pl.col("x") - pl.col("x").mean()) * (pl.col("y") - pl.col("y").mean())).sum()
    / ((pl.col("x") - pl.col("x").mean()) ** 2).sum(),
    y_mean=pl.col("y").mean(),
).with_columns(trend=pl.when(pl.col("n") < 4).then(None)
               .when(pl.col("y_mean") > 0).then(pl.col("slope") / pl.col("y_mean")).otherwise(0.0))

# support
t = (tickets.lazy().filter(pl.col("opened_at") <= D).join(acc.lazy().select("account_id"), on="account_id")
     .with_columns(age=days(d - pl.col("opened_at")),
                   closed=pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= D),
                   resolve=days(pl.col("closed_at") - pl.col("opened_at")).cast(F),
                   since_closed=days(d - pl.col("closed_at"))))
s = t.group_by("account_id").agg(
    tickets30=(age < 30).sum().cast(F), tickets90=(age < 90).sum().cast(F),
    open=(~pl.col("closed")).sum().cast(F),
    oldest=pl.col("age").filter(~pl.col("closed")).max().cast(F),
    urgent90=((age < 90) & pl.col("priority").is_in(["high", "urgent"])).sum().cast(F),
    sla90=((age < 90) & pl.col("closed") & pl.col("sla_breached")).sum().cast(F),
    escalated90=((age < 90) & pl.col("closed") & pl.col("escalated")).sum().cast(F),
    csat180=pl.col("csat").filter((age < 180) & pl.col("closed") & pl.col("csat").is_not_null()).mean(),
    resolve90=pl.col("resolve").filter(pl.col("closed") & (pl.col("since_closed") < 90)).mean(),
)

# nps
n = (nps.lazy().with_row_index("file_row").filter(pl.col("date") <= D).join(acc.lazy().select("account_id"), on="account_id")
     .with_columns(age=days(d - pl.col("date")))
     .sort("account_id", "date", "file_row"))
p = n.group_by("account_id").agg(
    last_score=pl.col("score").last().cast(F), last_age=pl.col("age").last().cast(F),
    before_last=pl.when(pl.len() >= 2).then(pl.col("score").get(pl.len() - 2, null_on_oob=True)).cast(F),
    mean180=pl.col("score").filter(age < 180).mean(),
    detractors180=(pl.col("score") <= 6).filter(age < 180).mean(),
    promoters180=(pl.col("score") >= 9).filter(age < 180).mean(),
    responses365=(age < 365).sum().cast(F),
    has_nps=pl.lit(True),
)

days_in = {w: (days(d - pl.max_horizontal(d - pl.duration(days=w - 1), pl.col("contract_start"))) + 1).cast(F) for w in (7, 30, 90)}
m = {w: pl.col(f"active{w}s").fill_null(0) / days_in[w] for w in (7, 30, 90)}
seat = pl.col("seat_count")
has_u = pl.col("has_usage").fill_null(False)


def when_usage(expr):
    return pl.when(has_u).then(expr)


def completion(done, started):
    return pl.when(pl.col(started) > 0).then(pl.min_horizontal(1.0, pl.col(done) / pl.col(started)))


has_p = pl.col("has_nps").fill_null(False)
frame = (features.lazy().join(u, on="account_id", how="left").join(trend, on="account_id", how="left")
         .join(s, on="account_id", how="left").join(p, on="account_id", how="left")
         .sort("k")
         .with_columns(
             usage_missing=pl.when(has_u).then(0.0).otherwise(1.0),
             active_user_ratio_7d=when_usage(m[7] / seat),
             active_user_ratio_30d=when_usage(m[30] / seat),
             active_user_ratio_90d=when_usage(m[90] / seat),
             usage_trend_90d=when_usage(pl.col("trend")),
             active_users_30d_over_90d=when_usage(pl.when(m[90] > 0).then(m[30] / m[90])),
             days_since_last_activity=when_usage(pl.col("since_active")),
             key_events_per_active_user_30d=when_usage(pl.when(pl.col("active30") > 0).then(pl.col("events30") / pl.col("active30"))),
             sessions_per_active_user_30d=when_usage(pl.when(pl.col("active30") > 0).then(pl.col("sessions30") / pl.col("active30"))),
             workflow_completion_rate_90d=when_usage(completion("completed90", "started90")),
             workflow_abandonment_rate_90d=when_usage(1 - completion("completed90", "started90")),
             workflow_completion_change_90d=when_usage(completion("completed30", "started30") - completion("completed60", "started60")),
             support_missing=pl.lit(0.0),
             tickets_30d=pl.col("tickets30").fill_null(0),
             tickets_90d=pl.col("tickets90").fill_null(0),
             tickets_per_seat_30d=pl.col("tickets30").fill_null(0) / seat,
             tickets_per_seat_90d=pl.col("tickets90").fill_null(0) / seat,
             open_tickets=pl.col("open").fill_null(0),
             oldest_open_ticket_days=pl.col("oldest").fill_null(0),
             urgent_high_share_90d=pl.when(pl.col("tickets90").fill_null(0) > 0).then(pl.col("urgent90") / pl.col("tickets90")).otherwise(0.0),
             sla_breaches_90d=pl.col("sla90").fill_null(0),
             escalations_90d=pl.col("escalated90").fill_null(0),
             csat_mean_180d=pl.col("csat180"),
             days_to_resolve_mean_90d=pl.col("resolve90"),
             nps_missing=pl.when(has_p).then(0.0).otherwise(1.0),
             nps_last_score=pl.col("last_score"),
             nps_days_since_last=pl.col("last_age"),
             nps_mean_180d=pl.col("mean180"),
             nps_detractor_share_180d=pl.col("detractors180"),
             nps_promoter_share_180d=pl.col("promoters180"),
             nps_responses_365d=pl.col("responses365"),
             nps_change_last_two=pl.col("last_score") - pl.col("before_last"),
         ))
names = model["signals"]["featureNames"]
table = frame.select("account_id", *names).collect()
clock.lap("features")

x = table.select(names).with_columns(pl.all().cast(F).fill_null(np.nan)).to_numpy()
probability = common.score(model, x)
clock.lap("score")

pl.DataFrame({"account_id": table["account_id"], "as_of": args.as_of, "churn_probability": probability}).write_csv(args.out)
clock.lap("write")
if args.features_out:
    table.write_csv(args.features_out)
common.report(clock, table.height, {"polars": pl.__version__, "numpy": np.__version__})
