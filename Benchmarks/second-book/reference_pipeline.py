#!/usr/bin/env python3
"""Reference churn and overrun models: pandas + scikit-learn, as a data team would write them in a day.

Reads a signals directory (docs/SIGNALS.md), builds point-in-time snapshots, trains a
StandardScaler + LogisticRegression per task on the snapshots whose labels are known
by --cutoff, and evaluates on later snapshot dates.

    python reference_pipeline.py --signals DIR --cutoff 2025-03-31 --out reference.json

Labels follow docs/FEATURES.md, so the comparison with Vitals is like-for-like:

* churn: an account that is a customer on D (contract_start <= D, not churned by D) is
  positive when churn_date is in (D, D + 90]; the label is known only when D + 90 is on
  or before the end of the data (for training: on or before the cutoff);
* overrun: a project in flight on D (started, not ended by D) is positive when it
  completed with logged hours above budget_hours x 1.10 or ended after
  planned_end_date + 14 days; cancelled projects and projects not completed by the end
  of the data (the cutoff, for training) have no label.

The features were written once from the contract, before any result was seen, and
have not been changed to suit either generator.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

EPOCH = dt.date(1970, 1, 1)
HORIZON = 90
TOLERANCE = 0.10
GRACE = 14

CHURN_FEATURES = [
    "util_30d",                 # mean daily active users over 30 days, per seat
    "usage_trend",              # active users per day, last 30 days over the 60 days before
    "days_since_active",        # days since the last day with an active user
    "key_events_per_user_30d",  # key events per active user-day, last 30 days
    "wf_completion_90d",        # workflows completed / started, last 90 days
    "tickets_90d",              # tickets opened in the last 90 days
    "high_urgent_90d",          # of which priority high or urgent
    "escalations_90d",          # of which escalated (closed by D: the flag is set whenever it happened)
    "open_tickets",             # tickets open on D
    "nps_last",                 # the latest NPS score
    "days_to_renewal",          # days to the next contract anniversary after D
    "log_arr",                  # log(1 + ARR)
    "project_overrun_365d",     # a project finished in the last year over budget or late
]
OVERRUN_FEATURES = [
    "elapsed_share",            # days since start over planned duration
    "burned_share",             # hours logged over budget hours
    "burn_ratio",               # burned share over elapsed share
    "co_hours_ratio",           # change-order hours over budget hours
    "late_milestones",          # milestones due by D and not completed by their due date
    "hours_28d_share",          # hours logged in the last 28 days over budget hours
    "log_budget",               # log(1 + budget hours)
    "account_tickets_90d",      # the account's tickets in the last 90 days
]


# ---------------------------------------------------------------------------
# reading


def day_number(d):
    return (d - EPOCH).days


def from_day(n):
    return EPOCH + dt.timedelta(days=int(n))


def read(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip().lower() for c in df.columns]
    return df


def days(col):
    """Dates or ISO timestamps (with offsets) to UTC day numbers; empty -> NaN."""
    s = col.astype(str).str.strip()
    ts = pd.to_datetime(s.where(s != ""), utc=True, format="ISO8601")
    out = (ts - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
    return np.floor(out.to_numpy(dtype=float))


def num(col):
    s = col.astype(str).str.strip()
    return pd.to_numeric(s.where(s != ""), errors="coerce").to_numpy(dtype=float)


def boolean(col):
    return col.astype(str).str.strip().str.lower().isin(["true", "yes", "1"]).to_numpy()


class Book:
    """The signals directory as numpy arrays, keyed by account and project codes."""

    def __init__(self, directory):
        a = read(directory, "accounts.csv")
        self.account_ids = a["account_id"].to_numpy()
        self.acc_index = pd.Index(self.account_ids)
        self.segment = a["segment"].to_numpy() if "segment" in a else np.full(len(a), "")
        self.arr = num(a["arr"]) if "arr" in a else np.full(len(a), np.nan)
        self.seats = num(a["seats"]) if "seats" in a else np.full(len(a), np.nan)
        self.contract_start = days(a["contract_start"])
        self.renewal = days(a["renewal_date"]) if "renewal_date" in a else np.full(len(a), np.nan)
        self.churn = days(a["churn_date"]) if "churn_date" in a else np.full(len(a), np.nan)
        # the anniversary (month, day) that renewals fall on: from renewal_date, else contract_start
        anchor = np.where(np.isnan(self.renewal), self.contract_start, self.renewal)
        anchor_dates = [from_day(x) for x in anchor]
        self.anniv = [(x.month, x.day) for x in anchor_dates]

        events = []
        u = read(directory, "usage.csv")
        if u is not None:
            u = u.assign(day=days(u["date"]), acct=self.acc_index.get_indexer(u["account_id"]))
            for c in ("active_users", "sessions", "key_events", "workflows_started", "workflows_completed"):
                u[c] = num(u[c]) if c in u else np.nan
            # several rows for one account and day are summed
            g = u.groupby(["acct", "day"], sort=True)[["active_users", "key_events", "workflows_started",
                                                      "workflows_completed"]].sum(min_count=1).reset_index()
            self.u_acct = g["acct"].to_numpy()
            self.u_day = g["day"].to_numpy()
            self.u_au = g["active_users"].fillna(0).to_numpy()
            self.u_ke = g["key_events"].fillna(0).to_numpy()
            self.u_ws = g["workflows_started"].fillna(0).to_numpy()
            self.u_wc = g["workflows_completed"].fillna(0).to_numpy()
            events.append(self.u_day)
        self.has_usage = u is not None

        t = read(directory, "tickets.csv")
        self.has_tickets = t is not None
        if t is not None:
            self.t_acct = self.acc_index.get_indexer(t["account_id"])
            self.t_open = days(t["opened_at"])
            self.t_close = days(t["closed_at"]) if "closed_at" in t else np.full(len(t), np.nan)
            pri = t["priority"].str.strip().str.lower() if "priority" in t else pd.Series([""] * len(t))
            self.t_hi = pri.isin(["high", "urgent"]).to_numpy()
            self.t_esc = boolean(t["escalated"]) if "escalated" in t else np.zeros(len(t), bool)
            events += [self.t_open, self.t_close]

        n = read(directory, "nps.csv")
        self.has_nps = n is not None
        if n is not None:
            nps = pd.DataFrame({"acct": self.acc_index.get_indexer(n["account_id"]), "day": days(n["date"]),
                                "score": num(n["score"])})
            # several responses on one day: their mean
            self.nps = nps.groupby(["acct", "day"], as_index=False)["score"].mean().sort_values(["acct", "day"])
            events.append(self.nps["day"].to_numpy())

        p = read(directory, "projects.csv")
        self.has_projects = p is not None
        if p is not None:
            self.project_ids = p["project_id"].to_numpy()
            self.proj_index = pd.Index(self.project_ids)
            self.p_acct = self.acc_index.get_indexer(p["account_id"])
            self.p_type = p["type"].to_numpy() if "type" in p else np.full(len(p), "")
            self.p_start = days(p["start_date"])
            self.p_planned_end = days(p["planned_end_date"])
            self.p_budget = num(p["budget_hours"])
            self.p_end = days(p["actual_end_date"]) if "actual_end_date" in p else np.full(len(p), np.nan)
            status = p["status"].str.strip().str.lower() if "status" in p else pd.Series([""] * len(p))
            status = np.where(status == "", np.where(np.isnan(self.p_end), "active", "completed"), status)
            self.p_status = status
            events.append(self.p_end)
            ts = read(directory, "timesheets.csv")
            if ts is not None:
                self.ts_proj = self.proj_index.get_indexer(ts["project_id"])
                self.ts_day = days(ts["date"])
                self.ts_hours = num(ts["hours"])
                events.append(self.ts_day)
            else:
                self.ts_proj, self.ts_day, self.ts_hours = np.zeros(0, int), np.zeros(0), np.zeros(0)
            ms = read(directory, "milestones.csv")
            if ms is not None:
                self.ms_proj = self.proj_index.get_indexer(ms["project_id"])
                self.ms_due = days(ms["due_date"])
                self.ms_done = days(ms["completed_date"]) if "completed_date" in ms else np.full(len(ms), np.nan)
                events.append(self.ms_done)
            else:
                self.ms_proj, self.ms_due, self.ms_done = np.zeros(0, int), np.zeros(0), np.zeros(0)
            co = read(directory, "change_orders.csv")
            if co is not None:
                self.co_proj = self.proj_index.get_indexer(co["project_id"])
                self.co_day = days(co["date"])
                self.co_hours = num(co["hours_added"])
                events.append(self.co_day)
            else:
                self.co_proj, self.co_day, self.co_hours = np.zeros(0, int), np.zeros(0), np.zeros(0)
        events.append(self.churn)
        allev = np.concatenate([e[~np.isnan(e)] for e in events if len(e)])
        self.end = int(allev.max())
        # the first signal: the earliest usage, ticket, survey or timesheet
        first = [self.u_day if self.has_usage else None, self.t_open if self.has_tickets else None,
                 self.nps["day"].to_numpy() if self.has_nps else None,
                 self.ts_day if self.has_projects else None]
        self.first = int(min(np.nanmin(x) for x in first if x is not None and len(x)))
        self.n_acc = len(self.account_ids)


# ---------------------------------------------------------------------------
# snapshot dates


def month_ends(lo, hi):
    out = []
    d = from_day(lo)
    y, m = d.year, d.month
    while True:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        me = day_number(nxt) - 1
        if me > hi:
            return out
        if me >= lo:
            out.append(me)
        y, m = nxt.year, nxt.month


def sundays(lo, hi):
    d = lo + (6 - from_day(lo).weekday()) % 7
    return list(range(d, hi + 1, 7))


# ---------------------------------------------------------------------------
# features


def window_sum(codes, daycol, values, lo, hi, size):
    """Sum of values per code over days in (lo, hi]."""
    m = (daycol > lo) & (daycol <= hi)
    return np.bincount(codes[m], weights=values[m], minlength=size)


def next_anniversary(month_day, D):
    d = from_day(D)
    m, dd = month_day
    for y in (d.year, d.year + 1):
        try:
            c = dt.date(y, m, dd)
        except ValueError:  # 29 February in a common year
            c = dt.date(y, m, 28)
        if c > d:
            return (c - d).days
    return np.nan


def project_labels(b, known_end):
    """Overrun label per project as known at known_end (NaN when not known)."""
    hours = np.bincount(b.ts_proj[b.ts_day <= known_end], weights=b.ts_hours[b.ts_day <= known_end],
                        minlength=len(b.project_ids))
    done = (b.p_status == "completed") & (b.p_end <= known_end)
    over = (hours > b.p_budget * (1 + TOLERANCE)) | (b.p_end > b.p_planned_end + GRACE)
    return np.where(done, over.astype(float), np.nan), hours


def churn_snapshot(b, D, known_end):
    n = b.n_acc
    alive = (b.contract_start <= D) & (np.isnan(b.churn) | (b.churn > D))
    f = {}
    if b.has_usage:
        au30 = window_sum(b.u_acct, b.u_day, b.u_au, D - 30, D, n)
        au_prior = window_sum(b.u_acct, b.u_day, b.u_au, D - 90, D - 30, n)
        ke30 = window_sum(b.u_acct, b.u_day, b.u_ke, D - 30, D, n)
        ws90 = window_sum(b.u_acct, b.u_day, b.u_ws, D - 90, D, n)
        wc90 = window_sum(b.u_acct, b.u_day, b.u_wc, D - 90, D, n)
        m = (b.u_day <= D) & (b.u_au > 0)
        last = np.full(n, -np.inf)
        np.maximum.at(last, b.u_acct[m], b.u_day[m])
        with np.errstate(divide="ignore", invalid="ignore"):
            f["util_30d"] = au30 / 30.0 / b.seats
            f["usage_trend"] = (au30 / 30.0) / (au_prior / 60.0)
            f["key_events_per_user_30d"] = ke30 / au30
            f["wf_completion_90d"] = wc90 / ws90
        f["days_since_active"] = np.where(np.isfinite(last), D - last, np.nan)
    else:
        for k in ("util_30d", "usage_trend", "key_events_per_user_30d", "wf_completion_90d", "days_since_active"):
            f[k] = np.full(n, np.nan)
    if b.has_tickets:
        m90 = (b.t_open > D - 90) & (b.t_open <= D)
        closed = b.t_close <= D
        f["tickets_90d"] = np.bincount(b.t_acct[m90], minlength=n).astype(float)
        f["high_urgent_90d"] = np.bincount(b.t_acct[m90 & b.t_hi], minlength=n).astype(float)
        f["escalations_90d"] = np.bincount(b.t_acct[m90 & b.t_esc & closed], minlength=n).astype(float)
        op = (b.t_open <= D) & ~closed
        f["open_tickets"] = np.bincount(b.t_acct[op], minlength=n).astype(float)
    else:
        for k in ("tickets_90d", "high_urgent_90d", "escalations_90d", "open_tickets"):
            f[k] = np.full(n, np.nan)
    nps_last = np.full(n, np.nan)
    if b.has_nps:
        s = b.nps[b.nps["day"] <= D]
        lastrow = s.groupby("acct").tail(1)
        nps_last[lastrow["acct"].to_numpy()] = lastrow["score"].to_numpy()
    f["nps_last"] = nps_last
    f["days_to_renewal"] = np.array([next_anniversary(md, D) for md in b.anniv], dtype=float)
    f["log_arr"] = np.log1p(b.arr)
    over = np.zeros(n)
    if b.has_projects:
        lab, _ = project_labels(b, D)
        recent = (b.p_end > D - 365) & (lab == 1)
        over[b.p_acct[recent]] = 1.0
    f["project_overrun_365d"] = over
    df = pd.DataFrame({k: f[k] for k in CHURN_FEATURES})
    df.insert(0, "as_of", D)
    df.insert(0, "entity", b.account_ids)
    df["segment"] = b.segment
    # the label: known only when the whole horizon is within the known data
    if D + HORIZON <= known_end:
        df["label"] = ((b.churn > D) & (b.churn <= D + HORIZON)).astype(float)
    else:
        df["label"] = np.nan
    return df[alive].reset_index(drop=True)


def overrun_snapshot(b, D, known_end, acct_tickets_90d):
    P = len(b.project_ids)
    inflight = (b.p_start <= D) & (np.isnan(b.p_end) | (b.p_end > D))
    planned = b.p_planned_end - b.p_start
    hours = np.bincount(b.ts_proj[b.ts_day <= D], weights=b.ts_hours[b.ts_day <= D], minlength=P)
    h28 = window_sum(b.ts_proj, b.ts_day, b.ts_hours, D - 28, D, P)
    co = np.bincount(b.co_proj[b.co_day <= D], weights=b.co_hours[b.co_day <= D], minlength=P)
    late_ms = (b.ms_due <= D) & (np.isnan(b.ms_done) | (b.ms_done > b.ms_due))
    late = np.bincount(b.ms_proj[late_ms], minlength=P).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed = (D - b.p_start) / planned
        burned = hours / b.p_budget
        df = pd.DataFrame({
            "entity": b.project_ids, "as_of": D,
            "elapsed_share": elapsed,
            "burned_share": burned,
            "burn_ratio": np.where(elapsed > 0, burned / elapsed, np.nan),
            "co_hours_ratio": co / b.p_budget,
            "late_milestones": late,
            "hours_28d_share": h28 / b.p_budget,
            "log_budget": np.log1p(b.p_budget),
            "account_tickets_90d": acct_tickets_90d[b.p_acct] if acct_tickets_90d is not None else np.nan,
            "type": b.p_type,
        })
    lab, _ = project_labels(b, known_end)
    df["label"] = lab
    return df[inflight].reset_index(drop=True)


def build(b, task, dates, known_end):
    frames = []
    for D in dates:
        if task == "churn":
            frames.append(churn_snapshot(b, D, known_end))
        else:
            acct_t = None
            if b.has_tickets:
                m90 = (b.t_open > D - 90) & (b.t_open <= D)
                acct_t = np.bincount(b.t_acct[m90], minlength=b.n_acc).astype(float)
            frames.append(overrun_snapshot(b, D, known_end, acct_t))
    return pd.concat(frames, ignore_index=True)


def clean(x):
    """JSON-ready: numpy scalars to Python, NaN to null."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if np.isnan(x) else float(x)
    return x


