#!/usr/bin/env python3
"""Reference values for Vitals' Markov-chain analysis, made with numpy and scipy.

Writes chain.json: an absorbing chain with 5 transient and 2 absorbing states (the
shape of the project phase chain, plus a churn-like pair), its fundamental matrix,
expected steps to absorption and their variance, absorption probabilities,
conditional times to absorption, h-step powers, the quasi-stationary distribution,
a 12-month forecast, and Beta quantiles for the credible intervals. Tests read the
JSON and need no Python.

Run: python3 make_references.py   (needs numpy, scipy)
"""
import json
import os

import numpy as np
import scipy
import scipy.linalg
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261123)

t, a = 5, 2
# Transition counts with some structure: mostly stay, drift, a few forbidden (zero) cells.
counts = rng.integers(0, 60, size=(t, t + a))
counts[np.arange(t), np.arange(t)] += 200
counts[0, t + 1] = 0          # the first state never goes straight to the second absorbing state
counts[4, 0] = 0
smoothing = 0.5
forbidden = [(0, t + 1)]      # stays forbidden: no smoothing mass either
alpha = counts.astype(float) + smoothing
for i, j in forbidden:
    alpha[i, j] = 0.0
P = np.zeros((t + a, t + a))
P[:t] = alpha / alpha.sum(axis=1, keepdims=True)
P[t:, t:] = np.eye(a)
Q, R = P[:t, :t], P[:t, t:]

N = scipy.linalg.inv(np.eye(t) - Q)   # the reference may invert; Vitals solves
tau = N @ np.ones(t)
variance = (2 * N - np.eye(t)) @ tau - tau * tau
B = N @ R
conditional = [list((N @ B[:, k]) / B[:, k]) for k in range(a)]
powers = {str(h): np.linalg.matrix_power(P, h).tolist() for h in (0, 1, 2, 3, 6, 12, 24)}

# Quasi-stationary distribution: left Perron eigenvector of Q.
values, left = scipy.linalg.eig(Q, left=True, right=False)
k = int(np.argmax(values.real))
qsd = np.real(left[:, k])
qsd = qsd / qsd.sum()

# A 12-month forecast from today's counts and ARR per state.
accounts = np.array([120.0, 80.0, 40.0, 25.0, 10.0, 0.0, 0.0])
arr = np.array([2.4e6, 1.1e6, 0.5e6, 0.2e6, 0.05e6, 0.0, 0.0])
forecast = []
for m in range(1, 13):
    pm = np.linalg.matrix_power(P, m)
    forecast.append({"month": m, "accounts": (accounts @ pm).tolist(), "arr": (arr @ pm).tolist()})

# Credible intervals: the marginal of a Dirichlet row is Beta(alpha_ij, alpha_i0 - alpha_ij).
intervals = []
for i in range(t):
    for j in range(t + a):
        if alpha[i, j] == 0:
            continue
        b = alpha[i].sum() - alpha[i, j]
        intervals.append({"from": i, "to": j, "lower": scipy.stats.beta.ppf(0.025, alpha[i, j], b),
                          "upper": scipy.stats.beta.ppf(0.975, alpha[i, j], b)})
# Beta CDF and quantiles over a range of shapes, including small and lopsided ones.
beta_cases = []
for (pa, pb) in [(0.5, 0.5), (1.0, 1.0), (2.0, 5.0), (0.5, 300.0), (250.5, 3.5), (1e4, 2e4), (3.0, 0.7)]:
    for q in (0.001, 0.025, 0.5, 0.975, 0.999):
        x = scipy.stats.beta.ppf(q, pa, pb)
        beta_cases.append({"a": pa, "b": pb, "q": q, "x": x, "cdf_at_x": scipy.stats.beta.cdf(x, pa, pb)})

out = {
    "numpy_version": np.__version__, "scipy_version": scipy.__version__,
    "transient": t, "absorbing": a, "smoothing": smoothing, "forbidden": forbidden,
    "counts": counts.tolist(), "P": P.tolist(), "N": N.tolist(), "tau": tau.tolist(),
    "variance": variance.tolist(), "B": B.tolist(), "conditional_tau": conditional,
    "powers": powers, "qsd": qsd.tolist(), "qsd_eigenvalue": float(values[k].real),
    "forecast_accounts": accounts.tolist(), "forecast_arr": arr.tolist(), "forecast": forecast,
    "intervals": intervals, "beta": beta_cases,
}
with open(os.path.join(HERE, "chain.json"), "w") as f:
    json.dump(out, f, indent=1)
print(f"chain.json: {t} transient, {a} absorbing; tau = {np.round(tau, 3)}; lambda = {values[k].real:.6f}")
