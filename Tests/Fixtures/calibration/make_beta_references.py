#!/usr/bin/env python3
"""References for Vitals' smooth and centred calibrations.

Beta calibration (Kull, Silva Filho and Flach 2017) of s = sigma(eta): logit p = a ln s - b ln(1 - s) + c,
a, b >= 0. Two references on the same rows: the `betacal` package (BetaCalibration(parameters="abm"),
an sklearn L-BFGS fit with C = 1e11, accurate to about 1e-5) and the exact maximum-likelihood fit of the
same model by statsmodels' GLM (binomial, IRLS to 1e-14), with betacal's refit rule when a or b < 0.

Centred isotonic regression (Oron and Flournoy 2017), computed here from scikit-learn's isotonic fit:
the fitted steps' centres (weighted mean score of each step) and values, interpolated by numpy.

Writes beta.json. Run: python3 make_beta_references.py (numpy, scikit-learn, statsmodels, betacal).
"""
import json
import os

import betacal
import numpy as np
import sklearn
import statsmodels.api as sm
from sklearn.isotonic import IsotonicRegression

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(12)
EPS = np.finfo(float).eps


def features(eta):
    s = np.clip(1 / (1 + np.exp(-eta)), EPS, 1 - EPS)
    return np.log(s), -np.log(1 - s)


def glm_beta(eta, y, w):
    ls, lm = features(eta)
    def fit(cols):
        x = sm.add_constant(np.column_stack(cols))
        r = sm.GLM(y, x, family=sm.families.Binomial(), var_weights=w).fit(tol=1e-14, maxiter=200)
        return r.params  # const first
    p = fit([ls, lm])
    if p[1] < 0:
        q = fit([lm])
        return 0.0, float(q[1]), float(q[0])
    if p[2] < 0:
        q = fit([ls])
        return float(q[1]), 0.0, float(q[0])
    return float(p[1]), float(p[2]), float(p[0])


def centred_isotonic(x, y, w):
    iso = IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)
    order = np.argsort(x, kind="mergesort")
    xs, fitted = x[order], iso.predict(x[order])
    ws = (w if w is not None else np.ones_like(x))[order]
    knots, values = [], []
    start = 0
    for i in range(1, len(xs) + 1):
        if i == len(xs) or fitted[i] != fitted[start]:
            knots.append(float(np.sum(xs[start:i] * ws[start:i]) / np.sum(ws[start:i])))
            values.append(float(fitted[start]))
            start = i
    return knots, values


cases = []
test = np.concatenate([np.linspace(-9, 9, 37), [-40.0, 40.0]])
for name, n, slope, bend in [("sigmoid-like", 900, 0.8, 0.0), ("bent", 900, 1.0, 0.9), ("weighted", 700, 0.6, 0.4), ("small", 60, 0.9, 0.0)]:
    eta = rng.normal(-1.0, 2.0, size=n)
    # The truth bends the model's scores: the positive side is steeper than the negative one.
    truth = slope * eta + bend * np.maximum(eta, 0) - 0.3
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-truth))).astype(float)
    w = rng.uniform(0.5, 2.0, size=n) if name == "weighted" else None
    bc = betacal.BetaCalibration(parameters="abm").fit(1 / (1 + np.exp(-eta)), y, sample_weight=w)
    a, b, c = glm_beta(eta, y, w if w is not None else np.ones(n))
    ls, lm = features(test)
    knots, values = centred_isotonic(eta, y, w)
    cases.append({
        "name": name, "eta": eta.tolist(), "y": y.tolist(), "weights": (w.tolist() if w is not None else None),
        "glm_a": a, "glm_b": b, "glm_c": c,
        "test_eta": test.tolist(), "glm_predictions": (1 / (1 + np.exp(-(a * ls + b * lm + c)))).tolist(),
        "betacal_predictions": bc.predict(1 / (1 + np.exp(-test))).tolist(),
        "cir_knots": knots, "cir_values": values, "cir_predictions": np.interp(test, knots, values).tolist(),
    })
    print(name, "a b c", a, b, c, "betacal map", bc.calibrator_.map_, "cir steps", len(knots))

with open(os.path.join(HERE, "beta.json"), "w") as fh:
    json.dump({"sklearn_version": sklearn.__version__, "betacal_version": getattr(betacal, "__version__", "1.1.0"),
               "statsmodels_version": sm.__version__ if hasattr(sm, "__version__") else "", "cases": cases}, fh)
