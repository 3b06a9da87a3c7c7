#!/usr/bin/env python3
"""Compares a reference pipeline's feature table with `vitals features --as-of` on the same
book: the same accounts, and every feature equal within 1e-9 (relative) or both missing.
Prints one JSON line: rows, features, cells compared, the largest difference and the
worst feature; exits 1 on any mismatch.

Usage: compare_features.py VITALS_FEATURES.csv PEER_FEATURES.csv
"""
import json
import sys

import numpy as np
import pandas as pd

vitals = pd.read_csv(sys.argv[1]).set_index("account_id")
peer = pd.read_csv(sys.argv[2]).set_index("account_id")
names = list(peer.columns)
vitals = vitals[names]
problems = []
if set(vitals.index) != set(peer.index):
    problems.append(f"accounts differ: {len(set(vitals.index) ^ set(peer.index))} in one table only")
peer = peer.reindex(vitals.index)
a, b = vitals.to_numpy(dtype=float), peer.to_numpy(dtype=float)
nan_mismatch = np.isnan(a) != np.isnan(b)
with np.errstate(invalid="ignore"):
    difference = np.where(np.isnan(a) | np.isnan(b), 0.0, np.abs(a - b) / np.maximum(1.0, np.abs(a)))
worst = int(np.argmax(difference.max(axis=0))) if difference.size else 0
for j, name in enumerate(names):
    if nan_mismatch[:, j].any():
        k = int(np.argmax(nan_mismatch[:, j]))
        problems.append(f"{name}: missing in one table only for {int(nan_mismatch[:, j].sum())} rows, e.g. {vitals.index[k]}: {a[k, j]} vs {b[k, j]}")
    if difference[:, j].max(initial=0) > 1e-9:
        k = int(np.argmax(difference[:, j]))
        problems.append(f"{name}: differs by {difference[k, j]:.3g} at {vitals.index[k]}: {a[k, j]} vs {b[k, j]}")
print(json.dumps({"rows": len(vitals), "features": len(names), "cells": int(a.size),
                  "max_relative_difference": float(difference.max(initial=0)), "worst_feature": names[worst],
                  "problems": problems}))
sys.exit(1 if problems else 0)