# ---------------------------------------------------------------------------
# model


def design(df, task, columns=None):
    feats = CHURN_FEATURES if task == "churn" else OVERRUN_FEATURES
    cat = "segment" if task == "churn" else "type"
    X = pd.concat([df[feats].astype(float), pd.get_dummies(df[cat], prefix=cat, dtype=float)], axis=1)
    X = X.replace([np.inf, -np.inf], np.nan)
    if columns is not None:
        X = X.reindex(columns=columns, fill_value=0.0)
    return X


def fit(train, task, seed):
    X = design(train, task)
    model = Pipeline([
        ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("logit", LogisticRegression(C=1.0, max_iter=2000, random_state=seed)),
    ])
    model.fit(X.to_numpy(), train["label"].to_numpy().astype(int))
    return model, list(X.columns)


# ---------------------------------------------------------------------------
# metrics, shared with compare.py


def precision_at_k(y, s, k, w=None):
    """Share of positives among the k highest scores (all rows when a date has fewer than k, as
    `vitals evaluate` counts it); w are bootstrap multiplicities."""
    order = np.argsort(-s, kind="stable")
    y, w = y[order], (np.ones(len(y)) if w is None else w[order])
    cum = np.cumsum(w)
    kk = min(float(k), cum[-1])
    take = np.clip(kk - (cum - w), 0, w)
    return float((take * y).sum() / kk)


