"""Reference values for the additive model (Tests/VitalsAdditiveTests), from scipy.

Run with numpy and scipy installed: python3 make_references.py > additive.json

1. Spline bases: scipy.interpolate.BSpline.design_matrix on clamped knot vectors
   (lower repeated k+1 times, interior knots, upper repeated k+1 times), degrees 1 and 3;
   the cumulative form I_j = sum_{i >= j} B_i, j = 1..K-1. Points outside [lower, upper]
   are clamped first, as Vitals does.
2. A bounded, penalized logistic fit, on a given design Z, penalty S and bounds:
       minimize  C * sum_i log(1 + exp(-yt_i (z_i.theta + b))) + 1/2 theta' S theta
   subject to lower <= theta <= upper, with scipy.optimize.minimize(method="L-BFGS-B").
3. A whole additive fit from raw features: knots at sorted[floor(i (n-1) / (m+1))],
   cumulative cubic bases centred on their training means, S = smoothing D'D + ridge I
   per spline, a standardized line for a two-valued feature, bounds from directions; the
   same L-BFGS-B solve; decision values at test points.
"""
import json
import numpy as np
from scipy.interpolate import BSpline
from scipy.optimize import minimize


def full_knots(k, lower, upper, interior):
    return np.concatenate([[lower] * (k + 1), interior, [upper] * (k + 1)])


def basis(x, k, lower, upper, interior):
    t = full_knots(k, lower, upper, interior)
    xs = np.clip(np.asarray(x, dtype=float), lower, upper)
    # design_matrix needs points inside [t[k], t[n]]; the right end is included.
    return BSpline.design_matrix(xs, t, k).toarray()


def cumulative(b):
    # I_j = sum_{i >= j} B_i for j = 1..K-1
    return np.cumsum(b[:, ::-1], axis=1)[:, ::-1][:, 1:]


def bounded_fit(z, y, s, c, lower, upper):
    yt = 2 * y - 1
    p = z.shape[1]

    def f(beta):
        theta, b = beta[:p], beta[p]
        margin = yt * (z @ theta + b)
        value = c * np.sum(np.logaddexp(0, -margin)) + 0.5 * theta @ s @ theta
        r = -yt / (1 + np.exp(margin))
        grad = np.concatenate([c * (z.T @ r) + s @ theta, [c * r.sum()]])
        return value, grad

    bounds = [(None if not np.isfinite(lo) else float(lo), None if not np.isfinite(hi) else float(hi)) for lo, hi in zip(lower, upper)]
    bounds.append((None, None))
    result = minimize(f, np.zeros(p + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 20000, "maxcor": 30})
    return result.x, result


rng = np.random.default_rng(7)
out = {"scipy_version": __import__("scipy").__version__, "bases": [], "bounded": None, "additive": None}

# 1. Bases.
for k, lower, upper, interior in [(3, 0.0, 10.0, [1.0, 2.5, 4.0, 7.5]), (1, 1.0, 4.0, [2.0, 3.0]), (3, -2.0, 3.0, [0.5]),
                                   (3, 0.0, 1.0, [])]:
    x = np.concatenate([[lower - 1, lower, upper, upper + 5], rng.uniform(lower, upper, 20), interior])
    b = basis(x, k, lower, upper, interior)
    out["bases"].append({"degree": k, "lower": lower, "upper": upper, "interior": interior, "x": x.tolist(),
                         "values": b.tolist(), "cumulative": cumulative(b).tolist()})

# 2. A bounded penalized fit on a given design.
n, p = 400, 6
z = rng.normal(size=(n, p))
truth = np.array([1.0, -0.8, 0.5, 0.0, 0.3, -0.2])
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(z @ truth - 0.4)))).astype(float)
s = np.eye(p) * 0.5
d = np.diff(np.eye(3), axis=0)
s[:3, :3] += d.T @ d
lower = np.array([0.0, -np.inf, 0.0, 0.0, -np.inf, 0.0])   # column 1 declared non-negative but the truth is -0.8
upper = np.array([np.inf, 0.0, np.inf, np.inf, np.inf, np.inf])
lower[1], upper[1] = 0.0, np.inf
c = 0.5
beta, result = bounded_fit(z, y, s, c, lower, upper)
out["bounded"] = {"z": z.tolist(), "y": y.tolist(), "s": s.tolist(), "c": c,
                  "lower": [None if not np.isfinite(v) else v for v in lower],
                  "upper": [None if not np.isfinite(v) else v for v in upper],
                  "coefficients": beta[:p].tolist(), "intercept": beta[p], "objective": result.fun, "converged": bool(result.success)}

