"""Reference for the discrete-time hazard fit: person-period rows expanded here, independently
of Vitals, and a logistic GLM fitted on them by statsmodels (no penalty).

    python make_reference.py > reference.json     (numpy, statsmodels)

The snapshots: 400 rows of 3 features; a churn day drawn from a known discrete hazard
(a baseline falling with the period, raised by x0, lowered by x1), and a data end between
0 and 500 days after the snapshot, so that rows are censored at every period.
"""
import json
import math
import sys

import numpy as np
import statsmodels
import statsmodels.api as sm

L = 365.25 / 12
K = 12
rng = np.random.default_rng(20261130)
n = 400
x = rng.normal(size=(n, 3))
rows = []
for i in range(n):
    observed = int(rng.integers(0, 501))
    event = None
    for k in range(1, K + 3):
        eta = -2.2 - 0.08 * k + 0.9 * x[i, 0] - 0.6 * x[i, 1]
        if rng.random() < 1 / (1 + math.exp(-eta)):
            day = int(math.ceil((k - 1) * L + rng.random() * L))
            event = max(day, 1)
            break
    if event is not None and event > observed:
        event = None  # not seen: the data ended first
    rows.append((event, observed))

# The expansion, written from the definition: period k covers days ((k-1)L, kL], and only
# periods the data covers whole count, whatever happened in them (administrative censoring).
design, labels = [], []
for i, (event, observed) in enumerate(rows):
    e = math.ceil(event / L) if event is not None else None
    whole = min(K, math.floor(observed / L))
    if e is not None and e <= whole:
        for k in range(1, e + 1):
            design.append([1.0, *x[i], float(k)])
            labels.append(1.0 if k == e else 0.0)
    else:
        for k in range(1, whole + 1):
            design.append([1.0, *x[i], float(k)])
            labels.append(0.0)
design = np.array(design)
labels = np.array(labels)
fit = sm.GLM(labels, design, family=sm.families.Binomial()).fit(tol=1e-12)
json.dump({
    "source": "Tests/Fixtures/hazard/make_reference.py (numpy %s, statsmodels %s)" % (np.__version__, statsmodels.__version__),
    "period_days": L, "periods": K,
    "x": x.tolist(), "event_day": [r[0] for r in rows], "observed_days": [r[1] for r in rows],
    "expanded_rows": int(len(labels)), "expanded_events": int(labels.sum()),
    "intercept": float(fit.params[0]), "coef": [float(v) for v in fit.params[1:]],
}, sys.stdout, indent=1)
