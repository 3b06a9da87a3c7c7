#!/usr/bin/env python3
"""The daily run the way a data team writes it with pandas and scikit-learn: read the
signals, compute the churn model's features as of D (daily_common.py defines them), score
with the model file's coefficients through scikit-learn's LogisticRegression, write a score
CSV. Prints one JSON line of stage timings.

Usage: daily_pandas.py --signals DIR --model MODEL --as-of YYYY-MM-DD --out FILE
"""
import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression

import daily_common as common

args = common.arguments()
clock = common.Stopwatch()
model = common.load_model(args.model)
D = common.day_number(args.as_of)


def read(name, dates, **kw):
    frame = pd.read_csv(common.signal_file(args.signals, name), engine="pyarrow", **kw)
    for column in dates:
        frame[column] = frame[column].values.astype("datetime64[D]").astype(np.int64)
    return frame


# Read: usage.csv on its own (the ingest figure), then the rest.
usage = read("usage.csv", ["date"], parse_dates=["date"])
clock.lap("read_usage")
accounts = read("accounts.csv", ["contract_start", "renewal_date", "churn_date"],
                parse_dates=["contract_start", "renewal_date", "churn_date"])
tickets = read("tickets.csv", ["opened_at", "closed_at"], parse_dates=["opened_at", "closed_at"])
nps = read("nps.csv", ["date"], parse_dates=["date"])
for name in ["projects.csv", "timesheets.csv", "milestones.csv", "change_orders.csv"]:
    read(name, [])  # the daily job reads every file, as Vitals does
clock.lap("read_other")

# Features as of D, one row per account that is a customer on D.
missing_date = np.datetime64("NaT").astype(np.int64)
accounts = accounts[(accounts.contract_start <= D) & ((accounts.churn_date == missing_date) | (accounts.churn_date > D))]
accounts = accounts.reset_index(drop=True)
ids = accounts.account_id
start = accounts.set_index("account_id").contract_start
seats = accounts.set_index("account_id").seats.astype(float)
seats = seats.where(seats > 0)
f = pd.DataFrame(index=pd.Index(ids, name="account_id"))

# account
f["tenure_days"] = (D - start).astype(float)
anchor = pd.to_datetime(np.where(accounts.renewal_date == missing_date, accounts.contract_start, accounts.renewal_date), unit="D")
d = pd.Timestamp(args.as_of)
year = common.next_anniversary(anchor.month.values, anchor.day.values, d.year, d.month, d.day)
renewal = pd.to_datetime(pd.DataFrame({"year": year, "month": anchor.month.values, "day": anchor.day.values}))
f["days_to_renewal"] = (renewal - d).dt.days.values.astype(float)
f["log_arr"] = np.log1p(accounts.arr.values)
f["seats"] = accounts.seats.values.astype(float)
for level in model["signals"]["layout"]["segmentLevels"]:
    f[f"segment={level}"] = (accounts.segment == level).values.astype(float)

# usage
u = usage[(usage.date <= D) & usage.account_id.isin(ids)]
daily = u.groupby(["account_id", "date"], sort=False).sum(numeric_only=True).reset_index()
daily["age"] = D - daily.date
daily["start"] = daily.account_id.map(start)


def window_sum(column, mask):
    return daily[mask].groupby("account_id")[column].sum().reindex(f.index, fill_value=0).astype(float)


def mean_active(w):
    days = (D - np.maximum(D - w + 1, start)).reindex(f.index) + 1
    return window_sum("active_users", (daily.age < w) & (daily.date >= daily.start)) / days


m = {w: mean_active(w) for w in (7, 30, 90)}
f["usage_missing"] = 0.0
for w in (7, 30, 90):
    f[f"active_user_ratio_{w}d"] = m[w] / seats
# trend: 13 weekly means, week 12 ends on D
recent = daily[daily.age <= 90]
week = 12 - recent.age // 7
weekly = recent.assign(week=week).pivot_table(index="account_id", columns="week", values="active_users", aggfunc="sum")
weekly = weekly.reindex(index=f.index, columns=range(13), fill_value=0).fillna(0).values / 7
week_end = D - 7 * (12 - np.arange(13))
valid = (week_end[None, :] - 6) >= start.reindex(f.index).values[:, None]
n = valid.sum(axis=1)
x = np.arange(13)[None, :]
with np.errstate(invalid="ignore", divide="ignore"):
    x_mean = (np.where(valid, x, 0).sum(axis=1) / n)[:, None]
    y_mean = (np.where(valid, weekly, 0).sum(axis=1) / n)[:, None]
    sxy = np.where(valid, (x - x_mean) * (weekly - y_mean), 0).sum(axis=1)
    sxx = np.where(valid, (x - x_mean) ** 2, 0).sum(axis=1)
    trend = np.where(y_mean[:, 0] > 0, sxy / sxx / y_mean[:, 0], 0.0)
