#!/usr/bin/env python3
"""Writes Models/README.md, the model cards, from the model files and their evaluations.

Run by `make models` after training (standard library only).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(HERE, name)) as f:
        return json.load(f)


c, o = load("churn.json"), load("overrun.json")
ce, oe = load("churn-evaluation.json"), load("overrun-evaluation.json")
cl, ol = load("churn-linear-evaluation.json"), load("overrun-linear-evaluation.json")


def row(name, d):
    calibration = (f"{d['log_loss']:.4f} | {d['brier']:.4f} | {d['ece']:.4f}" if d.get("log_loss") is not None else "— | — | —")
    return (f"| {name} | {d['auc']:.4f} | {d['pr_auc']:.4f} | {calibration} | {d['precision_at_k']:.3f} | "
            f"{d['recall_at_k']:.3f} | {d['lift_top_decile']:.2f} |")


def table(e):
    lines = ["| score | AUC | PR AUC | log loss | Brier | ECE | precision@k (pooled) | recall@k (pooled) | lift, top decile |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|", row("model", e)]
    lines += [row(k, e["baselines"][k]) for k in sorted(e["baselines"])]
    return "\n".join(lines)


def per_date(e):
    """The model's precision@k and recall@k on each date's own ranking, and the bootstrap intervals."""
    k = e["k"]
    lines = [f"| snapshot date | rows | positive | precision@{k} | recall@{k} |", "|---|---:|---:|---:|---:|"]
    for c in e.get("cycles", []):
        recall = f"{c['recall_at_k']:.3f}" if c.get("recall_at_k") is not None else "—"
        lines.append(f"| {c['cycle']} | {c['rows']} | {c['positives']} | {c['precision_at_k']:.3f} | {recall} |")
    if e.get("precision_at_k_per_cycle") is not None:
        recall = f"{e['recall_at_k_per_cycle']:.3f}" if e.get("recall_at_k_per_cycle") is not None else "—"
        lines.append(f"| mean of {len(e['cycles'])} dates | | | {e['precision_at_k_per_cycle']:.3f} | {recall} |")
    iv = e.get("intervals", {})
    names = [("auc", "AUC"), ("pr_auc", "PR AUC"), ("precision_at_k", f"precision@{k} per date")]
    shown = " · ".join(f"{label} {iv[key]['lower']:.3f}–{iv[key]['upper']:.3f}" for key, label in names if key in iv)
    return "\n".join(lines) + (f"\n\n95 % intervals, bootstrap over {e.get('bootstrap_unit', 'row')}s "
                              f"({e.get('bootstrap_replicates', 0)} replicates): {shown}." if shown else "")


def held_out(m):
    """The held-out figures the trainer recorded, all on rows it never fitted on."""
    x = m["metrics"]
    return (f"AUC {x['holdout_auc']:.4f}, log loss {x['holdout_log_loss_uncalibrated']:.4f} uncalibrated and "
            f"{x['holdout_log_loss']:.4f} calibrated (cross-fitted over 5 blocks of the {int(x['holdout_rows'])} held-out rows)")


def risks(m):
    x = m["metrics"]
    return ", ".join(f"{name} held-out AUC {x[f'holdout_auc_{key}']:.4f} ({int(x[f'holdout_positives_{key}'])} positive)"
                     for key, name in (("hours_overrun", "hours over budget"), ("late", "late")) if f"holdout_auc_{key}" in x)


def curve_held_out(m):
    """The curve's own held-out figures at each horizon the held-out dates reach."""
    x = m["metrics"]
    parts = [f"{h} days AUC {x[f'holdout_auc_{h}d']:.4f}, predicted ÷ observed {x[f'holdout_calibration_ratio_{h}d']:.2f} "
             f"({int(x[f'holdout_rows_{h}d'])} snapshots)" for h in (30, 90, 180, 365) if f"holdout_auc_{h}d" in x]
    return "; ".join(parts) if parts else "none (no held-out snapshot's window ends within the data)"


