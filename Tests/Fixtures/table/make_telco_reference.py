#!/usr/bin/env python3
"""scikit-learn's result for `vitals train --table` on the IBM Telco churn file.

The split is fixed: the first 5,000 data rows train, the remaining 2,043 test. The
encoding is Vitals' table encoding, written out here with pandas:
- customerID is the id, Churn (Yes/No) the label;
- text fields are stripped of surrounding spaces, and an empty field is missing;
- a column whose non-missing values all parse as numbers is numeric: missing values get
  the training median, plus a `<name>__missing` indicator when training had any;
- every other column is one-hot over its training levels, sorted (plus `__missing__`
  when training had missing values); a level unseen in training gets no indicator;
- every column is standardized on the training rows (population sd; constant columns dropped);
- LogisticRegression(C=1, L2), fitted to machine precision.

Writes telco_reference.json with the feature names, the test AUC and the test
probabilities. Run: python3 make_telco_reference.py (needs numpy, pandas, scikit-learn).
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
raw = pd.read_csv(os.path.join(HERE, "..", "real", "telco-customer-churn.csv"), dtype=str, keep_default_na=False)
raw = raw.apply(lambda column: column.str.strip())
train, test = raw.iloc[:5000], raw.iloc[5000:]
label = lambda frame: frame["Churn"].str.lower().map({"yes": 1.0, "no": 0.0}).to_numpy()


def is_number(text):
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


names, train_columns, test_columns = [], [], []
for column in raw.columns:
    if column in ("customerID", "Churn"):
        continue
    values = train[column]
    present = values[values != ""]
    if len(present) and all(is_number(v) for v in present):
        median = float(np.median(present.astype(float)))
        encode = lambda v: np.array([float(x) if x != "" else median for x in v])
        names.append(column); train_columns.append(encode(values)); test_columns.append(encode(test[column]))
        if len(present) < len(values):
            names.append(column + "__missing")
            train_columns.append((values == "").astype(float).to_numpy())
            test_columns.append((test[column] == "").astype(float).to_numpy())
    else:
        levels = sorted(set(present))
        if len(present) < len(values):
            levels.append("__missing__")
        for level in levels:
            names.append(f"{column}={level}")
            match = lambda v: np.array([1.0 if (x if x != "" else "__missing__") == level else 0.0 for x in v])
            train_columns.append(match(values)); test_columns.append(match(test[column]))

x_train, x_test = np.column_stack(train_columns), np.column_stack(test_columns)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
kept = std > 1e-12 * np.maximum(1, np.abs(mean))
z_train = (x_train[:, kept] - mean[kept]) / std[kept]
z_test = (x_test[:, kept] - mean[kept]) / std[kept]
model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(z_train, label(train))
p = model.predict_proba(z_test)[:, 1]
auc = roc_auc_score(label(test), p)
out = {"sklearn_version": sklearn.__version__, "train_rows": len(train), "test_rows": len(test),
       "feature_names": names, "dropped_constant": [n for n, k in zip(names, kept) if not k],
       "test_auc": auc, "test_probabilities": p.tolist()}
with open(os.path.join(HERE, "telco_reference.json"), "w") as f:
    json.dump(out, f)
print(f"{len(names)} features ({int((~kept).sum())} constant), test AUC {auc:.6f}")
