#!/usr/bin/env python3
"""Reference values for SurvivalEvaluation: churn curves judged by horizon, with censoring.

    python3 make_reference.py      (numpy, scikit-learn, lifelines; writes reference.json)

The sample: 420 rows in three risk bands, each with a known constant daily hazard (a churn
day drawn from the geometric law, so days are integers and tie often), a data end drawn
between 0 and 520 days after the row's date (20 rows censored at day 0), and a churn seen only
when it falls on or before the data end. Each row's predicted curve is S(t) = exp(-l t) with
l its true hazard times a lognormal error, so the curves rank well but not perfectly.

The expected values, from the definitions the Swift code documents:
- per horizon h: the rows whose window of h days ends within the data (observed >= h days,
  whatever happened: administrative censoring), the number left out, the events; AUC from
  sklearn.metrics.roc_auc_score, Brier score from brier_score_loss, mean prediction and
  observed rate on those rows, their ratio; the mean prediction over every row and
  1 - S_KM(h) over every row (lifelines), null when no row's time reaches h;
- per band: Kaplan-Meier survival at the grid days from lifelines' KaplanMeierFitter
  (survival_function_at_times), the mean predicted S(t), the rows with time >= t;
- the book backtest on a second sample whose data all reach beyond month 6 but not month 7
  (month m = 365.25 / 12 * m days): accounts churned by each month counted directly, and
  two forecasts' expected accounts (and ARR) passed through.
Tests read the JSON and need no Python.
"""
import json
import math
import os

import lifelines
import numpy as np
import sklearn
from lifelines import KaplanMeierFitter
from sklearn.metrics import brier_score_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20260517)

BANDS = [("low", 0.0004), ("medium", 0.0015), ("high", 0.0045)]
HORIZONS = [30, 90, 180, 365]
GRID = list(range(0, 361, 30)) + [365]
n = 420

band_of, hazard, event_day, observed = [], [], [], []
for i in range(n):
    b = int(rng.integers(0, 3))
    lam = BANDS[b][1]
    churn = int(rng.geometric(lam))  # first day with a churn, >= 1
    obs = 0 if i < 20 else int(rng.integers(0, 521))
    band_of.append(BANDS[b][0])
    hazard.append(lam)
    event_day.append(churn if churn <= obs else None)
    observed.append(obs)
# A few churns exactly on a horizon day, and rows observed exactly to it: the boundaries.
for i, h in zip(range(20, 28), HORIZONS * 2):
    event_day[i], observed[i] = h, max(observed[i], h)
for i, h in zip(range(28, 32), HORIZONS):
    event_day[i], observed[i] = None, h

rate = np.array(hazard) * np.exp(rng.normal(0, 0.35, size=n))
predicted = [[float(1 - math.exp(-rate[i] * h)) for h in HORIZONS] for i in range(n)]
survival = [[float(math.exp(-rate[i] * t)) for t in GRID] for i in range(n)]

time = np.array([e if e is not None else o for e, o in zip(event_day, observed)])
event = np.array([e is not None for e in event_day])

horizons = []
for j, h in enumerate(HORIZONS):
    known = [i for i in range(n) if observed[i] >= h]
    y = np.array([1.0 if event_day[i] is not None and event_day[i] <= h else 0.0 for i in known])
    p = np.array([predicted[i][j] for i in known])
    km = KaplanMeierFitter().fit(time, event)
    at_risk = int((time >= h).sum())
    horizons.append({
        "days": h, "rows": len(known), "left_out": n - len(known), "events": int(y.sum()),
        "auc": float(roc_auc_score(y, p)), "brier": float(brier_score_loss(y, p)),
        "mean_predicted": float(p.mean()), "observed_rate": float(y.mean()),
        "calibration_ratio": float(p.mean() / y.mean()),
        "mean_predicted_all_rows": float(np.mean([predicted[i][j] for i in range(n)])),
        "kaplan_meier_rate": None if at_risk == 0 else float(1 - km.survival_function_at_times([h]).iloc[0]),
    })

bands = []
for name, _ in BANDS:
    rows = [i for i in range(n) if band_of[i] == name]
    km = KaplanMeierFitter().fit(time[rows], event[rows])
    bands.append({
        "band": name, "rows": len(rows), "days": GRID,
        "observed": [float(v) for v in km.survival_function_at_times(GRID).values],
        "predicted": [float(np.mean([survival[i][g] for i in rows])) for g in range(len(GRID))],
        "at_risk": [int((time[rows] >= t).sum()) for t in GRID],
    })

# The book: 150 accounts whose data reach between 6 and 7 months (183..212 days).
L = 365.25 / 12
m_book = 150
book_rate = rng.uniform(0.0005, 0.004, size=m_book)
book_event, book_observed = [], []
for i in range(m_book):
    churn = int(rng.geometric(book_rate[i]))
    obs = int(rng.integers(183, 213))
    book_event.append(churn if churn <= obs else None)
    book_observed.append(obs)
book_arr = [float(round(rng.uniform(5_000, 120_000), 2)) for _ in range(m_book)]
curves = [float(sum(1 - math.exp(-book_rate[i] * m * L) for i in range(m_book))) for m in range(1, 13)]
curves_arr = [float(sum(book_arr[i] * (1 - math.exp(-book_rate[i] * m * L)) for i in range(m_book))) for m in range(1, 13)]
chain = [float(1.1 * c) for c in curves]
compared = [m for m in range(1, 13) if all(o >= m * L for o in book_observed)]
assert compared == list(range(1, len(compared) + 1)) and len(compared) == 6
churned_by = [[i for i in range(m_book) if book_event[i] is not None and book_event[i] <= m * L] for m in compared]

reference = {
    "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "lifelines": lifelines.__version__},
    "inputs": {
        "horizons": HORIZONS, "grid": GRID, "band_order": [b for b, _ in BANDS],
        "event_day": event_day, "observed_days": observed, "band": band_of,
        "predicted": predicted, "predicted_survival": survival,
    },
    "horizons": horizons,
    "bands": bands,
    "book": {
        "inputs": {"event_day": book_event, "observed_days": book_observed, "arr": book_arr,
                   "forecasts": [{"name": "curves", "accounts": curves, "arr": curves_arr},
                                 {"name": "health chain", "accounts": chain, "arr": None}]},
        "months": compared,
        "observed_accounts": [len(c) for c in churned_by],
        "observed_arr": [float(sum(book_arr[i] for i in c)) for c in churned_by],
        "total_arr": float(sum(book_arr)),
    },
}
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
print("left out:", [h["left_out"] for h in horizons], "events:", [h["events"] for h in horizons],
      "ties:", int(len(time[event]) - len(set(time[event]))))
