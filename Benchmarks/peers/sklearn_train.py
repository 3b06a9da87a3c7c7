#!/usr/bin/env python3
"""The peer for `make bench-train`: scikit-learn's LogisticRegression(solver="lbfgs").

Reads the benchmark's problem (raw little-endian float64, row-major, written by
TrainBenchmark), times `fit` alone (not the file read), and prints one JSON line
per tolerance: seconds, iterations and the solution.

Usage: sklearn_train.py X_FILE Y_FILE N P C TOL [TOL ...]
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

x_file, y_file, n, p, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
x = np.fromfile(x_file, dtype="<f8").reshape(n, p)
y = np.fromfile(y_file, dtype="<f8")
for tol in map(float, sys.argv[6:]):
    model = LogisticRegression(C=c, solver="lbfgs", tol=tol, max_iter=10_000)
    start = time.perf_counter()
    model.fit(x, y)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "tol": tol,
        "seconds": seconds, "n_iter": int(model.n_iter_[0]),
        "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
    }), flush=True)
