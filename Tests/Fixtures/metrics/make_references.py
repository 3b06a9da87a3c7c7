#!/usr/bin/env python3
"""Reference values for Vitals' evaluation metrics, from sklearn.metrics and numpy.

Writes metrics.json: several cases (random scores, heavy ties, all scores equal,
2 % positives), each with labels, scores (probabilities), ARR per row and the
reference values. Tests read the JSON; they need no Python.

Definitions (the ones Vitals implements):
- roc_auc, average_precision, log_loss, brier: sklearn.metrics functions.
- ece: 10 equal-width bins on [0, 1] (the last closed), sum over non-empty bins of
  (bin count / n) * |mean label - mean score|; reliability bins = (count, mean score, mean label)
  per non-empty bin, as sklearn.calibration.calibration_curve(strategy="uniform") bins them.
- precision_at_k / recall_at_k / arr_recall_at_k: the k rows with the highest scores, ties broken
  by row order (a stable sort on descending score): positives among them / k, / all positives,
  and the ARR of positives among them / the ARR of all positives.
- lift per decile: rows sorted the same way and cut into 10 groups (numpy.array_split sizes);
  each group's positive rate / the overall positive rate.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def reference(name, y, p, arr, ks=(1, 10, 50)):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    # Reliability bins exactly as calibration_curve(strategy="uniform", n_bins=10) assigns them.
    edges = np.linspace(0.0, 1.0, 11)
    ids = np.searchsorted(edges[1:-1], p)
    bins = []
    ece = 0.0
    for b in range(10):
        mask = ids == b
        if mask.any():
            bins.append({"bin": b, "count": int(mask.sum()), "mean_score": float(p[mask].mean()),
                         "mean_label": float(y[mask].mean())})
            ece += mask.sum() / len(y) * abs(y[mask].mean() - p[mask].mean())
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    assert np.allclose(prob_true, [b["mean_label"] for b in bins]) and np.allclose(prob_pred, [b["mean_score"] for b in bins])
    at_k = {}
    for k in ks:
        top = order[:k]
        at_k[str(k)] = {
            "precision": float(y[top].sum() / k),
            "recall": float(y[top].sum() / y.sum()),
            "arr_recall": float((arr[top] * y[top]).sum() / (arr * y).sum()),
        }
    lift = [float(y[g].mean() / y.mean()) for g in np.array_split(order, 10)]
    return {
        "name": name, "y": y.tolist(), "p": p.tolist(), "arr": arr.tolist(),
        "roc_auc": float(roc_auc_score(y, p)), "average_precision": float(average_precision_score(y, p)),
        "log_loss": float(log_loss(y, p)), "brier": float(brier_score_loss(y, p)),
        "ece": float(ece), "bins": bins, "at_k": at_k, "lift_per_decile": lift,
    }


cases = []
n = 500
y = (rng.uniform(size=n) < 0.3).astype(float)
p = np.clip(0.3 + 0.35 * (y - 0.3) + rng.normal(0, 0.2, size=n), 0.001, 0.999)
arr = np.round(rng.lognormal(10, 1, size=n), 2)
cases.append(reference("random", y, p, arr))
cases.append(reference("heavy_ties", y, np.round(p, 1).clip(0.05, 0.95), arr))
cases.append(reference("all_equal", y, np.full(n, 0.3), arr))
n = 2000
y = (rng.uniform(size=n) < 0.02).astype(float)
p = np.clip(0.02 + 0.1 * y + rng.normal(0, 0.03, size=n), 1e-4, 1 - 1e-4)
cases.append(reference("imbalanced", y, p, np.round(rng.lognormal(9, 1.2, size=n), 2), ks=(1, 20, 100)))
with open(os.path.join(HERE, "metrics.json"), "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f)
for c in cases:
    print(c["name"], "auc", round(c["roc_auc"], 6), "ap", round(c["average_precision"], 6), "ece", round(c["ece"], 6))