# 3. A whole additive fit.
n = 600
x0 = rng.gamma(2.0, 2.0, n)                 # skewed, many values: cubic spline, increasing
x1 = rng.integers(0, 5, n).astype(float)    # five values: degree-1 basis on its values, free
x2 = (rng.uniform(size=n) < 0.3).astype(float)  # two values: a line, decreasing
eta = -1.0 + 0.8 * np.log1p(x0) - 0.6 * (x1 == 2) + 0.4 * x1 - 0.7 * x2 + 0.3 * np.sin(x0)
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
x = np.column_stack([x0, x1, x2])
directions = ["increasing", "either", "decreasing"]
columns_per_feature, degree, smoothing, ridge, c = 6, 3, 1.0, 1.0, 2.0

terms, blocks, zs, lowers, uppers = [], [], [], [], []
for j in range(3):
    v = np.sort(x[:, j])
    distinct = np.unique(v)
    bound = {"increasing": (0.0, np.inf), "decreasing": (-np.inf, 0.0), "either": (-np.inf, np.inf)}[directions[j]]
    if len(distinct) <= 2:
        mean, scale = x[:, j].mean(), x[:, j].std()
        zs.append(((x[:, j] - mean) / scale)[:, None])
        blocks.append(np.array([[ridge]]))
        terms.append({"kind": "line", "mean": mean, "scale": scale})
        lowers.append(bound[0]); uppers.append(bound[1])
        continue
    lo, hi = distinct[0], distinct[-1]
    if len(distinct) <= columns_per_feature + 1:
        k, interior = 1, distinct[1:-1].tolist()
    else:
        k, m = degree, columns_per_feature - degree
        interior = []
        for i in range(1, m + 1):
            q = v[int(np.floor(i * (n - 1) / (m + 1)))]
            if lo < q < hi and (not interior or q > interior[-1]):
                interior.append(float(q))
    cum = cumulative(basis(x[:, j], k, lo, hi, interior))
    centres = cum.mean(axis=0)
    zs.append(cum - centres)
    q = cum.shape[1]
    dd = np.diff(np.eye(q), axis=0)
    blocks.append(smoothing * dd.T @ dd + ridge * np.eye(q))
    terms.append({"kind": "spline", "degree": k, "lower": lo, "upper": hi, "interior": interior, "centres": centres.tolist()})
    lowers += [bound[0]] * q; uppers += [bound[1]] * q
zd = np.hstack(zs)
q = zd.shape[1]
s = np.zeros((q, q)); o = 0
for blk in blocks:
    s[o:o + len(blk), o:o + len(blk)] = blk; o += len(blk)
beta, result = bounded_fit(zd, y, s, c, np.array(lowers), np.array(uppers))
test = np.array([[0.1, 0, 0], [2.0, 2, 1], [5.0, 4, 0], [30.0, 1, 1], [-1.0, 3, 0], [x0.max(), 2, 0]])
ztest = []
for row in test:
    parts = []
    for j, term in enumerate(terms):
        if term["kind"] == "line":
            parts.append([(row[j] - term["mean"]) / term["scale"]])
        else:
            cum = cumulative(basis([row[j]], term["degree"], term["lower"], term["upper"], term["interior"]))[0]
            parts.append((cum - np.array(term["centres"])).tolist())
    ztest.append(np.concatenate(parts))
ztest = np.array(ztest)
out["additive"] = {"x": x.tolist(), "y": y.tolist(), "directions": directions, "columns_per_feature": columns_per_feature,
                   "degree": degree, "smoothing": smoothing, "ridge": ridge, "c": c, "terms": terms,
                   "coefficients": beta[:q].tolist(), "intercept": beta[q], "objective": result.fun, "converged": bool(result.success),
                   "test": test.tolist(), "decision": (ztest @ beta[:q] + beta[q]).tolist()}
print(json.dumps(out))
