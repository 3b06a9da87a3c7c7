#!/usr/bin/env python3
"""Reference fits for Vitals' logistic regression, made with scikit-learn.

Each problem is written to <name>.json with the design matrix exactly as
scikit-learn saw it (already standardized: column means 0, population standard
deviations 1), the labels, the sample weights and scikit-learn's solution.
Vitals standardizes inside its model, so comparing on the standardized scale
is comparing like with like. Tests read these files; they need no Python.

Objective (scikit-learn): C * sum_i s_i loss_i + (1 - rho)/2 ||w||^2 + rho ||w||_1,
intercept unpenalized. Vitals' equivalent: lambda = 1 / (C * sum_i s_i).

Run: python3 make_references.py   (needs numpy, pandas, scikit-learn)
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261123)


def standardize(x):
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    return (x - mean) / std


def fit(name, x, y, C=1.0, l1_ratio=0.0, sample_weight=None, class_weight=None, note=""):
    x = standardize(np.asarray(x, dtype=float))
    y = np.asarray(y, dtype=float)
    # scikit-learn >= 1.8 spells the penalty through l1_ratio alone (0 = L2); saga handles the L1 part.
    # newton-cholesky solves the L2 problems to machine precision, even ill-conditioned ones
    # (lbfgs stops where the gradient is small, which on collinear data leaves 1e-5 in the coefficients).
    solver = "saga" if l1_ratio > 0 else "newton-cholesky"
    model = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-13,
                               max_iter=1_000_000, class_weight=class_weight, random_state=0)
    model.fit(x, y, sample_weight=sample_weight)
    # The weights scikit-learn actually used: sample weights times class weights.
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if class_weight is not None:
        s = s * compute_sample_weight(class_weight, y)
    out = {
        "name": name, "note": note, "sklearn_version": sklearn.__version__, "solver": solver,
        "C": C, "l1_ratio": l1_ratio, "class_weight": class_weight,
        "n": int(x.shape[0]), "p": int(x.shape[1]),
        "x": x.round(17).tolist(), "y": y.tolist(), "sample_weight": s.tolist(),
        "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
        "n_iter": int(model.n_iter_[0]),
    }
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(out, f)
    print(f"{name}: n={x.shape[0]} p={x.shape[1]} positives={int(y.sum())} iters={model.n_iter_[0]}")


def simulate(n, beta, intercept, noise_rows=None):
    x = rng.normal(size=(n, len(beta)))
    p = 1 / (1 + np.exp(-(x @ beta + intercept)))
    return x, (rng.uniform(size=n) < p).astype(float)


# 1. Well-conditioned.
x, y = simulate(600, np.array([1.0, -0.5, 0.25, 0.0, 2.0, -1.5]), -0.3)
fit("well_conditioned", x, y, C=0.5)
# Sample weights and balanced class weights on the same data.
w = rng.uniform(0.2, 3.0, size=len(y))
fit("weighted", x, y, C=0.5, sample_weight=w)
fit("balanced", x, y, C=0.5, class_weight="balanced")
# Elastic net (saga is the scikit-learn solver for it).
fit("elastic_net", x, y, C=0.02, l1_ratio=0.5)

# 2. Imbalanced: about 2 % positives.
x, y = simulate(3000, np.array([0.8, -0.6, 0.4, 0.3, 0.0]), -4.6)
fit("imbalanced", x, y, C=1.0, note=f"{y.mean():.4f} positives")
# Pure L1 (lasso) on the imbalanced data: strong enough to zero some coefficients.
fit("lasso_imbalanced", x, y, C=0.05, l1_ratio=1.0, note=f"{y.mean():.4f} positives")

# 3. Nearly separable: a strong signal with little noise.
x, y = simulate(400, np.array([6.0, -4.0, 3.0, 0.5]), 0.5)
fit("nearly_separable", x, y, C=10.0)

# 4. Collinear: column 3 = column 0 + column 1 + tiny noise, column 4 = 2 * column 2 (+ tiny noise).
base = rng.normal(size=(500, 3))
x = np.column_stack([base, base[:, 0] + base[:, 1] + 1e-6 * rng.normal(size=500),
                     2 * base[:, 2] + 1e-6 * rng.normal(size=500)])
y = (rng.uniform(size=500) < 1 / (1 + np.exp(-(base @ np.array([1.0, -1.0, 0.5]))))).astype(float)
fit("collinear", x, y, C=1.0)

# 5. Real data: IBM Telco customer churn, one-hot encoded.
telco = pd.read_csv(os.path.join(HERE, "..", "real", "telco-customer-churn.csv"))
telco["TotalCharges"] = pd.to_numeric(telco["TotalCharges"], errors="coerce")
telco = telco.dropna(subset=["TotalCharges"])
y = (telco["Churn"] == "Yes").astype(float).to_numpy()
features = telco.drop(columns=["customerID", "Churn"])
categorical = list(features.select_dtypes(exclude="number").columns)
encoded = pd.get_dummies(features, columns=categorical, drop_first=True, dtype=float)
fit("telco", encoded.to_numpy(), y, C=1.0,
    note="IBM Telco churn, 7,032 rows with TotalCharges; one-hot with drop_first; columns: "
    + ", ".join(encoded.columns))
# Elastic net on the same real data, with sample weights from the customers' tenure.
fit("telco_elastic_net", encoded.to_numpy(), y, C=0.05, l1_ratio=0.7,
    sample_weight=1 + telco["tenure"].to_numpy() / 72.0,
    note="IBM Telco churn as in telco.json; sample weight 1 + tenure / 72")