f["usage_trend_90d"] = np.where(n >= 4, trend, np.nan)
f["active_users_30d_over_90d"] = (m[30] / m[90]).where(m[90] > 0)
last_active = daily[daily.active_users > 0].groupby("account_id").date.max().reindex(f.index)
f["days_since_last_activity"] = (D - last_active).astype(float)
active30 = window_sum("active_users", daily.age < 30)
f["key_events_per_active_user_30d"] = (window_sum("key_events", daily.age < 30) / active30).where(active30 > 0)
f["sessions_per_active_user_30d"] = (window_sum("sessions", daily.age < 30) / active30).where(active30 > 0)


def completion(mask):
    started = window_sum("workflows_started", mask)
    return np.minimum(1, window_sum("workflows_completed", mask) / started).where(started > 0)


rate90 = completion(daily.age < 90)
f["workflow_completion_rate_90d"] = rate90
f["workflow_abandonment_rate_90d"] = 1 - rate90
f["workflow_completion_change_90d"] = completion(daily.age < 30) - completion((daily.age >= 30) & (daily.age < 90))
no_usage = ~f.index.isin(daily.account_id)
f.loc[no_usage, common.FEATURES_USAGE] = np.nan
f.loc[no_usage, "usage_missing"] = 1.0

# support
t = tickets[(tickets.opened_at <= D) & tickets.account_id.isin(ids)].copy()
t["age"] = D - t.opened_at
t["closed_by_d"] = (t.closed_at != missing_date) & (t.closed_at <= D)
t["urgent"] = t.priority.isin(["high", "urgent"])


def count(mask):
    return t[mask].groupby("account_id").size().reindex(f.index, fill_value=0).astype(float)


f["support_missing"] = 0.0
f["tickets_30d"] = count(t.age < 30)
f["tickets_90d"] = count(t.age < 90)
f["tickets_per_seat_30d"] = f.tickets_30d / seats
f["tickets_per_seat_90d"] = f.tickets_90d / seats
f["open_tickets"] = count(~t.closed_by_d)
f["oldest_open_ticket_days"] = t[~t.closed_by_d].groupby("account_id").age.max().reindex(f.index, fill_value=0).astype(float)
f["urgent_high_share_90d"] = (count((t.age < 90) & t.urgent) / f.tickets_90d).where(f.tickets_90d > 0, 0.0)
f["sla_breaches_90d"] = count((t.age < 90) & t.closed_by_d & (t.sla_breached == True))  # noqa: E712
f["escalations_90d"] = count((t.age < 90) & t.closed_by_d & (t.escalated == True))  # noqa: E712
f["csat_mean_180d"] = t[(t.age < 180) & t.closed_by_d & t.csat.notna()].groupby("account_id").csat.mean().reindex(f.index)
resolved = t[t.closed_by_d & (D - t.closed_at < 90)]
f["days_to_resolve_mean_90d"] = (resolved.closed_at - resolved.opened_at).groupby(resolved.account_id).mean().reindex(f.index)

# nps
s = nps[(nps.date <= D) & nps.account_id.isin(ids)].reset_index(drop=True)
s = s.sort_values(["account_id", "date"], kind="stable")
s["age"] = D - s.date
g = s.groupby("account_id")
last = g.tail(1).set_index("account_id")
before_last = g.nth(-2).set_index("account_id")
scores_180d = s[s.age < 180].groupby("account_id").score
f["nps_missing"] = (~f.index.isin(last.index)).astype(float)
f["nps_last_score"] = last.score.reindex(f.index).astype(float)
f["nps_days_since_last"] = last.age.reindex(f.index).astype(float)
f["nps_mean_180d"] = scores_180d.mean().reindex(f.index)
f["nps_detractor_share_180d"] = s[s.age < 180].assign(v=s.score <= 6).groupby("account_id").v.mean().reindex(f.index)
f["nps_promoter_share_180d"] = s[s.age < 180].assign(v=s.score >= 9).groupby("account_id").v.mean().reindex(f.index)
f["nps_responses_365d"] = s[s.age < 365].groupby("account_id").size().reindex(f.index, fill_value=0).astype(float)
f["nps_responses_365d"] = f.nps_responses_365d.where(f.nps_missing == 0)
f["nps_change_last_two"] = f.nps_last_score - before_last.score.reindex(f.index)
clock.lap("features")

# Score with scikit-learn: the model file's imputation, scaling and coefficients.
names = model["signals"]["featureNames"]
X = f[names].to_numpy(dtype=np.float64)
fitted = model["model"]
imputer = SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True).fit(X[:1])
imputer.statistics_ = np.asarray(model["signals"]["imputer"]["values"], dtype=np.float64)
Z = (imputer.transform(X) - np.asarray(fitted["means"])) / np.asarray(fitted["scales"])
lr = LogisticRegression()
lr.classes_ = np.array([0, 1])
lr.coef_ = np.asarray(fitted["coefficients"], dtype=np.float64)[None, :]
lr.intercept_ = np.array([fitted["intercept"]])
probability = common.calibrate(fitted["calibration"], lr.decision_function(Z))
clock.lap("score")

pd.DataFrame({"account_id": f.index, "as_of": args.as_of, "churn_probability": probability}).to_csv(args.out, index=False)
clock.lap("write")
if args.features_out:
    f[model["signals"]["featureNames"]].to_csv(args.features_out)
common.report(clock, len(f), {"pandas": pd.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__})