def horizons(e):
    """The curve judged by horizon on the later window (rows whose whole window lies within the data)."""
    s = e.get("survival")
    if not s:
        return "(no curve)"
    f = lambda v, fmt: (fmt % v) if v is not None else "—"
    lines = ["| horizon | rows | left out | churned | AUC | Brier | predicted | observed | predicted ÷ observed |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for h in s["horizons"]:
        lines.append(f"| {h['days']} days | {h['rows']} | {h['left_out']} | {h['events']} | {f(h.get('auc'), '%.4f')} | "
                     f"{f(h.get('brier'), '%.4f')} | {f(h.get('mean_predicted') and 100 * h['mean_predicted'], '%.2f %%')} | "
                     f"{f(h.get('observed_rate') and 100 * h['observed_rate'], '%.2f %%')} | {f(h.get('calibration_ratio'), '%.2f')} |")
    b = s.get("book")
    if b:
        names = [x["name"] for x in b["forecasts"]]
        lines += ["", f"Book forecast backtest on the window's first date ({b['rows']} accounts): cumulative churned accounts by month, "
                  "observed against each forecast.", "",
                  "| month | observed | " + " | ".join(names) + " |", "|---:|---:|" + "---:|" * len(names)]
        for i, m in enumerate(b["months"]):
            lines.append(f"| {m} | {b['observed_accounts'][i]} | " + " | ".join(f"{x['accounts'][i]:.1f}" for x in b["forecasts"]) + " |")
    return "\n".join(lines)


def bspline_values(x, degree, lower, upper, interior):
    """The clamped B-spline basis at x (Cox-de Boor), as the model file defines it."""
    t = [lower] * (degree + 1) + interior + [upper] * (degree + 1)
    x = min(max(x, lower), upper)
    n_basis = len(interior) + degree + 1
    span = next((i for i in range(degree, n_basis) if t[i] <= x < t[i + 1]), n_basis - 1)
    b = [1.0 if i == span else 0.0 for i in range(len(t) - 1)]
    for k in range(1, degree + 1):
        nxt = []
        for i in range(len(t) - 1 - k):
            left = (x - t[i]) / (t[i + k] - t[i]) * b[i] if t[i + k] != t[i] else 0.0
            right = (t[i + k + 1] - x) / (t[i + k + 1] - t[i + 1]) * b[i + 1] if t[i + k + 1] != t[i + 1] else 0.0
            nxt.append(left + right)
        b = nxt
    return b[:n_basis]


def strengths(m):
    """Each feature's signed strength: a line's standardized coefficient, or a shape's range
    over the training values (signed by its overall direction), computed here from the file."""
    model, coefs = m["model"], m["model"]["coefficients"]
    if "shapes" not in model:
        return model["feature_names"], coefs
    names, out, column = [], [], 0
    for term in model["shapes"]["terms"]:
        names.append(term["feature"])
        if "line" in term:
            out.append(coefs[column]); column += 1
            continue
        sp = term["spline"]["basis"]
        width = len(sp["interior_knots"]) + sp["degree"]
        theta = coefs[column:column + width]; column += width
        grid = [sp["lower"] + (sp["upper"] - sp["lower"]) * i / 64 for i in range(65)]
        values = []
        for x in grid:
            b = bspline_values(x, sp["degree"], sp["lower"], sp["upper"], sp["interior_knots"])
            cumulative = [sum(b[j:]) for j in range(1, len(b))]
            values.append(sum(w * v for w, v in zip(theta, cumulative)))
        span = max(values) - min(values)
        out.append(span if values[-1] >= values[0] else -span)
    return names, out


def top(m, n=8):
    names, coefs = strengths(m)
    idx = sorted(range(len(coefs)), key=lambda j: (-abs(coefs[j]), j))[:n]
    return ", ".join(f"`{names[j]}` {coefs[j]:+.2f}" for j in idx)


def describe(m):
    shapes = m["model"].get("shapes")
    directions = sum(1 for t in shapes["terms"] if t["direction"] != "either") if shapes else 0
    if not shapes:
        return "A logistic regression with an L2 penalty"
    splines = sum(1 for t in shapes["terms"] if "spline" in t)
    columns = m["config"].get("model.basis_columns", "?")
    return (f"An additive logistic model (a GAM): a penalized cubic spline for each of {splines} numeric features "
            f"({columns} basis columns each, or one per value for a feature with fewer values; the size chosen by the same "
            f"cross-validation as C from `model.basis_grid`) and a line "
            f"for each of the other {len(shapes['terms']) - splines}, {directions} of them held to the direction the catalog declares")


def before_after(after, before):
    """The additive model beside the linear shape (the previous default) on the same later window."""
    def mean_p(e):
        return f"{e['precision_at_k_per_cycle']:.3f}" if e.get("precision_at_k_per_cycle") is not None else "—"
    def iv(e, key):
        i = e.get("intervals", {}).get(key)
        return f" ({i['lower']:.3f}–{i['upper']:.3f})" if i else ""
    rows = ["| shape | AUC | PR AUC | log loss | precision@k, mean over dates |", "|---|---:|---:|---:|---:|"]
    for name, e in [("linear (the previous default)", before), ("additive (the default now)", after)]:
        d = e
        rows.append(f"| {name} | {d['auc']:.4f}{iv(e, 'auc')} | {d['pr_auc']:.4f}{iv(e, 'pr_auc')} | {d['log_loss']:.4f} | "
                    f"{mean_p(e)}{iv(e, 'precision_at_k')} |")
    return "\n".join(rows)


doc = f"""# Shipped models

Two models trained on the built-in simulated book of business, so that `vitals
score` works out of the box and data teams have a reference to compare their own
retrained models with. `make models` rebuilds every file here byte for byte: it
simulates the default book (seed 42) into `.build/models-book`, trains with the
configs in `../Training` up to 2025-06-30, evaluates on the snapshots after it,
and writes this page with `make_model_cards.py`. Each model file is
self-describing JSON: its features, imputation, shapes (knots and coefficients),
directions, calibration, Markov chain, training config and a SHA-256 fingerprint of
the data. Each card ends with the same model fitted with `model.shape: linear` (the
previous default) beside it, on the same later window.

## `churn.json`: when will an account churn? (its curve, and within 90 days)

- **Model id** `{c['model_id']}`. A discrete-time hazard model: the chance an account churns in
  month k ahead (k = 1 … 12) given it is a customer at the month's start, logit hₖ = b + f(x) + g(k)
  + r · [a contract anniversary falls in month k]. f is {describe(c)[0].lower() + describe(c)[1:]}; g is
  the month's baseline and r the renewal month's lift. Each account's curve S(t) gives every score
  column: `churn_probability` (90 days), 30/90/180/365 days, by the renewal date, and the expected and
  median days to churn. C = {c['config']['model.c']}, chosen by 3-fold cross-validation forward in time
  and grouped by account, on person-months. The {c['model']['calibration']['method']} calibration of the
  hazard is fitted on the person-months of the latest 20 % of the training snapshot dates. Held out:
  {held_out(c)} (person-months); the curve itself: {curve_held_out(c)}.
- **Training data**: the simulated book (2,000 accounts, 2024-01 to 2025-12). Month-end snapshots
  {c['data']['range']} with at least one whole month known by 2025-06-30: {c['data']['rows']}
  snapshots, {c['data']['positives']} followed by a churn within the months known. Each snapshot gives
  its person-months (a month the data ends inside gives none, whatever happened in it); the fit uses
  one date in {c['config'].get('labels.curve_landmark_every', '1')} per account, staggered, {int(c['metrics']['train_rows'])} person-months.
- **Features** ({len(c['signals']['featureNames'])}, and the two month terms):
  - the account, usage, support, NPS and delivery families of [docs/FEATURES.md](../docs/FEATURES.md);
  - the Markov health state (onboarding, and "at least" each band after the best, so a worse band
    only adds risk), the chain's churn probability within the horizon, and the expected months to churn.

  The strongest shapes (log-odds from the lowest to the highest training value; for lines the
  standardized coefficient): {top(c)}.
- **Later window** (`churn-evaluation.json`): month-ends after 2025-07-01 whose 90-day window ended within
  the data, {ce['n']} account-snapshots, {ce['positives']} churned; k = {ce['k']}. The pooled precision@k ranks
  every date's rows together; a team with k calls per month-end lives the per-date figures below it.

{table(ce)}

{per_date(ce)}

The curve by horizon on the same window's month-ends (a row counts when its whole window lies within
the data; the window is six months long, so nothing reaches 180 or 365 days here):

{horizons(ce)}

Before and after, on the same window (95 % intervals in brackets):

{before_after(ce, cl)}

## `overrun.json`: will a project in flight end over budget or late?

- **Model id** `{o['model_id']}`. {describe(o)}; C = {o['config']['model.c']}, chosen by
  cross-validation forward in time and grouped by project, with {o['model']['calibration']['method']} calibration. Held out: {held_out(o)}.
- **Training data**: weekly snapshots {o['data']['range']} of in-flight projects whose outcome was
  known by 2025-06-30: {o['data']['rows']} project-weeks. Of these, {o['data']['positives']} ended over budget
  (hours above budget × 1.10) or late (more than 14 days after the planned end). The two risks have models
  of their own, with the same settings: {risks(o)}.
- **Features** ({len(o['model']['feature_names'])}):
  - the project family: burn, earned value, milestones, change orders, recent hours, type, and the
    account's tickets and NPS;
  - the phase chain's state ("at least" watch, "at least" off track), overrun probability, and expected weeks to delivery.

  The strongest shapes: {top(o)}.
- **Later window** (`overrun-evaluation.json`): Sundays after 2025-07-01, {oe['n']} project-weeks,
  {oe['positives']} overruns; k = {oe['k']}.

{table(oe)}

{per_date(oe)}

Before and after, on the same window:

{before_after(oe, ol)}

## Intended use

The models rank accounts daily for customer-success managers, and projects weekly for
professional-services leads. Each row gets a calibrated probability and its drivers.
The input must follow the signals contract. The shipped models show what the engine does
on a realistic book. **Retrain on your own data** before acting on the scores:
`vitals train DIR --config Training/churn.yaml`.

## Limits

- **Simulated training data.** The simulator's mechanisms shape the model: churn is
  decided at renewals from a latent health chain, and overruns come from project complexity
  and change orders. `days_to_renewal` dominates the churn model because simulated churn
  happens at renewals.
- **Calibration.** Beta calibration (a smooth, strictly increasing map of the log-odds) is
  fitted on a few months of held-out snapshots, so the extremes rest on few rows; no probability
  is ever exactly 0 or 1.
- **A short later window.** It covers about six months, so its figures have sampling error of
  a few points of AUC and precision.
- **One view of risk.** `expected_days_to_churn` comes from each account's own curve: its
  restricted mean over the curve's year plus a tail beyond it (the mean remaining time under the
  book's average monthly hazard, the same for every account), so accounts with lower curves have
  fewer days. The tail is an assumption the data cannot check.
- **The combined overrun probability** is kept within the range its two risks allow
  (max of the two ≤ combined ≤ their sum).
"""
with open(os.path.join(HERE, "README.md"), "w") as f:
    f.write(doc)