def date_metrics(y, s, k, w=None):
    if w is not None:
        keep = w > 0
        y, s, w = y[keep], s[keep], w[keep]
    if len(y) == 0 or y.min() == y.max():
        return np.nan, np.nan, precision_at_k(y, s, k, w) if len(y) else np.nan
    return (roc_auc_score(y, s, sample_weight=w), average_precision_score(y, s, sample_weight=w),
            precision_at_k(y, s, k, w))


def summary(frame, score_cols, k, w=None):
    """Per-date and pooled figures for each score column of frame (entity, as_of, label, scores...)."""
    y = frame["label"].to_numpy()
    dates = frame["as_of"].to_numpy()
    out = {}
    for col in score_cols:
        s = frame[col].to_numpy()
        per = []
        for D in np.unique(dates):
            m = dates == D
            per.append(date_metrics(y[m], s[m], k, None if w is None else w[m]))
        per = np.array(per, dtype=float)
        pooled = date_metrics(y, s, k, w)
        with warnings.catch_warnings():  # a resample may leave no date with both classes: NaN, not a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            out[col] = {
                "per_date": per,
                "auc_mean": np.nanmean(per[:, 0]), "pr_auc_mean": np.nanmean(per[:, 1]),
                "precision_at_k_mean": np.nanmean(per[:, 2]),
                "auc_pooled": pooled[0], "pr_auc_pooled": pooled[1],
            }
    return out


