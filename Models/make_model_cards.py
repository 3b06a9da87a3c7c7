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

## `churn.json`: will an account churn within 90 days?

- **Model id** `{c['model_id']}`. {describe(c)}; C = {c['config']['model.c']}, chosen by
  3-fold cross-validation forward in time and grouped by account. The {c['model']['calibration']['method']} calibration is fitted on the
  latest 20 % of the training snapshot dates. Held out: {held_out(c)}.
- **Training data**: the simulated book (2,000 accounts, 2024-01 to 2025-12). It uses the
  month-end snapshots {c['data']['range']} whose whole 90-day window ended by 2025-06-30:
  {c['data']['rows']} snapshots, {c['data']['positives']} churned.
- **Features** ({len(c['model']['feature_names'])}):
  - the account, usage, support, NPS and delivery families of [docs/FEATURES.md](../docs/FEATURES.md);
  - the Markov health state (onboarding, and "at least" each band after the best, so a worse band
    only adds risk), the chain's churn probability within the horizon, and the expected months to churn.

  The strongest shapes (log-odds from the lowest to the highest training value; for lines the
  standardized coefficient): {top(c)}.
- **Later window** (`churn-evaluation.json`): month-ends after 2025-07-01 whose window ended within
  the data, {ce['n']} account-snapshots, {ce['positives']} churned; k = {ce['k']}. The pooled precision@k ranks
  every date's rows together; a team with k calls per month-end lives the per-date figures below it.

{table(ce)}

{per_date(ce)}

Before and after, on the same window (95 % intervals in brackets):

{before_after(ce, cl)}

## `overrun.json`: will a project in flight end over budget or late?

- **Model id** `{o['model_id']}`. {describe(o)}; C = {o['config']['model.c']}, chosen by
  cross-validation forward in time and grouped by project, with {o['model']['calibration']['method']} calibration. Held out: {held_out(o)}.
- **Training data**: weekly snapshots {o['data']['range']} of in-flight projects whose outcome was
  known by 2025-06-30: {o['data']['rows']} project-weeks. Of these, {o['data']['positives']} ended over budget
  (hours above budget × 1.10) or late (more than 14 days after the planned end).
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
- **Two views of risk.** `expected_days_to_churn` in the score files comes from the Markov
  chain's state alone, not from the logistic model, so it can disagree with a high churn
  probability.
"""
with open(os.path.join(HERE, "README.md"), "w") as f:
    f.write(doc)
