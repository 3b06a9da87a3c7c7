#!/usr/bin/env python3
"""References for Vitals' probability calibration.

Platt (sigmoid) scaling, as scikit-learn's CalibratedClassifierCV(method="sigmoid")
fits it: p = 1 / (1 + exp(a f + b)) minimizing the weighted cross-entropy against
Platt's smoothed targets T+ = (N+ + 1) / (N+ + 2), T- = 1 / (N- + 2). Two references:
sklearn's own (a, b) (an L-BFGS fit, accurate to about 1e-6), and the same problem
solved by statsmodels' GLM (binomial, fractional targets, IRLS to 1e-14).

Isotonic: sklearn.isotonic.IsotonicRegression(out_of_bounds="clip"), its fitted
thresholds and its predictions on new scores.

Writes calibration.json. Run: python3 make_references.py (numpy, scikit-learn, statsmodels).
"""
import json
import os

import numpy as np
import sklearn
import statsmodels.api as sm
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(11)

n = 800
f = rng.normal(0, 2, size=n)                      # decision values of some model
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.7 * f - 0.4)))).astype(float)
w = rng.uniform(0.5, 2.0, size=n)
f_ties = np.round(f, 1)                           # many tied scores, for isotonic
test = np.concatenate([np.linspace(-8, 8, 41), f[:10]])

cases = []
for name, scores, weights in [("plain", f, None), ("weighted", f, w), ("ties", f_ties, None)]:
    a, b = _sigmoid_calibration(scores, y, sample_weight=weights)
    neg = (y <= 0)
    prior0 = (weights[neg].sum() if weights is not None else neg.sum())
    prior1 = (weights[~neg].sum() if weights is not None else (~neg).sum())
    t = np.where(y > 0, (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2))
    glm = sm.GLM(t, sm.add_constant(scores), family=sm.families.Binomial(),
                 var_weights=weights if weights is not None else None).fit(tol=1e-14, maxiter=200)
    iso = IsotonicRegression(out_of_bounds="clip").fit(scores, y, sample_weight=weights)
    cases.append({
        "name": name, "scores": scores.tolist(), "y": y.tolist(),
        "weights": (weights.tolist() if weights is not None else None),
        "sklearn_a": float(a), "sklearn_b": float(b),
        # GLM fits p = sigma(c0 + c1 f), i.e. a = -c1, b = -c0.
        "glm_a": float(-glm.params[1]), "glm_b": float(-glm.params[0]),
        "isotonic_x": iso.X_thresholds_.tolist(), "isotonic_y": iso.y_thresholds_.tolist(),
        "test_scores": test.tolist(), "isotonic_predictions": iso.predict(test).tolist(),
    })
    print(name, "sklearn", a, b, "glm", -glm.params[1], -glm.params[0], "isotonic knots", len(iso.X_thresholds_))

with open(os.path.join(HERE, "calibration.json"), "w") as fh:
    json.dump({"sklearn_version": sklearn.__version__, "statsmodels_version": sm.__version__ if hasattr(sm, "__version__") else "",
               "cases": cases}, fh)