SCALARS = ["auc_mean", "pr_auc_mean", "precision_at_k_mean", "auc_pooled", "pr_auc_pooled"]


def bootstrap(frame, score_cols, k, reps, seed):
    """95 % percentile intervals, resampling whole entities (accounts or projects) with replacement.
    The same draws serve every score column, so differences between columns are paired."""
    ents, codes = np.unique(frame["entity"].to_numpy(), return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = {c: {s: [] for s in SCALARS} for c in score_cols}
    diffs = {s: [] for s in SCALARS} if len(score_cols) == 2 else None
    for _ in range(reps):
        mult = np.bincount(rng.integers(0, len(ents), len(ents)), minlength=len(ents)).astype(float)
        r = summary(frame, score_cols, k, mult[codes])
        for c in score_cols:
            for s in SCALARS:
                draws[c][s].append(r[c][s])
        if diffs is not None:
            for s in SCALARS:
                diffs[s].append(r[score_cols[0]][s] - r[score_cols[1]][s])
    ci = lambda v: [float(np.nanpercentile(v, 2.5)), float(np.nanpercentile(v, 97.5))]
    out = {c: {s: ci(draws[c][s]) for s in SCALARS} for c in score_cols}
    if diffs is not None:
        out["difference"] = {s: ci(diffs[s]) for s in SCALARS}
        out["difference_share_above_zero"] = {s: float(np.mean(np.array(diffs[s]) > 0)) for s in SCALARS}
    return out


def report(frame, score_col, k, reps, seed):
    point = summary(frame, [score_col], k)[score_col]
    iv = bootstrap(frame, [score_col], k, reps, seed)[score_col]
    dates = np.unique(frame["as_of"].to_numpy())
    per = []
    for D, row in zip(dates, point["per_date"]):
        m = frame["as_of"].to_numpy() == D
        per.append({"as_of": str(from_day(D)), "rows": int(m.sum()),
                    "positives": int(frame["label"].to_numpy()[m].sum()),
                    "auc": row[0], "pr_auc": row[1], "precision_at_k": row[2]})
    return {"k": k, "rows": len(frame), "positives": int(frame["label"].sum()), "snapshot_dates": len(dates),
            "per_date": per, **{s: float(point[s]) for s in SCALARS},
            "intervals": iv, "bootstrap_replicates": reps, "bootstrap_unit": "entity"}


# ---------------------------------------------------------------------------


def run_task(b, task, cutoff, eval_dates, k, reps, seed, train_cadence="monthly"):
    lo = b.first + 90
    t0 = time.time()
    if task == "churn":
        train_dates = [D for D in month_ends(lo, cutoff) if D + HORIZON <= cutoff]
    else:
        train_dates = (month_ends if train_cadence == "monthly" else sundays)(lo, cutoff)
    train = build(b, task, train_dates, cutoff).dropna(subset=["label"])
    test = build(b, task, eval_dates, b.end).dropna(subset=["label"])
    t1 = time.time()
    model, columns = fit(train, task, seed)
    t2 = time.time()
    test = test.assign(score=model.predict_proba(design(test, task, columns).to_numpy())[:, 1])
    res = report(test, "score", k, reps, seed)
    t3 = time.time()
    lr = model.named_steps["logit"]
    names = columns + [f"missing:{columns[i]}" for i in model.named_steps["impute"].indicator_.features_]
    res.update({
        "features": columns,
        "coefficients_standardized": dict(sorted(zip(names, map(float, lr.coef_[0])), key=lambda x: -abs(x[1]))),
        "train_rows": len(train), "train_positives": int(train["label"].sum()),
        "train_dates": [str(from_day(D)) for D in (train_dates[0], train_dates[-1])] if train_dates else [],
        "seconds": {"snapshots": round(t1 - t0, 2), "fit": round(t2 - t1, 2), "evaluate": round(t3 - t2, 2)},
    })
    return res, test[["entity", "as_of", "label", "score"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description="pandas + scikit-learn reference churn and overrun models")
    ap.add_argument("--signals", required=True, help="the signals directory")
    ap.add_argument("--cutoff", required=True, help="train on labels known by this date (YYYY-MM-DD)")
    ap.add_argument("--eval-from", help="first evaluation snapshot date (default: the day after --cutoff)")
    ap.add_argument("--eval-to", help="last evaluation snapshot date (default: the end of the data)")
    ap.add_argument("--tasks", default="churn,overrun")
    ap.add_argument("--overrun-eval-cadence", choices=["monthly", "weekly"], default="monthly",
                    help="snapshot dates to evaluate overrun on (compare.py passes weekly, as Vitals evaluates)")
    ap.add_argument("--overrun-train-cadence", choices=["monthly", "weekly"], default="monthly")
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="the JSON result file")
    ap.add_argument("--predictions", help="a folder for <task>-predictions.csv (entity, as_of, label, score)")
    a = ap.parse_args(argv)

    t0 = time.time()
    b = Book(a.signals)
    t_read = time.time() - t0
    cutoff = day_number(dt.date.fromisoformat(a.cutoff))
    lo = day_number(dt.date.fromisoformat(a.eval_from)) if a.eval_from else cutoff + 1
    hi = day_number(dt.date.fromisoformat(a.eval_to)) if a.eval_to else b.end
    result = {"signals": os.path.abspath(a.signals), "cutoff": a.cutoff, "eval_from": str(from_day(lo)),
              "eval_to": str(from_day(hi)), "data_end": str(from_day(b.end)), "horizon_days": HORIZON,
              "tolerance": TOLERANCE, "grace_days": GRACE, "model": "SimpleImputer(median, indicators) + "
              "StandardScaler + LogisticRegression(C=1)", "seconds": {"read": round(t_read, 2)}}
    for task in a.tasks.split(","):
        if task == "churn":
            dates = [D for D in month_ends(lo, hi) if D + HORIZON <= b.end]
        else:
            dates = (month_ends if a.overrun_eval_cadence == "monthly" else sundays)(lo, hi)
        res, pred = run_task(b, task, cutoff, dates, a.k, a.reps, a.seed, a.overrun_train_cadence)
        res["eval_cadence"] = "monthly" if task == "churn" else a.overrun_eval_cadence
        result[task] = res
        if a.predictions:
            os.makedirs(a.predictions, exist_ok=True)
            pred.assign(as_of=[str(from_day(D)) for D in pred["as_of"]]).to_csv(
                os.path.join(a.predictions, f"{task}-predictions.csv"), index=False)
        print(f"{task}: AUC {res['auc_mean']:.3f} (per date, mean), PR AUC {res['pr_auc_mean']:.3f}, "
              f"precision@{a.k} {res['precision_at_k_mean']:.3f}; pooled AUC {res['auc_pooled']:.3f}, "
              f"PR AUC {res['pr_auc_pooled']:.3f}; {res['rows']} rows over {res['snapshot_dates']} dates",
              file=sys.stderr)
    result["seconds"]["total"] = round(time.time() - t0, 2)
    with open(a.out, "w") as f:
        json.dump(clean(result), f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
